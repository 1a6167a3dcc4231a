"""Symptoms, emergencies and the primary tumour: plan lines that do not depend on the state.

A suspected spinal cord compression leads the plan (urgent); a painful bone lesion gets
palliative radiotherapy whatever the disease state; a patient too unwell for ablative therapy
still gets a line for every progressing lesion (treat if symptomatic); leptomeningeal disease is
never planned as parenchymal metastases; an intact colorectal primary follows its own guideline.
"""

from __future__ import annotations

from oligoguide.dose import suggest_schedule
from oligoguide.model.vocab import (
    DIFFUSE_SITES,
    DiseaseState,
    Intent,
    LocalModality,
    PrimarySite,
    RecommendationCategory,
    Site,
    Timing,
    WorkupCode,
)
from oligoguide.model.vocab_context import CytologyResult, CytologySpecimen, PrimaryStatus
from oligoguide.plan.context import PlanContext
from oligoguide.plan.drafts import Draft
from oligoguide.plan.gates import palliative_symptoms, primary_in_place, read_gates
from oligoguide.plan.models import Dose
from oligoguide.plan.rules.base import Findings, workup_draft

BONE_SITES = (Site.BONE, Site.SPINE)


def cord_compression(ctx: PlanContext, out: Findings) -> None:
    for lesion_id in read_gates(ctx).emergency:
        lesion = ctx.lesion(lesion_id)
        out.drafts.insert(
            0,
            Draft(
                category=RecommendationCategory.LOCAL_THERAPY,
                statement_id="mscc_emergency",
                rule="palliative.cord_compression",
                lesion_id=lesion_id,
                modality=LocalModality.SURGERY,
                alternatives=(LocalModality.CONVENTIONAL_RT,),
                timing=Timing.URGENT,
                intent=Intent.PALLIATIVE,
                lead=f"URGENT, {lesion_id} ({lesion.location or lesion.site.value}): suspected "
                "spinal cord compression. Start dexamethasone, MRI of the whole spine now, "
                "same-day spinal surgical opinion; radiotherapy if surgery is not chosen.",
                rationale=f"{lesion_id}: "
                f"{', '.join(s.value.replace('_', ' ') for s in lesion.symptoms)} recorded.",
            ),
        )
        out.drafts.append(
            workup_draft(
                WorkupCode.SPINE_MRI,
                "mscc_emergency",
                "palliative.cord_compression_mri",
                "MRI of the whole spine, urgently.",
                f"{lesion_id}: suspected cord compression.",
            )
        )
        out.drafts.append(
            workup_draft(
                WorkupCode.SURGICAL_REVIEW,
                "mscc_emergency",
                "palliative.cord_compression_surgeon",
                "Spinal surgical opinion today.",
                f"{lesion_id}: decompression with radiotherapy can preserve walking in selected "
                "patients.",
            )
        )


def painful_lesions(ctx: PlanContext, out: Findings) -> None:
    """Palliative RT for symptomatic bone lesions that have no other plan line."""
    gates = read_gates(ctx)
    # A lesion already planned for treatment now keeps that line; pain does not wait for a
    # confirmation scan, so a deferred ablative line gets the palliative line beside it.
    planned = {
        d.lesion_id
        for d in out.drafts
        if d.category == RecommendationCategory.LOCAL_THERAPY
        and d.timing in (None, Timing.NOW, Timing.URGENT)
    }
    for lesion in ctx.case.lesions:
        symptoms = palliative_symptoms(lesion)
        if lesion.site not in BONE_SITES or lesion.id in planned or lesion.id in gates.emergency:
            continue
        if not symptoms:
            continue
        suggestion = suggest_schedule(Site.BONE, None)
        block = suggestion.dose()
        out.drafts.append(
            Draft(
                category=RecommendationCategory.LOCAL_THERAPY,
                statement_id="bone_pain_palliative_rt",
                rule="palliative.painful_bone",
                lesion_id=lesion.id,
                modality=LocalModality.CONVENTIONAL_RT,
                alternatives=(),
                timing=Timing.NOW,
                intent=Intent.PALLIATIVE,
                dose=None if block is None else Dose.model_validate(block),
                lead=f"{lesion.id}: palliative radiotherapy for "
                f"{', '.join(s.value.replace('_', ' ') for s in sorted(symptoms))}.",
                rationale=f"{lesion.id} ({lesion.site.value}) is symptomatic: palliative "
                "radiotherapy applies whatever the disease state.",
            )
        )


def _symptoms_only(statement: str, rule: str, lesion_id: str, lead: str, why: str) -> Draft:
    """A lesion's line with no local treatment now: palliative treatment only for symptoms."""
    return Draft(
        category=RecommendationCategory.LOCAL_THERAPY,
        statement_id=statement,
        rule=rule,
        lesion_id=lesion_id,
        modality=LocalModality.OBSERVATION,
        timing=Timing.IF_SYMPTOMATIC,
        intent=Intent.PALLIATIVE,
        lead=lead,
        rationale=why,
    )


