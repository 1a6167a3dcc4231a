"""The report's header: who the patient is, on what, and where the report came from.

What the assessment does not carry (the patient, the therapies) is read from the case; what
neither carries (the case version in the registry, who saved it, who asked for the report, when)
comes in a `ReportMeta` from the face that makes the report. The CLI reads a file, so its
version and author are 'not recorded'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from oligoguide.assess import Assessment
from oligoguide.model.case import Case, SystemicTherapy
from oligoguide.model.case_context import PriorTreatmentLine
from oligoguide.model.vocab import BiomarkerStatus, PrimarySite

NOT_RECORDED = "not recorded"
CANCER_LABELS = {
    PrimarySite.COLORECTAL: "Colorectal cancer",
    PrimarySite.NSCLC: "Non-small-cell lung cancer (NSCLC)",
    PrimarySite.SCLC: "Small-cell lung cancer",
    PrimarySite.BREAST: "Breast cancer",
    PrimarySite.PROSTATE: "Prostate cancer",
    PrimarySite.RENAL: "Renal cell cancer",
    PrimarySite.MELANOMA: "Melanoma",
    PrimarySite.OTHER: "Other primary",
}


@dataclass(frozen=True)
class ReportMeta:
    """Where a report comes from. Every field may be left out (the CLI has no registry)."""

    case_version: int | None = None
    author: str | None = None  # who saved this version of the case
    generated_by: str | None = None  # the signed-in user who asked for the report
    generated: dt.date | None = None  # default: today

    @property
    def day(self) -> dt.date:
        return self.generated or dt.date.today()


def age_years(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _age(case: Case, day: dt.date) -> str:
    if case.patient.birth_date is not None:
        return f"{age_years(case.patient.birth_date, day)} years"
    given = case.patient.age  # recorded instead of a birth date
    return f"{given} years" if given is not None else NOT_RECORDED


def _cancer(case: Case) -> str:
    c = case.cancer
    parts = [CANCER_LABELS[c.primary_site]]
    if c.histology:
        parts.append(c.histology)
    if c.stage_at_diagnosis:
        parts.append(f"stage {c.stage_at_diagnosis} at diagnosis")
    if c.diagnosis_date:
        parts.append(f"diagnosed {c.diagnosis_date:%Y-%m}")
    return ", ".join(parts)


def _drivers(case: Case) -> str:
    found = []
    for b in case.cancer.biomarkers:
        status = "not tested" if b.status == BiomarkerStatus.NOT_TESTED else b.status.value
        found.append(f"{b.name.value} {status}" + (f" ({b.detail})" if b.detail else ""))
    return "; ".join(found) or NOT_RECORDED


def _therapy(t: SystemicTherapy | PriorTreatmentLine) -> str:
    details = [f"line {t.line}"] if t.line else []
    if isinstance(t, SystemicTherapy):
        details.append(f"{t.start} to {t.end}" if t.end else f"since {t.start}")
    elif t.year:
        details.append(str(t.year))
    if t.best_response:
        details.append(f"best response {t.best_response.value}")
    return " + ".join(t.agents) + (f" ({', '.join(details)})" if details else "")


def _therapies(case: Case, day: dt.date) -> tuple[str, str]:
    """(current, prior): the ongoing systemic therapy, and the earlier ones with dates or not."""
    ongoing = [t for t in case.systemic_therapies if t.end is None or t.end >= day]
    ended = sorted((t for t in case.systemic_therapies if t not in ongoing), key=lambda t: t.start)
    prior = [_therapy(t) for t in case.prior_treatment_lines] + [_therapy(t) for t in ended]
    return (
        "; ".join(_therapy(t) for t in ongoing) or "none recorded",
        "; ".join(prior) or "none recorded",
    )


def header_rows(a: Assessment, case: Case | None, meta: ReportMeta) -> Sequence[tuple[str, str]]:
    """(label, value) pairs in reading order (the case id is in the report's title); without
    the case, the case's rows say so."""
    day = meta.day
    rows: list[tuple[str, str]] = []
    if case is None:
        rows.append(("Case", a.case_id))
        rows.append(("Patient", "not given to the report"))
    else:
        current, prior = _therapies(case, day)
        rows += [
            ("Patient", case.patient.id),
            ("Sex", case.patient.sex.value),
            ("Age", _age(case, day)),
            ("ECOG", NOT_RECORDED if case.patient.ecog is None else str(case.patient.ecog)),
            ("Cancer", _cancer(case)),
            ("Drivers", _drivers(case)),
            ("Current therapy", current),
            ("Prior therapy", prior),
        ]
    rows += [
        ("Case version", str(meta.case_version) if meta.case_version else NOT_RECORDED),
        ("Author", meta.author or NOT_RECORDED),
        ("Generated", f"{day}" + (f" by {meta.generated_by}" if meta.generated_by else "")),
        ("Knowledge base version", a.kb_version),
    ]
    return rows
