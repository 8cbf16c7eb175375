"""Issue 11, item 4 (first half): PII in *any* field that reaches a vendor, and PII written with
invisible or look-alike characters, never reaches a foreign vendor, and the request is classified
personal in the ledger and the audit log.

A known value (a name, a phone, an e-mail, a My Number with a valid check digit) is put in each
field path the adversarial review found leaking, and in each evasion form, and sent through the
real gateway with the real openai SDK to a recording fake vendor in the US, under

* the default policy (no ``routing`` section: the default constraint keeps personal data in Japan
  unless masked, and ``on_sensitive`` defaults to ``mask``), and
* an explicit mask rule,

so the request goes out masked and is served, and the vendor must not receive the value in any
form: raw bytes, JSON-unescaped, percent-decoded, base64-decoded ``data:`` payloads,
  JSON-in-a-string decoded, and after removing invisible characters and mapping digits.

Each case counts; the totals are printed (``-s``) and asserted so nothing is skipped silently.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, unquote

import openai
import pytest

from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

pytest.importorskip("sudachipy")

NAME, PHONE, EMAIL, MYNUM = "山田太郎", "090-1234-5678", "taro.yamada@example.com", "123456789018"
VALUES = {"name": NAME, "phone": PHONE, "email": EMAIL, "my_number": MYNUM}
ADDRESS = "東京都千代田区丸の内1-2-3"

Body = dict[str, Any]
ASK = {"role": "user", "content": "この依頼を処理してください。"}


def _msgs(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [*extra, ASK] if extra else [ASK]


def _schema(v: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"to": {"type": "string", "description": f"宛先は{v}",
                                                    "enum": [v, "other"], "default": v}}}


def _call(args: str, name: str = "send_mail") -> dict[str, Any]:
    return {"role": "assistant", "content": None,
            "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": name, "arguments": args}}]}


def _tool_reply(content: str) -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": "call_1", "content": content}


def _png_with_text(v: str) -> bytes:
    # An image's bytes with a tEXt chunk carrying the value (as EXIF/PNG metadata does).
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + b"\x00\x00\x00\x20tEXtComment\x00" + v.encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _user(*parts: dict[str, Any]) -> Body:
    return {"messages": [{"role": "user", "content": list(parts)}]}


def _img(url: str) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": url}}


def _file(**f: str) -> dict[str, Any]:
    return {"type": "file", "file": f}


def _text(v: str) -> dict[str, Any]:
    return {"type": "text", "text": v}


def _with(**fields: Any) -> Body:
    return {"messages": _msgs(), **fields}


def _fn(**f: Any) -> list[dict[str, Any]]:
    return [{"type": "function", "function": f}]


def _args(obj: Any, ascii_only: bool = False) -> Body:
    return {"messages": [ASK, _call(json.dumps(obj, ensure_ascii=ascii_only)), _tool_reply("ok")]}


def _turns(*msgs: dict[str, Any]) -> Body:
    return {"messages": [ASK, *msgs]}


def _wav(v: str) -> dict[str, Any]:
    return {"type": "input_audio", "input_audio": {"data": _b64(b"RIFF\x00\x00WAVEfmt " + v.encode()), "format": "wav"}}


# Each field path: a function from the value to the request body (model added by the test).
PATHS: dict[str, Callable[[str], Body]] = {
    "messages[].content": lambda v: {"messages": [{"role": "user", "content": f"{v}です"}]},
    "messages[].content[].text": lambda v: _user(_text(v)),
    "system content": lambda v: {"messages": _msgs({"role": "system", "content": f"担当: {v}"})},
    "developer content parts": lambda v: {"messages": _msgs({"role": "developer", "content": [_text(v)]})},
    "messages[].name": lambda v: {"messages": [{"role": "user", "name": v, "content": "こんにちは"}]},
    "user": lambda v: _with(user=v),
    "metadata value": lambda v: _with(metadata={"customer": v, "use_case": "support"}),
    "metadata key": lambda v: _with(metadata={v: "1"}),
    "safety_identifier": lambda v: _with(safety_identifier=v),
    "prompt_cache_key": lambda v: _with(prompt_cache_key=v),
    "tool_calls[].function.arguments": lambda v: _args({"to": v}),
    "tool_calls[].function.arguments (\\u-escaped)": lambda v: _args({"to": v}, ascii_only=True),
    "tool_calls[].function.arguments (nested, key)": lambda v: _args({"p": [{v: {"x": f"宛先 {v}"}}]}, True),
    "tool_calls[].function.arguments (not JSON)": lambda v: _turns(_call(f"to={v}")),
    "tool_calls[].function.name": lambda v: _turns(_call("{}", name=v)),
    "legacy function_call": lambda v: _turns({"role": "assistant", "content": None,
                                              "function_call": {"name": "send", "arguments": json.dumps({"to": v})}}),
    "tool message content": lambda v: _turns(_call("{}"), _tool_reply(f"結果: {v}")),
    "tool message content (JSON)": lambda v: _turns(_call("{}"), _tool_reply(json.dumps({"owner": v}))),
    "tool_call_id": lambda v: _turns(_call("{}"), {"role": "tool", "tool_call_id": v, "content": "ok"}),
    "tools[].function.description": lambda v: _with(tools=_fn(name="f", description=f"{v}に送る",
                                                              parameters={"type": "object"})),
    "tools[].function.parameters enum/default": lambda v: _with(tools=_fn(name="f", parameters=_schema(v))),
    "legacy functions": lambda v: _with(functions=[{"name": "f", "description": f"{v}宛", "parameters": _schema(v)}]),
    "response_format.json_schema": lambda v: _with(response_format={
        "type": "json_schema", "json_schema": {"name": "r", "description": f"{v}用", "schema": _schema(v)}}),
    "tool_choice name": lambda v: _with(tools=_fn(name=v), tool_choice={"type": "function", "function": {"name": v}}),
    "legacy function_call (top)": lambda v: _with(functions=[{"name": v}], function_call={"name": v}),
    "input_text part": lambda v: _user({"type": "input_text", "text": v}),
    "refusal part": lambda v: _turns({"role": "assistant", "content": [{"type": "refusal", "refusal": f"{v}の件は"}]},
                                     ASK),
    "assistant refusal field": lambda v: _turns({"role": "assistant", "content": "x", "refusal": v}, ASK),
    "image_url query string": lambda v: _user(_img("https://img.example.com/a.png?who=" + quote(v))),
    "image_url data: text": lambda v: _user(_img("data:text/plain;base64," + _b64(v.encode()))),
    "image_url data: percent": lambda v: _user(_img("data:text/plain," + quote(v))),
    "image_url data: png": lambda v: _user(_text(f"{v}の写真"),
                                           _img("data:image/png;base64," + _b64(_png_with_text(v)))),
    "input_audio data": lambda v: _user(_text(v), _wav(v)),
    "file part filename": lambda v: _user(_file(filename=f"{v}.pdf", file_id="file-1")),
    "file part file_data": lambda v: _user(_file(filename="a.txt",
                                                 file_data="data:text/plain;base64," + _b64(f"氏名 {v}".encode()))),
    "file part file_data (raw text)": lambda v: _user(_file(filename="a.txt", file_data=f"氏名 {v}")),
    "stop (string)": lambda v: _with(stop=v),
    "stop (list)": lambda v: _with(stop=["END", v]),
    "prediction (string)": lambda v: _with(prediction={"type": "content", "content": f"宛先: {v}"}),
    "prediction (parts)": lambda v: _with(prediction={"type": "content", "content": [_text(v)]}),
    "unknown top-level field": lambda v: _with(x_vendor_extra={"note": v}),
    "web_search_options location": lambda v: _with(web_search_options={
        "user_location": {"type": "approximate", "approximate": {"city": v}}}),
    "unknown part type": lambda v: _user({"type": "x_note", "body": v}),
    "unknown message field": lambda v: {"messages": [{"role": "user", "content": "hi", "x_signature": v}]},
}
# The 24 paths the review found leaking; the others above are the neighbours it did not list.
REVIEW_PATHS = {
    "messages[].name", "user", "metadata value", "safety_identifier", "prompt_cache_key",
    "tool_calls[].function.arguments", "tool_calls[].function.arguments (\\u-escaped)", "legacy function_call",
    "tools[].function.description", "tools[].function.parameters enum/default", "legacy functions",
    "response_format.json_schema", "tool_choice name", "input_text part", "refusal part",
    "image_url query string", "image_url data: text", "file part filename", "file part file_data",
    "stop (string)", "stop (list)", "prediction (string)", "prediction (parts)", "image_url data: percent",
}

_DIGITS = {"arabic-indic": 0x0660, "ext-arabic-indic": 0x06F0, "devanagari": 0x0966, "bengali": 0x09E6,
           "thai": 0x0E50, "full-width": 0xFF10, "math-bold": 0x1D7CE}


def _digits(v: str, zero: int) -> str:
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in v)


def _between(v: str, ch: str) -> str:
    return ch.join(v)


# Each evasion form: (label, value key, written form). The written form is what the client sends.
def evasions() -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for cname, ch in {"zwsp": "\u200b", "zwnj": "\u200c", "zwj": "\u200d", "word-joiner": "\u2060",
                      "bom": "\ufeff", "soft-hyphen": "\u00ad", "lrm": "\u200e"}.items():
        out += [(f"{cname} every char", k, _between(v, ch)) for k, v in VALUES.items()]
        out.append((f"{cname} once", "phone", "090" + ch + "-1234-5678"))
    out.append(("bom prefix", "email", "\ufeff" + EMAIL))
    for sname, sp in {"nbsp": "\u00a0", "narrow-nbsp": "\u202f", "thin": "\u2009", "figure": "\u2007"}.items():
        out.append((f"{sname} separator", "phone", PHONE.replace("-", sp)))
        out.append((f"{sname} separator", "my_number", sp.join([MYNUM[:4], MYNUM[4:8], MYNUM[8:]])))
    for dname, zero in _DIGITS.items():
        out.append((f"{dname} digits", "phone", _digits(PHONE, zero)))
        out.append((f"{dname} digits", "my_number", _digits(MYNUM, zero)))
    out += [
        ("LF after dash", "phone", "090-1234-\n5678"),
        ("LF before dash", "phone", "090-1234\n-5678"),
        ("CRLF after dash", "phone", "090-\r\n1234-\r\n5678"),
        ("LF between groups", "my_number", "1234\n5678\n9018"),
        ("CRLF between groups", "my_number", "1234\r\n5678\r\n9018"),
        ("LF in plain phone", "phone", "0901234\n5678"),
        ("zwsp + nbsp + arabic", "phone", _digits("090\u200b\u00a01234\u00a05678", 0x0660)),
    ]
    return out


EXTRA = [("CRLF in address", "address", "東京都千代田区\r\n丸の内1-2-3"),
         ("CR in address", "address", "東京都千代田区\r丸の内1-2-3")]
CANON = {**VALUES, "address": ADDRESS}

# Evasion forms are placed in three fields: message text, tool arguments, and ``user``.
EVASION_PATHS = ("messages[].content", "tool_calls[].function.arguments", "user")


def _written_msg(key: str, written: str) -> str:
    # The message form gives the detector the context a reader would have.
    return {"name": f"{written}さん", "phone": f"電話 {written}", "email": f"mail {written}",
            "my_number": f"個人番号 {written}",
            # An address alone is weak evidence the routing classifier may set aside (issue 12):
            # with the addressee named the request is personal and every value is masked.
            "address": f"お届け先 山田太郎様 住所 {written}"}[key]


# ---- what the vendor received, in every decoded form --------------------------------------------

_INVIS = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _strings(x: Any) -> Iterator[str]:
    if isinstance(x, str):
        yield x
        yield unquote(x)
        m = re.match(r"data:[^,]*?(;base64)?,", x)
        payload = x[m.end():] if m else x
        if m and not m.group(1):
            yield unquote(payload)
        else:
            with contextlib.suppress(ValueError):
                yield base64.b64decode(payload, validate=not m).decode("utf-8", "replace")
        if x.lstrip()[:1] in ("{", "["):
            with contextlib.suppress(ValueError):
                yield from _strings(json.loads(x))
    elif isinstance(x, list):
        for v in x:
            yield from _strings(v)
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from _strings(k)
            yield from _strings(v)


def _canon(text: str) -> str:
    t = _INVIS.sub("", text)
    t = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in t)
    t = unicodedata.normalize("NFKC", t)
    return re.sub(r"(?<=[0-9-])\s*\r?\n\s*(?=[0-9-])", "", t).replace("\r", "")


def received(fake: FakeOpenAI, start: int) -> str:
    texts = []
    for r in fake.requests[start:]:
        raw = r.body.decode("utf-8", "replace")
        texts += [raw, json.dumps(r.json, ensure_ascii=False), *_strings(r.json)]
    return "\n".join(texts)


def leaked(got: str, written: str, canon: str) -> bool:
    if written in got or canon in got:
        return True
    flat = _canon(got)
    if canon in flat:
        return True
    # The digits of a number with any separators (spaces, dashes, line breaks) between them.
    digits = re.sub(r"\D", "", canon)
    return len(digits) >= 10 and digits in re.sub(r"(?<=\d)[\s\-().]+(?=\d)", "", flat)


# ---- gateways ---------------------------------------------------------------------------------

def _cfg(url: str, mask: bool) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "providers": {"abroad": openai_provider(url)},
        "models": [fake_model("foreign-frontier", "abroad", region="US",
                              capabilities={"tools": True, "json_mode": True})],
        "default_model": "foreign-frontier",
    }
    if mask:
        cfg["routing"] = {"rules": [{"name": "mask-abroad", "when": {}, "model": "foreign-frontier",
                                     "on_sensitive": "mask"}]}
    return cfg


Gateways = dict[str, tuple[GatewayHandle, FakeOpenAI]]


@pytest.fixture(scope="module")
def gateways(lt: LoopThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateways]:
    out = {}
    for policy in ("default", "mask"):
        fake = lt.run(FakeOpenAI().start())
        gw = start_gateway(lt, _cfg(fake.url, policy == "mask"), tmp_path_factory.mktemp(policy), {"FAKE_KEY": "k"})
        out[policy] = (gw, fake)
    yield out
    for gw, fake in out.values():
        gw.stop()
        lt.run(fake.stop())


def _send(gw: GatewayHandle, body: Body) -> int:
    client = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=30)
    extra = {k: v for k, v in body.items() if k != "messages"}
    try:
        client.chat.completions.create(model="tenbin/auto", messages=body["messages"], extra_body=extra)
    except openai.APIStatusError as e:
        return e.status_code
    return 200


def _classes(gw: GatewayHandle, n: int) -> tuple[list[str | None], list[str | None]]:
    rows = gw.rows()[-n:]
    assert gw.runtime.audit is not None
    assert gw.lt.run(gw.runtime.audit.flush())
    audit = gw.lt.run(gw.runtime.store.query("SELECT data_class FROM audit_log ORDER BY seq"))[-n:]
    return [r["data_class"] for r in rows], [a["data_class"] for a in audit]


def cases() -> list[tuple[str, str, str, str]]:
    """(path, value key, label, written value): every field path × every value, then every
    evasion form in three fields."""
    out = [(path, key, "plain", v) for path in PATHS for key, v in VALUES.items()]
    for label, key, written in evasions() + EXTRA:
        for path in EVASION_PATHS:
            if key == "address" and path != "messages[].content":
                continue
            out.append((path, key, label, written))
    return out


def _body(path: str, key: str, label: str, written: str) -> Body:
    v = _written_msg(key, written) if label != "plain" and path == "messages[].content" else written
    body = PATHS[path](v)
    if label != "plain" and path == "messages[].content":
        body["messages"][0]["content"] = v  # no "です" glued on: the written form is the whole text
    return body


@pytest.mark.parametrize("policy", ["default", "mask"])
def test_no_field_and_no_evasion_form_leaks(gateways: Gateways, policy: str) -> None:
    gw, fake = gateways[policy]
    all_cases = cases()
    leaks: list[str] = []
    statuses: dict[str, int] = {}
    for path, key, label, written in all_cases:
        start = len(fake.requests)
        status = _send(gw, _body(path, key, label, written))
        statuses[f"{path} | {key} | {label}"] = status
        if fake.requests[start:] and leaked(received(fake, start), written, CANON[key]):
            leaks.append(f"{path} | {key} | {label}")
    ledger, audit = _classes(gw, len(all_cases))
    not_personal = [f"{c[0]} | {c[1]} | {c[2]}: ledger={lc} audit={ac}"
                    for c, lc, ac in zip(all_cases, ledger, audit, strict=True)
                    if lc not in ("personal", "special_care") or ac not in ("personal", "special_care")]
    paths_leaked = sorted({x.split(" | ")[0] for x in leaks if x.endswith("| plain")})
    forms_leaked = sorted({x.split(" | ", 2)[2] + " / " + x.split(" | ")[1]
                           for x in leaks if not x.endswith("| plain")})
    print(f"\n[{policy}] tried {len(all_cases)} requests: {len(PATHS)} field paths x {len(VALUES)} values, "
          f"{len(evasions()) + len(EXTRA)} evasion forms in up to {len(EVASION_PATHS)} fields; "
          f"leaked {len(leaks)} (paths {len(paths_leaked)}/{len(PATHS)}, review paths "
          f"{len(set(paths_leaked) & REVIEW_PATHS)}/{len(REVIEW_PATHS)}, evasion forms {len(forms_leaked)}, "
          f"{len([x for x in leaks if x.startswith('messages[].content |') and not x.endswith('| plain')])} of them "
          f"in message text); "
          f"not personal: {len(not_personal)}")
    failed = [f"{k}: {s}" for k, s in statuses.items() if s != 200]
    assert not failed, f"masked requests should be served: {failed[:20]}"
    print("leaked:", *leaks, sep="\n  ")
    assert not leaks, f"{len(leaks)} cases reached the foreign vendor: {leaks[:40]}"
    assert not not_personal, f"{len(not_personal)} requests not classified personal: {not_personal[:40]}"
    assert len(all_cases) >= 370


def test_masked_request_keeps_its_shape(gateways: Gateways) -> None:
    """Masked values go back into the same places: arguments stay valid JSON (non-ASCII kept,
    escapes decoded), a renamed key keeps its value, a data: payload stays decodable, an image
    without text is dropped for a text note, the tool call pairs with its reply."""
    gw, fake = gateways["mask"]
    start = len(fake.requests)
    body = {"messages": [
        ASK,
        _call(json.dumps({"to": EMAIL, "cc": [{"name": NAME, "n": 3}], PHONE: True}, ensure_ascii=True)),
        _tool_reply(json.dumps({"owner": NAME, "ok": True})),
        {"role": "user", "content": [
            _text(f"{NAME}さんへ"),
            {"type": "image_url", "image_url": {"url": "data:image/png;base64," + _b64(b"\x89PNG\r\n\x1a\n\x00\x01"),
                                                "detail": "low"}},
            _file(filename="memo.txt", file_data="data:text/plain;base64," + _b64(f"電話 {PHONE}".encode())),
        ]},
    ], "user": EMAIL, "metadata": {"owner": NAME}}
    assert _send(gw, body) == 200
    sent = fake.requests[start].json
    args = json.loads(sent["messages"][1]["tool_calls"][0]["function"]["arguments"])
    assert args["to"] == "〔メール1〕" and args["cc"] == [{"name": "〔氏名1〕", "n": 3}]
    assert args["〔電話1〕"] is True and sent["user"] == "〔メール1〕"
    assert json.loads(sent["messages"][2]["content"]) == {"owner": "〔氏名1〕", "ok": True}
    assert sent["messages"][2]["tool_call_id"] == sent["messages"][1]["tool_calls"][0]["id"] == "call_1"
    parts = sent["messages"][3]["content"]
    assert parts[0] == {"type": "text", "text": "〔氏名1〕さんへ"}
    assert parts[1] == {"type": "text", "text": "〔画像〕"}  # privacy.binary: drop (default)
    data = parts[2]["file"]["file_data"]
    assert data.startswith("data:text/plain;base64,")
    assert base64.b64decode(data.split(",", 1)[1]).decode() == "電話 〔電話1〕"
    assert sent["metadata"] == {"owner": "〔氏名1〕"}


def test_pii_only_outside_messages_is_personal_in_the_route(gateways: Gateways) -> None:
    """A request whose only PII is a zero-width-split phone in ``user``: personal, masked, and the
    routing trace shows the default constraint waived because the request was masked."""
    gw, fake = gateways["default"]
    start = len(fake.requests)
    assert _send(gw, {"messages": _msgs(), "user": _between(PHONE, "\u200b")}) == 200
    assert fake.requests[start].json["user"] == "〔電話1〕"
    row = gw.rows()[-1]
    assert row["data_class"] == "personal"
    assert "default-personal-in-japan(waived:masked)" in json.dumps(row["route"], ensure_ascii=False)
