"""API keys: issued once, stored as salted hashes, bound to a team and project."""

from tenbin.auth.keys import KeyRing, generate_key, parse_key

__all__ = ["KeyRing", "generate_key", "parse_key"]
