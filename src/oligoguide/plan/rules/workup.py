"""Work-up the case still lacks before local therapy: staging, brain imaging, biopsy, review."""

from __future__ import annotations

import datetime as dt

from oligoguide.model.case import ImagingStudy
from oligoguide.model.vocab import (
    BodyRegion,
    DiseaseState,
    ImagingModality,
    PrimarySite,
    Site,
    WorkupCode,
)
from oligoguide.plan.context import PlanContext
from oligoguide.plan.rules.base import Findings, workup_draft

#: Imaging older than this before the latest scan does not count as current staging.
#: An oligoguide default (about one restaging interval), not a guideline number.
RECENT_WEEKS = 12

#: States in which local therapy is on the table, so staging must be complete first.
LOCAL_STATES = (DiseaseState.OLIGOPROGRESSION, DiseaseState.OLIGOMETASTATIC)

#: States without local therapy that still need the brain imaged (a new brain lesion changes them).
OTHER_ACTIVE_STATES = (DiseaseState.POLYPROGRESSION, DiseaseState.OLIGOPERSISTENCE)

#: Primaries that often spread to the brain: imaging of the brain belongs to their staging.
BRAIN_PRONE = (
    PrimarySite.NSCLC,
    PrimarySite.SCLC,
    PrimarySite.BREAST,
    PrimarySite.MELANOMA,
    PrimarySite.RENAL,
)


def _recent(ctx: PlanContext) -> list[ImagingStudy]:
    latest = ctx.latest_date
    if latest is None:
        return []
    since = latest - dt.timedelta(weeks=RECENT_WEEKS)
    return [s for s in ctx.case.imaging if since <= s.date <= latest]


def _covers(studies: list[ImagingStudy], *regions: BodyRegion) -> bool:
    covered = {r for s in studies for r in s.regions}
    return BodyRegion.WHOLE_BODY in covered or set(regions) <= covered


def staging(ctx: PlanContext, out: Findings) -> None:
    if ctx.disease_state not in (*LOCAL_STATES, DiseaseState.OLIGOPERSISTENCE):
        return
    recent = _recent(ctx)
    if not ctx.case.imaging:
        out.need(
            "/imaging",
            "the imaging studies (date, modality, regions) show whether "
            "staging is complete before local therapy",
        )
    if not _covers(recent, BodyRegion.CHEST, BodyRegion.ABDOMEN, BodyRegion.PELVIS):
        out.drafts.append(
            workup_draft(
                WorkupCode.CT_CHEST_ABDOMEN_PELVIS,
                "workup_whole_body_imaging",
                "workup.whole_body_staging",
                "Contrast CT of chest, abdomen and pelvis.",
                f"No imaging of chest, abdomen and pelvis recorded in the {RECENT_WEEKS} weeks up "
                "to the latest scan.",
            )
        )
    if ctx.primary == PrimarySite.PROSTATE:
        if not any(s.modality == ImagingModality.PSMA_PET for s in recent):
            out.drafts.append(
                workup_draft(
                    WorkupCode.PSMA_PET,
                    "workup_psma_pet",
                    "workup.psma_pet",
                    "PSMA-PET-CT to confirm that the disease is limited.",
                    f"No PSMA-PET recorded in the {RECENT_WEEKS} weeks up to the latest scan.",
                )
            )
        return
    if not any(s.modality == ImagingModality.PET_CT for s in recent):
        out.drafts.append(
            workup_draft(
                WorkupCode.PET_CT,
                "workup_whole_body_imaging",
                "workup.pet_ct",
                "FDG-PET-CT to confirm that the disease is limited.",
                f"No PET-CT recorded in the {RECENT_WEEKS} weeks up to the latest scan; occult "
                "further sites would change the plan.",
            )
        )


def brain_imaging(ctx: PlanContext, out: Findings) -> None:
    if ctx.disease_state not in (*LOCAL_STATES, *OTHER_ACTIVE_STATES):
        return
    has_brain_lesion = any(t.site == Site.BRAIN for t in ctx.response.lesions)
    if ctx.primary not in BRAIN_PRONE and not has_brain_lesion:
        return
    recent_brain = [
        s
        for s in _recent(ctx)
        if BodyRegion.BRAIN in s.regions and s.modality == ImagingModality.MRI
    ]
    if recent_brain:
        return
    out.drafts.append(
        workup_draft(
            WorkupCode.BRAIN_MRI,
            "workup_brain_mri",
            "workup.brain_mri",
            "Contrast brain MRI.",
            f"No brain MRI recorded in the {RECENT_WEEKS} weeks up to the latest scan "
            f"({ctx.primary.value}{', known brain disease' if has_brain_lesion else ''}).",
        )
    )


