"""The scripted battery: distinct bad inputs, by category, as a careless or hostile client sends them.

A ``Case`` is what goes on the wire: method, path, headers and body bytes exactly as sent (so a
body can be invalid JSON or invalid UTF-8), or a whole raw request (``raw``) for what no HTTP client
would send. ``{key}`` in a header or raw request stands for a valid app key, ``{admin}`` for an
admin key, ``{port}`` for the gateway's port.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from tenbin.api import edge

CHAT = "/v1/chat/completions"
MSGS: list[dict[str, Any]] = [{"role": "user", "content": "hi"}]
BASE: dict[str, Any] = {"model": "gpt-4o", "messages": MSGS}
JSON = b"application/json"



@dataclass(frozen=True)
class Case:
    category: str
    name: str
    method: str = "POST"
    path: str = CHAT
    body: bytes | None = None
    headers: tuple[tuple[bytes, bytes], ...] = ()
    ctype: bytes | None = JSON  # Content-Type sent, None for none
    auth: str = "app"  # which key goes in Authorization unless ``headers`` carries one: app, admin, none
    raw: bytes | None = None  # a whole request, written to the socket as is
    linger: float = 0.0  # raw: keep the socket open this long after writing
    may_close: bool = False  # the server may drop the connection without an answer (raw protocol garbage)
    stream_cut: str | None = None  # "headers" | "first_chunk": the client leaves a stream early
    parser: bool = False  # refused by the HTTP parser before the app (api/server.py): no request id
    xfail: str | None = None

    @property
    def id(self) -> str:
        return f"{self.category}/{self.name}"


def dumps(obj: Any) -> bytes:
    """JSON as Python writes it: lone surrogates become ``\\udXXX`` escapes (orjson would refuse)."""
    return json.dumps(obj, ensure_ascii=True).encode()


def chat(category: str, name: str, body: Any, **kw: Any) -> Case:
    return Case(category, name, body=body if isinstance(body, bytes) else dumps(body), **kw)


def with_(**fields: Any) -> dict[str, Any]:
    return {**BASE, **fields}


def deep(n: int, leaf: Any = 1, kind: str = "list") -> Any:
    v = leaf
    for _ in range(n):
        v = [v] if kind == "list" else {"a": v}
    return v


def deep_text(n: int, kind: str = "list") -> bytes:
    """Nesting written as text: Python's json cannot even build 100 000 levels."""
    return (b"[" * n + b"1" + b"]" * n) if kind == "list" else (b'{"a":' * n + b"1" + b"}" * n)


# ---- malformed JSON ------------------------------------------------------------------------------

def malformed_json() -> Iterator[Case]:
    good = orjson.dumps(BASE)
    texts: dict[str, bytes] = {
        "empty": b"", "space": b"   ", "open brace": b"{", "close brace": b"}", "array": b"[]",
        "array of body": b"[" + good + b"]", "null": b"null", "number": b"1", "string": b'"chat"', "true": b"true",
        "trailing comma": b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],}',
        "single quotes": b"{'model':'gpt-4o','messages':[{'role':'user','content':'hi'}]}",
        "comment": b'{"model":"gpt-4o", /* c */ "messages":[{"role":"user","content":"hi"}]}',
        "NaN": b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":NaN}',
        "Infinity": b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":Infinity}',
        "-Infinity": b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"top_p":-Infinity}',
        "1e999": b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":1e999}',
        "huge integer": b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"max_tokens":'
                        + b"9" * 400 + b"}",
        "leading zero": b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"n":01}',
        "hex number": b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"n":0x1}',
        "duplicate key": b'{"model":"gpt-4o","model":"x","messages":[{"role":"user","content":"hi"}]}',
        "BOM prefix": b"\xef\xbb\xbf" + good,
        "UTF-16": json.dumps(BASE).encode("utf-16"),
        "UTF-32": json.dumps(BASE).encode("utf-32"),
        "trailing garbage": good + b"xyz",
        "two objects": good + good,
        "NDJSON": good + b"\n" + good + b"\n",
        "raw control char": b'{"model":"gpt-4o","messages":[{"role":"user","content":"a\x01b"}]}',
        "raw newline in string": b'{"model":"gpt-4o","messages":[{"role":"user","content":"a\nb"}]}',
        "raw NUL byte": b'{"model":"gpt-4o","messages":[{"role":"user","content":"a\x00b"}]}',
        "bad escape": b'{"model":"gpt-4o","messages":[{"role":"user","content":"a\\xb"}]}',
        "short unicode escape": b'{"model":"gpt-4o","messages":[{"role":"user","content":"\\u12"}]}',
        "unterminated string": b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi}]}',
        "unquoted key": b'{model:"gpt-4o","messages":[{"role":"user","content":"hi"}]}',
        "bare word": b'{"model":gpt,"messages":[]}',
        "only whitespace and NUL": b"\x00\x00\x00",
        "form encoded": b"model=gpt-4o&messages=hi",
        "XML": b"<chat><model>gpt-4o</model></chat>",
        "YAML": b"model: gpt-4o\nmessages:\n  - role: user\n    content: hi\n",
        "JSON5 trailing": b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi",},],}',
    }
    for name, body in texts.items():
        yield chat("malformed_json", name, body)
    for cut in (1, 5, 10, 20, 30, 40, 50, len(good) - 1):
        yield chat("malformed_json", f"truncated at {cut}", good[:cut])


