"""Request shapes: ledger rows grouped by everything routing and pricing can depend on (never
prompt text, which the ledger does not have). Millions of rows collapse to thousands of shapes,
so the replay decides once per shape."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tenbin.finops.periods import Period
from tenbin.finops.reports.sql import day_of, day_range, text_or_none
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

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


async def load_shapes(store: Store, period: Period) -> list[Shape]:
    """Successful requests only: failures have no tokens to price."""
    rows = await store.query(
        "SELECT day AS d, team, project, key_id, use_case, requested_model, served_model, region, data_class,"
        " sum(requests) AS n, sum(prompt_tokens) AS p, sum(cached_tokens) AS c, sum(completion_tokens) AS o,"
        " sum(cost_jpy_nanos) AS jpy FROM usage_daily WHERE day >= ? AND day < ? AND status = 200"
        " AND served_model <> ''"
        " GROUP BY day, team, project, key_id, use_case, requested_model, served_model, region, data_class",
        day_range(period))
    return [Shape(day_of(r["d"]), r["team"], r["project"], r["key_id"], text_or_none(r["use_case"]),
                  r["requested_model"], r["served_model"], text_or_none(r["region"]),
                  text_or_none(r["data_class"]), int(r["n"]), int(r["p"] or 0),
                  int(r["c"] or 0), int(r["o"] or 0), int(r["jpy"] or 0)) for r in rows]
