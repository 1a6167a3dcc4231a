"""Limits on local therapy, applied to the lead modality and to every alternative, and the
timing a lesion's line takes under the gates (plan/gates.py)."""

from __future__ import annotations

import re

from oligoguide.model.vocab import LocalModality, OrganAtRisk, Site, Timing
from oligoguide.plan.context import PlanContext
from oligoguide.plan.drafts import Draft
from oligoguide.plan.gates import abutting_organs, latest_opinion, psma_only
from oligoguide.plan.models import ExcludedOption
from oligoguide.response.models import LesionTrajectory

#: Above this diameter ASTRO 2022 prefers resection for a brain metastasis.
BRAIN_SURGERY_MM = 40.0
#: Liver lesions up to this size are candidates for thermal ablation (CLOCC-era practice).
LIVER_ABLATION_MM = 30.0
#: What a stereotactic recommendation says when it cannot carry a dose (checked by safety.py).
NO_DOSE = "dose not sized here (no sourced schedule for this lesion), set by the treating team"
#: Thermal-ablation candidates: COLLISION enrolled colorectal liver metastases up to 3 cm.
THERMAL_ABLATION = (LocalModality.RFA, LocalModality.MWA, LocalModality.CRYOABLATION)
#: Bowel next to a liver lesion rules out thermal ablation (heat can perforate it).
BOWEL_NEXT_TO_LIVER = frozenset(
    {OrganAtRisk.DUODENUM, OrganAtRisk.STOMACH, OrganAtRisk.COLON, OrganAtRisk.JEJUNUM_ILEUM}
)

#: A liver lesion's location naming the hilum or a central bile duct: there is no organ-at-risk
#: code for the biliary tree, so the location text is read (lhd/rhd: left/right hepatic duct).
CENTRAL_BILIARY = re.compile(
    r"\b(?:hil(?:um|ar|e)|porta hepatis|bile ducts?|biliary|hepatic ducts?|[lr]hd|cbd|chd|"
    r"(?:biliary |ductal )?confluence)\b",
    re.IGNORECASE,
)


def size_text(t: LesionTrajectory) -> str:
    return "size not recorded" if t.latest_mm is None else f"{t.latest_mm:g} mm"


def lesion_timing(ctx: PlanContext, t: LesionTrajectory, gated: Timing) -> Timing:
    """A lesion that threatens function is treated now even while progression awaits
    confirmation (iRECIST allows treatment for clinical need); a lesion whose measurement looks
    implausible waits until it is checked."""
    if t.id in ctx.implausible_lesions and gated == Timing.NOW:
        return Timing.AFTER_CONFIRMATION
    lesion = ctx.lesion(t.id)
    if gated == Timing.AFTER_CONFIRMATION and (lesion.symptomatic or lesion.symptoms):
        return Timing.NOW
    if gated == Timing.NOW and lesion.equivocal:
        return Timing.AFTER_CONFIRMATION  # RECIST 1.1: an equivocal finding is confirmed first
    if gated == Timing.NOW and psma_only(lesion):
        return Timing.AFTER_CONFIRMATION  # the MDT trials staged without PSMA-PET
    return gated


def exclude_unfit(ctx: PlanContext, t: LesionTrajectory, draft: Draft) -> None:
    """Apply the size and location limits to the lead modality and to every alternative."""
    reasons: dict[LocalModality, str] = {}
    if t.site == Site.LIVER and (t.latest_mm is None or t.latest_mm > LIVER_ABLATION_MM):
        for m in THERMAL_ABLATION:
            reasons[m] = (
                f"thermal ablation: {size_text(t)}; ablation is for lesions up to "
                f"{LIVER_ABLATION_MM:g} mm (COLLISION)"
            )
    if t.site == Site.LIVER and abutting_organs(ctx.lesion(t.id)) & BOWEL_NEXT_TO_LIVER:
        for m in THERMAL_ABLATION:
            reasons.setdefault(
                m,
                "thermal ablation: the lesion abuts bowel, which heat can perforate "
                "(interventional practice; not a sourced threshold in the knowledge base)",
            )
    if t.site == Site.LIVER and CENTRAL_BILIARY.search(ctx.lesion(t.id).location or ""):
        for m in THERMAL_ABLATION:
            reasons.setdefault(
                m,
                "thermal ablation: the lesion lies at the liver hilum or next to a central bile "
                "duct, which heat can injure (biliary stricture, bile leak); interventional "
                "practice, not a sourced threshold in the knowledge base",
            )
    if t.site == Site.BRAIN and t.latest_mm is not None and t.latest_mm > BRAIN_SURGERY_MM:
        reasons[LocalModality.SRS] = (
            f"single-fraction SRS: {size_text(t)} is over {BRAIN_SURGERY_MM:g} mm (RTOG 90-05 "
            "treated lesions up to 40 mm); fractionated stereotactic RT only if resection is not "
            "possible"
        )
    opinion = latest_opinion(ctx.case, t.id)
    if opinion is not None and opinion.resectability.value == "unresectable":
        reasons[LocalModality.SURGERY] = "surgery: the surgeon judged the lesion unresectable"
    if not reasons:
        return
    kept = tuple(m for m in draft.alternatives if m not in reasons)
    draft.excluded += [
        ExcludedOption(modality=m, reason=why)
        for m, why in reasons.items()
        if m in draft.alternatives or m == draft.modality
    ]
    draft.alternatives = kept
    if draft.modality in reasons and kept:
        draft.notes.append(f"{draft.modality.value} ruled out ({reasons[draft.modality]}).")
        draft.modality, draft.alternatives = kept[0], kept[1:]
        draft.lead = f"{t.id}: {draft.modality.value} (first choice ruled out)."
        if draft.dose is None and draft.modality in (LocalModality.SBRT, LocalModality.SRS):
            draft.lead += f" {NO_DOSE}."
