"""The sections filled beside the bottom line: definitions, the described patient, dose,
evidence with numbers and what is missing."""

from __future__ import annotations

import re
from typing import Any

from oligoguide.ask.draft import Draft
from oligoguide.ask.lexicon import layout
from oligoguide.ask.models import (
    Sentence,
    Understood,
)
from oligoguide.ask.select import STATES, is_focused
from oligoguide.knowledge import KnowledgeBase

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


def add_definitions(
    question: str, u: Understood, kb: KnowledgeBase, draft: Draft, state: str | None
) -> None:
    lay = layout()
    terms: list[str] = []
    if "definition" in u.intents or not is_focused(u):
        terms += [s for s in ([state] if state else u.scenarios) if s in lay.definitions]
    if "definition" in u.intents or "response" in u.intents or u.question_type == "definition":
        terms += [
            t for t, ps in lay.definition_terms.items() if any(p.search(question) for p in ps)
        ]
    ordered = sorted(dict.fromkeys(terms), key=lambda t: _first_mention(question, t))
    for term in ordered:
        for statement_id in lay.definition_statements.get(term, ()):
            if statement_id in kb.statements:
                draft.add_statement("definition", kb.statements[statement_id])
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


def _first_mention(question: str, term: str) -> tuple[int, int]:
    """The most specific mention first ("RECIST target lesion selection": the target rules
    before RECIST's general rules; "central vs ultracentral ... oligoprog met": the zones),
    then the earliest; a term not found in the words goes last, in its own order."""
    from oligoguide.ask.lexicon import lexicon

    patterns = [*layout().definition_terms.get(term, ()), *lexicon().scenarios.get(term, ())]
    found = [(-(m.end() - m.start()), m.start()) for p in patterns if (m := p.search(question))]
    return min(found, default=(0, len(question)))


def add_patient(assessment: Any, kb: KnowledgeBase, draft: Draft, note: str | None) -> None:
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


def add_dose(question: str, u: Understood, kb: KnowledgeBase, draft: Draft) -> None:
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
        if len(lesions) == 1:
            text = _asked_against(question, suggestion) + text
        draft.add(
            "dose",
            Sentence(
                text=text, citations=(suggestion.source,), source=f"dose:{suggestion.source}#plan"
            ),
        )
        if not suggestion.verified:
            draft.gaps.append(
                f"The {site} schedule of {suggestion.source} is not yet checked against its source."
            )


def _asked_against(question: str, suggestion: Any) -> str:
    """How the schedule the question names compares with the sourced ones for that lesion
    ("54/3 fine?" for a central lesion: 54 Gy in 3 is not among them; the sourced one follows).
    A schedule missing from the tables is not called wrong, only not sourced here."""
    from oligoguide.ask.route import proposed_courses

    asked = proposed_courses(question)
    if not asked:
        return ""
    course = asked[0]
    options = [(suggestion.total_gy, suggestion.fractions)]
    options += [(o.total_gy, o.fractions) for o in suggestion.alternatives]
    if any(abs(t - course.total_gy) < 0.01 and n == course.fractions for t, n in options):
        return f"{course.label()} as asked is among the sourced schedules. "
    return f"{course.label()} as asked is not among the schedules sourced here for this lesion. "


def focus_dose(u: Understood, kb: KnowledgeBase, draft: Draft) -> None:
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


def add_evidence(u: Understood, kb: KnowledgeBase, draft: Draft) -> None:
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
                text=f"{short_name(kb, evidence_id)}: {kb.evidence[evidence_id].findings[index]}",
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


def short_name(kb: KnowledgeBase, evidence_id: str) -> str:
    evidence = kb.evidence[evidence_id]
    first = evidence.citation.authors.split(",")[0].split(" ")[0]
    acronym = re.search(r"\(([A-Z][A-Z0-9-]{2,})\)|\[([A-Z]{3,})\]", evidence.citation.title)
    name = f"{first} {evidence.citation.year}"
    if acronym:
        name += f" ({acronym.group(1) or acronym.group(2)})"
    return name


def _interval_shown(draft: Draft, kb: KnowledgeBase) -> bool:
    """A follow-up statement that gives a sourced imaging interval or schedule is shown."""
    shown = [sentence for bucket in draft.sections.values() for sentence in bucket]
    for sentence in shown:
        statement = kb.statements.get(sentence.source.split(":", 1)[-1])
        if statement is None:
            continue
        if "imaging_interval_weeks" in statement.parameters:
            return True
        if statement.id.startswith("followup_") and str(statement.direction) == "for":
            return True  # a sourced schedule that is not an interval ("imaging at PSA rise")
    return False


def add_gaps(u: Understood, draft: Draft, state: str | None, kb: KnowledgeBase) -> None:
    if u.other_cancers:
        draft.gaps.append(
            "No statement specific to "
            + ", ".join(c.replace("_", " ") for c in u.other_cancers)
            + " cancer is held; only statements that apply to any primary are shown."
        )
    managing = not is_focused(u) and any(s in STATES for s in ([state] if state else u.scenarios))
    if (managing or "followup" in u.intents) and not _interval_shown(draft, kb):
        cancers = ", ".join(u.cancers) or "this setting"
        draft.gaps.append(
            f"No sourced imaging interval after local therapy is held for {cancers}; set it "
            "with the treating team."
        )
