"""Opt-in raw prompt/answer retention, encrypted at rest with AES-256-GCM, purged after a TTL.

Off by default: raw prompts are exactly the personal data the gateway exists to protect. When an
operator turns it on (e.g. for an incident-review obligation), the key comes from an environment
variable and never touches the config file or the database; rows carry a short key fingerprint so
a rotated key is detectable. Without the ``cryptography`` package, or without the key, enabling it
is refused at start-up rather than silently storing plaintext.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import time
from collections.abc import Mapping
from typing import Any

import orjson

from tenbin.governance.config import RetainRaw
from tenbin.store.base import Store

_INSERT = ("INSERT INTO audit_raw (request_id, team, created_at, expires_at, key_ref, nonce, ciphertext)"
           " VALUES (?,?,?,?,?,?,?) ON CONFLICT (request_id) DO NOTHING")


class RetentionError(ValueError):
    """Raw retention was asked for but cannot be done safely."""


def load_key(cfg: RetainRaw, env: Mapping[str, str]) -> bytes:
    value = env.get(cfg.key_env)
    if not value:
        raise RetentionError(
            f"governance.retain_raw.enabled is true but ${cfg.key_env} is not set: set it to a base64 "
            "32-byte key (python -c 'import os,base64;print(base64.b64encode(os.urandom(32)).decode())')")
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RetentionError(f"${cfg.key_env} is not valid base64") from None
    if len(key) != 32:
        raise RetentionError(f"${cfg.key_env} must decode to 32 bytes (AES-256), got {len(key)}")
    return key


class RawVault:
    def __init__(self, key: bytes, ttl_days: int) -> None:
        try:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        except ImportError:
            raise RetentionError(
                "governance.retain_raw needs the 'cryptography' package for AES-GCM encryption at rest "
                "(pip install cryptography); refusing to store raw prompts unencrypted") from None
        self._aead = AESGCM(key)
        self.key_ref = hashlib.sha256(key).hexdigest()[:16]
        self.ttl_s = ttl_days * 86400.0

    @classmethod
    def from_config(cls, cfg: RetainRaw, env: Mapping[str, str] | None = None) -> RawVault | None:
        if not cfg.enabled:
            return None
        return cls(load_key(cfg, os.environ if env is None else env), cfg.ttl_days)

    def seal(self, request_id: str, team: str, prompt: bytes, answer: str,
             now: float | None = None) -> tuple[Any, ...]:
        """One audit_raw row. The request id is the AEAD associated data, so a ciphertext moved to
        another row fails to decrypt."""
        now = time.time() if now is None else now
        nonce = os.urandom(12)
        plain = orjson.dumps({"messages": orjson.Fragment(prompt), "answer": answer})
        ct = self._aead.encrypt(nonce, plain, request_id.encode())
        return (request_id, team, now, now + self.ttl_s, self.key_ref, nonce, ct)

    def seal_value(self, aad: str, value: Any) -> tuple[str, bytes, bytes]:
        """(key_ref, nonce, ciphertext) of any JSON value, bound to ``aad`` (its row's id), for the
        other content kept under this policy (stored Responses)."""
        nonce = os.urandom(12)
        return self.key_ref, nonce, self._aead.encrypt(nonce, orjson.dumps(value), aad.encode())

    def open_value(self, aad: str, key_ref: str, nonce: bytes, ciphertext: bytes) -> Any:
        if key_ref != self.key_ref:
            raise RetentionError(f"row was encrypted with key {key_ref}, not the current key")
        return orjson.loads(self._aead.decrypt(bytes(nonce), bytes(ciphertext), aad.encode()))

    def open(self, row: Mapping[str, Any]) -> dict[str, Any]:
        if row["key_ref"] != self.key_ref:
            raise RetentionError(f"row was encrypted with key {row['key_ref']}, not the current key")
        plain = self._aead.decrypt(bytes(row["nonce"]), bytes(row["ciphertext"]), row["request_id"].encode())
        out: dict[str, Any] = orjson.loads(plain)
        return out

    @staticmethod
    async def store_rows(store: Store, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            await store.executemany(_INSERT, rows)

    @staticmethod
    async def purge(store: Store, now: float | None = None) -> int:
        return await store.execute("DELETE FROM audit_raw WHERE expires_at < ?",
                                   (time.time() if now is None else now,))
