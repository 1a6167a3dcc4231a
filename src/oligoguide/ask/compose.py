"""Compose a cited answer from knowledge-base statements and evidence only.

Every sentence is a statement's own text, a statement's caveat, a finding of an evidence item, a
recommendation of the plan engine (for a described patient) or a sourced dose schedule, and it
carries the evidence ids that support it. Nothing else is written: what the base lacks is listed
in `gaps`, and an out-of-scope question is answered `not_covered` with the closest topics.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from oligoguide.ask.lexicon import layout, lexicon
from oligoguide.ask.models import (
    Answer,
    AnswerBody,
    AnswerReference,
    Confidence,
    Correction,
    Section,
    Sentence,
    Understood,
)
from oligoguide.ask.premises import bed_premises, trial_premises
from oligoguide.ask.retrieve import RetrieverKind, get_retriever, rank_statements
from oligoguide.knowledge import KnowledgeBase, Statement
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
TRIAL_TYPES = ("evidence", "false_premise", "guideline", "definition")
STATES = ("oligoprogression", "polyprogression", "oligopersistence", "oligometastatic")
FOCUS_INTENTS = ("dose", "followup", "definition", "prognosis", "safety", "workup", "response")
_INTENT_SECTIONS = {
    "dose": {"treatment"},
    "followup": {"followup"},
    "prognosis": {"prognosis"},
    "safety": {"safety", "pitfalls"},
    "workup": {"workup", "review"},
    "response": {"workup", "followup"},
    "definition": {"workup"},
}
_DIGIT = re.compile(r"\d")
_RESULT = re.compile(r"survival|\bPFS\b|difference|benefit", re.IGNORECASE)
_KIND_ORDER = {
    "randomised_trial": 0,
    "meta_analysis": 1,
    "prospective": 2,
    "retrospective": 3,
    "registry": 4,
    "guideline": 5,
    "consensus": 6,
    "review": 7,
}


@dataclass
class _Draft:
    sections: dict[str, list[Sentence]] = field(default_factory=dict)
    used: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    def add(self, key: str, sentence: Sentence) -> None:
        bucket = self.sections.setdefault(key, [])
        if all(s.text != sentence.text for s in bucket):
            bucket.append(sentence)

    def add_statement(self, key: str, statement: Statement) -> None:
        self.add(key, _from_statement(statement))
        if statement.id not in self.used:
            self.used.append(statement.id)

    def has_statement(self, statement_id: str) -> bool:
        return any(
            s.source in (f"statement:{statement_id}", f"plan:{statement_id}")
            for bucket in self.sections.values()
            for s in bucket
        )


def _from_statement(statement: Statement) -> Sentence:
    return Sentence(
        text=statement.text, citations=statement.evidence, source=f"statement:{statement.id}"
    )


# --- applicability -------------------------------------------------------------------------


def _cancer_fits(statement: Statement, u: Understood) -> bool:
    if "any" in statement.cancers:
        return True
    return bool(set(statement.cancers) & set(u.cancers))


def _scenario_fits(statement: Statement, u: Understood, state: str | None) -> bool:
    wanted = {state} if state else {s for s in u.scenarios if s in STATES}
    if not wanted or not statement.scenarios:
        return True
    return bool(wanted & set(statement.scenarios))


def _conflicts(statement_id: str, u: Understood) -> bool:
    """Named exclusions: a statement that contradicts what the question says about drivers,
    therapy or symptoms is not shown."""
    no_driver = "any" in u.drivers_negated or {"EGFR", "ALK"} <= set(u.drivers_negated)
    targeted = "targeted" in u.therapy_classes or bool(u.drivers)
    immuno = "immunotherapy" in u.therapy_classes
    if statement_id == "nsclc_tki_continue_local_therapy":
        return no_driver or (immuno and not targeted)
    if statement_id == "brain_asymptomatic_cns_active_tki":
        return no_driver or u.symptomatic is True or (immuno and not targeted)
    if statement_id == "nsclc_io_oligoprogression":
        return targeted and not immuno
    if statement_id == "nsclc_rebiopsy_resistance":
        return no_driver or (immuno and not targeted)
    if statement_id == "nsclc_molecular_testing":
        return bool(u.drivers) or bool(u.drivers_negated)
    if statement_id == "followup_irecist_confirmation":
        return not immuno and "response" not in u.intents
    if "irecist" in statement_id or "_io_" in statement_id or "pseudoprogression" in statement_id:
        # checkpoint-inhibitor response rules only where immunotherapy or iRECIST is asked about
        return not immuno and "response" not in u.intents
    if statement_id == "her2_breast_brain_no_switch":
        return "HER2" not in u.drivers
    return False


def _denied_site(statement: Statement, u: Understood) -> bool:
    """A statement only about sites the question denies or only suspects is not shown."""
    ruled = set(u.sites_negated) | set(u.sites_uncertain)
    if not ruled or not statement.sites or "any" in statement.sites:
        return False
    return set(statement.sites) <= ruled and not set(statement.sites) & set(u.sites)


def _applicable(statement: Statement, u: Understood, state: str | None) -> bool:
    return (
        not _denied_site(statement, u)
        and _cancer_fits(statement, u)
        and _scenario_fits(statement, u, state)
        and not _conflicts(statement.id, u)
    )


def _site_fits(statement: Statement, u: Understood, rank: int) -> bool:
    """A site-specific statement needs the site in the question, or a top-3 retrieval rank."""
    if not statement.sites or "any" in statement.sites:
        return True
    if set(statement.sites) & set(u.sites):
        return True
    return not u.sites and rank < 3


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
    draft = _Draft()
    titles = layout().section_titles

    # 1. False premises are corrected first, from the statement (or the finding, or the trial
    # population) that says otherwise.
    from oligoguide.ask.route import finding_sentence, named_trials, trial_sentences

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
    for sentence, correction in trial_premises(question, u, named_ids, kb):
        draft.add("correction", sentence)
        corrections.append(correction)
    if corrections and u.question_type != "false_premise":
        u = u.model_copy(update={"question_type": "false_premise"})

    # 1b. A named trial: its findings, all of them, before anything else.
    trials = named_ids if u.question_type in TRIAL_TYPES else []
    unknown_trial = None
    if u.question_type == "evidence" and not trials:
        named = re.search(r"\b(?:[A-Z]{2,}[- ]?[A-Z]*\d+[A-Z0-9-]*|[A-Z]{4,})\b", question)
        if named is not None and not re.fullmatch(
            r"NSCLC|SBRT|SABR|WBRT|RECIST|ESTRO|EORTC|ASTRO|ASCO|ESMO|NCCN|EGFR|HER2|PSMA|"
            r"CRPC|MCRPC|MCRC|BRAF|KRAS|TKIS?|IRECIST|ECOG|EQD2|BED10|PCWG3|OMD",
            named.group(0),
        ):
            unknown_trial = named.group(0)
            draft.gaps.insert(
                0,
                f"No record of {unknown_trial} is held in the knowledge base {kb.version}; "
                "its results are not given rather than guessed.",
            )
    for sentence in trial_sentences(trials, kb):
        draft.add("evidence", sentence)
    if u.question_type == "false_premise" and trials and not corrections:
        negative = [
            s
            for s in draft.sections.get("evidence", [])
            if re.search(r"\bno\b|\bnot\b|phase II\b|no benefit", s.text)
        ]
        if negative:
            draft.sections.setdefault("correction", []).append(negative[0])
            corrections.append(
                Correction(premise="the trial named showed a benefit", statement_id=trials[0])
            )

    selected = _select(u, kb, ranked, state)
    sections_of = layout().statement_sections

    # 2. Bottom line: the most specific strategy statement(s).
    strategy = [s for s in selected if sections_of.get(s) == "strategy"]
    strategy.sort(key=lambda s: ("any" in kb.statements[s].cancers, selected.index(s)))
    focus = _focus(u)
    if focus and not strategy:
        lead = [s for s in selected if sections_of.get(s, "treatment") in _focus_sections(u)]
        bottom = lead[:1] or selected[:1]
    else:
        bottom = strategy[:2]
    topic = _topic_statement(question, u, kb, ranked, state)
    if topic is not None and u.question_type in ("guideline", "follow_up", "case"):
        bottom = [topic, *(b for b in bottom if b != topic)][:2]
        if topic not in selected:
            selected.insert(0, topic)
    for statement_id in bottom:
        draft.add_statement("bottom_line", kb.statements[statement_id])

    # 3. Definitions from the consensus findings.
    _definitions(question, u, kb, draft, state)

    # 4. The described patient: the plan engine's recommendations, so answer and plan agree.
    if assessment is not None:
        _patient(assessment, kb, draft, case_note)

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
    if "dose" in u.intents or u.question_type == "dose":
        _dose(question, u, kb, draft)
    if u.question_type == "dose" and not limits_asked:
        for sentence in limits:
            draft.add("dose", sentence)

    # 6. Algorithm steps and the other sections, statement by statement.
    for statement_id in selected:
        if statement_id in bottom or draft.has_statement(statement_id):
            continue
        draft.add_statement(sections_of.get(statement_id, "treatment"), kb.statements[statement_id])

    # 7. Evidence with numbers, and caveats as pitfalls.
    _evidence(u, kb, draft)
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

    _gaps(u, draft, state)
    if u.question_type == "dose" and draft.sections.get("dose"):
        _focus_dose(u, kb, draft)
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
        lead=_lead(question, u, sections, assessment, corrections, draft.gaps),
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


def _focus_dose(u: Understood, kb: KnowledgeBase, draft: _Draft) -> None:
    """A computed dose answer shows the arithmetic, the tables and the statements about the
    site asked; general management paragraphs are not repeated under it."""
    for key in list(draft.sections):
        if key in ("dose", "correction"):
            continue
        kept = []
        for sentence in draft.sections[key]:
            kind, _, ref = sentence.source.partition(":")
            statement = kb.statements.get(ref.split("#")[0]) if kind != "evidence" else None
            if statement is not None and set(statement.sites) & set(u.sites):
                kept.append(sentence)
        draft.sections[key] = kept


_SAFETY_ASK = re.compile(
    r"\b(?:ok|okay|safe\w*|risk\w*|while on|concurrent\w*|together with|hold|pause|stop|"
    r"interrupt\w*|toxicit\w*|danger\w*)\b",
    re.IGNORECASE,
)


def _asked_concern(question: str, u: Understood, recommendations: list[str]) -> str | None:
    """When the question asks whether something is safe ("SBRT ok while on Avastin?"), the plan's
    recommendation about that drug or organ answers it first."""
    if not _SAFETY_ASK.search(question):
        return None
    organs = {o.replace("_", " ") for m in u.lesions for o in m.adjacent_organs}
    words = [*u.therapies, *u.therapy_classes, *organs]
    drug_words = {"bevacizumab": ("anti-vegf", "bevacizumab"), "anti_vegf": ("anti-vegf",)}
    keys = {w.lower() for w in words} | {k for w in words for k in drug_words.get(w.lower(), ())}
    for text in recommendations:
        lower = text.lower()
        if any(k and k in lower for k in keys) and not lower.startswith("continue"):
            return text
    return None


def _lead(
    question: str,
    u: Understood,
    sections: tuple[Section, ...],
    assessment: Any | None,
    corrections: list[Correction],
    gaps: list[str] | None = None,
) -> str:
    """The first sentence: the answer to the question asked."""
    first = next((sec.sentences[0].text for sec in sections if sec.sentences), "")
    unknown = [g for g in gaps or () if g.startswith("No record of ")]
    if u.question_type == "evidence" and unknown:
        return unknown[0]
    if u.question_type == "false_premise" and corrections:
        return f"No: {first}"
    if (
        u.question_type == "case"
        and assessment is not None
        and (not u.diffuse_sites or str(assessment.disease_state) == "polyprogression")
    ):
        state = str(assessment.disease_state).replace("_", " ")
        recs = [r.text for r in assessment.recommendations]
        head = f"The engine classifies the described patient as {state}"
        concern = _asked_concern(question, u, recs)
        if concern is not None:
            return f"{head}. {concern}"
        return f"{head}: {recs[0]}" if recs else f"{head}."
    if u.question_type == "case" and assessment is None and u.sites_uncertain and not u.lesions:
        sites = ", ".join(x.replace("_", " ") for x in u.sites_uncertain)
        return (
            f"Not yet: the {sites} lesion is only suspected; confirm it first (dedicated imaging "
            "such as MRI, or biopsy) before any local treatment. " + first
        ).strip()
    if (
        u.question_type == "case"
        and u.diffuse_sites
        and (assessment is None or str(assessment.disease_state) != "polyprogression")
    ):
        return (
            "Multiple or uncounted lesions ("
            + ", ".join(x.replace("_", " ") for x in u.diffuse_sites)
            + ") mean polyprogression, not oligoprogression: change the systemic therapy; "
            "ablative local treatment of every lesion is not recommended. " + first
        ).strip()
    return first


def _query(question: str, u: Understood) -> str:
    extra = [*u.cancers, *u.scenarios, *u.sites, *u.therapy_classes]
    return " ".join([question, *extra]).replace("_", " ")


#: Synonym groups that name what a question is about more narrowly than its cancer or state.
TOPIC_KEYS = ("mscc", "antivegf", "posttreatment", "rebiopsy", "wbrt", "pain")


def _topic_statement(
    question: str, u: Understood, kb: KnowledgeBase, ranked: list[str], state: str | None
) -> str | None:
    """The best-ranked applicable statement on the narrow topic the question names ("MSCC",
    "hold the bevacizumab", "just fibrosis?"), to answer that before the general strategy."""
    groups = lexicon().synonyms
    keys = [k for k in TOPIC_KEYS if any(p.search(question) for p in groups.get(k, ()))]
    if "safety" not in u.intents:
        keys = [k for k in keys if k != "antivegf"]  # a drug named in passing is not the topic
    for key in keys:
        for statement_id in ranked:
            statement = kb.statements[statement_id]
            text = f"{statement.topic} {statement.text}"
            if any(p.search(text) for p in groups[key]) and _applicable(statement, u, state):
                return statement_id
    return None


def _focus(u: Understood) -> bool:
    """A focused question (dose, follow-up, definition...) rather than "how to manage"."""
    return (
        any(i in u.intents for i in FOCUS_INTENTS)
        and "management" not in u.intents
        and not u.patient_specific
    )


def _focus_sections(u: Understood) -> set[str]:
    keys: set[str] = set()
    for intent in u.intents:
        keys |= _INTENT_SECTIONS.get(intent, set())
    return keys or {"treatment"}


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


def _select(u: Understood, kb: KnowledgeBase, ranked: list[str], state: str | None) -> list[str]:
    lay = layout()
    chosen: list[str] = []

    def take(ids: Iterable[str]) -> None:
        for statement_id in ids:
            statement = kb.statements.get(statement_id)
            if statement is None or statement_id in chosen:
                continue
            if _applicable(statement, u, state):
                chosen.append(statement_id)

    scenarios = [state] if state else [s for s in u.scenarios if s in lay.management_core]
    if "brain_metastases" in u.scenarios and "brain_metastases" not in scenarios:
        scenarios.append("brain_metastases")
    if not _focus(u):
        for scenario in scenarios:
            take(lay.management_core.get(scenario, ()))
        if any(s in STATES for s in scenarios):
            for cancer in u.cancers:
                take(lay.cancer_core.get(cancer, ()))
        for site in u.sites:
            take(lay.site_core.get(site, ()))
    else:
        sections = _focus_sections(u)
        for site in u.sites:
            take(
                s
                for s in lay.site_core.get(site, ())
                if lay.statement_sections.get(s, "treatment") in sections
            )

    limit = 4 if _focus(u) else 5
    added = 0
    for rank, statement_id in enumerate(ranked):
        if added >= limit:
            break
        statement = kb.statements[statement_id]
        if statement_id in chosen:
            added += 1
            continue
        if not _applicable(statement, u, state) or not _site_fits(statement, u, rank):
            continue
        if _focus(u):
            section = lay.statement_sections.get(statement_id, "treatment")
            if section not in _focus_sections(u) and section != "strategy":
                continue
            if section == "strategy" and not set(statement.cancers) & set(u.cancers):
                continue
        chosen.append(statement_id)
        added += 1
    return chosen


def _definitions(
    question: str, u: Understood, kb: KnowledgeBase, draft: _Draft, state: str | None
) -> None:
    lay = layout()
    terms: list[str] = []
    if "definition" in u.intents or not _focus(u):
        terms += [s for s in ([state] if state else u.scenarios) if s in lay.definitions]
    if "definition" in u.intents or "response" in u.intents:
        terms += [
            t for t, ps in lay.definition_terms.items() if any(p.search(question) for p in ps)
        ]
    for term in dict.fromkeys(terms):
        for evidence_id, index in lay.definitions.get(term, ()):
            evidence = kb.evidence.get(evidence_id)
            if evidence is None or index >= len(evidence.findings):
                continue
            draft.add(
                "definition",
                Sentence(
                    text=evidence.findings[index],
                    citations=(evidence_id,),
                    source=f"evidence:{evidence_id}#{index}",
                ),
            )


def _patient(assessment: Any, kb: KnowledgeBase, draft: _Draft, note: str | None) -> None:
    for rec in assessment.recommendations:
        statement = kb.statements.get(rec.statement_id)
        if statement is None:
            continue
        citations = tuple(c for c in rec.citations if c in statement.evidence) or statement.evidence
        draft.add(
            "patient",
            Sentence(text=rec.text, citations=citations, source=f"plan:{rec.statement_id}"),
        )
        if rec.statement_id not in draft.used:
            draft.used.append(rec.statement_id)
    follow = assessment.follow_up
    if follow is not None and follow.statement_id and follow.citations:
        draft.add(
            "followup",
            Sentence(
                text=follow.text,
                citations=tuple(follow.citations),
                source=f"plan:{follow.statement_id}",
            ),
        )
        draft.used.append(follow.statement_id)
    if note:
        draft.gaps.append(note)
    for missing in assessment.missing_data:
        draft.gaps.append(f"Missing for the plan: {missing.item}: {missing.reason}")


_ULTRACENTRAL = re.compile(
    r"ultra-?\s?central|abutt\w*|touching|invad\w*|overlap\w* (?:the )?(?:proximal bronchial tree|"
    r"pbt|trachea|main ?stem|o?esophag\w*)",
    re.IGNORECASE,
)
_CENTRAL = re.compile(
    r"\bcentral\b|within 2 ?cm of the (?:proximal bronchial tree|pbt|mediastin\w*|trachea)|"
    r"proximal bronchial tree|\bpbt\b|mediastin\w*|(?:1|1\.5|2) ?cm from the",
    re.IGNORECASE,
)


def _dose(question: str, u: Understood, kb: KnowledgeBase, draft: _Draft) -> None:
    from oligoguide.dose import DoseInputError, suggest_schedule

    lesions = [(m.site, m.size_mm) for m in u.lesions if m.site]
    if not lesions:
        lesions = [(site, None) for site in u.sites]
    ultracentral = bool(_ULTRACENTRAL.search(question))
    central = ultracentral or bool(_CENTRAL.search(question))
    for site, size in lesions:
        try:
            suggestion = suggest_schedule(
                site,
                size,
                lesion_count=u.lesion_count,
                central=central and site == "lung",
                ultracentral=ultracentral and site == "lung",
            )
        except DoseInputError:
            continue
        if not suggestion.found or suggestion.source not in kb.evidence:
            draft.gaps.append(f"No sourced dose schedule for {site} in the knowledge base.")
            continue
        assert suggestion.source is not None
        for caution in suggestion.cautions:
            draft.gaps.append(caution)
        where = f"a {size:g} mm {site} lesion" if size else f"a {site} lesion"
        text = (
            f"For {where}, the sourced schedule is {suggestion.total_gy:g} Gy in "
            f"{suggestion.fractions} fraction(s) (BED10 {suggestion.bed10:g} Gy, EQD2 "
            f"{suggestion.eqd2_10:g} Gy): {suggestion.note}"
        )
        draft.add(
            "dose",
            Sentence(text=text, citations=(suggestion.source,), source=f"dose:{suggestion.source}"),
        )
        if not suggestion.verified:
            draft.gaps.append(
                f"The {site} schedule of {suggestion.source} is not yet checked against its source."
            )


def _evidence(u: Understood, kb: KnowledgeBase, draft: _Draft) -> None:
    seen: set[str] = set()
    candidates: list[tuple[int, int, str, int]] = []
    for position, statement_id in enumerate(draft.used):
        for evidence_id in kb.statements[statement_id].evidence:
            if evidence_id in seen:
                continue
            seen.add(evidence_id)
            evidence = kb.evidence[evidence_id]
            if (
                u.cancers
                and "any" not in evidence.cancers
                and not set(evidence.cancers) & set(u.cancers)
            ):
                continue
            if _KIND_ORDER.get(evidence.kind, 9) > 3:
                continue
            scored = [
                (_finding_score(finding, u), index)
                for index, finding in enumerate(evidence.findings)
                if _DIGIT.search(finding) or _RESULT.search(finding)
            ]
            if scored:
                best = max(scored, key=lambda item: (item[0], -item[1]))[1]
                candidates.append((_KIND_ORDER[evidence.kind], position, evidence_id, best))
    candidates.sort(key=lambda c: (c[1], c[0]))
    for _, _, evidence_id, index in candidates[:6]:
        draft.add(
            "evidence",
            Sentence(
                text=f"{_short_name(kb, evidence_id)}: {kb.evidence[evidence_id].findings[index]}",
                citations=(evidence_id,),
                source=f"evidence:{evidence_id}#{index}",
            ),
        )


def _finding_score(finding: str, u: Understood) -> int:
    """Prefer the finding about the question's primary and about local therapy."""
    score = 0
    names = {"nsclc": "nsclc", "breast": "breast", "colorectal": "colorectal"}
    if any(names.get(c, c) in finding.lower() for c in u.cancers):
        score += 2
    if re.search(r"local therapy|sbrt|sabr|radiotherapy", finding, re.I):
        score += 1
    if re.search(r"PFS2|median PFS|\bHR\b|overall survival", finding, re.I):
        score += 1
    return score


