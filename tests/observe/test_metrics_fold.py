"""Requests add to plain totals that ``/metrics`` folds into the Prometheus children: what a scrape
reads must be what calling ``inc``/``observe`` per request gave — every count exact, every sum
equal up to float rounding — scraped once at the end or many times along the way."""

from __future__ import annotations

import random
from typing import Any

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from tenbin.ledger.record import UsageRecord
from tenbin.observe.metrics import DURATION_BUCKETS, TTFT_BUCKETS, Metrics

MODELS, PROVIDERS = ["m1", "m2"], ["v1", "v2"]


def per_request(m: Metrics, rec: UsageRecord, seen: dict[Any, Any]) -> None:
    """The reference: ``Metrics.observe`` before the fold (b8b6ca8 and later), one client call per figure."""
    model = m._model(rec.served_model or rec.requested_model)
    provider = m._provider(rec.provider)
    team = m._team(rec.team)
    key = (model, provider, str(rec.status), rec.data_class or "none", team, rec.stream)
    c = seen.get(key)
    if c is None:
        c = seen[key] = (m.requests.labels(*key[:5]), m.duration.labels(model, "true" if rec.stream else "false"),
                         m.ttft.labels(model), m.tokens.labels(model, team, "input"),
                         m.tokens.labels(model, team, "cached_input"), m.tokens.labels(model, team, "output"),
                         m.cost.labels(model, provider, team))
    requests, duration, ttft, input_, cached, output, cost = c
    requests.inc()
    duration.observe(rec.latency_ms / 1000)
    if rec.ttft_ms is not None:
        ttft.observe(rec.ttft_ms / 1000)
    fresh = rec.prompt_tokens - rec.cached_tokens
    if fresh > 0:
        input_.inc(fresh)
    if rec.cached_tokens > 0:
        cached.inc(rec.cached_tokens)
    if rec.completion_tokens > 0:
        output.inc(rec.completion_tokens)
    if rec.cost_jpy_nanos:
        cost.inc(rec.cost_jpy_nanos / 1e9)


def samples(m: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = m.exposition({})[0].decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(text)  # type: ignore[no-untyped-call]
            for s in fam.samples if not s.name.endswith("_created")}


def records(n: int, seed: int) -> list[UsageRecord]:
    rnd = random.Random(seed)
    bounds = [*DURATION_BUCKETS, *TTFT_BUCKETS]
    out = []
    for i in range(n):
        latency = rnd.choice([rnd.uniform(0, 400), rnd.choice(bounds)]) * 1000  # bounds themselves too
        ttft = rnd.choice([None, rnd.uniform(0, 40) * 1000, rnd.choice(bounds) * 1000])
        prompt = rnd.randrange(0, 3000)
        out.append(UsageRecord(
            request_id=f"r{i}", ts_start=0, ts_end=1, key_id="k", team=rnd.choice(["a", "b", "c", "d"]), project="p",
            use_case=None, requested_model=rnd.choice(["m1", "typed"]), served_model=rnd.choice([None, "m1", "m2"]),
            provider=rnd.choice([None, "v1", "v2", "vx"]), region="JP", prompt_tokens=prompt,
            cached_tokens=rnd.choice([0, prompt // 2, prompt + 5]), completion_tokens=rnd.randrange(-2, 500),
            latency_ms=latency, ttft_ms=ttft, status=rnd.choice([200, 200, 400, 499, 502]),
            cost_jpy_nanos=rnd.choice([0, rnd.randrange(1, 10**9)]), data_class=rnd.choice([None, "public", "pii"]),
            stream=rnd.random() < 0.5))
    return out


def same(got: dict[Any, float], want: dict[Any, float]) -> None:
    assert got.keys() == want.keys()
    for k, v in want.items():
        if k[0].endswith("_sum") or k[0] == "tenbin_cost_jpy_total":
            assert got[k] == pytest.approx(v, rel=1e-12, abs=1e-12), k
        else:
            assert got[k] == v, k


@pytest.mark.parametrize("scrape_every", [0, 5, 60])
def test_a_scrape_reads_what_per_request_calls_gave(scrape_every: int) -> None:
    recs = records(600, seed=scrape_every)
    folded, ref = Metrics(MODELS, PROVIDERS, max_teams=3), Metrics(MODELS, PROVIDERS, max_teams=3)
    seen: dict[Any, Any] = {}
    for i, rec in enumerate(recs, 1):
        folded.observe(rec)
        per_request(ref, rec, seen)
        if scrape_every and i % scrape_every == 0:
            same(samples(folded), samples(ref))
    same(samples(folded), samples(ref))
    total = sum(v for (name, _), v in samples(folded).items() if name == "tenbin_requests_total")
    assert total == len(recs)


def test_a_value_on_a_bucket_bound_counts_in_that_bucket() -> None:
    m = Metrics(["m"], ["v"])
    for b in DURATION_BUCKETS:
        m.observe(UsageRecord(request_id="r", ts_start=0, ts_end=1, key_id="k", team="t", project="p", use_case=None,
                              requested_model="m", served_model="m", provider="v", region="JP", latency_ms=b * 1000))
    s = samples(m)
    for i, b in enumerate(DURATION_BUCKETS):
        le = str(float(b)) if not float(b).is_integer() else f"{float(b)}"
        key = ("tenbin_request_duration_seconds_bucket", (("le", le), ("model", "m"), ("stream", "false")))
        assert s[key] == i + 1
