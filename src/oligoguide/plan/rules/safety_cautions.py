"""Cautions from the patient's context: fitness, drugs in effect, comorbidities, nearby organs.

Each caution names what in the case triggered it and cites the statement it rests on; none of
them removes a plan line, they tell the tumour board what must be settled before it goes ahead.
"""

from __future__ import annotations

import datetime as dt

from oligoguide.model.vocab import (
    LocalModality,
    LungZone,
    OrganAtRisk,
    RecommendationCategory,
    Site,
    TherapyClass,
)
from oligoguide.model.vocab_context import Comorbidity
from oligoguide.plan.context import PlanContext
from oligoguide.plan.drafts import Draft
from oligoguide.plan.gates import abutting_organs, psma_only, read_gates
from oligoguide.plan.rules.base import Findings, caution_draft

#: Organs whose wall a stereotactic dose can perforate or make bleed (serial, hollow).
HOLLOW = frozenset(
    {
        OrganAtRisk.DUODENUM,
        OrganAtRisk.STOMACH,
        OrganAtRisk.JEJUNUM_ILEUM,
        OrganAtRisk.COLON,
        OrganAtRisk.RECTUM,
        OrganAtRisk.ESOPHAGUS,
        OrganAtRisk.TRACHEA_LARGE_BRONCHUS,
        OrganAtRisk.BRONCHUS_SMALL_AIRWAYS,
    }
)
SERIAL = HOLLOW | {
    OrganAtRisk.SPINAL_CORD,
    OrganAtRisk.BRACHIAL_PLEXUS,
    OrganAtRisk.CAUDA_EQUINA,
    OrganAtRisk.SACRAL_PLEXUS,
    OrganAtRisk.BRAINSTEM,
    OrganAtRisk.OPTIC_PATHWAY,
}
BOWEL = frozenset(
    {
        OrganAtRisk.DUODENUM,
        OrganAtRisk.STOMACH,
        OrganAtRisk.JEJUNUM_ILEUM,
        OrganAtRisk.COLON,
        OrganAtRisk.RECTUM,
    }
)


def _local(out: Findings, *modalities: LocalModality) -> list[Draft]:
    return [
        d
        for d in out.drafts
        if d.category == RecommendationCategory.LOCAL_THERAPY
        and (d.modality in modalities or set(d.alternatives) & set(modalities))
    ]


def ecog_two(ctx: PlanContext, out: Findings) -> None:
    if ctx.case.patient.ecog == 2 and _local(
        out,
        LocalModality.SBRT,
        LocalModality.SURGERY,
        LocalModality.SRS,
        LocalModality.MWA,
        LocalModality.RFA,
    ):
        out.drafts.append(
            caution_draft(
                "ecog2_caution",
                "caution.ecog_2",
                "ECOG 2: outside SABR-COMET (ECOG 0-1); weigh the benefit of ablative treatment "
                "against its toxicity and the patient's goals.",
            )
        )


def unconfirmed_progression(ctx: PlanContext, out: Findings) -> None:
    gates = read_gates(ctx)
    if not gates.unconfirmed:
        return
    statement = (
        "irecist_confirm_before_change"
        if ctx.state.confirmation_required or ctx.on_immunotherapy
        else "pcwg3_bone_flare"
        if "flare" in gates.unconfirmed
        else "workup_confirm_equivocal"
    )
    out.drafts.append(
        caution_draft(
            statement,
            "caution.unconfirmed_progression",
            f"{gates.unconfirmed}: local treatment waits for confirmation unless a lesion "
            "threatens function.",
        )
    )


def histology_first(ctx: PlanContext, out: Findings) -> None:
    reason = read_gates(ctx).histology_first
    if reason:
        out.drafts.append(
            caution_draft(
                "nsclc_rebiopsy_resistance",
                "caution.transformation_suspected",
                f"{reason}: biopsy a progressing lesion before any ablative treatment, which "
                "waits for the histology unless a lesion threatens function.",
            )
        )


