"""Cautions: when the standard plan does not apply or needs a second look."""

from __future__ import annotations

from oligoguide.model.vocab import (
    DIFFUSE_SITES,
    DiseaseState,
    PrimarySite,
    RecommendationCategory,
    Site,
)
from oligoguide.plan.context import PlanContext
from oligoguide.plan.gates import POOR_ECOG
from oligoguide.plan.rules.base import Findings, caution_draft
from oligoguide.plan.rules.local import BRAIN_SRS_MAX, targets_for_local_therapy
from oligoguide.state.burden import group_burden

WEAK_GRADES = ("C", "D", "E")


def poor_performance(ctx: PlanContext, out: Findings) -> None:
    ecog = ctx.case.patient.ecog
    if ecog is not None and ecog >= POOR_ECOG and targets_for_local_therapy(ctx):
        out.drafts.append(
            caution_draft(
                "poor_performance_status",
                "caution.poor_performance_status",
                f"ECOG {ecog}: no ablative local therapy is proposed; treat symptoms.",
            )
        )


def diffuse_disease(ctx: PlanContext, out: Findings) -> None:
    diffuse = [t for t in ctx.progressing if t.site in DIFFUSE_SITES]
    where = ", ".join(f"{t.id} ({t.site.value})" for t in diffuse)
    if diffuse:
        out.drafts.append(
            caution_draft(
                "leptomeningeal_not_oligo",
                "caution.diffuse_disease",
                f"Progressing diffuse disease: {where}.",
            )
        )


def too_many_brain_lesions(ctx: PlanContext, out: Findings) -> None:
    brain = [
        t for t in ctx.response.lesions if t.site == Site.BRAIN and t.status.value != "disappeared"
    ]
    count, uncounted = len(brain), False
    groups = (
        [] if ctx.latest_date is None else group_burden(ctx.case, ctx.latest_date, BRAIN_SRS_MAX)
    )
    for g in groups:  # 'innumerable punctate foci' count too
        if g.site != Site.BRAIN or not g.present:
            continue
        if g.counted:
            count += g.count
        else:
            uncounted = True
    if (count > BRAIN_SRS_MAX or uncounted) and ctx.disease_state in (
        DiseaseState.OLIGOPROGRESSION,
        DiseaseState.OLIGOMETASTATIC,
        DiseaseState.POLYPROGRESSION,
    ):
        many = "uncounted" if uncounted else str(count)
        out.drafts.append(
            caution_draft(
                "brain_srs_limited",
                "caution.many_brain_lesions",
                f"{many} brain metastases: more than {BRAIN_SRS_MAX}, outside the SRS "
                "recommendations (no radiosurgery to each); discuss at the tumour board.",
            )
        )


def cns_active_tki(ctx: PlanContext, out: Findings) -> None:
    brain = ctx.lesions_at(Site.BRAIN)
    if not brain or not ctx.on_targeted_for_driver:
        return
    symptomatic = [t.id for t in brain if ctx.lesion(t.id).symptomatic]
    if symptomatic:
        return  # symptomatic lesions are treated locally; the SRS recommendation stands
    unknown = [t.id for t in brain if ctx.lesion(t.id).symptomatic is None]
    if unknown:
        out.need(
            f"/lesions/{unknown[0]}/symptomatic",
            "whether a brain metastasis causes symptoms decides if local treatment can "
            "wait under a CNS-active targeted drug",
        )
    out.drafts.append(
        caution_draft(
            "brain_asymptomatic_cns_active_tki",
            "caution.cns_active_tki",
            f"Brain lesion(s) {', '.join(t.id for t in brain)} on {ctx.state.current_therapy}; "
            "if asymptomatic, deferring local therapy is an option the tumour board may weigh.",
        )
    )


def weak_evidence(ctx: PlanContext, out: Findings) -> None:
    """Where the evidence for metastasis-directed therapy is weak or negative, offer a trial."""
    if ctx.disease_state != DiseaseState.OLIGOPROGRESSION:
        return
    from oligoguide.plan.rules.systemic import oligoprogression_statement

    statement = ctx.kb.statement(oligoprogression_statement(ctx))
    if statement.grade.value in WEAK_GRADES or ctx.primary == PrimarySite.BREAST:
        out.drafts.append(
            caution_draft(
                "clinical_trial_option",
                "caution.weak_evidence",
                f"The evidence behind '{statement.topic}' is grade {statement.grade.value}.",
            )
        )


def other_primary(ctx: PlanContext, out: Findings) -> None:
    """A cancer the base holds no statement for: say that the plan borrows from other cancers."""
    if ctx.primary != PrimarySite.OTHER:
        return
    local = [d for d in out.drafts if d.category == RecommendationCategory.LOCAL_THERAPY]
    if not local:
        return
    name = ctx.case.cancer.histology or "this cancer"
    out.drafts.append(
        caution_draft(
            "clinical_trial_option",
            "caution.other_primary",
            f"{name}: no statement in the knowledge base is specific to it; the local-therapy "
            "statements in this plan come from trials in other cancers (colorectal, lung, mixed "
            "primaries), so their benefit here is unknown and the tumour board weighs them.",
        )
    )


RULES = (
    poor_performance,
    diffuse_disease,
    too_many_brain_lesions,
    cns_active_tki,
    weak_evidence,
    other_primary,
)
