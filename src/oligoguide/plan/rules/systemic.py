"""What to do with the systemic therapy, by disease state and cancer."""

from __future__ import annotations

from oligoguide.model.vocab import (
    BiomarkerName,
    BiomarkerStatus,
    DiseaseState,
    PrimarySite,
    RecommendationCategory,
    Site,
    SystemicAction,
)
from oligoguide.plan.context import PlanContext
from oligoguide.plan.drafts import Draft
from oligoguide.plan.rules.base import Findings

GENERAL = "oligoprogression_mdt_continue_systemic"

#: The cancer-specific statement that frames oligoprogression for each primary.
BY_PRIMARY = {
    PrimarySite.COLORECTAL: "crc_oligoprogression_mdt",
    PrimarySite.BREAST: "breast_oligoprogression",
    PrimarySite.PROSTATE: "prostate_oligorecurrence",
    PrimarySite.RENAL: "renal_oligoprogression",
    PrimarySite.MELANOMA: "melanoma_oligoprogression",
}


def oligoprogression_statement(ctx: PlanContext) -> str:
    if ctx.on_targeted_for_driver:
        return "nsclc_tki_continue_local_therapy"
    if ctx.primary == PrimarySite.NSCLC and ctx.on_immunotherapy:
        return "nsclc_io_oligoprogression"
    return BY_PRIMARY.get(ctx.primary, GENERAL)


def _lesion_list(ctx: PlanContext) -> str:
    return ", ".join(f"{t.id} ({t.site.value})" for t in ctx.progressing)


def continue_on_oligoprogression(ctx: PlanContext, out: Findings) -> None:
    """Oligoprogression: keep the therapy that still controls the rest of the disease."""
    if ctx.disease_state != DiseaseState.OLIGOPROGRESSION:
        return
    therapy = ctx.state.current_therapy or "the current systemic therapy"
    statement = oligoprogression_statement(ctx)
    drivers = "/".join(d.value for d in ctx.positive_drivers)
    lead = f"Continue {therapy}."
    if ctx.on_targeted_for_driver:
        lead = f"Continue {therapy} ({drivers}-positive): progression at a few sites does not mean "
        lead += "the targeted therapy has failed everywhere."
    out.drafts.append(
        Draft(
            category=RecommendationCategory.SYSTEMIC,
            statement_id=statement,
            rule="systemic.continue_on_oligoprogression",
            action=SystemicAction.CONTINUE,
            lead=lead,
            rationale=f"{len(ctx.progressing)} progressing lesion(s) ({_lesion_list(ctx)}) while "
            "the "
            f"other lesions are controlled on {therapy}.",
            extra_citations=()
            if statement == GENERAL
            else tuple(ctx.kb.statement(GENERAL).evidence),
        )
    )
    _her2_brain(ctx, out)


def _her2_brain(ctx: PlanContext, out: Findings) -> None:
    her2 = ctx.case.cancer.biomarker(BiomarkerName.HER2)
    brain_only = ctx.progressing and all(t.site == Site.BRAIN for t in ctx.progressing)
    if (
        ctx.primary == PrimarySite.BREAST
        and her2 is not None
        and her2.status == BiomarkerStatus.POSITIVE
        and brain_only
    ):
        out.drafts.append(
            Draft(
                category=RecommendationCategory.SYSTEMIC,
                statement_id="her2_breast_brain_no_switch",
                rule="systemic.her2_breast_brain_only",
                action=SystemicAction.CONTINUE,
                rationale="HER2-positive breast cancer progressing in the brain only, with "
                "extracranial disease controlled.",
            )
        )


def switch_on_polyprogression(ctx: PlanContext, out: Findings) -> None:
    if ctx.disease_state != DiseaseState.POLYPROGRESSION:
        return
    n = len(ctx.progressing)
    out.drafts.append(
        Draft(
            category=RecommendationCategory.SYSTEMIC,
            statement_id="polyprogression_switch_systemic",
            rule="systemic.switch_on_polyprogression",
            action=SystemicAction.SWITCH,
            rationale=f"{n} progressing lesion(s) ({_lesion_list(ctx)}): "
            + ("diffuse disease progresses" if n <= 5 else "more than 5")
            + "; local therapy alone cannot control this, and is kept for symptoms.",
        )
    )


def persistence_option(ctx: PlanContext, out: Findings) -> None:
    if ctx.disease_state != DiseaseState.OLIGOPERSISTENCE:
        return
    therapy = ctx.state.current_therapy or "the current systemic therapy"
    remaining = [t for t in ctx.response.lesions if t.status.value != "disappeared"]
    out.drafts.append(
        Draft(
            category=RecommendationCategory.SYSTEMIC,
            statement_id="oligopersistence_consolidation",
            rule="systemic.oligopersistence",
            action=SystemicAction.CONTINUE,
            lead=f"Continue {therapy}.",
            rationale=f"No lesion progresses and {len(remaining)} lesion(s) remain on {therapy}.",
        )
    )


RULES = (continue_on_oligoprogression, switch_on_polyprogression, persistence_option)
