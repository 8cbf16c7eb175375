"""Property-based fuzzing of the chat endpoint and the admin API against a real gateway on loopback.

hypothesis builds bodies (any JSON value for every parameter, text with NUL, lone surrogates and
control characters, bodies mutated at the byte level) and headers (raw bytes in the use-case and
key headers); schemathesis walks the project's OpenAPI document (src/tenbin/api/openapi.py), with
the admin routes described in tests/hostile/admin_spec.py added. Every answer is judged like the
scripted battery's, and the books are counted afterwards. Examples are bounded and derandomized
with no example database, so a CI run is fast and the same every time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tenbin.api.openapi import DOCUMENT
from tenbin.clock import ManualClock
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import ENV, gov_config, make_key
from tests.harness import GatewayHandle, LoopThread, start_gateway
from tests.hostile.admin_spec import with_admin
from tests.hostile.battery import PARAMS
from tests.hostile.books import Seen, audit_books
from tests.hostile.probe import BOUND_S, TALLY, Answer, judge, send

NOON = "2026-11-20T03:00:00Z"
BUDGETS = [{"name": "everyone", "scope": "all", "period": "month", "limit_jpy": "100000"}]
# No shrinking: a failure is reported with the example that found it, at once (shrinking a failing
# request sequence can take minutes, which CI cannot spend).
FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=100,
                phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


class Fuzzed:
    def __init__(self, gw: GatewayHandle, fake: FakeOpenAI, key: str, admin: str) -> None:
        self.gw, self.fake, self.key, self.admin = gw, fake, key, admin
        self.client = httpx.Client(base_url=gw.url)
        self.seen: list[Seen] = []

    def judge(self, label: str, category: str, a: Answer, chat: bool) -> None:
        TALLY.tried(category, label, a.status, a.seconds, a.bound)
        self.seen.append(Seen(label, chat, a.status, a.request_id))
        problems = judge(a)
        if a.status is None:
            problems.append("the connection closed without an answer")
        assert not problems, f"{label}: {problems}"

    def books(self) -> None:
        """Count what was seen since the last count (each request id once in the summary)."""
        seen, self.seen = self.seen, []
        problems = audit_books(self.gw, seen).problems()
        assert problems == []


@pytest.fixture(scope="module")
def fz(lt: LoopThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    fake = lt.run(FakeOpenAI().start())
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    cfg = gov_config(fake.url, server={"max_body_bytes": 200_000}, ledger={"flush_interval_s": 0.05},
                     governance={"flush_interval_s": 0.05}, finops={"budgets": BUDGETS})
    gw = start_gateway(lt, cfg, tmp, ENV, clock=ManualClock(NOON))
    f = Fuzzed(gw, fake, make_key(gw, "sales"), make_key(gw, "ops", role="admin"))
    yield f
    f.client.close()
    gw.stop()
    lt.run(fake.stop())


# ---- strategies --------------------------------------------------------------------------------

# every code point, lone surrogates (Cs) and NUL included, weighted toward the awkward ones
awkward = st.sampled_from(["\u0000", "\ud800", "\udfff", "\ufeff", "\u200b", "\u00ad", "\u3000", "\r\n", "\\", '"',
                           "\U0001f600", "〔氏名1〕", "山田太郎", "090-1234-5678", "²", "٣"])
short_text = st.one_of(st.text(max_size=20), st.lists(awkward, max_size=6).map("".join))
# long text is a short one repeated: drawing thousands of characters one by one is what costs
text = st.one_of(short_text, st.tuples(short_text, st.integers(50, 2000)).map(lambda t: t[0] * t[1]))
scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(allow_nan=True, allow_infinity=True), text)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(text, inner, max_size=4)), max_leaves=12)
part = st.one_of(st.fixed_dictionaries({"type": st.just("text"), "text": st.one_of(text, values)}),
                 st.dictionaries(st.sampled_from(["type", "text", "image_url", "file", "input_audio"]), values,
                                 max_size=3))
message = st.one_of(
    st.fixed_dictionaries({"role": st.sampled_from(["system", "developer", "user", "assistant", "tool"]),
                           "content": st.one_of(text, st.lists(part, max_size=3))},
                          optional={"name": values, "tool_calls": values, "tool_call_id": values}),
    st.dictionaries(st.sampled_from(["role", "content", "name", "tool_calls", "refusal"]), values, max_size=4),
    values)
bodies = st.builds(
    lambda base, extra: {**base, **extra},
    st.fixed_dictionaries({"model": st.one_of(st.sampled_from(["gpt-4o", "auto", "jp-model"]), values),
                           "messages": st.one_of(st.lists(message, min_size=1, max_size=3), values)}),
    st.dictionaries(st.sampled_from([p for p in PARAMS if p not in ("model", "messages")]), values, max_size=4))


def encode(body: Any, ensure_ascii: bool) -> bytes:
    return json.dumps(body, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")


mutations = st.one_of(st.none(), st.tuples(st.sampled_from(["truncate", "flip", "insert"]), st.integers(0, 10_000),
                                           st.binary(min_size=1, max_size=3)))


def mutate(raw: bytes, m: tuple[str, int, bytes] | None) -> bytes:
    if m is None or not raw:
        return raw
    kind, at, junk = m
    at %= len(raw)
    if kind == "truncate":
        return raw[:at]
    if kind == "flip":
        return raw[:at] + bytes([raw[at] ^ 0x80]) + raw[at + 1:]
    return raw[:at] + junk + raw[at:]


# printable ASCII and obs-text (0x80-0xff, which aiohttp hands over as lone surrogates); control
# characters are refused by aiohttp's parser before tenbin sees them (the battery's PROTOCOL_400 cases)
header_bytes = st.binary(max_size=40).map(lambda b: bytes(c for c in b if c >= 0x20 and c != 0x7F).strip())


# ---- the chat endpoint -------------------------------------------------------------------------

def test_chat_endpoint_fuzz(fz: Fuzzed) -> None:
    n = 0

    @FUZZ
    @given(body=bodies, ascii_only=st.booleans(), m=mutations, use_case=st.one_of(st.none(), header_bytes),
           key=st.one_of(st.none(), header_bytes))
    def one(body: dict[str, Any], ascii_only: bool, m: tuple[str, int, bytes] | None, use_case: bytes | None,
            key: bytes | None) -> None:
        nonlocal n
        n += 1
        raw = mutate(encode(body, ascii_only), m)
        hs = [(b"content-type", b"application/json"),
              (b"authorization", (b"Bearer " + (key if key is not None else fz.key.encode())).strip())]
        if use_case is not None:
            hs.append((b"x-tenbin-use-case", use_case))
        vendor_before = len(fz.fake.requests)
        a = send(fz.client, "POST", "/v1/chat/completions", hs, raw)
        fz.judge(f"chat #{n}", "fuzz_chat", a, chat=True)
        if a.status is not None and 400 <= a.status < 500:
            assert len(fz.fake.requests) == vendor_before, f"a {a.status} after the vendor was called"

    one()
    fz.books()


# ---- the admin API -----------------------------------------------------------------------------

periods = st.one_of(st.from_regex(r"\A[0-9]{4}-[0-9]{2}\Z"), short_text, st.integers().map(str))
ids = st.one_of(short_text.filter(lambda s: "/" not in s and s not in ("", ".", "..")),
                st.from_regex(r"\A[A-Za-z0-9_]{1,40}\Z"))
admin_gets = st.one_of(
    st.tuples(st.sampled_from(["/admin/reports/costs", "/admin/reports/cross-border", "/admin/reports/processing",
                               "/admin/reports/routing"]),
              st.dictionaries(st.sampled_from(["period", "team"]), periods, max_size=2)),
    st.tuples(st.sampled_from(["/admin/ledger", "/admin/audit", "/admin/keys", "/admin/budgets", "/admin/policies",
                               "/admin/models", "/admin/audit/verify", "/admin/audit/checkpoint"]),
              st.dictionaries(st.sampled_from(["limit", "after_seq", "team", "against", "period", "model", "status",
                                               "data_class", "use_case", "day"]),
                              st.one_of(short_text, st.integers().map(str)), max_size=3)))
key_bodies = st.one_of(
    st.fixed_dictionaries({}, optional={"team": values, "project": values, "name": values, "models": values,
                                        "role": st.one_of(st.sampled_from(["app", "viewer", "team-admin", "admin"]),
                                                          values)}),
    values)


def _ok_query(params: dict[str, str]) -> bool:
    try:
        for k, v in params.items():
            k.encode("utf-8")
            v.encode("utf-8")
    except UnicodeEncodeError:
        return False  # httpx cannot put a lone surrogate in a URL: such bytes are the battery's (%ed%a0%80)
    return True


def test_admin_api_fuzz(fz: Fuzzed) -> None:
    n = 0
    admin = [(b"authorization", b"Bearer " + fz.admin.encode())]

    @FUZZ
    @given(op=st.one_of(st.tuples(st.just("GET"), admin_gets),
                        st.tuples(st.just("POST"), key_bodies),
                        st.tuples(st.sampled_from(["revoke", "rotate"]), ids)),
           ascii_only=st.booleans())
    def one(op: tuple[str, Any], ascii_only: bool) -> None:
        nonlocal n
        n += 1
        kind, arg = op
        if kind == "GET":
            path, params = arg
            if not _ok_query(params):
                return
            t = httpx.Request("GET", fz.gw.url + path, params=params).url
            a = send(fz.client, "GET", t.raw_path.decode("ascii"), admin, None)
        elif kind == "POST":
            a = send(fz.client, "POST", "/admin/keys", [*admin, (b"content-type", b"application/json")],
                     encode(arg, ascii_only))
        else:
            from urllib.parse import quote

            try:
                path = f"/admin/keys/{quote(arg, safe='')}/{kind}"
            except UnicodeEncodeError:
                return
            a = send(fz.client, "POST", path, admin, None)
        fz.judge(f"admin #{n}", "fuzz_admin", a, chat=False)

    one()
    fz.books()


# ---- schemathesis over the OpenAPI document (plus the admin routes) ----------------------------

schema = schemathesis.openapi.from_dict(with_admin(DOCUMENT))


@schema.parametrize()
@settings(derandomize=True, database=None, deadline=None, max_examples=25, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_openapi_document_fuzz(case: Any, fz: Fuzzed) -> None:
    headers = dict(case.headers or {})
    headers.setdefault("Authorization", f"Bearer {fz.admin if case.path.startswith('/admin') else fz.key}")
    t0 = time.monotonic()
    resp = case.call(base_url=fz.gw.url, headers=headers, timeout=BOUND_S)
    hs = {k.lower(): (v[0] if isinstance(v, list) else v) for k, v in resp.headers.items()}
    a = Answer(resp.status_code, hs, resp.content, time.monotonic() - t0)
    fz.judge(f"{case.method} {case.formatted_path} #{len(fz.seen)}", "fuzz_openapi", a,
             chat=case.path == "/v1/chat/completions")


def test_books_after_the_openapi_fuzz(fz: Fuzzed) -> None:
    assert fz.seen, "run the fuzz tests first"
    fz.books()
