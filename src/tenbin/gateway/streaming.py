"""A streamed answer, from the vendor's first content-bearing chunk to the stream's one finish.

The stream commits to a model only at its first chunk carrying any of the answer, so a failure
before that still falls back; the breaker's verdict on the vendor comes at the stream's end; the
restorer puts real values back chunk by chunk; and whatever ends it (the last chunk, a vendor
failure, a fault of ours, the client leaving) calls the request's ``Finish`` once. The pipeline
(``pipeline.py``) hands over here once the request is routed and its reservation taken.

A model that speaks the face's own format streams the vendor's events instead of chat chunks;
they are relayed as they come (``NativeRelay``: placeholders restored in text and tool-input
deltas), as ``{"event": name, "data": event}`` items, under the same commit, verdict and finish.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from tenbin.context import RequestContext, Usage
from tenbin.gateway.finish import Finish, outcome_of, prompt_estimate
from tenbin.gateway.hooks import AnswerTap
from tenbin.gateway.privacy_stage import PrivacyPlan
from tenbin.gateway.served import Served
from tenbin.providers.base import ChatCall, NativeSpeaker, Provider, ProviderError, StreamChunk
from tenbin.providers.public import describe, redact
from tenbin.routing.features import estimate_tokens

if TYPE_CHECKING:
    from tenbin.gateway.pipeline import Bodies, Gateway

log = logging.getLogger("tenbin.gateway")


#: Yielded by ``Stream.chunks`` between chunks: write what is held now, the next chunk may take a while.
FLUSH: Final = None


@dataclass(slots=True)
class Stream:
    """A streamed answer. The caller must ``aclose()`` it when done, however it ends — also when
    it never started iterating (the client left before the first byte): that is what writes the
    request's row, audit entry and settlement in that case."""

    chunks: AsyncIterator[dict[str, Any] | None]  # a chunk, or FLUSH
    served: Served
    closer: Callable[[], Awaitable[None]] | None = None
    native: bool = False  # the items are the vendor's own events ({"event", "data"}), not chat chunks

    async def aclose(self) -> None:
        aclose = getattr(self.chunks, "aclose", None)
        try:
            if aclose is not None:
                await aclose()  # a started generator finishes the request in its ``finally``
        finally:
            if self.closer is not None:
                await self.closer()  # idempotent: finishes a request the generator never started


