"""Decision cost of ``Router.decide`` at 20 rules and 30 models, privacy findings already in hand.

    .venv/bin/python bench/route_bench.py [--n 20000] [--rounds 3]

Prints p50/p99/mean µs per decision for a mix of requests (public, personal, confidential,
code review, A/B split, tenbin/auto with the complexity estimate). The privacy scan is done
beforehand, since it is its own pipeline stage with its own bench (bench/pii_speed.py).

Every decision runs the request classifier (routing/classifier.py, issue 12). ``--classifier``
picks the engine: ``learned`` (the default), ``keywords`` (the scan's class and the keyword
complexity estimate), ``precomputed`` (the learned classifier's answers computed beforehand and
handed back by a lookup: the routing decision's cost *beyond* the classifier), or ``both``
(learned, precomputed, keywords, then the classifier alone on the same prompts).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from typing import Any

from tenbin.catalog.catalog import load_catalog
from tenbin.config.loader import build_config
from tenbin.context import Principal, RequestContext
from tenbin.privacy import Detector, PrivacyConfig
from tenbin.routing.router import Router


def models() -> list[dict[str, Any]]:
    """13 extra models (JP cloud and on-prem) on top of the 17 shipped ones: 30 in all."""
    out = []
    for i in range(13):
        region = "JP" if i % 2 else "on-prem"
        out.append({
            "id": f"extra-{i}", "provider": "local", "upstream": f"extra-{i}", "region": region,
            "jurisdiction": "JP", "retention_days": 0 if region == "on-prem" else 30,
            "context_window": 32000 * (1 + i % 4), "tier": ("light", "standard", "frontier")[i % 3],
            "capabilities": {"streaming": True, "tools": i % 2 == 1, "json_mode": True},
            "prices": [{"effective": "2025-01-01", "currency": "JPY", "input": str(10 + i), "output": str(40 + i)}],
        })
    return out


def policy() -> dict[str, Any]:
    rules: list[dict[str, Any]] = [
        {"name": "confidential", "when": {"data_class": "CONFIDENTIAL"}, "model": "extra-0", "client_model": "reroute"},
        {"name": "nippo", "when": {"prompt_contains": ["日報", "稟議", "週報"]}, "model": "local/smollm2"},
        {"name": "support", "when": {"use_case": ["support", "cs"]}, "model": "claude-sonnet-4-5",
         "fallbacks": ["gpt-5"], "on_sensitive": "mask", "max_cost_jpy": "20"},
        {"name": "code", "when": {"use_case": "code-review"}, "pool": ["claude-sonnet-4-5", "gpt-5"],
         "objective": "cheapest", "fallbacks": ["extra-5"], "on_sensitive": "reroute"},
        {"name": "chatbot", "when": {"tags": {"channel": "public"}}, "model": "gpt-5-nano", "on_sensitive": "block"},
        {"name": "ab", "when": {"use_case": "summary"}, "pool": ["gpt-5-nano", "gemini-2.5-flash-lite"],
         "objective": "weighted", "weights": {"gpt-5-nano": 80, "gemini-2.5-flash-lite": 20}},
        {"name": "long", "when": {"tokens": {"min": 50000}}, "model": "gemini-2.5-pro"},
        {"name": "tools", "when": {"tools": True, "team": "platform"}, "model": "gpt-5-mini"},
        {"name": "json", "when": {"json_mode": True, "project": "etl"}, "model": "gpt-4.1-mini"},
        {"name": "fast", "when": {"latency_budget_ms": {"max": 800}}, "pool": ["gpt-5-nano", "claude-haiku-4-5"],
         "objective": "fastest"},
    ]
    for i in range(10):  # team/project routing tables are the usual bulk of a real policy
        rules.append({"name": f"team-{i}", "when": {"team": f"team-{i}", "project": [f"p{i}", f"q{i}"]},
                      "pool": [f"extra-{i}", f"extra-{i + 1}", "gpt-5-mini"], "objective": "cheapest"})
    assert len(rules) == 20
    return {
        "on_sensitive": "reroute", "sensitive_from": "CONFIDENTIAL", "max_cost_jpy": "50",
        "constraints": [
            {"name": "personal-in-japan", "when": {"data_class": ["PERSONAL", "SPECIAL_CARE"]},
             "require": {"region": ["JP", "on-prem"], "max_retention_days": 30, "no_training": True},
             "unless_masked": True},
            {"name": "special-care", "when": {"data_class": "SPECIAL_CARE"}, "require": {"region": ["on-prem"]}},
            {"name": "confidential", "when": {"data_class": "CONFIDENTIAL"}, "require": {"region": ["on-prem"]}},
        ],
        "aliases": {"fast": {"pool": ["gpt-5-nano", "gemini-2.5-flash-lite"], "objective": "fastest"},
                    "smart": {"model": "gpt-5"}},
        "tiers": {"light": {"model": "gpt-5-nano"}, "standard": {"model": "gpt-5-mini"},
                  "frontier": {"pool": ["claude-sonnet-4-5", "gpt-5"], "objective": "cheapest"}},
        "rules": rules,
    }


REQUESTS: list[tuple[str, str, str | None, str, dict[str, str]]] = [
    # (prompt, model, use_case, team, metadata)
    ("来週の全社会議の議題を三つ提案してください。", "tenbin/auto", None, "sales", {}),
    ("山田太郎様（090-1234-5678）へのお詫びの返信文を作成して", "gpt-4o", "support", "cs", {}),
    ("顧客 taro@example.co.jp の契約更新について要約して", "gpt-4o", None, "sales", {}),
    ("【社外秘】来期の事業譲渡計画について論点を整理して", "gpt-5", None, "corp", {}),
    ("このPRのコードをレビューして\n```go\nfunc f() {}\n```", "tenbin/auto", "code-review", "dev", {}),
    ("本日の日報を要約して", "tenbin/auto", None, "ops", {}),
    ("議事録を三行で要約", "tenbin/auto", "summary", "ops", {}),
    ("FAQ: 営業時間は？", "fast", None, "web", {"channel": "public"}),
    ("データ基盤の設計を分析して、移行計画を推論して\n- 制約1\n- 制約2\n- 制約3", "tenbin/auto", None, "team-7", {}),
    ("在庫数を教えて", "smart", None, "team-3", {"latency_budget_ms": "500"}),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000, help="decisions per round (capped at 200k)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds (the machine may be shared: compare them)")
    ap.add_argument("--classifier", choices=("learned", "precomputed", "keywords", "both"), default="both")
    args = ap.parse_args()
    engines = ("learned", "precomputed", "keywords") if args.classifier == "both" else (args.classifier,)
    for engine in engines:
        run(args, engine)
    if args.classifier == "both":
        classifier_alone(args)


def classifier_alone(args: argparse.Namespace) -> None:
    """The learned classifier by itself on the mix's prompts and scans (CPU time per call)."""
    from tenbin.routing.classifier import LearnedClassifier

    clf = LearnedClassifier()
    det = Detector(PrivacyConfig())
    items = [(p, det.scan_messages([{"role": "user", "content": p}])) for p, *_ in REQUESTS]
    n = min(args.n, 200_000)
    samples = []
    for i in range(n):
        text, scan = items[i % len(items)]
        t0 = time.thread_time_ns()
        clf.classify(text, 1, scan)
        samples.append(time.thread_time_ns() - t0)
    samples.sort()
    print(f"classifier alone on the same mix: CPU p50 {samples[n // 2] / 1000:.1f} µs  "
          f"mean {statistics.fmean(samples) / 1000:.1f} µs")