def liver_mri(ctx: PlanContext, out: Findings) -> None:
    if ctx.disease_state == DiseaseState.OLIGOPROGRESSION:
        liver = ctx.lesions_at(Site.LIVER)
    elif ctx.disease_state in (DiseaseState.OLIGOMETASTATIC, DiseaseState.OLIGOPERSISTENCE):
        liver = [
            t
            for t in ctx.response.lesions
            if t.site == Site.LIVER and t.status.value != "disappeared"
        ]
    else:
        liver = []
    if not liver:
        return
    mri = [
        s
        for s in _recent(ctx)
        if s.modality == ImagingModality.MRI
        and ({BodyRegion.LIVER, BodyRegion.ABDOMEN} & set(s.regions))
    ]
    if mri:
        return
    out.drafts.append(
        workup_draft(
            WorkupCode.LIVER_MRI,
            "workup_liver_mri",
            "workup.liver_mri",
            "Liver MRI before liver-directed therapy.",
            f"Liver lesion(s) {', '.join(t.id for t in liver)} are candidates for local therapy "
            "and "
            "no liver MRI is recorded.",
        )
    )


def tumour_board(ctx: PlanContext, out: Findings) -> None:
    if ctx.disease_state not in (*LOCAL_STATES, DiseaseState.OLIGOPERSISTENCE):
        return
    out.drafts.append(
        workup_draft(
            WorkupCode.MDT_REVIEW,
            "mdt_review",
            "workup.mdt_review",
            "Discuss at the multidisciplinary tumour board.",
            f"{ctx.disease_state.value}: the choice and timing of local therapy is a "
            "multidisciplinary decision.",
        )
    )


def nsclc_molecular(ctx: PlanContext, out: Findings) -> None:
    """Driver-positive NSCLC progressing on a TKI: look for the resistance mechanism."""
    if ctx.primary != PrimarySite.NSCLC:
        return
    if not ctx.driver_status_known:
        out.need(
            "/cancer/biomarkers (EGFR, ALK, ROS1 ...)",
            "NSCLC management depends on the driver status, which the case does not record",
        )
    progressing = ctx.disease_state in (DiseaseState.OLIGOPROGRESSION, DiseaseState.POLYPROGRESSION)
    if not (progressing and ctx.on_targeted_for_driver):
        return
    drivers = "/".join(d.value for d in ctx.positive_drivers)
    why = (
        f"{drivers}-positive NSCLC progressing on {ctx.state.current_therapy}: resistance "
        "mechanisms and small-cell transformation change the next step."
    )
    out.drafts.append(
        workup_draft(
            WorkupCode.REBIOPSY,
            "nsclc_rebiopsy_resistance",
            "workup.nsclc_rebiopsy",
            "Biopsy a progressing lesion.",
            why,
        )
    )
    out.drafts.append(
        workup_draft(
            WorkupCode.MOLECULAR_PROFILING,
            "nsclc_rebiopsy_resistance",
            "workup.nsclc_tissue_profiling",
            "Molecular profiling (NGS) and histology of the biopsy.",
            why,
        )
    )
    out.drafts.append(
        workup_draft(
            WorkupCode.CTDNA,
            "nsclc_rebiopsy_resistance",
            "workup.nsclc_ctdna",
            "Plasma ctDNA next-generation sequencing.",
            why,
        )
    )


def irecist_confirmation(ctx: PlanContext, out: Findings) -> None:
    if not ctx.state.confirmation_required:
        return
    latest = ctx.latest_date
    out.drafts.append(
        workup_draft(
            WorkupCode.CONFIRMATORY_SCAN,
            "followup_irecist_confirmation",
            "workup.irecist_confirm",
            "Repeat imaging 4-8 weeks after the scan showing progression, if clinically stable.",
            f"Progression on immunotherapy on {latest} is unconfirmed (iUPD).",
        )
    )


RULES = (staging, brain_imaging, liver_mri, tumour_board, nsclc_molecular, irecist_confirmation)
