"""Logging setup. Messages never carry secrets or raw prompts: code logs ids, classes and counts."""

from __future__ import annotations

import logging
import re

_SECRET = re.compile(r"(tb-[0-9a-f]{12}-)[A-Za-z0-9_\-]+|(sk-[A-Za-z0-9_\-]{6})[A-Za-z0-9_\-]+|(Bearer )\S+")


class RedactSecrets(logging.Filter):
    """Last line of defence: masks anything shaped like an API key in a formatted record."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        clean = _SECRET.sub(lambda m: (m.group(1) or m.group(2) or m.group(3)) + "***", msg)
        if clean != msg:
            record.msg, record.args = clean, ()
        return True


def setup_logging(level: str = "info") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
