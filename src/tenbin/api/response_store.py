"""Stored Responses (``store: true``): ``GET``/``DELETE /v1/responses/{id}`` and
``previous_response_id``.

What is kept follows the raw-retention policy, as everything else tenbin stores: the response's
metadata (status, model, usage, ids) always — it holds no client text — and its content (the
conversation's input items, the output items, instructions, metadata, tools) only when
``governance.retain_raw`` is on, encrypted with the same key as the audit's raw rows and bound to
the response id. Without retention a stored response can be read back without its content, and
``previous_response_id`` is refused with a 400 that says why. Responses belong to the team of the
key that made them: another team's key gets a 404, as for an id that never existed. Rows expire
after the retention period (30 days when retention is off).

Rows are written behind the request, batched like the ledger's (``batching.BatchWriter``): a
per-response INSERT awaited in the request cost ~0.4 ms of CPU at concurrency 16. Until its batch
is stored a response is read from memory, so the replica that answered can be asked for it at
once; another replica sees it after the flush (``flush_interval_s``, 50 ms).
"""

from __future__ import annotations

import logging
from typing import Any

import orjson

from tenbin.batching import BatchWriter
from tenbin.clock import Clock
from tenbin.context import Principal
from tenbin.errors import BadRequest, NotFound
from tenbin.governance.raw import RawVault
from tenbin.store.base import Store

DEFAULT_TTL_S = 30 * 86400.0
_CONTENT = ("output", "instructions", "metadata", "tools")
_COLS = ("id", "request_id", "key_id", "team", "created_at", "expires_at", "envelope", "key_ref", "nonce",
         "ciphertext")
_INSERT = (f"INSERT INTO responses ({', '.join(_COLS)}) VALUES ({', '.join('?' for _ in _COLS)})"
           " ON CONFLICT (id) DO NOTHING")
log = logging.getLogger("tenbin.responses")


class _Writer(BatchWriter[tuple[Any, ...]]):
    def __init__(self, store: Store, pending: dict[str, dict[str, Any]]) -> None:
        super().__init__("responses", log, batch_size=256, flush_interval_s=0.05, max_buffer=50_000)
        self.store = store
        self.pending_rows = pending

    async def write(self, batch: list[tuple[Any, ...]]) -> None:
        await self.store.executemany(_INSERT, batch)

    def stored(self, batch: list[tuple[Any, ...]]) -> None:
        for row in batch:
            self.pending_rows.pop(row[0], None)

    def is_content_error(self, exc: Exception) -> bool:
        return self.store.is_content_error(exc)

    async def quarantine(self, item: tuple[Any, ...], exc: Exception) -> bool:
        self.pending_rows.pop(item[0], None)
        return False  # a response the store refuses is not kept (its request's ledger row is)

    def item_id(self, item: tuple[Any, ...]) -> str:
        return str(item[0])


def _input_items(body: dict[str, Any]) -> list[Any]:
    items = body.get("input")
    return [{"type": "message", "role": "user", "content": items}] if isinstance(items, str) else list(items or [])


class ResponseStore:
    def __init__(self, store: Store, vault: RawVault | None, clock: Clock) -> None:
        self.store = store
        self.vault = vault
        self.clock = clock
        self.ttl_s = vault.ttl_s if vault is not None else DEFAULT_TTL_S
        self.pending: dict[str, dict[str, Any]] = {}  # written behind: id → row, until stored
        self.writer = _Writer(store, self.pending)

    def start(self) -> None:
        self.writer.start()

    async def close(self) -> None:
        await self.writer.close()

    async def _row(self, principal: Principal, response_id: str) -> dict[str, Any]:
        now = self.clock.now().timestamp()
        mem = self.pending.get(response_id)
        if mem is not None and mem["team"] == principal.team and mem["expires_at"] > now:
            return mem
        rows = await self.store.query(
            "SELECT * FROM responses WHERE id = ? AND team = ? AND expires_at > ?",
            (response_id, principal.team, now))
        if not rows:
            raise NotFound(f"No response with id '{response_id}' found.", param="response_id",
                           code="response_not_found")
        return rows[0]

    def _content(self, row: dict[str, Any]) -> dict[str, Any] | None:
        if self.vault is None or row.get("ciphertext") is None:
            return None
        value = self.vault.open_value(row["id"], row["key_ref"], row["nonce"], row["ciphertext"])
        return value if isinstance(value, dict) else None

    async def expand(self, principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
        """``body`` with ``previous_response_id`` replaced by that conversation's items in front of
        this request's input (the previous instructions are not carried over, as at OpenAI)."""
        prev_id = body.get("previous_response_id")
        if prev_id is None:
            return body
        if not isinstance(prev_id, str):
            raise BadRequest("'previous_response_id' must be a string.", param="previous_response_id")
        try:
            row = await self._row(principal, prev_id)
        except NotFound:  # as OpenAI answers it: the request is what is wrong, not the URL
            raise BadRequest(f"Previous response with id '{prev_id}' not found.", param="previous_response_id",
                             code="previous_response_not_found") from None
        content = self._content(row)
        if content is None:
            raise BadRequest(
                f"Response '{prev_id}' was stored without its content: raw retention (governance.retain_raw) "
                "is off on this gateway, so send the conversation's items in 'input'.",
                param="previous_response_id", code="response_content_not_retained")
        out = {k: v for k, v in body.items() if k != "previous_response_id"}
        out["input"] = [*content["input"], *content["output"], *_input_items(body)]
        return out

    async def keep(self, principal: Principal, request_id: str, body: dict[str, Any],
                   response: dict[str, Any]) -> None:
        """Store ``response`` (unless the request said ``store: false``); ``body`` is the expanded
        request, so a chain of previous_response_ids keeps the whole conversation."""
        if body.get("store") is False:
            return
        response["store"] = True
        envelope = {k: v for k, v in response.items() if k not in _CONTENT}
        sealed: tuple[Any, Any, Any] = (None, None, None)
        if self.vault is not None:
            content = {"input": _input_items(body), **{k: response.get(k) for k in _CONTENT}}
            sealed = self.vault.seal_value(response["id"], content)
        now = self.clock.now().timestamp()
        row = (response["id"], request_id, principal.key_id, principal.team, now, now + self.ttl_s,
               orjson.dumps(envelope).decode(), *sealed)
        self.pending[row[0]] = dict(zip(_COLS, row, strict=True))
        if not self.writer.push(row):
            self.pending.pop(row[0], None)

    async def get(self, principal: Principal, response_id: str) -> dict[str, Any]:
        row = await self._row(principal, response_id)
        out: dict[str, Any] = orjson.loads(row["envelope"])
        content = self._content(row)
        if content is not None:
            out.update({k: content.get(k) for k in _CONTENT})
        else:
            out.update(output=[], instructions=None, metadata={}, tools=[])
        return out

    async def delete(self, principal: Principal, response_id: str) -> dict[str, Any]:
        await self._row(principal, response_id)  # 404 for another team's or an unknown id
        await self.writer.flush()  # a row still waiting for its batch must not be written after this
        await self.store.execute("DELETE FROM responses WHERE id = ? AND team = ?", (response_id, principal.team))
        return {"id": response_id, "object": "response", "deleted": True}
