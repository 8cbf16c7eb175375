"""``tenbin serve``: run the gateway, and say in one block what is running once it is ready."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import re
import signal
import socket
from pathlib import Path
from typing import TYPE_CHECKING

import typer

import tenbin
from tenbin.cli.common import ConfigOption, err_console, load
from tenbin.config.schema import Config, ServerConfig
from tenbin.gateway.models import engine_text, model_states, provider_states
from tenbin.workers.protocol import COUNT_ENV, FD_ENV, INDEX_ENV, STATE_ENV

if TYPE_CHECKING:
    from tenbin.gateway.runtime import Runtime
    from tenbin.workers.link import StateLink

_URL_PASSWORD = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/@:]*):[^/]*@")  # up to the authority's last @
_QUERY_PASSWORD = re.compile(r"([?&](?:password|passwd|sslpassword)=)[^&]*", re.IGNORECASE)
_RUNNING_ON = re.compile(r"Running on (\S+)")


def safe_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` (``postgresql://app:***@db/tenbin``)."""
    return _QUERY_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1:***@", url))


def auth_mode(server: ServerConfig, keys: int | None) -> str:
    if server.auth == "required":
        return "API keys required (server.auth: required)"
    if not server.loopback:
        return "API keys required (not bound to loopback)"
    if keys is None:
        return "auto: open on loopback until the first key is created (key count unknown: store unreadable)"
    if keys:
        return f"API keys required ({keys} active key{'' if keys == 1 else 's'}; server.auth: auto)"
    return ("open on loopback: requests without a key are served as team `local` until the first key is created "
            "(local clients only: loopback Host, no foreign Origin; the admin API always needs a key)")


def _base_url(server: ServerConfig) -> str:
    host = f"[{server.host}]" if ":" in server.host else server.host
    return f"http://{host}:{server.port}"


