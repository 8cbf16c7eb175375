"""orjson vs the standard json module on what the hot path parses and writes per request: one
client body in, one upstream body out, one upstream answer in, one answer out (4 operations).

    .venv/bin/python bench/gateway_overhead/json_micro.py
"""

from __future__ import annotations

import json
import timeit

import orjson

BODY = {"model": "bench", "max_tokens": 256, "temperature": 0.2, "messages": [
    {"role": "system", "content": "あなたは社内の稟議書を要約するアシスタントです。" * 4},
    {"role": "user", "content": "次の稟議書を三行で要約してください。" + "予算は前年度比で一〇%増。" * 40},
]}
ANSWER = {"id": "chatcmpl-x", "object": "chat.completion", "created": 1, "model": "bench",
          "choices": [{"index": 0, "message": {"role": "assistant", "content": "要約です。" * 30},
                       "finish_reason": "stop"}],
          "usage": {"prompt_tokens": 600, "completion_tokens": 90, "total_tokens": 690}}


def per_request_us(dumps: object, loads: object, n: int = 5000) -> float:
    b_raw, a_raw = orjson.dumps(BODY), orjson.dumps(ANSWER)

    def one() -> None:
        loads(b_raw)  # type: ignore[operator]
        dumps(BODY)  # type: ignore[operator]
        loads(a_raw)  # type: ignore[operator]
        dumps(ANSWER)  # type: ignore[operator]

    return min(timeit.repeat(one, number=n, repeat=5)) / n * 1e6


def main() -> None:
    o = per_request_us(orjson.dumps, orjson.loads)
    s = per_request_us(lambda x: json.dumps(x, ensure_ascii=False).encode(), json.loads)
    print(f"orjson {o:.1f} µs/request, json {s:.1f} µs/request ({s / o:.1f}x)")


if __name__ == "__main__":
    main()
