"""``tenbin route --explain "prompt"``: show how the policy would route a prompt, calling no model.

Runs the same privacy scan and the same ``Router.decide`` as the gateway, so what it prints is
what a request with these attributes would get (health included, unless --assume-available).
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from tenbin.catalog.catalog import load_catalog
from tenbin.cli.common import ConfigOption, console, err_console, load
from tenbin.context import Principal, RequestContext
from tenbin.errors import GatewayError
from tenbin.gateway.privacy_stage import PrivacyStage
from tenbin.providers.registry import build_providers
from tenbin.routing.decision import Decision
from tenbin.routing.router import Router

REFUSED_EXIT = 3


def _tags(items: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            err_console.print(f"[red]error:[/red] --tag expects key=value, got {item!r}")
            raise typer.Exit(2)
        out[key] = value
    return out


def _render(trace: dict[str, Any], decision: Decision | None, error: GatewayError | None) -> None:
    req = trace.get("request", {})
    cx = trace.get("complexity")
    console.print(f"[bold]request[/bold]  model={trace.get('requested')}  data class=[bold]{trace.get('data_class')}"
                  f"[/bold]  labels={','.join(req.get('labels', [])) or '-'}  chars={req.get('chars')}"
                  f"  ~tokens={req.get('tokens')}")
    clf = trace.get("classifier")
    if clf:
        probs = "  ".join(f"{k}={v}" for k, v in (clf.get("p") or {}).items())
        console.print(f"[bold]classifier[/bold] {', '.join(clf.get('reasons', [])) or '-'}  ({probs or '-'})",
                      markup=True, highlight=False)
    if cx:
        signals = ", ".join(cx.get("signals", [])) or "-"
        console.print(f"[bold]complexity[/bold] {cx['score']} → {cx['tier']}  ({signals})")
    rules = Table(title="rules (first match wins)", show_edge=False)
    rules.add_column("rule")
    rules.add_column("result")
    for name, miss in trace.get("missed", []):
        rules.add_row(name, f"[dim]no: {miss} does not match[/dim]")
    if trace.get("rule"):
        rules.add_row(trace["rule"], "[green]matched[/green]")
    console.print(rules)
    console.print(f"[bold]sensitive-data action[/bold] {trace.get('action', '-')}")
    for c in trace.get("constraints", []):
        console.print(f"[bold]constraint[/bold] {c}")
    if trace.get("rejected"):
        rej = Table(title="candidates set aside", show_edge=False)
        rej.add_column("model")
        rej.add_column("why")
        for model, why in trace["rejected"]:
            rej.add_row(model, why)
        console.print(rej)
    if error is not None:
        console.print(f"[red bold]refused[/red bold] {error.status} {error.code}: {error.message}", markup=True)
        return
    assert decision is not None
    console.print(f"[green bold]→ {decision.model.id}[/green bold] ({decision.model.provider}, "
                  f"{decision.model.region})  via {trace.get('source')}  rule={decision.rule}")
    if decision.fallbacks:
        console.print("  fallbacks: " + " → ".join(m.id for m in decision.fallbacks))
    # What the chosen model receives: a domestic one gets the request unmasked (routing.mask_scope).
    console.print(f"  privacy: {decision.privacy_for(decision.model)}   max cost: "
                  f"{'¥' + str(decision.max_cost) if decision.max_cost is not None else 'none'}")
    console.print(f"  x-tenbin-route: {decision.header()}", markup=False, highlight=False, soft_wrap=True)


def route_command(
    prompt: Annotated[str, typer.Argument(help="The prompt to route, or - for stdin.")],
    explain: Annotated[bool, typer.Option("--explain", help="Explain the decision (the default).")] = True,
    team: Annotated[str, typer.Option(help="Team of the calling key.")] = "default",
    project: Annotated[str, typer.Option(help="Project of the calling key.")] = "default",
    key_id: Annotated[str, typer.Option("--key-id", help="Key id the rules may match.")] = "key_explain",
    use_case: Annotated[str | None, typer.Option("--use-case", help="x-tenbin-use-case.")] = None,
    model: Annotated[str, typer.Option("--model", help="Model the client asks for.")] = "tenbin/auto",
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Metadata key=value (repeatable).")] = None,
    max_tokens: Annotated[int | None, typer.Option("--max-tokens", help="Requested output tokens.")] = None,
    tools: Annotated[bool, typer.Option("--tools", help="The request carries tools.")] = False,
    json_mode: Annotated[bool, typer.Option("--json-mode", help="response_format json_object.")] = False,
    request_id: Annotated[str, typer.Option("--request-id", help="Seeds weighted A/B splits.")] = "req_explain",
    assume_available: Annotated[
        bool, typer.Option("--assume-available", help="Ignore provider keys/health (explain the policy alone).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    config: ConfigOption = None,
) -> None:
    """Show which model a prompt would go to and why. Exit code 3 when the policy refuses it."""
    text = sys.stdin.read() if prompt == "-" else prompt
    cfg = load(config)
    try:
        router = Router(cfg, load_catalog(cfg.models),
                        providers=None if assume_available else build_providers(cfg.providers))
        privacy = PrivacyStage.from_config(cfg.privacy)
    except ValueError as e:
        err_console.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from None
    body: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": text}]}
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    if tools:
        body["tools"] = [{"type": "function", "function": {"name": "tool", "parameters": {"type": "object"}}}]
    if json_mode:
        body["response_format"] = {"type": "json_object"}
    ctx = RequestContext(request_id=request_id, principal=Principal(key_id, team, project), body=body,
                         requested_model=model, stream=False, use_case=use_case, metadata=_tags(tag))
    scan = privacy.scan(body) if privacy else None
    trace: dict[str, Any] = {}
    decision: Decision | None = None
    error: GatewayError | None = None
    try:
        decision = router.decide(ctx, scan, explain=explain, trace=trace)
    except GatewayError as e:
        error = e
    if as_json:
        out: dict[str, Any] = {"trace": trace}
        if decision is not None:
            out["decision"] = {"model": decision.model.id, "fallbacks": [m.id for m in decision.fallbacks],
                               "privacy_action": decision.privacy_for(decision.model), "rule": decision.rule,
                               "unmasked": sorted(decision.unmasked & {m.id for m in decision.chain}),
                               "max_cost_jpy": str(decision.max_cost) if decision.max_cost is not None else None,
                               "header": decision.header()}
        if error is not None:
            out["error"] = error.to_body()["error"] | {"status": error.status}
        typer.echo(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode())
    else:
        _render(trace, decision, error)
    if error is not None:
        raise typer.Exit(REFUSED_EXIT)


def register(app: typer.Typer) -> None:
    """Attach ``tenbin route`` to the main CLI app."""
    app.command("route")(route_command)
