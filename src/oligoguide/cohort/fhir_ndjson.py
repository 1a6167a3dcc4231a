"""FHIR Bulk Data export (NDJSON) to the cohort tables, read by the FHIR adapter's own code.

A Bulk Data export is one NDJSON file per resource type with every patient mixed. Each resource
is filed under the patient it belongs to (a Patient's id; otherwise its `subject`, `patient` or
`beneficiary` reference) in a SQLite file in the work directory, so an export larger than memory
is regrouped on disk. Each patient's resources then become one collection Bundle, read by
`fhir.read.bundle_to_case` (what `assess` does with an mCODE Bundle: the same codes, units and
checks), and the Case is written as table rows (`case_tables.py`). Resources that belong to no
patient (a Medication, say) are added to the Bundles that reference them.

Nothing is guessed and nothing is dropped silently: a patient whose Bundle cannot be read keeps a
patient row whose `source_problem` is the reader's error, so the screen rejects the patient and
names it; a line that is not a FHIR resource is reported the same way under a blank patient id
(the result's row without a patient_id); what the reader left unmapped is counted by reason in
the report the `screen` command prints.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import sqlite3
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from oligoguide.cohort.case_tables import TableRows, untabled
from oligoguide.cohort.inputs import CohortInputs, TableFiles
from oligoguide.cohort.schema import TABLE_TYPES
from oligoguide.fhir.read import bundle_to_case
from oligoguide.model.errors import CaseInputError

_PATIENT_REFERENCES = ("subject", "patient", "beneficiary")
_ENTRY_POINTER = re.compile(r"^/entry/(\d+)/resource")
#: Patients converted before their rows are written (bounds memory on large exports).
CHUNK = 2_000
_INSERT_BATCH = 10_000
#: Patients per task of the worker processes (the FHIR models' validation is most of the cost).
BATCH = 200
#: From this many patients the Bundles are read in one process per core: below it, starting
#: the processes costs more than it saves.
PARALLEL_FROM = 1_000

Patient = tuple[str, list[str]]  # a patient id and its resources' NDJSON lines
Shared = dict[str, dict[str, Any]]  # resources of no patient, by `Type/id`
#: The export's shared resources, in a worker process (set once by `_start_worker`).
_shared: Shared = {}


@dataclass
class FhirReport:
    """What the conversion did: patients read, patients it could not read, unmapped content."""

    patients: int = 0
    unreadable: int = 0
    bad_lines: int = 0
    untabled: int = 0
    unmapped: Counter[str] = field(default_factory=Counter)

    def add(self, other: FhirReport) -> None:
        self.patients += other.patients
        self.unreadable += other.unreadable
        self.bad_lines += other.bad_lines
        self.untabled += other.untabled
        self.unmapped.update(other.unmapped)

    def describe(self) -> str:
        text = (
            f"FHIR export: {self.patients:,} patient(s) read, {self.unreadable:,} could not be "
            "read (rejected, the reason in data_problems)"
        )
        if self.untabled:
            text += (
                f", {self.untabled:,} hold what the tables cannot (rejected; assess their Bundles)"
            )
        if self.bad_lines:
            text += f", {self.bad_lines:,} line(s) not a FHIR resource (row without patient_id)"
        if self.unmapped:
            common = "; ".join(f"{n:,} x {reason}" for reason, n in self.unmapped.most_common(5))
            text += f". Not used: {sum(self.unmapped.values()):,} item(s), most often: {common}"
        return text


@dataclass(frozen=True)
class Converted:
    inputs: CohortInputs
    report: FhirReport


def _owner(resource: dict[str, Any]) -> str | None:
    """The id of the patient a resource belongs to, or None."""
    if resource.get("resourceType") == "Patient":
        return str(resource["id"]) if resource.get("id") else None
    for name in _PATIENT_REFERENCES:
        reference = resource.get(name)
        if isinstance(reference, dict) and isinstance(reference.get("reference"), str):
            parts = reference["reference"].split("/")
            if len(parts) >= 2 and parts[-2] == "Patient" and parts[-1]:
                return str(parts[-1])
    return None


def _references(value: Any) -> Iterator[str]:
    """Every `Type/id` a resource refers to (absolute references shortened to their tail)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield "/".join(item.split("/")[-2:])
            else:
                yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