def summary(runtime: Runtime, config: Path | None, *, url: str, keys: int | None) -> str:
    """The block ``tenbin serve`` prints when it is ready to answer."""
    cfg = runtime.cfg
    providers = provider_states(runtime.providers)
    up = [n for n, p in providers.items() if p.available]
    down = [(n, p.reason) for n, p in providers.items() if not p.available]
    usable = [s for s in model_states(runtime.catalog, providers, cfg.default_model) if s.available]
    default = next((s for s in usable if s.model.id == cfg.default_model), None)
    lines = [
        f"tenbin {tenbin.version()} ready on {url}/v1",
        f"  config       {config.resolve() if config is not None else 'none: embedded defaults'}",
        f"  store        {safe_url(cfg.store)}",
        f"  auth         {auth_mode(cfg.server, keys)}",
        f"  console      {url}/console (log in with an admin, team-admin or viewer key)",
        f"  available    {', '.join(up) or 'none'}",
    ]
    for i, (name, reason) in enumerate(down):
        lines.append(f"  {'unavailable' if i == 0 else '':<12} {name}: {reason}")
    for name, p in providers.items():
        if p.engine is not None:
            lines.append(f"  engine       {name}: {engine_text(p.engine)}")
    lines.append(f"  models       {len(usable)} usable now; default {cfg.default_model}"
                 + ("" if default is not None else " (not usable now)") + "; `tenbin models` lists all")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        config: ConfigOption = None,
        host: str | None = typer.Option(None, help="override server.host"),
        port: int | None = typer.Option(None, help="override server.port"),
        log_level: str = typer.Option("info", help="debug, info, warning, error"),
        workers: int | None = typer.Option(
            None, min=1, help="HTTP worker processes on the one port (default: the usable cores, capped at 8; "
                              "1 when only the embedded engine serves)"),
        listen: str = typer.Option("reuseport", hidden=True,
                                   help="workers: reuseport (each binds) or shared (one inherited socket)"),
    ) -> None:
        """Run the gateway (OpenAI-compatible API on http://HOST:PORT/v1)."""
        from aiohttp import web

        from tenbin.api.app import create_app
        from tenbin.api.server import run
        from tenbin.config.validate import check_config
        from tenbin.gateway.runtime import build_runtime
        from tenbin.logs import setup_logging

        setup_logging(log_level)
        cfg = load(config)
        server = cfg.server.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v is not None})
        cfg = cfg.model_copy(update={"server": server})
        worker = worker_env()
        if worker is None:
            n = pick_workers(cfg, workers)
            if n > 1:
                raise typer.Exit(supervise(n, config, server, log_level, listen))
        if not server.loopback and server.auth != "required" and (worker is None or worker[0] == 0):
            logging.getLogger("tenbin").warning("non-loopback bind: API keys are required for every request")
        link: StateLink | None = None
        if worker is not None:
            die_with_parent()
            cfg = own_spool(cfg, worker[0])
        if worker is not None:
            from tenbin.workers.link import StateLink

            link = StateLink(worker[2], on_lost=lambda: os.kill(os.getpid(), signal.SIGTERM))  # drain, exit
        try:
            runtime = build_runtime(cfg, worker_state=link)
            findings = check_config(cfg, runtime.catalog)
            findings.raise_for_errors(str(config) if config is not None else "defaults")
        except (ValueError, RuntimeError) as e:
            err_console.print(f"[red]error:[/red] {e}")
            raise typer.Exit(2) from None
        for w in findings.warnings if worker is None or worker[0] == 0 else ():  # said once, not per worker
            logging.getLogger("tenbin").warning("config: %s", w)
        runtime.config_source = str(config.resolve()) if config is not None else None
        if worker is not None and link is not None:
            runtime.extras["worker"] = {"index": worker[0], "of": worker[1], "pid": os.getpid()}  # /healthz
            share_engines(runtime, link)
            runtime.extras["reload_peers"] = functools.partial(link.tell, "reload", pid=os.getpid())  # SIGHUP others
            runtime.extras["adjust_config"] = functools.partial(own_spool, index=worker[0])  # on every reload
            runtime.extras["records_config"] = worker[0] == 0  # one config.load/reload audit entry, not N
        try:
            import uvloop

            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        except ImportError:
            pass
        app = create_app(runtime)
        keys: list[int | None] = [None]

        async def count_keys(_: web.Application) -> None:  # after create_app's start-up: store migrated
            try:
                keys[0] = await runtime.store.count_keys()
            except Exception:  # the summary says "unknown"; the first request reports the store error
                keys[0] = None

        app.on_startup.append(count_keys)

        async def reload_on_sighup(_: web.Application) -> None:
            # SIGHUP re-reads the config file and swaps policy, models, budgets and FX in place.
            import signal

            from tenbin.config.loader import ConfigError
            from tenbin.gateway.reload import reload_runtime

            async def go() -> None:
                try:
                    await reload_runtime(runtime)
                except (ConfigError, ValueError) as e:
                    logging.getLogger("tenbin").error("reload refused, the running config stays: %s", e)

            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(go(), name="config-reload"))

        app.on_startup.append(reload_on_sighup)

        async def settle_heap(_: web.Application) -> None:
            # Last of the start-up: what is alive now lives as long as the process, and the collector
            # need not walk it again nor run on every swing of the requests in flight (tenbin.gc_tuning).
            from tenbin.gc_tuning import settle

            settle()

        app.on_startup.append(settle_heap)

        told: set[asyncio.Task[None]] = set()

        def ready(message: str) -> None:
            # aiohttp calls this once every site listens; its message names the bound address(es).
            m = _RUNNING_ON.search(message)
            url = m.group(1).rstrip(",") if m else _base_url(server)
            text = summary(runtime, config, url=url, keys=keys[0])
            if link is None or worker is None:
                print(text, flush=True)
                return
            # a worker tells its supervisor, which prints one block once every worker is ready
            told.add(asyncio.get_running_loop().create_task(
                link.tell("ready", index=worker[0], pid=os.getpid(), summary=text)))

        sock = None
        if worker is not None and (fd := os.environ.get(FD_ENV)) is not None:
            sock = socket.socket(fileno=int(fd))
        # handler_cancellation: a client that leaves cancels its request, so the vendor call stops
        # (and stops being billed); the pipeline's one finish still writes the 499 row.
        # api.server.run: web.run_app whose connections answer even unparsable requests in OpenAI's shape
        run(app, server.host, server.port, print=ready, access_log=None, handler_cancellation=True,
            sock=sock, reuse_port=worker is not None and sock is None)


