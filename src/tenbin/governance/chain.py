"""The hash chain: canonical encoding, sealing, and verification.

Each audit row's ``hash`` is ``SHA-256(canonical(row without hash))`` where the row includes
``seq`` and ``prev_hash`` (the previous row's hash, ``GENESIS`` for seq 1). ``canonical`` is
UTF-8 JSON with sorted keys, no whitespace and non-ASCII kept as is
(``json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``); JSON-valued
columns (``findings``, ``detail``) are hashed as the text stored, so no re-encoding can drift.

The text is produced by orjson when every value is a ``str``, an ``int`` or ``None`` (what the
entry builders put in a row), which gives exactly the bytes above for those types (pinned for
every code point by tests/governance/test_canonical_fast.py) at a tenth of the cost of
``json.dumps`` with ``sort_keys`` (~78 k of ~230 k instructions per appended entry); anything
else (a float, a bool, an integer beyond 64 bits, a lone surrogate) takes ``json.dumps`` itself,
so the hash of any row is what it always was.

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

import orjson

from tenbin.store.base import GENESIS as GENESIS  # one genesis for stores and verifiers

# Every column of audit_log except ``hash``, in schema order. The hash covers exactly these.
FIELDS: tuple[str, ...] = (
    "seq", "ts_us", "kind", "action", "request_id", "key_id", "team", "role", "project", "use_case",
    "target", "data_class", "findings", "masked", "rule", "model", "provider", "region",
    "jurisdiction", "status", "prompt_sha256", "prompt_bytes", "answer_sha256", "answer_bytes",
    "detail", "prev_hash",
)


# FIELDS in the canonical text's key order: a dict built in this order needs no sorting.
SORTED_FIELDS: tuple[str, ...] = tuple(sorted(FIELDS))
_PLAIN = frozenset({str, int, type(None)})  # the types orjson writes exactly as ``canonical`` does


# What json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False) builds on every
# call (its arguments are not the defaults), built once: the same encoder, the same text.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(obj: Any) -> str:
    return _ENCODER.encode(obj)


def _ordered(m: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``m`` (None when missing) in sorted order; C-level, a third cheaper than a
    comprehension over the 26 fields."""
    return dict(zip(SORTED_FIELDS, map(m.get, SORTED_FIELDS), strict=True))


def _canonical_bytes(ordered: dict[str, Any]) -> bytes:
    """``canonical(ordered).encode("utf-8")`` for a dict whose keys are already in sorted order."""
    if _PLAIN.issuperset(map(type, ordered.values())):
        try:
            return orjson.dumps(ordered)
        except orjson.JSONEncodeError:  # an int beyond 64 bits, a lone surrogate: the reference decides
            pass
    return canonical(ordered).encode("utf-8")


def entry_hash(row: Mapping[str, Any]) -> str:
    """The hash a row must carry, computed from its fields (``hash`` itself is ignored)."""
    return hashlib.sha256(_canonical_bytes(_ordered(row))).hexdigest()


def seal(body: Mapping[str, Any], seq: int, prev_hash: str) -> dict[str, Any]:
    """A complete row for ``body`` placed at ``seq`` after ``prev_hash``; used inside the store's
    append transaction so the head it chains to cannot move underneath it. Its keys are in
    ``SORTED_FIELDS`` order, then ``hash``."""
    row = _ordered(body)
    row["seq"], row["prev_hash"] = seq, prev_hash
    row["hash"] = hashlib.sha256(_canonical_bytes(row)).hexdigest()
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
