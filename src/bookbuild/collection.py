"""The cyclic garbage collector paused, for steps that make millions of objects and no cycles.

The book model holds millions of containers (the pandoc AST, the word indexes); every full
collection that a step's own allocations set off walks all of them again (on Gibbon, a second or
more each time). Unpickling the chapters' readings and running the copy-edit checks make no
reference cycles to collect, so they run with the collector paused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
