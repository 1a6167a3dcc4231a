"""Why the plan is what it is: the gates that closed and the limits that removed an option."""

from __future__ import annotations

from oligoguide.model.explain import Explanation
from oligoguide.plan.context import PlanContext
from oligoguide.plan.gates import read_gates
from oligoguide.plan.models import Recommendation


def plan_explanations(ctx: PlanContext, recs: list[Recommendation]) -> list[Explanation]:
    gates = read_gates(ctx)
    notes: list[Explanation] = []

    def note(rule: str, text: str, statement: str, lesion: str | None = None) -> None:
        found = ctx.kb.statements.get(statement)
        notes.append(
            Explanation(
                rule=rule,
                text=text,
                lesion_id=lesion,
                citations=() if found is None else found.evidence,
            )
        )

    for lesion_id in gates.emergency:
        note(
            "gate.emergency",
            f"{lesion_id}: suspected cord or cauda equina compression leads the plan (urgent).",
            "mscc_emergency",
            lesion_id,
        )
    if gates.poor_fitness:
        note(
            "gate.poor_fitness",
            f"ECOG {gates.ecog}: no ablative therapy; supportive care leads; lesions are treated "
            "only for symptoms.",
            "poor_ps_supportive_care",
        )
    if gates.de_novo:
        note(
            "gate.de_novo",
            "Synchronous metastatic disease with no systemic therapy yet: first-line therapy "
            "first, local treatment of the sites after response.",
            "denovo_systemic_first",
        )
    if gates.unconfirmed:
        note(
            "gate.unconfirmed",
            f"{gates.unconfirmed}: ablative treatment waits for confirmation.",
            "irecist_confirm_before_change" if ctx.on_immunotherapy else "workup_confirm_equivocal",
        )
    if gates.histology_first:
        note(
            "gate.histology_first",
            f"{gates.histology_first}: ablative treatment waits for the biopsy.",
            "nsclc_rebiopsy_resistance",
        )
    for r in recs:
        for option in r.excluded:
            notes.append(
                Explanation(
                    rule="filter.modality_limits",
                    text=f"{r.lesion_id}: {option.modality.value} excluded ({option.reason}).",
                    lesion_id=r.lesion_id,
                )
            )
    return notes
