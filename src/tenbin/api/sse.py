"""The response headers every Server-Sent Events stream carries, whatever the face (framing is the
face's: ``faces/chat.py`` for OpenAI's ``data:`` lines, ``faces.sse_event`` for named events)."""

from __future__ import annotations

SSE_HEADERS = {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
}
