"""The cyclic garbage collector's settings for ``tenbin serve`` (a long-running server process).

Why (bench/gateway_overhead/stalls.py, README "Stalls"): with CPython's defaults a request makes
no cyclic garbage at all — its objects are freed by reference counting — yet at c=64 with a
200 ± 100 ms upstream the collector ran 6–14 times a second, set off by the swings of the live
set (64 requests in flight, ledger and audit batches buffered for up to 200 ms), and promoted
whatever was alive at that moment. About once a second that was a second-generation collection
(~4 ms of CPU), and every ~10 s the promotions triggered a full one, which walks all of the
~72,000 objects alive after start-up: 60–70 ms of CPU with the loop stopped — 340–400 ms of wall
time on a busy 2-core box — for every request in flight.

So, once the app has started: collect what start-up left, move every object still alive into the
permanent generation (``gc.freeze``: never walked again; a full collection then costs ~2–13 ms
instead of 50–70), and raise the first generation's threshold from 700 to 10,000 net allocations,
so that most swings of the live set no longer set it off. Measured on the same busy box: at c=64
with the 200 ± 100 ms upstream, 0.1–0.4 collections a second of 6–14 ms of CPU each, against
~12 a second of 1 ms, one a second of ~4.5 ms and a full one every ~10 s before; saturated at
c=16, ~2 a second of ~5 ms against ~70, ~7 and ~0.6 (of ~50 ms) a second — the collector's CPU
per request fell from ~67 to ~8 µs. A larger threshold makes each collection longer (more young
objects alive when it runs), a smaller one more frequent; 3,000 measured in between. Cyclic
garbage (an error's traceback, say) is still collected, after at most 10,000 objects have piled
up. The other generations keep their defaults. Not for tests or embedding: only ``serve`` calls it.
"""

from __future__ import annotations

import gc

THRESHOLD = (10_000, 10, 10)


def settle() -> int:
    """Collect, freeze what is alive, set :data:`THRESHOLD`; the number of objects frozen."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLD)
    return gc.get_freeze_count()
