"""Disease-state classification from the response and the therapy history.

Rules, in order (each named in the explanations):
  state.no_data           no lesion measured                         -> insufficient_data
  state.single_timepoint  one scan: on therapy -> insufficient_data; off therapy with <=5
                          lesions -> oligometastatic (no response needed for a count)
  state.not_evaluable     latest scan NE, or unassessed lesions could change the count
  state.progression       progressing lesions: diffuse serosal site or > threshold -> poly;
                          on therapy -> oligoprogression; off therapy -> oligometastatic
                          (oligorecurrence) when <= 5 lesions in all, else polyprogression
  state.no_progression    on therapy: <=5 lesions left -> oligopersistence, none/CR -> controlled;
                          off therapy: <=5 lesions -> oligometastatic, else controlled
"""

from __future__ import annotations

import datetime as dt

from oligoguide.model.case import Case
from oligoguide.model.explain import Explanation, MissingData
from oligoguide.model.vocab import (
    DIFFUSE_SITES,
    DiseaseState,
    IRecistResponse,
    LesionStatus,
    OverallResponse,
)
from oligoguide.response.irecist import CONFIRM_MAX_WEEKS, CONFIRM_MIN_WEEKS
from oligoguide.response.models import LesionTrajectory, ResponseAssessment
from oligoguide.state.burden import GroupBurden, group_burden, post_treatment_change
from oligoguide.state.estro import classify_estro
from oligoguide.state.models import EstroEortcClass, StateAssessment, Thresholds

DEFINITION = ("lievens_2020_estro_astro", "guckenberger_2020_estro_eortc")
PROGRESSING = (LesionStatus.PROGRESSING, LesionStatus.NEW)
GONE = (LesionStatus.DISAPPEARED,)


def _is_progressing(t: LesionTrajectory) -> bool:
    return t.status in PROGRESSING and not t.equivocal


class _Builder:
    """Collects the reasoning while the rules run, then freezes it into a StateAssessment."""

    def __init__(self, case: Case, response: ResponseAssessment) -> None:
        self.case = case
        self.response = response
        self.explanations: list[Explanation] = list(response.explanations)
        self.missing: list[MissingData] = list(response.missing_data)
        self.warnings: list[str] = list(response.warnings)
        self.groups: list[GroupBurden] = []

    @property
    def group_progressing(self) -> list[GroupBurden]:
        return [g for g in self.groups if g.progressing]

    @property
    def group_present_count(self) -> int:
        return sum(g.count for g in self.groups if g.present)

    def explain(self, rule: str, text: str, citations: tuple[str, ...] = DEFINITION) -> None:
        self.explanations.append(Explanation(rule=rule, text=text, citations=citations))


def classify_state(
    case: Case, response: ResponseAssessment, thresholds: Thresholds | None = None
) -> StateAssessment:
    limits = thresholds or Thresholds()
    b = _Builder(case, response)
    latest = response.latest_date
    if latest is None:
        b.explain("state.no_data", "No lesion measurements: the disease state cannot be decided.")
        return _result(b, DiseaseState.INSUFFICIENT_DATA, [], None, None)
    current = case.therapies_ongoing_on(latest)
    on_therapy = bool(current)
    therapy = " + ".join(current[-1].agents) if current else None
    if not case.systemic_therapies and not _undated_recent_line(case, latest):
        b.warnings.append("no systemic therapy recorded: the patient is taken to be off therapy")
    b.explain(
        "state.therapy",
        f"On {latest}: "
        + (
            f"on systemic therapy ({therapy}, since {current[-1].start})"
            if current
            else "not on systemic therapy"
        ),
        (),
    )
    progressing = []
    for t in response.lesions:
        if not _is_progressing(t):
            continue
        changed = post_treatment_change(case, t)
        if changed:
            b.explain(
                "state.post_treatment_change",
                f"{t.id} grew after local treatment but was {changed}; not counted as progressing.",
                ("eisenhauer_2009_recist",),
            )
            continue
        progressing.append(t)
    undated = _undated_recent_line(case, latest)
    if undated:
        # A line of this year known only by its year may still be running: on or off therapy
        # decides every state, so none is chosen (the house rule: never guess about a patient).
        b.warnings.append(undated)
        b.missing.append(
            MissingData(
                item="/systemic_therapies",
                reason=f"{undated}; give the line's start (and end, if stopped) in "
                "systemic_therapies",
            )
        )
        b.explain("state.therapy_unknown", f"{undated}: the disease state is not decided.", ())
        return _result(b, DiseaseState.INSUFFICIENT_DATA, progressing, None, None)
    present = [t for t in response.lesions if t.status not in GONE]
    b.groups = group_burden(case, latest, limits.max_progressing_lesions)
    for g in b.groups:
        b.explain(
            "state.lesion_group",
            f"Group {g.id} ({g.site.value}): {g.status.value}, counted as "
            + (f"{g.count} lesion(s)." if g.counted else f"more than {g.count - 1} (not counted)."),
        )
    state = _decide(b, limits, on_therapy, progressing, present)
    estro = None
    if state in (
        DiseaseState.OLIGOPROGRESSION,
        DiseaseState.OLIGOPERSISTENCE,
        DiseaseState.OLIGOMETASTATIC,
    ):
        estro, notes, missing = classify_estro(
            case, response, on_therapy, bool(progressing), limits
        )
        b.explanations += notes
        b.missing += missing
    result = _result(b, state, progressing, therapy, estro)
    if b.group_progressing:
        result = result.model_copy(
            update={
                "progressing_lesions": (
                    *result.progressing_lesions,
                    *(g.id for g in b.group_progressing),
                ),
                "progressing_organs": tuple(
                    sorted(
                        {*result.progressing_organs, *(g.site.value for g in b.group_progressing)}
                    )
                ),
            }
        )
    return result.model_copy(update={"on_systemic_therapy": on_therapy})