async def open_stream(gw: Gateway, ctx: RequestContext, fin: Finish, bodies: Bodies,
                      plan: PrivacyPlan | None) -> Stream:
    decision = fin.decision
    assert decision is not None

    async def first_content(p: Provider, c: ChatCall) -> tuple[AsyncIterator[StreamChunk], list[StreamChunk]]:
        """Read the stream up to its first content-bearing chunk, holding back what came
        before (a role-only or empty first chunk): until then nothing reached the client, so
        a failure — invalid JSON, a cut, silence — still falls back to the next model. A
        stream that ends cleanly without content is an (empty) answer."""
        gen = (p.native_stream(c) if c.native is not None and isinstance(p, NativeSpeaker) else p.stream(c)).__aiter__()
        held: list[StreamChunk] = []
        try:
            while not (held and _bears(held[-1])):
                try:
                    held.append(await gen.__anext__())
                except StopAsyncIteration:
                    if not held:
                        raise ProviderError("bad_response", "upstream stream was empty") from None
                    break
        except BaseException:
            aclose = getattr(gen, "aclose", None)
            if aclose is not None:
                await aclose()
            raise
        return gen, held

    served, (gen, held) = await gw._try_chain(ctx, decision, bodies, first_content, fin.tried,
                                                judged_later=True, plan=plan)
    fin.served = served
    # Committed: the breaker's verdict on this vendor comes at the stream's end — a stream
    # that breaks after its first chunk is a failure like one that never started, so a
    # vendor that always breaks its streams leaves rotation; a client that left is no verdict.
    breaker = gw.breakers.get(served.model.id)
    verdict: list[Callable[[], None]] = [breaker.release]

    def judge(outcome: Callable[[], None]) -> None:
        if verdict:
            verdict.clear()
            outcome()

    fin.ttft = (time.perf_counter() - ctx.started_mono) * 1000
    try:
        body = bodies(served.model) or ctx.body  # what the answering model received
        fin.masked = plan.masked_for(served.model) if plan else None
        native = held[0].event is not None
        relay = None
        if native:
            assert ctx.native is not None
            relay = ctx.native.codec.relay(fin.masked.answers if fin.masked else None, ctx.request_id,
                                           served.model.id)
            restorer = None
        else:
            restorer = fin.masked.stream_restorer() if fin.masked else None
    except BaseException:
        # A fault of ours before the stream is handed over: nobody will read or close it, so
        # free a half-open trial and stop the vendor here (the request is finished by chat()).
        judge(breaker.release)
        aclose = getattr(gen, "aclose", None)
        if aclose is not None:
            with contextlib.suppress(Exception):
                await aclose()
        raise
    want_usage = bool((ctx.body.get("stream_options") or {}).get("include_usage"))
    tap = fin.answer = AnswerTap(gw.audit.keeps_raw)
    delivered = fin.delivered()
    reported: list[Usage] = []

    def billed() -> Usage:
        """The vendor's count when it arrived; else an estimate from the prompt sent and the text
        delivered (a client that left, a cut stream), marked ``reported=False``."""
        if reported:
            return reported[-1]
        return Usage(prompt_tokens=prompt_estimate(body), completion_tokens=delivered.tokens)

    async def close_upstream() -> None:
        aclose = getattr(gen, "aclose", None)
        if aclose is not None:
            with contextlib.suppress(Exception):
                await aclose()  # stops the vendor's generation: nobody will read the rest

    async def closer() -> None:
        # The row first: it is written without awaiting, so nothing that interrupts the close
        # of the upstream (a second cancellation) can lose it.
        judge(breaker.release)
        await fin(499, "client_disconnected", billed())
        await close_upstream()

    async def chunks() -> AsyncIterator[dict[str, Any] | None]:
        status: int = 200
        error: str | None = None
        # What was held back is all here, and the last of it is the first of the answer: that
        # one goes to the client at once (the time to the first token), whatever follows it.
        for h in held[:-1]:
            h.more = True
        held[-1].more = False
        pending = iter(held)
        item: StreamChunk | None = next(pending)
        owed = False  # a chunk was yielded since the last flush
        try:
            while item is not None:
                if item.usage is not None:
                    reported.append(item.usage)
                if relay is not None and item.event is not None:
                    for name, data in relay.feed(item.event, item.chunk):
                        text = relay.text(data)
                        if text:
                            tap.feed(text)
                            delivered.tokens += estimate_tokens(text)
                        owed = True
                        yield {"event": name, "data": data}
                else:
                    chunk: dict[str, Any] | None = item.chunk
                    assert chunk is not None
                    chunk["model"] = served.model.id
                    if restorer is not None:
                        restorer.restore_chunk(chunk)
                    if not want_usage:
                        # We always ask the upstream for usage; hide it from clients that did not.
                        if "usage" in chunk and not chunk.get("choices"):
                            chunk = None
                        else:
                            chunk.pop("usage", None)
                    if chunk is not None:
                        tap.feed_choices(chunk, "delta")
                        delivered.feed(chunk)
                        owed = True
                        yield chunk
                if owed and not item.more:
                    # The next item may take the vendor's time: what the client is owed goes out
                    # now (checked after a hidden item too). Until then chunks that came in one
                    # read are written in one, not one syscall each.
                    owed = False
                    yield FLUSH
                item = await _next(pending, gen)
            judge(breaker.success)
            if restorer is not None:
                tail = restorer.flush_chunk(served.model.id)
                if tail is not None:
                    tap.feed_choices(tail, "delta")
                    delivered.feed(tail)
                    yield tail
        except ProviderError as e:
            status, error = 502, e.kind
            judge(breaker.failure)  # a stream that breaks mid-way is a failure too
            log.warning("request %s: stream from %s failed (%s: %s)", ctx.request_id, served.model.id, e.kind,
                        redact(e.message))
            yield {"error": {"message": f"upstream stream failed: {served.model.id} {describe(e)}",
                             "type": "upstream_error",
                             "param": None, "code": e.kind}}
        except Exception as e:  # a fault of ours mid-stream: 500 with its class, not a disconnect
            status, error = outcome_of(e)
            log.exception("request %s: stream from %s failed", ctx.request_id, served.model.id)
            yield {"error": {"message": "internal error while streaming the answer", "type": "server_error",
                             "param": None, "code": error}}
        except BaseException as e:  # the client left (GeneratorExit) or the request was cancelled
            status, error = outcome_of(e)
            raise
        finally:
            judge(breaker.release)  # no verdict yet: the client left, or a fault of ours
            await fin(status, error, billed())
            await close_upstream()

    return Stream(chunks(), served, closer, native)


async def _next(pending: Iterator[StreamChunk], gen: AsyncIterator[StreamChunk]) -> StreamChunk | None:
    """The next item: what was held back before the commit first, then the vendor's stream."""
    item = next(pending, None)
    if item is None:
        try:
            item = await gen.__anext__()
        except StopAsyncIteration:
            item = None
    return item


def _bears(item: StreamChunk) -> bool:
    """Does this item carry any of the answer? A native event says so itself (its adapter knows
    the format); a chat chunk is read here."""
    return item.content if item.event is not None else _bears_content(item.chunk)


def _bears_content(chunk: dict[str, Any]) -> bool:
    """Does this stream chunk carry any of the answer (text, a refusal, a tool call, or its end)?
    Until one does, the stream is not committed to its model."""
    for choice in chunk.get("choices") or ():
        if not isinstance(choice, dict):
            continue
        if choice.get("finish_reason") is not None:
            return True
        delta = choice.get("delta") or {}
        if delta.get("content") or delta.get("refusal") or delta.get("tool_calls") or delta.get("function_call"):
            return True
    return False

async def close_quietly(gen: Any) -> None:
    """Close a vendor's stream (its generator) if it can be closed, whatever closing raises."""
    aclose = getattr(gen, "aclose", None)
    if aclose is not None:
        with contextlib.suppress(Exception):
            await aclose()
