"""View models: what the case and assessment pages show, computed from the case and assess()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from oligoguide.assess import Assessment
from oligoguide.model import Case
from oligoguide.model.vocab import LocalModality, RecommendationCategory, WorkupCode
from oligoguide.plan import Recommendation


@dataclass(frozen=True)
class Cell:
    text: str
    title: str = ""


@dataclass(frozen=True)
class LesionRow:
    id: str
    site: str
    location: str
    flags: str
    status: str
    progressing: bool
    cells: tuple[Cell, ...]
    change: str


@dataclass(frozen=True)
class LesionTable:
    dates: tuple[dt.date, ...]
    rows: tuple[LesionRow, ...]


def _num(value: float | None, suffix: str = "") -> str:
    return "" if value is None else f"{value:g}{suffix}"


def lesion_table(case: Case, a: Assessment) -> LesionTable:
    """Lesions by row, scan dates by column: diameter (or status) at each date."""
    dates = tuple(sorted({m.date for lesion in case.lesions for m in lesion.measurements}))
    summaries = {s.id: s for s in a.lesions}
    rows = []
    for lesion in case.lesions:
        summary = summaries.get(lesion.id)
        cells = []
        for day in dates:
            m = lesion.measurement_on(day)
            if m is None:
                cells.append(Cell(""))
            elif m.diameter_mm is not None:
                status = m.status.value.replace("_", " ") if m.status else ""
                cells.append(Cell(f"{m.diameter_mm:g}", status))
            else:
                cells.append(Cell(m.status.value.replace("_", " ") if m.status else ""))
        flags = [
            name
            for name, on in (
                ("target", lesion.target),
                ("node", lesion.is_lymph_node),
                ("primary", lesion.primary),
                ("new", summary is not None and summary.is_new),
                ("irradiated", summary is not None and summary.irradiated),
            )
            if on
        ]
        status = summary.status.value if summary else "not assessed"
        change = ""
        if summary and summary.change_from_nadir_pct is not None:
            change = f"{summary.change_from_nadir_pct:+g}% / {summary.change_from_nadir_mm:+g} mm"
        rows.append(
            LesionRow(
                id=lesion.id,
                site=lesion.site.value.replace("_", " "),
                location=lesion.location or "",
                flags=", ".join(flags),
                status=status.replace("_", " "),
                progressing=lesion.id in a.progressing_lesions,
                cells=tuple(cells),
                change=change,
            )
        )
    return LesionTable(dates=dates, rows=tuple(rows))


@dataclass(frozen=True)
class LimitRow:
    """One organ-at-risk limit for the schedule shown: organ, metric, limit, reference."""

    organ: str
    metric: str
    limit: str
    endpoint: str
    adjacent: bool
    verified: bool
    refs: tuple[int, ...]


@dataclass(frozen=True)
class Rec:
    """A recommendation as the page shows it: text, dose, grade, reference numbers, why."""

    text: str
    heading: str
    dose: str
    grade: str
    refs: tuple[int, ...]
    why: str
    caveat: str
    alternatives: str
    limits: tuple[LimitRow, ...] = ()
    limits_note: str = ""


@dataclass
class PlanView:
    workup: list[Rec] = field(default_factory=list)
    review: list[Rec] = field(default_factory=list)
    by_lesion: dict[str, list[Rec]] = field(default_factory=dict)
    systemic: list[Rec] = field(default_factory=list)
    cautions: list[Rec] = field(default_factory=list)
    follow_up: str = ""
    follow_up_refs: tuple[int, ...] = ()


def ref_numbers(a: Assessment, ids: Iterable[str]) -> tuple[int, ...]:
    numbers = {r.id: r.number for r in a.references}
    return tuple(sorted({numbers[i] for i in ids if i in numbers}))


MODALITY_LABELS = {
    LocalModality.SURGERY: "Surgery",
    LocalModality.SBRT: "SBRT",
    LocalModality.SRS: "SRS",
    LocalModality.RFA: "Radiofrequency ablation",
    LocalModality.MWA: "Microwave ablation",
    LocalModality.CRYOABLATION: "Cryoablation",
    LocalModality.SIRT: "SIRT",
    LocalModality.TACE: "TACE",
    LocalModality.CONVENTIONAL_RT: "Conventional radiotherapy",
    LocalModality.WBRT: "Whole-brain radiotherapy",
    LocalModality.OBSERVATION: "Observation",
}
WORKUP_LABELS = {
    WorkupCode.BRAIN_MRI: "Brain MRI",
    WorkupCode.CT_CHEST_ABDOMEN_PELVIS: "CT chest, abdomen and pelvis",
    WorkupCode.PET_CT: "PET-CT",
    WorkupCode.LIVER_MRI: "Liver MRI",
    WorkupCode.SPINE_MRI: "Spine MRI",
    WorkupCode.REBIOPSY: "Re-biopsy",
    WorkupCode.MOLECULAR_PROFILING: "Molecular profiling",
    WorkupCode.CTDNA: "ctDNA",
    WorkupCode.MDT_REVIEW: "Tumour-board review",
    WorkupCode.CONFIRMATORY_SCAN: "Confirmatory scan",
    WorkupCode.PSMA_PET: "PSMA-PET",
    WorkupCode.BONE_SCAN: "Bone scan",
    WorkupCode.NEURAXIS_MRI: "MRI of the whole neuraxis",
    WorkupCode.CSF_CYTOLOGY: "CSF cytology",
    WorkupCode.TUMOUR_MARKERS: "Tumour markers",
    WorkupCode.FUTURE_LIVER_REMNANT: "Future liver remnant (CT volumetry)",
    WorkupCode.PULMONARY_FUNCTION: "Pulmonary function tests",
    WorkupCode.SURGICAL_REVIEW: "Surgical review",
}


def _heading(r: Recommendation) -> str:
    if r.modality is not None:
        return MODALITY_LABELS.get(r.modality, r.modality.value)
    if r.action is not None:
        return f"{r.action.value.capitalize()} the systemic therapy"
    if r.code is not None:
        return WORKUP_LABELS.get(r.code, r.code.value)
    return r.category.value.replace("_", " ").capitalize()


def _rec(a: Assessment, r: Recommendation, clean: Callable[[str], str]) -> Rec:
    dose = ""
    if r.dose:
        dose = (
            f"{r.dose.total_gy:g} Gy in {r.dose.fractions} fraction(s) - "
            f"BED10 {r.dose.bed10:g} Gy, EQD2 {r.dose.eqd2_10:g} Gy"
        )
    limits = tuple(
        LimitRow(
            organ=x.organ.replace("_", " "),
            metric=x.metric,
            limit=f"< {x.limit_gy:g} Gy in {x.fractions} fraction{'s' if x.fractions > 1 else ''}",
            endpoint=x.endpoint,
            adjacent=x.adjacent,
            verified=x.verified,
            refs=ref_numbers(a, (x.source,)),
        )
        for x in (r.dose.organ_limits if r.dose else ())
    )
    return Rec(
        text=clean(r.text),
        heading=_heading(r),
        dose=dose,
        grade=r.strength.value,
        refs=ref_numbers(a, (*r.citations, *([r.dose.source] if r.dose else []))),
        why=clean(r.rationale),
        caveat=clean(r.caveat or ""),
        alternatives=", ".join(MODALITY_LABELS.get(m, m.value) for m in r.alternatives),
        limits=limits,
        limits_note=clean(r.dose.organ_note or "") if r.dose else "",
    )


def _said_once(a: Assessment) -> dict[str, str]:
    """Recommendation id -> its text with a statement already shown above cut to its lead
    ("Contrast CT of chest, abdomen and pelvis." instead of the staging paragraph again)."""
    from oligoguide.knowledge import default_knowledge_base

    statements = default_knowledge_base().statements
    seen: set[str] = set()
    texts: dict[str, str] = {}
    for r in a.recommendations:
        body = statements[r.statement_id].text if r.statement_id in statements else ""
        if r.statement_id in seen and body and r.text.endswith(body) and r.text != body:
            texts[r.id] = r.text[: -len(body)].strip() + " (as above)"
        else:
            texts[r.id] = r.text
        seen.add(r.statement_id)
    return texts


def plan_view(a: Assessment, clean: Callable[[str], str] = str) -> PlanView:
    """The plan grouped as the page shows it; `clean` rewrites internal names into words; a
    statement shared by several recommendations is shown in full once."""
    view = PlanView()
    texts = _said_once(a)
    for r in a.recommendations:
        rec = _rec(a, r.model_copy(update={"text": texts[r.id]}), clean)
        if r.code is WorkupCode.MDT_REVIEW:
            view.review.append(rec)  # a step of the plan, not a test
        elif r.category is RecommendationCategory.WORKUP:
            view.workup.append(rec)
        elif r.category is RecommendationCategory.LOCAL_THERAPY:
            view.by_lesion.setdefault(r.lesion_id or "all lesions", []).append(rec)
        elif r.category is RecommendationCategory.SYSTEMIC:
            view.systemic.append(rec)
        elif r.category is RecommendationCategory.CAUTION:
            view.cautions.append(rec)
        else:
            view.workup.append(rec)  # follow-up items without their own section
    if a.follow_up:
        weeks = a.follow_up.imaging_interval_weeks
        interval = f"Imaging every {weeks[0]:g}-{weeks[1]:g} weeks. " if weeks else ""
        view.follow_up = interval + clean(a.follow_up.text)
        view.follow_up_refs = ref_numbers(a, a.follow_up.citations)
    return view
