"""A realistic synthetic cohort: several primaries, 1-15 lesions, 2-12 scans, a mix of responses,
oligo- and polyprogression, local treatments, missing data and some malformed rows.

Diameters are whole millimetres, as radiology reports give them. Parquet output is typed, so its
malformed rows are the kinds a typed table can hold (unknown codes, out-of-range numbers,
contradictions, duplicates, missing rows); CSV output adds unparseable text as well.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from oligoguide.cohort.schema import TABLE_TYPES

Format = Literal["parquet", "csv"]

_PRIMARIES = {  # primary: (weight, sites, therapies as (class, agents, weight))
    "colorectal": (
        25,
        {"liver": 6, "lung": 3, "lymph_node": 2, "peritoneum": 1, "bone": 1},
        [("chemotherapy", "FOLFOX + bevacizumab", 2), ("antibody", "FOLFIRI + cetuximab", 1)],
    ),
    "nsclc": (
        25,
        {"lung": 4, "lymph_node": 3, "brain": 2, "bone": 2, "adrenal": 2, "liver": 1, "pleura": 1},
        [
            ("targeted", "osimertinib", 2),
            ("immunotherapy", "pembrolizumab", 2),
            ("chemotherapy", "carboplatin + pemetrexed", 1),
        ],
    ),
    "breast": (
        15,
        {"bone": 4, "liver": 3, "lung": 2, "lymph_node": 2, "brain": 1},
        [("hormonal", "letrozole + palbociclib", 3), ("targeted", "trastuzumab deruxtecan", 1)],
    ),
    "prostate": (
        10,
        {"bone": 6, "lymph_node": 4, "liver": 1, "lung": 1},
        [("hormonal", "enzalutamide", 3), ("chemotherapy", "docetaxel", 1)],
    ),
    "renal": (
        8,
        {"lung": 4, "bone": 2, "lymph_node": 2, "adrenal": 1, "pancreas": 1, "brain": 1},
        [("targeted", "cabozantinib", 2), ("immunotherapy", "nivolumab + ipilimumab", 1)],
    ),
    "melanoma": (
        8,
        {"lung": 3, "lymph_node": 3, "skin": 2, "liver": 2, "brain": 2, "soft_tissue": 1},
        [("immunotherapy", "nivolumab", 3), ("targeted", "dabrafenib + trametinib", 1)],
    ),
    "sclc": (
        4,
        {"liver": 3, "lymph_node": 3, "brain": 2, "bone": 2},
        [("chemotherapy", "lurbinectedin", 1)],
    ),
    "other": (
        5,
        {"liver": 2, "lung": 2, "lymph_node": 2, "bone": 1},
        [("chemotherapy", "capecitabine", 1)],
    ),
}
_PATTERNS = {  # how the disease behaves at the latest scans
    "response": 20,
    "stable": 22,
    "complete_response": 4,
    "oligoprogression": 22,
    "polyprogression": 14,
    "new_lesions": 10,
    "mixed_after_sbrt": 8,
}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class _Columns:
    measurements: dict[str, list[Any]] = field(default_factory=dict)
    patients: dict[str, list[Any]] = field(default_factory=dict)
    treatments: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, table: dict[str, list[Any]], **values: Any) -> None:
        for name, value in values.items():
            table.setdefault(name, []).append(value)


@dataclass(frozen=True)
class SynthSummary:
    patients: int
    measurement_rows: int
    malformed_patients: int
    out: Path


class _Patient:
    """One synthetic patient: scans, lesions with trajectories, therapy and local treatment."""

    def __init__(self, rng: random.Random, pid: str) -> None:
        self.rng, self.pid = rng, pid
        self.primary = _pick(rng, {k: v[0] for k, v in _PRIMARIES.items()})
        _, sites, therapies = _PRIMARIES[self.primary]
        self.sites = sites
        klass, agents, _ = rng.choices(therapies, weights=[t[2] for t in therapies])[0]
        self.therapy = (klass, agents)
        self.pattern = _pick(rng, _PATTERNS)
        n_scans = rng.randint(2, 12)
        start = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randint(0, 6 * 365))
        self.scans = [start]
        for _ in range(n_scans - 1):
            self.scans.append(self.scans[-1] + dt.timedelta(days=rng.randint(49, 120)))
        self.n_lesions = min(15, max(1, int(rng.expovariate(1 / 4.0)) + 1))

    def lesion_sizes(self, index: int, site: str, grows: bool, late: int) -> list[float | None]:
        rng = self.rng
        node = site == "lymph_node"
        size = float(rng.randint(12, 40) if node else rng.randint(6, 55))
        trend = {"response": 0.82, "complete_response": 0.6, "stable": 1.0}.get(self.pattern, 0.95)
        sizes: list[float | None] = []
        for scan in range(len(self.scans)):
            if scan > 0:
                factor = trend if scan < late or not grows else rng.uniform(1.25, 1.6)
                size = size * factor * rng.uniform(0.95, 1.05)
                if self.pattern == "complete_response" and scan >= len(self.scans) - 2:
                    size = 0.0 if not node else min(size, 8.0)
            sizes.append(float(round(size)))
        return sizes


def _emit_patient(rng: random.Random, pid: str, cols: _Columns, csv: bool) -> bool:
    p = _Patient(rng, pid)
    n_scans = len(p.scans)
    late = max(1, n_scans - rng.randint(1, 2))
    growers = {
        "oligoprogression": rng.randint(1, 3),
        "polyprogression": rng.randint(6, 10),
        "mixed_after_sbrt": rng.randint(1, 2),
    }.get(p.pattern, 0)
    flagged = rng.random() < 0.7
    lesions = []
    for index in range(p.n_lesions):
        site = _pick(rng, p.sites)
        lesions.append((f"L{index + 1}", site, index < growers))
    # new lesions appear on the latest scan
    if p.pattern in ("new_lesions", "polyprogression") and n_scans > 1:
        for extra in range(rng.randint(1, 3)):
            lesions.append((f"N{extra + 1}", _pick(rng, p.sites), False))
    targets_left = 5
    per_organ: dict[str, int] = {}
    treated: list[tuple[str, dt.date]] = []
    for lesion_id, site, grows in lesions:
        node = site == "lymph_node"
        is_new = lesion_id.startswith("N")
        sizes = (
            [None] * (n_scans - 1) + [float(rng.randint(6, 25))]
            if is_new
            else p.lesion_sizes(0, site, grows, late)
        )
        target = False
        if flagged and not is_new and targets_left and per_organ.get(site, 0) < 2:
            first = sizes[0] or 0.0
            if first >= (15 if node else 10) and rng.random() < 0.8:
                target, targets_left = True, targets_left - 1
                per_organ[site] = per_organ.get(site, 0) + 1
        if p.pattern == "mixed_after_sbrt" and grows and n_scans > 3 and rng.random() < 0.6:
            when = p.scans[late - 1] + dt.timedelta(days=14)
            treated.append((lesion_id, when))
        for scan, size in enumerate(sizes):
            if size is None:
                continue
            status: str | None = None
            diameter: float | None = size
            roll = rng.random()
            if roll < 0.03 and scan > 0:
                continue  # missing measurement
            if roll < 0.05 and scan > 0:
                status, diameter = "not_evaluated", None
            elif size == 0:
                status, diameter = "absent", None
            elif size < 5 and not node:
                status, diameter = "too_small_to_measure", None
            elif not target and roll > 0.9:
                status, diameter = "present", None
                if grows and scan >= late and p.pattern == "polyprogression":
                    status = "unequivocal_progression"
            cols.add(
                cols.measurements,
                patient_id=pid,
                lesion_id=lesion_id,
                site=site,
                is_lymph_node=node,
                target=target,
                date=p.scans[scan],
                diameter_mm=diameter,
                status=status,
            )
    off_therapy = rng.random() < 0.1
    therapy_start = p.scans[0] if rng.random() < 0.75 else p.scans[max(0, late - 2)]
    therapy_end = p.scans[-1] - dt.timedelta(days=20) if off_therapy else None
    cols.add(
        cols.patients,
        patient_id=pid,
        primary_site=p.primary,
        ecog=rng.choice([0, 0, 1, 1, 1, 2, None]),
        therapy_agents=p.therapy[1],
        therapy_class=p.therapy[0],
        therapy_start=therapy_start,
        therapy_end=max(therapy_end, therapy_start) if therapy_end else None,
        baseline_date=None,
        drivers=None,
    )
    for lesion_id, when in treated:
        cols.add(cols.treatments, patient_id=pid, lesion_id=lesion_id, modality="sbrt", date=when)
    if rng.random() < 0.01:
        _malform(rng, cols, pid, csv)
        return True
    return False


def _malform(rng: random.Random, cols: _Columns, pid: str, csv: bool) -> None:
    """Damage this patient's rows the way real extracts are damaged."""
    m = cols.measurements
    last = len(m["patient_id"]) - 1
    kinds = ["negative", "site", "status", "duplicate", "empty", "absent", "ecog", "no_patient"]
    if csv:
        kinds += ["date_text", "number_text"]
    kind = rng.choice(kinds)
    if kind == "negative":
        m["diameter_mm"][last] = -12.0
    elif kind == "site":
        m["site"][last] = "lvier"
    elif kind == "status":
        m["status"][last] = "gone"
    elif kind == "duplicate":
        for values in m.values():
            values.append(values[last])
    elif kind == "empty":
        m["diameter_mm"][last], m["status"][last] = None, None
    elif kind == "absent":
        m["status"][last], m["diameter_mm"][last] = "absent", 14.0
    elif kind == "ecog":
        cols.patients["ecog"][-1] = 7
    elif kind == "no_patient":
        for values in cols.patients.values():
            values.pop()
    elif kind == "date_text":
        m["date"][last] = "31/12/2023"
    elif kind == "number_text":
        m["diameter_mm"][last] = "12,5 mm"


