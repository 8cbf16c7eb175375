"""FinOps commands: ``fx``, ``budgets``, ``export focus``, ``forecast``, ``simulate``. Thin: parse,
call tenbin.finops, render with Rich."""

from __future__ import annotations

import datetime as dt
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.progress import Progress
from rich.table import Table

from tenbin.catalog.catalog import load_catalog
from tenbin.cli.common import ConfigOption, clock_of, console, load, with_store
from tenbin.cli.costs import FxOpt, PeriodOpt, fail, finops_config, fx_args, period_arg
from tenbin.finops.budgets.admin import budget_rule, rm_entry, set_entry
from tenbin.finops.budgets.rules import delete_rule, merge, save_rule, spend_so_far, split_bucket, stored_rules
from tenbin.finops.budgets.status import status_rows, stored_events
from tenbin.finops.config import BudgetRule
from tenbin.finops.fxstore import (
    applies_from,
    load_rates,
    load_table,
    parse_csv,
    parse_pair,
    parse_rate,
    set_rate,
    stored_rates,
)
from tenbin.finops.periods import tokyo_now
from tenbin.finops.replay.scenario import check_names, parse_scenario
from tenbin.finops.replay.shapes import Shape, load_key_models, load_shapes
from tenbin.finops.replay.simulate import replay, scenario_config, uses_weights
from tenbin.finops.reports.focus import FOCUS_VERSION, focus_rows, write_csv, write_parquet
from tenbin.finops.reports.forecast import METHOD, Forecast, applicable_budgets, forecast_period
from tenbin.fx import FxTable
from tenbin.governance.operator import audited
from tenbin.ledger.record import from_nanos, to_nanos
from tenbin.routing.schema import RoutingPolicy
from tenbin.store.base import Store


def _yen(v: Decimal) -> str:
    return f"¥{v:,.2f}"


