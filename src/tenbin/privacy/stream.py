"""Restore placeholders in a streamed answer, even when one is split across chunks."""

from __future__ import annotations

from collections.abc import Callable

from tenbin.privacy.placeholders import OPEN, is_partial


class StreamRestorer:
    """Feeds SSE text deltas through ``restore`` without ever emitting half a placeholder.

    It holds back only a suffix that could still become a placeholder (``〔氏``, ``〔氏名1``) and
    releases it the moment it cannot (``〔注`` is flushed immediately), so latency stays at
    one token for ordinary text.
    """

    def __init__(self, restore: Callable[[str], str]) -> None:
        self._restore = restore
        self._buf = ""

    def feed(self, chunk: str) -> str:
        """Add a chunk; return the text that is now safe to send downstream (maybe empty)."""
        buf = self._buf + chunk
        cut = buf.rfind(OPEN)
        if cut >= 0 and is_partial(buf[cut:]):
            self._buf = buf[cut:]
            ready = buf[:cut]
        else:
            self._buf = ""
            ready = buf
        return self._restore(ready) if ready else ""

    def flush(self) -> str:
        """End of stream: release whatever is held back (a dangling 〔氏 stays as typed)."""
        rest, self._buf = self._buf, ""
        return self._restore(rest) if rest else ""
