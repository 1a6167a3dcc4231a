"""A bleeding tumour while bevacizumab is given: the plan never simply continues it.

Bevacizumab roughly doubles the risk of bleeding (knowledge: antivegf_bleeding_hold). The
evidence covers bevacizumab only, so VEGF-receptor tyrosine-kinase inhibitors are left to the
anti-VEGF cautions of safety_cautions.py."""

from __future__ import annotations

from oligoguide.model.vocab import RecommendationCategory, SystemicAction
from oligoguide.model.vocab_context import Symptom
from oligoguide.plan.context import PlanContext
from oligoguide.plan.drafts import Draft
from oligoguide.plan.rules.base import Findings, caution_draft

STATEMENT = "antivegf_bleeding_hold"


def _bleeding(ctx: PlanContext) -> list[str]:
    found = [x.id for x in ctx.case.lesions if Symptom.BLEEDING in x.symptoms]
    primary = ctx.case.primary_tumour
    if primary is not None and Symptom.BLEEDING in primary.symptoms:
        found.append(primary.lesion_id or "the primary tumour")
    return list(dict.fromkeys(found))


def _on_bevacizumab(ctx: PlanContext) -> bool:
    if ctx.latest_date is None:
        return False
    return any(
        agent.strip().lower() == "bevacizumab"
        for therapy in ctx.case.therapies_ongoing_on(ctx.latest_date)
        for agent in therapy.agents
    )


def hold_bevacizumab_while_bleeding(ctx: PlanContext, out: Findings) -> None:
    bleeding = _bleeding(ctx)
    if not bleeding or not _on_bevacizumab(ctx):
        return
    where = ", ".join(bleeding)
    systemic = [d for d in out.drafts if d.category == RecommendationCategory.SYSTEMIC]
    for draft in systemic:
        if draft.action == SystemicAction.CONTINUE:
            draft.lead += f" Hold bevacizumab while {where} bleeds (see the caution)."
    if systemic:
        out.drafts.append(
            caution_draft(
                STATEMENT,
                "caution.bleeding_on_bevacizumab",
                f"{where} bleeds on bevacizumab.",
            )
        )
        return
    out.drafts.append(
        Draft(
            category=RecommendationCategory.SYSTEMIC,
            statement_id=STATEMENT,
            rule="systemic.hold_bevacizumab_while_bleeding",
            action=SystemicAction.HOLD,
            lead=f"Hold bevacizumab while {where} bleeds; the rest of the regimen as the "
            "treating oncologist decides.",
            rationale=f"{where} bleeds on bevacizumab.",
        )
    )


RULES = (hold_bevacizumab_while_bleeding,)
