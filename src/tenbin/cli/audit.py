"""``tenbin audit``: verify the hash chain, print a checkpoint, cross-border and processing reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from tenbin.cli.common import ConfigOption, clock_of, console, err_console, load, with_store
from tenbin.clock import Clock
from tenbin.config.schema import Config
from tenbin.errors import GatewayError
from tenbin.governance import reports
from tenbin.governance.period import JST
from tenbin.governance.raw import RawVault
from tenbin.governance.verify import VerifyResult, head, verify_store
from tenbin.store.base import Store

audit_app = typer.Typer(help="Tamper-evident audit log: verify, checkpoint, APPI reports.",
                        no_args_is_help=True)


@audit_app.command("verify")
def verify(
    against: str | None = typer.Option(None, "--against", help="published checkpoint hash to check"),
    config: ConfigOption = None,
) -> None:
    """Walk the chain from the first entry; report the first broken link (exit 1 if any)."""
    cfg = load(config)
    res: VerifyResult = with_store(cfg, lambda s: verify_store(s, against))
    if against is not None and res.checkpoint_seq is not None:
        console.print(f"checkpoint {against[:16]}… found at seq {res.checkpoint_seq}: "
                      "nothing up to it has changed")
    if res.broken is not None:
        err_console.print(f"[red]BROKEN[/red] at {res.broken} ({res.checked} entries verified before it)")
        raise typer.Exit(1)
    sealed = f" (entries up to seq {res.purged_through} dropped by retention, sealed)" if res.purged_through else ""
    console.print(f"OK: {res.checked} entries verified; head seq {res.head_seq} hash {res.head_hash}{sealed}")


@audit_app.command("checkpoint")
def checkpoint(config: ConfigOption = None) -> None:
    """Print the chain head (seq and hash) to publish somewhere outside this database."""
    cfg = load(config)
    seq, h = with_store(cfg, head)
    typer.echo(f"{seq} {h}")


@audit_app.command("report")
def report(
    ctx: typer.Context,
    cross_border: bool = typer.Option(False, "--cross-border", help="APPI Art. 28 transfers abroad"),
    processing: bool = typer.Option(False, "--processing", help="records of processing summary"),
    appi: bool = typer.Option(False, "--appi", help="APPI Art. 28/29 record joined with the vendor register"),
    period: str | None = typer.Option(None, help="month in JST, e.g. 2026-11 (default: all time)"),
    team: str | None = typer.Option(None, help="one team only"),
    as_json: bool = typer.Option(False, "--json", help="machine-readable output"),
    csv_path: Annotated[Path | None, typer.Option("--csv", help="--appi: write the record as CSV here")] = None,
    html_path: Annotated[Path | None, typer.Option("--html", help="--appi: printable Japanese pages")] = None,
    config: ConfigOption = None,
) -> None:
    """Cross-border transfer records, the records-of-processing summary, or the APPI record."""
    if cross_border + processing + appi != 1:
        err_console.print("[red]error:[/red] choose exactly one of --cross-border, --processing or --appi")
        raise typer.Exit(2)
    cfg = load(config)
    if appi:
        _appi(cfg, period, team, as_json, csv_path, html_path, clock_of(ctx))
        return
    try:
        if cross_border:
            rows = [r.as_dict() for r in with_store(cfg, lambda s: reports.cross_border(s, period, team))]
        else:
            rows = with_store(cfg, lambda s: reports.processing(s, period, team))
    except GatewayError as e:
        err_console.print(f"[red]error:[/red] {e.message}")
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if cross_border:
        t = Table("team", "vendor", "jurisdiction", "region", "requests", "personal", "special care",
                  "personal masked", "personal by rule", title=f"Cross-border transfers {period or '(all)'}")
        for r in rows:
            t.add_row(r["team"], r["provider"], r["jurisdiction"], r["region"], str(r["requests"]),
                      str(r["personal"]), str(r["special_care"]), str(r["personal_masked"]),
                      ", ".join(f"{k}={v}" for k, v in r["personal_by_rule"].items()))
    else:
        t = Table("vendor", "jurisdiction", "region", "requests", "purposes (use cases)", "data classes",
                  title=f"Records of processing {period or '(all)'}")
        for r in rows:
            t.add_row(r["provider"], r["jurisdiction"], r["region"], str(r["requests"]),
                      ", ".join(f"{k}={v}" for k, v in r["use_cases"].items()),
                      ", ".join(f"{k}={v}" for k, v in r["data_classes"].items()))
    t.caption = f"store {store_label(cfg)}"
    console.print(t)


def store_label(cfg: Config) -> str:
    """Which store a report was read from, so a ¥0 / empty report from the wrong folder shows it."""
    from tenbin.cli.common import sqlite_path
    from tenbin.cli.serve import safe_url

    path = sqlite_path(cfg)
    return str(path) if path is not None else safe_url(cfg.store)


def _appi(cfg: Config, period: str | None, team: str | None, as_json: bool, csv_path: Path | None,
          html_path: Path | None, clock: Clock) -> None:
    from tenbin.governance.appi import AppiReport, appi_report
    from tenbin.governance.appi_render import to_csv, to_html
    from tenbin.governance.config import GovernanceConfig

    try:
        gov = GovernanceConfig.from_section(cfg.governance)
        rep: AppiReport = with_store(cfg, lambda s: appi_report(s, gov, period, team))
    except ValueError as e:
        err_console.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from None
    except GatewayError as e:
        err_console.print(f"[red]error:[/red] {e.message}")
        raise typer.Exit(2) from None
    if csv_path is not None:
        csv_path.write_text(to_csv(rep), encoding="utf-8")
    if html_path is not None:
        stamp = clock.now().astimezone(JST).strftime("%Y-%m-%d %H:%M JST")
        html_path.write_text(to_html(rep, stamp), encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(rep.as_dict(), ensure_ascii=False, indent=2))
        return
    t = Table("period", "vendor", "legal entity", "country", "basis", "last review", "transfers", "personal",
              "unmasked", "items", title=f"APPI Art. 28 record {period or '(all)'}")
    for r in rep.rows:
        t.add_row(r.period, r.provider, r.legal_entity or "(not registered)", r.country or "-", r.legal_basis or "-",
                  r.last_review or "-", str(r.transfers), str(r.personal), str(r.personal_unmasked),
                  ", ".join(f"{k}={v}" for k, v in sorted(r.items.items())))
    t.caption = f"store {store_label(cfg)}"
    console.print(t)
    for w in rep.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {w}", highlight=False, soft_wrap=True)


@audit_app.command("retain")
def retain(ctx: typer.Context, config: ConfigOption = None) -> None:
    """Drop audit entries of whole JST months older than governance.record_retention_years, sealed
    by an audit.purge entry so `tenbin audit verify` still passes (and still catches any other gap)."""
    from tenbin.catalog import load_catalog
    from tenbin.governance.config import GovernanceConfig
    from tenbin.governance.operator import OPERATOR
    from tenbin.governance.retention import purge_expired
    from tenbin.governance.writer import AuditWriter

    cfg = load(config)
    clock = clock_of(ctx)
    gov = GovernanceConfig.from_section(cfg.governance)

    async def go(s: Store) -> Any:
        writer = AuditWriter(s, load_catalog(cfg.models), gov, clock=clock)
        return await purge_expired(s, writer, OPERATOR, gov.record_retention_years, clock)

    try:
        done = with_store(cfg, go)
    except ValueError as e:
        err_console.print(f"[red]error:[/red] {e}")
        raise typer.Exit(1) from None
    if done.rows:
        console.print(f"dropped {done.rows} entries before {done.before} (through seq {done.through_seq}); "
                      f"kept {gov.record_retention_years} years", highlight=False)
    else:
        console.print(f"nothing older than {done.before} to drop", highlight=False)


@audit_app.command("purge")
def purge(config: ConfigOption = None) -> None:
    """Delete retained raw prompts/answers past their TTL (the gateway also does this every minute)."""
    cfg = load(config)
    n = with_store(cfg, RawVault.purge)
    console.print(f"purged {n} expired raw records")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