class _Regrouped:
    """The export's resources filed by patient on disk; shared resources and bad lines apart."""

    def __init__(self, work: Path) -> None:
        self.db = sqlite3.connect(work / "fhir-by-patient.sqlite3")
        self.db.execute("CREATE TABLE resource (patient TEXT NOT NULL, line TEXT NOT NULL)")
        self.shared: dict[str, dict[str, Any]] = {}
        self.bad_lines: list[str] = []

    def load(self, paths: list[Path], report: FhirReport) -> None:
        pending: list[tuple[str, str]] = []
        for path in paths:
            with path.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    problem = self._file(line, pending, report)
                    if problem is not None:
                        self.bad_lines.append(f"{path.name} line {number}: {problem}")
                    if len(pending) >= _INSERT_BATCH:
                        self._insert(pending)
        self._insert(pending)

    def _file(self, line: str, pending: list[tuple[str, str]], report: FhirReport) -> str | None:
        try:
            resource = json.loads(line)
        except json.JSONDecodeError as error:
            return f"not JSON ({error.msg})"
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            return "not a FHIR resource (no resourceType)"
        owner = _owner(resource)
        if owner is not None:
            pending.append((owner, line))
        elif resource["resourceType"] == "Patient":
            return "a Patient without an id"
        elif resource.get("id"):
            self.shared[f"{resource['resourceType']}/{resource['id']}"] = resource
        else:
            report.unmapped[f"{resource['resourceType']} tied to no patient and without an id"] += 1
        return None

    def _insert(self, pending: list[tuple[str, str]]) -> None:
        self.db.executemany("INSERT INTO resource VALUES (?, ?)", pending)
        pending.clear()

    def patient_count(self) -> int:
        return int(self.db.execute("SELECT count(DISTINCT patient) FROM resource").fetchone()[0])

    def patients(self) -> Iterator[Patient]:
        """Each patient's resources as exported lines, in export order."""
        rows = self.db.execute("SELECT patient, line FROM resource ORDER BY patient, rowid")
        for patient, group in groupby(rows, key=itemgetter(0)):
            yield patient, [line for _, line in group]

    def close(self) -> None:
        self.db.close()


def _located(message: str, resources: list[dict[str, Any]]) -> str:
    """The reader's pointer into the Bundle made here, told as the resource it points into."""
    found = _ENTRY_POINTER.match(message)
    if found is None or int(found.group(1)) >= len(resources):
        return message
    resource = resources[int(found.group(1))]
    name = f"{resource['resourceType']}/{resource.get('id', '?')}"
    return name + message[found.end() :]


def _read_patient(
    patient: str, resources: list[dict[str, Any]], rows: TableRows, report: FhirReport
) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": resource} for resource in resources],
    }
    try:
        reading = bundle_to_case(bundle)
    except CaseInputError as error:
        report.unreadable += 1
        problems = "; ".join(_located(str(issue), resources) for issue in error.issues)
        rows.add_problem(patient, f"FHIR resources could not be read: {problems}")
        return
    report.unmapped.update(item.reason for item in reading.unmapped)
    lost = untabled(reading.case)
    if lost:
        report.untabled += 1
        rows.add_problem(
            patient,
            f"FHIR record holds what the cohort tables cannot: {'; '.join(lost)} "
            "(assess this patient's Bundle directly)",
        )
        return
    rows.add_case(patient, reading.case)


