"""The hostile-input suite's session summary of what it tried (and the scale tests' service fixtures).

The summary (inputs by category, status histogram, 5xx, hangs, ledger and audit counts) is printed
at the end of the run and, when ``TENBIN_HOSTILE_SUMMARY`` names a file, written there as JSON.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

from tests.hostile.probe import TALLY

# the scale tests' fixtures: a fresh schema in the machine's PostgreSQL, a fresh key prefix on its Redis
from tests.scale.conftest import pg, pg_schema, redis_prefix  # noqa: F401


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