def anti_vegf(ctx: PlanContext, out: Findings) -> None:
    exposures = read_gates(ctx).anti_vegf
    if not exposures:
        return
    day = ctx.latest_date
    for e in exposures:
        when = (
            f"last dose {e.last_dose} ({e.days_before} days before {day})"
            if e.last_dose is not None
            else "last dose date not recorded"
        )
        if e.last_dose is None:
            out.need(
                f"/systemic_therapies/last_doses ({e.agent})",
                f"the last dose of {e.agent} sets the safe interval before surgery and the "
                "bowel and bleeding risk of SBRT",
            )
        surgery = _local(out, LocalModality.SURGERY)
        if surgery:
            interval = ctx.kb.statement("antivegf_surgery_interval")
            before = int(interval.number("days_before_surgery", 42))
            after = int(interval.number("days_after_surgery", 28))
            earliest = (
                ""
                if e.last_dose is None
                else f"; elective surgery not before {e.last_dose + dt.timedelta(days=before)}"
            )
            out.drafts.append(
                caution_draft(
                    "antivegf_surgery_interval",
                    "caution.antivegf_surgery",
                    f"{e.agent}: {when}. Stop it at least {before} days before elective surgery "
                    f"and restart no sooner than {after} days after, once the wound has "
                    f"healed{earliest}.",
                )
            )
        window = int(ctx.kb.statement("antivegf_sbrt_toxicity").number("window_days", 90))
        risky = [
            d.lesion_id
            for d in _local(out, LocalModality.SBRT)
            if d.lesion_id is not None and _sbrt_vegf_risk(ctx, d.lesion_id)
        ]
        if risky and (e.days_before is None or e.days_before <= window):
            out.drafts.append(
                caution_draft(
                    "antivegf_sbrt_toxicity",
                    "caution.antivegf_sbrt",
                    f"{e.agent} ({when}) with SBRT to {', '.join(risky)} next to bowel or the "
                    "central airways: serious bowel injury and fatal bleeding have been reported; "
                    "discuss holding the drug and the schedule.",
                )
            )


def _sbrt_vegf_risk(ctx: PlanContext, lesion_id: str) -> bool:
    lesion = ctx.lesion(lesion_id)
    # within 2 cm: an oligoguide margin for "near" the bowel or airways (Barney 2013 and
    # Haseltine 2016 describe targets next to bowel and the bronchial tree, not a distance)
    near = set(lesion.adjacent_organs) | {
        d.organ for d in lesion.oar_distances if d.distance_mm <= 20
    }
    central = lesion.lung_zone in (LungZone.CENTRAL, LungZone.ULTRACENTRAL)
    return central or bool(
        near & (BOWEL | {OrganAtRisk.TRACHEA_LARGE_BRONCHUS, OrganAtRisk.BRONCHUS_SMALL_AIRWAYS})
    )


def organ_at_risk_priority(ctx: PlanContext, out: Findings) -> None:
    """A target touching a serial organ: the organ's limit governs, coverage is compromised."""
    for d in _local(out, LocalModality.SBRT, LocalModality.SRS):
        if d.lesion_id is None or d.modality not in (LocalModality.SBRT, LocalModality.SRS):
            continue
        lesion = ctx.lesion(d.lesion_id)
        touching = abutting_organs(lesion) & SERIAL
        if not touching:
            continue
        names = ", ".join(sorted(o.value.replace("_", " ") for o in touching))
        out.drafts.append(
            caution_draft(
                "oar_priority_over_coverage",
                "caution.oar_priority",
                f"{d.lesion_id} abuts the {names}: the organ-at-risk dose limit takes priority "
                "over target coverage; accept under-dosing of the overlap, or choose a more "
                "fractionated schedule or another modality.",
                lesion=d.lesion_id,
            )
        )
        if lesion.site == Site.LYMPH_NODE and touching & {
            OrganAtRisk.ESOPHAGUS,
            OrganAtRisk.TRACHEA_LARGE_BRONCHUS,
            OrganAtRisk.BRONCHUS_SMALL_AIRWAYS,
        }:
            _ultracentral(d.lesion_id, out, "mediastinal node touching the airway or oesophagus")


def ultracentral_lung(ctx: PlanContext, out: Findings) -> None:
    for d in _local(out, LocalModality.SBRT):
        if d.lesion_id is None:
            continue
        if ctx.lesion(d.lesion_id).lung_zone == LungZone.ULTRACENTRAL:
            _ultracentral(d.lesion_id, out, "ultracentral lung lesion")


