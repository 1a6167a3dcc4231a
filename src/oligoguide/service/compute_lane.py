"""The lane the CPU-bound computations of the stateless routes (assess, ask) run in.

A request's assessment is pure Python (about 1 ms of CPU on the example cases), so threads add
no parallelism, only contention: with the default pool (up to 40 threads) a queue under load
becomes 40 threads taking turns at the GIL with the event loop, each answer costs more CPU,
and the queue feeds itself. A few threads taken in order (FIFO: anyio's CapacityLimiter wakes
its waiters in turn) keep each answer's cost flat; the event loop still reads, refuses and
answers the other routes meanwhile. Measured in bench/load_levels.py (docs/reliability.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from anyio import CapacityLimiter, to_thread

T = TypeVar("T")


class ComputeLane:
    """`threads` 0: in the event loop itself (no thread crossing; nothing else is served while
    one computation runs, and the token check's registry read blocks the loop too)."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._limiter: CapacityLimiter | None = None  # made in the event loop, on first use

    async def run(self, func: Callable[..., T], *args: object) -> T:
        if self.threads == 0:
            return func(*args)
        if self._limiter is None:
            self._limiter = CapacityLimiter(self.threads)
        return await to_thread.run_sync(func, *args, limiter=self._limiter)
