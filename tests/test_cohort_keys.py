"""The compiled id index finds exactly what a dict of the ids finds."""

from __future__ import annotations

import pyarrow as pa  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from oligoguide.cohort.kernel.keys import KeyIndex

_IDS = st.one_of(st.none(), st.text(max_size=6), st.sampled_from(["", " ", "P-001", "ü"]))


def _expected(keys: list[str | None], queries: list[str | None]) -> list[int]:
    first: dict[str, int] = {}
    for row, key in enumerate(keys):
        if key is not None:
            first.setdefault(key, row)
    return [-1 if q is None else first.get(q, -1) for q in queries]


@settings(deadline=None)  # the first example loads the compiled code
@given(st.lists(_IDS, max_size=60), st.lists(_IDS, max_size=60), st.booleans())
def test_find_agrees_with_a_dict(
    keys: list[str | None], queries: list[str | None], large: bool
) -> None:
    kind = pa.large_string() if large else pa.string()
    index = KeyIndex.of(pa.array(keys, kind))
    assert index.find(pa.array(queries, kind)).tolist() == _expected(keys, queries)


def test_sliced_arrays_are_read_from_their_offset() -> None:
    keys = pa.array(["x", "a", "b", "c"]).slice(1)
    index = KeyIndex.of(keys)
    queries = pa.array(["zz", "c", "a", "x"]).slice(1)
    assert index.find(queries).tolist() == [2, 0, -1]


def test_many_ids_with_shared_prefixes() -> None:
    keys = [f"P-{n:07d}" for n in range(50_000)]
    index = KeyIndex.of(pa.array(keys))
    queries = [*keys[::-7], "P-9999999", "P-000000"]
    assert index.find(pa.array(queries)).tolist() == _expected(keys, queries)