def _with_shared(lines: list[str], shared: Shared) -> list[dict[str, Any]]:
    """The patient's resources, with the shared ones they refer to."""
    resources = [json.loads(line) for line in lines]
    wanted = {r for resource in resources for r in _references(resource)}
    return resources + [shared[r] for r in sorted(wanted) if r in shared]


def _read_batch(batch: list[Patient], shared: Shared) -> tuple[TableRows, FhirReport]:
    """A batch of patients read (in a worker process when the export is large)."""
    rows, report = TableRows(), FhirReport(patients=len(batch))
    for patient, lines in batch:
        _read_patient(patient, _with_shared(lines, shared), rows, report)
    return rows, report


def _start_worker(shared: Shared) -> None:
    global _shared  # one copy per worker process, not one per batch
    _shared = shared


def _read_in_worker(batch: list[Patient]) -> tuple[TableRows, FhirReport]:
    return _read_batch(batch, _shared)


def _batches(patients: Iterator[Patient]) -> Iterator[list[Patient]]:
    batch: list[Patient] = []
    for patient in patients:
        batch.append(patient)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _in_order(
    executor: Executor,
    work: Callable[[list[Patient]], tuple[TableRows, FhirReport]],
    batches: Iterable[list[Patient]],
    ahead: int,
) -> Iterator[tuple[TableRows, FhirReport]]:
    """`executor.map` with at most `ahead` batches in flight (map would read the whole export)."""
    pending: deque[Future[tuple[TableRows, FhirReport]]] = deque()
    for batch in batches:
        pending.append(executor.submit(work, batch))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _read_all(grouped: _Regrouped, workers: int) -> Iterator[tuple[TableRows, FhirReport]]:
    batches = _batches(grouped.patients())
    if workers <= 1:
        for batch in batches:
            yield _read_batch(batch, grouped.shared)
        return
    # spawn, not fork: the parent may hold DuckDB or server threads that a fork would copy.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(grouped.shared,)
    ) as executor:
        yield from _in_order(executor, _read_in_worker, batches, ahead=2 * workers)


class _Tables:
    """The converted tables, written a chunk of patients at a time."""

    def __init__(self, out: Path) -> None:
        self.paths = {name: out / f"{name}.parquet" for name in TABLE_TYPES}
        self.schemas = {name: pa.schema(list(TABLE_TYPES[name].items())) for name in TABLE_TYPES}
        self.writers = {
            name: pq.ParquetWriter(path, self.schemas[name]) for name, path in self.paths.items()
        }

    def write(self, rows: TableRows) -> None:
        for name, writer in self.writers.items():
            table = pa.Table.from_pylist(getattr(rows, name), schema=self.schemas[name])
            writer.write_table(table)

    def close(self) -> CohortInputs:
        for writer in self.writers.values():
            writer.close()
        return CohortInputs({name: TableFiles("parquet", (p,)) for name, p in self.paths.items()})


def convert(paths: list[Path], out: Path, workers: int | None = None) -> Converted:
    """Write measurements, patients and local_treatments Parquet tables (typed, one patient's
    rows together) from Bulk Data NDJSON files into `out`. `workers`: processes reading the
    Bundles (default: one per core from `PARALLEL_FROM` patients, else one)."""
    out.mkdir(parents=True, exist_ok=True)
    report = FhirReport()
    grouped = _Regrouped(out)
    tables = _Tables(out)
    try:
        grouped.load(paths, report)
        rows = TableRows()
        for problem in grouped.bad_lines:
            rows.add_problem("", problem)
        report.bad_lines = len(grouped.bad_lines)
        if workers is None:
            large = grouped.patient_count() >= PARALLEL_FROM
            workers = (os.cpu_count() or 1) if large else 1
        for read, part in _read_all(grouped, workers):
            rows.extend(read)
            report.add(part)
            if len(rows) >= CHUNK:
                tables.write(rows)
                rows = TableRows()
        tables.write(rows)
    finally:
        grouped.close()
        inputs = tables.close()
    return Converted(inputs, report)
