"""Metastasis-directed therapy, lesion by lesion, chosen by site and sized by the dose module."""

from __future__ import annotations

from oligoguide.dose import ScheduleSuggestion, suggest_schedule
from oligoguide.model.vocab import (
    DIFFUSE_SITES,
    DiseaseState,
    LocalModality,
    LungZone,
    PrimarySite,
    RecommendationCategory,
    Site,
)
from oligoguide.plan.context import PlanContext
from oligoguide.plan.drafts import Draft
from oligoguide.plan.gates import (
    POOR_ECOG,
    converted_to_resectable,
    read_gates,
)
from oligoguide.plan.rules.awaiting import possible_flare
from oligoguide.plan.rules.base import Findings
from oligoguide.plan.rules.local_limits import (
    BRAIN_SURGERY_MM,
    LIVER_ABLATION_MM,
    MEASURABLE_MM,
    NO_DOSE,
    consolidation_timing,
    exclude_unfit,
    lesion_timing,
    reappeared_small,
    size_text,
)
from oligoguide.plan.rules.organ_limits import (
    adjacent_organ_notes,
    cite_limits,
    dose_with_limits,
)
from oligoguide.response.models import LesionTrajectory

#: More brain metastases than this are outside the ASTRO 2022 SRS recommendations.
BRAIN_SRS_MAX = 10


def targets_for_local_therapy(ctx: PlanContext) -> list[LesionTrajectory]:
    """Progressing lesions in oligoprogression; every remaining lesion in oligometastatic disease
    and in oligopersistence (consolidation of residual disease)."""
    if ctx.disease_state == DiseaseState.OLIGOPROGRESSION:
        return list(ctx.progressing)
    burden = ctx.case.prior_metastatic_burden
    induced = burden is not None and burden.polymetastatic
    if (
        ctx.disease_state == DiseaseState.OLIGOPERSISTENCE
        and induced
        and not converted_to_resectable(ctx)
    ):
        # induced OMD: no trial supports consolidating what remains, unless conversion therapy
        # made colorectal liver disease resectable (then every site is resected)
        return []
    if ctx.disease_state in (DiseaseState.OLIGOMETASTATIC, DiseaseState.OLIGOPERSISTENCE):
        return [
            t
            for t in ctx.response.lesions
            if t.status.value not in ("disappeared", "not_evaluable")
            and ctx.lesion(t.id).post_treatment_assessment is None
        ]
    return []


def _frame(ctx: PlanContext) -> str:
    """The statement every lesion-level rationale points back to."""
    if ctx.disease_state == DiseaseState.OLIGOMETASTATIC:
        return "oligometastatic disease: radical treatment of every lesion"
    if ctx.disease_state == DiseaseState.OLIGOPERSISTENCE:
        return "oligopersistence: consolidation of each residual lesion"
    return "oligoprogression: treat each progressing lesion"


def _diameter(t: LesionTrajectory) -> float | None:
    """The size to dose by: None when not measured (0 mm means nothing left to size)."""
    return t.latest_mm if t.latest_mm else None


def local_therapy(ctx: PlanContext, out: Findings) -> None:
    lesions = targets_for_local_therapy(ctx)
    if not lesions:
        return
    ecog = ctx.case.patient.ecog
    if ecog is None:
        out.need(
            "/patient/ecog",
            "performance status decides whether ablative local therapy is appropriate",
        )
    elif ecog >= POOR_ECOG:
        return  # the caution rule explains why no ablative therapy is proposed
    gates = read_gates(ctx)
    gated = consolidation_timing(ctx, gates.ablative_timing())
    for t in lesions:
        if t.site in DIFFUSE_SITES or t.id in gates.emergency:
            continue  # diffuse disease and emergencies have rules of their own
        if t.id in gates.primary_lesion_ids and ctx.primary == PrimarySite.COLORECTAL:
            continue  # an intact colorectal primary follows its own guideline (primary rule)
        if t.id in gates.flare and not ctx.lesion(t.id).symptoms:
            out.drafts.append(possible_flare(t))
            continue
        first = len(out.drafts)
        handler = _BY_SITE.get(t.site, _sbrt_generic)
        handler(ctx, t, out)
        for draft in out.drafts[first:]:
            exclude_unfit(ctx, t, draft)
            draft.timing = lesion_timing(ctx, t, gated)
            if reappeared_small(t):
                draft.notes.append(
                    f"{t.id} is back at {size_text(t)} after disappearing, under the "
                    f"{MEASURABLE_MM:g} mm a lesion needs to be measurable (RECIST 1.1): "
                    "confirm it on the next scan before treating it."
                )