def _short_name(kb: KnowledgeBase, evidence_id: str) -> str:
    evidence = kb.evidence[evidence_id]
    first = evidence.citation.authors.split(",")[0].split(" ")[0]
    acronym = re.search(r"\(([A-Z][A-Z0-9-]{2,})\)|\[([A-Z]{3,})\]", evidence.citation.title)
    name = f"{first} {evidence.citation.year}"
    if acronym:
        name += f" ({acronym.group(1) or acronym.group(2)})"
    return name


def _gaps(u: Understood, draft: _Draft, state: str | None) -> None:
    if u.other_cancers:
        draft.gaps.append(
            "No statement specific to "
            + ", ".join(c.replace("_", " ") for c in u.other_cancers)
            + " cancer is held; only statements that apply to any primary are shown."
        )
    managing = not _focus(u) and any(s in STATES for s in ([state] if state else u.scenarios))
    if (managing or "followup" in u.intents) and "followup" not in draft.sections:
        cancers = ", ".join(u.cancers) or "this setting"
        draft.gaps.append(
            f"No sourced imaging interval after local therapy is held for {cancers}; set it "
            "with the treating team."
        )


def _references(sections: tuple[Section, ...], kb: KnowledgeBase) -> tuple[AnswerReference, ...]:
    cited = [
        c for section in sections for sentence in section.sentences for c in sentence.citations
    ]
    return number_references(kb, cited)


