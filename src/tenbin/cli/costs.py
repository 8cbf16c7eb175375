"""``tenbin costs``: a first per-team / per-model summary of the ledger."""

from __future__ import annotations

import typer
from rich.table import Table

from tenbin.cli.common import ConfigOption, console, load, with_store
from tenbin.ledger.record import from_nanos


def register(app: typer.Typer) -> None:
    @app.command()
    def costs(config: ConfigOption = None) -> None:
        """Requests, tokens and cost per team and served model."""
        cfg = load(config)
        rows = with_store(cfg, lambda s: s.query(
            "SELECT team, coalesce(served_model, '-') AS model, count(*) AS requests,"
            " sum(CASE WHEN status = 200 THEN 0 ELSE 1 END) AS errors,"
            " sum(prompt_tokens) AS prompt, sum(completion_tokens) AS completion,"
            " coalesce(max(currency), '') AS currency, sum(cost_nanos) AS cost, sum(cost_jpy_nanos) AS jpy"
            " FROM usage GROUP BY team, served_model ORDER BY team, jpy DESC"))
        t = Table("team", "model", "requests", "errors", "prompt tok", "completion tok", "cost", "cost ¥",
                  title="tenbin usage by team and model")
        for r in rows:
            t.add_row(r["team"], r["model"], str(r["requests"]), str(r["errors"]), f"{r['prompt'] or 0:,}",
                      f"{r['completion'] or 0:,}", f"{from_nanos(r['cost']):.6f} {r['currency']}",
                      f"¥{from_nanos(r['jpy']):,.2f}")
        console.print(t)
