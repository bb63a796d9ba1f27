"""Per-host politeness: at most `limit` requests in flight per host, each slot then rests.

Thread-safe; one `HostLimiter` is shared by every worker of a collection batch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class HostLimiter:
    def __init__(self, limit: int, delay: float):
        if limit < 1:
            raise ValueError("per-host limit must be ≥ 1")
        self.limit = limit
        self.delay = delay
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    def _slot(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            if host not in self._slots:
                self._slots[host] = threading.BoundedSemaphore(self.limit)
            return self._slots[host]

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of the host's slots for a request; the slot rests `delay` after it."""
        semaphore = self._slot(host)
        semaphore.acquire()
        try:
            yield
        finally:
            if self.delay > 0:
                time.sleep(self.delay)
            semaphore.release()
