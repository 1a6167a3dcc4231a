"""Limits on local therapy, applied to the lead modality and to every alternative, and the
timing a lesion's line takes under the gates (plan/gates.py)."""

from __future__ import annotations

import re

from oligoguide.model.vocab import DiseaseState, LocalModality, OrganAtRisk, Site, Timing
from oligoguide.plan.context import PlanContext
from oligoguide.plan.drafts import Draft
from oligoguide.plan.gates import (
    abutting_organs,
    converted_to_resectable,
    latest_opinion,
    psma_only,
    read_gates,
)
from oligoguide.plan.models import ExcludedOption
from oligoguide.plan.rules.record_gaps import unsized_and_first_recorded_late
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


def consolidation_timing(ctx: PlanContext, gated: Timing) -> Timing:
    """Consolidation of disease that is not progressing (oligopersistence) is an option to
    discuss, never an urgent step: its lines are timed as consolidation. Conversion surgery of
    colorectal liver disease made resectable is the exception: it is done while it is possible."""
    if (
        gated == Timing.NOW
        and ctx.disease_state == DiseaseState.OLIGOPERSISTENCE
        and not converted_to_resectable(ctx)
    ):
        return Timing.AFTER_SYSTEMIC_RESPONSE
    return gated


def lesion_timing(ctx: PlanContext, t: LesionTrajectory, gated: Timing) -> Timing:
    """A lesion that threatens function is treated now even while progression awaits
    confirmation (iRECIST allows treatment for clinical need); a lesion whose measurement looks
    implausible waits until it is checked."""
    if t.id in ctx.implausible_lesions and gated == Timing.NOW:
        return Timing.AFTER_CONFIRMATION
    lesion = ctx.lesion(t.id)
    if gated == Timing.AFTER_CONFIRMATION and (lesion.symptomatic or lesion.symptoms):
        return Timing.NOW
    if gated == Timing.AFTER_CONFIRMATION and t.site == Site.BRAIN and _only_irecist(ctx):
        return Timing.NOW  # iRECIST's confirmation concerns the body; RANO-BM judges the brain
    if gated == Timing.NOW and lesion.equivocal:
        return Timing.AFTER_CONFIRMATION  # RECIST 1.1: an equivocal finding is confirmed first
    if gated == Timing.NOW and psma_only(lesion):
        return Timing.AFTER_CONFIRMATION  # the MDT trials staged without PSMA-PET
    if gated == Timing.NOW and reappeared_small(t):
        return Timing.AFTER_CONFIRMATION
    if gated == Timing.NOW and _known_since_an_earlier_scan(ctx, t):
        return Timing.AFTER_CONFIRMATION  # new, or known and left out of the baseline record?
    return gated


def _known_since_an_earlier_scan(ctx: PlanContext, t: LesionTrajectory) -> bool:
    """An unsized lesion first recorded after the baseline, on a scan before the latest, and only
    'present' since: counted as new (record_gaps asks), but not ablated on that reading alone."""
    baseline = ctx.response.baseline_date
    latest = ctx.latest_date
    if baseline is None or latest is None or not t.is_new:
        return False
    lesion = ctx.lesion(t.id)
    return lesion.first_seen < latest and unsized_and_first_recorded_late(lesion, baseline)


def _only_irecist(ctx: PlanContext) -> bool:
    """The only gate holding ablation is unconfirmed progression on immunotherapy."""
    gates = read_gates(ctx)
    return (
        bool(gates.unconfirmed)
        and not gates.histology_first
        and not gates.de_novo
        and (ctx.state.confirmation_required or ctx.on_immunotherapy)
        and "flare" not in gates.unconfirmed
        and "equivocal" not in gates.unconfirmed
    )


#: RECIST 1.1's smallest measurable lesion on CT (10 mm): below it a reappearance is uncertain.
MEASURABLE_MM = 10.0


def reappeared_small(t: LesionTrajectory) -> bool:
    """A lesion seen to disappear that is back, smaller than a measurable lesion: the growth from
    its 0 mm nadir is arithmetic on a finding that the next scan has to confirm."""
    seen = [p for p in t.points if p.diameter_mm is not None or p.status is not None]
    gone = [
        i
        for i, p in enumerate(seen[:-1])
        if p.status == "absent" or (p.diameter_mm is not None and p.diameter_mm == 0)
    ]
    return (
        bool(gone) and gone[0] > 0 and t.latest_mm is not None and 0 < t.latest_mm < MEASURABLE_MM
    )


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
