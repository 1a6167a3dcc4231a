"""The plan engine: run the named rules in order, number the drafts, cite, check, summarise."""

from __future__ import annotations

from oligoguide.knowledge import KnowledgeBase
from oligoguide.model.case import Case
from oligoguide.model.vocab import DiseaseState, RecommendationCategory, SystemicAction, WorkupCode
from oligoguide.plan.context import PlanContext
from oligoguide.plan.explain import plan_explanations
from oligoguide.plan.gates import read_gates
from oligoguide.plan.models import Plan, Recommendation
from oligoguide.plan.references import number_references
from oligoguide.plan.rules import (
    awaiting,
    bleeding,
    cautions,
    comorbidity_cautions,
    local,
    palliative,
    record_gaps,
    safety_cautions,
    systemic,
    workup,
    workup_more,
)
from oligoguide.plan.rules.base import Findings
from oligoguide.plan.rules.context_notes import context_notes
from oligoguide.plan.rules.followup import choose_follow_up
from oligoguide.plan.safety import check_plan
from oligoguide.response.models import ResponseAssessment
from oligoguide.state.models import StateAssessment

WORKUP_LABELS = {
    WorkupCode.BRAIN_MRI: "brain MRI",
    WorkupCode.CT_CHEST_ABDOMEN_PELVIS: "CT chest/abdomen/pelvis",
    WorkupCode.PET_CT: "PET-CT",
    WorkupCode.LIVER_MRI: "liver MRI",
    WorkupCode.SPINE_MRI: "spine MRI",
    WorkupCode.REBIOPSY: "re-biopsy",
    WorkupCode.MOLECULAR_PROFILING: "molecular profiling",
    WorkupCode.CTDNA: "plasma ctDNA",
    WorkupCode.MDT_REVIEW: "tumour-board review",
    WorkupCode.CONFIRMATORY_SCAN: "confirmatory scan",
    WorkupCode.PSMA_PET: "PSMA-PET-CT",
    WorkupCode.BONE_SCAN: "bone scan",
    WorkupCode.NEURAXIS_MRI: "MRI of brain and whole spine",
    WorkupCode.CSF_CYTOLOGY: "CSF cytology",
    WorkupCode.TUMOUR_MARKERS: "tumour marker",
    WorkupCode.FUTURE_LIVER_REMNANT: "future liver remnant volumetry",
    WorkupCode.PULMONARY_FUNCTION: "pulmonary function tests",
    WorkupCode.SURGICAL_REVIEW: "surgical opinion",
}

RULE_ORDER = (
    *systemic.RULES,
    *bleeding.RULES,
    *palliative.RULES,
    *local.RULES,
    *palliative.LATE_RULES,
    *awaiting.RULES,
    *workup.RULES,
    *workup_more.RULES,
    *cautions.RULES,
    *safety_cautions.RULES,
    *comorbidity_cautions.RULES,
    *record_gaps.RULES,
)


def make_plan(
    case: Case,
    response: ResponseAssessment,
    state: StateAssessment,
    kb: KnowledgeBase,
    implausible_lesions: tuple[str, ...] = (),
) -> Plan:
    ctx = PlanContext(
        case=case,
        response=response,
        state=state,
        kb=kb,
        implausible_lesions=frozenset(implausible_lesions),
    )
    found = Findings()
    for rule in RULE_ORDER:
        rule(ctx, found)
    recommendations = [d.build(kb, n) for n, d in enumerate(found.drafts, start=1)]
    check_plan(ctx, recommendations)
    follow_up, no_follow_up = choose_follow_up(ctx, found.drafts)
    notes = context_notes(ctx, recommendations)
    cited = [c for r in recommendations for c in r.citations]
    if follow_up is not None:
        cited += follow_up.citations
    cited += [c for n in notes for c in n.citations]
    explanations = plan_explanations(ctx, recommendations)
    cited += [c for e in (*state.explanations, *explanations) for c in e.citations]
    return Plan(
        bottom_line=bottom_line(ctx, recommendations),
        recommendations=tuple(recommendations),
        follow_up=follow_up,
        context=tuple(notes),
        references=number_references(kb, cited),
        missing_data=tuple(found.missing),
        warnings=(no_follow_up,) if no_follow_up else (),
        explanations=tuple(explanations),
    )


