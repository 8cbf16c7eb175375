"""``tenbin demo``, end to end: fake vendors, a policy wired to them, a store filled through the real
gateway, then the gateway served on that store.

The fill sends every request over HTTP to a real gateway (``create_app`` on a loopback port, the
one pipeline: privacy scan, routing, budgets, masking, vendor call, ledger and audit) whose clock
is a :class:`~tenbin.clock.ManualClock` stepped from three weeks ago to now, one request at a time.
So every row in the store is one the gateway wrote for a request it served, priced on the Tokyo
day it "ran"; nothing is inserted behind the pipeline's back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import orjson
from aiohttp import web

from tenbin.api.app import create_app
from tenbin.api.server import AppRunner
from tenbin.clock import SYSTEM, Clock, ManualClock
from tenbin.config.loader import load_config
from tenbin.config.schema import Config
from tenbin.demo import policy
from tenbin.demo.traffic import TEAMS, TOKYO, Call, plan
from tenbin.demo.vendors import DemoVendor, Outage
from tenbin.gateway.runtime import Runtime, build_runtime
from tenbin.governance import reports
from tenbin.store.base import Store

#: Written into a demo folder; a folder holding a tenbin.db without it is not ours to replace.
MARKER = "DEMO-DATA.txt"
FILES = ("tenbin.yaml", "tenbin.db", "tenbin.db-wal", "tenbin.db-shm", MARKER)
ENV = {policy.KEY_ENV: "demo-vendor-key-not-a-secret"}


class DemoError(Exception):
    """Something the user must fix (a folder that is not a demo folder, a busy port)."""


@dataclass
class Keys:
    apps: dict[str, str] = field(default_factory=dict)  # team -> app key
    admin: str = ""
    team_admin: str = ""
    viewer: str = ""
    team_admin_team: str = "demo-eng"
    viewer_team: str = "demo-support"


@dataclass
class Summary:
    requests: int
    days: int
    teams: list[str]
    cost_jpy: float
    statuses: dict[int, int]
    downgraded: int
    budget_blocked: int
    fallbacks: int
    masked_abroad: int
    blocked_confidential: int
    first: dt.date
    last: dt.date
    seconds: float = 0.0
    storm: tuple[dt.datetime, dt.datetime] | None = None


def demo_config(path: Path) -> Config:
    """The written policy as the demo runs it: without the embedded llama.cpp model the shipped
    defaults add as ``local`` — the on-prem model here is a fake vendor, and starting real model
    workers would cost the demo seconds of CPU for a model no route uses."""
    cfg = load_config(path, env=ENV)
    return cfg.model_copy(update={"providers": {n: p for n, p in cfg.providers.items() if n != "local"}})


def vendors() -> dict[str, DemoVendor]:
    return {"openai": DemoVendor("openai", "openai"), "anthropic": DemoVendor("anthropic", "anthropic"),
            "gemini": DemoVendor("gemini", "gemini"), "azure": DemoVendor("azure-jp", "openai"),
            "hinoki": DemoVendor("hinoki", "openai"), "onprem": DemoVendor("onprem", "openai")}


def prepare(folder: Path) -> None:
    """Make ``folder`` ready for a fresh demo, replacing an earlier demo's files only."""
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "tenbin.db").exists() and not (folder / MARKER).exists():
        raise DemoError(f"{folder} holds a tenbin.db that `tenbin demo` did not write; "
                        "choose another folder with --dir")
    for name in FILES:
        (folder / name).unlink(missing_ok=True)
    (folder / MARKER).write_text(
        "Everything in this folder is DEMO DATA written by `tenbin demo`: synthetic traffic from fake\n"
        "vendors for invented demo-* teams. None of it is real usage, cost or personal data.\n", encoding="utf-8")


async def listen(runtime: Runtime, host: str = "127.0.0.1", port: int = 0) -> tuple[web.AppRunner, str]:
    runner = AppRunner(create_app(runtime), access_log=None, handler_cancellation=True)  # as `tenbin serve`
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as e:
        await runner.cleanup()
        raise DemoError(f"cannot listen on {host}:{port}: {e.strerror}; choose another --port") from None
    return runner, f"http://{f'[{host}]' if ':' in host else host}:{runner.addresses[0][1]}"