def _decide(
    b: _Builder,
    limits: Thresholds,
    on_therapy: bool,
    progressing: list[LesionTrajectory],
    present: list[LesionTrajectory],
) -> DiseaseState:
    rows = b.response.timepoints
    if len(rows) < 2:
        n_all = len(present) + b.group_present_count
        if not on_therapy and 0 < n_all <= limits.max_oligometastatic_lesions:
            b.explain(
                "state.single_timepoint",
                f"One scan, not on systemic therapy, {n_all} lesion(s) "
                f"(<= {limits.max_oligometastatic_lesions}): oligometastatic.",
            )
            return DiseaseState.OLIGOMETASTATIC
        b.explain(
            "state.single_timepoint",
            "Only one scan: progression or response needs a later scan to compare.",
        )
        return DiseaseState.INSUFFICIENT_DATA
    latest = rows[-1]
    unassessed = [t.id for t in b.response.lesions if t.status == LesionStatus.NOT_EVALUABLE]
    if not progressing and latest.overall == OverallResponse.NE:
        b.explain(
            "state.not_evaluable",
            f"Latest scan {latest.date} is not evaluable and shows no progression.",
        )
        return DiseaseState.INSUFFICIENT_DATA
    if progressing and len(progressing) <= limits.max_progressing_lesions < len(progressing) + len(
        unassessed
    ):
        b.missing.append(
            MissingData(
                item=f"assessment of {', '.join(unassessed)} on {latest.date}",
                reason="unassessed lesions could raise the number of progressing lesions above "
                f"{limits.max_progressing_lesions}, which would change oligo- to polyprogression",
            )
        )
        b.explain(
            "state.not_evaluable",
            f"{len(progressing)} progressing and {len(unassessed)} unassessed lesion(s): "
            "the count is not known.",
        )
        return DiseaseState.INSUFFICIENT_DATA
    _note_irecist(b)
    if progressing or b.group_progressing:
        return _with_progression(b, limits, on_therapy, progressing, present)
    return _without_progression(b, limits, on_therapy, present, latest.overall)


