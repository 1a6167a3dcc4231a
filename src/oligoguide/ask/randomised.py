""" "Is there randomised evidence for X?": the randomised trials the knowledge base holds for the
question's cancer, setting and site, answered yes (with each trial's headline) or no.

The answer is computed from the evidence records (kind, cancers, sites, population), so it says
what the base holds, never what the literature might hold beyond it; the "no" says so.
"""

from __future__ import annotations

import re

from oligoguide.ask.lexicon import content_words
from oligoguide.ask.models import Sentence, Understood
from oligoguide.ask.trials import finding_for_cancers, finding_sentence, trial_name
from oligoguide.knowledge import Evidence, KnowledgeBase

RCT_Q = re.compile(
    r"\b(?:randomi[sz]ed|rcts?|phase (?:2|3|ii|iii) (?:trial|data|evidence)|level[- ](?:1|i) "
    r"evidence|is there (?:any |good |real )?(?:evidence|data|trial)|any (?:trial|evidence|data)|"
    r"(?:evidence|data) (?:for|behind|supporting))\b",
    re.IGNORECASE,
)

#: Words in a trial's population that place it in a setting.
_SETTING = {
    "oligoprogression": re.compile(
        r"\bprogressing\b|\bprogressed\b|oligoprogress\w*|"
        r"(?<!no )(?<!without )\bprogression (?:on|during|while)\b",
        re.I,
    ),
    "oligopersistence": re.compile(
        r"after (?:front-line|first-line)|no progression|residual", re.I
    ),
}


def _words(text: str) -> set[str]:
    return content_words(text) - _STOP


_STOP = {"the", "and", "for", "with", "any", "data", "trial", "evidence", "randomised", "there"}


def _fits(e: Evidence, u: Understood) -> bool:
    if e.population.startswith("Protocol"):
        return False  # a protocol has no result yet
    if u.cancers and not ({"any", *u.cancers} & set(e.cancers)):
        return False
    if u.sites and e.sites and "any" not in e.sites and not set(u.sites) & set(e.sites):
        return False
    settings = [s for s in u.scenarios if s in _SETTING]
    return all(_SETTING[s].search(e.population) for s in settings)


def randomised_sentences(question: str, u: Understood, kb: KnowledgeBase) -> list[Sentence]:
    """The answer's first sentences for a question asking whether randomised evidence exists."""
    if not RCT_Q.search(question):
        return []
    trials = [
        i
        for i, e in kb.evidence.items()
        if str(e.kind).lower().endswith("randomised_trial") and _fits(e, u)
    ]
    # trials of the question's own cancer first, then those open to any primary
    asked = _words(question)
    trials.sort(
        key=lambda i: (
            -len(asked & _words(" ".join([kb.evidence[i].population, *kb.evidence[i].findings]))),
            "any" in kb.evidence[i].cancers,
            not set(u.sites) & set(kb.evidence[i].sites),
        )
    )
    names = {"nsclc": "NSCLC", "sclc": "SCLC"}
    setting = " ".join([*u.drivers, *(names.get(c, c) for c in u.cancers), *u.scenarios]).replace(
        "_", " "
    )
    scope = f" for {setting}" if setting else ""
    if not trials:
        return [
            Sentence(
                text=f"No randomised trial{scope} is held in the knowledge base {kb.version}; "
                "what it holds for this question is non-randomised or from another setting.",
                citations=(),
                source="computed:randomised_none",
            )
        ]
    out = []
    for evidence_id in trials[:3]:
        first = finding_sentence(
            kb, evidence_id, finding_for_cancers(kb.evidence[evidence_id], u.cancers)
        )
        driver_note = ""
        population = kb.evidence[evidence_id].population
        missing = [d for d in u.drivers if d not in population]
        if missing:
            driver_note = f" (not specific to {', '.join(missing)})"
        out.append(
            Sentence(
                text=f"Randomised{scope}{driver_note}: {first.text} "
                f"{trial_name(kb, evidence_id)} enrolled {population}.",
                citations=first.citations,
                source=first.source,
            )
        )
    return out
