"""The pipeline, one public function: assess(case) -> Assessment (response -> state -> plan).

Every face (CLI, API, CDS Hooks, UI, cohort) calls this, so a case gets one answer everywhere.
The Assessment's JSON is a stable contract; fields are only ever added.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from oligoguide.knowledge import default_knowledge_base, overdue_caution
from oligoguide.model.case import Case
from oligoguide.model.explain import Explanation, MissingData
from oligoguide.model.plausibility import implausible_lesion_ids, plausibility_warnings
from oligoguide.model.vocab import DiseaseState, LesionStatus, Site
from oligoguide.plan import ContextNote, FollowUp, Recommendation, Reference, make_plan
from oligoguide.response import assess_grouped_response
from oligoguide.response.models import TimepointResponse
from oligoguide.response.timepoints import regroup
from oligoguide.state import EstroEortcClass, Thresholds, classify_state

CONTRACT_VERSION = "1"


class LesionSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    site: Site
    status: LesionStatus
    target: bool
    is_new: bool
    latest_mm: float | None
    nadir_mm: float | None
    change_from_nadir_pct: float | None
    change_from_nadir_mm: float | None
    irradiated: bool


class ResponseSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    baseline_date: str | None
    target_lesions: tuple[str, ...]
    timepoints: tuple[TimepointResponse, ...]


class Assessment(BaseModel):
    model_config = ConfigDict(frozen=True)

    contract_version: str = CONTRACT_VERSION
    kb_version: str
    case_id: str
    response: ResponseSummary
    lesions: tuple[LesionSummary, ...]
    disease_state: DiseaseState
    estro_eortc_class: EstroEortcClass | None
    progressing_lesions: tuple[str, ...]
    progressing_organs: tuple[str, ...]
    on_systemic_therapy: bool | None
    current_therapy: str | None
    confirmation_required: bool
    bottom_line: str
    recommendations: tuple[Recommendation, ...]
    follow_up: FollowUp | None
    context: tuple[ContextNote, ...]
    references: tuple[Reference, ...]
    explanations: tuple[Explanation, ...]
    missing_data: tuple[MissingData, ...]
    warnings: tuple[str, ...]
    implausible_lesions: tuple[str, ...] = Field(
        default=(),
        description="Lesions with an implausible value (see the warnings): no confident "
        "ablative recommendation is made on them until the data are checked",
    )
    disclaimer: str = Field(
        default="Decision support only: it does not replace the judgement of the treating "
        "clinicians and the multidisciplinary tumour board."
    )


def assess(
    case: Case, thresholds: Thresholds | None = None, today: dt.date | None = None
) -> Assessment:
    """`today` (default: the local date) decides whether the base is overdue for review."""
    kb = default_knowledge_base()
    stale = overdue_caution(kb.manifest, today)
    limits = thresholds or Thresholds()
    # Plausibility reads the case as given (pointers and dates of the input, before grouping).
    implausible = plausibility_warnings(case)
    # One restaging = one time point: every stage reads the case with its studies grouped.
    case, _, grouping_notes = regroup(case, limits.timepoint_window_days)
    response = assess_grouped_response(case, grouping_notes)
    state = classify_state(case, response, thresholds)
    plan = make_plan(case, response, state, kb, implausible_lesion_ids(implausible))
    missing = {m.item: m for m in (*state.missing_data, *plan.missing_data)}
    return Assessment(
        kb_version=kb.version,
        case_id=case.case_id,
        response=ResponseSummary(
            baseline_date=None if response.baseline_date is None else str(response.baseline_date),
            target_lesions=response.target_ids,
            timepoints=response.timepoints,
        ),
        lesions=tuple(
            LesionSummary(
                id=t.id,
                site=t.site,
                status=t.status,
                target=t.target,
                is_new=t.is_new,
                latest_mm=t.latest_mm,
                nadir_mm=t.nadir_mm,
                change_from_nadir_pct=t.change_from_nadir_pct,
                change_from_nadir_mm=t.change_from_nadir_mm,
                irradiated=t.irradiated,
            )
            for t in response.lesions
        ),
        disease_state=state.disease_state,
        estro_eortc_class=state.estro_eortc_class,
        progressing_lesions=state.progressing_lesions,
        progressing_organs=state.progressing_organs,
        on_systemic_therapy=state.on_systemic_therapy,
        current_therapy=state.current_therapy,
        confirmation_required=state.confirmation_required,
        bottom_line=plan.bottom_line,
        recommendations=plan.recommendations,
        follow_up=plan.follow_up,
        context=plan.context,
        references=plan.references,
        explanations=(*state.explanations, *plan.explanations),
        missing_data=tuple(missing.values()),
        # A software status, not a clinical finding: a plain warning, listed first, uncited;
        # then the implausible input, before any clinical warning.
        warnings=(
            *((stale,) if stale else ()),
            *(str(w) for w in implausible),
            *state.warnings,
            *plan.warnings,
        ),
        implausible_lesions=implausible_lesion_ids(implausible),
    )
