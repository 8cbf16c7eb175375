"""``tenbin costs``: the cost report (any grouping, unit economics, ROI, FX restatement) and
``--unit-prices``: ¥ per 1M tokens for every model beside the self-hosted ones, with break-even."""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Annotated

import orjson
import typer
from rich.table import Table

from tenbin.catalog.catalog import load_catalog
from tenbin.cli.common import ConfigOption, clock_of, console, err_console, load, with_store
from tenbin.clock import Clock
from tenbin.config.schema import Config
from tenbin.finops.config import FinOpsConfig
from tenbin.finops.fxstore import load_table, parse_override
from tenbin.finops.periods import Period, current_month, parse_period, tokyo_now
from tenbin.finops.reports.chargeback import self_hosted_charges
from tenbin.finops.reports.costs import DIMENSIONS, Report, cost_report, parse_dimensions, write_csv_to
from tenbin.finops.selfhosted import break_even, fixed_cost, same_volume, unit_prices
from tenbin.ledger.record import from_nanos


def fail(msg: str) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {msg}")
    return typer.Exit(2)


def finops_config(cfg: Config) -> FinOpsConfig:
    try:
        return FinOpsConfig.from_section(cfg.finops)
    except ValueError as e:
        raise fail(str(e)) from None


def period_arg(text: str | None, clock: Clock) -> Period:
    """The ``--period`` given, or the Tokyo month the clock is in."""
    if not text:
        return current_month(clock)
    try:
        return parse_period(text)
    except ValueError as e:
        raise fail(str(e)) from None


def fx_args(items: list[str] | None) -> dict[str, Decimal]:
    out = {}
    for f in items or []:
        try:
            ccy, rate = parse_override(f)
        except ValueError as e:
            raise fail(str(e)) from None
        out[ccy] = rate
    return out


def _money(v: Decimal | None, places: int = 2) -> str:
    return "-" if v is None else f"¥{v:,.{places}f}"


def render(report: Report, fmt: str) -> None:
    if fmt == "json":
        total = report.total
        doc = {"period": report.period.label, "timezone": "Asia/Tokyo", "by": report.dims,
               "restated": bool(report.fx), "fx_basis": report.fx_basis,
               "fx_restated": {k: str(v) for k, v in report.fx.items()}, "rows": report.rows(),
               "total": {"requests": total.requests, "cost_jpy": str(total.cost_jpy.quantize(Decimal("0.0001"))),
                         "self_hosted_jpy": str(total.self_hosted_jpy.quantize(Decimal("0.0001")))}}
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    if fmt == "csv":
        write_csv_to(report, sys.stdout)
        return
    roi = any(ln.outcome is not None for ln in report.lines)
    local = any(ln.self_hosted_jpy for ln in report.lines)
    t = Table(*report.dims, "requests", "errors", "tokens", "cost ¥", *(["of which self-hosted ¥"] if local else []),
              "¥/request", "¥/1k tok",
              *(["outcome", "¥/outcome", "value ¥", "ROI"] if roi else []),
              title=f"tenbin costs {report.period.label} (Asia/Tokyo)"
              + (f" — RESTATED ({report.fx_basis.removeprefix('restated ')}), not the booked figures"
                 if report.fx else ""))
    for ln in report.lines:
        extra = []
        if roi:
            extra = [ln.outcome or "", _money(ln.per_outcome), _money(ln.value_jpy, 0),
                     "-" if ln.roi is None else f"{ln.roi:.1f}×"] if ln.outcome else ["", "", "", ""]
        t.add_row(*ln.key, f"{ln.requests:,}", f"{ln.errors:,}", f"{ln.tokens:,}", _money(ln.cost_jpy),
                  *([_money(ln.self_hosted_jpy)] if local else []),
                  _money(ln.per_request, 4), _money(ln.per_1k_tokens, 4), *extra)
    total = report.total
    t.add_section()
    t.add_row("total", *[""] * (len(report.dims) - 1), f"{total.requests:,}", f"{total.errors:,}",
              f"{total.tokens:,}", _money(total.cost_jpy), *([_money(total.self_hosted_jpy)] if local else []),
              _money(total.per_request, 4),
              _money(total.per_1k_tokens, 4), *([""] * 4 if roi else []))
    console.print(t)


