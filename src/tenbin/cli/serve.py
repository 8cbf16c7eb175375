"""``tenbin serve``: run the gateway."""

from __future__ import annotations

import asyncio
import logging

import typer

from tenbin.cli.common import ConfigOption, err_console, load


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        config: ConfigOption = None,
        host: str | None = typer.Option(None, help="override server.host"),
        port: int | None = typer.Option(None, help="override server.port"),
        log_level: str = typer.Option("info", help="debug, info, warning, error"),
    ) -> None:
        """Run the gateway (OpenAI-compatible API on http://HOST:PORT/v1)."""
        from aiohttp import web

        from tenbin.api.app import create_app
        from tenbin.gateway.runtime import build_runtime
        from tenbin.logs import setup_logging

        setup_logging(log_level)
        cfg = load(config)
        server = cfg.server.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v is not None})
        cfg = cfg.model_copy(update={"server": server})
        if not server.loopback and server.auth != "required":
            logging.getLogger("tenbin").warning("non-loopback bind: API keys are required for every request")
        try:
            runtime = build_runtime(cfg)
        except (ValueError, RuntimeError) as e:
            err_console.print(f"[red]error:[/red] {e}")
            raise typer.Exit(2) from None
        try:
            import uvloop

            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        except ImportError:
            pass
        for name, p in runtime.providers.items():
            a = p.availability()
            state = "available" if a.ok else f"unavailable ({a.reason})"
            logging.getLogger("tenbin").info("provider %s: %s", name, state)
        web.run_app(create_app(runtime), host=server.host, port=server.port, access_log=None,
                    print=lambda *_: logging.getLogger("tenbin").info(
                        "tenbin listening on http://%s:%d/v1", server.host, server.port))
