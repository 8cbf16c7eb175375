"""How many workers ``tenbin serve`` runs by default."""

from __future__ import annotations

import os
from pathlib import Path

from tenbin.config.loader import build_config
from tenbin.workers.count import MAX_DEFAULT, default_workers, usable_cores
from tests.conftest import fake_model, openai_provider


def test_usable_cores_follow_a_cgroup_quota(tmp_path: Path) -> None:
    affinity = len(os.sched_getaffinity(0))
    quota = tmp_path / "cpu.max"
    quota.write_text("max 100000\n")
    assert usable_cores(quota) == affinity
    quota.write_text("150000 100000\n")  # 1.5 CPUs: two workers can use it
    assert usable_cores(quota) == min(affinity, 2)
    quota.write_text("50000 100000\n")
    assert usable_cores(quota) == 1
    assert usable_cores(tmp_path / "missing") == affinity


def test_one_worker_when_only_the_embedded_engine_can_serve() -> None:
    n, why = default_workers(build_config({}, env={}))  # shipped vendors without keys + local
    assert n == 1 and "embedded" in why


def test_the_cores_capped_when_a_vendor_has_credentials() -> None:
    cfg = build_config({"providers": {"fake": openai_provider("http://127.0.0.1:9/v1")},
                        "models": [fake_model("gpt-4o", "fake")], "default_model": "gpt-4o"},
                       env={"FAKE_KEY": "k"})
    n, _ = default_workers(cfg)
    assert n == min(usable_cores(), MAX_DEFAULT)