def _ultracentral(lesion_id: str, out: Findings, what: str) -> None:
    if any(d.rule == "caution.ultracentral" and d.lesion_id == lesion_id for d in out.drafts):
        return
    out.drafts.append(
        caution_draft(
            "ultracentral_lung_caution",
            "caution.ultracentral",
            f"{lesion_id}: {what}. Severe and fatal toxicity (bleeding, fistula) after "
            "stereotactic doses; only a schedule of 8 or more fractions with strict organ "
            "limits, never the peripheral 1- to 3-fraction schedules.",
            lesion=lesion_id,
        )
    )


def lung_comorbidity(ctx: PlanContext, out: Findings) -> None:
    lung = [
        d.lesion_id
        for d in _local(out, LocalModality.SBRT)
        if d.lesion_id is not None and ctx.lesion(d.lesion_id).site == Site.LUNG
    ]
    if lung and ctx.case.has_comorbidity(Comorbidity.INTERSTITIAL_LUNG_DISEASE):
        out.drafts.append(
            caution_draft(
                "workup_pulmonary_function_ild",
                "caution.ild_lung_sbrt",
                f"Interstitial lung disease with lung SBRT planned ({', '.join(lung)}): high risk "
                "of severe or fatal pneumonitis; pulmonary function and a pulmonologist's view "
                "first.",
            )
        )


def psma_only_lesions(ctx: PlanContext, out: Findings) -> None:
    found = [t.id for t in ctx.progressing if psma_only(ctx.lesion(t.id))]
    if found:
        out.drafts.append(
            caution_draft(
                "psma_only_lesions",
                "caution.psma_only",
                f"{', '.join(found)} seen on PSMA-PET only: the trials of metastasis-directed "
                "therapy staged with choline PET or conventional imaging.",
            )
        )


BRAF_MEK_INHIBITORS = frozenset(
    {"dabrafenib", "vemurafenib", "encorafenib", "trametinib", "cobimetinib", "binimetinib"}
)


def targeted_drug_with_radiotherapy(ctx: PlanContext, out: Findings) -> None:
    """Targeted drugs during SBRT/SRS: whether to pause them is not settled; say so."""
    if TherapyClass.TARGETED not in ctx.current_classes:
        return
    # The statement covers thoracic and brain fields, and names BRAF inhibitors as the exception
    # to good tolerance: with a BRAF/MEK inhibitor every stereotactic field counts.
    braf_mek = any(
        agent.strip().lower() in BRAF_MEK_INHIBITORS
        for therapy in ctx.case.therapies_ongoing_on(ctx.latest_date or dt.date.max)
        for agent in therapy.agents
    )
    planned = [
        d.lesion_id
        for d in _local(out, LocalModality.SBRT, LocalModality.SRS)
        if d.lesion_id is not None
        and d.modality in (LocalModality.SBRT, LocalModality.SRS)
        and (braf_mek or ctx.lesion(d.lesion_id).site in (Site.LUNG, Site.BRAIN))
    ]
    if planned:
        out.drafts.append(
            caution_draft(
                "tki_radiotherapy_interaction",
                "caution.targeted_drug_with_rt",
                f"{ctx.state.current_therapy} during stereotactic treatment of "
                f"{', '.join(planned)}: whether to pause it is decided case by case; keep the "
                "irradiated lung volume small.",
            )
        )


def implausible_measurements(ctx: PlanContext, out: Findings) -> None:
    found = sorted(ctx.implausible_lesions)
    if found:
        out.drafts.append(
            caution_draft(
                "workup_confirm_equivocal",
                "caution.implausible_measurement",
                f"{', '.join(found)}: a recorded value looks implausible (see the warnings); "
                "check the measurement and the images before any ablative treatment.",
            )
        )


RULES = (
    implausible_measurements,
    targeted_drug_with_radiotherapy,
    ecog_two,
    unconfirmed_progression,
    histology_first,
    anti_vegf,
    organ_at_risk_priority,
    ultracentral_lung,
    lung_comorbidity,
    psma_only_lesions,
)
