"""The audit chain catches every kind of tampering, through the real CLI on a real SQLite file.

Entries come from real requests through the gateway (openai SDK → gateway → fake upstream); the
tampering is done the way an attacker with database access would: plain SQL on the file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openai
import pytest
import yaml
from typer.testing import CliRunner

from tenbin.cli.main import app
from tenbin.governance.chain import GENESIS, entry_hash, seal, verify_rows
from tests.governance.conftest import audit_rows
from tests.harness import GatewayHandle

runner = CliRunner()


@pytest.fixture
def chain_db(gw: GatewayHandle, tmp_path: Path) -> Path:
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
    for i in range(6):
        c.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": f"質問 {i}"}])
    # the config in force at start first (config.load), then one entry per request
    assert [r["action"] for r in audit_rows(gw)] == ["config.load"] + ["chat.completions"] * 6
    gw.stop()
    return tmp_path / "tenbin.db"


def cli(db: Path, *args: str) -> tuple[int, str]:
    cfg = db.parent / "tenbin.yaml"
    cfg.write_text(yaml.safe_dump({"store": f"sqlite:///{db}"}))
    res = runner.invoke(app, ["audit", *args, "--config", str(cfg)])
    return res.exit_code, res.output


def sql(db: Path, *stmts: str) -> None:
    con = sqlite3.connect(db)
    with con:
        for s in stmts:
            con.execute(s)
    con.close()


def test_intact_chain_verifies(chain_db: Path) -> None:
    code, out = cli(chain_db, "verify")
    assert code == 0, out
    assert "OK: 7 entries verified" in out


def test_modified_entry_is_caught(chain_db: Path) -> None:
    sql(chain_db, "UPDATE audit_log SET team = 'someone-else' WHERE seq = 4")
    code, out = cli(chain_db, "verify")
    assert code == 1
    assert "seq 4: content does not match its hash" in out


def test_deleted_entry_is_caught(chain_db: Path) -> None:
    sql(chain_db, "DELETE FROM audit_log WHERE seq = 3")
    code, out = cli(chain_db, "verify")
    assert code == 1
    assert "seq 3: entry missing" in out


def test_deleted_entry_with_renumbering_is_caught(chain_db: Path) -> None:
    sql(chain_db, "DELETE FROM audit_log WHERE seq = 3",
        "UPDATE audit_log SET seq = seq + 100 WHERE seq > 3",
        "UPDATE audit_log SET seq = seq - 101 WHERE seq > 100")
    code, out = cli(chain_db, "verify")
    assert code == 1
    assert "seq 3: prev_hash does not match" in out


def test_inserted_entry_is_caught(chain_db: Path) -> None:
    # A forger who knows the algorithm seals a well-formed entry after seq 2 and renumbers the rest.
    con = sqlite3.connect(chain_db)
    con.row_factory = sqlite3.Row
    prev = dict(con.execute("SELECT * FROM audit_log WHERE seq = 2").fetchone())
    forged = seal({**prev, "team": "forged"}, 3, prev["hash"])
    with con:
        con.execute("UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3")
        con.execute("UPDATE audit_log SET seq = seq - 99 WHERE seq > 100")
        cols = list(forged)
        con.execute(f"INSERT INTO audit_log ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                    [forged[k] for k in cols])
    con.close()
    code, out = cli(chain_db, "verify")
    assert code == 1
    assert "seq 4: prev_hash does not match" in out  # the forged 3 is fine; the old 3 no longer links


def test_reordered_pair_is_caught(chain_db: Path) -> None:
    con = sqlite3.connect(chain_db)
    con.row_factory = sqlite3.Row
    a = dict(con.execute("SELECT * FROM audit_log WHERE seq = 2").fetchone())
    b = dict(con.execute("SELECT * FROM audit_log WHERE seq = 3").fetchone())
    cols = [c for c in a if c != "seq"]
    with con:
        for row, seq in ((b, 2), (a, 3)):
            con.execute(f"UPDATE audit_log SET {', '.join(f'{c} = ?' for c in cols)} WHERE seq = ?",
                        [row[c] for c in cols] + [seq])
    con.close()
    code, out = cli(chain_db, "verify")
    assert code == 1
    assert "seq 2: prev_hash does not match" in out


def test_checkpoint_catches_rewrite_and_truncation(chain_db: Path) -> None:
    code, out = cli(chain_db, "checkpoint")
    assert code == 0
    seq, published = out.split()
    assert seq == "7" and len(published) == 64
    assert cli(chain_db, "verify", "--against", published)[0] == 0
    # Truncating the tail leaves a valid chain: only the checkpoint shows it.
    sql(chain_db, "DELETE FROM audit_log WHERE seq = 7")
    assert cli(chain_db, "verify")[0] == 0
    code, out = cli(chain_db, "verify", "--against", published)
    assert code == 1 and "is not in the chain" in out


def test_full_rehash_after_edit_is_caught_by_checkpoint(chain_db: Path) -> None:
    _, out = cli(chain_db, "checkpoint")
    published = out.split()[1]
    con = sqlite3.connect(chain_db)
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute("SELECT * FROM audit_log ORDER BY seq")]
    rows[1]["team"] = "rewritten"
    prev = GENESIS
    with con:
        for r in rows:
            new = seal(r, r["seq"], prev)
            prev = new["hash"]
            con.execute("UPDATE audit_log SET team = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                        (new["team"], new["prev_hash"], new["hash"], r["seq"]))
    con.close()
    assert cli(chain_db, "verify")[0] == 0  # a consistent forgery of the whole chain…
    code, out = cli(chain_db, "verify", "--against", published)
    assert code == 1  # …is exposed by the published checkpoint


def test_checkpoint_proves_prefix_even_if_later_entry_breaks(chain_db: Path) -> None:
    con = sqlite3.connect(chain_db)
    seq3 = con.execute("SELECT hash FROM audit_log WHERE seq = 3").fetchone()[0]
    con.close()
    sql(chain_db, "UPDATE audit_log SET status = 500 WHERE seq = 5")
    code, out = cli(chain_db, "verify", "--against", seq3)
    assert "found at seq 3: nothing up to it has changed" in out
    assert code == 1 and "seq 5" in out


def test_hash_is_canonical_json_sha256() -> None:
    """The documented encoding, pinned: the canonical text and its SHA-256 are literals, so a change
    to the field list, the key order, the separators or the genesis hash fails here."""
    import hashlib

    from tenbin.governance.chain import FIELDS

    assert GENESIS == "0" * 64
    assert FIELDS == (
        "seq", "ts_us", "kind", "action", "request_id", "key_id", "team", "role", "project", "use_case",
        "target", "data_class", "findings", "masked", "rule", "model", "provider", "region",
        "jurisdiction", "status", "prompt_sha256", "prompt_bytes", "answer_sha256", "answer_bytes",
        "detail", "prev_hash")
    body = {f: None for f in FIELDS} | {"team": "営業", "masked": 0, "ts_us": 1, "kind": "admin"}
    row = seal(body, 1, GENESIS)
    text = (
        '{"action":null,"answer_bytes":null,"answer_sha256":null,"data_class":null,"detail":null,'
        '"findings":null,"jurisdiction":null,"key_id":null,"kind":"admin","masked":0,"model":null,'
        '"prev_hash":"' + "0" * 64 + '","project":null,"prompt_bytes":null,"prompt_sha256":null,'
        '"provider":null,"region":null,"request_id":null,"role":null,"rule":null,"seq":1,"status":null,'
        '"target":null,"team":"営業","ts_us":1,"use_case":null}')
    digest = "3ba0100caa75ff542281805dd82b8a9fc66599d8caa1ab293e06eb337107638b"
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == digest  # the literal text is what is hashed
    assert row["hash"] == digest == entry_hash(row)
    assert verify_rows([row]) is None
    assert verify_rows([{**row, "team": "経理"}]) is not None


def test_cli_report_rejects_bad_period(chain_db: Path) -> None:
    code, out = cli(chain_db, "report", "--cross-border", "--period", "2026-13")
    assert code == 2 and "YYYY-MM" in out
