"""What to do with the systemic therapy, by disease state and cancer."""

from __future__ import annotations

from oligoguide.model.vocab import (
    BiomarkerName,
    BiomarkerStatus,
    DiseaseState,
    PrimarySite,
    RecommendationCategory,
    Site,
    SystemicAction,
    TherapyClass,
)
from oligoguide.plan.context import PlanContext
from oligoguide.plan.drafts import Draft
from oligoguide.plan.gates import Gates, converted_to_resectable, read_gates
from oligoguide.plan.rules.base import Findings

GENERAL = "oligoprogression_mdt_continue_systemic"

#: The cancer-specific statement that frames oligoprogression for each primary.
BY_PRIMARY = {
    PrimarySite.COLORECTAL: "crc_oligoprogression_mdt",
    PrimarySite.BREAST: "breast_oligoprogression",
    PrimarySite.PROSTATE: "prostate_oligorecurrence",
    PrimarySite.RENAL: "renal_oligoprogression",
    PrimarySite.MELANOMA: "melanoma_oligoprogression",
}


def oligoprogression_statement(ctx: PlanContext) -> str:
    if ctx.on_targeted_for_driver:
        return "nsclc_tki_continue_local_therapy"
    if ctx.primary == PrimarySite.NSCLC and ctx.on_immunotherapy:
        return "nsclc_io_oligoprogression"
    if ctx.primary == PrimarySite.PROSTATE and TherapyClass.HORMONAL in ctx.current_classes:
        # STOMP and ORIOLE enrolled hormone-sensitive recurrence off androgen deprivation; on
        # ADT or an androgen-receptor inhibitor their "defer ADT" evidence does not apply
        return GENERAL
    return BY_PRIMARY.get(ctx.primary, GENERAL)


def _lesion_list(ctx: PlanContext) -> str:
    return ", ".join(f"{t.id} ({t.site.value})" for t in ctx.progressing)


def _gated(gates: Gates) -> bool:
    """The setting decides the systemic action before the disease state does."""
    return gates.poor_fitness or gates.de_novo or bool(gates.unconfirmed)


def gated_systemic(ctx: PlanContext, out: Findings) -> None:
    """Poor fitness, de novo disease and unconfirmed progression set the systemic action."""
    gates = read_gates(ctx)
    if gates.poor_fitness:
        out.drafts.append(_supportive(ctx, gates))
    elif gates.de_novo:
        out.drafts.append(_first_line(ctx))
    elif gates.unconfirmed and not ctx.state.on_systemic_therapy:
        out.drafts.append(_nothing_running(ctx, gates))
    elif gates.unconfirmed:
        therapy = ctx.state.current_therapy or "the current systemic therapy"
        statement = (
            "irecist_confirm_before_change"
            if ctx.state.confirmation_required or ctx.on_immunotherapy
            else "pcwg3_bone_flare"
            if ctx.primary == PrimarySite.PROSTATE and "flare" in gates.unconfirmed
            else "workup_confirm_equivocal"
        )
        out.drafts.append(
            Draft(
                category=RecommendationCategory.SYSTEMIC,
                statement_id=statement,
                rule="systemic.continue_until_confirmed",
                action=SystemicAction.CONTINUE,
                lead=f"Continue {therapy} while the patient is clinically stable; do not switch "
                + (
                    # brain metastases are judged by RANO-BM and treated on their own (SRS below)
                    "or ablate extracranial lesions before progression is confirmed."
                    if any(t.site == Site.BRAIN for t in ctx.progressing)
                    else "or ablate before progression is confirmed."
                ),
                rationale=f"{gates.unconfirmed}.",
            )
        )


def _nothing_running(ctx: PlanContext, gates: Gates) -> Draft:
    """Unconfirmed progression in a patient off systemic therapy: nothing to continue, and
    nothing restarted on an unconfirmed finding (a drug stopped for toxicity least of all)."""
    ended = [t for t in ctx.case.systemic_therapies if t.end is not None]
    last = max(ended, key=lambda t: t.end or t.start) if ended else None
    stopped = (
        f"{' + '.join(last.agents)} stopped on {last.end}" if last is not None else "none recorded"
    )
    return Draft(
        category=RecommendationCategory.SYSTEMIC,
        statement_id="workup_confirm_equivocal",
        rule="systemic.off_therapy_until_confirmed",
        action=SystemicAction.HOLD,
        lead=f"No systemic therapy is running ({stopped}): none is started or restarted before "
        "progression is confirmed; why the last one stopped (toxicity?) is weighed by the "
        "medical oncologist.",
        rationale=f"{gates.unconfirmed}.",
    )