async def make_keys(runtime: Runtime) -> Keys:
    keys = Keys()
    for team, project in TEAMS.items():
        keys.apps[team] = (await runtime.keyring.create(team, project, "app", f"{team} app (demo)"))[0]
    keys.admin = (await runtime.keyring.create("demo-platform", "demo-admin", "admin", "demo admin"))[0]
    keys.team_admin = (await runtime.keyring.create(keys.team_admin_team, TEAMS[keys.team_admin_team], "team-admin",
                                                    "demo team admin"))[0]
    keys.viewer = (await runtime.keyring.create(keys.viewer_team, TEAMS[keys.viewer_team], "viewer", "demo viewer"))[0]
    return keys


async def send(http: aiohttp.ClientSession, url: str, key: str, call: Call) -> int:
    messages = [{"role": "system", "content": call.system}] if call.system else []
    messages.append({"role": "user", "content": call.text})
    body: dict[str, Any] = {"model": call.model, "messages": messages,
                            "max_tokens": 300, "stream": call.stream}
    if call.tags:
        body["metadata"] = call.tags
    headers = {"authorization": f"Bearer {key}"}
    if call.use_case:
        headers["x-tenbin-use-case"] = call.use_case
    async with http.post(url + "/v1/chat/completions", data=orjson.dumps(body),
                         headers={**headers, "content-type": "application/json"}) as r:
        await r.read()
        return r.status


async def fill(folder: Path, end: dt.datetime, fakes: dict[str, DemoVendor], seed: int = 15,
               days: int = 21) -> tuple[Config, Keys, Summary]:
    """Write the policy and fill ``folder/tenbin.db`` with ``days`` Tokyo days of traffic up to ``end``."""
    t0 = time.perf_counter()
    p = plan(end, days=days, seed=seed)
    clock = ManualClock(p.calls[0].at - dt.timedelta(minutes=1))
    for v in fakes.values():
        v.clock = clock
    fakes["anthropic"].outages = (Outage(p.storm[0].timestamp(), p.storm[1].timestamp(), 529),)
    (folder / "tenbin.yaml").write_text(policy.render({k: v.url for k, v in fakes.items()}), encoding="utf-8")
    cfg = demo_config(folder / "tenbin.yaml")
    runtime = build_runtime(cfg, clock=clock)
    runner, url = await listen(runtime)
    log = logging.getLogger("tenbin")
    level = log.level
    log.setLevel(logging.ERROR)  # the staged outage and budgets would log a warning per request
    try:
        keys = await make_keys(runtime)
        async with aiohttp.ClientSession() as http:
            for call in p.calls:
                clock.advance(max(0.0, (call.at - clock.now()).total_seconds()))
                await send(http, url, keys.apps[call.team], call)
        await runtime.ledger.flush()
        if runtime.audit is not None:
            await runtime.audit.flush()  # the cross-border count reads the audit log
        summary = await summarise(runtime.store)
    finally:
        await runner.cleanup()  # stops the runtime: ledger and audit flushed, store closed
        log.setLevel(level)
    summary.seconds = time.perf_counter() - t0
    summary.storm = p.storm
    return cfg, keys, summary


async def summarise(store: Store) -> Summary:
    rows = await store.query("SELECT ts_start, team, status, error_class, attempts, route, data_class, cost_jpy_nanos"
                             " FROM usage")
    statuses: dict[int, int] = {}
    days = set()
    down = blocked = fallbacks = confidential = 0
    for r in rows:
        statuses[int(r["status"])] = statuses.get(int(r["status"]), 0) + 1
        days.add(dt.datetime.fromtimestamp(r["ts_start"], TOKYO).date())
        route = orjson.loads(r["route"]) if r["route"] else {}
        down += "budget_downgrade" in route
        blocked += r["status"] == 429 and str(r["error_class"]).startswith("budget")
        fallbacks += int(r["attempts"]) > 1
        confidential += r["status"] == 403 and r["data_class"] == "confidential"
    masked = sum(row.personal_masked for row in await reports.cross_border(store, None))
    return Summary(len(rows), len(days), sorted({r["team"] for r in rows}),
                   sum(int(r["cost_jpy_nanos"]) for r in rows) / 1e9, statuses, down, blocked, fallbacks, masked,
                   confidential, min(days), max(days))


