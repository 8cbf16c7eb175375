"""How many HTTP workers ``tenbin serve`` runs when ``--workers`` is not given."""

from __future__ import annotations

import importlib.util
import math
import os
from pathlib import Path

from tenbin.config.schema import Config

MAX_DEFAULT = 8  # past this the shared SQLite writer and the supervisor's state socket, not CPU, limit


def usable_cores(cgroup: Path = Path("/sys/fs/cgroup/cpu.max")) -> int:
    """CPUs this process may run on: its affinity mask, bounded by a cgroup v2 CPU quota
    (a container limited to 2 CPUs on a 64-core host gets 2, not 64)."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        n = os.cpu_count() or 1
    try:
        quota, period = cgroup.read_text().split()[:2]
        if quota != "max":
            n = min(n, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, n)


def embedded_providers(cfg: Config) -> list[str]:
    """Configured ``llamacpp`` providers that can actually load (llama-cpp-python installed):
    each HTTP worker would start its own engine processes for them."""
    if importlib.util.find_spec("llama_cpp") is None:
        return []
    return [name for name, p in cfg.providers.items() if p.kind == "llamacpp"]


def vendor_providers(cfg: Config) -> list[str]:
    """Configured vendor (HTTP) providers that have their credentials: what extra workers can speed up."""
    return [name for name, p in cfg.providers.items() if p.kind != "llamacpp" and p.missing_secret is None]


def default_workers(cfg: Config) -> tuple[int, str]:
    """(workers, why). One when the embedded engine is the only thing to serve — its model
    workers, not HTTP, bound the throughput, and every extra HTTP worker is another process's
    memory (docs/deployment.md, "Workers"); else the usable cores, capped."""
    if not vendor_providers(cfg):
        return 1, "no vendor provider has credentials: only the embedded engine serves"
    cores = usable_cores()
    n = min(cores, MAX_DEFAULT)
    return n, f"{cores} usable core{'s' if cores != 1 else ''}" + (f", capped at {MAX_DEFAULT}" if n < cores else "")
