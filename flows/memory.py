"""Memory housekeeping for a review that holds a whole province in one process.

- `gc_settled()`: the objects alive on entry (the imported libraries: Prefect, SQLAlchemy,
  pandas) and those alive at each `settle()` inside (the parsed reports: hundreds of
  thousands of dicts and lists at 10,000 agencies) are left out of the cyclic
  collector's passes until exit (`gc.freeze`). Without it every full pass walks them
  all again: at 10,000 agencies that was 16 s of the review. They are still freed by
  reference counting; what becomes cyclic garbage among them is collected after exit.
- `give_back()`: a full collection, then the C allocator returns its free pages to the
  system (glibc `malloc_trim`; elsewhere only the collection), so a stage's temporary
  memory does not stay in the process's peak for the stages after it. Inside
  `gc_settled`, what survives it is settled too.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

_depth = 0  # gc_settled blocks entered and not yet left


@contextmanager
def gc_settled() -> Iterator[None]:
    global _depth
    _depth += 1
    settle()
    try:
        yield
    finally:
        _depth -= 1
        if not _depth:
            gc.unfreeze()


@cache
def _trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc
        return None


def give_back() -> None:
    gc.collect()
    if (trim := _trim()) is not None:
        trim(0)
    if _depth:  # inside gc_settled: the survivors join the settled
        gc.freeze()


def settle() -> None:
    """Inside `gc_settled`: what is alive now joins the objects left out (the young
    generations collected first, so that their garbage is not kept); outside, nothing."""
    if _depth:
        gc.collect(1)
        gc.freeze()
