"""The CLI's own figures for a demo store, for the overview, costs and budgets page tests to
compare the console with: ``tenbin costs`` / ``tenbin budgets`` / ``tenbin export focus`` run
in-process (typer's CliRunner) against the demo's config, with the clock pinned to the demo's
end, exactly as a user would type them — the table as printed (wide enough never to wrap), the
CSV and JSON as written."""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
from typer.testing import CliRunner

from tenbin.cli import common
from tenbin.cli.main import app
from tenbin.clock import ManualClock
from tenbin.demo import policy
from tenbin.demo.run import ENV
from tests.console.govdemo import END

_RUNNER = CliRunner()


def cli(folder: Path, *args: str) -> str:
    assert policy.KEY_ENV in ENV  # the demo policy names its (fake) vendor key by this variable
    width = common.console._width  # None unless pinned: Rich then measures the terminal on each print
    common.console.width = 400  # a table as wide as its rows: no wrapped or cut cells to parse
    try:
        # in a thread of its own: the CLI calls asyncio.run, refused in a thread with a running
        # loop — which the sync Playwright API keeps in the test's thread during browser tests
        with ThreadPoolExecutor(1) as pool:
            r = pool.submit(_RUNNER.invoke, app, [*args, "-c", str(folder / "tenbin.yaml")],
                            obj=ManualClock(END), env=ENV).result()
    finally:
        common.console._width = width  # unpinned again, as the other CLI tests expect it
    assert r.exit_code == 0, (r.output, r.exception)
    return r.stdout


def table(out: str) -> list[list[str]]:
    """The body rows of a Rich table (``│``-separated cells, stripped; header and rules dropped)."""
    rows = [[c.strip() for c in line.strip().strip("│┃").split("│")] for line in out.splitlines() if "│" in line]
    return rows


def costs_table(folder: Path, period: str, by: str) -> dict[tuple[str, ...], list[str]]:
    """``tenbin costs --period P --by B``: key columns → the other cells, as printed."""
    n = len(by.split(","))
    return {tuple(r[:n]): r[n:] for r in table(cli(folder, "costs", "--period", period, "--by", by))}


def costs_csv(folder: Path, period: str, by: str) -> str:
    return cli(folder, "costs", "--period", period, "--by", by, "--format", "csv")


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def costs_json(folder: Path, period: str, by: str) -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads(cli(folder, "costs", "--period", period, "--by", by, "--format", "json"))
    return doc


def budgets_json(folder: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = orjson.loads(cli(folder, "budgets", "--format", "json"))["budgets"]
    return rows


def focus_csv(folder: Path, period: str, out: Path) -> str:
    cli(folder, "export", "focus", "--period", period, "--out", str(out))
    return out.read_bytes().decode("utf-8")  # as written: read_text would turn \r\n into \n
