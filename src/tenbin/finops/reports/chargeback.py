"""Self-hosted charge-back: what the teams that used a local model owe for the GPU it ran on.

**Decision.** The ledger keeps what a vendor bills, so a self-hosted model's ledger cost stays ¥0
(there is no invoice to reconcile it with, and a price change in config must not rewrite stored
rows). Its cost is charged at report time from the tokens the ledger counted and the model's
``finops.self_hosted`` entry, at the rate ``tenbin costs --unit-prices`` shows
(:func:`tenbin.finops.selfhosted.local_per_million`: amortised ¥/1M, GPU hours over throughput,
or a fixed server month spread over its capacity at the configured utilisation; a server's idle
capacity is not charged to anyone and shows in the make-or-buy view). Prompt and completion tokens
are charged alike: a GPU's time goes to both.

The charge is computed per ``usage_daily`` row and rounded there to the nano-yen, so every report
that sums it — ``tenbin costs`` in any grouping, ROI, FOCUS — adds up to the same yen. A config
change restates the charge-back of past periods; keep the config under review like code.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tenbin.finops.config import SelfHosted
from tenbin.finops.periods import Period
from tenbin.finops.reports.sql import day_range
from tenbin.finops.selfhosted import MILLION, local_per_million
from tenbin.ledger.record import to_nanos
from tenbin.store.base import Store

COLUMNS = ("day", "team", "project", "key_id", "use_case", "requested_model", "served_model", "provider", "region",
           "data_class", "status")


@dataclass(frozen=True, slots=True)
class Charge:
    row: dict[str, Any]  # the usage_daily columns above ('' where the ledger had NULL)
    prompt_tokens: int
    completion_tokens: int
    jpy_per_million: Decimal
    nanos: int  # the charge, nano-yen

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


async def self_hosted_charges(store: Store, period: Period, self_hosted: dict[str, SelfHosted]) -> list[Charge]:
    """One charge per ``usage_daily`` row of a self-hosted model in ``period``."""
    if not self_hosted:
        return []
    ids = sorted(self_hosted)
    cols = ", ".join(COLUMNS)
    rows = await store.query(
        f"SELECT {cols}, sum(prompt_tokens) AS p, sum(completion_tokens) AS o FROM usage_daily"
        f" WHERE day >= ? AND day < ? AND served_model IN ({', '.join('?' * len(ids))}) GROUP BY {cols}"
        f" ORDER BY {cols}", [*day_range(period), *ids])
    rates = {m: local_per_million(sh) for m, sh in self_hosted.items()}
    out = []
    for r in rows:
        p, o = int(r["p"] or 0), int(r["o"] or 0)
        rate = rates[r["served_model"]]
        out.append(Charge({c: r[c] for c in COLUMNS}, p, o, rate, to_nanos((p + o) * rate / MILLION)))
    return out
