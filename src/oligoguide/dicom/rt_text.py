"""The plan dose check report as text lines (`oligoguide dose check-plan --format text`)."""

from __future__ import annotations

from oligoguide.dicom.rt_check import PlanCheckReport


def plan_check_lines(report: PlanCheckReport) -> list[str]:
    """The report as text lines (the CLI's --format text)."""
    plan = f" + {report.rtplan}" if report.rtplan else ""
    lines = [
        f"Plan dose check: {report.rtstruct} + {report.rtdose}{plan}",
        f"{report.fractions} fractions (from {report.fractions_from})",
        f"dose grid: {report.grid}",
    ]
    for c in report.checks:
        head = f"{c.status.upper():17} {c.organ} {c.metric} ({c.structure})"
        if c.status == "not_evaluable":
            lines.append(f"{head}: {c.reason}")
            continue
        limit = "no sourced limit" if c.limit_gy is None else f"limit {c.limit_gy:g} Gy"
        source = f" [{c.source}]" if c.source else ""
        flag = " (unverified)" if c.verified is False else ""
        lines.append(f"{head} = {c.value_gy:.2f} Gy, {limit}{source}{flag}")
        lines += [f"  caution: {text}" for text in c.cautions]
    for s in report.structures:
        if s.kind == "prv":
            dose = s.reason or (
                f"{s.volume_cc:.2f} cc, Dmax {s.dmax_gy:.2f} Gy, Dmean {s.mean_gy:.2f} Gy"
            )
            lines.append(f"PRV (not judged as the organ) {s.structure} ({s.organ}): {dose}")
    for u in report.unrecognised:
        note = f": {u.note}" if u.note else ""
        lines.append(f"not recognised, not checked ({u.kind}): {u.structure}{note}")
    if report.not_organs_at_risk:
        lines.append("not organs at risk: " + ", ".join(report.not_organs_at_risk))
    lines += [f"caution: {c}" for c in report.cautions]
    lines += [f"note: {n}" for n in report.reading_notes]
    lines.append("all constraints pass" if report.all_passed else "NOT all constraints pass")
    lines.append(f"knowledge base {report.knowledge_version}")
    return lines
