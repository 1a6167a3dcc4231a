"""From one patient's table rows to a Case, or to the list of problems that stop it.

This is the core engine's adapter: it passes the raw values to the core's own pydantic models, so
that what the core accepts or rejects decides, and the SQL engines are checked against it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from oligoguide.model import Case, case_from_data
from oligoguide.model.errors import CaseInputError
from oligoguide.model.strict import is_case_id
from oligoguide.model.vocab import Site

Row = Mapping[str, Any]


@dataclass(frozen=True)
class PatientRows:
    key: str  # the patient_id as given; "" when the rows had none
    patients: Sequence[Row]
    measurements: Sequence[Row]
    treatments: Sequence[Row]


class _LesionAttributes(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    site: Site
    is_lymph_node: bool = False
    target: bool = False


def patient_key(value: object) -> str:
    """Ids are taken literally, as the SQL engines take them; a padded id is reported."""
    return "" if value is None else str(value)


def blank_key(key: str) -> bool:
    # SQL's trim() removes spaces only; the two engines must agree on what "blank" means.
    return key.strip(" ") == ""


def _present(row: Row, *names: str) -> dict[str, Any]:
    return {name: row[name] for name in names if row.get(name) is not None}


def _blank(value: object) -> bool:
    return value is None or blank_key(str(value))


def _lesions(rows: Sequence[Row], problems: list[str]) -> list[dict[str, Any]]:
    by_lesion: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if _blank(row.get("lesion_id")):
            problems.append("a measurement row has no lesion_id")
            continue
        by_lesion[str(row["lesion_id"])].append(row)
    lesions = []
    for lesion_id in sorted(by_lesion):
        attributes: set[_LesionAttributes] = set()
        for row in by_lesion[lesion_id]:
            try:
                attributes.add(
                    _LesionAttributes.model_validate(
                        _present(row, "site", "is_lymph_node", "target")
                    )
                )
            except ValidationError as error:
                problems.append(f"lesion {lesion_id}: {error.errors()[0]['msg']}")
        if len(attributes) > 1:
            problems.append(f"lesion {lesion_id}: rows disagree on site, is_lymph_node or target")
        first = by_lesion[lesion_id][0]
        lesions.append(
            {
                "id": lesion_id,
                **_present(first, "site", "is_lymph_node", "target"),
                "measurements": [
                    _present(row, "date", "diameter_mm", "status") for row in by_lesion[lesion_id]
                ],
            }
        )
    return lesions


def _therapies(row: Row) -> list[dict[str, Any]]:
    fields = ("therapy_agents", "therapy_class", "therapy_start", "therapy_end")
    if all(row.get(name) is None for name in fields):
        return []
    therapy: dict[str, Any] = {
        "agents": [] if row.get("therapy_agents") is None else [row["therapy_agents"]],
        "classes": [] if row.get("therapy_class") is None else [row["therapy_class"]],
    }
    if row.get("therapy_start") is not None:
        therapy["start"] = row["therapy_start"]
    if row.get("therapy_end") is not None:
        therapy["end"] = row["therapy_end"]
    return [therapy]


def build_case(rows: PatientRows) -> tuple[Case | None, list[str]]:
    """The patient's Case, or None and every problem found (never a partial case)."""
    problems: list[str] = []
    if blank_key(rows.key):
        problems.append("rows without a patient_id")
    elif rows.key.strip(" ") != rows.key:
        problems.append(f"patient_id '{rows.key}' has leading or trailing spaces")
    if not rows.patients:
        problems.append("no row in the patient table")
    elif len(rows.patients) > 1:
        problems.append(f"{len(rows.patients)} rows in the patient table")
    found_before = [str(r["source_problem"]) for r in rows.patients if r.get("source_problem")]
    if found_before:  # the rows are empty because of it: nothing else to check (as the SQL)
        return None, problems + found_before
    lesions = _lesions(rows.measurements, problems)
    patient = rows.patients[0] if rows.patients else {}
    data: dict[str, Any] = {
        "case_id": _case_id(rows.key),
        "patient": {"id": rows.key or "?", **_present(patient, "ecog")},
        "cancer": _present(patient, "primary_site"),
        **_present(patient, "baseline_date"),
        "systemic_therapies": _therapies(patient),
        "local_treatments": [
            _present(row, "lesion_id", "modality", "date") for row in rows.treatments
        ],
        "lesions": lesions,
    }
    try:
        case = case_from_data(data, text_values=True)  # CSV cells are text; read strictly
    except CaseInputError as error:
        problems += [str(issue) for issue in error.issues]
        return None, problems
    return (None, problems) if problems else (case, [])


def _case_id(key: str | None) -> str:
    """The patient id as case id when it is a plain one; else a stable digest of it. The screen
    reports by patient_id, so the case-id rule (made for registry keys and URLs) must not reject
    a patient the SQL engines accept."""
    if key and is_case_id(key):
        return key
    return "p-" + hashlib.sha256((key or "").encode("utf-8")).hexdigest()[:32]
