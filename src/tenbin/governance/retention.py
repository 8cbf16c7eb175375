"""Record retention: keep the audit chain for ``governance.record_retention_years`` (APPI Art. 29
requires 1 or 3 years depending on how the records are kept), then drop whole JST months from its
head without breaking verification.

Deleting the head of a hash chain would look exactly like tampering. So before rows go, the chain
up to the cut is verified and an ``audit.purge`` entry is chained at the end naming the last
dropped entry (``through_seq``) and its hash (``through_hash``). ``verify_store`` accepts a chain
that starts after seq 1 only when such an entry, itself inside the verified chain, says where and
with which hash the dropped part ended: removing one more row, or editing the purge entry, still
fails. Published checkpoints keep covering the tail as before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import orjson

from tenbin.clock import Clock
from tenbin.context import Principal
from tenbin.governance.chain import Verifier
from tenbin.governance.period import JST
from tenbin.store.base import Store

PURGE = "audit.purge"


@dataclass(frozen=True, slots=True)
class Purged:
    before: str  # first JST month kept, YYYY-MM
    through_seq: int  # last entry dropped (0: nothing to drop)
    rows: int


def cutoff(now: dt.datetime, years: int) -> dt.datetime:
    """The start of the oldest JST month that must be kept: whole months older than ``years``."""
    local = now.astimezone(JST)
    return dt.datetime(local.year - years, local.month, 1, tzinfo=JST)


async def seal_of(store: Store, first_seq: int) -> tuple[int, str] | None:
    """The ``audit.purge`` entry that accounts for a chain starting at ``first_seq``: (seq of the
    purge entry, the hash the first kept row must chain to), or None."""
    rows = await store.query("SELECT seq, detail FROM audit_log WHERE action = ? ORDER BY seq", (PURGE,))
    for r in rows:
        d = orjson.loads(r["detail"] or "{}")
        if d.get("through_seq") == first_seq - 1 and isinstance(d.get("through_hash"), str):
            return int(r["seq"]), d["through_hash"]
    return None


async def purge_expired(store: Store, audit: Any, actor: Principal, years: int, clock: Clock) -> Purged:
    """Drop the entries of whole JST months older than ``years``; ``audit`` (an AuditWriter) chains
    the ``audit.purge`` entry first, so the drop is recorded before it happens."""
    cut = cutoff(clock.now(), years)
    before = cut.strftime("%Y-%m")
    first = await store.query("SELECT min(seq) AS lo FROM audit_log")
    lo = int(first[0]["lo"]) if first and first[0]["lo"] is not None else None
    keep = await store.query("SELECT min(seq) AS s FROM audit_log WHERE ts_us >= ?", (int(cut.timestamp() * 1e6),))
    if lo is None:
        return Purged(before, 0, 0)
    through = (int(keep[0]["s"]) if keep and keep[0]["s"] is not None else None)
    through = (through - 1) if through is not None else None
    if through is None:  # every entry is older: keep the newest one so the chain has a head
        last = await store.query("SELECT max(seq) AS s FROM audit_log")
        through = int(last[0]["s"]) - 1
    if through < lo:
        return Purged(before, 0, 0)
    # verify what is about to go, from the current head of the kept chain
    v = Verifier()
    if lo > 1:
        seal = await seal_of(store, lo)
        if seal is None:
            raise ValueError(f"the chain starts at seq {lo} with no {PURGE} entry for it; verify before purging")
        v.expected_seq, v.prev_hash = lo, seal[1]
    last_hash = v.prev_hash
    seq = lo
    while seq <= through:
        rows = await store.query("SELECT * FROM audit_log WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT 5000",
                                 (seq, through))
        if not rows:
            break
        if not v.feed(rows):
            raise ValueError(f"the entries to purge do not verify ({v.broken}); nothing was deleted")
        last_hash = v.prev_hash
        seq = int(rows[-1]["seq"]) + 1
    audit.admin(actor, PURGE, target=f"before {before}", team="-",
                detail={"through_seq": through, "through_hash": last_hash, "rows": through - lo + 1,
                        "before": before, "retention_years": years})
    if not await audit.flush():
        raise ValueError("the audit.purge entry could not be stored; nothing was deleted")
    n = await store.execute("DELETE FROM audit_log WHERE seq <= ?", (through,))
    return Purged(before, through, n)
