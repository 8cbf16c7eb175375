"""One loaded llama.cpp model and our own token loop. Imported only inside a worker process.

The token loop is ours rather than ``create_chat_completion``'s so that usage is exact for
streams too (llama-cpp-python reports usage only for non-streamed calls) and so that a client
that disconnects stops the generation.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


class EngineError(Exception):
    """A request the model cannot serve (the client's fault, e.g. a prompt over the context)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(slots=True)
class EngineOptions:
    n_ctx: int = 2048
    n_threads: int | None = None
    seed: int | None = None
    extra_buffer_types: bool = True
    embedding: bool = False  # load for vectors (Engine.embed) instead of generation


@dataclass(slots=True)
class Generation:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def _pooling(path: str) -> int:
    """The GGUF's own pooling when it names one (an embedding model: CLS for BGE, mean for E5);
    mean for a generative model such as SmolLM2, whose per-token states have none."""
    import llama_cpp

    probe = llama_cpp.Llama(model_path=path, vocab_only=True, verbose=False)
    named = any(k.endswith(".pooling_type") for k in probe.metadata)
    del probe
    return int(llama_cpp.LLAMA_POOLING_TYPE_UNSPECIFIED if named else llama_cpp.LLAMA_POOLING_TYPE_MEAN)


@contextlib.contextmanager
def _model_params(extra_buffer_types: bool) -> Iterator[None]:
    """``Llama()`` builds its model params from ``llama_model_default_params`` and offers no
    argument for ``use_extra_bufts``; wrapping the default for the duration of the load is the
    narrowest way to set it (the worker is single-threaded while it loads)."""
    import llama_cpp.llama_cpp as C

    if extra_buffer_types:
        yield
        return
    original = C.llama_model_default_params

    def params() -> Any:
        p = original()
        p.use_extra_bufts = False
        return p

    C.llama_model_default_params = params
    try:
        yield
    finally:
        C.llama_model_default_params = original


class Engine:
    """One loaded model and its chat template; used by one thread at a time."""

    def __init__(self, path: str, opts: EngineOptions) -> None:
        import llama_cpp
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self._llama_cpp = llama_cpp
        self.embedding = opts.embedding
        extra: dict[str, Any] = {}
        with _model_params(opts.extra_buffer_types):
            if opts.embedding:
                extra = {"embedding": True, "pooling_type": _pooling(path)}
            self.llm = llama_cpp.Llama(
                model_path=path, n_ctx=opts.n_ctx, n_threads=opts.n_threads or max(1, (os.cpu_count() or 2) // 2),
                verbose=False, seed=opts.seed if opts.seed is not None else llama_cpp.LLAMA_DEFAULT_SEED, **extra,
            )
        template = self.llm.metadata.get("tokenizer.chat_template")
        eos, bos = self.llm.token_eos(), self.llm.token_bos()
        self.formatter = (
            Jinja2ChatFormatter(
                template=template,
                eos_token=self.llm._model.token_get_text(eos) if eos != -1 else "",
                bos_token=self.llm._model.token_get_text(bos) if bos != -1 else "",
            )
            if template else None
        )

    def prompt_tokens(self, messages: list[dict[str, Any]]) -> tuple[list[int], list[str]]:
        msgs = [{"role": m.get("role", "user"), "content": _text(m.get("content"))} for m in messages]
        if self.formatter is None:
            prompt = "".join(f"{m['role']}: {m['content']}\n" for m in msgs) + "assistant: "
            stops: list[str] = []
        else:
            r = self.formatter(messages=msgs)  # type: ignore[arg-type]
            prompt = r.prompt
            stops = [r.stop] if isinstance(r.stop, str) else list(r.stop or [])
        return self.llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True), stops

    def embed(self, body: dict[str, Any]) -> tuple[list[list[float]], int]:
        """One unit vector per input string, and the prompt tokens they took. Token arrays are
        refused: they are ids of the client's tokenizer, not this model's."""
        if not self.embedding:
            raise EngineError("this local model was not loaded for embeddings (providers.<name>.embedding: true)")
        inp = body.get("input")
        items = inp if isinstance(inp, list) else [inp]
        texts = [t for t in items if isinstance(t, str)]
        if not texts or len(texts) != len(items):
            raise EngineError("the local embedding model takes text, not token arrays")
        width = self.llm.n_embd()
        dims = body.get("dimensions")
        if dims is not None and dims != width:
            raise EngineError(f"the local model's vectors have {width} dimensions; 'dimensions' cannot change that")
        n_ctx = self.llm.n_ctx()
        for i, t in enumerate(texts):
            n = len(self.llm.tokenize(t.encode("utf-8"), add_bos=True))
            if n > n_ctx:
                raise EngineError(f"input[{i}] is {n} tokens; the local model's context is {n_ctx}")
        vectors, count = self.llm.embed(texts, normalize=True, truncate=False, return_count=True)
        return [[float(x) for x in v] for v in vectors], int(count)

    def generate(self, body: dict[str, Any], emit: Callable[[str], None], cancel: threading.Event) -> Generation:
        if self.embedding:
            raise EngineError("this local model is loaded for embeddings only; chat needs another provider")
        tokens, template_stops = self.prompt_tokens(body.get("messages") or [])
        n_ctx = self.llm.n_ctx()
        if len(tokens) >= n_ctx:
            raise EngineError(f"prompt is {len(tokens)} tokens; the local model's context is {n_ctx}")
        max_tokens = body.get("max_completion_tokens") or body.get("max_tokens") or 256
        max_tokens = min(int(max_tokens), n_ctx - len(tokens))
        stop = body.get("stop") or []
        stops = [s for s in ([stop] if isinstance(stop, str) else list(stop)) + template_stops if s]
        hold = max((len(s) for s in stops), default=1) - 1
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        is_eog = self._llama_cpp.llama_vocab_is_eog
        vocab = self.llm._model.vocab
        completion: list[int] = []
        text, sent = "", 0
        finish = "length"
        temperature = body.get("temperature")
        for tok in self.llm.generate(
            tokens, temp=0.7 if temperature is None else float(temperature),
            top_p=float(body.get("top_p") or 0.95), top_k=40, repeat_penalty=1.1, reset=True,
        ):
            if cancel.is_set():
                finish = "cancelled"
                break
            if is_eog(vocab, tok):
                finish = "stop"
                break
            completion.append(tok)
            text += decoder.decode(self.llm.detokenize([tok], prev_tokens=tokens + completion[:-1]))
            cut = min((i for i in (text.find(s, max(0, sent - len(s))) for s in stops) if i >= 0), default=-1)
            if cut >= 0:
                text, finish = text[:cut], "stop"
                break
            if len(text) - hold > sent:
                emit(text[sent : len(text) - hold])
                sent = len(text) - hold
            if len(completion) >= max_tokens:
                break
        # Bytes of a character cut off by max_tokens are dropped rather than shown as U+FFFD.
        if len(text) > sent:
            emit(text[sent:])
        return Generation(text, len(tokens), len(completion), finish)

    def self_test(self) -> None:
        """One greedy token through the whole path (prompt eval, matmuls, sampling): a CPU kernel
        that crashes does so here, before the worker says it is ready."""
        if self.embedding:
            self.embed({"input": "Hi"})
            return
        self.generate({"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1, "temperature": 0},
                      lambda _: None, threading.Event())