def _with_progression(
    b: _Builder,
    limits: Thresholds,
    on_therapy: bool,
    progressing: list[LesionTrajectory],
    present: list[LesionTrajectory],
) -> DiseaseState:
    ids = ", ".join(
        [f"{t.id} ({t.site.value})" for t in progressing]
        + [
            f"group {g.id} ({g.site.value}, {g.count if g.counted else 'many'})"
            for g in b.group_progressing
        ]
    )
    n = len(progressing) + sum(g.count for g in b.group_progressing)
    cap = limits.max_progressing_lesions
    n_present = len(present) + b.group_present_count
    diffuse = [t for t in progressing if t.site in DIFFUSE_SITES]
    if diffuse:
        where = ", ".join(f"{t.id} {t.site.value}" for t in diffuse)
        b.explain(
            "state.progression",
            f"Progression of diffuse disease ({where}): "
            "such disease cannot be treated lesion by lesion, so it is not oligoprogression.",
        )
        return DiseaseState.POLYPROGRESSION
    if n > cap:
        b.explain(
            "state.progression",
            f"{n} progressing lesions ({ids}): more than {cap}, so polyprogression.",
        )
        return DiseaseState.POLYPROGRESSION
    controlled = [t for t in present if t not in progressing]
    if on_therapy:
        b.explain(
            "state.progression",
            f"{n} progressing lesion(s) ({ids}), at most {cap}, while {len(controlled)} "
            "other lesion(s) are controlled on ongoing systemic therapy: oligoprogression.",
        )
        return DiseaseState.OLIGOPROGRESSION
    if n_present <= limits.max_oligometastatic_lesions:
        b.explain(
            "state.progression",
            f"{n} progressing lesion(s) ({ids}) off systemic therapy, {n_present} "
            f"lesion(s) in all (<= {limits.max_oligometastatic_lesions}): oligometastatic "
            "(oligorecurrence).",
        )
        return DiseaseState.OLIGOMETASTATIC
    b.explain(
        "state.progression",
        f"{n} progressing lesion(s) off systemic therapy with {n_present} lesions in all "
        f"(> {limits.max_oligometastatic_lesions}): polyprogression.",
    )
    return DiseaseState.POLYPROGRESSION


def _without_progression(
    b: _Builder,
    limits: Thresholds,
    on_therapy: bool,
    present: list[LesionTrajectory],
    overall: OverallResponse,
) -> DiseaseState:
    n, cap = len(present) + b.group_present_count, limits.max_oligometastatic_lesions
    if on_therapy:
        if n == 0 or overall == OverallResponse.CR:
            b.explain(
                "state.no_progression",
                f"No progressing lesion; overall {overall.value}: controlled.",
            )
            return DiseaseState.CONTROLLED
        if n <= cap:
            b.explain(
                "state.no_progression",
                f"No progressing lesion on systemic therapy and {n} lesion(s) remaining "
                f"(<= {cap}): oligopersistence.",
            )
            return DiseaseState.OLIGOPERSISTENCE
        b.explain(
            "state.no_progression",
            f"No progressing lesion; {n} lesions remain on therapy (overall "
            f"{overall.value}): controlled.",
        )
        return DiseaseState.CONTROLLED
    if 0 < n <= cap:
        b.explain(
            "state.no_progression",
            f"Not on systemic therapy, {n} lesion(s) (<= {cap}): oligometastatic.",
        )
        return DiseaseState.OLIGOMETASTATIC
    b.explain(
        "state.no_progression",
        f"Not on systemic therapy, no progressing lesion, {n} lesion(s): controlled.",
    )
    return DiseaseState.CONTROLLED


def _note_irecist(b: _Builder) -> None:
    latest = b.response.timepoints[-1]
    if latest.irecist == IRecistResponse.IUPD:
        b.missing.append(
            MissingData(
                item=f"confirmatory scan {CONFIRM_MIN_WEEKS}-{CONFIRM_MAX_WEEKS} weeks after "
                f"{latest.date}",
                reason="iRECIST: progression on immunotherapy is unconfirmed (iUPD) until a later "
                "scan shows further growth; the state below is provisional",
            )
        )


def _undated_recent_line(case: Case, latest: dt.date) -> str:
    """A treatment line recorded only by a year no earlier than the latest scan's, with no
    dated therapy: whether the patient is still on it is unknown."""
    if case.systemic_therapies:
        return ""
    recent = [x for x in case.prior_treatment_lines if x.year is not None and x.year >= latest.year]
    if not recent:
        return ""
    agents = " + ".join(recent[-1].agents)
    return (
        f"{agents} is recorded for {recent[-1].year} without a start date: whether the patient is "
        "still on it is not known"
    )


def _result(
    b: _Builder,
    state: DiseaseState,
    progressing: list[LesionTrajectory],
    therapy: str | None,
    estro: EstroEortcClass | None,
) -> StateAssessment:
    latest = b.response.timepoints[-1] if b.response.timepoints else None
    return StateAssessment(
        disease_state=state,
        estro_eortc_class=estro,
        progressing_lesions=tuple(t.id for t in progressing),
        progressing_organs=tuple(sorted({t.site.value for t in progressing})),
        on_systemic_therapy=None,
        current_therapy=therapy,
        confirmation_required=latest is not None and latest.irecist == IRecistResponse.IUPD,
        explanations=tuple(b.explanations),
        missing_data=tuple(b.missing),
        warnings=tuple(b.warnings),
    )
