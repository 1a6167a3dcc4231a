"""Hypothesis strategies for random cohorts (with edge values and malformed rows) and helpers
that write them as tables and compare engine results patient by patient."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from hypothesis import strategies as st

from oligoguide.cohort.schema import TABLE_TYPES

START = dt.date(2022, 1, 3)
SITES = ["lung", "liver", "bone", "lymph_node", "brain", "peritoneum", "adrenal"]
SIZES = [0, 3, 4, 5, 6, 8, 9, 10, 11, 12, 14, 15, 16, 18, 20, 21, 24, 25, 29, 30, 31, 36, 45]
STATUSES = ["present", "absent", "not_evaluated", "too_small_to_measure", "unequivocal_progression"]
MODALITIES = ["sbrt", "surgery", "rfa", "srs", "observation"]
CLASSES = ["chemotherapy", "immunotherapy", "targeted", "hormonal"]
COMPARED = (
    "disease_state",
    "progressing_count",
    "progressing_lesions",
    "progressing_organs",
    "latest_overall",
)
# The tables as the engines are told to expect them, with two differences that real exports
# show: ECOG as a 64-bit integer (the engines must cast it) and no drivers column at all.
TYPES = {name: dict(columns) for name, columns in TABLE_TYPES.items()}
TYPES["patients"]["ecog"] = pa.int64()
del TYPES["patients"]["drivers"]
Tables = dict[str, list[dict[str, Any]]]


@st.composite
def measurement(draw: st.DrawFn) -> tuple[float | None, str | None] | None:
    kind = draw(st.sampled_from(["size", "size", "size", "status", "both", "missing"]))
    if kind == "missing":
        return None
    size = float(draw(st.sampled_from(SIZES)))
    if kind == "size":
        return size, None
    status = draw(st.sampled_from(STATUSES))
    if kind == "status":
        return None, status
    return (0.0 if status == "absent" else size), status


#: Days between two studies: several studies of one restaging (within the 28-day time-point
#: window, at its edge, or just past it) and restagings months apart.
GAPS = [1, 6, 13, 20, 27, 28, 29, 30, 60, 90, 120]


@st.composite
def study_dates(draw: st.DrawFn) -> list[dt.date]:
    n_scans = draw(st.integers(1, 6))
    gaps = draw(st.lists(st.sampled_from(GAPS), min_size=n_scans - 1, max_size=n_scans - 1))
    days = [0]
    for gap in gaps:
        days.append(days[-1] + gap)
    return [START + dt.timedelta(days=d) for d in days]


@st.composite
def lesion_scans(draw: st.DrawFn, n_scans: int) -> list[int]:
    """The studies that image a lesion: from its first (later for a new lesion) to its last
    (earlier for a lesion not re-imaged), with some left out (another study of the restaging)."""
    first = draw(st.integers(0, n_scans - 1)) if draw(st.booleans()) else 0
    last = draw(st.integers(first, n_scans - 1)) if draw(st.integers(0, 3)) == 0 else n_scans - 1
    scans = list(range(first, last + 1))
    if draw(st.integers(0, 2)) == 0:
        scans = [scan for scan in scans if draw(st.booleans())]
    return scans


#: How a new lesion looks before it appears: not imaged, measured 0 mm, or recorded absent.
BEFORE_APPEARING = ["unseen", "zero", "absent"]
#: What it looks like once it has: a diameter, or present without one.
APPEARED = [
    (3.0, None),
    (6.0, None),
    (12.0, None),
    (None, "too_small_to_measure"),
    (8.0, "present"),
]


@st.composite
def new_lesion(
    draw: st.DrawFn, pid: str, dates: list[dt.date], lesion_id: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of a lesion absent at the first study that appears at a middle one and is still
    present at the latest (RECIST: PD at every later time point, recist.new_lesions_present),
    and maybe a local treatment of it: after it appeared (then it no longer makes PD) or before."""
    n_scans = len(dates)
    appears = draw(st.integers(1, n_scans - 2))
    before = draw(st.sampled_from(BEFORE_APPEARING))
    site = draw(st.sampled_from(SITES))
    target = draw(st.booleans())
    rows = []
    for scan, day in enumerate(dates):
        if scan < appears:
            if before == "unseen":
                continue
            value: tuple[float | None, str | None] = (
                (0.0, None) if before == "zero" else (0.0, "absent")
            )
        else:
            value = draw(st.sampled_from(APPEARED))
        rows.append(
            {
                "patient_id": pid,
                "lesion_id": lesion_id,
                "site": site,
                "is_lymph_node": site == "lymph_node",
                "target": target,
                "date": day,
                "diameter_mm": value[0],
                "status": value[1],
            }
        )
    when = draw(st.sampled_from(["none", "since", "before"]))
    if when == "none":
        return rows, []
    scan = draw(
        st.integers(appears, n_scans - 2) if when == "since" else st.integers(0, appears - 1)
    )
    treatment = {
        "patient_id": pid,
        "lesion_id": lesion_id,
        "modality": draw(st.sampled_from(MODALITIES)),
        "date": dates[scan] + dt.timedelta(days=draw(st.sampled_from([0, 7]))),
    }
    return rows, [treatment]


