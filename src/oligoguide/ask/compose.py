"""Compose a cited answer from knowledge-base statements and evidence only.

Every sentence is a statement's own text, a statement's caveat, a finding of an evidence item, a
recommendation of the plan engine (for a described patient) or a sourced dose schedule, and it
carries the evidence ids that support it. Nothing else is written: what the base lacks is listed
in `gaps`, and an out-of-scope question is answered `not_covered` with the closest topics.
"""

from __future__ import annotations

import re
from typing import Any

from oligoguide.ask.draft import Draft, from_statement
from oligoguide.ask.lead import answer_lead
from oligoguide.ask.lexicon import content_words, layout
from oligoguide.ask.models import (
    Answer,
    AnswerBody,
    AnswerReference,
    Confidence,
    Section,
    Sentence,
    Understood,
)
from oligoguide.ask.opening import open_answer
from oligoguide.ask.retrieve import RetrieverKind, get_retriever, rank_statements
from oligoguide.ask.sections import (
    add_definitions,
    add_dose,
    add_evidence,
    add_gaps,
    add_patient,
    focus_dose,
)
from oligoguide.ask.select import (
    STATES,
    focus_sections,
    is_focused,
    select_statements,
    topic_statement,
)
from oligoguide.knowledge import KnowledgeBase
from oligoguide.plan.references import number_references

COVERED = (
    "oligometastatic, oligoprogressive and oligopersistent metastatic cancer: "
    "metastasis-directed therapy (SBRT, SRS, surgery, ablation), its dose and organ-at-risk "
    "limits, systemic-therapy decisions around it, work-up, follow-up and the trials behind them"
)
#: The section that answers each question type, moved first.
_TYPE_SECTION = {
    "false_premise": "correction",
    "dose": "dose",
    "definition": "definition",
    "evidence": "evidence",
    "follow_up": "followup",
    "case": "patient",
}


# --- applicability -------------------------------------------------------------------------


# --- the answer ----------------------------------------------------------------------------


