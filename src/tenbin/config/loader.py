"""Load and validate the YAML config, resolving ``${ENV}`` secret references.

Errors name the field path and the reason (``providers.openai.base_url: Field required``) and
are raised before the server binds, so a wrong config never half-starts.
"""

from __future__ import annotations

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
    return build_config(raw, env, origin=str(p))
