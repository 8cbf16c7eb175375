"""``tenbin models``: every catalog model, whether this config could serve it now, and why not.

Reads the config, the catalog and the providers' availability on this machine (keys in the
environment, the GGUF file), like ``tenbin route``; it starts no model and calls no vendor.
``GET /v1/models`` on a running gateway lists only the usable ones; ``/admin/models`` shows all, and
``/healthz`` the embedded engine's state (no engine runs in this command, so none is shown here).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from tenbin.catalog.catalog import load_catalog
from tenbin.cli.common import ConfigOption, console, err_console, load
from tenbin.gateway.models import ModelState, ProviderState, model_states, provider_states
from tenbin.providers.base import Provider
from tenbin.providers.registry import build_providers


async def _close(providers: Mapping[str, Provider]) -> None:
    for p in providers.values():
        await p.aclose()


def _as_json(default: str, states: list[ModelState], providers: Mapping[str, ProviderState]) -> str:
    doc: dict[str, Any] = {
        "default_model": default,
        "models": [{"id": s.model.id, "provider": s.model.provider, "configured": s.configured,
                    "available": s.available, "reason": s.reason, "region": s.model.region,
                    "tier": s.model.tier} for s in states],
        # without "engine": no engine runs in this command (a running gateway's is in /healthz)
        "providers": {name: {k: v for k, v in p.as_dict().items() if k != "engine"}
                      for name, p in providers.items()},
    }
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode()


def _render(default: str, states: list[ModelState], providers: Mapping[str, ProviderState]) -> None:
    usable = sum(s.available for s in states)
    t = Table(title=f"{usable} of {len(states)} models usable now (default: {default})")
    t.add_column("model", no_wrap=True)
    for col in ("provider", "region", "tier", "state"):
        t.add_column(col)
    for s in states:
        name = s.model.id + (" (default)" if s.model.id == default else "")
        state = ("[green]available[/green]" if s.available
                 else "[red]unavailable[/red]" if s.configured else "[yellow]not configured[/yellow]")
        t.add_row(name, s.model.provider, s.model.region, s.model.tier, state)
    console.print(t)
    # Why, once per provider rather than once per model.
    for name, p in providers.items():
        line = f"provider [bold]{name}[/bold]: " + ("available" if p.available else f"unavailable: {p.reason}")
        console.print(line, highlight=False)
    for missing in sorted({s.model.provider for s in states if not s.configured}):
        console.print(f"provider [bold]{missing}[/bold]: not configured (no providers.{missing} in the config)",
                      highlight=False)


def models_command(
    available: Annotated[bool, typer.Option("--available", help="Only the models usable now.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    config: ConfigOption = None,
) -> None:
    """List catalog models with their provider's state: available, unavailable (why) or not configured."""
    cfg = load(config)
    try:
        catalog = load_catalog(cfg.models)
        providers = build_providers(cfg.providers)
    except ValueError as e:
        err_console.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from None
    try:
        pstates = provider_states(providers)
    finally:
        asyncio.run(_close(providers))
    states = model_states(catalog, pstates, cfg.default_model)
    if available:
        states = [s for s in states if s.available]
    if as_json:
        typer.echo(_as_json(cfg.default_model, states, pstates))
    else:
        _render(cfg.default_model, states, pstates)


def register(app: typer.Typer) -> None:
    """Attach ``tenbin models`` to the main CLI app."""
    app.command("models")(models_command)
