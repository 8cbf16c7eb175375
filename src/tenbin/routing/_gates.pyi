"""Types of the optional C extension built from _gates.c (setup.py)."""

from collections.abc import Collection, Sequence

class Gates:
    def __init__(self, families: Sequence[Sequence[Sequence[Collection[str]]]]) -> None: ...
    def may(self, text: str, /) -> int: ...
