"""Request shapes: successful ledger rows grouped by everything routing and pricing depend on.

The group key is the Tokyo day, team, project, key, use case, requested and served model, region,
data class, the currency and FX rate the request was priced at, and the **route trace**, which holds
the routing facts the decision used (``routing/facts.py``: classes, labels, sizes, matched policy
needles, tier and score), the models that failed or were demoted on that request and any budget
downgrade. Requests with identical facts collapse into one shape, decided once. Never prompt text,
which the ledger does not have.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import orjson

from tenbin.finops.periods import Period
from tenbin.finops.reports.sql import TOKYO_OFFSET_S, day_of, day_range, text_or_none
from tenbin.store.base import Store


@dataclass(frozen=True, slots=True)
class Shape:
    day: dt.date
    team: str
    project: str
    key_id: str
    use_case: str | None
    requested_model: str
    served_model: str
    region: str | None
    data_class: str | None
    requests: int
    prompt_tokens: int
    cached_tokens: int
    completion_tokens: int
    cost_jpy_nanos: int
    currency: str | None = None
    fx_rate: str | None = None
    route: dict[str, Any] | None = None
    request_id: str | None = None  # only when the decision depends on it (weighted A/B splits)
    cache_write_tokens: int = 0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def facts(self) -> dict[str, Any] | None:
        f = (self.route or {}).get("facts")
        return f if isinstance(f, dict) else None


_COLS = ("request_id, ts_start, team, project, key_id, use_case, requested_model, served_model, region,"
         " data_class, prompt_tokens, cached_tokens, completion_tokens, cost_jpy_nanos, currency, fx_rate, route,"
         " cache_write_tokens")


async def load_shapes(store: Store, period: Period, *, per_request: bool = False) -> list[Shape]:
    """Successful requests only (failures have no tokens to price), one Tokyo day per query so a
    month of millions of rows never sits in memory at once. ``per_request`` keeps every request
    its own shape (needed when a weighted split hashes the request id)."""
    first, end = day_range(period)
    out: list[Shape] = []
    for n in range(first, end):
        lo = n * 86400 - TOKYO_OFFSET_S
        rows = await store.query(
            f"SELECT {_COLS} FROM usage WHERE ts_start >= ? AND ts_start < ? AND status = 200"
            " AND served_model IS NOT NULL AND served_model <> ''", (lo, lo + 86400))
        groups: dict[tuple[Any, ...], list[Any]] = {}
        for r in rows:
            key = (r["team"], r["project"], r["key_id"], text_or_none(r["use_case"]), r["requested_model"],
                   r["served_model"], text_or_none(r["region"]), text_or_none(r["data_class"]),
                   text_or_none(r["currency"]), text_or_none(r["fx_rate"]), r["route"] or "",
                   r["request_id"] if per_request else None)
            g = groups.get(key)
            if g is None:
                groups[key] = [1, r["prompt_tokens"] or 0, r["cached_tokens"] or 0, r["completion_tokens"] or 0,
                               r["cost_jpy_nanos"] or 0, r["cache_write_tokens"] or 0]
            else:
                g[0] += 1
                g[1] += r["prompt_tokens"] or 0
                g[2] += r["cached_tokens"] or 0
                g[3] += r["completion_tokens"] or 0
                g[4] += r["cost_jpy_nanos"] or 0
                g[5] += r["cache_write_tokens"] or 0
        day = day_of(n)
        for k, (cnt, p, c, o, jpy, w) in groups.items():
            route = orjson.loads(k[10]) if k[10] else None
            out.append(Shape(day, k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], cnt, int(p), int(c), int(o),
                             int(jpy), k[8], k[9], route if isinstance(route, dict) else None, k[11],
                             cache_write_tokens=int(w)))
    return out


async def load_key_models(store: Store) -> dict[str, tuple[str, ...] | None]:
    """Each API key's model allow-list (None: any model), so the replay screens models as the
    gateway did."""
    rows = await store.query("SELECT id, allowed_models FROM api_keys", ())
    return {r["id"]: tuple(orjson.loads(r["allowed_models"])) if r["allowed_models"] else None for r in rows}
