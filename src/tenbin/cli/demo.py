"""``tenbin demo``: fill a demo store through the real gateway with fake vendors, then serve it."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from tenbin.cli.common import clock_of, err_console
from tenbin.clock import utc


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        ctx: typer.Context,
        folder: Annotated[Path, typer.Option("--dir", help="demo folder (config, store)")] = Path("tenbin-demo"),
        serve: Annotated[bool, typer.Option("--serve/--no-serve", help="serve the gateway after filling")] = True,
        host: Annotated[str, typer.Option(help="address to serve on (loopback only)")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="port to serve on")] = 8787,
        seed: Annotated[int, typer.Option(help="seed of the synthetic traffic")] = 15,
        until: Annotated[str | None, typer.Option(
            help="when the demo traffic ends, ISO 8601 with an offset (default: now); with --seed, "
                 "the same data every time")] = None,
    ) -> None:
        """Fake vendors, a policy and three weeks of DEMO traffic through the real gateway, then serve it."""
        from tenbin.demo.run import DemoError, run

        if host not in ("127.0.0.1", "localhost", "::1"):
            err_console.print("[red]error:[/red] the demo serves on loopback only (--host 127.0.0.1)")
            raise typer.Exit(2)
        clock = clock_of(ctx)
        try:
            end = utc(until) if until else clock.now().astimezone(dt.UTC)
        except ValueError as e:
            err_console.print(f"[red]error:[/red] --until: {e}")
            raise typer.Exit(2) from None
        try:
            asyncio.run(run(folder.resolve(), end=end, serve=serve, host=host, port=port, seed=seed,
                            say=typer.echo, serve_clock=clock))
        except DemoError as e:
            err_console.print(f"[red]error:[/red] {e}")
            raise typer.Exit(2) from None
