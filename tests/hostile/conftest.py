"""Fixtures for the hostile-input suite, and the session summary of what it tried.

The summary (inputs by category, status histogram, 5xx, hangs, ledger and audit counts) is printed
at the end of the run and, when ``TENBIN_HOSTILE_SUMMARY`` names a file, written there as JSON.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import pytest

from tests.hostile.probe import TALLY
from tests.scale.services import PG_BASE, new_schema, pg_url, require


@pytest.fixture
def pg() -> Iterator[str]:
    """A fresh schema in the machine's PostgreSQL test database, dropped afterwards."""
    require("PostgreSQL", "127.0.0.1", 5432)
    schema = new_schema()
    yield pg_url(schema)

    async def drop() -> None:
        c = await asyncpg.connect(PG_BASE)
        try:
            await c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await c.close()

    asyncio.run(drop())


def pytest_terminal_summary(terminalreporter: Any) -> None:
    summary = TALLY.as_dict()
    if not summary["inputs_total"]:
        return
    tr = terminalreporter
    tr.section("hostile inputs")
    tr.write_line(f"inputs tried: {summary['inputs_total']}")
    tr.write_line("by category: " + ", ".join(f"{k} {v}" for k, v in summary["inputs_by_category"].items()))
    tr.write_line("statuses: " + ", ".join(f"{k}: {v}" for k, v in summary["statuses"].items()))
    tr.write_line(f"5xx: {summary['responses_5xx']}, hangs: {summary['hangs']}, "
                  f"ledger request ids checked: {summary['ledger_request_ids_checked']}, "
                  f"lost: {summary['ledger_lost']}, duplicated: {summary['ledger_duplicated']}, "
                  f"audit gaps: {summary['audit_gaps']}, "
                  f"audit entries verified: {summary['audit_entries_chain_verified']}")
    for reason, ids in summary["xfailed"].items():
        tr.write_line(f"xfail, {len(ids)} inputs: {reason}")
    path = os.environ.get("TENBIN_HOSTILE_SUMMARY")
    if path:
        Path(path).write_bytes(orjson.dumps(summary, option=orjson.OPT_INDENT_2))