def show_unit_prices(cfg: Config, fo: FinOpsConfig, clock: Clock, period: Period | None = None) -> None:
    catalog = load_catalog(cfg.models)
    fx = with_store(cfg, load_table)
    today = tokyo_now(clock).date()
    prices = unit_prices(catalog, fx, fo.self_hosted, today, fo.input_output_ratio)
    t = Table("model", "provider", "region", "input ¥/1M", "output ¥/1M",
              f"blended ¥/1M ({fo.input_output_ratio}:1)", "basis", title="Unit prices, today (Asia/Tokyo)")
    for u in prices:
        basis = "self-hosted" if u.self_hosted else u.model.price_at(today).currency + " list"
        t.add_row(u.model.id, u.model.provider, u.model.region, _money(u.input_jpy), _money(u.output_jpy),
                  _money(u.blended_jpy), basis)
    console.print(t)
    locals_ = [u for u in prices if u.self_hosted]
    apis = [u for u in prices if not u.self_hosted and u.blended_jpy]
    if not locals_:
        console.print("No finops.self_hosted entries: add one to see make-or-buy break-even.")
        return
    b = Table("local", "vs API", "API ¥/1M", "local ¥/1M (full use)", "break-even", title="Make or buy")
    for loc in locals_:
        for api in apis:
            be = break_even(loc, api)
            b.add_row(be.local, be.api, _money(be.api_jpy_per_million), _money(be.local_jpy_per_million), be.note)
    console.print(b)
    p = period or current_month(clock)
    charges = with_store(cfg, lambda s: self_hosted_charges(s, p, fo.self_hosted))
    volume: dict[str, list[int]] = {}
    for ch in charges:
        v = volume.setdefault(str(ch.row["served_model"]), [0, 0, 0])
        v[0] += ch.prompt_tokens
        v[1] += ch.completion_tokens
        v[2] += ch.nanos
    v_t = Table("local", "tokens in / out", "charged back ¥", "vs API", "API ¥, same tokens", "local saves ¥",
                title=f"Make or buy at the real volume of {p.label} (today's API prices and FX)")
    for model, (pt, ct, nanos) in sorted(volume.items()):
        charged = from_nanos(nanos)
        for sv in same_volume(model, pt, ct, charged, apis):
            v_t.add_row(sv.local, f"{pt:,} / {ct:,}", _money(sv.local_jpy), sv.api, _money(sv.api_jpy),
                        _money(sv.saving_jpy))
        fixed = fixed_cost(fo.self_hosted[model], len(p.days()))
        if fixed is not None:
            console.print(f"{model}: the server costs {_money(fixed)} over {p.label}; {_money(charged)} of it was"
                          f" charged to teams, {_money(max(fixed - charged, Decimal(0)))} is idle capacity")
    if volume:
        console.print(v_t)
    else:
        console.print(f"No self-hosted traffic in {p.label} to compare at the same volume.")


PeriodOpt = Annotated[str | None, typer.Option(help="YYYY-MM, YYYY-MM-DD or A..B (Asia/Tokyo); default: this month")]
ByOpt = Annotated[str, typer.Option(help="comma list of: " + ",".join(DIMENSIONS))]
FxOpt = Annotated[list[str] | None, typer.Option("--fx", help="restate at PAIR=RATE, e.g. USDJPY=170")]
UnitOpt = Annotated[bool, typer.Option("--unit-prices", help="¥/1M tokens per model and make-or-buy")]


def register(app: typer.Typer) -> None:
    @app.command()
    def costs(
        ctx: typer.Context,
        config: ConfigOption = None,
        period: PeriodOpt = None,
        by: ByOpt = "team,model",
        fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
        fx: FxOpt = None,
        unit_prices_: UnitOpt = False,
    ) -> None:
        """Cost report in JPY: grouped, per request, per 1k tokens and per outcome (ROI)."""
        cfg = load(config)
        fo = finops_config(cfg)
        if unit_prices_:
            show_unit_prices(cfg, fo, clock_of(ctx), period_arg(period, clock_of(ctx)) if period else None)
            return
        if fmt not in ("table", "csv", "json"):
            raise fail("--format must be table, csv or json")
        try:
            dims = parse_dimensions(by)
        except ValueError as e:
            raise fail(str(e)) from None
        p, rates = period_arg(period, clock_of(ctx)), fx_args(fx)
        report = with_store(cfg, lambda s: cost_report(s, p, dims, fx=rates, use_cases=fo.use_cases,
                                                        self_hosted=fo.self_hosted))
        render(report, fmt)