def _sbrt_draft(
    ctx: PlanContext,
    t: LesionTrajectory,
    out: Findings,
    statement: str,
    rule: str,
    suggestion: ScheduleSuggestion,
    alternatives: tuple[LocalModality, ...],
    why: str,
) -> Draft:
    draft = Draft(
        category=RecommendationCategory.LOCAL_THERAPY,
        statement_id=statement,
        rule=rule,
        lesion_id=t.id,
        modality=LocalModality.SBRT,
        alternatives=alternatives,
        rationale=f"{t.id} ({t.site.value}, {size_text(t)}): {why}; {_frame(ctx)}.",
        dose=dose_with_limits(ctx, t, suggestion),
    )
    if suggestion.found and suggestion.total_gy and suggestion.fractions:
        draft.lead = (
            f"{t.id}: SBRT {suggestion.total_gy:g} Gy in {suggestion.fractions} "
            f"fractions (BED10 {suggestion.bed10:g} Gy)."
        )
    else:
        draft.lead = f"{t.id}: SBRT; {NO_DOSE}."
    draft.notes += suggestion.cautions
    _prior_radiation(ctx, t, draft)
    adjacent_organ_notes(ctx, t, draft, suggestion.fractions)
    cite_limits(draft)
    return draft


def _prior_radiation(ctx: PlanContext, t: LesionTrajectory, draft: Draft) -> None:
    for field in ctx.case.prior_radiotherapy:
        if t.id in field.lesion_ids:
            dose = (
                f"{field.total_dose_gy:g} Gy" + (f"/{field.fractions}" if field.fractions else "")
                if field.total_dose_gy
                else "dose not recorded"
            )
            draft.notes.append(
                f"{t.id} lies in an earlier radiotherapy field ({field.site.value}"
                f"{', ' + field.location if field.location else ''}, {dose}"
                f"{', ' + str(field.date) if field.date else ''}): this is re-irradiation; check "
                "cumulative EQD2 to nearby organs with `oligoguide dose check`."
            )
    if t.irradiated:
        draft.notes.append(
            f"{t.id} was irradiated before ({'; '.join(t.locally_treated)}): this is "
            "re-irradiation; check cumulative EQD2 to nearby organs with `oligoguide dose check`."
        )


def _lung(ctx: PlanContext, t: LesionTrajectory, out: Findings) -> None:
    zone = ctx.lesion(t.id).lung_zone
    if zone is None:
        out.need(
            f"/lesions/{t.id}/lung_zone",
            f"{t.id}: distance to the proximal bronchial "
            "tree decides the SBRT schedule (peripheral, central, ultracentral)",
        )
    suggestion = suggest_schedule(
        Site.LUNG,
        _diameter(t),
        central=zone == LungZone.CENTRAL,
        ultracentral=zone == LungZone.ULTRACENTRAL,
    )
    statement = (
        {
            LungZone.CENTRAL: "central_lung_risk_adapted",
            LungZone.ULTRACENTRAL: "ultracentral_lung_caution",
        }.get(zone, "lung_sbrt")
        if zone is not None
        else "lung_sbrt"
    )
    draft = _sbrt_draft(
        ctx,
        t,
        out,
        statement,
        "local.lung_sbrt",
        suggestion,
        (LocalModality.SURGERY,),
        "lung lesion",
    )
    if zone is None:
        draft.notes.append(
            "Zone not recorded: the schedule shown is the peripheral one; "
            "central or ultracentral lesions need a gentler schedule."
        )
    out.drafts.append(draft)


def _liver(ctx: PlanContext, t: LesionTrajectory, out: Findings) -> None:
    small = t.latest_mm is not None and t.latest_mm <= LIVER_ABLATION_MM
    alternatives = (
        (LocalModality.MWA, LocalModality.RFA, LocalModality.SBRT)
        if small
        else (LocalModality.SBRT, LocalModality.MWA)
    )
    resection = Draft(
        category=RecommendationCategory.LOCAL_THERAPY,
        statement_id="liver_resection_first",
        rule="local.liver_resection_first",
        lesion_id=t.id,
        modality=LocalModality.SURGERY,
        alternatives=alternatives,
        lead=f"{t.id}: resection if feasible.",
        rationale=f"{t.id} (liver, {size_text(t)}): {_frame(ctx)}; resection first where the "
        "future liver remnant allows.",
    )
    if small:
        resection.notes.append(
            f"At {size_text(t)} (<= {LIVER_ABLATION_MM:g} mm) thermal ablation is an alternative."
        )
        resection.extra_citations = tuple(ctx.kb.statement("liver_thermal_ablation").evidence)
    out.drafts.append(resection)
    liver_count = sum(1 for x in targets_for_local_therapy(ctx) if x.site == Site.LIVER)
    suggestion = suggest_schedule(Site.LIVER, _diameter(t), lesion_count=liver_count)
    out.drafts.append(
        _sbrt_draft(
            ctx,
            t,
            out,
            "liver_sbrt",
            "local.liver_sbrt_if_unresectable",
            suggestion,
            (LocalModality.MWA, LocalModality.RFA),
            "if resection and ablation are not suitable",
        )
    )


