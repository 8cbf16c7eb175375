"""Typed configuration: one YAML file, validated at start-up with field-named errors."""

from tenbin.config.loader import ConfigError, load_config
from tenbin.config.schema import Config, ProviderConfig, ServerConfig

__all__ = ["Config", "ConfigError", "ProviderConfig", "ServerConfig", "load_config"]
