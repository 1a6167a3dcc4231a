"""Patient ids to table rows, compiled: an exact hash index over the ids' UTF-8 bytes.

A batch's ids are looked up in the patient and treatment tables straight from Arrow's string
buffers, so no Python string is made per id (a Python dict cost about 0.3 s of CPU at 10^7 rows,
mostly hashing fresh strings and cache misses in a 10^5-entry table).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
from numba import njit

_EMPTY = -1
_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


@njit(cache=True, nogil=True, inline="always")
def _hash(data: Any, start: int, end: int) -> Any:
    """FNV-1a over bytes data[start:end]."""
    h = _FNV_OFFSET
    for i in range(start, end):
        h = (h ^ np.uint64(data[i])) * _FNV_PRIME
    return h


@njit(cache=True, nogil=True, inline="always")
def _same(data: Any, a0: int, a1: int, other: Any, b0: int, b1: int) -> bool:
    if a1 - a0 != b1 - b0:
        return False
    for i in range(a1 - a0):  # noqa: SIM110 - a plain loop compiles to the tightest code
        if data[a0 + i] != other[b0 + i]:
            return False
    return True


@njit(cache=True, nogil=True)
def _build(offsets: Any, data: Any, valid: Any, size: int) -> Any:
    """Open-addressing slots (size a power of two) holding each id's first row."""
    slots = np.full(size, _EMPTY, np.int64)
    mask = np.uint64(size - 1)
    for row in range(len(offsets) - 1):
        if not valid[row]:
            continue
        start, end = offsets[row], offsets[row + 1]
        slot = _hash(data, start, end) & mask
        repeated = False
        while slots[slot] != _EMPTY:
            held = slots[slot]
            if _same(data, offsets[held], offsets[held + 1], data, start, end):
                repeated = True  # a repeated id keeps its first row
                break
            slot = (slot + np.uint64(1)) & mask
        if not repeated:
            slots[slot] = row
    return slots


@njit(cache=True, nogil=True)
def _find(slots: Any, offsets: Any, data: Any, q_offsets: Any, q_data: Any, q_valid: Any) -> Any:
    found = np.full(len(q_offsets) - 1, _EMPTY, np.int64)
    mask = np.uint64(len(slots) - 1)
    for q in range(len(q_offsets) - 1):
        if not q_valid[q]:
            continue
        start, end = q_offsets[q], q_offsets[q + 1]
        slot = _hash(q_data, start, end) & mask
        while slots[slot] != _EMPTY:
            held = slots[slot]
            if _same(data, offsets[held], offsets[held + 1], q_data, start, end):
                found[q] = held
                break
            slot = (slot + np.uint64(1)) & mask
    return found


def _buffers(strings: pa.Array) -> tuple[Any, Any, Any]:
    """Offsets (int64, one per value and one more), bytes, and validity of a string array."""
    if len(strings) == 0:
        return np.zeros(1, np.int64), np.zeros(0, np.uint8), np.zeros(0, np.bool_)
    width = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    _, offsets_buffer, data_buffer = strings.buffers()
    begin = strings.offset
    offsets = np.frombuffer(offsets_buffer, width)[begin : begin + len(strings) + 1]
    data = (
        np.frombuffer(data_buffer, np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    )
    valid = strings.is_valid().to_numpy(zero_copy_only=False)
    return offsets.astype(np.int64), data, np.require(valid, np.bool_, ("C", "W"))


@dataclass(frozen=True)
class KeyIndex:
    """Where each id of `keys` is: `find` gives the row of each query id (-1: absent or NULL)."""

    keys: pa.Array
    _slots: Any
    _offsets: Any
    _data: Any

    @classmethod
    def of(cls, keys: pa.Array) -> KeyIndex:
        offsets, data, valid = _buffers(keys)
        size = 1 << max(4, int(2 * len(keys)).bit_length())  # at most half full
        return cls(keys, _build(offsets, data, valid, size), offsets, data)

    def find(self, queries: pa.Array) -> Any:
        q_offsets, q_data, q_valid = _buffers(queries)
        return _find(self._slots, self._offsets, self._data, q_offsets, q_data, q_valid)
