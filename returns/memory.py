"""Reading big files without the cyclic garbage collector in the way. Pure: no Django.

A return of 100,000 episodes or a published file of a million rows keeps millions of small
tuples, lists and strings alive at once, and each pass of Python's cyclic collector walks all
of them: left on, it adds a third to the time of a published import and doubles that of a
return (bench/imports.py, bench/ssda903.py). The readers and importers make no reference
cycles, so pausing the collector loses nothing: reference counting still frees everything.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block. It is switched back on only by the
    call that switched it off, so nested or concurrent calls leave it as they found it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
