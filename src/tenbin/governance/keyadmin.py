"""Key lifecycle with role checks and an audit entry per change, shared by the admin API and CLI.

Revocation and rotation go through the serving process's KeyRing, which evicts its cache at once,
so the old key is refused on the very next request to this replica. Other replicas hold a
verified key for at most ``KeyRing.ttl_s`` (2 s by default) before re-reading the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tenbin.auth.keys import ROLES, KeyRing
from tenbin.context import Principal
from tenbin.errors import BadRequest, Forbidden, NotFound
from tenbin.governance.roles import assignable_models, require_key_manager, require_manageable
from tenbin.governance.writer import AuditWriter
from tenbin.store.base import KeyRecord


def key_view(rec: KeyRecord) -> dict[str, Any]:
    """A key as the admin API shows it: never the salt or hash."""
    return {"id": rec.id, "team": rec.team, "project": rec.project, "role": rec.role, "name": rec.name,
            "allowed_models": list(rec.allowed_models) if rec.allowed_models is not None else None,
            "created_at": rec.created_at, "revoked_at": rec.revoked_at}


@dataclass(slots=True)
class KeyAdmin:
    keyring: KeyRing
    audit: AuditWriter | None

    async def _log(self, actor: Principal, action: str, rec: KeyRecord, **detail: Any) -> None:
        if self.audit is not None:
            self.audit.admin(actor, action, target=rec.id, team=rec.team,
                             detail={"role": rec.role, "project": rec.project, **detail})
            await self.audit.flush()  # admin actions are rare: make them durable before answering

    async def create(self, actor: Principal, team: str | None, project: str, role: str, name: str | None,
                     models: tuple[str, ...] | None) -> tuple[str, KeyRecord]:
        team = team or actor.team
        if role not in ROLES:
            raise BadRequest(f"role must be one of {', '.join(ROLES)}", param="role")
        require_key_manager(actor, team)
        models = assignable_models(actor, role, models)
        plaintext, rec = await self.keyring.create(team, project, role, name, models)
        await self._log(actor, "key.create", rec)
        return plaintext, rec

    async def _owned(self, actor: Principal, key_id: str) -> KeyRecord:
        rec = await self.keyring.store.get_key(key_id)
        if rec is None:
            raise NotFound(f"No API key with id {key_id!r}.", code="key_not_found")
        require_manageable(actor, rec.team, rec.role)
        return rec

    async def revoke(self, actor: Principal, key_id: str) -> KeyRecord:
        rec = await self._owned(actor, key_id)
        if rec.revoked_at is not None:
            raise BadRequest(f"Key {key_id} is already revoked.", code="key_revoked")
        await self.keyring.revoke(key_id)
        await self._log(actor, "key.revoke", rec)
        return await self._owned(actor, key_id)

    async def rotate(self, actor: Principal, key_id: str) -> tuple[str, KeyRecord]:
        """A new secret with the same team, project, role, name and models; the old key stops now."""
        old = await self._owned(actor, key_id)
        if old.revoked_at is not None:
            raise BadRequest(f"Key {key_id} is revoked; create a new key instead.", code="key_revoked")
        # the caller receives the new secret: refuse a key broader than the caller's own
        if assignable_models(actor, old.role, old.allowed_models) != old.allowed_models:
            raise Forbidden(f"Key {key_id} may use models your key may not; only an admin can rotate it.",
                            code="insufficient_role")
        plaintext, new = await self.keyring.create(old.team, old.project, old.role, old.name,
                                                   old.allowed_models)
        await self.keyring.revoke(old.id)
        await self._log(actor, "key.rotate", new, replaces=old.id)
        return plaintext, new