def _supportive(ctx: PlanContext, gates: Gates) -> Draft:
    drivers = ctx.positive_drivers if ctx.primary == PrimarySite.NSCLC else []
    if drivers and ctx.on_targeted_for_driver:
        # the gate stops ablation, not a well-tolerated drug that still controls the disease
        names = "/".join(d.value for d in drivers)
        therapy = ctx.state.current_therapy or "the targeted drug"
        return Draft(
            category=RecommendationCategory.SYSTEMIC,
            statement_id="poor_ps_supportive_care",
            rule="systemic.targeted_kept_despite_poor_ps",
            action=SystemicAction.CONTINUE,
            lead=f"ECOG {gates.ecog} on {therapy} ({names}-positive NSCLC): no ablative "
            "treatment, but this plan does not stop the targeted drug; its benefit and the cause "
            "of the poor performance status are weighed by the medical oncologist, with "
            "supportive and palliative care.",
            rationale=f"ECOG {gates.ecog}; {names}-positive NSCLC on {therapy}.",
        )
    if drivers and not ctx.on_targeted_for_driver:
        names = "/".join(d.value for d in drivers)
        return Draft(
            category=RecommendationCategory.SYSTEMIC,
            statement_id="poor_ps_supportive_care",
            rule="systemic.targeted_despite_poor_ps",
            action=SystemicAction.START,
            lead=f"ECOG {gates.ecog} with {names}-positive NSCLC: a targeted agent can be "
            "considered when the poor performance status is due to the cancer; with supportive "
            "and palliative care.",
            rationale=f"ECOG {gates.ecog}; {names}-positive; not on targeted therapy.",
        )
    return Draft(
        category=RecommendationCategory.SYSTEMIC,
        statement_id="poor_ps_supportive_care",
        rule="systemic.best_supportive_care",
        action=SystemicAction.BEST_SUPPORTIVE_CARE,
        lead=f"ECOG {gates.ecog}: best supportive care with a palliative care referral; no "
        "ablative treatment; radiotherapy only for symptoms.",
        rationale=f"ECOG {gates.ecog}: outside the populations of the trials of ablative therapy.",
    )


def _first_line(ctx: PlanContext) -> Draft:
    drivers = ctx.positive_drivers if ctx.primary == PrimarySite.NSCLC else []
    statement = "denovo_systemic_first"
    lead = "Start first-line systemic therapy suited to the cancer and its biomarkers; "
    if BiomarkerName.EGFR in drivers:
        statement = "egfr_first_line_osimertinib"
        lead = "Start osimertinib (EGFR-mutant NSCLC); "
    elif BiomarkerName.ALK in drivers and "alk_first_line_tki" in ctx.kb.statements:
        statement = "alk_first_line_tki"
        lead = "Start a next-generation ALK inhibitor (ALK-positive NSCLC); "
    lead += "consider local consolidative treatment of every site once it has responded."
    return Draft(
        category=RecommendationCategory.SYSTEMIC,
        statement_id=statement,
        rule="systemic.de_novo_first_line",
        action=SystemicAction.START,
        lead=lead,
        rationale="Synchronous metastatic disease with no systemic therapy yet: systemic "
        "therapy first, local consolidation after response.",
        extra_citations=()
        if statement == "denovo_systemic_first"
        else tuple(ctx.kb.statement("denovo_systemic_first").evidence),
    )


#: ABC 4: progression within the first 6 months of first-line endocrine therapy for advanced
#: disease is primary endocrine resistance.
PRIMARY_ENDOCRINE_RESISTANCE_DAYS = 183


def _primary_endocrine_resistance(ctx: PlanContext) -> bool:
    if ctx.primary != PrimarySite.BREAST or ctx.latest_date is None:
        return False
    current = ctx.case.therapies_ongoing_on(ctx.latest_date)
    endocrine = [t for t in current if TherapyClass.HORMONAL in t.classes]
    if not endocrine:
        return False
    line = endocrine[-1]
    # the line number must be given: a first line is never assumed (nor a start date that a
    # partial case, such as one built from a question, only fills in)
    first_line = line.line == 1 and not any(
        TherapyClass.HORMONAL in p.classes for p in ctx.case.prior_treatment_lines
    )
    return first_line and (ctx.latest_date - line.start).days < PRIMARY_ENDOCRINE_RESISTANCE_DAYS


