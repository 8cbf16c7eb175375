"""Record a history through the real gateway with the example policy, then replay it.

    PYTHONPATH=. .venv/bin/python bench/replay_exact.py [--requests 3000] [--dir /tmp/replay_exact] [--keep]

Fake vendors on loopback stand in for OpenAI, Anthropic, Gemini, Azure Japan East and the on-prem
model (``local``); ``examples/policy.yaml`` routes, with a downgrade budget on the ``support``
use case. The traffic mixes plain questions, 日報/稟議 summaries (``prompt_contains``), support
replies with names and phone numbers (masked), confidential memos, code reviews, public-chatbot
tags and A/B summaries; one Anthropic call in thirty fails so its fallback answers. Prints the
no-scenario replay (it must show no change), an Anthropic outage and a +30% OpenAI price, and
leaves ``tenbin.yaml`` and ``tenbin.db`` in ``--dir`` for ``tenbin simulate -c DIR/tenbin.yaml
--period 2026-11``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import shutil
import time
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from tests.fakes.fake_anthropic import FakeAnthropic, anthropic_error
from tests.fakes.fake_gemini import FakeGemini
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import LoopThread, start_gateway

from tenbin.catalog.catalog import load_catalog
from tenbin.clock import ManualClock
from tenbin.config.loader import build_config
from tenbin.finops.fxstore import load_table
from tenbin.finops.periods import parse_period
from tenbin.finops.replay.scenario import parse_scenario
from tenbin.finops.replay.shapes import load_key_models, load_shapes
from tenbin.finops.replay.simulate import ReplayResult, replay
from tenbin.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: "sk-fake" for k in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "AZURE_OPENAI_JP_KEY")}
NOON = "2026-11-20T03:00:00Z"

# (model asked for, use case, metadata, text)
TRAFFIC: list[tuple[str, str | None, dict[str, str], str]] = [
    ("tenbin/auto", None, {}, "来週の会議の議題を三つ挙げてください。"),
    ("tenbin/auto", None, {}, "社内勉強会の案内文を短く書いてください。"),
    ("tenbin/auto", None, {}, "本日の日報を要約してください。作業: 見積作成、顧客訪問。"),
    ("azure-jp/gpt-4o", None, {}, "この稟議の論点を整理してください。予算は三百万円です。"),
    ("tenbin/auto", "support", {}, "山田太郎様（電話 090-1234-5678）への返信を丁寧に書いてください。"),
    ("tenbin/auto", "support", {}, "配送遅延についてのお詫びメールの下書きをお願いします。"),
    ("tenbin/auto", None, {}, "社外秘: 来期の価格改定案を要約してください。"),
    ("claude-sonnet-4-5", "code-review", {}, "この関数の例外処理をレビューしてください: def f(x): return 1/x"),
    ("tenbin/auto", None, {"channel": "public-chatbot"}, "営業時間を教えてください。"),
    ("tenbin/auto", "summary", {}, "次の文を一行で: 今日は晴れ。"),
    ("tenbin/auto", None, {}, "分散システムにおける合意アルゴリズムの設計上のトレードオフを、"
                              "障害モデルごとに詳しく比較し、実装上の注意点と検証方法まで論じてください。"),
]


def config(db: Path, fakes: dict[str, Any]) -> dict[str, Any]:
    cfg = yaml.safe_load((ROOT / "examples" / "policy.yaml").read_text(encoding="utf-8"))
    cfg["store"] = f"sqlite:///{db}"
    oa = {"kind": "openai", "api_key": "${OPENAI_API_KEY}", "max_retries": 0, "timeout_s": 5}
    cfg["providers"] = {
        "openai": {**oa, "base_url": fakes["openai"].url},
        "azure-jp": {**oa, "base_url": fakes["azure"].url},
        "local": {**oa, "base_url": fakes["local"].url},
        "anthropic": {"kind": "anthropic", "base_url": fakes["anthropic"].url, "api_key": "${ANTHROPIC_API_KEY}",
                      "max_retries": 0},
        "gemini": {"kind": "gemini", "base_url": fakes["gemini"].url, "api_key": "${GEMINI_API_KEY}",
                   "max_retries": 0},
    }
    cfg.setdefault("finops", {})["budgets"] = [
        {"name": "support-daily", "scope": "use_case", "match": "support", "period": "day", "limit_jpy": "20",
         "action": "downgrade", "downgrade_to": "gpt-5-mini"}]
    return cfg


async def drive(url: str, n: int, anthropic: FakeAnthropic, clock: ManualClock) -> dict[int, int]:
    statuses: dict[int, int] = {}
    it = itertools.cycle(TRAFFIC)
    sem = asyncio.Semaphore(16)
    async with aiohttp.ClientSession() as http:
        async def one(i: int, model: str, use_case: str | None, meta: dict[str, str], text: str) -> None:
            body: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": text}],
                                    "max_tokens": 200, "metadata": {**meta, "n": str(i)}}
            headers = {"authorization": "Bearer local", **({"x-tenbin-use-case": use_case} if use_case else {})}
            async with sem:
                clock.advance(0.2)  # 33k requests span ~2 hours of one Tokyo day: RPM windows roll
                if i % 30 == 0:
                    anthropic.enqueue(anthropic_error(529, "overloaded_error", "overloaded"))
                async with http.post(url + "/v1/chat/completions", json=body, headers=headers) as r:
                    await r.read()
                    statuses[r.status] = statuses.get(r.status, 0) + 1

        await asyncio.gather(*(one(i, *next(it)) for i in range(n)))
    return statuses


def show(label: str, r: ReplayResult) -> None:
    print(f"{label:<28} rows {r.rows:>6,}  before ¥{r.baseline_jpy:,.6f}  after ¥{r.scenario_jpy:,.6f}"
          f"  delta ¥{r.delta_jpy:,.6f}  moved {r.moved:,}  refused {r.refused:,}  approximate {r.approximate:,}"
          f"  Japan {r.japan_share(False):.1%} → {r.japan_share(True):.1%}")


def main(n: int, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    lt = LoopThread()
    fakes: dict[str, Any] = {k: lt.run(FakeOpenAI().start()) for k in ("openai", "azure", "local")}
    fakes["anthropic"] = lt.run(FakeAnthropic().start())
    fakes["gemini"] = lt.run(FakeGemini().start())
    cfg = config(out / "tenbin.db", fakes)
    clock = ManualClock(NOON)
    gw = start_gateway(lt, cfg, out, ENV, clock=clock)
    t0 = time.perf_counter()
    try:
        statuses = lt.run(drive(gw.url, n, fakes["anthropic"], clock), timeout=3600)
        gw.flush()
    finally:
        gw.stop()
        for f in fakes.values():
            lt.run(f.stop())
        lt.close()
    print(f"{n:,} requests through the gateway in {time.perf_counter() - t0:.1f}s, statuses {statuses}")
    (out / "tenbin.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")

    config_ = build_config(cfg, env=ENV)
    catalog = load_catalog(config_.models)

    async def load() -> Any:
        store = SQLiteStore(str(out / "tenbin.db"))
        await store.migrate()
        try:
            return (await load_shapes(store, parse_period("2026-11"), per_request=True), await load_table(store),
                    await load_key_models(store))
        finally:
            await store.close()

    shapes, fx, keys = asyncio.run(load())
    for label, prices, outages in (("no scenario", [], []), ("--outage anthropic", [], ["anthropic"]),
                                   ("--price openai:+30%", ["openai:+30%"], [])):
        show(label, replay(shapes, config_, catalog, fx, parse_scenario(prices, outages, [], None), keys=keys))
    print(f"ledger and config in {out}: tenbin simulate -c {out / 'tenbin.yaml'} --period 2026-11")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/replay_exact"))
    a = ap.parse_args()
    main(a.requests, a.dir)
