"""Work-up a tumour board asks for beyond staging: markers, spine, liver remnant, lungs.

Each rule fires from what the plan is about to do (liver resection, lung SBRT) or from what the
case shows (a vertebral lesion, an equivocal finding, progression on a TKI); each cites its
statement.
"""

from __future__ import annotations

import datetime as dt

from oligoguide.model.vocab import (
    BodyRegion,
    DiseaseState,
    ImagingModality,
    LocalModality,
    PrimarySite,
    RecommendationCategory,
    Site,
    WorkupCode,
)
from oligoguide.model.vocab_context import Comorbidity, LabName, PostTreatmentAppearance, Symptom
from oligoguide.plan.context import PlanContext
from oligoguide.plan.gates import read_gates
from oligoguide.plan.rules.base import Findings, workup_draft

#: A marker older than this before the latest scan does not show the current trend (our default).
MARKER_WEEKS = 12
#: The marker each cancer is followed with.
MARKER = {
    PrimarySite.COLORECTAL: LabName.CEA,
    PrimarySite.PROSTATE: LabName.PSA,
    PrimarySite.BREAST: LabName.CA15_3,
}
ACTIVE = (
    DiseaseState.OLIGOPROGRESSION,
    DiseaseState.OLIGOMETASTATIC,
    DiseaseState.OLIGOPERSISTENCE,
    DiseaseState.POLYPROGRESSION,
)


def _has(out: Findings, code: WorkupCode) -> bool:
    return any(d.code == code for d in out.drafts)


def _planned(out: Findings, modality: LocalModality, site: Site, ctx: PlanContext) -> list[str]:
    return [
        d.lesion_id
        for d in out.drafts
        if d.category == RecommendationCategory.LOCAL_THERAPY
        and d.lesion_id is not None
        and d.lesion_id in {x.id for x in ctx.case.lesions}
        and (d.modality == modality)
        and ctx.lesion(d.lesion_id).site == site
    ]


def tumour_marker(ctx: PlanContext, out: Findings) -> None:
    marker = MARKER.get(ctx.primary)
    if marker is None or ctx.disease_state not in ACTIVE or ctx.latest_date is None:
        return
    since = ctx.latest_date - dt.timedelta(weeks=MARKER_WEEKS)
    recent = [x for x in ctx.case.lab_series(marker) if x.date >= since]
    if recent:
        return
    out.drafts.append(
        workup_draft(
            WorkupCode.TUMOUR_MARKERS,
            "workup_tumour_markers",
            "workup.tumour_marker",
            f"{marker.value} now, as the baseline for follow-up.",
            f"No {marker.value} recorded in the {MARKER_WEEKS} weeks up to the latest scan.",
        )
    )


def spine_mri(ctx: PlanContext, out: Findings) -> None:
    spine = [x for x in ctx.case.lesions if x.site == Site.SPINE]
    if not spine or _has(out, WorkupCode.SPINE_MRI) or ctx.latest_date is None:
        return
    since = ctx.latest_date - dt.timedelta(weeks=12)
    done = any(
        s.modality == ImagingModality.MRI and BodyRegion.SPINE in s.regions and s.date >= since
        for s in ctx.case.imaging
    )
    no_sins = [x.id for x in spine if x.sins_score is None]
    if not done:
        out.drafts.append(
            workup_draft(
                WorkupCode.SPINE_MRI,
                "spine_mri_sins",
                "workup.spine_mri",
                "MRI of the spine"
                + (f", and a SINS score for {', '.join(no_sins)}" if no_sins else "")
                + ".",
                f"Vertebral lesion(s) {', '.join(x.id for x in spine)}: epidural extent and "
                "stability decide between radiotherapy and surgery.",
            )
        )
    threshold = int(ctx.kb.statement("spine_mri_sins").number("sins_surgical_consult_from", 7))
    unstable = [x.id for x in spine if x.sins_score is not None and x.sins_score >= threshold]
    if unstable and not _has(out, WorkupCode.SURGICAL_REVIEW):
        out.drafts.append(
            workup_draft(
                WorkupCode.SURGICAL_REVIEW,
                "spine_mri_sins",
                "workup.spine_surgeon",
                "Spinal surgical opinion on stability (SINS).",
                f"SINS {threshold} or more: {', '.join(unstable)}; a potentially unstable spine "
                "needs a surgeon's view before radiotherapy alone.",
            )
        )