def unfit_lesions(ctx: PlanContext, out: Findings) -> None:
    """Poor performance status: every progressing lesion keeps a line, treated only for symptoms."""
    if not read_gates(ctx).poor_fitness:
        return
    planned = {
        d.lesion_id for d in out.drafts if d.category == RecommendationCategory.LOCAL_THERAPY
    }
    for t in ctx.progressing:
        if t.id in planned:
            continue
        out.drafts.append(
            _symptoms_only(
                "poor_ps_supportive_care",
                "palliative.unfit_for_ablation",
                t.id,
                f"{t.id} ({t.site.value}): no ablative treatment; palliative radiotherapy "
                "only if it causes symptoms.",
                f"ECOG {ctx.case.patient.ecog}: outside the trials of ablative therapy.",
            )
        )


def leptomeningeal(ctx: PlanContext, out: Findings) -> None:
    diffuse = [x for x in ctx.case.lesions if x.site == Site.LEPTOMENINGES]
    csf = [
        c
        for c in ctx.case.cytology
        if c.specimen == CytologySpecimen.CSF and c.result == CytologyResult.POSITIVE
    ]
    if not diffuse and not csf:
        return
    why = (
        f"leptomeningeal disease ({', '.join(x.id for x in diffuse) or 'positive CSF cytology'}): "
        "managed as disseminated CNS disease, not as parenchymal metastases"
    )
    out.drafts.append(
        workup_draft(
            WorkupCode.NEURAXIS_MRI,
            "leptomeningeal_workup",
            "palliative.leptomeningeal_mri",
            "Contrast MRI of the brain and whole spine.",
            why,
        )
    )
    if not csf:
        out.drafts.append(
            workup_draft(
                WorkupCode.CSF_CYTOLOGY,
                "leptomeningeal_workup",
                "palliative.leptomeningeal_csf",
                "CSF cytology (lumbar puncture) if safe.",
                why,
            )
        )
    for lesion in diffuse:
        out.drafts.append(
            _symptoms_only(
                "leptomeningeal_not_oligo",
                "palliative.leptomeningeal_no_srs",
                lesion.id,
                f"{lesion.id}: no stereotactic treatment of leptomeningeal disease; "
                "involved-field radiotherapy only for symptoms, decided with neuro-oncology.",
                why,
            )
        )


def intact_primary(ctx: PlanContext, out: Findings) -> None:
    """An intact or locally recurrent colorectal primary is not one more metastasis for SBRT."""
    case = ctx.case
    if ctx.primary != PrimarySite.COLORECTAL or not (
        primary_in_place(case) or read_gates(ctx).primary_lesion_ids
    ):
        return
    info = case.primary_tumour
    recurrent = info is not None and info.status == PrimaryStatus.LOCALLY_RECURRENT
    ids: list[str | None] = [*sorted(read_gates(ctx).primary_lesion_ids)] or [None]
    symptoms = set(info.symptoms) if info is not None else set()
    for lesion_id in ids:
        if lesion_id is not None:
            symptoms |= set(ctx.lesion(lesion_id).symptoms)
        if lesion_id is not None and ctx.lesion(lesion_id).site in DIFFUSE_SITES:
            continue
        symptomatic = bool(symptoms)
        # a recurrent primary is resected with curative intent only while the metastatic
        # disease is limited; in polyprogression it is treated for its symptoms only
        recurrent_local = recurrent and ctx.disease_state != DiseaseState.POLYPROGRESSION
        what = "locally recurrent primary" if recurrent else "intact primary"
        out.drafts.append(
            Draft(
                category=RecommendationCategory.LOCAL_THERAPY,
                statement_id="locally_recurrent_primary" if recurrent else "intact_primary_crc",
                rule="palliative.primary_tumour",
                lesion_id=lesion_id,
                modality=LocalModality.SURGERY
                if symptomatic or recurrent_local
                else LocalModality.OBSERVATION,
                alternatives=(LocalModality.CONVENTIONAL_RT,)
                if symptomatic or recurrent_local
                else (),
                timing=Timing.NOW if symptomatic or recurrent_local else Timing.IF_SYMPTOMATIC,
                intent=Intent.PALLIATIVE if symptomatic else None,
                lead=f"{lesion_id or 'Primary'}: {what}, managed by the colorectal guideline "
                + (
                    f"for its symptoms ({', '.join(sorted(s.value for s in symptoms))}): "
                    "colorectal surgical review (resection, stent or stoma), radiotherapy for "
                    "bleeding."
                    if symptomatic
                    else "(site-specific multidisciplinary review)."
                    if recurrent_local
                    else "(no routine resection while asymptomatic)."
                ),
                rationale=f"The {what} is not treated as one more progressing metastasis.",
            )
        )
    out.drafts.append(
        workup_draft(
            WorkupCode.SURGICAL_REVIEW,
            "locally_recurrent_primary" if recurrent else "intact_primary_crc",
            "palliative.primary_surgical_review",
            "Colorectal surgical review of the primary tumour.",
            "The primary tumour is in place; its management is a surgical decision.",
        )
    )


RULES = (cord_compression, leptomeningeal, intact_primary)
LATE_RULES = (painful_lesions, unfit_lesions)
