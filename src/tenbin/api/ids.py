"""Request ids: 96 bits from a generator of tenbin's own.

Not the ``random`` module's shared generator: any code in the process that seeds it (a library, a
test framework such as hypothesis, which seeds it before every example) would make ids repeat, and
the ledger and audit rows are keyed by request id (PostgreSQL drops a repeated id on conflict).
Not ``secrets`` either: ids are correlation handles, not secrets, and ``getrandbits`` costs no
``getrandom()`` syscall per request. Seeded from ``os.urandom`` and again in every forked child.
"""

from __future__ import annotations

import os
import random

from aiohttp import web

# The request key the id is kept under. Here rather than in ``state`` (which imports the runtime and
# the authenticator) so the error and refusal code, which ``state``'s own imports depend on,
# can read it with a module-level import and no cycle.
REQUEST_ID = web.RequestKey("request_id", str)

_RNG = random.Random()
os.register_at_fork(after_in_child=_RNG.seed)


_BITS = _RNG.getrandbits


def request_id() -> str:
    # The same 24 hex digits as f"{n:024x}", which formats a 96-bit int at ~3x the cost.
    return "req_" + _BITS(96).to_bytes(12, "big").hex()
