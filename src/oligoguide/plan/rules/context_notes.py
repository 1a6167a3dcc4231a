"""Background sections of the answer: prognostic factors and the safety of what is proposed."""

from __future__ import annotations

from oligoguide.knowledge import Statement
from oligoguide.model.vocab import DiseaseState, LocalModality
from oligoguide.plan.context import PlanContext
from oligoguide.plan.models import ContextNote, Recommendation

PROGNOSIS = "prognostic_factors_oligometastatic"
SAFETY = "sabr_toxicity"
STEREOTACTIC = (LocalModality.SBRT, LocalModality.SRS)


def _applies(statement: Statement, ctx: PlanContext) -> bool:
    return "any" in statement.cancers or ctx.primary.value in statement.cancers


def _note(title: str, statement: Statement) -> ContextNote:
    return ContextNote(
        title=title,
        statement_id=statement.id,
        text=statement.text,
        caveat=statement.caveat,
        citations=statement.evidence,
    )


def context_notes(ctx: PlanContext, recs: list[Recommendation]) -> list[ContextNote]:
    notes = []
    oligo = ctx.disease_state in (
        DiseaseState.OLIGOPROGRESSION,
        DiseaseState.OLIGOMETASTATIC,
        DiseaseState.OLIGOPERSISTENCE,
    )
    prognosis = ctx.kb.statements.get(PROGNOSIS)
    if oligo and prognosis is not None and _applies(prognosis, ctx):
        notes.append(_note("Prognostic factors", prognosis))
    safety = ctx.kb.statements.get(SAFETY)
    if safety is not None and any(r.modality in STEREOTACTIC for r in recs):
        notes.append(_note("Safety", safety))
    return notes