def _brain(ctx: PlanContext, t: LesionTrajectory, out: Findings) -> None:
    count = len(
        [
            b
            for b in ctx.response.lesions
            if b.site == Site.BRAIN and b.status.value != "disappeared"
        ]
    )
    if t.latest_mm is not None and t.latest_mm > BRAIN_SURGERY_MM:
        out.drafts.append(
            Draft(
                category=RecommendationCategory.LOCAL_THERAPY,
                statement_id="brain_surgery_large_or_mass_effect",
                rule="local.brain_large",
                lesion_id=t.id,
                modality=LocalModality.SURGERY,
                alternatives=(LocalModality.SRS,),
                lead=f"{t.id}: neurosurgical resection.",
                rationale=f"{t.id} (brain, {size_text(t)}) is over {BRAIN_SURGERY_MM:g} mm.",
            )
        )
        return
    if count > BRAIN_SRS_MAX:
        return  # outside SRS guidance; the caution rule says so
    suggestion = suggest_schedule(Site.BRAIN, _diameter(t), lesion_count=count)
    draft = Draft(
        category=RecommendationCategory.LOCAL_THERAPY,
        statement_id="brain_srs_limited",
        rule="local.brain_srs",
        lesion_id=t.id,
        modality=LocalModality.SRS,
        alternatives=(LocalModality.SURGERY,),
        dose=dose_with_limits(ctx, t, suggestion),
        rationale=f"{t.id} (brain, {size_text(t)}); {count} brain metastasis(es) in all; "
        f"{_frame(ctx)}.",
    )
    if suggestion.found and suggestion.total_gy and suggestion.fractions:
        kind = (
            "single fraction" if suggestion.fractions == 1 else f"{suggestion.fractions} fractions"
        )
        draft.lead = f"{t.id}: SRS {suggestion.total_gy:g} Gy in {kind}."
    else:
        draft.lead = f"{t.id}: SRS; {NO_DOSE}."
    if t.latest_mm is None:
        out.need(
            f"/lesions/{t.id}/measurements (diameter)",
            f"{t.id}: the SRS dose depends on the lesion diameter",
        )
    draft.notes += suggestion.cautions
    _prior_radiation(ctx, t, draft)
    adjacent_organ_notes(ctx, t, draft, suggestion.fractions)
    cite_limits(draft)
    out.drafts.append(draft)


def _spine(ctx: PlanContext, t: LesionTrajectory, out: Findings) -> None:
    suggestion = suggest_schedule(Site.SPINE, _diameter(t))
    out.drafts.append(
        _sbrt_draft(
            ctx,
            t,
            out,
            "spine_sbrt",
            "local.spine_sbrt",
            suggestion,
            (LocalModality.CONVENTIONAL_RT,),
            "spinal lesion",
        )
    )


def _prostate_recurrence_off_therapy(ctx: PlanContext) -> bool:
    """Metachronous prostate cancer recurring with at most three lesions and no current therapy:
    the population of STOMP and ORIOLE."""
    timing = ctx.case.cancer.metastases_timing
    return (
        ctx.primary == PrimarySite.PROSTATE
        and not ctx.state.on_systemic_therapy
        and (timing is None or timing.value == "metachronous")
        and len([t for t in ctx.response.lesions if t.status.value != "disappeared"]) <= 3
    )


def _sbrt_generic(ctx: PlanContext, t: LesionTrajectory, out: Findings) -> None:
    """Bone outside the spine, nodes, adrenal and other sites: SBRT under the general statement."""
    from oligoguide.plan.rules.systemic import oligoprogression_statement

    statement = (
        "oligometastatic_radical_local"
        if ctx.disease_state == DiseaseState.OLIGOMETASTATIC
        else oligoprogression_statement(ctx)
    )
    if statement == "oligometastatic_radical_local" and _prostate_recurrence_off_therapy(ctx):
        statement = "prostate_oligorecurrence"  # STOMP and ORIOLE: recurrence off hormones
    site = t.site if t.site != Site.BONE else Site.BONE
    suggestion = suggest_schedule(site, _diameter(t))
    if t.site == Site.BONE:
        # The only sourced bone schedule is palliative; never present it as ablative.
        draft = _sbrt_draft(
            ctx,
            t,
            out,
            statement,
            "local.sbrt_other_site",
            suggestion.model_copy(update={"found": False}),
            (LocalModality.SURGERY, LocalModality.CONVENTIONAL_RT),
            "bone lesion",
        )
        draft.notes += suggestion.cautions
    else:
        draft = _sbrt_draft(
            ctx,
            t,
            out,
            statement,
            "local.sbrt_other_site",
            suggestion,
            (LocalModality.SURGERY,),
            f"{t.site.value.replace('_', ' ')} lesion",
        )
        _published_range(ctx, t, draft, suggestion.found)
    out.drafts.append(draft)


# Sites without a sourced schedule whose published dose range a statement gives.
RANGE_STATEMENTS = {Site.ADRENAL: "adrenal_sbrt_dose_range"}


def _published_range(ctx: PlanContext, t: LesionTrajectory, draft: Draft, found: bool) -> None:
    """No sourced schedule: name the published range and its source, so the dose is set from it."""
    statement = ctx.kb.statements.get(RANGE_STATEMENTS.get(t.site, ""))
    if found or statement is None:
        return
    draft.notes.append(f"Published range: {statement.text}")
    draft.extra_citations += statement.evidence


_BY_SITE = {
    Site.LUNG: _lung,
    Site.LIVER: _liver,
    Site.BRAIN: _brain,
    Site.SPINE: _spine,
}

RULES = (local_therapy,)