def neurosurgeon(ctx: PlanContext, out: Findings) -> None:
    """A brain metastasis planned for resection needs a neurosurgical opinion."""
    brain = _planned(out, LocalModality.SURGERY, Site.BRAIN, ctx)
    if brain and not _has(out, WorkupCode.SURGICAL_REVIEW):
        out.drafts.append(
            workup_draft(
                WorkupCode.SURGICAL_REVIEW,
                "brain_surgery_large_or_mass_effect",
                "workup.neurosurgeon",
                "Neurosurgical opinion.",
                f"Resection proposed for brain lesion(s) {', '.join(brain)}.",
            )
        )


#: Symptoms that call for brain imaging whatever the cancer and the state.
NEURO = frozenset({Symptom.NEUROLOGICAL_DEFICIT, Symptom.HEADACHE, Symptom.SEIZURE})


def neurological_symptoms(ctx: PlanContext, out: Findings) -> None:
    found = [x.id for x in ctx.case.lesions if set(x.symptoms) & NEURO]
    if not found or _has(out, WorkupCode.BRAIN_MRI) or ctx.latest_date is None:
        return
    if any(x.site == Site.BRAIN for x in ctx.case.lesions if x.id in found):
        return  # the brain lesion itself explains them and has its own plan line
    out.drafts.append(
        workup_draft(
            WorkupCode.BRAIN_MRI,
            "workup_brain_mri",
            "workup.brain_mri_for_symptoms",
            "Contrast brain MRI now, for the neurological symptoms.",
            f"Neurological symptoms recorded ({', '.join(found)}).",
        )
    )


def liver_remnant(ctx: PlanContext, out: Findings) -> None:
    liver = _planned(out, LocalModality.SURGERY, Site.LIVER, ctx)
    if not liver:
        return
    out.drafts.append(
        workup_draft(
            WorkupCode.FUTURE_LIVER_REMNANT,
            "workup_future_liver_remnant",
            "workup.future_liver_remnant",
            "CT volumetry of the future liver remnant before resection.",
            f"Liver resection proposed for {', '.join(liver)}.",
        )
    )
    if not ctx.case.surgical_opinions and not _has(out, WorkupCode.SURGICAL_REVIEW):
        out.drafts.append(
            workup_draft(
                WorkupCode.SURGICAL_REVIEW,
                "liver_resection_first",
                "workup.liver_surgeon",
                "Hepatobiliary surgical opinion on resectability.",
                "No surgical opinion is recorded.",
            )
        )


def lung_function(ctx: PlanContext, out: Findings) -> None:
    lung = _planned(out, LocalModality.SBRT, Site.LUNG, ctx)
    risky = {Comorbidity.INTERSTITIAL_LUNG_DISEASE, Comorbidity.COPD, Comorbidity.PRIOR_PNEUMONITIS}
    found = [c.condition.value for c in ctx.case.comorbidities if c.condition in risky]
    if lung and found:
        out.drafts.append(
            workup_draft(
                WorkupCode.PULMONARY_FUNCTION,
                "workup_pulmonary_function_ild",
                "workup.pulmonary_function",
                "Pulmonary function tests (spirometry, DLCO) before lung SBRT.",
                f"{', '.join(found).replace('_', ' ')} with lung SBRT planned for "
                f"{', '.join(lung)}.",
            )
        )