def _confidence(
    u: Understood, kb: KnowledgeBase, bottom: list[str], draft: _Draft, assessment: Any | None
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


def build_case(u: Understood) -> tuple[dict[str, Any], str] | None:
    """A partial case for assess(): the primary, drivers, current therapy and the lesions named.

    Dates are placeholders (a baseline scan when the therapy started and a scan 12 weeks later);
    only what the question says is filled in. Returns None when the question does not name a
    supported primary, a current therapy and at least one lesion.
    """
    from oligoguide.model.vocab import BiomarkerName, PrimarySite, Site, TherapyClass

    primary = next((c for c in u.cancers if c in {p.value for p in PrimarySite}), None)
    if primary is None or not (u.lesions or u.diffuse_sites):
        return None
    if not (u.therapies or u.therapy_classes):
        return None
    start = dt.date(2025, 1, 6)
    now = start + dt.timedelta(weeks=12)
    classes = [c for c in u.therapy_classes if c in {t.value for t in TherapyClass}]
    lesions: list[dict[str, Any]] = []
    for index, lesion in enumerate(u.lesions, start=1):
        site = lesion.site or "other"
        size = lesion.size_mm
        if size is None:
            continue
        if lesion.new:
            # "new" means absent on the earlier scan
            measurements = [
                {"date": start.isoformat(), "status": "absent"},
                {"date": now.isoformat(), "diameter_mm": size},
            ]
        else:
            # a growing lesion: the question gives only today's size, so the earlier scan
            # records the lesion as present and today's as unequivocal progression
            measurements = [
                {"date": start.isoformat(), "status": "present"},
                {"date": now.isoformat(), "diameter_mm": size, "status": "unequivocal_progression"},
            ]
        entry: dict[str, Any] = {"id": f"L{index}", "site": site, "measurements": measurements}
        if lesion.site == "lymph_node":
            entry["is_lymph_node"] = True
        if lesion.adjacent_organs:
            entry["adjacent_organs"] = list(lesion.adjacent_organs)
        if u.symptomatic is not None and site == "brain":
            entry["symptomatic"] = u.symptomatic
        lesions.append(entry)
    groups: list[dict[str, Any]] = []
    sites = {s.value for s in Site}
    for index, site in enumerate(u.diffuse_sites, start=1):
        count: int | str = (
            u.lesion_count if u.lesion_count is not None and u.lesion_count > 5 else "multiple"
        )
        groups.append(
            {
                "id": f"G{index}",
                "site": site if site in sites else "other",
                "description": "multiple lesions described in the question",
                "observations": [
                    {"date": start.isoformat(), "count": 0, "status": "absent"},
                    {"date": now.isoformat(), "count": count, "status": "new"},
                ],
            }
        )
    if not lesions and not groups:
        return None
    biomarkers = [
        {"name": d, "status": "positive"}
        for d in u.drivers
        if d in {b.value for b in BiomarkerName}
    ]
    biomarkers += [
        {"name": d, "status": "negative"}
        for d in u.drivers_negated
        if d in {b.value for b in BiomarkerName}
    ]
    patient: dict[str, Any] = {"id": "question"}
    if u.ecog is not None:
        patient["ecog"] = u.ecog
    data: dict[str, Any] = {
        "case_id": "question",
        "patient": patient,
        "cancer": {"primary_site": primary, "biomarkers": biomarkers},
        "systemic_therapies": [
            {
                "agents": list(u.therapies) or classes[:1],
                "classes": classes or ["chemotherapy"],
                "start": start.isoformat(),
            }
        ],
        "lesions": lesions,
    }
    if groups:
        data["lesion_groups"] = groups
    if "brain" in u.sites_negated:
        # a described negative brain MRI is imaging done, not a gap in the work-up
        data["imaging"] = [
            {
                "date": now.isoformat(),
                "modality": "MRI",
                "regions": ["brain"],
                "findings": "no brain metastases (as stated in the question)",
            }
        ]
    note = (
        "The plan for the described patient comes from a partial case built from the question "
        "(placeholder scan dates 12 weeks apart; only the named lesions); complete the case "
        "for a full assessment."
    )
    return data, note
