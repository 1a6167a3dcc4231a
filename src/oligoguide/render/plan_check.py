"""The treatment plan dose check (DICOM RT, `oligoguide.dicom.rt_check`) as a report section.

`plan_check_view(report)` turns a PlanCheckReport into rows and lists that the HTML report
(`render_html(..., plan_check=...)`, shown after the plan) and the UI's dose page both show:
organ, structure, metric, value, limit, status and the limit's source (its reference, with a
DOI or PubMed link); PRVs, unrecognised names, cautions and reading notes listed. Duck-typed on
the report so the render package does not need pydicom.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from oligoguide.knowledge import default_knowledge_base

if TYPE_CHECKING:
    from oligoguide.dicom.rt_check import PlanCheckReport

STATUS_LABELS = {
    "pass": "pass",  # nosec B105 - a check status label, not a password
    "fail": "exceeds limit",
    "no_sourced_limit": "no sourced limit",
    "not_evaluable": "not evaluable",
}


@dataclass(frozen=True)
class CheckRow:
    organ: str
    structure: str
    metric: str
    value: str  # "17.17 Gy", or "-" when not evaluable
    limit: str  # "12.3 Gy", or "none sourced"
    status: str  # pass | fail | no_sourced_limit | not_evaluable
    status_label: str
    source_id: str | None
    source_text: str  # the reference, or ""
    source_url: str | None  # DOI (else PubMed) address
    notes: list[str] = field(default_factory=list)  # why not evaluable, cautions, unverified


@dataclass(frozen=True)
class PlanCheckView:
    files: str
    fractions: str
    grid: str
    rows: list[CheckRow]
    prvs: list[str]
    unrecognised: list[str]
    not_organs_at_risk: list[str]
    cautions: list[str]
    notes: list[str]
    verdict: str
    all_passed: bool
    knowledge_version: str


def _source(source: str | None) -> tuple[str, str | None]:
    if not source:
        return "", None
    evidence = default_knowledge_base().evidence.get(source)
    if evidence is None:
        return source, None
    if evidence.doi:
        return evidence.reference(), f"https://doi.org/{evidence.doi}"
    if evidence.pmid:
        return evidence.reference(), f"https://pubmed.ncbi.nlm.nih.gov/{evidence.pmid}/"
    return evidence.reference(), None


def plan_check_view(report: PlanCheckReport) -> PlanCheckView:
    rows = []
    for c in report.checks:
        text, url = _source(c.source)
        notes = [c.reason] if c.reason else []
        if c.verified is False:
            notes.append("limit not yet verified against its source")
        notes += c.cautions
        rows.append(
            CheckRow(
                organ=c.organ.replace("_", " "),
                structure=c.structure,
                metric=c.metric,
                value="-" if c.value_gy is None else f"{c.value_gy:.2f} Gy",
                limit="none sourced" if c.limit_gy is None else f"{c.limit_gy:g} Gy",
                status=c.status,
                status_label=STATUS_LABELS.get(c.status, c.status),
                source_id=c.source,
                source_text=text,
                source_url=url,
                notes=notes,
            )
        )
    prvs = [
        f"{s.structure} ({(s.organ or '').replace('_', ' ')} PRV): "
        + (
            s.reason
            or f"{s.volume_cc or 0:.2f} cc, Dmax {s.dmax_gy or 0:.2f} Gy, "
            f"Dmean {s.mean_gy or 0:.2f} Gy"
        )
        for s in report.structures
        if s.kind == "prv"
    ]
    unrecognised = [
        f"{u.structure} ({u.kind}{': ' + u.note if u.note else ''})" for u in report.unrecognised
    ]
    plan = f", {report.rtplan}" if report.rtplan else ""
    return PlanCheckView(
        files=f"{report.rtstruct}, {report.rtdose}{plan}",
        fractions=f"{report.fractions} fractions (from {report.fractions_from})",
        grid=report.grid,
        rows=rows,
        prvs=prvs,
        unrecognised=unrecognised,
        not_organs_at_risk=list(report.not_organs_at_risk),
        cautions=list(report.cautions),
        notes=list(report.reading_notes),
        verdict="All checked constraints pass."
        if report.all_passed
        else "Not all constraints pass: see the rows marked other than pass.",
        all_passed=report.all_passed,
        knowledge_version=report.knowledge_version,
    )
