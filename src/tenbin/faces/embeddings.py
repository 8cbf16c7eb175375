"""The OpenAI Embeddings face (``POST /v1/embeddings``): the request checked as OpenAI checks it,
and the vectors rendered in OpenAI's shape, as floats or as base64 little-endian float32.

The pipeline always asks vendors for floats and this face encodes base64 itself, so every vendor
(OpenAI-compatible, Gemini) answers a client the same way. Errors are OpenAI's (``err.to_body()``).
"""

from __future__ import annotations

from typing import Any

from tenbin.errors import BadRequest
from tenbin.providers.base import float32_base64

#: OpenAI's own limits: 2048 inputs per request; one input may not be empty.
MAX_INPUTS = 2048
FIELDS = frozenset({"model", "input", "encoding_format", "dimensions", "user"})


def _bad(message: str, param: str, code: str = "invalid_value") -> BadRequest:
    return BadRequest(message, param=param, code=code)


def _token_array(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(t, int) and not isinstance(t, bool) and t >= 0 for t in v)


def _check_input(inp: Any) -> None:
    """A string, a list of strings, a token array (``list[int]``) or a list of token arrays; none
    empty, at most ``MAX_INPUTS`` of them — OpenAI's rules, so an SDK sees the same 400."""
    if isinstance(inp, str):
        if not inp:
            raise _bad("'input' must not be an empty string.", "input")
        return
    if not isinstance(inp, list) or not inp:
        raise _bad("'input' must be a non-empty string, array of strings, array of tokens or array of "
                   "token arrays.", "input", "invalid_type")
    if len(inp) > MAX_INPUTS:
        raise _bad(f"'input' has {len(inp)} items; at most {MAX_INPUTS} per request.", "input")
    if _token_array(inp):
        return
    if all(isinstance(x, str) for x in inp):
        empty = next((i for i, x in enumerate(inp) if not x), None)
        if empty is not None:
            raise _bad(f"'input[{empty}]' must not be an empty string.", f"input[{empty}]")
        return
    if all(isinstance(x, list) for x in inp):
        for i, x in enumerate(inp):
            if not x or not _token_array(x):
                raise _bad(f"'input[{i}]' must be a non-empty array of non-negative integer tokens.", f"input[{i}]")
        return
    raise _bad("'input' mixes kinds: send strings, or token arrays, not both.", "input", "invalid_type")


def parse(body: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The pipeline's body (``model``, ``input``, ``dimensions``, ``user``) and the encoding the
    client wants; raises ``BadRequest`` naming the parameter."""
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise _bad(f"Unrecognized request argument supplied: {unknown[0]}", unknown[0], "unknown_parameter")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise _bad("'model' is required: the embedding model to use.", "model", "missing_required_parameter")
    if "input" not in body:
        raise _bad("'input' is required.", "input", "missing_required_parameter")
    _check_input(body["input"])
    encoding = body.get("encoding_format", "float")
    if encoding not in ("float", "base64"):
        raise _bad(f"'encoding_format' must be 'float' or 'base64', not {encoding!r}.", "encoding_format")
    dims = body.get("dimensions")
    if dims is not None and (not isinstance(dims, int) or isinstance(dims, bool) or dims < 1):
        raise _bad("'dimensions' must be an integer >= 1.", "dimensions")
    user = body.get("user")
    if user is not None and not isinstance(user, str):
        raise _bad("'user' must be a string.", "user", "invalid_type")
    out = {"model": model, "input": body["input"]}
    if dims is not None:
        out["dimensions"] = dims
    if user is not None:
        out["user"] = user
    return out, encoding


def render(vectors: list[list[float]], prompt_tokens: int, model: str, encoding: str) -> dict[str, Any]:
    """OpenAI's ``list`` of ``embedding`` objects; ``model`` is the model that answered."""
    data: list[dict[str, Any]] = [
        {"object": "embedding", "index": i, "embedding": float32_base64(v) if encoding == "base64" else v}
        for i, v in enumerate(vectors)]
    return {"object": "list", "data": data, "model": model,
            "usage": {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens}}
