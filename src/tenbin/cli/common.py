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


def sqlite_path(cfg: Config) -> Path | None:
    """The SQLite file the store URL names (absolute), or None for PostgreSQL / in-memory."""
    if not cfg.store.startswith("sqlite:///"):
        return None
    raw = cfg.store.removeprefix("sqlite:///")
    return None if raw in ("", ":memory:") else Path(raw).resolve()


def announce_new_store(cfg: Config) -> None:
    """Say so when a command is about to create an empty SQLite database: run from the wrong
    folder or with the wrong config, a report would otherwise show ¥0 from a new, empty file."""
    path = sqlite_path(cfg)
    if path is not None and not path.exists():
        err_console.print(f"[yellow]note:[/yellow] no database at {path}; creating an empty one "
                          "(relative store paths are read against the config file's folder; "
                          "`tenbin config check` shows the store in use)")


def with_store(cfg: Config, fn: Callable[[Store], Awaitable[T]]) -> T:
    announce_new_store(cfg)

    async def go() -> T:
        store = open_store(cfg.store)
        await store.migrate()
        try:
            return await fn(store)
        finally:
            await store.close()

    return asyncio.run(go())