def compose(
    question: str,
    u: Understood,
    kb: KnowledgeBase,
    retriever: RetrieverKind,
    assessment: Any | None = None,
    case_note: str | None = None,
) -> Answer:
    hits = get_retriever(retriever).search(_query(question, u), 30)
    ranked = rank_statements(hits, kb)

    if _out_of_scope(u):
        return _not_covered(question, u, kb, ranked, retriever)

    state = None if assessment is None else str(assessment.disease_state)
    if state not in STATES:
        state = None
    draft = Draft()
    titles = layout().section_titles

    # 1. False premises corrected first; a named trial's findings before anything else.
    opening = open_answer(question, u, kb, draft)
    u, corrections, trials = opening.understood, opening.corrections, opening.trials
    randomised = opening.randomised

    selected = select_statements(u, kb, ranked, state)
    sections_of = layout().statement_sections

    # 2. Bottom line: the most specific strategy statement(s).
    strategy = [s for s in selected if sections_of.get(s) == "strategy"]
    strategy.sort(key=lambda s: ("any" in kb.statements[s].cancers, selected.index(s)))
    focus = is_focused(u)
    if focus:  # "work-up before I call it oligoprogression?": the work-up, not the strategy
        lead = [s for s in selected if sections_of.get(s, "treatment") in focus_sections(u)]
        bottom = lead[:1] or strategy[:1] or selected[:1]
    else:
        bottom = strategy[:2]
    if not bottom and (
        u.question_type == "guideline" or (u.question_type == "case" and assessment is None)
    ):
        # no strategy statement fits: the best-retrieved statement chosen answers first,
        # rather than whichever section happens to come first in the layout
        chosen = [s for s in ranked if s in selected]
        on_site = [s for s in chosen if set(kb.statements[s].sites) & set(u.sites)]
        bottom = _most_on_point(question, on_site or chosen, kb)[:1]
    topic = topic_statement(question, u, kb, ranked, state)
    if topic is not None and u.question_type in ("guideline", "follow_up", "case"):
        bottom = [topic, *(b for b in bottom if b != topic)][:2]
        if topic not in selected:
            selected.insert(0, topic)
    for statement_id in bottom:
        draft.add_statement("bottom_line", kb.statements[statement_id])
    answering = _TYPE_SECTION.get(u.question_type)
    for statement_id in reversed(bottom):  # the bottom line heads its own section too
        if answering and sections_of.get(statement_id) == answering:
            draft.add_first(answering, from_statement(kb.statements[statement_id]))
    if (
        topic is not None
        and answering
        and answering not in ("patient", "definition")
        and not (answering == "evidence" and trials)  # the named trial's findings come first
    ):
        draft.add_first(answering, from_statement(kb.statements[topic]))  # asked about, so first

    # 3. Definitions from the consensus findings.
    add_definitions(question, u, kb, draft, state)

    # 4. The described patient: the plan engine's recommendations, so answer and plan agree.
    if assessment is not None:
        add_patient(assessment, kb, draft, case_note)

    # 5. Dose questions: the sourced schedule for each lesion named.
    if u.question_type == "dose":
        from oligoguide.ask.route import dose_arithmetic, organ_limits

        limits_asked = re.search(
            r"\blimits?\b|constraints?|tolerance|\bd ?max\b|\bspar\w*|\bcc\b|re-?irradiat",
            question,
            re.I,
        )
        limits = organ_limits(question, kb)
        arithmetic = dose_arithmetic(question, kb)
        shown = [*arithmetic, *(limits if limits_asked else [])]
        if limits_asked and re.search(r"re-?irradiat|reirradiat|cumulative", question, re.I):
            shown = [*(limits if limits_asked else []), *arithmetic]
        for sentence in shown:
            draft.add("dose", sentence)
    from oligoguide.ask.route import proposed_courses

    asked_courses = proposed_courses(question)  # "54/3 fine?" asks about a dose, unsaid
    if "dose" in u.intents or u.question_type == "dose" or (asked_courses and u.lesions):
        add_dose(question, u, kb, draft)
    sized = [m for m in u.lesions if m.site and m.size_mm]
    if asked_courses and sized:
        # "3.5 cm brain met: single 24 Gy?": the schedule sourced for that size answers first,
        # the arithmetic of the asked course follows
        for sentence in reversed(
            [x for x in draft.sections.get("dose", []) if x.source.endswith("#plan")]
        ):
            draft.add_first("dose", sentence)
    if u.question_type == "dose" and not limits_asked:
        for sentence in limits:
            draft.add("dose", sentence)

    # 6. Algorithm steps and the other sections, statement by statement.
    for statement_id in selected:
        if statement_id in bottom or draft.has_statement(statement_id):
            continue
        draft.add_statement(sections_of.get(statement_id, "treatment"), kb.statements[statement_id])

    # 7. Evidence with numbers, and caveats as pitfalls.
    add_evidence(u, kb, draft)
    caveated = [*bottom, *(s for s in selected if sections_of.get(s) == "safety")]
    for statement_id in caveated:
        caveat = kb.statements[statement_id].caveat
        if caveat:
            draft.add(
                "safety" if sections_of.get(statement_id) == "safety" else "pitfalls",
                Sentence(
                    text=caveat,
                    citations=kb.statements[statement_id].evidence,
                    source=f"caveat:{statement_id}",
                ),
            )

    for sentence in reversed(randomised):  # answers the question, so before any statement
        if sentence.citations:
            draft.add_first("evidence", sentence)
        else:
            draft.gaps.insert(0, sentence.text)
    add_gaps(u, draft, state, kb)
    if u.question_type == "dose" and draft.sections.get("dose"):
        focus_dose(u, kb, draft)
    if u.sites_negated:
        draft.gaps.insert(
            0,
            "Denied in the question, so not planned: "
            + ", ".join(x.replace("_", " ") for x in u.sites_negated)
            + " (no treatment is proposed for a lesion the text rules out).",
        )
    if u.sites_uncertain:
        draft.gaps.insert(
            0,
            "Only suspected in the question, so not planned until confirmed (biopsy or "
            "dedicated imaging): "
            + ", ".join(x.replace("_", " ") for x in u.sites_uncertain)
            + ".",
        )
    if u.question_type == "case" and u.not_stated:
        stated = ", ".join(u.not_stated)
        draft.gaps.append(f"Not stated in the question (not assumed): {stated}.")
    order = list(titles)
    first = _TYPE_SECTION.get(u.question_type)
    if first == "patient" and assessment is None and asked_courses:
        first = "dose"  # a described lesion and a schedule, but no case the engine could run
    if not draft.sections.get(first or "") and "definition" in u.intents:
        first = "definition"  # "...now 2 residual lesions: what's the ESTRO/EORTC term?"
    if first in order and draft.sections.get(first):
        order.remove(first)
        order.insert(0, first)
    sections = tuple(
        Section(title=titles[key], key=key, sentences=tuple(draft.sections[key]))
        for key in order
        if draft.sections.get(key)
    )
    references = _references(sections, kb)
    return Answer(
        question=question,
        question_type=u.question_type,
        lead=answer_lead(question, u, sections, assessment, corrections, draft.gaps),
        understood=u,
        answer=AnswerBody(sections=sections),
        references=references,
        kb_version=kb.version,
        confidence=_confidence(u, kb, bottom, draft, assessment),
        not_covered=False,
        gaps=tuple(draft.gaps),
        corrections=tuple(corrections),
        statements_used=tuple(dict.fromkeys(draft.used)),
        disease_state=state if assessment is None else str(assessment.disease_state),
        retriever=str(retriever),
    )


