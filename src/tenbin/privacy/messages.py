"""Walk the text of OpenAI chat messages (string content or a list of typed parts)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any


def iter_text_parts(messages: Sequence[Mapping[str, Any]]) -> Iterator[tuple[int, int, str]]:
    """Yield ``(message_index, part_index, text)``; images, audio and tool payloads are skipped.

    ``part_index`` is 0 for string content and the index in the parts list otherwise, so the
    masker can write back to exactly the same place.
    """
    for mi, msg in enumerate(messages):
        content = msg.get("content")
        if isinstance(content, str):
            yield mi, 0, content
        elif isinstance(content, list):
            for pi, part in enumerate(content):
                if not isinstance(part, Mapping) or part.get("type") != "text":
                    continue
                text = part.get("text")
                if isinstance(text, str):
                    yield mi, pi, text
