"""Measurement rows from Parquet, a row group at a time, as integer arrays grouped by patient.

Only typed Parquet qualifies (strings, booleans, a date32 `date`, a numeric `diameter_mm`): a
file of any other shape is screened by the SQL alone, which casts and reports every value. String
columns are read as Parquet dictionaries, so ids are compared as integers. A patient's rows may
span two row groups (the last patient of a group waits for the next). A patient whose rows are not
contiguous comes back as a second run; the engine, which knows every patient's row in the patient
table, notices it (`UngroupedRowsError`) and screens the cohort with the SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from oligoguide.cohort.inputs import TableFiles
from oligoguide.cohort.kernel.rule_steps import BAD_CODE, NULL_STATUS, map_codes, writable
from oligoguide.cohort.kernel.timepoints import NULL_DAY
from oligoguide.cohort.schema import MEASUREMENT_COLUMNS, REQUIRED
from oligoguide.model.vocab import LesionObservation, Site

STRINGS = ("patient_id", "lesion_id", "site", "status")
_FLAGS = ("is_lymph_node", "target")
SITES = tuple(site.value for site in Site)
STATUSES = tuple(status.value for status in LesionObservation)
_DICT = pa.dictionary(pa.int32(), pa.string())
_SITE_VALUES = pa.array(SITES)
_STATUS_VALUES = pa.array(STATUSES)


class UngroupedRowsError(Exception):
    """A patient's rows are not contiguous in the measurement files."""


def _accepts(column: str, kind: pa.DataType) -> bool:
    if column in STRINGS:
        return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))
    if column in _FLAGS:
        return bool(pa.types.is_boolean(kind))
    if column == "date":
        return bool(pa.types.is_date32(kind))
    return bool(pa.types.is_floating(kind) or pa.types.is_integer(kind))  # diameter_mm


def why_not_typed(files: TableFiles) -> str | None:
    """Why these measurement files cannot be streamed to the kernel (None when they can)."""
    if files.format != "parquet":
        return "the measurements are CSV"
    for path in files.paths:
        schema = pq.read_schema(path)
        names = {name.lower(): name for name in schema.names}
        if any(column not in names for column in REQUIRED["measurements"]):
            return f"{path.name}: a required column is missing"
        for column in MEASUREMENT_COLUMNS:
            if column in names and not _accepts(column, schema.field(names[column]).type):
                return f"{path.name}: column {column} is {schema.field(names[column]).type}"
    return None


def _row_groups(files: TableFiles) -> Iterator[tuple[pa.Table, float]]:
    """Each row group with canonical column names (absent optional columns as nulls), and the
    fraction of the files read so far."""
    sources = [pq.ParquetFile(path) for path in files.paths]
    total = sum(source.metadata.num_rows for source in sources) or 1
    done = 0
    for path, source in zip(files.paths, sources, strict=True):
        names = {name.lower(): name for name in source.schema_arrow.names}
        present = [c for c in MEASUREMENT_COLUMNS if c in names]
        reader = pq.ParquetFile(path, read_dictionary=[names[c] for c in present if c in STRINGS])
        for index in range(reader.num_row_groups):
            group = reader.read_row_group(index, columns=[names[c] for c in present])
            rows = group.num_rows
            columns = {c: group.column(names[c]) for c in present}
            for column in MEASUREMENT_COLUMNS:
                if column not in columns:
                    kind = (
                        _DICT
                        if column in STRINGS
                        else pa.bool_()
                        if column in _FLAGS
                        else (pa.float64())
                    )
                    columns[column] = pa.nulls(rows, kind)
            done += rows
            yield pa.table(columns), done / total


@dataclass(frozen=True)
class Batch:
    """Complete patients' rows: run p is rows starts[p]:starts[p+1] of `rows`."""

    rows: pa.Table
    keys: pa.Array  # patient id per run
    starts: Any  # int64[n_runs + 1]
    fraction: float  # of the input read so far


def grouped(files: TableFiles, orphans: list[pa.Table]) -> Iterator[Batch]:
    """Patients in runs. Rows without a patient_id are appended to `orphans` (the SQL reports
    them). A patient's rows are one run when they are contiguous; the caller checks that no
    patient comes back (`UngroupedRowsError`)."""
    carry: pa.Table | None = None  # the last patient of the previous row group
    fraction = 0.0
    for table, fraction in _row_groups(files):
        table = _without_orphans(table, orphans)
        if table.num_rows == 0:
            continue
        starts = _run_starts(_ids(table).indices.to_numpy())
        if carry is not None:
            if _key(carry, 0) == _key(table, 0):  # the patient goes on in this row group
                carry = pa.concat_tables([carry, table.slice(0, starts[1])]).combine_chunks()
                if len(starts) == 2:
                    continue
                table, starts = table.slice(starts[1]), starts[1:] - starts[1]
            yield _batch(carry, np.array([0, carry.num_rows], np.int64), fraction)
        carry = table.slice(starts[-2])
        if len(starts) > 2:
            yield _batch(table.slice(0, starts[-2]), starts[:-1], fraction)
    if carry is not None:
        yield _batch(carry, np.array([0, carry.num_rows], np.int64), fraction)