def _most_on_point(question: str, ids: list[str], kb: KnowledgeBase) -> list[str]:
    """The statements ordered by how many of the question's words (and synonym keys) their
    text shares, retrieval order breaking ties: "symptomatic ... defer SRS?" leads with the
    statement about symptomatic brain metastases, not the first one about brain metastases."""
    asked = content_words(question, shortest=4)

    def shared(statement_id: str) -> int:
        statement = kb.statements[statement_id]
        return len(asked & content_words(statement.text, shortest=4))

    return sorted(ids, key=lambda s: -shared(s))


def _query(question: str, u: Understood) -> str:
    extra = [*u.cancers, *u.scenarios, *u.sites, *u.therapy_classes]
    return " ".join([question, *extra]).replace("_", " ")


def _out_of_scope(u: Understood) -> bool:
    return u.question_type == "out_of_scope"


def _not_covered(
    question: str, u: Understood, kb: KnowledgeBase, ranked: list[str], retriever: RetrieverKind
) -> Answer:
    closest = tuple(dict.fromkeys(kb.statements[s].topic for s in ranked[:3]))
    topics = ", ".join(t.replace("_", " ") for t in u.uncovered_topics) or "this question"
    reason = f"it is about {topics}" if u.uncovered_topics else "it is not about metastatic cancer"
    lead = f"Out of scope: oligoguide does not answer this because {reason}; it covers {COVERED}."
    return Answer(
        question=question,
        question_type="out_of_scope",
        lead=lead,
        understood=u,
        answer=AnswerBody(),
        references=(),
        kb_version=kb.version,
        confidence="none",
        not_covered=True,
        closest_topics=closest if u.in_domain else (),
        gaps=(
            lead,
            f"The knowledge base {kb.version} holds no statement on {topics}; "
            "no answer is given rather than an unsupported one.",
        ),
        retriever=str(retriever),
    )


def _references(sections: tuple[Section, ...], kb: KnowledgeBase) -> tuple[AnswerReference, ...]:
    cited = [
        c for section in sections for sentence in section.sentences for c in sentence.citations
    ]
    return number_references(kb, cited)


def _confidence(
    u: Understood, kb: KnowledgeBase, bottom: list[str], draft: Draft, assessment: Any | None
) -> Confidence:
    if not bottom and not draft.sections:
        return "low"
    grades = [kb.statements[s].grade for s in bottom]
    specific = any(set(kb.statements[s].cancers) & set(u.cancers) for s in bottom)
    if u.other_cancers or not grades:
        return "low"
    if any(g in ("A", "B") for g in grades) and (specific or not u.cancers):
        return "high"
    return "moderate" if specific or "correction" in draft.sections else "low"


# --- a partial case from the question --------------------------------------------------------
