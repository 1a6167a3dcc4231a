"""Comorbidities next to the plan: the ones the rules weigh, and the ones they only show.

A comorbidity the rules cannot use is never dropped silently: the tumour board sees it named
beside the plan (lung disease before lung SBRT is weighed in safety_cautions.py)."""

from __future__ import annotations

from oligoguide.model.case_context import ComorbidityRecord
from oligoguide.model.vocab import ABLATIVE_MODALITIES, RecommendationCategory, Site
from oligoguide.model.vocab_context import Comorbidity
from oligoguide.plan.context import PlanContext
from oligoguide.plan.rules.base import Findings, caution_draft

#: Weighed by other rules (lung SBRT caution, pulmonary function work-up).
WEIGHED = frozenset(
    {Comorbidity.INTERSTITIAL_LUNG_DISEASE, Comorbidity.COPD, Comorbidity.PRIOR_PNEUMONITIS}
)


def _name(record: ComorbidityRecord) -> str:
    name = record.condition.value.replace("_", " ")
    if record.child_pugh is not None:
        name += f" (Child-Pugh {record.child_pugh.value})"
    return f"{name}: {record.detail}" if record.detail else name


def _liver_directed(ctx: PlanContext, out: Findings) -> list[str]:
    return [
        d.lesion_id
        for d in out.drafts
        if d.category == RecommendationCategory.LOCAL_THERAPY
        and d.lesion_id is not None
        and ctx.lesion(d.lesion_id).site == Site.LIVER
        and ({d.modality, *d.alternatives} & ABLATIVE_MODALITIES)
    ]


def cirrhosis_and_liver_treatment(ctx: PlanContext, out: Findings) -> None:
    cirrhosis = [c for c in ctx.case.comorbidities if c.condition == Comorbidity.CIRRHOSIS]
    planned = _liver_directed(ctx, out)
    if cirrhosis and planned:
        out.drafts.append(
            caution_draft(
                "workup_future_liver_remnant",
                "caution.cirrhosis_liver_treatment",
                f"{_name(cirrhosis[0])}, with liver-directed treatment of "
                f"{', '.join(dict.fromkeys(planned))}: a resection needs a larger future liver "
                "remnant (at least 40% with cirrhosis), and liver function limits SBRT and "
                "ablation too; no limit for SBRT or ablation in a cirrhotic liver is sourced "
                "here, so hepatology and the liver team decide.",
            )
        )


def comorbidities_not_weighed(ctx: PlanContext, out: Findings) -> None:
    liver_planned = bool(_liver_directed(ctx, out))
    shown = [
        _name(c)
        for c in ctx.case.comorbidities
        if c.condition not in WEIGHED
        and not (c.condition == Comorbidity.CIRRHOSIS and liver_planned)
    ]
    if shown:
        out.drafts.append(
            caution_draft(
                "mdt_review",
                "caution.comorbidity_not_weighed",
                f"Recorded but not weighed by these rules: {'; '.join(shown)}. The treating team "
                "weighs them against each planned treatment.",
            )
        )


RULES = (cirrhosis_and_liver_treatment, comorbidities_not_weighed)
