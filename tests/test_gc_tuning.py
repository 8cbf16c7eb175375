"""``tenbin serve``'s collector settings: start-up objects frozen out of every collection, a higher
first threshold, and cyclic garbage still collected. Run in a fresh interpreter each, so the test
process's own collector is left as it was."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                         timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_settle_freezes_what_is_alive_and_raises_the_first_threshold() -> None:
    got = _run("""
        import gc
        from tenbin.gc_tuning import THRESHOLD, settle
        import tenbin.gateway.runtime  # a good part of what serve imports before it settles
        kept = [{"n": i} for i in range(5000)]  # alive at start-up: must not be walked again
        frozen = settle()
        assert gc.get_threshold() == THRESHOLD and THRESHOLD[0] > 700, gc.get_threshold()
        assert frozen == gc.get_freeze_count() > len(kept), frozen
        ids = {id(o) for o in kept} | {id(kept)}
        assert not any(id(o) in ids for o in gc.get_objects()), "a frozen object is still walked"
        assert len(gc.get_objects()) < 1000, len(gc.get_objects())
        print("ok")
    """)
    assert got == "ok"


def test_cyclic_garbage_made_after_settle_is_still_collected() -> None:
    got = _run("""
        import gc, weakref
        from tenbin.gc_tuning import settle
        settle()

        class Node:
            pass

        first = []
        for i in range(30_000):  # 60,000 objects in cycles only the collector can free
            a, b = Node(), Node()
            a.other, b.other = b, a
            if i < 100:
                first.append(weakref.ref(a))
            del a, b
            assert gc.get_count()[0] <= gc.get_threshold()[0]
        assert all(r() is None for r in first), "no automatic collection freed the first cycles"
        print("ok")
    """)
    assert got == "ok"
