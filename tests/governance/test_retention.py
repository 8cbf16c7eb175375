"""Record retention: whole JST months older than governance.record_retention_years leave the chain,
sealed by an audit.purge entry, and `tenbin audit verify` still passes — while a gap it does not
account for, or an edited seal, still fails."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import yaml
from typer.testing import CliRunner

from tenbin.catalog import load_catalog
from tenbin.cli.main import app
from tenbin.clock import ManualClock
from tenbin.governance import AuditWriter, GovernanceConfig
from tenbin.governance.operator import OPERATOR
from tenbin.store.sqlite import SQLiteStore
from tests.harness import LoopThread

# one admin entry on the 10th of every month from 2022-01 to 2026-11 (JST): 59 entries
MONTHS = [(y, m) for y in range(2022, 2027) for m in range(1, 13) if (y, m) <= (2026, 11)]


def build(lt: LoopThread, db: Path) -> None:
    async def go() -> None:
        store = SQLiteStore(str(db))
        await store.migrate()
        clock = ManualClock("2022-01-10T00:00:00Z")
        w = AuditWriter(store, load_catalog(), GovernanceConfig(), clock=clock)
        for y, m in MONTHS:
            clock.set(dt.datetime(y, m, 10, tzinfo=dt.UTC))
            w.admin(OPERATOR, "key.create", target=f"{y}-{m:02d}")
        assert await w.flush()
        await store.close()

    lt.run(go())


def cli(cfg: Path, *args: str, at: str = "2026-12-02T00:00:00Z") -> tuple[int, str]:
    res = CliRunner().invoke(app, ["audit", *args, "-c", str(cfg)], obj=ManualClock(at))
    return res.exit_code, " ".join(res.output.split())


def test_retention_drops_whole_old_months_and_the_chain_still_verifies(lt: LoopThread, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    build(lt, db)
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"store": f"sqlite:///{db}", "governance": {"record_retention_years": 3}}))
    code, out = cli(cfg, "retain")
    assert code == 0, out
    # 2026-12-02 minus 3 years: every month before 2023-12 goes (2022-01 … 2023-11 = 23 entries)
    assert "dropped 23 entries before 2023-12 (through seq 23)" in out
    con = sqlite3.connect(db)
    targets = [t for (t,) in con.execute("SELECT target FROM audit_log ORDER BY seq")]
    con.close()
    assert targets[0] == "2023-12" and targets[-1] == "before 2023-12" and len(targets) == 59 - 23 + 1
    code, out = cli(cfg, "verify")
    assert code == 0 and "OK: 37 entries verified" in out and "entries up to seq 23 dropped by retention" in out
    assert cli(cfg, "retain")[1] == "nothing older than 2023-12 to drop"  # idempotent
    code, out = cli(cfg, "retain", at="2027-02-15T00:00:00Z")  # two months later: two more months go
    assert code == 0 and "dropped 2 entries before 2024-02 (through seq 25)" in out
    assert cli(cfg, "verify")[0] == 0


def test_a_gap_the_seal_does_not_cover_still_fails(lt: LoopThread, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    build(lt, db)
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"store": f"sqlite:///{db}", "governance": {"record_retention_years": 1}}))
    assert cli(cfg, "retain")[0] == 0
    con = sqlite3.connect(db)
    with con:
        con.execute("DELETE FROM audit_log WHERE seq = (SELECT min(seq) FROM audit_log)")  # one more than sealed
    code, out = cli(cfg, "verify")
    assert code == 1 and "are missing and no audit.purge entry accounts for them" in out
    db2 = tmp_path / "u.db"
    build(lt, db2)
    cfg2 = tmp_path / "d.yaml"
    cfg2.write_text(yaml.safe_dump({"store": f"sqlite:///{db2}", "governance": {"record_retention_years": 1}}))
    assert cli(cfg2, "retain")[0] == 0
    con = sqlite3.connect(db2)
    with con:  # editing the seal to hide a bigger cut breaks the chain at the seal
        con.execute("UPDATE audit_log SET detail = replace(detail, 'retention_years\":1', 'retention_years\":3')"
                    " WHERE action = 'audit.purge'")
    code, out = cli(cfg2, "verify")
    assert code == 1 and "content does not match its hash" in out


def test_purging_refuses_a_chain_that_does_not_verify(lt: LoopThread, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    build(lt, db)
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE audit_log SET target = 'forged' WHERE seq = 5")
    con.close()
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"store": f"sqlite:///{db}", "governance": {"record_retention_years": 1}}))
    code, out = cli(cfg, "retain")
    assert code == 1 and "do not verify" in out and "nothing was deleted" in out
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == len(MONTHS)
    con.close()
