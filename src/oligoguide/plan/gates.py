"""Gates: is ablative local therapy appropriate now? Read once per case, each a named, cited rule.

A closed gate never removes a lesion from the plan silently: the lesion keeps a plan line with the
timing that reopens the gate (after confirmation, after systemic response, if symptomatic), and a
caution says why. Order of precedence: emergency, poor fitness, de novo disease before systemic
therapy, unconfirmed progression.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from oligoguide.model.case import Case, Lesion
from oligoguide.model.case_context import SurgicalOpinion
from oligoguide.model.vocab import (
    DIFFUSE_SITES,
    DiseaseState,
    ImagingModality,
    OrganAtRisk,
    PrimarySite,
    Site,
    Timing,
)
from oligoguide.model.vocab_context import EMERGENCY_SYMPTOMS, LabName, PrimaryStatus, Symptom
from oligoguide.plan.context import PlanContext

#: ECOG at or above this is outside the trials of ablative metastasis-directed therapy.
POOR_ECOG = 3
#: Anti-VEGF agents (antibodies and VEGFR tyrosine-kinase inhibitors), lower-case.
ANTI_VEGF = frozenset(
    {
        "bevacizumab",
        "aflibercept",
        "ziv-aflibercept",
        "ramucirumab",
        "regorafenib",
        "sunitinib",
        "pazopanib",
        "axitinib",
        "cabozantinib",
        "lenvatinib",
        "sorafenib",
        "tivozanib",
        "fruquintinib",
    }
)
#: Symptoms for which a lesion gets palliative radiotherapy whatever the disease state.
PALLIATE = frozenset(
    {
        Symptom.PAIN,
        Symptom.NEUROLOGICAL_DEFICIT,
        Symptom.PATHOLOGICAL_FRACTURE,
        Symptom.BLEEDING,
        Symptom.OBSTRUCTION,
        Symptom.DYSPNOEA,
        Symptom.HEADACHE,
        Symptom.SEIZURE,
    }
)


@dataclass(frozen=True)
class AgentExposure:
    agent: str
    last_dose: dt.date | None  # None: on it, last dose not recorded
    days_before: int | None  # days from the last dose to the assessment date


@dataclass
class Gates:
    emergency: list[str] = field(default_factory=list)  # lesion ids with cord/cauda compression
    poor_fitness: bool = False
    ecog: int | None = None
    de_novo: bool = False
    unconfirmed: str = ""  # why progression awaits confirmation ('' when it does not)
    flare: list[str] = field(default_factory=list)  # lesion ids that may be a bone-scan flare
    histology_first: str = ""  # why a biopsy must come before ablative treatment
    primary_lesion_ids: set[str] = field(default_factory=set)
    anti_vegf: list[AgentExposure] = field(default_factory=list)

    def ablative_timing(self) -> Timing:
        """The timing of an ablative plan line under these gates (emergencies handled apart)."""
        if self.de_novo:
            return Timing.AFTER_SYSTEMIC_RESPONSE
        if self.unconfirmed or self.histology_first:
            return Timing.AFTER_CONFIRMATION
        return Timing.NOW


def read_gates(ctx: PlanContext) -> Gates:
    """The gates of this plan, read once (many rules ask; none changes them)."""
    found = ctx.memo.get("gates")
    if not isinstance(found, Gates):
        found = ctx.memo["gates"] = _read_gates(ctx)
    return found


def _read_gates(ctx: PlanContext) -> Gates:
    case = ctx.case
    ecog = case.patient.ecog
    gates = Gates(ecog=ecog, poor_fitness=ecog is not None and ecog >= POOR_ECOG)
    gates.emergency = [x.id for x in case.lesions if set(x.symptoms) & EMERGENCY_SYMPTOMS]
    gates.de_novo = is_de_novo(ctx)
    gates.unconfirmed = unconfirmed_reason(ctx)
    if "flare" in gates.unconfirmed:
        gates.flare = bone_flare_lesions(ctx)
    gates.histology_first = transformation_suspected(ctx)
    gates.primary_lesion_ids = primary_ids(case)
    gates.anti_vegf = anti_vegf_exposure(case, ctx.latest_date)
    return gates


def is_de_novo(ctx: PlanContext) -> bool:
    """Synchronous metastatic disease never treated systemically: first-line therapy comes first."""
    case = ctx.case
    if case.systemic_therapies or case.prior_treatment_lines:
        return False
    single_scan = len(ctx.response.timepoints) < 2
    if ctx.disease_state not in (
        DiseaseState.OLIGOMETASTATIC,
        DiseaseState.POLYPROGRESSION,
    ) and not (ctx.disease_state == DiseaseState.INSUFFICIENT_DATA and single_scan):
        return False
    if case.cancer.metastases_timing is not None:
        return case.cancer.metastases_timing.value == "synchronous"
    estro = ctx.state.estro_eortc_class
    return (
        estro is not None
        and estro.category.value == "de_novo"
        and estro.timing is not None
        and (estro.timing.value == "synchronous")
    )


def unconfirmed_reason(ctx: PlanContext) -> str:
    if ctx.case.clinically_deteriorating:
        return ""  # iRECIST: a deteriorating patient is not kept waiting for confirmation
    if ctx.state.confirmation_required:
        return "progression on immunotherapy is unconfirmed (iRECIST iUPD)"
    if first_progression_on_immunotherapy(ctx):
        return (
            "first progression on immunotherapy, not yet confirmed on a later scan (iRECIST: "
            "unconfirmed progression until the next assessment shows further growth)"
        )
    new_equivocal = [t for t in ctx.response.lesions if t.equivocal and t.status.value == "new"]
    equivocal = [t.id for t in new_equivocal]
    serosal = [t.id for t in new_equivocal if t.site in DIFFUSE_SITES]
    if serosal:
        # Confirmed, diffuse serosal disease would end the oligometastatic reading altogether
        # (ESTRO/EORTC): nothing is ablated until the later scan settles it.
        return (
            f"equivocal new serosal lesion(s) {', '.join(serosal)}: if confirmed, the disease is "
            "not oligometastatic; the extent of disease is not settled until a later scan "
            "confirms or dismisses them (RECIST 1.1)"
        )
    if equivocal and not ctx.state.progressing_lesions:
        # Only when nothing else progresses unequivocally: a confirmed new lesion is treated now.
        return (
            f"equivocal new lesion(s) {', '.join(equivocal)}: the extent of disease is not settled "
            "until a later scan confirms or dismisses them (RECIST 1.1)"
        )
    flare = bone_flare_lesions(ctx)
    if flare and {t.id for t in ctx.progressing} <= set(flare):
        return (
            f"new bone lesion(s) {', '.join(flare)} on the first scan after starting therapy: "
            "possible flare (PCWG3), confirm on a scan at least 6 weeks later"
        )
    return ""


#: A neuroendocrine marker at least this many times its lowest earlier value counts as rising:
#: an oligoguide trigger for a biopsy first, not a diagnostic threshold.
MARKER_RISE = 2.0


def transformation_suspected(ctx: PlanContext) -> str:
    """Driver-positive NSCLC on its targeted drug with a rising neuroendocrine marker (NSE,
    ProGRP): transformation to small-cell carcinoma, which only histology shows and which
    changes treatment, is possible; ablating first would commit to the wrong plan."""
    if not ctx.on_targeted_for_driver or ctx.latest_date is None:
        return ""
    for name, values in _neuroendocrine_markers(ctx).items():
        if len(values) < 2:
            continue
        *earlier, (day, latest) = sorted(values)
        low = min(v for _, v in earlier)
        if low > 0 and latest >= MARKER_RISE * low:
            return (
                f"{name} rose from {low:g} to {latest:g} ({day}) on a targeted drug: "
                "transformation to small-cell carcinoma is possible and only a biopsy shows it"
            )
    return ""


def _neuroendocrine_markers(ctx: PlanContext) -> dict[str, list[tuple[dt.date, float]]]:
    """NSE, and ProGRP (no lab name of its own: 'other' with ProGRP in its unit), up to a month
    after the latest scan."""
    last = None if ctx.latest_date is None else ctx.latest_date + dt.timedelta(days=31)
    nse = ctx.case.lab_series(LabName.NSE)
    progrp = [
        x for x in ctx.case.lab_series(LabName.OTHER) if "progrp" in x.unit.lower().replace("-", "")
    ]
    found = {
        name: [(x.date, float(x.value)) for x in series if last is None or x.date <= last]
        for name, series in (("NSE", nse), ("ProGRP", progrp))
    }
    return {name: values for name, values in found.items() if values}


def bone_flare_lesions(ctx: PlanContext) -> list[str]:
    if ctx.primary != PrimarySite.PROSTATE or ctx.latest_date is None:
        return []
    current = ctx.case.therapies_ongoing_on(ctx.latest_date)
    if not current:
        return []
    start = max(t.start for t in current)
    # PCWG3: the first bone scan after starting a new therapy is the flare scan.
    scans_since = [tp for tp in ctx.response.timepoints if tp.date > start]
    if len(scans_since) != 1:
        return []
    return [t.id for t in ctx.progressing if t.is_new and t.site in (Site.BONE, Site.SPINE)]


def first_progression_on_immunotherapy(ctx: PlanContext) -> bool:
    """Per-lesion progression on immunotherapy seen at the latest time point only: iRECIST asks
    for confirmation even when the patient-level RECIST label is not PD."""
    if not ctx.on_immunotherapy or not ctx.state.progressing_lesions:
        return False
    rows = ctx.response.timepoints
    if any(r.irecist is not None and r.irecist.value == "iCPD" for r in rows):
        return False
    start = max(t.start for t in ctx.case.therapies_ongoing_on(rows[-1].date))
    earlier = [r for r in rows[:-1] if r.date > start]
    return not any(r.overall.value == "PD" for r in earlier)


def primary_ids(case: Case) -> set[str]:
    ids = {x.id for x in case.lesions if x.primary}
    if case.primary_tumour is not None and case.primary_tumour.lesion_id is not None:
        ids.add(case.primary_tumour.lesion_id)
    return ids


def primary_in_place(case: Case) -> bool:
    status = None if case.primary_tumour is None else case.primary_tumour.status
    return status in (PrimaryStatus.IN_SITU, PrimaryStatus.LOCALLY_RECURRENT)


def anti_vegf_exposure(case: Case, day: dt.date | None) -> list[AgentExposure]:
    found: list[AgentExposure] = []
    for therapy in case.systemic_therapies:
        if day is not None and therapy.end is not None and (day - therapy.end).days > 120:
            continue
        for agent in therapy.agents:
            if agent.strip().lower() not in ANTI_VEGF:
                continue
            last = next(
                (d.date for d in therapy.last_doses if d.agent.strip().lower() == agent.lower()),
                therapy.end,
            )
            days = None if last is None or day is None else (day - last).days
            found.append(AgentExposure(agent=agent, last_dose=last, days_before=days))
    return found


def palliative_symptoms(lesion: Lesion) -> set[Symptom]:
    return set(lesion.symptoms) & PALLIATE


#: Within this distance (mm) an organ at risk counts as abutting the lesion: an oligoguide
#: default for "touching or next to", not a guideline number.
ABUTTING_MM = 5.0


def abutting_organs(lesion: Lesion) -> set[OrganAtRisk]:
    """Organs at risk recorded next to the lesion, or measured within ABUTTING_MM of it."""
    return set(lesion.adjacent_organs) | {
        d.organ for d in lesion.oar_distances if d.distance_mm <= ABUTTING_MM
    }


def psma_only(lesion: Lesion) -> bool:
    seen = [m.modality for m in lesion.measurements]
    return bool(seen) and all(m == ImagingModality.PSMA_PET for m in seen)


def latest_opinion(case: Case, lesion_id: str) -> SurgicalOpinion | None:
    """The most recent surgical opinion that covers a lesion (undated opinions count as oldest)."""
    covering = [o for o in case.surgical_opinions if not o.lesion_ids or lesion_id in o.lesion_ids]
    if not covering:
        return None
    return max(enumerate(covering), key=lambda io: (io[1].date or dt.date.min, io[0]))[1]


def converted_to_resectable(ctx: PlanContext) -> bool:
    """Colorectal liver metastases made resectable by systemic therapy (conversion)."""
    if ctx.primary != PrimarySite.COLORECTAL:
        return False
    for t in ctx.response.lesions:
        if t.site != Site.LIVER:
            continue
        opinion = latest_opinion(ctx.case, t.id)
        if (
            opinion is not None
            and opinion.resectability.value == "resectable"
            and (opinion.intent is None or opinion.intent.value == "curative")
        ):
            return True
    return False