@st.composite
def patient(draw: st.DrawFn, pid: str) -> Tables:
    dates = draw(study_dates())
    n_scans = len(dates)
    flagging = draw(st.sampled_from(["flags", "none", "random"]))
    rows: list[dict[str, Any]] = []
    lesion_ids = []
    for index in range(draw(st.integers(1, 7))):
        lesion_id = f"L{index}"
        lesion_ids.append(lesion_id)
        site = draw(st.sampled_from(SITES))
        target = {"flags": index < 3, "none": False}.get(flagging, draw(st.booleans()))
        for scan in draw(lesion_scans(n_scans)):
            value = draw(measurement())
            if value is None:
                continue
            rows.append(
                {
                    "patient_id": pid,
                    "lesion_id": lesion_id,
                    "site": site,
                    "is_lymph_node": site == "lymph_node",
                    "target": target,
                    "date": dates[scan],
                    "diameter_mm": value[0],
                    "status": value[1],
                }
            )
    treatments: list[dict[str, Any]] = []
    if n_scans >= 3 and draw(st.integers(0, 2)) == 0:
        lesion_id = f"L{len(lesion_ids)}"
        lesion_ids.append(lesion_id)
        new_rows, treatments = draw(new_lesion(pid, dates, lesion_id))
        rows += new_rows
    therapy: dict[str, Any] = {}
    if draw(st.integers(0, 4)) > 0:
        start = dates[draw(st.integers(0, n_scans - 1))] + dt.timedelta(
            days=draw(st.sampled_from([-10, 0, 5]))
        )
        end = None
        if draw(st.integers(0, 4)) == 0:
            end = start + dt.timedelta(days=draw(st.integers(0, 200)))
        therapy = {
            "therapy_agents": "agent",
            "therapy_class": draw(st.sampled_from(CLASSES)),
            "therapy_start": start,
            "therapy_end": end,
        }
    baseline = None
    if draw(st.integers(0, 5)) == 0:
        baseline = START + dt.timedelta(days=draw(st.integers(-20, 200)))
    elif draw(st.integers(0, 5)) == 0:  # a study date: it stands for its time point
        baseline = draw(st.sampled_from(dates))
    patients = [
        {
            "patient_id": pid,
            "primary_site": "colorectal",
            "ecog": draw(st.sampled_from([None, 0, 1, 2])),
            "baseline_date": baseline,
            **therapy,
        }
    ]
    treatments += [
        {
            "patient_id": pid,
            "lesion_id": draw(st.sampled_from(lesion_ids)),
            "modality": draw(st.sampled_from(MODALITIES)),
            "date": dates[draw(st.integers(0, n_scans - 1))] + dt.timedelta(days=7),
        }
        for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2])))
    ]
    tables = {"measurements": rows, "patients": patients, "local_treatments": treatments}
    if draw(st.integers(0, 9)) == 0:
        _malform(draw, tables)
    return tables


def _malform(draw: st.DrawFn, tables: Tables) -> None:
    rows = tables["measurements"]
    kind = draw(
        st.sampled_from(
            [
                "negative",
                "site",
                "status",
                "duplicate",
                "empty",
                "absent",
                "ecog",
                "no_patient",
                "two_patients",
                "unknown_lesion",
                "end_before_start",
                "site_disagrees",
                "source_problem",
            ]
        )
    )
    if kind in ("negative", "site", "status", "duplicate", "empty", "absent", "site_disagrees"):
        if not rows:
            return
        row = rows[draw(st.integers(0, len(rows) - 1))]
        if kind == "negative":
            row["diameter_mm"] = -4.0
        elif kind == "site":
            row["site"] = "lvier"
        elif kind == "status":
            row["status"] = "gone"
        elif kind == "duplicate":
            rows.append(dict(row))
        elif kind == "empty":
            row["diameter_mm"], row["status"] = None, None
        elif kind == "absent":
            row["status"], row["diameter_mm"] = "absent", 12.0
        else:
            row["site"] = "skin" if row["site"] != "skin" else "bone"
            rows.append({**row, "date": row["date"] + dt.timedelta(days=1000)})
    elif kind == "ecog":
        tables["patients"][0]["ecog"] = 7
    elif kind == "source_problem":  # as the FHIR conversion writes a patient it cannot read
        tables["patients"][0]["source_problem"] = "FHIR resources could not be read: Patient/x"
    elif kind == "no_patient":
        tables["patients"].clear()
    elif kind == "two_patients":
        tables["patients"].append(dict(tables["patients"][0]))
    elif kind == "unknown_lesion":
        pid = tables["patients"][0]["patient_id"]
        tables["local_treatments"].append(
            {"patient_id": pid, "lesion_id": "X9", "modality": "sbrt", "date": START}
        )
    elif tables["patients"][0].get("therapy_start"):
        start = tables["patients"][0]["therapy_start"]
        tables["patients"][0]["therapy_end"] = start - dt.timedelta(days=30)


