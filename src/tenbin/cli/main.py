"""Entry point: each command lives in its own module and registers itself here."""

from __future__ import annotations

import importlib

import typer

import tenbin

app = typer.Typer(
    name="tenbin", no_args_is_help=True, add_completion=False,
    help="tenbin (天秤): self-hosted AI gateway — one OpenAI-compatible API, many models, costs in JPY.",
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"tenbin {tenbin.version()}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True,
                                 callback=_print_version),
) -> None:
    """tenbin (天秤): self-hosted AI gateway — one OpenAI-compatible API, many models, costs in JPY."""


# Modules that may be absent in a partial install are skipped rather than breaking the CLI.
COMMAND_MODULES = ("serve", "keys", "models", "costs", "scan", "route", "finops", "audit", "admin", "config", "demo")

for _name in COMMAND_MODULES:
    try:
        _mod = importlib.import_module(f"tenbin.cli.{_name}")
    except ModuleNotFoundError as _e:
        if _e.name != f"tenbin.cli.{_name}":
            raise
        continue
    _mod.register(app)


def main() -> None:
    app()