def canonical_batch(key: str) -> Batch:
    """A one-row batch of one patient, typed as the row groups are (to load the kernel)."""
    values: dict[str, Any] = {
        "patient_id": [key],
        "lesion_id": ["L1"],
        "site": [SITES[0]],
        "is_lymph_node": [False],
        "target": [True],
        "date": pa.array([0], pa.int32()).cast(pa.date32()),
        "diameter_mm": [10.0],
        "status": [STATUSES[0]],
    }
    table = pa.table(
        {c: pa.array(v).dictionary_encode() if c in STRINGS else v for c, v in values.items()}
    )
    return Batch(table, pa.array([key]), np.array([0, 1], np.int64), 1.0)


def _ids(table: pa.Table) -> pa.DictionaryArray:
    return table.column("patient_id").chunk(0)


def _key(table: pa.Table, row: int) -> str:
    ids = _ids(table)
    return str(ids.dictionary[ids.indices[row].as_py()].as_py())


def _without_orphans(table: pa.Table, orphans: list[pa.Table]) -> pa.Table:
    if any(column.num_chunks != 1 for column in table.columns):
        table = table.combine_chunks()
    if table.num_rows == 0 or not _ids(table).null_count:
        return table
    missing = _ids(table).is_null()
    orphans.append(table.filter(missing))
    return table.filter(pc.invert(missing)).combine_chunks()


def _run_starts(indices: Any) -> Any:
    change = np.flatnonzero(indices[1:] != indices[:-1]) + 1
    return np.concatenate(([0], change, [len(indices)])).astype(np.int64)


def _batch(rows: pa.Table, starts: Any, fraction: float) -> Batch:
    ids = _ids(rows)
    keys = ids.dictionary.take(pa.array(ids.indices.to_numpy()[starts[:-1]]))
    return Batch(rows, keys, starts, fraction)


def _codes(column: pa.ChunkedArray, vocabulary: pa.Array, unknown: int, missing: int) -> Any:
    """Row codes: the value's index in `vocabulary`, `unknown` outside it, `missing` if null."""
    values = column.chunk(0)
    by_entry = pc.fill_null(pc.index_in(values.dictionary, value_set=vocabulary), unknown)
    indices = values.indices
    if indices.null_count:
        indices = pc.fill_null(indices, -1)
    return map_codes(
        writable(indices.to_numpy(), np.int32),
        writable(by_entry.to_numpy(), np.int32),
        missing,
    )


def _plain(column: pa.ChunkedArray, missing: Any, kind: Any) -> Any:
    values = pc.fill_null(column, missing) if column.null_count else column
    return writable(values.to_numpy(), kind)


@dataclass(frozen=True)
class Columns:
    """The batch's rows as the kernel's arrays."""

    lesion: Any
    lesion_names: pa.Array  # lesion code -> id, sorted (codes order as ids do)
    lesion_blank: Any
    date: Any
    site: Any
    node: Any
    target: Any
    diameter: Any
    diameter_ok: Any
    status: Any


def columns(rows: pa.Table) -> Columns:
    lesions = rows.column("lesion_id").chunk(0).dictionary
    names = pc.unique(lesions)
    names = names.take(pc.array_sort_indices(names))
    blank = pc.equal(pc.utf8_trim(names, characters=" "), "").to_numpy(zero_copy_only=False)
    diameter = rows.column("diameter_mm").cast(pa.float64())
    return Columns(
        lesion=_codes(rows.column("lesion_id"), names, -1, -1),
        lesion_names=names,
        lesion_blank=writable(blank, np.bool_),
        date=_plain(rows.column("date").cast(pa.int32()), NULL_DAY, np.int32),
        site=_codes(rows.column("site"), _SITE_VALUES, BAD_CODE, BAD_CODE),
        node=_plain(rows.column("is_lymph_node"), False, np.bool_),
        target=_plain(rows.column("target"), False, np.bool_),
        diameter=_plain(diameter, 0.0, np.float64),
        diameter_ok=_plain(pc.is_valid(diameter), False, np.bool_),
        status=_codes(rows.column("status"), _STATUS_VALUES, BAD_CODE, NULL_STATUS),
    )
