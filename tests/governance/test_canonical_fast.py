"""The chain's canonical text comes from orjson for rows of strings, integers and nulls: it must be
byte for byte what ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` gives,
or every stored hash would stop verifying. Pinned here against json itself, for every code point,
the integer limits and whatever falls back to json."""

from __future__ import annotations

import hashlib
import json
import random
from typing import Any

import pytest

from tenbin.governance.chain import FIELDS, GENESIS, SORTED_FIELDS, _canonical_bytes, entry_hash, seal, verify_rows


def reference(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def ordered(**values: Any) -> dict[str, Any]:
    return {f: values.get(f) for f in SORTED_FIELDS}


def test_sorted_fields_are_the_fields() -> None:
    assert sorted(FIELDS) == list(SORTED_FIELDS) and len(set(FIELDS)) == len(FIELDS)


def test_every_code_point_encodes_as_json_does() -> None:
    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for lo in range(0, len(points), 4096):
        text = "".join(map(chr, points[lo:lo + 4096]))
        row = ordered(team=text, detail=text[::-1])
        assert _canonical_bytes(row) == reference(row)


@pytest.mark.parametrize("c", [*range(0x80), 0x2028, 0x2029, 0xFEFF, 0xFFFD, 0x10FFFF])
def test_each_ascii_and_special_character_alone(c: int) -> None:
    row = ordered(team=chr(c), use_case=f"a{chr(c)}b")
    assert _canonical_bytes(row) == reference(row)


@pytest.mark.parametrize("n", [0, 1, -1, 2**31, 2**53 + 1, 2**63 - 1, -(2**63), 2**64 - 1, 2**64, -(2**63) - 1, 10**30])
def test_integers_within_and_beyond_64_bits(n: int) -> None:
    row = ordered(ts_us=n, status=-n)
    assert _canonical_bytes(row) == reference(row)


@pytest.mark.parametrize("v", [1.5, 1e16, 1e-7, float("nan"), True, False, 2.0])
def test_other_types_take_json_itself(v: Any) -> None:
    row = ordered(status=v, ts_us=1)
    assert _canonical_bytes(row) == reference(row)


def test_lone_surrogate_fails_as_before() -> None:
    with pytest.raises(UnicodeEncodeError):
        _canonical_bytes(ordered(use_case="a\udc80"))
    with pytest.raises(UnicodeEncodeError):
        seal({"use_case": "a\ud800"}, 1, GENESIS)


def old_hash(row: dict[str, Any]) -> str:
    """The hash as computed before the fast path (chain.py at 7cb984d)."""
    return hashlib.sha256(reference({f: row.get(f) for f in FIELDS})).hexdigest()


def test_random_rows_seal_and_verify_as_the_reference() -> None:
    rnd = random.Random(16)
    alphabet = ["a", "Z", "営", "業", "\n", "\t", '"', "\\", "\x00", "\x1f", "\x7f", "é", "😀", "\u2028", " ", "{"]
    pool: list[Any] = [None, 0, 1, -5, 2**40, 2**63 - 1, 2**70, 3.25, True, "", "x"]
    rows = []
    prev = GENESIS
    for seq in range(1, 400):
        body: dict[str, Any] = {}
        for f in FIELDS:
            if rnd.random() < 0.5:
                body[f] = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(12)))
            else:
                body[f] = rnd.choice(pool)
        body["extra"] = "not hashed"
        row = seal(body, seq, prev)
        assert row["hash"] == old_hash(row) == entry_hash(row)
        assert "extra" not in row and list(row)[-1] == "hash" and set(row) == {*FIELDS, "hash"}
        prev = row["hash"]
        rows.append(row)
    assert verify_rows(rows) is None


def test_canonical_is_json_dumps_for_nested_details() -> None:
    from tenbin.governance.chain import canonical

    rnd = random.Random(7)
    for _ in range(300):
        obj: Any = {"attempt": {"position": rnd.randrange(3), "served": rnd.random() < 0.5, "error": None},
                    "営業": [1, 2.5, "\u2028\x00é", {"z": 1, "a": [True, None]}], "budget": {"limit": 10**20}}
        obj[rnd.choice(["x", "é", "😀"])] = rnd.choice([1, "v", [], {}])
        assert canonical(obj) == json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
