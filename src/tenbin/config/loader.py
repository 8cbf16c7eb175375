"""Load and validate the YAML config, resolving ``${ENV}`` secret references.

Errors name the field path and the reason (``providers.openai.base_url: Field required``) and
are raised before the server binds, so a wrong config never half-starts.

Relative paths in a config file (the SQLite store, the ledger spool, a GGUF model) are read
against the file's folder, not the current directory: ``tenbin costs -c /etc/tenbin/policy.yaml``
run from anywhere opens the gateway's database instead of creating an empty one where it stands.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import SecretStr, ValidationError

from tenbin.config.schema import DEFAULT_SECRET_ENV, Config, ProviderConfig, default_providers

_ENV_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


class ConfigError(Exception):
    """A configuration problem, phrased for the operator."""


def _format(err: ValidationError, origin: str) -> str:
    lines = [f"invalid configuration in {origin}:"]
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(root)"
        lines.append(f"  {loc}: {e['msg']}")
    return "\n".join(lines)


def _resolve_secrets(
    providers: Mapping[str, Any], env: Mapping[str, str]
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, raw in providers.items():
        if not isinstance(raw, Mapping):
            out[name] = raw
            continue
        item = dict(raw)
        key = item.get("api_key")
        if isinstance(key, str):
            m = _ENV_REF.match(key)
            if m:
                value = env.get(m.group(1))
                item["api_key"] = value or None
                if not value:
                    item["missing_secret"] = m.group(1)
            elif "${" in key:
                raise ConfigError(f"providers.{name}.api_key: malformed environment reference {key!r}")
            else:
                raise ConfigError(
                    f"providers.{name}.api_key: write secrets as an environment reference like "
                    "${OPENAI_API_KEY}, never inline in the config file"
                )
        out[name] = item
    return out


def build_config(raw: Mapping[str, Any] | None, env: Mapping[str, str] | None = None, origin: str = "config") -> Config:
    """Validate a parsed config mapping; shipped vendors are added unless the config redefines them."""
    env = os.environ if env is None else env
    data = dict(raw or {})
    providers = _resolve_secrets(data.get("providers") or {}, env)
    data["providers"] = providers
    try:
        cfg = Config.model_validate(data)
    except ValidationError as e:
        raise ConfigError(_format(e, origin)) from None
    merged: dict[str, ProviderConfig] = {}
    for name, default in default_providers().items():
        if name in cfg.providers:
            continue
        var = DEFAULT_SECRET_ENV.get(name)
        if var is None:
            merged[name] = default
        elif env.get(var):
            merged[name] = default.model_copy(update={"api_key": SecretStr(env[var])})
        else:
            merged[name] = default.model_copy(update={"missing_secret": var})
    merged.update(cfg.providers)
    return cfg.model_copy(update={"providers": merged})


def _relative_to(base: Path, value: str) -> str:
    p = Path(value).expanduser()
    return value if p.is_absolute() else str(base / p)


def resolve_paths(raw: dict[str, Any], base: Path) -> dict[str, Any]:
    """``raw`` with its relative file paths made absolute against ``base`` (the config's folder)."""
    out = dict(raw)
    # The default store too: a config file that names none keeps its database beside itself, so
    # the CLI finds it from any folder.
    store = out.setdefault("store", Config.model_fields["store"].default)
    if isinstance(store, str) and store.startswith("sqlite:///"):
        path = store.removeprefix("sqlite:///")
        if path and path != ":memory:":
            out["store"] = "sqlite:///" + _relative_to(base, path)
    ledger = out.get("ledger")
    if isinstance(ledger, Mapping) and isinstance(ledger.get("spool_dir"), str):
        out["ledger"] = {**ledger, "spool_dir": _relative_to(base, ledger["spool_dir"])}
    providers = out.get("providers")
    if isinstance(providers, Mapping):
        out["providers"] = {
            name: ({**p, "model_path": _relative_to(base, p["model_path"])}
                   if isinstance(p, Mapping) and isinstance(p.get("model_path"), str) else p)
            for name, p in providers.items()}
    return out


def config_hash(cfg: Config) -> str:
    """SHA-256 of the configuration in force (every field, defaults included, secrets as the
    variable names they came from): what the audit records at start and ``config check`` prints."""
    import json

    data = cfg.model_dump(mode="json")
    for name, p in data.get("providers", {}).items():
        if p.get("api_key") is not None:
            p["api_key"] = "set"  # the value is never hashed or shown; only whether there is one
        p["missing_secret"] = cfg.providers[name].missing_secret
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def load_config(path: str | Path | None, env: Mapping[str, str] | None = None) -> Config:
    """Read ``path`` (or return the no-config default: local model only, loopback)."""
    if path is None:
        return build_config({}, env, origin="defaults")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot read config file {p}: {e.strerror}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ConfigError(f"{p}: not valid YAML: {e}") from None
    if raw is not None and not isinstance(raw, dict):
        raise ConfigError(f"{p}: the top level must be a mapping")
    return build_config(resolve_paths(raw or {}, p.resolve().parent), env, origin=str(p))
