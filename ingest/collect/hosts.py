"""Per-host politeness: at most `limit` requests in flight per host, each slot then rests.

A slot freed at time t serves the host's next request no sooner than t + `delay`; the
thread that freed it goes on at once (parsing, archiving, another host) instead of
sleeping out the pause. Thread-safe; one `HostLimiter` is shared by every worker of a
collection.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class _Host:
    """One host's slots: `idle` holds the time each free slot may next be used."""

    def __init__(self, limit: int) -> None:
        self.idle = [0.0] * limit  # a heap
        self.ready = threading.Condition(threading.Lock())


class HostLimiter:
    def __init__(self, limit: int, delay: float, clock: Callable[[], float] = time.monotonic):
        if limit < 1:
            raise ValueError("per-host limit must be ≥ 1")
        self.limit = limit
        self.delay = max(0.0, delay)
        self.clock = clock
        self._lock = threading.Lock()
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        with self._lock:
            if host not in self._hosts:
                self._hosts[host] = _Host(self.limit)
            return self._hosts[host]

    def acquire(self, host: str) -> None:
        """Wait for one of the host's slots that has rested."""
        h = self._host(host)
        with h.ready:
            while True:
                if h.idle:
                    wait = h.idle[0] - self.clock()
                    if wait <= 0:
                        heapq.heappop(h.idle)
                        if h.idle:  # another waiter may take the next slot
                            h.ready.notify()
                        return
                    h.ready.wait(wait)
                else:
                    h.ready.wait()

    def release(self, host: str) -> None:
        """Free the slot; it serves again after `delay`."""
        h = self._host(host)
        with h.ready:
            heapq.heappush(h.idle, self.clock() + self.delay)
            h.ready.notify()

    def wait_rested(self, sleep: Callable[[float], None] = time.sleep) -> None:
        """Return once every slot has rested (a new limiter may then take over the hosts)."""
        with self._lock:
            latest = max((max(h.idle) for h in self._hosts.values() if h.idle), default=0.0)
        if (wait := latest - self.clock()) > 0:
            sleep(wait)

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of the host's slots for a request; the slot rests `delay` after it."""
        self.acquire(host)
        try:
            yield
        finally:
            self.release(host)
