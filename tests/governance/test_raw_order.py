"""A raw-retention record (governance.retain_raw) is stored only once its request's audit entries
are: a background flush round writes what was buffered when it began (tenbin.batching), so the
entries of a request that finished while it wrote may still be buffered when the round stores
the raw records it holds."""

from __future__ import annotations

import base64
from pathlib import Path

from tenbin.catalog import load_catalog
from tenbin.governance import AuditWriter, GovernanceConfig
from tenbin.governance.operator import OPERATOR
from tenbin.store.sqlite import SQLiteStore


async def test_a_raw_record_waits_for_its_requests_entries(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "t.db"))
    await store.migrate()
    cfg = GovernanceConfig.from_section({"retain_raw": {"enabled": True}})
    w = AuditWriter(store, load_catalog(), cfg, env={"TENBIN_AUDIT_KEY": base64.b64encode(bytes(32)).decode()})
    for i in (1, 2):
        w.admin(OPERATOR, "key.create", target=f"k{i}")  # stands for request i's entry
        # what AuditWriter.request queues after pushing a request's entries
        w._raw.append((w.accepted, f"req_{i}", "team", b"[]", f"answer {i}"))

    async def stored() -> list[str]:
        return [r["request_id"] for r in await store.query("SELECT request_id FROM audit_raw ORDER BY request_id")]

    assert await w.flush(1)  # a round that began with one item buffered
    assert w.written == 1 and await stored() == ["req_1"]  # req_2's entry is still buffered
    assert await w.flush()
    assert w.written == 2 and await stored() == ["req_1", "req_2"]
    await store.close()
