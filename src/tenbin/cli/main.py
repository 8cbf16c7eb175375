"""Entry point: each command lives in its own module and registers itself here."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="tenbin", no_args_is_help=True, add_completion=False,
    help="tenbin (天秤): self-hosted AI gateway — one OpenAI-compatible API, many models, costs in JPY.",
)

# Modules that may be absent in a partial install are skipped rather than breaking the CLI.
COMMAND_MODULES = ("serve", "keys", "costs", "scan", "route", "finops", "audit", "admin")

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
