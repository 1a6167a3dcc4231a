"""From one Case to its rows in the cohort tables (the inverse of `case_rows.py`).

Used for cohorts that arrive as FHIR: the FHIR adapter reads each patient into a Case, and this
writes the Case as the tables every engine screens. The tables hold one systemic therapy per
patient, so the therapy written is the one the core would take as current at the latest scan
(the latest-started of those ongoing then, else the latest-started): on-therapy status and the
RECIST baseline come out as `assess` computes them. What the tables do not carry (several
therapies, the per-lesion primary / measurable / equivocal flags, imaging studies, biomarker
details) is listed in docs/cohort.md; `untabled` names what of it would change a screen result,
so that such a patient is rejected with the reason rather than screened on a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from oligoguide.model import Case
from oligoguide.model.case import SystemicTherapy
from oligoguide.model.vocab import BiomarkerStatus
from oligoguide.response.baseline import choose_baseline, timepoint_dates
from oligoguide.response.selection import MIN_MEASURABLE_MM, MIN_MEASURABLE_NODE_MM, baseline_size

Row = dict[str, Any]


@dataclass
class TableRows:
    """Rows for the three input tables, column names as `schema.COLUMNS`."""

    measurements: list[Row] = field(default_factory=list)
    patients: list[Row] = field(default_factory=list)
    local_treatments: list[Row] = field(default_factory=list)

    def add_case(self, patient_id: str, case: Case) -> None:
        self.measurements += measurement_rows(patient_id, case)
        self.patients.append(patient_row(patient_id, case))
        self.local_treatments += [
            {
                "patient_id": patient_id,
                "lesion_id": t.lesion_id,
                "modality": t.modality.value,
                "date": t.date,
            }
            for t in case.local_treatments
        ]

    def add_problem(self, patient_id: str, problem: str) -> None:
        """A patient that could not be read: one patient row naming why (the screen rejects it)."""
        self.patients.append({"patient_id": patient_id, "source_problem": problem})

    def extend(self, other: TableRows) -> None:
        self.measurements += other.measurements
        self.patients += other.patients
        self.local_treatments += other.local_treatments

    def __len__(self) -> int:
        return len(self.patients)


def measurement_rows(patient_id: str, case: Case) -> list[Row]:
    return [
        {
            "patient_id": patient_id,
            "lesion_id": lesion.id,
            "site": lesion.site.value,
            "is_lymph_node": lesion.is_lymph_node,
            "target": lesion.target,
            "date": m.date,
            "diameter_mm": m.diameter_mm,
            "status": None if m.status is None else m.status.value,
        }
        for lesion in case.lesions
        for m in lesion.measurements
    ]


def current_therapy(case: Case) -> SystemicTherapy | None:
    """The therapy the core takes as current at the latest scan (see the module docstring)."""
    if not case.systemic_therapies:
        return None
    dates = [m.date for lesion in case.lesions for m in lesion.measurements]
    ongoing = case.therapies_ongoing_on(max(dates)) if dates else []
    return max(ongoing or case.systemic_therapies, key=lambda t: t.start)


def patient_row(patient_id: str, case: Case) -> Row:
    therapy = current_therapy(case)
    drivers = sorted(
        {b.name.value for b in case.cancer.biomarkers if b.status == BiomarkerStatus.POSITIVE}
    )
    return {
        "patient_id": patient_id,
        "primary_site": case.cancer.primary_site.value,
        "ecog": case.patient.ecog,
        "therapy_agents": None if therapy is None else " + ".join(therapy.agents),
        "therapy_class": None if therapy is None else therapy.classes[0].value,
        "therapy_start": None if therapy is None else therapy.start,
        "therapy_end": None if therapy is None else therapy.end,
        "baseline_date": case.baseline_date,
        "drivers": ", ".join(drivers) or None,
    }


def untabled(case: Case) -> list[str]:
    """What the Case says that the tables cannot hold and that changes the screen's result:
    an equivocal new lesion (not progression until confirmed) and a measurability the reader
    declared against the size rule the engines apply."""
    problems = [
        f"lesion {lesion.id} is an equivocal new lesion"
        for lesion in case.lesions
        if lesion.equivocal
    ]
    baseline = choose_baseline(case, timepoint_dates(case))
    for lesion in case.lesions:
        if lesion.measurable is None or baseline is None:
            continue
        size = baseline_size(lesion, baseline.date)
        limit = MIN_MEASURABLE_NODE_MM if lesion.is_lymph_node else MIN_MEASURABLE_MM
        by_size = size is not None and size >= limit
        if lesion.measurable != by_size:
            said = "measurable" if lesion.measurable else "not measurable"
            problems.append(f"lesion {lesion.id} is declared {said}, against its baseline size")
    return problems