@st.composite
def cohort(draw: st.DrawFn, max_patients: int = 8) -> Tables:
    merged: Tables = {"measurements": [], "patients": [], "local_treatments": []}
    for index in range(draw(st.integers(1, max_patients))):
        for name, rows in draw(patient(f"H{index:03d}")).items():
            merged[name] += rows
    return merged


def write(
    tables: Tables, directory: Path, fmt: str = "parquet", row_group_size: int | None = None
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        types = TYPES[name]
        columns = {c: pa.array([r.get(c) for r in rows], type=t) for c, t in types.items()}
        table = pa.table(columns)
        if fmt == "parquet":
            pq.write_table(table, directory / f"{name}.parquet", row_group_size=row_group_size)
        else:
            strings = {
                c: pa.array([_text(v) for v in table.column(c).to_pylist()], type=pa.string())
                for c in table.column_names
            }
            pacsv.write_csv(pa.table(strings), directory / f"{name}.csv")
    return directory


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def by_patient(table: pa.Table) -> dict[str | None, dict[str, Any]]:
    return {row["patient_id"]: row for row in table.to_pylist()}


def disagreements(
    expected: pa.Table, actual: pa.Table
) -> list[tuple[str | None, dict[str, Any], dict[str, Any]]]:
    left, right = by_patient(expected), by_patient(actual)
    assert set(left) == set(right), f"patients differ: {set(left) ^ set(right)}"
    found = []
    for key, row in left.items():
        a = {k: row[k] for k in COMPARED}
        b = {k: right[key][k] for k in COMPARED}
        if a != b:
            found.append((key, a, b))
    return found


def new_lesion_cohort() -> tuple[Tables, dict[str, str]]:
    """Patients with a stable liver target and a lung lesion absent at baseline that is seen at
    day 90, and the RECIST overall response each has at day 180 (recist.evaluate_timepoints): a
    new lesion still present and not treated locally since baseline keeps the time point PD (a
    lesion treated after baseline is followed from its treatment, as lesions.py does)."""
    lung: dict[str, list[tuple[int, float | None, str | None]]] = {
        "P-persists": [(0, 0.0, None), (90, 6.0, None), (180, 6.0, None)],
        "P-persists-unseen-at-baseline": [(90, 6.0, None), (180, None, "too_small_to_measure")],
        "P-persists-recorded-absent": [(0, 0.0, "absent"), (90, 6.0, None), (180, 6.0, None)],
        "P-treated-since": [(0, 0.0, None), (90, 6.0, None), (180, 6.0, None)],
        "P-treated-before": [(0, 0.0, None), (90, 6.0, None), (180, 6.0, None)],
        "P-gone": [(0, 0.0, None), (90, 6.0, None), (180, 0.0, "absent")],
        "P-not-evaluated": [(0, 0.0, None), (90, 6.0, None), (180, None, "not_evaluated")],
    }
    treated = {"P-treated-since": 100, "P-treated-before": 30}
    expected = dict.fromkeys(lung, "PD") | {
        "P-treated-since": "SD",
        "P-treated-before": "SD",
        "P-gone": "SD",
        "P-not-evaluated": "SD",
    }
    tables: Tables = {"measurements": [], "patients": [], "local_treatments": []}
    for pid, scans in lung.items():
        for lesion_id, site, points in (
            ("L1", "liver", [(0, 20.0, None), (90, 20.0, None), (180, 20.0, None)]),
            ("N1", "lung", scans),
        ):
            tables["measurements"] += [
                {
                    "patient_id": pid,
                    "lesion_id": lesion_id,
                    "site": site,
                    "is_lymph_node": False,
                    "target": lesion_id == "L1",
                    "date": START + dt.timedelta(days=day),
                    "diameter_mm": size,
                    "status": status,
                }
                for day, size, status in points
            ]
        tables["patients"].append(
            {"patient_id": pid, "primary_site": "colorectal", "ecog": 0, "baseline_date": START}
        )
        if pid in treated:
            tables["local_treatments"].append(
                {
                    "patient_id": pid,
                    "lesion_id": "N1",
                    "modality": "sbrt",
                    "date": START + dt.timedelta(days=treated[pid]),
                }
            )
    return tables, expected
