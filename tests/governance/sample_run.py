"""Produce the sample outputs in docs/governance.md from a real run: gateway + fake upstream,
real requests from two teams, then ``tenbin audit verify/checkpoint/report`` on the result, and a
measurement of the audit's request-path cost and append throughput.

    .venv/bin/python -m tests.governance.sample_run
"""

from __future__ import annotations

import os

os.environ.setdefault("COLUMNS", "150")  # before Rich's console is created by tenbin.cli

import tempfile
import time
from pathlib import Path

import yaml
from typer.testing import CliRunner

from tenbin.cli.main import app
from tenbin.clock import ManualClock
from tenbin.context import Principal, RequestContext
from tenbin.governance import AuditWriter, GovernanceConfig
from tenbin.governance.chain import seal
from tenbin.governance.entries import admin_entry
from tenbin.ledger.record import UsageRecord
from tenbin.store.sqlite import SQLiteStore
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import ENV, audit_rows, gov_config
from tests.governance.test_reports import AT, MONTH, populate
from tests.harness import LoopThread, start_gateway


def main() -> None:
    lt = LoopThread()
    fake = lt.run(FakeOpenAI().start())
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        gw = start_gateway(lt, gov_config(fake.url), tmp, ENV, clock=ManualClock(AT))  # requests in MONTH
        populate(gw)
        audit_rows(gw)

        # request-path cost of AuditWriter.request (entry build + prompt digest), no I/O
        audit = AuditWriter(gw.runtime.store, gw.runtime.catalog, GovernanceConfig(max_buffer=10**6))
        body = {"messages": [{"role": "user", "content": "稟議書を要約して。" * 100}]}
        ctx = RequestContext("req_x", Principal("k", "sales", "default"), body, "gpt-4o", False)
        rec = UsageRecord("req_x", time.time(), time.time(), "k", "sales", "default", None, "gpt-4o",
                          "gpt-4o", "fake", "US")
        n = 20_000
        t0 = time.perf_counter()
        for _ in range(n):
            audit.request(ctx, rec, {"scan": None, "masked": False, "decision": None, "answer": None})
        per_req_us = (time.perf_counter() - t0) / n * 1e6
        assert audit.pending == n  # a writer that was never started: nothing is written

        # append throughput: seal + insert in 256-entry transactions on SQLite
        bench = SQLiteStore(str(tmp / "bench.db"))
        lt.run(bench.migrate())
        t0 = time.perf_counter()
        for _ in range(40):
            bodies = [admin_entry(Principal("k", "ops", "default", "admin"), "bench") for _ in range(256)]
            lt.run(bench.append_audit(bodies, seal))
        rate = 40 * 256 / (time.perf_counter() - t0)
        lt.run(bench.close())
        gw.stop()

        cfg = tmp / "tenbin.yaml"
        cfg.write_text(yaml.safe_dump({"store": f"sqlite:///{tmp / 'tenbin.db'}"}))
        r = CliRunner()

        def run(*args: str) -> str:
            out = r.invoke(app, [*args, "--config", str(cfg)], terminal_width=150).output
            print(f"$ tenbin {' '.join(args)}\n{out}")
            return out

        run("audit", "verify")
        cp = run("audit", "checkpoint").split()[1]
        run("audit", "verify", "--against", cp)
        run("audit", "report", "--cross-border", "--period", MONTH)
        run("audit", "report", "--processing", "--period", MONTH)
        import sqlite3

        con = sqlite3.connect(tmp / "tenbin.db")
        with con:
            con.execute("UPDATE audit_log SET team = 'hr' WHERE seq = 2")
        con.close()
        print("# after: UPDATE audit_log SET team = 'hr' WHERE seq = 2")
        run("audit", "verify")
        print(f"audit.request() on the request path: {per_req_us:.1f} µs/request (2 KB prompt, {n} calls)")
        print(f"chain append on SQLite: {rate:,.0f} entries/s (batches of 256)")
    lt.run(fake.stop())
    lt.close()


if __name__ == "__main__":
    main()