def continue_on_oligoprogression(ctx: PlanContext, out: Findings) -> None:
    """Oligoprogression: keep the therapy that still controls the rest of the disease."""
    if ctx.disease_state != DiseaseState.OLIGOPROGRESSION or _gated(read_gates(ctx)):
        return
    if _primary_endocrine_resistance(ctx):
        therapy = ctx.state.current_therapy or "the endocrine-based therapy"
        out.drafts.append(
            Draft(
                category=RecommendationCategory.SYSTEMIC,
                statement_id="breast_primary_endocrine_resistance",
                rule="systemic.switch_on_primary_endocrine_resistance",
                action=SystemicAction.SWITCH,
                lead=f"Change the systemic therapy: progression within 6 months of starting "
                f"first-line {therapy}.",
                rationale=f"{len(ctx.progressing)} progressing lesion(s) ({_lesion_list(ctx)}) "
                "at the first restagings of a first-line endocrine-based therapy.",
            )
        )
        return
    therapy = ctx.state.current_therapy or "the current systemic therapy"
    statement = oligoprogression_statement(ctx)
    drivers = "/".join(d.value for d in ctx.positive_drivers)
    lead = f"Continue {therapy}."
    if ctx.on_targeted_for_driver:
        lead = f"Continue {therapy} ({drivers}-positive): progression at a few sites does not mean "
        lead += "the targeted therapy has failed everywhere."
    elif statement == "breast_oligoprogression":
        # the statement's evidence is against local therapy: the lead must not read as if
        # treating the sites were a reason to keep the drug
        lead = f"Continue {therapy} for now, or change it on its own merits: treating the "
        lead += "progressing sites is not shown to prolong disease control in breast cancer."
    out.drafts.append(
        Draft(
            category=RecommendationCategory.SYSTEMIC,
            statement_id=statement,
            rule="systemic.continue_on_oligoprogression",
            action=SystemicAction.CONTINUE,
            lead=lead,
            rationale=f"{len(ctx.progressing)} progressing lesion(s) ({_lesion_list(ctx)}) while "
            "the "
            f"other lesions are controlled on {therapy}.",
            extra_citations=()
            if statement == GENERAL
            else tuple(ctx.kb.statement(GENERAL).evidence),
        )
    )
    _her2_brain(ctx, out)


def _her2_brain(ctx: PlanContext, out: Findings) -> None:
    her2 = ctx.case.cancer.biomarker(BiomarkerName.HER2)
    brain_only = ctx.progressing and all(t.site == Site.BRAIN for t in ctx.progressing)
    if (
        ctx.primary == PrimarySite.BREAST
        and her2 is not None
        and her2.status == BiomarkerStatus.POSITIVE
        and brain_only
    ):
        out.drafts.append(
            Draft(
                category=RecommendationCategory.SYSTEMIC,
                statement_id="her2_breast_brain_no_switch",
                rule="systemic.her2_breast_brain_only",
                action=SystemicAction.CONTINUE,
                rationale="HER2-positive breast cancer progressing in the brain only, with "
                "extracranial disease controlled.",
            )
        )


def switch_on_polyprogression(ctx: PlanContext, out: Findings) -> None:
    if ctx.disease_state != DiseaseState.POLYPROGRESSION or _gated(read_gates(ctx)):
        return
    n = len(ctx.progressing)
    out.drafts.append(
        Draft(
            category=RecommendationCategory.SYSTEMIC,
            statement_id="polyprogression_switch_systemic",
            rule="systemic.switch_on_polyprogression",
            action=SystemicAction.SWITCH,
            rationale=f"{n} progressing lesion(s) ({_lesion_list(ctx)}): "
            + ("diffuse disease progresses" if n <= 5 else "more than 5")
            + "; local therapy alone cannot control this, and is kept for symptoms.",
        )
    )


def persistence_option(ctx: PlanContext, out: Findings) -> None:
    if ctx.disease_state != DiseaseState.OLIGOPERSISTENCE or _gated(read_gates(ctx)):
        return
    therapy = ctx.state.current_therapy or "the current systemic therapy"
    remaining = [t for t in ctx.response.lesions if t.status.value != "disappeared"]
    if converted_to_resectable(ctx):
        out.drafts.append(
            Draft(
                category=RecommendationCategory.SYSTEMIC,
                statement_id="conversion_resect_when_resectable",
                rule="systemic.hold_for_conversion_surgery",
                action=SystemicAction.HOLD,
                lead=f"Pause {therapy} for surgery: resect now that the surgeon judges the "
                "disease resectable, before small lesions disappear on imaging.",
                rationale=f"Colorectal liver disease responding on {therapy}, with a surgical "
                "opinion of resectability.",
            )
        )
        return
    out.drafts.append(
        Draft(
            category=RecommendationCategory.SYSTEMIC,
            statement_id="oligopersistence_consolidation",
            rule="systemic.oligopersistence",
            action=SystemicAction.CONTINUE,
            lead=f"Continue {therapy}.",
            rationale=f"No lesion progresses and {len(remaining)} lesion(s) remain on {therapy}.",
        )
    )


RULES = (
    gated_systemic,
    continue_on_oligoprogression,
    switch_on_polyprogression,
    persistence_option,
)
