"""Memory allocation for a compiled run, which makes and frees arrays of every row group.

Freshly mapped memory is zeroed by the kernel page by page; at 10^7 rows that cost about a sixth
of the run's CPU (perf: `clear_page_erms`). For the run, Arrow allocates through the C allocator
instead of mimalloc (which maps fresh huge-page arenas), and glibc keeps freed memory in its heap
instead of returning it to the system at once (mallopt: no mmap for blocks under 256 MB, no trim
under 1 GB). Both are restored afterwards (glibc's options to their default values; its dynamic
mmap threshold stays off); where there is no glibc the second is skipped.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

import pyarrow as pa  # type: ignore[import-untyped]

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_KEPT = {_M_TRIM_THRESHOLD: 1 << 30, _M_MMAP_THRESHOLD: 1 << 28}
_DEFAULT = {_M_TRIM_THRESHOLD: 128 * 1024, _M_MMAP_THRESHOLD: 128 * 1024}  # glibc's defaults


Mallopt = Callable[[int, int], int]


@cache
def _mallopt() -> Mallopt | None:
    """glibc's mallopt, from the symbols already loaded in the process (finding libc by name
    would start a subprocess: 35 ms a run)."""
    try:
        function: Mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # not glibc: nothing to tune
        return None
    return function


def _set(mallopt: Mallopt | None, values: dict[int, int]) -> None:
    if mallopt is not None:
        for option, value in values.items():
            mallopt(option, value)


@contextmanager
def run_allocation() -> Iterator[None]:
    """Arrow on the C allocator, and glibc keeping freed memory, for the `with` block."""
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    mallopt = _mallopt()
    _set(mallopt, _KEPT)
    try:
        yield
    finally:
        _set(mallopt, _DEFAULT)
        pa.set_memory_pool(previous)
