"""Question answering over the knowledge base: `ask(question) -> Answer`.

    understand (lexicon)  ->  retrieve (lexical | dense | hybrid)  ->  compose (+ assess())

Answers are assembled only from knowledge-base statements, their caveats, evidence findings,
the plan engine's recommendations for a described patient and sourced dose schedules; each
sentence carries the evidence ids that support it.

Exceptions::

    OligoguideError
    └── AskInputError     empty or over-long question
"""

from __future__ import annotations

import datetime as dt

from oligoguide.ask.case_builder import build_case
from oligoguide.ask.compose import compose
from oligoguide.ask.models import Answer, Section, Sentence, Understood
from oligoguide.ask.render import render_answer_markdown, render_answer_text
from oligoguide.ask.retrieve import DEFAULT_RETRIEVER, RetrieverKind
from oligoguide.ask.spelling import correct
from oligoguide.ask.trials import named_trials
from oligoguide.ask.understand import understand
from oligoguide.knowledge import default_knowledge_base, overdue_caution
from oligoguide.model.errors import OligoguideError

MAX_QUESTION_CHARS = 2000

__all__ = [
    "DEFAULT_RETRIEVER",
    "MAX_QUESTION_CHARS",
    "Answer",
    "AskInputError",
    "RetrieverKind",
    "Section",
    "Sentence",
    "Understood",
    "ask",
    "render_answer_markdown",
    "render_answer_text",
    "understand",
]


class AskInputError(OligoguideError):
    """The question is empty or longer than MAX_QUESTION_CHARS."""


def ask(
    question: str,
    retriever: RetrieverKind | str = DEFAULT_RETRIEVER,
    today: dt.date | None = None,
) -> Answer:
    """`today` (default: the local date) decides whether the base is overdue for review."""
    text = " ".join(question.split())
    if not text:
        raise AskInputError("question: empty; ask a clinical question in words")
    if len(question) > MAX_QUESTION_CHARS:
        raise AskInputError(
            f"question: {len(question)} characters, at most {MAX_QUESTION_CHARS} are accepted"
        )
    kb = default_knowledge_base()
    read = correct(text)  # misspellings corrected; the answer still echoes the question as typed
    understood = understand(read)
    if not understood.in_domain and named_trials(read, kb):
        understood = understand(read, known_study=True)  # "weickhardt 2012?" is in the field
    assessment = None
    note = None
    if understood.patient_specific:
        built = build_case(understood)
        if built is not None:
            from oligoguide.assess import assess
            from oligoguide.model import case_from_data

            data, note = built
            try:
                assessment = assess(case_from_data(data), today=today)
            except OligoguideError as error:
                note = f"No plan could be built from the question: {error}"
    answer = compose(read, understood, kb, RetrieverKind(retriever), assessment, note)
    if read != text:
        answer = answer.model_copy(update={"question": text})
    stale = overdue_caution(kb.manifest, today)
    return answer if stale is None else answer.model_copy(update={"warnings": (stale,)})
