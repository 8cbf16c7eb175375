"""What the routing held-out generators share: a valid My Number and the one way a set is written.

Each set's rows stay in its own generator (written after the classifier was frozen, see
``*.first_score.txt``); only the mechanics live here, so every set is written the same way.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import orjson


def my_number(rng: random.Random) -> str:
    """Eleven random digits and the check digit the My Number rules define."""
    body = [rng.randrange(10) for _ in range(11)]
    total = sum(body[11 - n] * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
    rem = total % 11
    return "".join(map(str, body)) + str(0 if rem <= 1 else 11 - rem)


def write_set(rows: list[tuple[str, str, str]], prefix: str, out: Path) -> None:
    """Write ``(data_class, tier, text)`` rows as JSONL with ids ``{prefix}-001``…; texts must be unique."""
    records = [{"id": f"{prefix}-{i + 1:03d}", "text": t, "data_class": c, "tier": tier}
               for i, (c, tier, t) in enumerate(rows)]
    assert len({r["text"] for r in records}) == len(records)
    out.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    print(f"{len(records)} prompts -> {out}")
    print(sorted(Counter((r["data_class"], r["tier"]) for r in records).items()))
