"""Verify the chain stored in a Store, page by page, optionally against a published checkpoint.

A checkpoint (``seq`` + ``hash`` of the head, published somewhere the operator does not control
alone) closes the gap the chain cannot: rows cut off the end, or the whole chain recomputed after
an edit. ``--against HASH`` passes only if a row with that hash is still in a chain that verifies
from genesis up to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tenbin.governance.chain import GENESIS, ChainBreak, Verifier
from tenbin.store.base import Store


@dataclass(slots=True)
class VerifyResult:
    checked: int
    head_seq: int
    head_hash: str
    broken: ChainBreak | None
    checkpoint_seq: int | None = None  # where --against was found, if given and found
    purged_through: int | None = None  # entries up to this seq were dropped by retention (audit.purge)

    @property
    def ok(self) -> bool:
        return self.broken is None


async def head(store: Store) -> tuple[int, str]:
    rows = await store.query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    return (int(rows[0]["seq"]), str(rows[0]["hash"])) if rows else (0, GENESIS)


async def verify_store(store: Store, against: str | None = None, page: int = 5000) -> VerifyResult:
    from tenbin.governance.retention import seal_of

    v = Verifier()
    found: int | None = None
    last = 0
    purged: int | None = None
    first = await store.query("SELECT min(seq) AS lo FROM audit_log")
    lo = int(first[0]["lo"]) if first and first[0]["lo"] is not None else 1
    if lo > 1:  # the head was dropped: only an audit.purge entry inside the chain may say so
        seal = await seal_of(store, lo)
        if seal is None:
            return VerifyResult(0, lo - 1, GENESIS, ChainBreak(1, f"entries 1..{lo - 1} are missing and no "
                                                                   "audit.purge entry accounts for them"))
        v.expected_seq, v.prev_hash, purged = lo, seal[1], lo - 1
        last = lo - 1
    while True:
        rows = await store.query("SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", (last, page))
        if not rows:
            break
        ok = v.feed(rows)
        if against is not None and found is None:
            for r in rows:  # only rows before the first break have been verified
                if r["hash"] == against and (v.broken is None or int(r["seq"]) < v.broken.seq):
                    found = int(r["seq"])
                    break
        if not ok:
            break
        last = int(rows[-1]["seq"])
    broken = v.broken
    if against is not None and found is None and broken is None:
        broken = ChainBreak(v.expected_seq, f"checkpoint {against[:16]}… is not in the chain: entries up to "
                                            "it were removed or the chain was rewritten")
    return VerifyResult(v.checked, v.expected_seq - 1, v.prev_hash, broken, found, purged)
