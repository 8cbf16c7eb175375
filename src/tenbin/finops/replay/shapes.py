"""Request shapes: ledger rows grouped by everything routing and pricing can depend on (never
prompt text, which the ledger does not have). Millions of rows collapse to thousands of shapes,
so the replay decides once per shape."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tenbin.finops.periods import Period
from tenbin.finops.reports.sql import tokyo_day_expr
from tenbin.store.base import Store

EPOCH = dt.date(1970, 1, 1)


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

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


async def load_shapes(store: Store, period: Period) -> list[Shape]:
    """Successful requests only: failures have no tokens to price."""
    day = tokyo_day_expr(store.dialect)
    rows = await store.query(
        f"SELECT {day} AS d, team, project, key_id, use_case, requested_model, served_model, region, data_class,"
        " count(*) AS n, sum(prompt_tokens) AS p, sum(cached_tokens) AS c, sum(completion_tokens) AS o,"
        " sum(cost_jpy_nanos) AS jpy FROM usage WHERE ts_start >= ? AND ts_start < ? AND status = 200"
        " AND served_model IS NOT NULL"
        " GROUP BY 1, team, project, key_id, use_case, requested_model, served_model, region, data_class",
        (period.start_ts, period.end_ts))
    return [Shape(EPOCH + dt.timedelta(days=int(r["d"])), r["team"], r["project"], r["key_id"], r["use_case"],
                  r["requested_model"], r["served_model"], r["region"],
                  None if r["data_class"] is None else str(r["data_class"]), int(r["n"]), int(r["p"] or 0),
                  int(r["c"] or 0), int(r["o"] or 0), int(r["jpy"] or 0)) for r in rows]