# ---- wrong types for every parameter --------------------------------------------------------------

WRONG: dict[str, Any] = {
    "null": None, "true": True, "false": False, "zero": 0, "negative": -1, "float": 1.5, "1e308": 1e308,
    "empty string": "", "string": "x", "superscript two": "²", "empty list": [], "list": [1, "a"],
    "empty object": {}, "object": {"a": 1},
}
PARAMS = ["model", "messages", "stream", "stream_options", "temperature", "top_p", "presence_penalty",
          "frequency_penalty", "max_tokens", "max_completion_tokens", "n", "stop", "metadata", "user", "tools",
          "tool_choice", "response_format", "seed", "logit_bias", "logprobs", "top_logprobs",
          "parallel_tool_calls", "safety_identifier", "prompt_cache_key", "latency_budget_ms", "modalities",
          "prediction", "service_tier", "reasoning_effort", "functions"]


def wrong_types() -> Iterator[Case]:
    for param in PARAMS:
        for tname, v in WRONG.items():
            yield chat("wrong_types", f"{param}={tname}", with_(**{param: v}))


def message_shapes() -> Iterator[Case]:
    msgs: dict[str, Any] = {
        "message is a string": ["hi"], "message is null": [None], "message is a list": [[{"role": "user"}]],
        "no role": [{"content": "hi"}], "role null": [{"role": None, "content": "hi"}],
        "role number": [{"role": 1, "content": "hi"}], "role object": [{"role": {"a": 1}, "content": "hi"}],
        "role list": [{"role": ["user"], "content": "hi"}], "role unknown": [{"role": "root", "content": "hi"}],
        "role upper case": [{"role": "USER", "content": "hi"}],
        "role with NUL": [{"role": "user\u0000", "content": "x"}],
        "no content": [{"role": "user"}], "content number": [{"role": "user", "content": 1}],
        "content object": [{"role": "user", "content": {"text": "hi"}}],
        "content bool": [{"role": "user", "content": True}],
        "content empty list": [{"role": "user", "content": []}],
        "part is a string": [{"role": "user", "content": ["hi"]}],
        "part without type": [{"role": "user", "content": [{"text": "hi"}]}],
        "part type number": [{"role": "user", "content": [{"type": 1, "text": "hi"}]}],
        "part type unknown": [{"role": "user", "content": [{"type": "hologram", "data": "x"}]}],
        "text part text number": [{"role": "user", "content": [{"type": "text", "text": 5}]}],
        "text part text null": [{"role": "user", "content": [{"type": "text", "text": None}]}],
        "text part text object": [{"role": "user", "content": [{"type": "text", "text": {"a": "b"}}]}],
        "image_url not object": [{"role": "user", "content": [{"type": "image_url", "image_url": 7}]}],
        "image_url url number": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": 7}}]}],
        "image_url bad data URL": [{"role": "user", "content": [{"type": "image_url",
                                                                 "image_url": {"url": "data:;base64,@@@"}}]}],
        "file part data number": [{"role": "user", "content": [{"type": "file", "file": {"file_data": 1}}]}],
        "name number": [{"role": "user", "content": "hi", "name": 5}],
        "name object": [{"role": "user", "content": "hi", "name": {"a": 1}}],
        "name with NUL": [{"role": "user", "content": "hi", "name": "a\u0000b"}],
        "tool_calls string": [{"role": "assistant", "content": None, "tool_calls": "x"}, *MSGS],
        "tool_calls list of numbers": [{"role": "assistant", "content": None, "tool_calls": [1, 2]}, *MSGS],
        "tool_call function null": [{"role": "assistant", "content": None,
                                     "tool_calls": [{"id": "c", "type": "function", "function": None}]}, *MSGS],
        "tool_call arguments object": [{"role": "assistant", "content": None, "tool_calls": [
            {"id": "c", "type": "function", "function": {"name": "f", "arguments": {"a": 1}}}]}, *MSGS],
        "tool_call arguments number": [{"role": "assistant", "content": None, "tool_calls": [
            {"id": "c", "type": "function", "function": {"name": "f", "arguments": 3}}]}, *MSGS],
        "tool_call arguments invalid JSON": [{"role": "assistant", "content": None, "tool_calls": [
            {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{bad"}}]}, *MSGS],
        "tool message without id": [{"role": "tool", "content": "r"}],
        "tool_call_id number": [{"role": "tool", "content": "r", "tool_call_id": 3}],
        "function_call string": [{"role": "assistant", "content": None, "function_call": "f"}, *MSGS],
        "refusal number": [{"role": "assistant", "content": None, "refusal": 1}, *MSGS],
        "10 000 messages": [{"role": "user", "content": "a"}] * 10_000,
        "1 000 empty parts": [{"role": "user", "content": [{"type": "text", "text": ""}] * 1000}],
    }
    for name, m in msgs.items():
        yield chat("message_shapes", name, with_(messages=m))
    tools: dict[str, Any] = {
        "tools list of strings": ["f"], "tool without function": [{"type": "function"}],
        "tool function string": [{"type": "function", "function": "f"}],
        "tool name number": [{"type": "function", "function": {"name": 1}}],
        "tool parameters string": [{"type": "function", "function": {"name": "f", "parameters": "x"}}],
        "tool description list": [{"type": "function", "function": {"name": "f", "description": ["a"]}}],
        "tool enum of objects": [{"type": "function", "function": {"name": "f", "parameters": {
            "type": "object", "properties": {"a": {"enum": [{"x": 1}]}}}}}],
        "tool parameters 100 deep": [{"type": "function", "function": {"name": "f",
                                                                       "parameters": deep(100, {}, "dict")}}],
    }
    for name, t in tools.items():
        yield chat("message_shapes", name, with_(tools=t))
    others: dict[str, Any] = {
        "tool_choice unknown string": {"tool_choice": "sometimes"},
        "tool_choice function without name": {"tool_choice": {"type": "function", "function": {}}},
        "response_format unknown type": {"response_format": {"type": "yaml"}},
        "response_format schema string": {"response_format": {"type": "json_schema", "json_schema": "x"}},
        "stream_options include_usage string": {"stream": True, "stream_options": {"include_usage": "yes"}},
        "stream_options on a plain request": {"stream_options": {"include_usage": True}},
        "n above max_n": {"n": 9}, "n huge": {"n": 10**9}, "n 2**63": {"n": 2**63},
        "max_tokens 2**63": {"max_tokens": 2**63}, "max_tokens 2**64": {"max_tokens": 2**64},
        "temperature 2.0001": {"temperature": 2.0001}, "top_p -0.0001": {"top_p": -0.0001},
        "logit_bias 10 000 entries": {"logit_bias": {str(i): 1 for i in range(10_000)}},
        "stop 1 000 strings": {"stop": ["s"] * 1000}, "stop list with null": {"stop": ["a", None]},
        "seed 2**70": {"seed": 2**70}, "unknown field": {"frobnicate": True},
        "unknown field 1 000 keys": {f"x{i}": i for i in range(1000)},
        "latency_budget_ms negative": {"latency_budget_ms": -5},
        "latency_budget_ms 1e300": {"latency_budget_ms": 1e300},
        "latency_budget_ms ² string": {"latency_budget_ms": "²"},
        "model empty": {"model": ""}, "model unknown": {"model": "gpt-9"}, "model auto": {"model": "auto"},
        "model spaces": {"model": "   "}, "model path traversal": {"model": "../../etc/passwd"},
        "model with slash and dots": {"model": "fake/../gpt-4o"}, "model SQL": {"model": "x'; DROP TABLE usage;--"},
    }
    for name, fields in others.items():
        yield chat("message_shapes", name, with_(**fields))


# ---- huge, deep and wide JSON ---------------------------------------------------------------------

def huge_deep_wide() -> Iterator[Case]:
    for n in (64, 100, 254, 300, 600, 1000, 5000, 100_000):
        yield chat("huge_deep_wide", f"array {n} deep in an extra field",
                   b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"extra":' + deep_text(n) + b"}")
    for n in (100, 300, 1000, 100_000):
        yield chat("huge_deep_wide", f"object {n} deep in metadata",
                   b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"metadata":{"k":'
                   + deep_text(n, "dict") + b"}}")
    for n in (300, 2000):
        yield chat("huge_deep_wide", f"array {n} deep in a tool",
                   b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function",'
                   b'"function":{"name":"f","parameters":' + deep_text(n) + b"}}]}")
        yield chat("huge_deep_wide", f"array {n} deep beside PII",
                   b'{"model":"gpt-4o","messages":[{"role":"user","content":"\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa'
                   b'\xe9\x83\x8e 090-1234-5678"}],"extra":' + deep_text(n) + b"}")
        yield chat("huge_deep_wide", f"array {n} deep as content",
                   b'{"model":"gpt-4o","messages":[{"role":"user","content":' + deep_text(n) + b"}]}")
    yield chat("huge_deep_wide", "200 000-element array", with_(extra=[0] * 200_000))
    yield chat("huge_deep_wide", "50 000-element array of objects", with_(extra=[{}] * 50_000))
    yield chat("huge_deep_wide", "100 000 content parts", with_(messages=[
        {"role": "user", "content": [{"type": "text", "text": "a"}] * 100_000}]))
    yield chat("huge_deep_wide", "body over max_body_bytes", with_(messages=[
        {"role": "user", "content": "a" * 1_100_000}]))
    yield chat("huge_deep_wide", "body over max_body_bytes, no JSON", b"x" * 1_100_000)
    yield chat("huge_deep_wide", "60 000-byte single part (over the tokenizer limit)", with_(messages=[
        {"role": "user", "content": "あ" * 20_000}]))
    yield chat("huge_deep_wide", "300 kB ASCII content", with_(messages=[{"role": "user", "content": "ab " * 100_000}]))
    yield chat("huge_deep_wide", "1 000 keys of 1 kB metadata-like extra", with_(extra={f"k{i}": "v" * 1000
                                                                                          for i in range(900)}))


# ---- bad UTF-8, NUL and lone surrogates -----------------------------------------------------------

BAD_BYTES = {"0xff": b"\xff", "0xc0 0x80 overlong NUL": b"\xc0\x80", "encoded surrogate": b"\xed\xa0\x80",
             "truncated 3-byte": b"\xe3\x81", "lone continuation": b"\x80", "0xf5 out of range": b"\xf5\x80\x80\x80",
             "overlong slash": b"\xe0\x80\xaf"}
ESCAPES = {"NUL": "\u0000", "lone high surrogate": "\ud800", "lone low surrogate": "\udfff",
           "reversed pair": "\udc00\ud800", "BOM": "\ufeff", "noncharacter": "\uffff", "escape ctl": "\u001b[2J"}


def bad_text() -> Iterator[Case]:
    for bname, b in BAD_BYTES.items():
        for where, template in {
            "content": b'{"model":"gpt-4o","messages":[{"role":"user","content":"a%sb"}]}',
            "model": b'{"model":"gpt-4o%s","messages":[{"role":"user","content":"hi"}]}',
            "metadata.use_case": b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],'
                                 b'"metadata":{"use_case":"u%s"}}',
            "a metadata key": b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"metadata":{"k%s":"v"}}',
        }.items():
            yield chat("bad_text", f"{bname} byte in {where}", template % b)
        yield Case("bad_text", f"{bname} byte in x-tenbin-use-case", body=orjson.dumps(BASE),
                   headers=((b"x-tenbin-use-case", b"uc" + b),))
        yield Case("bad_text", f"{bname} byte in the API key", body=orjson.dumps(BASE),
                   headers=((b"authorization", b"Bearer tb-" + b + b"-secret"),))
    for ename, e in ESCAPES.items():
        places: dict[str, dict[str, Any]] = {
            "content": {"messages": [{"role": "user", "content": f"a{e}b"}]},
            "a text part": {"messages": [{"role": "user", "content": [{"type": "text", "text": f"a{e}b"}]}]},
            "model": {"model": f"gpt-4o{e}"},
            "user": {"user": f"u{e}"},
            "metadata.use_case": {"metadata": {"use_case": f"u{e}"}},
            "a metadata value": {"metadata": {"k": f"v{e}"}},
            "a metadata key": {"metadata": {f"k{e}": "v"}},
            "message name": {"messages": [{"role": "user", "content": "hi", "name": f"n{e}"}]},
            "a tool name": {"tools": [{"type": "function", "function": {"name": f"f{e}"}}]},
            "stop": {"stop": [f"s{e}"]},
        }
        for where, fields in places.items():
            yield chat("bad_text", f"{ename} in {where}", with_(**fields))
    yield Case("bad_text", "NUL in a header (raw)", raw=_raw_post(extra=b"x-tenbin-use-case: a\x00b\r\n"),
               may_close=True)
    yield Case("bad_text", "0xff in the request path", raw=b"POST /v1/chat/\xff HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               b"Content-Length: 0\r\nConnection: close\r\n\r\n", may_close=True)
    yield Case("bad_text", "%00 in the request path", method="GET", path="/v1/models/a%00b", body=None, ctype=None)
    yield Case("bad_text", "%ff in the request path", method="GET", path="/v1/models/a%ffb", body=None, ctype=None)
    yield Case("bad_text", "%ed%a0%80 in the request path", method="GET", path="/v1/models/%ed%a0%80", body=None,
               ctype=None)


# ---- huge strings in model, use_case, user, metadata ---------------------------------------------

def huge_strings() -> Iterator[Case]:
    sizes = {"cap+1": None, "10 kB": 10_000, "500 kB": 500_000}
    fields = {"model": edge.MODEL_MAX, "user": edge.USER_MAX, "safety_identifier": edge.USER_MAX,
              "prompt_cache_key": edge.USER_MAX}
    for f, cap in fields.items():
        for sname, n in sizes.items():
            yield chat("huge_strings", f"{f} {sname}", with_(**{f: "m" * (n or cap + 1)}))
    for sname, n in sizes.items():
        yield chat("huge_strings", f"metadata.use_case {sname}",
                   with_(metadata={"use_case": "u" * (n or edge.USE_CASE_MAX + 1)}))
        yield chat("huge_strings", f"metadata value {sname}",
                   with_(metadata={"k": "v" * (n or edge.METADATA_VALUE_MAX + 1)}))
        yield chat("huge_strings", f"metadata key {sname}",
                   with_(metadata={"k" * (n or edge.METADATA_KEY_MAX + 1): "v"}))
        yield chat("huge_strings", f"message name {sname}", with_(messages=[{"role": "user", "content": "hi",
                                                                            "name": "n" * (n or 257)}]))
        yield chat("huge_strings", f"tool name {sname}", with_(tools=[{"type": "function", "function": {
            "name": "f" * (n or 257)}}]))
    for n in (edge.USE_CASE_MAX + 1, 4000, 8000, 9000, 70_000):
        yield Case("huge_strings", f"x-tenbin-use-case {n} chars", body=orjson.dumps(BASE),
                   headers=((b"x-tenbin-use-case", b"u" * n),), parser=n > 8190)
    yield chat("huge_strings", "17 metadata pairs", with_(metadata={f"k{i}": "v" for i in range(17)}))
    yield chat("huge_strings", "10 000 metadata pairs", with_(metadata={f"k{i}": "v" for i in range(10_000)}))
    yield chat("huge_strings", "metadata value a 100 kB object", with_(metadata={"k": {"x": "y" * 100_000}}))
    yield chat("huge_strings", "stop string 100 kB", with_(stop="s" * 100_000))


# ---- content types and encodings -----------------------------------------------------------------

def content_types() -> Iterator[Case]:
    body = orjson.dumps(BASE)
    ctypes: dict[str, bytes | None] = {
        "none": None, "empty": b"", "text/plain": b"text/plain", "form": b"application/x-www-form-urlencoded",
        "multipart": b"multipart/form-data; boundary=x", "xml": b"application/xml",
        "json latin-1": b"application/json; charset=latin-1", "json utf-16": b"application/json; charset=utf-16",
        "json-patch": b"application/json-patch+json", "ndjson": b"application/x-ndjson",
        "0xff in content-type": b"application/json\xff", "star": b"*/*", "text/json": b"text/json",
        "json charset empty": b"application/json; charset=",
        "json charset garbage": b"application/json; charset=\"\"\"",
        "two semicolons": b"application/json;;", "json; boundary": b"application/json; boundary=x",
        "very long content-type": b"application/json; x=" + b"a" * 5000,
    }
    for name, ct in ctypes.items():
        yield Case("content_types", f"content-type {name}", body=body, ctype=ct)
    encodings = {
        "gzip, not gzip": (b"gzip", body), "gzip, truncated": (b"gzip", gzip.compress(body)[:20]),
        "deflate, garbage": (b"deflate", b"\x00\x01garbage"), "br, garbage": (b"br", b"garbage"),
        "unknown encoding": (b"x-frob", body), "identity": (b"identity", body),
        "gzip, valid": (b"gzip", gzip.compress(body)), "deflate, valid": (b"deflate", zlib.compress(body)),
        "gzip twice": (b"gzip, gzip", gzip.compress(gzip.compress(body))),
        "gzip bomb (20 MB of zeros)": (b"gzip", gzip.compress(b"0" * 20_000_000)),
        "gzip of invalid UTF-8": (b"gzip", gzip.compress(b'{"model":"\xff","messages":[]}')),
    }
    for name, (enc, data) in encodings.items():
        yield Case("content_types", f"content-encoding {name}", body=data, headers=((b"content-encoding", enc),),
                   parser=enc == b"br")  # no brotli decoder installed: aiohttp's parser refuses it


# ---- auth headers --------------------------------------------------------------------------------

def bad_auth() -> Iterator[Case]:
    body = orjson.dumps(BASE)
    yield Case("bad_auth", "Authorization Bearer and space (raw)", raw=_raw_post(auth=b"Bearer "))
    yield Case("bad_auth", "Authorization Bearer, space, NUL (raw)", raw=_raw_post(auth=b"Bearer \x00tb-a-b"),
               may_close=True)
    values: dict[str, bytes] = {
        "Bearer only": b"Bearer", "Basic": b"Basic dXNlcjpwYXNz",
        "lower-case bearer, wrong key": b"bearer tb-abc-def", "wrong key": b"Bearer tb-abc-def",
        "OpenAI-style key": b"Bearer sk-proj-0123456789", "empty": b"", "600 chars": b"Bearer tb-" + b"a" * 600,
        "8 000 chars": b"Bearer tb-" + b"a" * 8000, "key id only": b"Bearer tb-abc",
        "key with spaces": b"Bearer tb- abc - def", "two schemes": b"Bearer Bearer tb-abc-def",
        "tab separated": b"Bearer\ttb-abc-def", "unicode": "Bearer tb-鍵-秘密".encode(),
        "latin-1 byte": b"Bearer tb-\xe9-x", "a valid key with a suffix": b"Bearer {key}x",
        "a valid key truncated": b"Bearer {key_truncated}", "a valid key twice": b"Bearer {key}{key}",
        "SQL in key id": b"Bearer tb-x' OR '1'='1-secret", "percent-encoded": b"Bearer tb-%41%42-x",
    }
    for name, v in values.items():
        yield Case("bad_auth", f"Authorization {name}", body=body, headers=((b"authorization", v),))
    for h in (b"api-key", b"x-api-key"):
        yield Case("bad_auth", f"{h.decode()} wrong", body=body, auth="none", headers=((h, b"tb-abc-def"),))
        yield Case("bad_auth", f"{h.decode()} 0xff", body=body, auth="none", headers=((h, b"tb-\xff-def"),))
    yield Case("bad_auth", "no key at all (keys exist)", body=body, auth="none")
    yield Case("bad_auth", "two Authorization headers", body=body,
               headers=((b"authorization", b"Bearer tb-abc-def"), (b"authorization", b"Bearer {key}")))
    yield Case("bad_auth", "admin API with an app key", method="GET", path="/admin/keys", body=None, ctype=None)
    yield Case("bad_auth", "admin API without a key", method="GET", path="/admin/keys", body=None, ctype=None,
               auth="none")
    yield Case("bad_auth", "admin key create with an app key", path="/admin/keys",
               body=orjson.dumps({"team": "x", "role": "admin"}))
    yield Case("bad_auth", "foreign Origin without a key", body=body, auth="none",
               headers=((b"origin", b"https://evil.example"),))
    yield Case("bad_auth", "rebinding Host without a key", body=body, auth="none",
               headers=((b"host", b"evil.example:8787"),))
    yield Case("bad_auth", "models list with a wrong key", method="GET", path="/v1/models", body=None, ctype=None,
               headers=((b"authorization", b"Bearer tb-abc-def"),))


# ---- admin API abuse -----------------------------------------------------------------------------

PERIODS = ["0000-01", "9999-12", "2026-13", "2026-00", "2026-1", "2026-01-01", "abc", "", "-2026-01", "2026-W01",
           "2026", "26-01", "२०२६-०१", "2026-01\u0000", "%00", "2026-01' OR 1=1--", "1" * 1025, "99999-01",
           "2026/01", "0001-01"]


def admin_abuse() -> Iterator[Case]:
    def get(name: str, path: str, **kw: Any) -> Case:
        return Case("admin_abuse", name, method="GET", path=path, body=None, ctype=None, auth="admin", **kw)

    for report in ("costs", "cross-border", "processing"):
        for p in PERIODS:
            yield get(f"{report} period={p[:20]!r}", f"/admin/reports/{report}?period={_q(p)}")
    for ep in ("ledger", "audit"):
        for v in ("-1", "0", "1001", "abc", "1e3", "99999999999999999999999", "", "1.5", "%00", "0x10"):
            yield get(f"{ep} limit={v}", f"/admin/{ep}?limit={v}")
        for t in ("a%00", "%ff", "t" * 2000, "' OR 1=1--"):
            yield get(f"{ep} team={t[:12]!r}", f"/admin/{ep}?team={t}")
    for v in ("-1", "abc", "2e9", "99999999999999999999999"):
        yield get(f"audit after_seq={v}", f"/admin/audit?after_seq={v}")
    for v in ("nope", "%00", "-1", "x" * 2000):
        yield get(f"audit verify against={v[:12]!r}", f"/admin/audit/verify?against={v}")
    yield get("repeated query keys", "/admin/ledger?limit=1&limit=2&limit=abc")
    yield get("query key with NUL", "/admin/ledger?a%00b=1")
    bodies: dict[str, Any] = {
        "role bogus": {"team": "t", "role": "root"}, "role empty": {"team": "t", "role": ""},
        "role number": {"team": "t", "role": 1}, "role null": {"team": "t", "role": None},
        "role list": {"team": "t", "role": ["admin"]}, "role NUL": {"team": "t", "role": "admin\u0000"},
        "role upper case": {"team": "t", "role": "ADMIN"}, "role 65 chars": {"team": "t", "role": "a" * 65},
        "team number": {"team": 1}, "team object": {"team": {"a": 1}}, "team empty": {"team": ""},
        "team spaces": {"team": "   "}, "team 65 chars": {"team": "t" * 65}, "team lone surrogate": {"team": "\ud800"},
        "project list": {"team": "t", "project": ["p"]}, "name 129 chars": {"team": "t", "name": "n" * 129},
        "models string": {"team": "t", "models": "gpt-4o"}, "models [1]": {"team": "t", "models": [1]},
        "models [null]": {"team": "t", "models": [None]}, "models NUL": {"team": "t", "models": ["a\u0000"]},
        "models 10 000": {"team": "t", "models": ["m"] * 10_000}, "body a list": [{"team": "t"}],
        "body null": None, "body a string": "team", "extra field": {"team": "t", "is_root": True},
    }
    for name, b in bodies.items():
        yield Case("admin_abuse", f"create key {name}", path="/admin/keys", body=dumps(b), auth="admin")
    yield Case("admin_abuse", "create key deep body", path="/admin/keys", auth="admin",
               body=b'{"team":"t","x":' + deep_text(5000) + b"}")
    yield Case("admin_abuse", "create key invalid JSON", path="/admin/keys", body=b"{team", auth="admin")
    yield Case("admin_abuse", "create key empty body", path="/admin/keys", body=b"", auth="admin")
    yield Case("admin_abuse", "create key text/plain", path="/admin/keys", body=b'{"team":"t"}', auth="admin",
               ctype=b"text/plain")
    for kid in ("nonexistent", "x" * 2000, "%00", "%ff", "..%2f..%2fetc", "'%20OR%201=1", "鍵", "%ed%a0%80",
                "tb-abc-secret"):
        for op in ("revoke", "rotate"):
            yield Case("admin_abuse", f"{op} key {kid[:14]!r}", path=f"/admin/keys/{kid}/{op}", body=None, ctype=None,
                       auth="admin")
    yield Case("admin_abuse", "revoke with a JSON body", path="/admin/keys/nonexistent/revoke", body=b"{}",
               auth="admin")
    yield Case("admin_abuse", "revoke with a text body", path="/admin/keys/nonexistent/revoke", body=b"x",
               auth="admin", ctype=b"text/plain")
    for m, p in (("DELETE", "/admin/keys"), ("PUT", "/admin/keys"), ("GET", "/admin/keys/x/revoke"),
                 ("POST", "/admin/ledger"), ("GET", "/admin/nothing"), ("PATCH", "/admin/budgets")):
        yield Case("admin_abuse", f"{m} {p}", method=m, path=p, body=None, ctype=None, auth="admin")


def _q(v: str) -> str:
    from urllib.parse import quote

    return quote(v, safe="%")


# ---- routes and methods --------------------------------------------------------------------------

def routes() -> Iterator[Case]:
    for m, p in (("GET", CHAT), ("PUT", CHAT), ("DELETE", CHAT), ("PATCH", CHAT), ("OPTIONS", CHAT),
                 ("POST", CHAT + "/"), ("POST", "//v1/chat/completions"), ("POST", "/v1/chat/completions?x=%00"),
                 ("POST", "/v1/chat/completion"), ("POST", "/v2/chat/completions"), ("GET", "/v1/models/" + "m" * 3000),
                 ("GET", "/v1/models/..%2f..%2fadmin"), ("GET", "/v1/models/%2e%2e"), ("POST", "/v1/models"),
                 ("GET", "/" + "a" * 4000), ("HEAD", "/v1/models"), ("TRACE", "/v1/models"),
                 ("GET", "/v1/models?" + "&".join(f"k{i}=v" for i in range(500)))):
        yield Case("routes", f"{m} {p[:40]}", method=m, path=p, body=orjson.dumps(BASE) if m == "POST" else None,
                   ctype=JSON if m == "POST" else None)


# ---- HTTP protocol garbage (raw socket) ----------------------------------------------------------

def _raw_post(body: bytes | None = None, extra: bytes = b"", cl: bytes | None = None,
              auth: bytes = b"Bearer {key}") -> bytes:
    body = orjson.dumps(BASE) if body is None else body
    cl_line = b"Content-Length: " + (cl if cl is not None else str(len(body)).encode()) + b"\r\n"
    return (b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: " + auth + b"\r\n"
            b"Content-Type: application/json\r\nConnection: close\r\n" + cl_line + extra + b"\r\n" + body)





def _raw_chunked(chunks: bytes) -> bytes:
    return (b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks)


def protocol() -> Iterator[Case]:
    body = orjson.dumps(BASE)
    raws: dict[str, bytes] = {
        "garbage request line": b"HELLO\r\n\r\n", "HTTP/0.9": b"GET /\r\n\r\n",
        "HTTP/2.0 preface": b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "HTTP/1.2": b"GET /healthz HTTP/1.2\r\n\r\n",
        "bad method token": b"G(T /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        "header without colon": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nbroken\r\n\r\n",
        "header name with space": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX Y: z\r\n\r\n",
        "bare LF line ends": b"GET /healthz HTTP/1.1\nHost: 127.0.0.1\n\n",
        "folded header": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\r\n b\r\n\r\n",
        "header line 10 000 bytes": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: " + b"a" * 10_000 + b"\r\n\r\n",
        "200 headers": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(
            b"X-%d: v\r\n" % i for i in range(200)) + b"\r\n",
        "request line 20 000 bytes": b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "Content-Length not a number": _raw_post(cl=b"abc"),
        "Content-Length negative": _raw_post(cl=b"-5"),
        "Content-Length with plus": _raw_post(cl=b"+" + str(len(body)).encode()),
        "two different Content-Lengths": _raw_post(extra=b"Content-Length: 3\r\n"),
        "Content-Length and chunked": _raw_post(extra=b"Transfer-Encoding: chunked\r\n"),
        "chunked with bad hex": _raw_chunked(b"zz\r\nxx\r\n0\r\n\r\n"),
        "chunked size overflow": _raw_chunked(b"ffffffffffffffffffff\r\nxx\r\n0\r\n\r\n"),
        "unknown transfer-encoding": _raw_post(extra=b"Transfer-Encoding: frob\r\n"),
        "Content-Length larger than 2**64": _raw_post(cl=b"99999999999999999999999"),
        "NUL in the request line": b"GET /heal\x00thz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "absolute-form URL to elsewhere": b"GET http://evil.example/healthz HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        "CONNECT": b"CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n",
        "Upgrade: websocket": b"GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
                              b"Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
    }
    yield Case("protocol", "Expect: 100-continue then nothing", may_close=True,
               raw=_raw_post(body=b"", cl=b"50", extra=b"Expect: 100-continue\r\n"))
    for name, data in raws.items():
        yield Case("protocol", name, raw=data, may_close=True)
    # a client that announces more body than it sends, then waits: the gateway must not wait with it for ever
    yield Case("protocol", "Content-Length larger than the body, client waits",
               raw=_raw_post(body=body, cl=str(len(body) + 100).encode()), may_close=True)
    yield Case("protocol", "headers only, client waits", raw=_raw_post(body=b"", cl=b"100"), may_close=True)
    yield Case("protocol", "half the body, client waits", raw=_raw_post(body=body[: len(body) // 2],
                                                                        cl=str(len(body)).encode()),
               may_close=True)


# ---- streams the client leaves early -------------------------------------------------------------

def stream_cuts() -> Iterator[Case]:
    for cut in ("headers", "first_chunk", "after_request"):
        variants: dict[str, dict[str, Any]] = {
            "plain": {}, "with usage": {"stream_options": {"include_usage": True}}, "n=2": {"n": 2},
            "masked PII": {"messages": [{"role": "user", "content": "山田太郎 090-1234-5678 に連絡"}]}}
        for name, fields in variants.items():
            yield chat("stream_cuts", f"stream {name}, client gone after {cut}", with_(stream=True, **fields),
                       stream_cut=cut)
    yield chat("stream_cuts", "plain request, client gone after sending", with_(), stream_cut="after_request")


CATEGORIES = [malformed_json, wrong_types, message_shapes, huge_deep_wide, bad_text, huge_strings, content_types,
              bad_auth, admin_abuse, routes, protocol, stream_cuts]


def all_cases() -> list[Case]:
    cases = [c for gen in CATEGORIES for c in gen()]
    ids = [c.id for c in cases]
    dupes = {i for i in ids if ids.count(i) > 1}
    assert not dupes, f"battery case names must be distinct: {sorted(dupes)}"
    return cases