def report(folder: Path, s: Summary) -> str:
    cfg = folder / "tenbin.yaml"
    return "\n".join([
        f"DEMO DATA — synthetic traffic from fake vendors for invented demo-* teams (see {folder / MARKER})",
        f"  filled       {s.requests:,} requests over {s.days} Tokyo days ({s.first} .. {s.last}) "
        f"for {len(s.teams)} teams ({', '.join(s.teams)}) in {s.seconds:.1f}s, through the real gateway",
        f"  spend        ¥{s.cost_jpy:,.2f}; statuses {dict(sorted(s.statuses.items()))}",
        f"  budgets      {s.downgraded} requests downgraded, {s.budget_blocked} blocked",
        f"  resilience   {s.fallbacks} requests answered by a fallback"
        + (f" (the Anthropic-like vendor answered 529 on {s.storm[0]:%Y-%m-%d %H:%M}–{s.storm[1]:%H:%M} JST)"
           if s.storm else ""),
        f"  sovereignty  {s.masked_abroad} requests with personal data sent abroad masked; "
        f"{s.blocked_confidential} CONFIDENTIAL requests blocked",
        f"  config       {cfg}",
        "  look at it:",
        f"    tenbin costs -c {cfg} --period {s.first}..{s.last} --by team,use_case",
        f"    tenbin budgets -c {cfg}",
        f"    tenbin audit report --cross-border -c {cfg}",
        f"    tenbin audit verify -c {cfg}",
    ])


async def run(folder: Path, *, end: dt.datetime, serve: bool, host: str = "127.0.0.1", port: int = 8787,
              seed: int = 15, say: Callable[[str], None] = print,
              serve_clock: Clock = SYSTEM) -> tuple[Config, Keys, Summary]:
    """Fill ``folder`` (and serve it until SIGINT/SIGTERM when ``serve``). Returns the config the
    demo ran, the keys it created (plaintext, shown once) and what the store holds, so other
    tests — the console's in a browser — can build on demo data without parsing the output."""
    prepare(folder)
    fakes = vendors()
    for v in fakes.values():
        await v.start()
    try:
        cfg, keys, summary = await fill(folder, end, fakes, seed=seed)
        say(report(folder, summary))
        if serve:
            await serve_forever(cfg, keys, fakes, host, port, say, serve_clock)
    finally:
        for v in fakes.values():
            await v.stop()
    return cfg, keys, summary


async def serve_forever(cfg: Config, keys: Keys, fakes: dict[str, DemoVendor], host: str, port: int,
                        say: Callable[[str], None], clock: Clock) -> None:
    for v in fakes.values():
        v.clock = clock  # the outage window is history now
    runtime = build_runtime(cfg, clock=clock)
    runner, url = await listen(runtime, host, port)
    console = any(getattr(r, "canonical", "") == "/console" for r in runner.app.router.resources())
    say("\n".join([
        f"tenbin demo gateway on {url}/v1 (DEMO DATA; fake vendors on 127.0.0.1; Ctrl-C stops it)",
        *([f"  console      {url}/console"] if console else []),
        f"  admin key    {keys.admin}",
        f"  team-admin   {keys.team_admin}   (team {keys.team_admin_team}: its data and keys)",
        f"  viewer key   {keys.viewer}   (team {keys.viewer_team} only)",
        f"  app key      {keys.apps['demo-support']}   (team demo-support, for /v1 calls)",
        f"  metrics      curl -H 'authorization: Bearer {keys.admin}' {url}/metrics",
        f"  budgets API  curl -H 'authorization: Bearer {keys.viewer}' {url}/admin/budgets",
        f"  try it       curl {url}/v1/chat/completions -H 'authorization: Bearer {keys.apps['demo-support']}'"
        " -H 'content-type: application/json'"
        " -d '{\"model\":\"tenbin/auto\",\"messages\":[{\"role\":\"user\",\"content\":\"こんにちは\"}]}'",
    ]))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C or a kill: close the store cleanly
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await runner.cleanup()
        say("demo stopped; the demo store stays in " + str(Path(cfg.store.removeprefix("sqlite:///")).parent))
