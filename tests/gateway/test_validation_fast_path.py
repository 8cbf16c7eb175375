"""The chat body's fast check (api/validation.py ``_plainly_valid``) passes only bodies the full
checks pass, so ``validate_chat`` refuses exactly what ``validate_fully`` refuses, with the same
error (message, param, code) whichever fault comes first."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tenbin.api.validation import _plainly_valid, validate_chat, validate_fully
from tenbin.errors import BadRequest

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(-3, 3, allow_nan=False),
                    st.sampled_from(["", "x", "user", "assistant", "tool", "system", "bogus"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.sampled_from(["type", "text", "k"]),
                                                                       inner, max_size=2)), max_leaves=6)
TEXT_MESSAGE = st.fixed_dictionaries({"role": st.sampled_from(["user", "system", "assistant", "tool", "developer"]),
                                      "content": st.text(max_size=5)})
MESSAGE = st.one_of(
    TEXT_MESSAGE,
    st.dictionaries(st.sampled_from(["role", "content", "tool_calls", "name"]), VALUES, max_size=3),
    VALUES,
)
FIELDS = ["stream", "stream_options", "metadata", "temperature", "top_p", "presence_penalty",
          "frequency_penalty", "max_tokens", "max_completion_tokens", "n", "stop", "user", "tools"]
FIELD_VALUE = st.one_of(SCALARS, st.sampled_from([0, 1, 2, -2, 3, 0.0, 1.0, 2.0, 2.5, -0.5, 1.5, -2.0, 1e9]),
                        st.lists(st.one_of(st.text(max_size=2), st.integers(0, 1)), max_size=2), VALUES)
# a known role with any content: none (with or without tool calls), parts, a number
ROLE_MESSAGE = st.builds(
    lambda role, content, calls: {"role": role, **content, **calls},
    st.sampled_from(["user", "system", "assistant", "tool", "bogus", "function"]),
    st.one_of(st.just({}), st.dictionaries(st.just("content"), st.one_of(VALUES, st.text(max_size=2), st.lists(
        st.one_of(st.fixed_dictionaries({"type": st.just("text"), "text": st.just("x")}), VALUES), max_size=2)),
        min_size=1)),
    st.one_of(st.just({}), st.dictionaries(st.just("tool_calls"), VALUES, min_size=1)),
)
# mostly well-formed requests with a few optional fields, whose values are often near a bound
NEAR_VALID = st.builds(
    lambda messages, extra: {"model": "gpt-4o", "messages": messages, **extra},
    st.lists(st.one_of(TEXT_MESSAGE, TEXT_MESSAGE, ROLE_MESSAGE), min_size=1, max_size=2),
    st.dictionaries(st.sampled_from(FIELDS), FIELD_VALUE, max_size=3),
)
ANY_BODY = st.builds(
    lambda model, messages, extra: {**model, **messages, **extra},
    st.one_of(st.just({"model": "gpt-4o"}), st.dictionaries(st.just("model"), VALUES, max_size=1)),
    st.one_of(st.builds(lambda ms: {"messages": ms}, st.lists(TEXT_MESSAGE, min_size=1, max_size=2)),
              st.builds(lambda ms: {"messages": ms}, st.lists(MESSAGE, max_size=3)),
              st.dictionaries(st.just("messages"), VALUES, max_size=1)),
    st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=4),
)
BODY = st.one_of(NEAR_VALID, NEAR_VALID, ANY_BODY)


def outcome(check: Any, body: dict[str, Any]) -> tuple[str, str | None, str | None] | None:
    try:
        check(body)
    except BadRequest as e:
        return e.message, e.param, e.code
    return None


@settings(max_examples=2000, deadline=None)
@given(BODY)
@example({"model": "m", "messages": [{"role": "user", "content": "hi"}], "max_tokens": True})
@example({"model": "m", "messages": [{"role": "user", "content": "hi"}], "temperature": 2.5, "stream": 1})
@example({"model": "m", "messages": [{"role": {"a": 1}, "content": "hi"}]})
@example({"model": "m", "messages": [{"role": "bogus", "content": "hi"}]})
@example({"model": "m", "messages": [{"role": "user"}]})
@example({"model": "m", "messages": [{"role": "user", "content": "hi"}], "stop": ["a", 1]})
@example({"model": "m", "messages": [{"role": "user", "content": "hi"}], "n": 0})
def test_fast_path_refuses_what_the_full_checks_refuse(body: dict[str, Any]) -> None:
    body = orjson.loads(orjson.dumps(body))  # the types a parsed request holds
    full = outcome(validate_fully, body)
    assert outcome(validate_chat, body) == full
    if _plainly_valid(body):
        assert full is None


def test_common_bodies_take_the_fast_path() -> None:
    """What SDKs send passes without the full checks (else the fast path would be dead code)."""
    assert _plainly_valid({"model": "gpt-4o", "messages": [{"role": "system", "content": "s"},
                                                           {"role": "user", "content": "q"}],
                           "max_tokens": 32, "stream": True, "temperature": 0.2, "stop": ["\n"],
                           "stream_options": {"include_usage": True}, "user": "u1"})
