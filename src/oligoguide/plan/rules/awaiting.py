"""Lesions whose local treatment waits for a confirmation: each keeps a plan line that says so.

A lesion left without a line reads as forgotten; a line that says "not now, and why" is what the
tumour board needs to see."""

from __future__ import annotations

from oligoguide.model.vocab import (
    DIFFUSE_SITES,
    DiseaseState,
    LocalModality,
    RecommendationCategory,
    Timing,
)
from oligoguide.plan.context import PlanContext
from oligoguide.plan.drafts import Draft
from oligoguide.plan.gates import read_gates
from oligoguide.plan.rules.base import Findings
from oligoguide.response.models import LesionTrajectory


def possible_flare(t: LesionTrajectory) -> Draft:
    """PCWG3: a new bone lesion on the first scan after starting therapy may be a flare. Either
    the confirmatory scan shows no more (a flare: nothing to treat) or it shows further new
    lesions (progression beyond a few sites): observation is the line either way."""
    return Draft(
        category=RecommendationCategory.LOCAL_THERAPY,
        statement_id="pcwg3_bone_flare",
        rule="local.possible_flare",
        lesion_id=t.id,
        modality=LocalModality.OBSERVATION,
        timing=Timing.AFTER_CONFIRMATION,
        lead=f"{t.id}: no local treatment now; repeat the bone scan at least 6 weeks later "
        "(possible flare).",
        rationale=f"{t.id} ({t.site.value}) is new on the first bone scan after the current "
        "therapy began.",
    )


def unconfirmed_polyprogression(ctx: PlanContext, out: Findings) -> None:
    """Progression at many sites that is not yet confirmed (iUPD, equivocal lesions): no lesion
    is treated now, and each one says it waits (symptomatic lesions have their own lines)."""
    gates = read_gates(ctx)
    if ctx.disease_state != DiseaseState.POLYPROGRESSION or not gates.unconfirmed:
        return
    if gates.poor_fitness:
        return  # poor fitness has its own lines (palliative.unfit_lesions)
    planned = {
        d.lesion_id for d in out.drafts if d.category == RecommendationCategory.LOCAL_THERAPY
    }
    statement = (
        "irecist_confirm_before_change"
        if ctx.state.confirmation_required or ctx.on_immunotherapy
        else "workup_confirm_equivocal"
    )
    for t in ctx.progressing:
        if t.id in planned or t.site in DIFFUSE_SITES:
            continue
        out.drafts.append(
            Draft(
                category=RecommendationCategory.LOCAL_THERAPY,
                statement_id=statement,
                rule="local.awaiting_confirmation",
                lesion_id=t.id,
                modality=LocalModality.OBSERVATION,
                timing=Timing.AFTER_CONFIRMATION,
                lead=f"{t.id} ({t.site.value}): no local treatment before progression is "
                "confirmed.",
                rationale=f"{gates.unconfirmed}.",
            )
        )


def treated_site_changes(ctx: PlanContext, out: Findings) -> None:
    """A treated lesion that looks bigger but was judged fibrosis or an uncertain change: its
    own line says it is not re-treated now (re-irradiating fibrosis is the harm to avoid)."""
    planned = {
        d.lesion_id for d in out.drafts if d.category == RecommendationCategory.LOCAL_THERAPY
    }
    for lesion in ctx.case.lesions:
        seen = lesion.post_treatment_assessment
        if seen is None or lesion.id in planned or seen.appearance.value == "recurrence":
            continue
        fibrosis = seen.appearance.value == "fibrosis"
        out.drafts.append(
            Draft(
                category=RecommendationCategory.LOCAL_THERAPY,
                statement_id="post_sbrt_fibrosis_vs_recurrence",
                rule="local.treated_site_change",
                lesion_id=lesion.id,
                modality=LocalModality.OBSERVATION,
                timing=Timing.NOW if fibrosis else Timing.AFTER_CONFIRMATION,
                lead=f"{lesion.id}: no re-treatment; "
                + (
                    "post-treatment fibrosis, followed on the usual scans."
                    if fibrosis
                    else "a change of uncertain nature after treatment: PET-CT or biopsy, or a "
                    "short-interval scan, before any re-treatment."
                ),
                rationale=f"{lesion.id} was judged {seen.appearance.value} on {seen.date}.",
            )
        )


RULES = (unconfirmed_polyprogression, treated_site_changes)
