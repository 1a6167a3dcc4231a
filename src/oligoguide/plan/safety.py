"""Outcomes a plan must never contain, checked on every plan before it leaves the engine.

A violation is a bug in the rules, not a property of the patient, so it raises.
"""

from __future__ import annotations

from oligoguide.model.vocab import (
    DiseaseState,
    LocalModality,
    RecommendationCategory,
    Site,
    SystemicAction,
)
from oligoguide.plan.context import PlanContext
from oligoguide.plan.models import Recommendation
from oligoguide.plan.rules.local_limits import NO_DOSE

ABLATIVE = frozenset(LocalModality) - {LocalModality.OBSERVATION, LocalModality.CONVENTIONAL_RT}
WBRT_NEVER_FIRST_UP_TO = 4  # SRS, not WBRT, for up to 4 brain metastases (ASTRO 2022)
#: The only statements that change a line with few progressing sites: the line never controlled
#: the disease (primary endocrine resistance, ABC 4).
SWITCH_DESPITE_FEW_SITES = frozenset({"breast_primary_endocrine_resistance"})


class PlanSafetyError(AssertionError):
    """A plan broke one of the never-events below."""


def check_plan(ctx: PlanContext, recommendations: list[Recommendation]) -> None:
    local = [r for r in recommendations if r.category == RecommendationCategory.LOCAL_THERAPY]
    if ctx.disease_state == DiseaseState.POLYPROGRESSION and any(
        r.modality in ABLATIVE and (r.intent is None or r.intent.value != "palliative")
        for r in local
    ):
        raise PlanSafetyError("local-only ablative therapy proposed for polyprogression")
    brain = [t for t in ctx.response.lesions if t.site == Site.BRAIN]
    if len(brain) <= WBRT_NEVER_FIRST_UP_TO and any(
        r.modality == LocalModality.WBRT for r in local
    ):
        raise PlanSafetyError("WBRT proposed first for a limited number of brain metastases")
    if ctx.disease_state == DiseaseState.OLIGOPROGRESSION and any(
        r.action == SystemicAction.SWITCH and r.statement_id not in SWITCH_DESPITE_FEW_SITES
        for r in recommendations
    ):
        raise PlanSafetyError("systemic switch proposed for oligoprogression")
    for r in local:
        if (
            r.modality in (LocalModality.SBRT, LocalModality.SRS)
            and r.dose is None
            and (NO_DOSE not in r.text)
        ):
            raise PlanSafetyError(f"{r.id}: stereotactic treatment without a dose or a reason")
