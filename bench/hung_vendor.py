"""How long a hung vendor holds a request before the gateway falls back, with default timeouts.

The primary fake accepts the connection and the request and then never answers (its delay is an
hour); the backup answers at once. The providers are configured with nothing but kind, URL and
key, so every deadline, retry count and backoff is the gateway's default. One plain and one
streamed request through the real ``openai`` SDK; the time is from the call to the answer.

    PYTHONPATH=. .venv/bin/python bench/hung_vendor.py             # plain and streamed
    PYTHONPATH=. .venv/bin/python bench/hung_vendor.py --stream    # streamed only
    PYTHONPATH=. .venv/bin/python bench/hung_vendor.py --drip 150  # a healthy stream, a chunk a second

``--drip N`` instead sends one healthy streamed answer from a vendor that sends a chunk every
second for N seconds, and reports whether it arrived whole and how long it took.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import openai
from tests.conftest import fake_model
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import LoopThread, start_gateway


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stream", action="store_true", help="only the streamed request")
    ap.add_argument("--plain", action="store_true", help="only the plain request")
    ap.add_argument("--drip", type=int, default=0, help="seconds of a healthy one-chunk-a-second stream")
    args = ap.parse_args()
    if args.drip:
        drip(args.drip)
        return
    modes = [False] if args.plain else [True] if args.stream else [False, True]
    lt = LoopThread()
    hung = lt.run(FakeOpenAI(reply="never", delay=3600).start())
    backup = lt.run(FakeOpenAI(reply="backup answer").start())
    cfg = {
        "providers": {"hung": {"kind": "openai", "base_url": hung.url, "api_key": "${K}"},
                      "ok": {"kind": "openai", "base_url": backup.url, "api_key": "${K}"}},
        "models": [fake_model("hung", "hung"), fake_model("ok", "ok")],
        "fallbacks": {"hung": ["ok"]}, "default_model": "hung",
    }
    with tempfile.TemporaryDirectory() as tmp:
        gw = start_gateway(lt, cfg, Path(tmp), {"K": "k"})
        try:
            client = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=900)
            msgs = [{"role": "user", "content": "hello"}]
            for stream in modes:
                sent = len(hung.requests)
                t0 = time.perf_counter()
                if stream:
                    with client.chat.completions.with_streaming_response.create(
                            model="hung", messages=msgs, stream=True) as r:  # type: ignore[arg-type]
                        served = r.headers["x-tenbin-model"]
                        text = "".join(c.choices[0].delta.content or "" for c in r.parse() if c.choices)
                else:
                    raw = client.chat.completions.with_raw_response.create(model="hung", messages=msgs)  # type: ignore[arg-type]
                    served, text = raw.headers["x-tenbin-model"], raw.parse().choices[0].message.content
                took = time.perf_counter() - t0
                print(f"{'stream' if stream else 'plain '}: served by {served} ({text!r}) after {took:.1f} s, "
                      f"{len(hung.requests) - sent} call(s) to the hung vendor")
        finally:
            gw.stop()
            lt.run(hung.stop())
            lt.run(backup.stop())
            lt.close()


def drip(seconds: int) -> None:
    lt = LoopThread()
    reply = "".join(f"{n % 100:02d}" for n in range(seconds))  # the fake streams 2 characters a chunk
    fake = lt.run(FakeOpenAI(reply=reply, script=[{"drip": 1.0}]).start())
    cfg = {"providers": {"slow": {"kind": "openai", "base_url": fake.url, "api_key": "${K}"}},
           "models": [fake_model("slow", "slow")], "default_model": "slow"}
    with tempfile.TemporaryDirectory() as tmp:
        gw = start_gateway(lt, cfg, Path(tmp), {"K": "k"})
        try:
            client = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=900)
            t0 = time.perf_counter()
            text, error = "", None
            try:
                for c in client.chat.completions.create(model="slow", stream=True,  # type: ignore[call-overload]
                                                        messages=[{"role": "user", "content": "hi"}]):
                    text += (c.choices[0].delta.content or "") if c.choices else ""
            except openai.APIError as e:
                error = f"{type(e).__name__}: {e}"
            took = time.perf_counter() - t0
            row = gw.rows()[-1]
            print(f"drip {seconds} s: {len(text)}/{len(reply)} characters, whole={text == reply}, "
                  f"after {took:.1f} s, error={error}, ledger status={row['status']} "
                  f"completion_tokens={row['completion_tokens']} tokens_reported={row['tokens_reported']}")
        finally:
            gw.stop()
            lt.run(fake.stop())
            lt.close()


if __name__ == "__main__":
    main()
