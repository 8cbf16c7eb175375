"""Cost of the JSON depth/element check (api/body.py ``check_shape``) per request body, beside
orjson.loads of the same bytes for scale.

    .venv/bin/python bench/body_shape.py

Bodies: a 1 kB chat request and a 240 kB one (Japanese text as UTF-8, as the openai SDK sends it,
and as ``\\uXXXX`` escapes, as Python's json module does by default); then the slow path the
fast count does not settle (brackets and commas inside strings) and two hostile shapes.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

import orjson

from tenbin.api.body import check_shape
from tenbin.errors import BadRequest

DEPTH, ELEMENTS = 64, 100_000


def chat(size: int, text: str) -> bytes:
    body: dict[str, Any] = {"model": "gpt-4o", "temperature": 0.2, "messages": [
        {"role": "system", "content": "あなたは経理担当のアシスタントです。"}, {"role": "user", "content": ""}]}
    base = len(orjson.dumps(body))
    body["messages"][1]["content"] = (text * (size // len(text.encode()) + 1)).encode()[: size - base].decode(
        "utf-8", "ignore")
    return orjson.dumps(body)


def per_call(fn: Callable[[], object], seconds: float = 0.5) -> float:
    n, t0 = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - t0) < seconds:
        for _ in range(50):
            fn()
        n += 50
    return elapsed / n


def shape_only(raw: bytes) -> None:
    with contextlib.suppress(BadRequest):
        check_shape(raw, DEPTH, ELEMENTS)


def main() -> None:
    ja = "契約書の第三条について、支払期日は月末締め翌月末払いとします。"
    code = 'if x: f([{"a": [1, 2, 3]}, {"b": [[4], [5]]}])\n'
    cases = {
        "1 kB chat, UTF-8": chat(1024, ja),
        "240 kB chat, UTF-8": chat(240 * 1024, ja),
        "240 kB chat, \\u escapes": json.dumps(orjson.loads(chat(240 * 1024, ja))).encode(),
        "240 kB chat of code (slow path)": chat(240 * 1024, code),
        "hostile: 100,000 values": b"[" + b"0," * 99_999 + b"0]",
        "hostile: 300 deep": b'{"model":"m","x":' + b"[" * 300 + b"]" * 300 + b"}",
    }
    print(f"{'body':34} {'bytes':>8} {'check_shape':>12} {'orjson.loads':>13}")
    for name, raw in cases.items():
        t_shape = per_call(lambda raw=raw: shape_only(raw))  # type: ignore[misc]
        t_load = per_call(lambda raw=raw: orjson.loads(raw))  # type: ignore[misc]
        print(f"{name:34} {len(raw):>8} {t_shape * 1e6:>9.1f} µs {t_load * 1e6:>10.1f} µs")


if __name__ == "__main__":
    main()
