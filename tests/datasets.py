"""Data sets some tests need that do not live in this repository.

The privacy dev set (``pii_ja_dev.jsonl``, the gold set the detector was built against) is kept in
the shared data checkout next to this repo, ``../shared/data/``; CI has it. A test that needs it
calls :func:`pii_dev_set`: without the file it is skipped with the reason on a developer machine,
and fails under ``CI=true`` (where a missing file means CI is misconfigured, not a pass).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PII_DEV_ENV = "TENBIN_PII_DEV"
PII_DEV_DEFAULT = ROOT.parent / "shared" / "data" / "pii_ja_dev.jsonl"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def shared_set(path: Path, why: str = "") -> Path:
    """``path`` (a file of the shared data checkout, or another copy of one), or skip (fail under
    CI=true) saying where it was looked for and why."""
    if path.is_file():
        return path
    why = why or f"needs {path}, which is not in this repository (the shared data checkout next to it, ../shared/data/)"
    if in_ci():
        pytest.fail(f"{why} — CI=true, where the file must be present", pytrace=False)
    pytest.skip(why)


def pii_dev_set() -> Path:
    """The dev set's path, or skip (fail under CI=true) saying where it was looked for and why."""
    path = Path(os.environ.get(PII_DEV_ENV) or PII_DEV_DEFAULT)
    return shared_set(path, f"needs the privacy dev set {path}, which is not in this repository (it lives in the "
                      f"shared data checkout next to it, ../shared/data/); set {PII_DEV_ENV}=/path/to/pii_ja_dev.jsonl "
                      "to use another copy")