def confirm_uncertain(ctx: PlanContext, out: Findings) -> None:
    """Equivocal new lesions, a possible flare, an unclear post-treatment change: re-image."""
    if _has(out, WorkupCode.CONFIRMATORY_SCAN):
        return
    equivocal = [t.id for t in ctx.response.lesions if t.equivocal and t.status.value == "new"]
    unclear = [
        x.id
        for x in ctx.case.lesions
        if x.post_treatment_assessment is not None
        and x.post_treatment_assessment.appearance == PostTreatmentAppearance.INDETERMINATE
    ]
    gates = read_gates(ctx)
    implausible = sorted(ctx.implausible_lesions)
    if not (equivocal or unclear or gates.unconfirmed or implausible):
        return
    what = "; ".join(
        part
        for part in (
            f"equivocal new lesion(s) {', '.join(equivocal)}" if equivocal else "",
            f"post-treatment change of uncertain nature in {', '.join(unclear)}" if unclear else "",
            gates.unconfirmed,
            f"implausible value(s) for {', '.join(implausible)}" if implausible else "",
        )
        if part
    )
    out.drafts.append(
        workup_draft(
            WorkupCode.CONFIRMATORY_SCAN,
            "workup_confirm_equivocal",
            "workup.confirmatory_scan",
            "Repeat imaging to confirm before any change of treatment.",
            what + ".",
        )
    )
    if unclear and not _has(out, WorkupCode.PET_CT):
        out.drafts.append(
            workup_draft(
                WorkupCode.PET_CT,
                "post_sbrt_fibrosis_vs_recurrence",
                "workup.post_sbrt_pet",
                "FDG-PET-CT (and biopsy if uptake is high) to tell fibrosis from recurrence.",
                f"{', '.join(unclear)}: growth after SBRT may be radiation change.",
            )
        )


def tissue_at_progression(ctx: PlanContext, out: Findings) -> None:
    """NSCLC polyprogressing on a targeted drug: tissue and plasma for resistance."""
    if _has(out, WorkupCode.REBIOPSY) or not ctx.on_targeted_for_driver:
        return
    if ctx.disease_state != DiseaseState.POLYPROGRESSION:
        return
    out.drafts.append(
        workup_draft(
            WorkupCode.REBIOPSY,
            "nsclc_rebiopsy_resistance",
            "workup.nsclc_rebiopsy_poly",
            "Biopsy a progressing lesion (resistance, small-cell transformation).",
            "Progression on a targeted drug.",
        )
    )
    out.drafts.append(
        workup_draft(
            WorkupCode.CTDNA,
            "nsclc_rebiopsy_resistance",
            "workup.nsclc_ctdna_poly",
            "Plasma ctDNA sequencing.",
            "Progression on a targeted drug.",
        )
    )


def solitary_metastasis_biopsy(ctx: PlanContext, out: Findings) -> None:
    """EORTC (Dingemans 2019): a solitary metastatic site in synchronous NSCLC is biopsied."""
    gates = read_gates(ctx)
    if ctx.primary != PrimarySite.NSCLC or not gates.de_novo or _has(out, WorkupCode.REBIOPSY):
        return
    metastases = [
        x
        for x in ctx.case.lesions
        if x.id not in gates.primary_lesion_ids and not x.is_lymph_node and x.site != Site.LUNG
    ]
    if len(metastases) == 1 and not ctx.case.lesion_groups:
        out.drafts.append(
            workup_draft(
                WorkupCode.REBIOPSY,
                "workup_biopsy_solitary_metastasis",
                "workup.biopsy_solitary_metastasis",
                f"Biopsy the solitary metastasis {metastases[0].id} ({metastases[0].site.value}).",
                "A single metastatic site decides between curative-intent and palliative "
                "treatment.",
            )
        )


RULES = (
    solitary_metastasis_biopsy,
    tumour_marker,
    spine_mri,
    neurosurgeon,
    neurological_symptoms,
    liver_remnant,
    lung_function,
    confirm_uncertain,
    tissue_at_progression,
)
