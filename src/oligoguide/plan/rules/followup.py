"""Follow-up imaging interval, by cancer and by what the plan treats."""

from __future__ import annotations

from oligoguide.model.vocab import DiseaseState, LocalModality, PrimarySite, Site, SystemicAction
from oligoguide.plan.context import PlanContext
from oligoguide.plan.drafts import Draft
from oligoguide.plan.gates import read_gates
from oligoguide.plan.models import FollowUp

BY_PRIMARY = {
    PrimarySite.NSCLC: "followup_nsclc",
    PrimarySite.COLORECTAL: "followup_colorectal",
    PrimarySite.BREAST: "followup_breast",
    PrimarySite.PROSTATE: "followup_prostate",
    PrimarySite.RENAL: "followup_renal",
    PrimarySite.MELANOMA: "followup_melanoma",
}
DEFAULT = "followup_default"


def choose_follow_up(ctx: PlanContext, drafts: list[Draft]) -> tuple[FollowUp | None, str | None]:
    """The follow-up and, when no interval is sourced, the reason to report as missing."""
    if ctx.disease_state == DiseaseState.INSUFFICIENT_DATA:
        return None, None
    supportive = any(
        d.action == SystemicAction.BEST_SUPPORTIVE_CARE
        or d.rule == "systemic.targeted_kept_despite_poor_ps"  # ECOG 3-4: the same palliative path
        for d in drafts
    )
    if supportive or any(x.site == Site.LEPTOMENINGES for x in ctx.case.lesions):
        # No routine restaging on a palliative path: image when symptoms or a decision need it.
        basis = "poor_ps_supportive_care" if supportive else "leptomeningeal_workup"
        found = ctx.kb.statements.get(basis)
        if found is not None:
            return FollowUp(
                imaging_interval_weeks=None,
                text="No routine imaging interval: re-image when symptoms change or when a "
                "treatment decision depends on it.",
                statement_id=found.id,
                citations=found.evidence,
            ), None
    confirming = _confirmation_scan(ctx)
    if confirming is not None:
        return confirming, None
    candidates = []
    if any(d.modality == LocalModality.SRS for d in drafts):
        candidates.append("followup_brain_after_srs")
    candidates += [BY_PRIMARY.get(ctx.primary, DEFAULT), DEFAULT]
    for statement_id in candidates:
        statement = ctx.kb.statements.get(statement_id)
        if statement is None:
            continue
        interval = statement.parameters.get("imaging_interval_weeks")
        weeks = (float(interval[0]), float(interval[1])) if isinstance(interval, list) else None
        return FollowUp(
            imaging_interval_weeks=weeks,
            text=statement.text,
            statement_id=statement.id,
            citations=statement.evidence,
        ), None
    return None, (
        f"no sourced follow-up interval for {ctx.primary.value} in the knowledge base; "
        "set the interval at the tumour board"
    )


def _confirmation_scan(ctx: PlanContext) -> FollowUp | None:
    """Unconfirmed progression on immunotherapy: the next scan is the iRECIST confirmation,
    4-8 weeks after the one that showed progression, not the routine restaging interval."""
    if not read_gates(ctx).unconfirmed or not (
        ctx.state.confirmation_required or ctx.on_immunotherapy
    ):
        return None
    found = ctx.kb.statements.get("irecist_confirm_before_change")
    window = None if found is None else found.parameters.get("confirm_weeks")
    if found is None or not isinstance(window, list):
        return None
    low, high = float(window[0]), float(window[1])
    return FollowUp(
        imaging_interval_weeks=(low, high),
        text=f"Confirmation scan {low:g}-{high:g} weeks after the scan that showed progression "
        "(iRECIST), sooner if the patient deteriorates; then the usual restaging interval.",
        statement_id=found.id,
        citations=found.evidence,
    )
