"""Helpers shared by CLI commands: config loading with clean errors, running async store code."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from tenbin.clock import SYSTEM, Clock
from tenbin.config import Config, ConfigError, load_config
from tenbin.store.base import Store
from tenbin.store.factory import open_store

T = TypeVar("T")
console = Console()
err_console = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", envvar="TENBIN_CONFIG", help="YAML config file (default: none)"),
]


def load(config: Path | None) -> Config:
    try:
        return load_config(config)
    except ConfigError as e:
        err_console.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from None


def clock_of(ctx: typer.Context) -> Clock:
    """The clock commands read "now" from: the system's, unless the caller passed another as the
    context object (``CliRunner().invoke(app, args, obj=ManualClock(...))`` in tests)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Clock) else SYSTEM


def with_store(cfg: Config, fn: Callable[[Store], Awaitable[T]]) -> T:
    async def go() -> T:
        store = open_store(cfg.store)
        await store.migrate()
        try:
            return await fn(store)
        finally:
            await store.close()

    return asyncio.run(go())