def _fx_app() -> typer.Typer:
    fx = typer.Typer(help="FX rates to JPY, dated (a rate applies from its date until the next one; a rate"
                          " recorded during a Tokyo day prices requests from the next day).",
                     no_args_is_help=True)

    @fx.command("set")
    def fx_set(ctx: typer.Context, pair: str, rate: str, config: ConfigOption = None,
               date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default today, Tokyo)")] = None,
               ) -> None:
        """Set e.g. USDJPY 152.3 from --date on."""
        cfg = load(config)
        try:
            ccy, value = parse_pair(pair), parse_rate(rate)
            day = dt.date.fromisoformat(date) if date else tokyo_now(clock_of(ctx)).date()
        except ValueError as e:
            raise fail(str(e)) from None
        at = clock_of(ctx).now().timestamp()

        async def go(s: Store) -> None:
            await set_rate(s, ccy, day, value, at=at)
            await audited(cfg, s, "fx.set", f"{ccy}JPY", detail={"date": day.isoformat(), "rate": str(value)},
                          clock=clock_of(ctx))

        with_store(cfg, go)
        start = applies_from(day, at)
        note = "" if start == day else f" — prices requests from {start}: a Tokyo day keeps the rate it started with"
        console.print(f"{ccy}JPY = {value} from {day}{note} (running gateways pick it up on their next refresh)")

    @fx.command("load")
    def fx_load(ctx: typer.Context, path: Path, config: ConfigOption = None) -> None:
        """Load a CSV of pair,date,rate rows."""
        cfg = load(config)
        try:
            rows = parse_csv(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise fail(f"{path}: {e}") from None
        at = clock_of(ctx).now().timestamp()

        async def go(s: Store) -> None:
            await load_rates(s, rows, f"csv:{path.name}", at=at)
            await audited(cfg, s, "fx.load", f"csv:{path.name}", detail={"rates": len(rows)}, clock=clock_of(ctx))

        with_store(cfg, go)
        console.print(f"loaded {len(rows)} rates from {path}")

    @fx.command("list")
    def fx_list(config: ConfigOption = None) -> None:
        """Stored rates (the shipped defaults apply where none is stored)."""
        cfg = load(config)
        rows = with_store(cfg, stored_rates)
        t = Table("pair", "from", "rate", "source", "prices from", title="FX rates (JPY per unit)")
        for ccy, day, rate, source, at in rows:
            t.add_row(f"{ccy}JPY", day.isoformat(), str(rate), source or "", applies_from(day, at).isoformat())
        if not rows:
            table = with_store(cfg, load_table)
            for ccy, day, rate in table.items():
                t.add_row(f"{ccy}JPY", day.isoformat(), str(rate), "shipped default", day.isoformat())
        console.print(t)

    return fx


def _budgets_app() -> typer.Typer:
    b = typer.Typer(help="Budgets in JPY per team / project / key / use case, per day or month.",
                    invoke_without_command=True)

    @b.callback()
    def budgets(ctx: typer.Context, config: ConfigOption = None,
                fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table") -> None:
        """List budgets with burn, remaining, thresholds crossed and any downgrade/block since when."""
        if ctx.invoked_subcommand is not None:
            return
        cfg = load(config)
        fo = finops_config(cfg)
        clock = clock_of(ctx)
        now = clock.now().timestamp()

        async def go(s: Store) -> list[dict[str, Any]]:
            rules = merge(fo.budgets, await stored_rules(s))
            spent = {b: (n, 0) for b, n in (await spend_so_far(s, rules, now)).items()}
            alerts, actions = await stored_events(s, now)
            return status_rows(rules, {r.name for r in fo.budgets}, spent, alerts, actions, now)

        rows = with_store(cfg, go)
        if fmt == "json":
            sys.stdout.write(orjson.dumps({"timezone": "Asia/Tokyo", "budgets": rows},
                                          option=orjson.OPT_INDENT_2).decode() + "\n")
            return
        t = Table("budget", "source", "scope", "subject", "period", "limit", "spent", "remaining", "burn", "action",
                  "state", "since", "thresholds crossed", title="Budgets (Asia/Tokyo periods)")
        for r in rows:
            pct = Decimal(r["burn_pct"])
            colour = "red" if pct >= 100 or r["state"] != "ok" else "yellow" if pct >= 80 else "green"
            action = r["action"] + (f" → {r['downgrade_to']}" if r["downgrade_to"] else "")
            state = r["state"] + "".join(f" ({a['requests']:,} requests)" for a in r["actions"][:1])
            crossed = ", ".join(f"{c['pct']}% {c['at'][5:16].replace('T', ' ')}" for c in r["thresholds_crossed"])
            t.add_row(r["budget"], r["source"], r["scope"], r["subject"], r["period_key"],
                      _yen(Decimal(r["limit_jpy"])), _yen(Decimal(r["spent_jpy"])), _yen(Decimal(r["remaining_jpy"])),
                      f"[{colour}]{pct:.0f}%[/{colour}]", action, f"[{colour}]{state}[/{colour}]",
                      (r["since"] or "")[:16].replace("T", " "), crossed)
        console.print(t)

    @b.command("set")
    def budgets_set(
        ctx: typer.Context,
        name: str, limit: Annotated[str, typer.Option("--limit", help="JPY")],
        config: ConfigOption = None,
        scope: Annotated[str, typer.Option(help="team, project, key, use_case or all")] = "team",
        match: Annotated[str, typer.Option(help="the team/project/key/use case, or * for each")] = "*",
        period: Annotated[str, typer.Option(help="day or month")] = "month",
        action: Annotated[str, typer.Option(help="alert, block or downgrade")] = "block",
        downgrade_to: Annotated[str | None, typer.Option(help="model for action=downgrade")] = None,
        thresholds: Annotated[str, typer.Option(help="alert percentages")] = "50,80,100",
        webhook: Annotated[str | None, typer.Option(help="URL POSTed on threshold crossings")] = None,
    ) -> None:
        """Create or change a stored budget (running gateways pick it up on their next refresh)."""
        cfg = load(config)
        try:
            rule = budget_rule({"name": name, "scope": scope, "match": match, "period": period, "limit_jpy": limit,
                                "action": action, "downgrade_to": downgrade_to, "webhook": webhook,
                                "thresholds": thresholds})
        except ValueError as e:
            raise fail(f"budget {name}: {e}") from None
        if rule.downgrade_to and rule.downgrade_to not in load_catalog(cfg.models):
            raise fail(f"--downgrade-to: unknown model {rule.downgrade_to!r}")
        now = clock_of(ctx).now().timestamp()

        async def go(s: Store) -> dict[str, int]:
            await save_rule(s, rule)
            await audited(cfg, s, **set_entry(rule), clock=clock_of(ctx))
            return await spend_so_far(s, [rule], now)

        spent = with_store(cfg, go)
        console.print(f"budget {name}: {rule.scope} {rule.match}, ¥{rule.limit_jpy:,} per {rule.period}, {rule.action}")
        for bk, n in sorted(spent.items()):  # what the gateway will announce on its next refresh
            passed = [t for t in rule.thresholds if n * 100 >= to_nanos(rule.limit_jpy) * t]
            if passed:
                console.print(f"  {split_bucket(bk)[1]}: ¥{from_nanos(n):,.2f} spent this {rule.period} — already past "
                              + ", ".join(f"{t}%" for t in passed) + " (each alert is sent once)")

    @b.command("rm")
    def budgets_rm(name: str, config: ConfigOption = None) -> None:
        """Delete a stored budget."""
        cfg = load(config)

        async def go(s: Store) -> bool:
            gone = await delete_rule(s, name)
            if gone:
                await audited(cfg, s, **rm_entry(name))
            return gone

        if not with_store(cfg, go):
            raise fail(f"no stored budget named {name!r} (config budgets are removed from the config file)")
        console.print(f"budget {name} deleted")

    return b


def _export_app() -> typer.Typer:
    ex = typer.Typer(help="Export the ledger in standard formats.", no_args_is_help=True)

    @ex.command("focus")
    def focus(
        ctx: typer.Context,
        out: Annotated[Path, typer.Option("--out", "-o", help="file to write")],
        config: ConfigOption = None, period: PeriodOpt = None,
        fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
        billing_account: Annotated[str, typer.Option(help="BillingAccountId")] = "tenbin",
    ) -> None:
        """FOCUS 1.2 cost and usage dataset (one row per Tokyo day, team, project, use case, model, token kind)."""
        if fmt not in ("csv", "parquet"):
            raise fail("--format must be csv or parquet")
        cfg = load(config)
        p = period_arg(period, clock_of(ctx))
        catalog = load_catalog(cfg.models)
        self_hosted = finops_config(cfg).self_hosted
        rows = with_store(cfg, lambda s: focus_rows(s, catalog, p, billing_account, self_hosted))
        try:
            (write_parquet if fmt == "parquet" else write_csv)(rows, out)
        except RuntimeError as e:
            raise fail(str(e)) from None
        console.print(f"wrote {len(rows):,} FOCUS {FOCUS_VERSION} rows for {p.label} to {out}")

    return ex


def register(app: typer.Typer) -> None:
    app.add_typer(_fx_app(), name="fx")
    app.add_typer(_budgets_app(), name="budgets")
    app.add_typer(_export_app(), name="export")

    @app.command()
    def forecast(ctx: typer.Context, config: ConfigOption = None, period: PeriodOpt = None) -> None:
        """Month-end spend per team and in total, and the budgets the forecast would cross."""
        cfg = load(config)
        fo = finops_config(cfg)
        clock = clock_of(ctx)
        p = period_arg(period, clock)
        now = min(tokyo_now(clock), p.end - dt.timedelta(seconds=1))

        async def go(s: Store) -> tuple[list[BudgetRule], list[Forecast]]:
            return merge(fo.budgets, await stored_rules(s)), await forecast_period(s, p, now)

        rules, fcs = with_store(cfg, go)
        t = Table("team", "month to date", "forecast month end", "complete days", "budget", "status",
                  title=f"Forecast {p.label} (Asia/Tokyo)")
        for f in fcs:
            hits = applicable_budgets(rules, f.subject)
            over = [r for r in hits if f.forecast > r.limit_jpy]
            status = ", ".join(f"[red]crosses {r.name}[/red]" for r in over) or ("ok" if hits else "")
            t.add_row(f.subject, _yen(f.month_to_date), _yen(f.forecast), str(f.days_observed),
                      ", ".join(f"{r.name} {_yen(r.limit_jpy)}" for r in hits), status)
        console.print(t)
        console.print(f"method: {METHOD}")

    @app.command()
    def simulate(
        ctx: typer.Context,
        config: ConfigOption = None, period: PeriodOpt = None,
        price: Annotated[list[str] | None, typer.Option(help="PROVIDER_OR_MODEL:+N%, repeatable")] = None,
        outage: Annotated[list[str] | None, typer.Option(help="provider or model down, repeatable")] = None,
        fx: FxOpt = None,
        policy: Annotated[Path | None, typer.Option(help="YAML of config keys (routing, fallbacks, ...)")] = None,
    ) -> None:
        """What-if replay of the ledger's metadata through routing: cost delta, traffic moves, Japan share."""
        cfg = load(config)
        p = period_arg(period, clock_of(ctx))
        fx_args(fx)  # validate early with a clear message
        try:
            scenario = parse_scenario(price or [], outage or [], fx or [], policy)
        except ValueError as e:
            raise fail(str(e)) from None
        catalog = load_catalog(cfg.models)
        try:  # unknown names and a bad --policy are refused before the ledger is read
            cfg2, catalog2 = scenario_config(cfg, catalog, scenario)
            check_names(scenario, cfg2, catalog2)
            per_request = uses_weights(RoutingPolicy.from_section(cfg.routing)) or uses_weights(
                RoutingPolicy.from_section(cfg2.routing))
        except ValueError as e:
            raise fail(f"scenario: {e}") from None

        async def go(s: Store) -> tuple[list[Shape], FxTable, dict[str, tuple[str, ...] | None]]:
            return await load_shapes(s, p, per_request=per_request), await load_table(s), await load_key_models(s)

        t0 = time.perf_counter()
        shapes, table, keys = with_store(cfg, go)
        load_s = time.perf_counter() - t0
        with Progress(console=console, transient=True) as prog:
            task = prog.add_task("replaying", total=len(shapes))
            try:
                res = replay(shapes, cfg, catalog, table, scenario, lambda n: prog.advance(task, n), keys=keys)
            except ValueError as e:
                raise fail(f"scenario: {e}") from None
        rate = res.rows / (load_s + res.seconds) if res.rows else 0.0
        console.print(f"[bold]Scenario[/bold] {p.label}: " + "; ".join(res.scenario))
        console.print(f"{res.rows:,} requests in {res.shapes:,} shapes, {res.decisions:,} routing decisions,"
                      f" {load_s + res.seconds:.2f}s ({rate:,.0f} rows/s)")
        console.print(f"{res.moved:,} requests moved, {res.refused:,} refused (no eligible model)")
        if res.approximate:
            console.print(f"[yellow]{res.approximate:,} requests approximate:[/yellow] recorded without routing"
                          " facts (before this version) or the policy asks for a tier they do not have")
        for note in res.unevaluable:
            console.print(f"[yellow]not evaluable:[/yellow] {note}")
        s = Table("", "before (ledger)", "after (scenario)", "delta")
        s.add_row("cost", _yen(res.baseline_jpy), _yen(res.scenario_jpy), _yen(res.delta_jpy))
        s.add_row("tokens processed in Japan", f"{res.japan_share(False):.1%}", f"{res.japan_share(True):.1%}", "")
        console.print(s)
        u = Table("use case", "requests", "before", "after", "delta", "moved", "refused", title="Per use case")
        for name, line in sorted(res.use_cases.items()):
            u.add_row(name or "(none)", f"{line.requests:,}", _yen(line.baseline_jpy), _yen(line.scenario_jpy),
                      _yen(line.delta_jpy), f"{line.moved:,}", f"{line.gaps:,}")
        console.print(u)
        if res.moves:
            m = Table("use case", "from", "to", "requests", title="Traffic moves")
            for (name, a, b), n in res.use_case_moves.most_common(20):
                m.add_row(name or "(none)", a, b, f"{n:,}")
            console.print(m)
            c = Table("from", "to", "requests", "cost delta", title="Traffic moves by model")
            for (a, b), n in res.moves.most_common(20):
                c.add_row(a, b, f"{n:,}", _yen(res.move_cost[(a, b)]))
            console.print(c)
        if res.gaps:
            g = Table("requested model", "reason", "requests", "compliant alternatives up",
                      title="[red]Continuity gaps (no eligible model)[/red]")
            for (model, reason), n in res.gaps.most_common(20):
                alts = sorted(res.alternatives.get((model, reason), ()))
                g.add_row(model, reason, f"{n:,}", ", ".join(alts[:5]) or "none")
            console.print(g)
        else:
            console.print("no continuity gaps: every request had an eligible model")

