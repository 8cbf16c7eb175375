"""Redis down for a whole budget period (issue 11, "failure paths"): with ``on_redis_error: open``
the budget falls back to the replica's own ledger for ``reserve``, and ``settle``/``release`` must
reach that same fallback, so fail-open stays fail-open: nobody gets a budget 429 that the spend
does not justify, and the local limit still stops a spend that does.

Redis is really unreachable: the gateway is pointed at a closed loopback port, and the ledger-level
test puts a TCP proxy the test controls between the client and the machine's Redis, then cuts it.

Measured with the first test (¥0.5 monthly budget; each request reserves ¥0.1066 and costs
¥0.0135): before the fix (shared/budget.py at e329283) the 5th request got a 429 with ¥0.0539
really spent — the fallback held all four earlier reservations for ever, and the 429 said ¥0.00
spent, since settle never counted there either; after, the 31st request is the first 429, with
¥0.4043 spent, when ¥0.4043 + ¥0.1066 > ¥0.5.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openai
import pytest

from tenbin.clock import ManualClock
from tenbin.finops.budgets.ledger import Claim, MemoryBudgetLedger
from tenbin.ledger.record import to_nanos
from tenbin.shared.budget import RedisBudgetLedger
from tenbin.shared.link import RedisLink
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway
from tests.scale.proxy import TcpProxy
from tests.scale.services import REDIS_BASE, dead_port

NOON = "2026-11-20T03:00:00Z"  # pinned: the whole test is one budget period (November, Tokyo)
LIMIT = "0.5"
MESSAGES: Any = [{"role": "user", "content": "稟議書を要約して"}]
_SPENT = re.compile(r"¥([0-9,.]+) of ¥[0-9,.]+ spent")
_RESERVES = re.compile(r"up to ¥([0-9,.]+)")


@pytest.fixture
def redis_down_gw(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    cfg = {"providers": {"fake": openai_provider(fake_openai.url)}, "models": [fake_model("gpt-4o", "fake")],
           "default_model": "gpt-4o", "redis": f"redis://127.0.0.1:{dead_port()}/0",
           "shared": {"on_redis_error": "open", "op_timeout_s": 0.2, "retry_down_s": 0.05},
           "finops": {"budgets": [{"name": "team-local", "scope": "team", "match": "local", "period": "month",
                                   "limit_jpy": LIMIT}]}}
    gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "sk-fake"}, clock=ManualClock(NOON))
    yield gw
    gw.stop()


def _yen(text: str) -> int:
    return to_nanos(Decimal(text.replace(",", "")))


def test_redis_down_for_a_whole_budget_period_stays_fail_open(redis_down_gw: GatewayHandle) -> None:
    gw = redis_down_gw
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
    limit = to_nanos(Decimal(LIMIT))
    first_429: tuple[int, str] | None = None
    for i in range(200):
        try:
            c.chat.completions.create(model="gpt-4o", messages=MESSAGES, max_tokens=50)
        except openai.RateLimitError as e:
            first_429 = (i, e.message)
            break
    assert first_429 is not None, "the local fallback must still stop a spend that reaches the limit"
    n, message = first_429
    rows = gw.rows()
    spent = sum(r["cost_jpy_nanos"] for r in rows if r["status"] == 200)
    m, r = _SPENT.search(message), _RESERVES.search(message)
    assert m is not None and r is not None, message
    said_spent, may_cost = _yen(m.group(1)), _yen(r.group(1))
    # justified: what was really spent plus this request's reservation passes the limit ...
    assert spent + may_cost > limit and abs(said_spent - spent) < 10_000_000  # the message rounds to ¥0.01
    # ... and not before: every earlier request was let through while the spend left room
    assert n == len([r for r in rows if r["status"] == 200]) and n > limit // may_cost
    assert spent <= limit
    # the outage was real and the fallback took every reservation, and gave every one back
    assert gw.runtime.shared is not None and gw.runtime.shared.link is not None
    ledger = gw.runtime.shared.budget_ledger
    assert isinstance(ledger, RedisBudgetLedger) and ledger.degraded >= n + 1  # every reserve went local
    snap = gw.lt.run(ledger.fallback.snapshot())
    assert snap == {"team-local|local|2026-11": (spent, 0)}


def test_a_reservation_ends_where_it_was_taken(redis_prefix: str) -> None:
    """Reserved on Redis and settled while it is down: the spend is counted locally and no local
    reservation is touched. Reserved locally while Redis was down and settled after it came back:
    released locally, not on Redis (where it was never held)."""
    host, port = REDIS_BASE.split("//", 1)[1].split("/", 1)[0].split(":")

    async def go() -> None:
        proxy = await TcpProxy(host, int(port)).start()
        link = RedisLink(f"redis://127.0.0.1:{proxy.port}/0", op_timeout_s=2.0, retry_down_s=0.05)
        local = MemoryBudgetLedger()
        ledger = RedisBudgetLedger(link, redis_prefix, 30, local)
        a, b = [Claim("b|t|2026-11", 60, 1000)], [Claim("b|t|2026-11", 70, 1000)]
        try:
            assert await ledger.reserve(a) is None  # on Redis
            await proxy.cut()
            await ledger.settle(a, 25)  # Redis unreachable: counted locally, held on Redis until its TTL
            assert await local.snapshot() == {"b|t|2026-11": (25, 0)}
            assert await ledger.reserve(b) is None  # locally
            assert await local.snapshot() == {"b|t|2026-11": (25, 70)}
            await proxy.restore()
            await asyncio.sleep(0.1)  # past retry_down_s: the link tries Redis again
            await ledger.release(b)
            assert await local.snapshot() == {"b|t|2026-11": (25, 0)}
            remote = await ledger.snapshot()  # Redis: a's reservation still held (it expires by TTL), b never there
            assert remote == {"b|t|2026-11": (0, 60)}
            assert ledger.degraded == 2
        finally:
            await proxy.cut()
            await link.aclose()

    asyncio.run(go())
