"""Prometheus metrics, fed by the one place every request ends: the ledger record.

Every outcome — an answer, a refusal at the edge, a vendor failure, a client gone — becomes one
``UsageRecord``, so observing that record counts every request exactly once, and the counters
always agree with the ledger. Queue depths, breakers and engine state are read at scrape time.

Label cardinality is bounded by construction: ``model`` and ``provider`` are what the config
names (a name the client typed but the catalog does not know becomes ``other``), ``status`` is the
HTTP status the gateway produced, ``data_class`` is the fixed set of classes, and ``team`` takes at
most ``max_teams`` distinct values (default 50; teams come from keys, which admins mint), the rest
``other``. Use cases and prompts are free text from clients and never become labels.

A request only adds to plain integers and floats kept per label set (``_Pending``); they are folded
into the Prometheus counters and histograms when ``/metrics`` is read (``exposition``). The
client library's ``inc``/``observe`` take a lock and check observability on each call: five
calls a request cost ~4 µs on the loop (bench/metrics_cost.py), and a scrape every 15 s folds a
few label sets instead. What a scrape reads is the same: every row observed before it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.openmetrics.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector

from tenbin.ledger.record import UsageRecord

OTHER = "other"
NONE = "none"
# Seconds: from 50 ms (a cached or local answer) to 5 min (a long generation).
DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300)
TTFT_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30)
BREAKER_STATES = {"closed": 0, "half_open": 1, "half-open": 1, "open": 2}


class _Children(NamedTuple):
    requests: Any
    duration: Any
    ttft: Any
    input: Any
    cached: Any
    output: Any
    cost: Any


class _Pending:
    """What the requests of one label set added since the last fold: counts, token and cost
    totals, and each histogram's bucket counts (by bucket index, as ``Histogram.observe`` picks
    the first bucket whose bound is at least the value) and sum."""

    __slots__ = ("cached", "children", "cost_nanos", "dirty", "dur_buckets", "dur_sum", "input", "output",
                 "requests", "ttft_buckets", "ttft_sum")

    def __init__(self, children: _Children) -> None:
        self.children = children
        self._zero()

    def _zero(self) -> None:
        self.dirty = False
        self.requests = self.input = self.cached = self.output = self.cost_nanos = 0
        self.dur_sum = self.ttft_sum = 0.0
        self.dur_buckets = [0] * (len(DURATION_BUCKETS) + 1)
        self.ttft_buckets = [0] * (len(TTFT_BUCKETS) + 1)

    def fold(self) -> None:
        """Add what is pending to the Prometheus children and start again from zero. The
        histograms' buckets and sum are the ones ``Histogram.observe`` increments (pinned against
        it by tests/observe/test_metrics_fold.py)."""
        c = self.children
        c.requests.inc(self.requests)
        _fold_histogram(c.duration, self.dur_buckets, self.dur_sum)
        _fold_histogram(c.ttft, self.ttft_buckets, self.ttft_sum)
        for child, n in ((c.input, self.input), (c.cached, self.cached), (c.output, self.output)):
            if n:
                child.inc(n)
        if self.cost_nanos:
            c.cost.inc(self.cost_nanos / 1e9)
        self._zero()


def _fold_histogram(h: Any, buckets: list[int], total: float) -> None:
    if not any(buckets):
        return
    h._sum.inc(total)
    for i, n in enumerate(buckets):
        if n:
            h._buckets[i].inc(n)


class Metrics:
    """One registry per running gateway (tests run many in one process)."""

    def __init__(self, models: Iterable[str], providers: Iterable[str], max_teams: int = 50) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.models = frozenset(models)
        self.providers = frozenset(providers)
        self.max_teams = max_teams
        self.teams: set[str] = set()
        r = self.registry
        self.requests = Counter("tenbin_requests", "Requests by outcome (one per ledger row).",
                                ["model", "provider", "status", "data_class", "team"], registry=r)
        self.duration = Histogram("tenbin_request_duration_seconds", "Time from request to last byte.",
                                  ["model", "stream"], buckets=DURATION_BUCKETS, registry=r)
        self.ttft = Histogram("tenbin_time_to_first_token_seconds", "Time to the first streamed token.",
                              ["model"], buckets=TTFT_BUCKETS, registry=r)
        self.tokens = Counter("tenbin_tokens", "Tokens as billed (vendor-counted or estimated).",
                              ["model", "team", "type"], registry=r)
        self.cost = Counter("tenbin_cost_jpy", "Cost in JPY as recorded in the ledger.",
                            ["model", "provider", "team"], registry=r)
        self._state: dict[str, Any] = {}
        self._children: dict[tuple[str, str, int, str, str, bool], _Pending] = {}
        self._dirty: list[_Pending] = []  # label sets observed since the last fold
        self._dur_bounds = (*DURATION_BUCKETS, float("inf"))
        self._ttft_bounds = (*TTFT_BUCKETS, float("inf"))
        r.register(_StateCollector(self))

    def _model(self, name: str | None) -> str:
        return NONE if not name else name if name in self.models else OTHER

    def _provider(self, name: str | None) -> str:
        return NONE if not name else name if name in self.providers else OTHER

    def _team(self, team: str) -> str:
        if team in self.teams:
            return team
        if len(self.teams) < self.max_teams:
            self.teams.add(team)
            return team
        return OTHER

    def observe(self, rec: UsageRecord) -> None:
        model = self._model(rec.served_model or rec.requested_model)
        provider = self._provider(rec.provider)
        team = self._team(rec.team)
        data_class = rec.data_class or NONE
        key = (model, provider, rec.status, data_class, team, rec.stream)
        p = self._children.get(key)
        if p is None:  # labels() takes a lock and builds a key each call: resolve each set once
            p = self._children[key] = _Pending(_Children(
                self.requests.labels(model, provider, str(rec.status), data_class, team),
                self.duration.labels(model, "true" if rec.stream else "false"),
                self.ttft.labels(model), self.tokens.labels(model, team, "input"),
                self.tokens.labels(model, team, "cached_input"), self.tokens.labels(model, team, "output"),
                self.cost.labels(model, provider, team)))
        if not p.dirty:
            p.dirty = True
            self._dirty.append(p)
        p.requests += 1
        seconds = rec.latency_ms / 1000
        p.dur_sum += seconds
        p.dur_buckets[bisect_left(self._dur_bounds, seconds)] += 1
        if rec.ttft_ms is not None:
            seconds = rec.ttft_ms / 1000
            p.ttft_sum += seconds
            p.ttft_buckets[bisect_left(self._ttft_bounds, seconds)] += 1
        fresh = rec.prompt_tokens - rec.cached_tokens
        if fresh > 0:
            p.input += fresh
        if rec.cached_tokens > 0:
            p.cached += rec.cached_tokens
        if rec.completion_tokens > 0:
            p.output += rec.completion_tokens
        if rec.cost_jpy_nanos > 0:  # a counter only goes up (Counter.inc refuses a negative amount)
            p.cost_nanos += rec.cost_jpy_nanos

    def fold(self) -> None:
        """Bring the Prometheus counters and histograms up to every row observed so far."""
        dirty, self._dirty = self._dirty, []
        for p in dirty:
            p.fold()

    def exposition(self, state: dict[str, Any]) -> tuple[bytes, str]:
        """OpenMetrics text; ``state`` is what is read at scrape time (queues, breakers, providers,
        budgets), gathered by the caller because some of it (budgets) is async."""
        self._state = state
        self.fold()
        text: bytes = generate_latest(self.registry)  # type: ignore[no-untyped-call]  # untyped in 0.26
        return text, CONTENT_TYPE_LATEST


def budget_utilisation(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, str], float]:
    """``FinOps.status`` rows → (budget, subject) → (spent + held) / limit."""
    out: dict[tuple[str, str], float] = {}
    for r in rows:
        limit = float(r.get("limit_jpy") or 0)
        if limit > 0:
            used = float(r.get("spent_jpy") or 0) + float(r.get("reserved_jpy") or 0)
            out[(str(r.get("budget")), str(r.get("subject")))] = used / limit
    return out


class _StateCollector(Collector):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        s = self.metrics._state
        for name, help_text in (("ledger_pending", "Ledger rows waiting to be written."),
                                ("ledger_quarantined", "Ledger rows the store refused, kept in quarantine."),
                                ("audit_pending", "Audit entries waiting to be written."),
                                ("audit_quarantined", "Audit entries the store refused, kept in quarantine.")):
            g = GaugeMetricFamily(f"tenbin_{name}", help_text)
            g.add_metric([], float(s.get(name, 0)))
            yield g
        br = GaugeMetricFamily("tenbin_breaker_state", "Circuit breaker per model: 0 closed, 1 half-open, 2 open.",
                               labels=["model"])
        for model, state in sorted((s.get("breakers") or {}).items()):
            br.add_metric([model], float(BREAKER_STATES.get(str(state), 2)))
        yield br
        av = GaugeMetricFamily("tenbin_provider_available", "1 when the provider can serve requests now.",
                               labels=["provider"])
        eng = GaugeMetricFamily("tenbin_engine_state", "Embedded engine state (1 for the current state).",
                                labels=["provider", "state"])
        crashes = GaugeMetricFamily("tenbin_engine_crashes", "Embedded engine worker crashes since start.",
                                    labels=["provider"])
        for name, p in sorted((s.get("providers") or {}).items()):
            av.add_metric([name], 1.0 if p.get("available") else 0.0)
            engine = p.get("engine")
            if isinstance(engine, dict):
                eng.add_metric([name, str(engine.get("state"))], 1.0)
                crashes.add_metric([name], float(engine.get("crashes") or 0))
        yield av
        yield eng
        yield crashes
        util = GaugeMetricFamily("tenbin_budget_utilisation", "Budget spend (and held reservations) / limit.",
                                 labels=["budget", "subject"])
        for (name, subject), ratio in sorted((s.get("budgets") or {}).items()):
            util.add_metric([name, subject], ratio)
        yield util
