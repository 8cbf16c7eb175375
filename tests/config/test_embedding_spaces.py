"""The typed config and catalog refuse vector spaces that contradict themselves, and a
``default_embedding_model`` that is not an embedding model, with the field an operator edits."""

from __future__ import annotations

from typing import Any

import pytest

from tenbin.catalog.catalog import load_catalog
from tenbin.config.loader import ConfigError, build_config
from tenbin.config.validate import Findings, check_config, dependencies
from tests.conftest import fake_model, openai_provider

ENV = {"FAKE_KEY": "k"}
SPACE = "openai/text-embedding-3-small"


def emb(id: str, **kw: Any) -> dict[str, Any]:
    return fake_model(id, "fake", kind="embedding", context_window=8191, **kw)


def raw(*models: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"providers": {"fake": openai_provider("http://127.0.0.1:9/v1")},
            "models": [fake_model("chat", "fake"), *models], "default_model": "chat", **extra}


def findings(cfg: dict[str, Any]) -> Findings:
    c = build_config(cfg, env=ENV)
    return check_config(c, load_catalog(c.models))


def space_lines(lines: list[str]) -> list[str]:
    return [x for x in lines if "vector" in x or "dimensions" in x or "default_embedding_model" in x]


def test_the_shipped_embedding_models_name_their_space_and_width() -> None:
    got = {m.id: (m.space, m.dimensions) for m in load_catalog() if m.kind == "embedding"}
    assert got == {"text-embedding-3-small": (SPACE, 1536),
                   "text-embedding-3-large": ("openai/text-embedding-3-large", 3072),
                   "gemini-embedding-001": ("google/gemini-embedding-001", 3072)}
    f = findings(raw())
    assert space_lines(f.errors + f.warnings) == []


def test_a_models_space_defaults_to_its_own_id() -> None:
    c = build_config(raw(emb("mine")), env=ENV)
    m = load_catalog(c.models).get("mine")
    assert m is not None and m.vector_space is None and m.space == "mine"


@pytest.mark.parametrize("field", [{"vector_space": SPACE}, {"dimensions": 1536}])
def test_a_chat_model_with_a_vector_space_or_width_is_refused(field: dict[str, Any]) -> None:
    name = next(iter(field))
    with pytest.raises(ConfigError) as ei:
        build_config(raw(fake_model("gpt-x", "fake", **field)), env=ENV)
    assert (f"models.1: Value error, {name}: gpt-x is a chat model; only kind: embedding models have a "
            f"{name.replace('_', ' ')} (add kind: embedding, or remove {name})") in str(ei.value)


def test_one_space_has_one_width() -> None:
    f = findings(raw(emb("azure-jp/small", vector_space=SPACE, dimensions=3072)))
    assert space_lines(f.errors) == [
        "models.1(azure-jp/small).dimensions: 3072 differs from text-embedding-3-small's 1536 in vector_space "
        f"'{SPACE}'; models of one space answer vectors of one width (a request without `dimensions` would "
        "get another width from a stand-in) — fix the width or the vector_space"]
    assert space_lines(findings(raw(emb("azure-jp/small", vector_space=SPACE, dimensions=1536))).errors) == []
    assert space_lines(findings(raw(emb("azure-jp/small", vector_space=SPACE))).errors) == []  # width unknown


def test_a_space_spelled_as_a_model_id_is_refused_with_the_space_meant() -> None:
    f = findings(raw(emb("azure-jp/small", vector_space="text-embedding-3-small")))
    assert space_lines(f.errors) == [
        "models.1(azure-jp/small).vector_space: 'text-embedding-3-small' is the id of a model whose vector "
        f"space is '{SPACE}'; did you mean vector_space: {SPACE}?"]
    # naming a model whose space is its own id is that space: fine
    ok = findings(raw(emb("e5"), emb("e5-jp", vector_space="e5")))
    assert space_lines(ok.errors + ok.warnings) == []


def test_a_space_no_other_model_is_in_is_a_warning_with_did_you_mean() -> None:
    f = findings(raw(emb("azure-jp/small", vector_space="openai/text-embedding-3-smal")))
    assert space_lines(f.errors) == []
    assert space_lines(f.warnings) == [
        "models.1(azure-jp/small).vector_space: no other model is in 'openai/text-embedding-3-smal', so "
        f"azure-jp/small stands in for no other model and none for it; did you mean '{SPACE}'?"]


def test_a_fallback_to_another_space_is_a_warning() -> None:
    f = findings(raw(emb("azure-jp/small", vector_space=SPACE), emb("e5"),
                     fallbacks={"text-embedding-3-small": ["e5", "azure-jp/small"]}))
    assert space_lines(f.warnings) == [
        "fallbacks.text-embedding-3-small: e5 is in vector space e5, incomparable with text-embedding-3-small's "
        f"{SPACE}; an embeddings request never falls back to it (give it the same vector_space only if it is "
        "the same model)"]


def test_an_alias_mixing_spaces_is_a_warning() -> None:
    f = findings(raw(emb("e5"), routing={"aliases": {"search": {"pool": ["chat", "text-embedding-3-small", "e5"]}}}))
    assert space_lines(f.warnings) == [
        "routing.aliases.search: e5 not in the vector space of its first embedding model text-embedding-3-small "
        f"({SPACE}); embeddings requests for the alias never use them"]


def test_default_embedding_model_must_be_a_known_embedding_model() -> None:
    assert space_lines(findings(raw(default_embedding_model="text-embedding-3-smal")).errors) == [
        "default_embedding_model: unknown model 'text-embedding-3-smal'; did you mean 'text-embedding-3-small'?"]
    assert space_lines(findings(raw(default_embedding_model="chat")).errors) == [
        "default_embedding_model: chat is a chat model; tenbin/auto on /v1/embeddings needs a kind: embedding "
        "model (the one your index was built with)"]
    good = raw(emb("azure-jp/small", vector_space=SPACE), default_embedding_model="text-embedding-3-small",
               fallbacks={"text-embedding-3-small": ["azure-jp/small"]})
    assert space_lines(findings(good).errors) == []
    c = build_config(good, env=ENV)
    dep = next(d for d in dependencies(c, load_catalog(c.models)) if d.where == "default_embedding_model")
    assert dep.models == ("text-embedding-3-small", "azure-jp/small") and dep.providers == ("openai", "fake")
    with pytest.raises(ConfigError):
        build_config(raw(default_embedding_model=""), env=ENV)