def _table(name: str, columns: dict[str, list[Any]], csv: bool) -> pa.Table:
    arrays = {}
    for column, kind in TABLE_TYPES[name].items():
        if columns and column not in columns:
            continue  # a column the generator never fills (source_problem)
        values = columns.get(column, [])
        if csv:
            arrays[column] = pa.array(
                [None if v is None else _text(v) for v in values], type=pa.string()
            )
        else:
            arrays[column] = pa.array(values, type=kind)
    return pa.table(arrays)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class _Writer:
    """Writes one table in chunks, so a large cohort never sits in memory whole."""

    def __init__(self, path: Path, name: str, fmt: Format) -> None:
        self.path, self.name, self.fmt = path, name, fmt
        self.parquet: pq.ParquetWriter | None = None
        self.csv: pacsv.CSVWriter | None = None

    def write(self, columns: dict[str, list[Any]]) -> None:
        table = _table(self.name, columns, self.fmt == "csv")
        if self.fmt == "parquet":
            if self.parquet is None:
                self.parquet = pq.ParquetWriter(self.path, table.schema)
            self.parquet.write_table(table)
        else:
            if self.csv is None:
                self.csv = pacsv.CSVWriter(self.path, table.schema)
            self.csv.write_table(table)

    def close(self) -> None:
        if self.parquet is not None:
            self.parquet.close()
        if self.csv is not None:
            self.csv.close()


def generate(
    patients: int, seed: int, out: Path, fmt: Format = "parquet", chunk: int = 20_000
) -> SynthSummary:
    """Write measurements, patients and local_treatments tables for `patients` patients."""
    out.mkdir(parents=True, exist_ok=True)
    # Reproducible synthetic data, not a secret: a seeded PRNG is what is wanted.
    rng = random.Random(seed)  # nosec B311
    writers = {
        name: _Writer(out / f"{name}.{fmt}", name, fmt)
        for name in ("measurements", "patients", "local_treatments")
    }
    rows = malformed = 0
    cols = _Columns()
    for index in range(patients):
        malformed += _emit_patient(rng, f"P{index + 1:07d}", cols, fmt == "csv")
        if (index + 1) % chunk == 0 or index + 1 == patients:
            rows += len(cols.measurements.get("patient_id", []))
            writers["measurements"].write(cols.measurements)
            writers["patients"].write(cols.patients)
            writers["local_treatments"].write(cols.treatments)
            cols = _Columns()
    for writer in writers.values():
        writer.close()
    return SynthSummary(patients, rows, malformed, out)
