"""The opening of an answer: false premises corrected first (from the statement, the finding
or the trial population that says otherwise), then the named trial's findings, or the trial said
to be unknown, or the randomised trials held when the question asks whether there are any."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from oligoguide.ask.draft import Draft
from oligoguide.ask.lexicon import lexicon
from oligoguide.ask.models import Correction, Sentence, Understood
from oligoguide.ask.premises import (
    bed_premises,
    benefit_premises,
    phase_premises,
    trial_premises,
)
from oligoguide.ask.randomised import randomised_sentences
from oligoguide.ask.trials import (
    GENERIC_ACRONYM,
    asked_words,
    finding_sentence,
    named_trials,
    overlap,
    trial_sentences,
)
from oligoguide.knowledge import KnowledgeBase

#: A question that asks for arithmetic or organ limits stays a dose question with a trial named.
_COMPUTE = re.compile(
    r"\b(?:bed\d*|eqd2\w*|calculat\w*|convert\w*|sum|cumulative|constraints?|limits?|dmax|"
    r"tolerance|alpha/beta|a/b)\b",
    re.IGNORECASE,
)
_STUDY_KINDS = ("randomised_trial", "prospective", "retrospective", "meta_analysis")
TRIAL_TYPES = ("evidence", "false_premise", "guideline", "definition")


@dataclass
class Opening:
    understood: Understood
    corrections: list[Correction] = field(default_factory=list)
    trials: list[str] = field(default_factory=list)
    randomised: list[Sentence] = field(default_factory=list)


def open_answer(question: str, u: Understood, kb: KnowledgeBase, draft: Draft) -> Opening:
    """Fill the correction and evidence sections that open the answer; the question type may
    change (a corrected premise makes it a false-premise question; a named trial's doses make
    it an evidence question)."""
    corrections: list[Correction] = []
    for sentence, correction in bed_premises(question):  # computed, so said first
        draft.add("correction", sentence)
        corrections.append(correction)
    for premise in lexicon().premises:
        if premise.id not in u.premises:
            continue
        if premise.statement is not None and premise.statement in kb.statements:
            draft.add_statement("correction", kb.statements[premise.statement])
            corrections.append(Correction(premise=premise.premise, statement_id=premise.statement))
        elif premise.evidence is not None and premise.finding is not None:
            draft.add("correction", finding_sentence(kb, premise.evidence, premise.finding))
            corrections.append(Correction(premise=premise.premise, evidence_id=premise.evidence))
    named_ids = named_trials(question, kb)
    studies = [
        i for i in named_ids if str(kb.evidence[i].kind).lower().endswith(_STUDY_KINDS)
    ]  # a trial or cohort, not a guideline or a consensus named by its society
    if studies and u.question_type in ("dose", "guideline") and not _COMPUTE.search(question):
        # "SABR for 4-10 mets - trial? doses?": the doses of a named trial, not a computation
        u = u.model_copy(update={"question_type": "evidence"})
    for sentence, correction in [
        *trial_premises(question, u, named_ids, kb),
        *benefit_premises(question, u, named_ids, kb),
        *phase_premises(question, named_ids, kb),
    ]:
        draft.add("correction", sentence)
        corrections.append(correction)
    if corrections and u.question_type != "false_premise":
        u = u.model_copy(update={"question_type": "false_premise"})
    elif not corrections and u.question_type == "false_premise" and named_ids and not u.premises:
        # "SINDAS showed improved PFS, right?": nothing to correct, so the trial's result answers
        u = u.model_copy(update={"question_type": "evidence"})

    # 1b. A named trial: its findings, all of them, before anything else.
    trials = named_ids if u.question_type in TRIAL_TYPES else []
    unknown_trial = None
    if u.question_type in ("evidence", "guideline") and not trials:
        candidates = re.findall(
            r"\b(?:[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+|[A-Z]{2,}[- ]?[A-Z]*\d+[A-Z0-9-]*|[A-Z]{4,})\b",
            question,
        )
        candidates += [  # "nrg br002", "jlgk0901" typed in lower case
            c.upper() for c in re.findall(r"\b(?:nrg[- ])?[a-z]{1,6}[- ]?\d{3,5}\b", question)
        ]
        if u.question_type == "guideline":  # only a name with digits is surely a study's
            candidates = [c for c in candidates if re.search(r"\d{3,}", c)]
        named = next((c for c in candidates if not GENERIC_ACRONYM.fullmatch(c)), None)
        if named is not None:
            unknown_trial = named
            draft.gaps.insert(
                0,
                f"No record of {unknown_trial} is held in the knowledge base {kb.version}; "
                "its results are not given rather than guessed.",
            )
    for sentence in trial_sentences(trials, kb, question):
        draft.add("evidence", sentence)
    randomised = (
        randomised_sentences(question, u, kb)  # "is there randomised evidence for X?"
        if u.question_type == "evidence" and not trials and unknown_trial is None
        else []
    )
    if u.question_type == "false_premise" and trials and not corrections:
        # a negative finding about what the question claims (not any finding with "no" in it:
        # "no new adverse events" does not answer "it showed improved survival, right?")
        asked = asked_words(question)
        negative = [
            s
            for s in draft.sections.get("evidence", [])
            if re.search(r"\bno (?:significant )?(?:difference|benefit)|\bdid not\b", s.text, re.I)
            and overlap(asked, asked_words(s.text)) >= 3
        ]
        if negative:
            draft.sections.setdefault("correction", []).append(negative[0])
            corrections.append(
                Correction(premise="the trial named showed a benefit", statement_id=trials[0])
            )

    return Opening(understood=u, corrections=corrections, trials=trials, randomised=randomised)