def _of(recs: list[Recommendation], category: RecommendationCategory) -> list[Recommendation]:
    return [r for r in recs if r.category == category]


def bottom_line(ctx: PlanContext, recs: list[Recommendation]) -> str:
    state = ctx.disease_state
    therapy = ctx.state.current_therapy or "the current systemic therapy"
    if state == DiseaseState.INSUFFICIENT_DATA:
        need = "; ".join(m.item for m in ctx.state.missing_data) or "more data"
        return f"The data cannot support a decision yet. Add: {need}."
    parts: list[str] = []
    shown = [f"{t.id} ({t.site.value})" for t in ctx.progressing]
    groups = {g.id: g for g in ctx.case.lesion_groups}
    shown += [  # lesion groups the state counts as progressing
        f"{i} ({groups[i].site.value}, group)" for i in ctx.state.progressing_lesions if i in groups
    ]
    progressing = ", ".join(shown)
    if state == DiseaseState.OLIGOPROGRESSION:
        parts.append(
            f"Oligoprogression: {len(shown)} lesion(s) progress ({progressing}) "
            f"while the rest is controlled on {therapy}."
        )
    elif state == DiseaseState.POLYPROGRESSION:
        parts.append(
            f"Polyprogression on {therapy}: {len(shown)} lesion(s) progress ({progressing})."
        )
    else:
        parts.append(f"{state.value.capitalize()}.")
    local_recs = _of(recs, RecommendationCategory.LOCAL_THERAPY)
    treated: dict[str, Recommendation] = {}
    for r in local_recs:
        if r.lesion_id and r.lesion_id not in treated:
            treated[r.lesion_id] = r
    if treated:
        each = "; ".join(_local_phrase(r) for r in treated.values())
        parts.append(f"Local treatment: {each}.")
    urgent = [r for r in local_recs if r.timing is not None and r.timing.value == "urgent"]
    if urgent:
        parts.insert(0, "URGENT: " + " ".join(r.text.split(". ")[0] + "." for r in urgent))
    for r in _of(recs, RecommendationCategory.SYSTEMIC)[:1]:
        action = (r.action or SystemicAction.CONTINUE).value
        parts.append(
            {
                "continue": f"Continue {therapy}.",
                "switch": "Change the systemic therapy.",
                "hold": "Hold bevacizumab (bleeding)."
                if r.statement_id == "antivegf_bleeding_hold"
                else "No systemic therapy is started before confirmation."
                if r.rule == "systemic.off_therapy_until_confirmed"
                else f"Hold {therapy}.",
                "start": "Start first-line systemic therapy.",
                "best_supportive_care": "Best supportive care.",
            }[action]
        )
    if any(r.rule == "caution.bleeding_on_bevacizumab" for r in recs):
        parts.append("Hold bevacizumab while the tumour bleeds.")
    work = [WORKUP_LABELS[r.code] for r in _of(recs, RecommendationCategory.WORKUP) if r.code]
    if work:
        parts.append(f"First: {', '.join(dict.fromkeys(work))}.")
    if ctx.state.confirmation_required:
        parts.append("Progression on immunotherapy is unconfirmed (iRECIST iUPD).")
    if read_gates(ctx).histology_first:
        parts.append("Small-cell transformation is possible: biopsy before local treatment.")
    return " ".join(parts)


def _local_phrase(r: Recommendation) -> str:
    name = (
        r.modality.value.upper()
        if r.modality and len(r.modality.value) <= 4
        else (r.modality.value if r.modality else "local therapy")
    )
    dose = f" {r.dose.total_gy:g} Gy/{r.dose.fractions} fx" if r.dose else ""
    when = (
        ""
        if r.timing is None or r.timing.value == "now"
        else f" ({r.timing.value.replace('_', ' ')})"
    )
    return f"{r.lesion_id or 'primary'} {name}{dose}{when}"