def worker_env() -> tuple[int, int, str] | None:
    """(index, count, state socket) when this process is a worker its supervisor started."""
    path = os.environ.get(STATE_ENV)
    if not path:
        return None
    return int(os.environ.get(INDEX_ENV, "0")), int(os.environ.get(COUNT_ENV, "1")), path


def die_with_parent() -> None:
    """A worker dies with its supervisor: ``kill -9`` of the server is a kill of all of it (its
    spools replay at the next start), not N orphans still holding the port and the spool locks.
    A supervisor that exits any other way drains its workers first (or they lose its socket and
    drain themselves). Linux only (prctl PR_SET_PDEATHSIG); elsewhere the socket loss still ends them."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name is None:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(name, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG


def own_spool(cfg: Config, index: int) -> Config:
    """A spool directory belongs to one process (flock): worker ``index`` spools in
    ``<spool_dir>/worker-<index>``, which the worker respawned in its slot replays."""
    if not cfg.ledger.spool_dir:
        return cfg
    spool = str(Path(cfg.ledger.spool_dir) / f"worker-{index}")
    return cfg.model_copy(update={"ledger": cfg.ledger.model_copy(update={"spool_dir": spool})})


def share_engines(runtime: Runtime, link: StateLink) -> None:
    """A worker's embedded providers use the supervisor's engine instead of starting their own."""
    from tenbin.providers.llamacpp import LlamaCppProvider
    from tenbin.workers.engine import RemoteEngine

    for name, p in runtime.providers.items():
        if isinstance(p, LlamaCppProvider):
            p.engine = RemoteEngine(link, name)


def pick_workers(cfg: Config, asked: int | None) -> int:
    """``--workers``, or the default (tenbin.workers.count.default_workers), said in the log."""
    from tenbin.workers.count import default_workers

    if asked is not None:
        return asked
    n, why = default_workers(cfg)
    logging.getLogger("tenbin").info("workers: %d (%s)", n, why)
    return n


def supervise(n: int, config: Path | None, server: ServerConfig, log_level: str, listen_mode: str) -> int:
    """Run ``n`` workers under :class:`tenbin.workers.supervisor.Supervisor`; its exit code."""
    from tenbin.workers.supervisor import Supervisor, bind, worker_argv

    if listen_mode not in ("shared", "reuseport"):
        err_console.print(f"[red]error:[/red] --listen must be reuseport or shared, not {listen_mode!r}")
        return 2
    try:  # reuseport: held, never listening, so the port is ours (and known, for --port 0) across restarts
        held = bind(server.host, server.port, reuse_port=listen_mode == "reuseport")
    except OSError as e:
        err_console.print(f"[red]error:[/red] cannot listen on {server.host}:{server.port}: {e}")
        return 1
    port = held.getsockname()[1]
    sock = held if listen_mode == "shared" else None
    argv = worker_argv(str(config.resolve()) if config is not None else None, server.host, port, log_level,
                       listen_mode)
    from tenbin.providers.llamacpp import LlamaCppProvider
    from tenbin.workers.count import embedded_providers

    cfg = load(config)  # the embedded engines run here, once, for every worker (tenbin.workers.engine)
    engines = {name: LlamaCppProvider(name, cfg.providers[name]) for name in embedded_providers(cfg)}
    sup = Supervisor(n, argv, sock, lambda text: print(text, flush=True), engines)
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    try:
        return asyncio.run(sup.run())
    finally:
        held.close()
