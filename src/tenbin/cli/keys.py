"""``tenbin keys``: create, list and revoke API keys."""

from __future__ import annotations

import datetime as dt

import typer
from rich.table import Table

from tenbin.auth.keys import ROLES, KeyRing
from tenbin.cli.common import ConfigOption, console, err_console, load, with_store
from tenbin.config import Config
from tenbin.context import Principal
from tenbin.store.base import KeyRecord, Store

# CLI actions are audited as the local operator (whoever has shell access to the gateway's store).
OPERATOR = Principal(key_id="cli", team="-", project="-", role="admin")


async def _audited(cfg: Config, store: Store, action: str, target: str, team: str | None) -> None:
    from tenbin.catalog import load_catalog
    from tenbin.governance.config import GovernanceConfig
    from tenbin.governance.writer import AuditWriter

    writer = AuditWriter(store, load_catalog(cfg.models), GovernanceConfig.model_validate(cfg.governance))
    writer.admin(OPERATOR, action, target=target, team=team)
    await writer.flush()

keys_app = typer.Typer(help="Manage API keys (stored as salted hashes; the key is shown once).")


@keys_app.command("create")
def create(
    team: str = typer.Option(..., help="team the key's usage is attributed to"),
    project: str = typer.Option("default", help="project within the team"),
    role: str = typer.Option("app", help=f"one of {', '.join(ROLES)}"),
    name: str | None = typer.Option(None, help="a label for humans"),
    models: str | None = typer.Option(None, help="comma-separated model ids this key may use"),
    config: ConfigOption = None,
) -> None:
    """Create a key and print it once."""
    if role not in ROLES:
        err_console.print(f"[red]error:[/red] --role must be one of {', '.join(ROLES)}")
        raise typer.Exit(2)
    cfg = load(config)
    allowed = tuple(m.strip() for m in models.split(",") if m.strip()) if models else None

    async def go(store: Store) -> tuple[str, KeyRecord]:
        out = await KeyRing(store).create(team, project, role, name, allowed)
        await _audited(cfg, store, "key.create", out[1].id, team)
        return out

    plaintext, rec = with_store(cfg, go)
    console.print(f"created key [bold]{rec.id}[/bold] for team={rec.team} project={rec.project} role={rec.role}")
    console.print("store it now; it is not shown again:")
    typer.echo(plaintext)


@keys_app.command("list")
def list_(team: str | None = typer.Option(None), config: ConfigOption = None) -> None:
    """List keys (ids only; secrets are not stored)."""
    cfg = load(config)
    rows = with_store(cfg, lambda s: s.list_keys(team))
    t = Table("id", "team", "project", "role", "name", "models", "created", "revoked")
    for r in rows:
        t.add_row(
            r.id, r.team, r.project, r.role, r.name or "", ",".join(r.allowed_models or ()) or "*",
            dt.datetime.fromtimestamp(r.created_at).strftime("%Y-%m-%d %H:%M"),
            dt.datetime.fromtimestamp(r.revoked_at).strftime("%Y-%m-%d %H:%M") if r.revoked_at else "",
        )
    console.print(t)


@keys_app.command("revoke")
def revoke(key_id: str, config: ConfigOption = None) -> None:
    """Revoke a key by id; requests with it are refused from now on."""
    cfg = load(config)
    async def go(store: Store) -> bool:
        rec = await store.get_key(key_id)
        ok = await KeyRing(store).revoke(key_id)
        if ok:
            await _audited(cfg, store, "key.revoke", key_id, rec.team if rec else None)
        return ok

    ok = with_store(cfg, go)
    if not ok:
        err_console.print(f"[red]error:[/red] no active key with id {key_id}")
        raise typer.Exit(1)
    console.print(f"revoked {key_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