class Precomputed:
    """The learned classifier's answers, computed once: decide() then costs only the routing."""

    def __init__(self, det: Detector) -> None:
        from tenbin.routing.classifier import LearnedClassifier

        clf = LearnedClassifier()
        self.answers = {p: clf.classify(p, 1, det.scan_messages([{"role": "user", "content": p}]))
                        for p, *_ in REQUESTS}

    def classify(self, text: str, turns: int, scan: Any) -> Any:
        return self.answers[text]


def run(args: argparse.Namespace, engine: str) -> None:
    n = min(args.n, 200_000)
    det = Detector(PrivacyConfig())
    section = {**policy(), "classifier": {"engine": "keywords" if engine == "keywords" else "learned"}}
    cfg = build_config({"models": models(), "routing": section}, env={})
    catalog = load_catalog(cfg.models)
    chat = [m for m in catalog if m.kind == "chat"]  # embedding models never compete for a chat
    assert len(chat) == 30, len(chat)
    router = Router(cfg, catalog, classifier=Precomputed(det) if engine == "precomputed" else None)
    prepared = []
    for i, (prompt, model, use_case, team, meta) in enumerate(REQUESTS):
        body: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": prompt}]}
        ctx = RequestContext(request_id=f"req_{i}", principal=Principal(f"key_{i}", team, "default"), body=body,
                             requested_model=model, stream=False, use_case=use_case, metadata=meta)
        prepared.append((ctx, det.scan_messages(body["messages"])))
    outcomes: dict[str, str] = {}
    for ctx, scan in prepared:  # warm up, and show what the mix routes to
        try:
            d = router.decide(ctx, scan)
            outcomes[ctx.request_id] = f"{d.model.id} ({d.rule}, {d.privacy_action})"
        except Exception as e:  # refusals are part of the mix
            outcomes[ctx.request_id] = f"refused: {getattr(e, 'code', type(e).__name__)}"
    print(f"[classifier {engine}] decisions: {n} x {args.rounds} rounds  rules: {len(router.policy.rules)}  "
          f"models: {len(catalog)}  constraints: {len(router.policy.constraints)}")
    for rid, out in outcomes.items():
        print(f"  {rid}: {out}")
    perf = time.perf_counter_ns
    decide = router.decide
    for r in range(max(1, min(args.rounds, 10))):
        samples = []
        cpu0 = time.thread_time_ns()
        for i in range(n):
            ctx, scan = prepared[i % len(prepared)]
            t0 = perf()
            with contextlib.suppress(Exception):  # refusals cost time too and are timed
                decide(ctx, scan)
            samples.append(perf() - t0)
        cpu_us = (time.thread_time_ns() - cpu0) / 1000 / n  # CPU time: unaffected by other tenants
        samples.sort()
        us = [s / 1000 for s in samples]
        print(f"round {r + 1}: p50 {us[len(us) // 2]:.1f} µs  p99 {us[int(len(us) * 0.99)]:.1f} µs  "
              f"mean {statistics.fmean(us):.1f} µs  (CPU mean {cpu_us:.1f} µs incl. timer overhead)")


if __name__ == "__main__":
    main()
