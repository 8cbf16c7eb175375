"""Every string of a chat request that reaches a vendor, as slots the detector scans and the masker
writes back to.

Adapters pass unknown fields through (``providers/openai_compat.py``), so "the text of the
messages" is not what a vendor receives: names, ``user``, ``metadata``, tool arguments, tool and
schema descriptions, ``stop``, ``prediction``, URLs and attached files all are. The walker therefore
works **deny by default**: every string in the body is text to scan, except

* **pass-through** values whose vocabulary is fixed (``PASS_TOP`` at the top level, ``role`` and
  ``type`` everywhere structural, ``image_url.detail``, ``input_audio.format``, the string forms of
  ``tool_choice``/``function_call``), and ``model`` (the gateway replaces it);
* **binary** payloads — base64 or percent-encoded ``data:`` URLs, ``input_audio.data``,
  ``file.file_data`` — which are decoded: a payload that is UTF-8 text is scanned and, when
  masked, re-encoded the same way; real binary (an image, a PDF, audio) is scanned only for the
  printable ASCII runs it carries (EXIF/PNG text, an uncompressed PDF string) so the data class sees
  them, and when the request is masked it is handled by ``privacy.binary``: ``drop`` (default:
  the part is replaced by a text note such as ``〔画像〕``, pixels cannot be masked), ``refuse``
  (403 ``policy_blocked``) or ``keep`` (sent as is unless its ASCII runs held PII).

Special forms of text: a function's ``arguments`` (and any string in a tool message) that parses
as a JSON object or array is scanned string by string — escapes such as ``\\u5c71`` are decoded —
and re-serialised after masking; an ``http(s)`` URL is scanned percent-decoded and re-encoded
after masking; object keys inside free-form objects (``metadata``, JSON schemas, arguments,
unknown fields) are scanned too and renamed when masked.

``Slot.key`` (message index, part index, field path) is what findings carry, so the masker finds
each value's place again in its copy of the body. A message's text content keeps the historical
key (message, part, ``""``).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import orjson

#: Top-level fields whose values are enums, numbers or gateway-owned, never free text.
PASS_TOP = frozenset({
    "model", "stream", "n", "temperature", "top_p", "presence_penalty", "frequency_penalty", "seed",
    "max_tokens", "max_completion_tokens", "logprobs", "top_logprobs", "logit_bias", "stream_options",
    "parallel_tool_calls", "store", "reasoning_effort", "service_tier", "modalities", "verbosity",
})
#: In structured objects (messages, parts, tools, tool calls), keys whose values are enums.
PASS_KEYS = frozenset({"role", "type", "detail", "format", "strict"})

_DATA_URL = re.compile(r"data:([^,;]*)((?:;[^,;]*)*),", re.S)
_ASCII_RUN = re.compile(rb"[\x20-\x7e]{6,}")
_URL_SAFE = ":/?#[]@!$&'()*+,;=~%"
_BINARY_NOTE = {"image_url": "〔画像〕", "input_audio": "〔音声〕", "file": "〔ファイル〕"}
# A binary payload is read for ASCII runs up to this many decoded bytes (a photo is megabytes).
_BINARY_SCAN_MAX = 1 << 20


@dataclass(slots=True)
class Slot:
    """One string the vendor receives. ``set`` writes a masked value back; ``drop`` (binary
    payloads only) removes the whole part it belongs to."""

    key: tuple[int, int, str]
    text: str
    set: Callable[[str], None]
    binary: bool = False
    drop: Callable[[], None] | None = None


@dataclass(slots=True)
class Walk:
    slots: list[Slot] = field(default_factory=list)
    # Re-serialisations (JSON strings, renamed keys) to run after every slot is written.
    commits: list[Callable[[], None]] = field(default_factory=list)

    def commit(self) -> None:
        for c in self.commits:
            c()


def walk(body: dict[str, Any]) -> Walk:
    """Every string of ``body`` a vendor would receive, in reading order (messages first)."""
    w = Walk()
    msgs = body.get("messages")
    if isinstance(msgs, list):
        for mi, msg in enumerate(msgs):
            if isinstance(msg, dict):
                _message(w, mi, msg)
    for k, v in list(body.items()):
        if k in PASS_TOP or k == "messages":
            continue
        if k in ("tool_choice", "function_call") and isinstance(v, str):
            continue  # "auto" / "none" / "required"
        _free(w, -1, f"{k}", body, k, v, keys=k != "response_format" and k != "tools" and k != "functions")
    return w


def _message(w: Walk, mi: int, msg: dict[str, Any]) -> None:
    content = msg.get("content")
    tool_msg = msg.get("role") in ("tool", "function")
    if isinstance(content, str):
        if tool_msg and _json_container(content):
            _json_string(w, mi, f"messages/{mi}/content", msg, "content", content)
        else:
            w.slots.append(Slot((mi, 0, ""), content, _setter(msg, "content")))
    elif isinstance(content, list):
        for pi, part in enumerate(content):
            if isinstance(part, dict):
                _part(w, mi, pi, content, part)
            else:
                _free(w, mi, f"messages/{mi}/content/{pi}", content, pi, part)
    for k, v in list(msg.items()):
        if k in ("content", "role"):
            continue
        path = f"messages/{mi}/{k}"
        if k == "tool_calls" and isinstance(v, list):
            for ti, tc in enumerate(v):
                if isinstance(tc, dict):
                    _call(w, mi, f"{path}/{ti}", tc)
                else:
                    _free(w, mi, f"{path}/{ti}", v, ti, tc)
        elif k == "function_call" and isinstance(v, dict):
            _call(w, mi, path, {"function": v}, wrapped=True)
        else:
            _free(w, mi, path, msg, k, v)


def _call(w: Walk, mi: int, path: str, tc: dict[str, Any], wrapped: bool = False) -> None:
    for k, v in list(tc.items()):
        if k == "type":
            continue
        sub = path if wrapped else f"{path}/{k}"
        if k == "function" and isinstance(v, dict):
            for fk, fv in list(v.items()):
                if fk == "arguments" and isinstance(fv, str) and _json_container(fv):
                    _json_string(w, mi, f"{sub}/arguments", v, "arguments", fv)
                else:
                    _free(w, mi, f"{sub}/{fk}", v, fk, fv)
        else:
            _free(w, mi, sub, tc, k, v)


def _part(w: Walk, mi: int, pi: int, content: list[Any], part: dict[str, Any]) -> None:
    kind = part.get("type")
    base = f"messages/{mi}/content/{pi}"
    for k, v in list(part.items()):
        if k == "type":
            continue
        if k == "text" and kind == "text" and isinstance(v, str):
            w.slots.append(Slot((mi, pi, ""), v, _setter(part, "text")))
        elif k == "image_url" and isinstance(v, dict):
            for ik, iv in list(v.items()):
                if ik == "url" and isinstance(iv, str):
                    _url(w, (mi, pi, f"{base}/image_url/url"), v, "url", iv, _dropper(content, pi, kind))
                elif ik != "detail":
                    _free(w, mi, f"{base}/image_url/{ik}", v, ik, iv)
        elif k == "input_audio" and isinstance(v, dict):
            for ak, av in list(v.items()):
                if ak == "data" and isinstance(av, str):
                    _payload(w, (mi, pi, f"{base}/input_audio/data"), v, "data", av, _dropper(content, pi, kind))
                elif ak != "format":
                    _free(w, mi, f"{base}/input_audio/{ak}", v, ak, av)
        elif k == "file" and isinstance(v, dict):
            for fk, fv in list(v.items()):
                if fk == "file_data" and isinstance(fv, str):
                    _payload(w, (mi, pi, f"{base}/file/file_data"), v, "file_data", fv, _dropper(content, pi, kind))
                else:
                    _free(w, mi, f"{base}/file/{fk}", v, fk, fv)
        else:
            _free(w, mi, f"{base}/{k}", part, k, v)


def _free(w: Walk, mi: int, path: str, parent: Any, key: Any, value: Any, *, keys: bool = True) -> None:
    """A free-form value: every string is text, every object key too (when ``keys``)."""
    if isinstance(value, str):
        if value:
            w.slots.append(Slot((mi, 0, path), value, _setter(parent, key)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _free(w, mi, f"{path}/{i}", value, i, v, keys=keys)
    elif isinstance(value, dict):
        for k, v in list(value.items()):
            if k in PASS_KEYS and isinstance(v, str) and not keys:
                continue
            _free(w, mi, f"{path}/{k}", value, k, v, keys=True)
            if keys and isinstance(k, str) and k:
                w.slots.append(Slot((mi, 0, f"{path}/{k}#key"), k, _renamer(w, value, k)))


def _json_container(text: str) -> bool:
    s = text.lstrip()
    return s[:1] in ("{", "[")


def _json_string(w: Walk, mi: int, path: str, parent: Any, key: Any, text: str) -> None:
    """A string holding JSON (tool arguments): scan the decoded strings, re-serialise when masked."""
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError:
        w.slots.append(Slot((mi, 0, path), text, _setter(parent, key)))
        return
    holder = [doc]
    before = len(w.slots)
    _free(w, mi, path, holder, 0, doc)
    if len(w.slots) == before:
        return
    dirty = [False]
    for s in w.slots[before:]:
        s.set = _marking(s.set, dirty)

    def commit() -> None:
        if dirty[0]:
            parent[key] = orjson.dumps(holder[0]).decode()

    w.commits.append(commit)


def _url(w: Walk, key: tuple[int, int, str], parent: dict[str, Any], k: str, url: str,
         drop: Callable[[], None]) -> None:
    if url[:5].lower() == "data:":
        _payload(w, key, parent, k, url, drop)
        return
    decoded = unquote(url)

    def set_url(new: str) -> None:
        parent[k] = quote(new, safe=_URL_SAFE)

    w.slots.append(Slot(key, decoded, set_url if decoded != url else _setter(parent, k)))


def _payload(w: Walk, key: tuple[int, int, str], parent: dict[str, Any], k: str, value: str,
             drop: Callable[[], None]) -> None:
    """A ``data:`` URL or a bare base64 payload: text inside is scanned; binary is a binary slot."""
    m = _DATA_URL.match(value)
    prefix, data = (value[: m.end()], value[m.end():]) if m else ("", value)
    b64 = (";base64" in m.group(2).lower()) if m else True
    cut = (_BINARY_SCAN_MAX // 3) * 4
    try:
        raw = base64.b64decode(data[:cut], validate=m is None) if b64 \
            else unquote(data).encode("utf-8", "surrogatepass")
    except (binascii.Error, ValueError):
        if m is None:  # not base64 at all: the client sent plain text here
            w.slots.append(Slot(key, value, _setter(parent, k)))
            return
        raw = b""
    try:
        text = raw.decode("utf-8")
        is_text = len(data) <= cut and not _looks_binary(text)
    except UnicodeDecodeError:
        is_text = False
    if is_text:
        def set_payload(new: str) -> None:
            enc = new.encode("utf-8")
            parent[k] = prefix + (base64.b64encode(enc).decode() if b64 else quote(new, safe=_URL_SAFE))

        w.slots.append(Slot(key, text, set_payload))
        return
    runs = "\n".join(r.decode("ascii") for r in _ASCII_RUN.findall(raw))
    w.slots.append(Slot(key, runs, lambda _new: drop(), binary=True, drop=drop))


def _looks_binary(text: str) -> bool:
    return any(ord(c) < 9 or 13 < ord(c) < 32 for c in text[:4096])


def _setter(parent: Any, key: Any) -> Callable[[str], None]:
    def set_(new: str) -> None:
        parent[key] = new

    return set_


def _marking(inner: Callable[[str], None], dirty: list[bool]) -> Callable[[str], None]:
    def set_(new: str) -> None:
        inner(new)
        dirty[0] = True

    return set_


def _renamer(w: Walk, obj: dict[str, Any], old: str) -> Callable[[str], None]:
    """Renaming a key waits for the commit phase, after every value under it has been written."""

    def set_(new: str) -> None:
        def commit() -> None:
            items = list(obj.items())
            obj.clear()
            for k, v in items:
                obj[new if k == old else k] = v

        w.commits.insert(0, commit)  # before JSON strings holding this object are re-serialised

    return set_


def _dropper(content: list[Any], pi: int, kind: Any) -> Callable[[], None]:
    def drop() -> None:
        content[pi] = {"type": "text", "text": _BINARY_NOTE.get(str(kind), "〔添付〕")}

    return drop


def binary_slots(w: Walk) -> Iterator[Slot]:
    return (s for s in w.slots if s.binary)
