"""``tenbin config check``: what a config resolves to before it is started — the store it opens,
the providers and whether each can serve now, which routing targets depend on which providers,
and every warning and error the start would report (exit 1 on errors)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from tenbin.cli.common import ConfigOption, console, err_console, load, sqlite_path
from tenbin.config.loader import config_hash
from tenbin.config.schema import Config

config_app = typer.Typer(help="Check a configuration before starting the gateway.", no_args_is_help=True)


def _store(cfg: Config) -> dict[str, Any]:
    from tenbin.cli.serve import safe_url

    path = sqlite_path(cfg)
    out: dict[str, Any] = {"url": safe_url(cfg.store)}
    if path is not None:
        out.update(path=str(path), exists=path.exists(), bytes=path.stat().st_size if path.exists() else 0)
    return out


def report(cfg: Config, source: Path | None) -> dict[str, Any]:
    """Everything ``config check`` prints, as data (``--json``)."""
    from tenbin.catalog.catalog import load_catalog
    from tenbin.config.validate import check_config, dependencies
    from tenbin.gateway.models import provider_states
    from tenbin.providers.registry import build_providers

    catalog = load_catalog(cfg.models)
    findings = check_config(cfg, catalog)
    states = provider_states(build_providers(cfg.providers))
    models_of: dict[str, list[str]] = {}
    for m in catalog:
        models_of.setdefault(m.provider, []).append(m.id)
    return {
        "config": str(source.resolve()) if source is not None else None,
        "config_sha256": config_hash(cfg),
        "store": _store(cfg),
        "providers": [{"name": n, "kind": cfg.providers[n].kind, "available": s.available, "reason": s.reason,
                       "models": models_of.get(n, [])} for n, s in states.items()],
        "dependencies": [{"where": d.where, "models": list(d.models), "providers": list(d.providers),
                          "unavailable": [p for p in d.providers if p not in states or not states[p].available]}
                         for d in dependencies(cfg, catalog)],
        "warnings": findings.warnings,
        "errors": findings.errors,
    }


def _print(r: dict[str, Any]) -> None:
    st = r["store"]
    where = ""
    if "path" in st:
        where = f"  ({st['bytes']:,} bytes)" if st["exists"] else "  (does not exist yet: serve creates it empty)"
    console.print(f"config   {r['config'] or 'none: embedded defaults'}", highlight=False, soft_wrap=True)
    console.print(f"sha256   {r['config_sha256']}", highlight=False, soft_wrap=True)
    console.print(f"store    {st.get('path', st['url'])}{where}", highlight=False, soft_wrap=True)
    console.print("providers", highlight=False, soft_wrap=True)
    for p in r["providers"]:
        state = "available" if p["available"] else f"unavailable: {p['reason']}"
        console.print(f"  {p['name']:<14} {p['kind']:<10} {state}  ({len(p['models'])} models)",
                      highlight=False, soft_wrap=True)
    console.print("routing depends on", highlight=False, soft_wrap=True)
    for d in r["dependencies"]:
        down = f"  [yellow]unavailable: {', '.join(d['unavailable'])}[/yellow]" if d["unavailable"] else ""
        console.print(f"  {d['where']} → {', '.join(d['providers'])}  ({', '.join(d['models'])}){down}",
                      highlight=False, soft_wrap=True)
    for w in r["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {w}", highlight=False, soft_wrap=True)
    for e in r["errors"]:
        console.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
    n_e, n_w = len(r["errors"]), len(r["warnings"])
    console.print(f"{'FAILED' if n_e else 'OK'}: {n_e} error{'s' * (n_e != 1)}, {n_w} warning{'s' * (n_w != 1)}",
                  highlight=False)


@config_app.command("check")
def check(
    config: ConfigOption = None,
    as_json: bool = typer.Option(False, "--json", help="machine-readable output"),
) -> None:
    """Resolve the config as `tenbin serve` would and report it; exit 1 if it would not start."""
    cfg = load(config)
    r = report(cfg, config)
    if as_json:
        typer.echo(json.dumps(r, ensure_ascii=False, indent=2))
    else:
        _print(r)
    if r["errors"]:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
    register_reload(app)


def register_reload(app: typer.Typer) -> None:
    @app.command("reload")
    def reload(
        url: str = typer.Option("http://127.0.0.1:8787", help="the running gateway"),
        key: str | None = typer.Option(None, envvar="TENBIN_ADMIN_KEY", help="an admin API key"),
        pid: int | None = typer.Option(None, help="send SIGHUP to this gateway process instead"),
    ) -> None:
        """Make a running gateway re-read its config file: policy, models, budgets and FX are swapped
        without dropping requests in flight, and the change is audited (config.reload)."""
        if pid is not None:
            import os
            import signal

            os.kill(pid, signal.SIGHUP)
            console.print(f"sent SIGHUP to {pid}; the gateway logs the result")
            return
        import httpx

        if not key:
            err_console.print("[red]error:[/red] an admin key is needed (--key or TENBIN_ADMIN_KEY), or use --pid")
            raise typer.Exit(2)
        try:
            r = httpx.post(url.rstrip("/") + "/admin/config/reload", headers={"Authorization": f"Bearer {key}"},
                           timeout=30)
        except httpx.HTTPError as e:
            err_console.print(f"[red]error:[/red] cannot reach {url}: {e}")
            raise typer.Exit(1) from None
        body = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
        if r.status_code != 200:
            err_console.print(f"[red]error:[/red] {(body.get('error') or {}).get('message') or r.text}")
            raise typer.Exit(1)
        console.print(f"reloaded: {body['previous_sha256'][:12]} → {body['sha256'][:12]} "
                      f"(changed: {', '.join(body['changed']) or 'nothing'})", highlight=False, soft_wrap=True)
        for w in body["warnings"]:
            console.print(f"[yellow]warning:[/yellow] {w}", highlight=False, soft_wrap=True)
