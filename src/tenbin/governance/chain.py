"""The hash chain: canonical encoding, sealing, and verification.

Each audit row's ``hash`` is ``SHA-256(canonical(row without hash))`` where the row includes
``seq`` and ``prev_hash`` (the previous row's hash, ``GENESIS`` for seq 1). ``canonical`` is
UTF-8 JSON with sorted keys, no whitespace and non-ASCII kept as is
(``json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``); JSON-valued
columns (``findings``, ``detail``) are hashed as the text stored, so no re-encoding can drift.

Because ``seq`` and ``prev_hash`` are inside the hash, changing, deleting, inserting or swapping
any row breaks a link that ``verify_rows`` names. Cutting rows off the *end* leaves a valid chain;
that is what published checkpoints (``tenbin audit checkpoint``) are for.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tenbin.store.base import GENESIS as GENESIS  # one genesis for stores and verifiers

# Every column of audit_log except ``hash``, in schema order. The hash covers exactly these.
FIELDS: tuple[str, ...] = (
    "seq", "ts_us", "kind", "action", "request_id", "key_id", "team", "role", "project", "use_case",
    "target", "data_class", "findings", "masked", "rule", "model", "provider", "region",
    "jurisdiction", "status", "prompt_sha256", "prompt_bytes", "answer_sha256", "answer_bytes",
    "detail", "prev_hash",
)


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(row: Mapping[str, Any]) -> str:
    """The hash a row must carry, computed from its fields (``hash`` itself is ignored)."""
    body = {f: row.get(f) for f in FIELDS}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def seal(body: Mapping[str, Any], seq: int, prev_hash: str) -> dict[str, Any]:
    """A complete row for ``body`` placed at ``seq`` after ``prev_hash``; used inside the store's
    append transaction so the head it chains to cannot move underneath it."""
    row = {f: body.get(f) for f in FIELDS}
    row["seq"], row["prev_hash"] = seq, prev_hash
    row["hash"] = entry_hash(row)
    return row


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.reason}"


@dataclass(slots=True)
class Verifier:
    """Walks rows in seq order, incrementally, so a CLI can verify millions of rows page by page."""

    expected_seq: int = 1
    prev_hash: str = GENESIS
    checked: int = 0
    broken: ChainBreak | None = None

    def feed(self, rows: Iterable[Mapping[str, Any]]) -> bool:
        """Check the next rows; False (and ``broken`` set) at the first bad link."""
        if self.broken is not None:
            return False
        for row in rows:
            seq = int(row["seq"])
            if seq != self.expected_seq:
                what = "missing" if seq > self.expected_seq else "out of order"
                self.broken = ChainBreak(self.expected_seq, f"entry {what} (found seq {seq} next)")
                return False
            if row["prev_hash"] != self.prev_hash:
                self.broken = ChainBreak(seq, "prev_hash does not match the previous entry's hash "
                                              "(an entry before it was removed, inserted or replaced)")
                return False
            if entry_hash(row) != row["hash"]:
                self.broken = ChainBreak(seq, "content does not match its hash (entry modified)")
                return False
            self.prev_hash = row["hash"]
            self.expected_seq = seq + 1
            self.checked += 1
        return True


def verify_rows(rows: Iterable[Mapping[str, Any]]) -> ChainBreak | None:
    v = Verifier()
    v.feed(rows)
    return v.broken
