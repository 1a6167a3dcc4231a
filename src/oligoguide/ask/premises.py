"""False premises about a trial: a question claiming a trial showed something in a setting the
trial did not study ("STOMP proved MDT works in CRPC", "Gomez showed LCT helps oligoprogression",
"COLLISION showed ablation equals resection, so RFA for a 5 cm lesion").

The trial's population comes from its evidence item; what it did not study is in
data/trial_settings.yaml. Only a question that asserts a result ("showed", "proved", "since")
is corrected; a plain question about the trial is an evidence question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from oligoguide.ask.models import Correction, Sentence, Understood
from oligoguide.ask.trials import (
    asked_words,
    finding_for_cancers,
    finding_sentence,
    overlap,
    trial_name,
)
from oligoguide.knowledge import KnowledgeBase

_ASSERTS = re.compile(
    r"\b(?:show(?:s|ed|n)?|prove[sdn]?|proving|demonstrat\w+|establish\w+|found|confirm\w*)\b|"
    r"^\s*(?:since|given|as)\b|\bso (?:i|we|the|its|it|this)\b|\bright\?|\bcorrect\?|"
    r"\bequal\w*\b|\s=\s|->|\bwas an? [\w-]+ (?:trial|study)\b|\bappl(?:y|ies) (?:directly )?to\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Claim:
    key: str
    label: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class _Settings:
    claims: tuple[_Claim, ...]
    excluded: dict[str, tuple[str, ...]]
    max_lesion_mm: dict[str, float]


@cache
def _settings() -> _Settings:
    text = (
        resources.files("oligoguide.ask")
        .joinpath("data", "trial_settings.yaml")
        .read_text(encoding="utf-8")
    )
    raw = yaml.safe_load(text)
    claims = tuple(
        _Claim(key, info["label"], tuple(re.compile(p, re.IGNORECASE) for p in info["patterns"]))
        for key, info in raw["claims"].items()
    )
    trials = raw["trials"]
    return _Settings(
        claims=claims,
        excluded={k: tuple(v.get("not", ())) for k, v in trials.items()},
        max_lesion_mm={
            k: float(v["max_lesion_mm"]) for k, v in trials.items() if "max_lesion_mm" in v
        },
    )


def trial_premises(
    question: str, u: Understood, trials: list[str], kb: KnowledgeBase
) -> list[tuple[Sentence, Correction]]:
    """A correction for each named trial whose population excludes what the question claims."""
    if not trials or not _ASSERTS.search(question):
        return []
    settings = _settings()
    claimed = [c for c in settings.claims if any(p.search(question) for p in c.patterns)]
    sizes = [m.size_mm for m in u.lesions if m.size_mm is not None]
    out: list[tuple[Sentence, Correction]] = []
    for evidence_id in trials:
        population = kb.evidence[evidence_id].population
        if not population:
            continue
        wrong = [c for c in claimed if c.key in settings.excluded.get(evidence_id, ())]
        limit = settings.max_lesion_mm.get(evidence_id)
        too_large = [s for s in sizes if limit is not None and s > limit]
        if not wrong and not too_large:
            continue
        name = trial_name(kb, evidence_id)
        if wrong:
            labels = " or ".join(c.label for c in wrong)
            text = (
                f"{name} enrolled {population[0].lower()}{population[1:]}; it did not study "
                f"{labels}, so its result is not evidence for that setting."
            )
            premise = f"{name} showed a result in {labels}"
        else:
            text = (
                f"{name} enrolled {population[0].lower()}{population[1:]}; a lesion of "
                f"{max(too_large) / 10:g} cm is outside it, so its result does not apply."
            )
            premise = f"{name} applies to lesions larger than it enrolled"
        sentence = Sentence(
            text=text, citations=(evidence_id,), source=f"evidence:{evidence_id}#population"
        )
        out.append((sentence, Correction(premise=premise, evidence_id=evidence_id)))
    return out


#: The question says a trial was positive ("CURB +ve in breast", "STOP showed SBRT improves
#: PFS"); corrected when the trial's finding for that cancer (or its headline) was negative.
_BENEFIT_CLAIM = re.compile(
    r"\+ve\b|\bpositive\b|\bshow(?:s|ed|n)?\b[^?.]{0,40}\b(?:benefit\w*|improv\w*|prolong\w*|"
    r"better|works?)\b|\bimproves?\b|\bprolongs?\b|\bproved?\b|\bbeneficial\b",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"\bno (?:significant )?(?:difference|benefit|improvement)\b|\bnot significant\b|\bdid not\b",
    re.IGNORECASE,
)


def benefit_premises(
    question: str, u: Understood, trials: list[str], kb: KnowledgeBase
) -> list[tuple[Sentence, Correction]]:
    """A correction for each named trial the question calls positive where its result, for the
    question's cancer when reported apart, was negative."""
    if not _BENEFIT_CLAIM.search(question):
        return []
    out: list[tuple[Sentence, Correction]] = []
    asked = asked_words(question)
    for evidence_id in trials:
        evidence = kb.evidence[evidence_id]
        own = finding_for_cancers(evidence, u.cancers)  # the cohort of the question's cancer
        scores = [overlap(asked, asked_words(f)) for f in evidence.findings]
        index = own if own else max(range(len(scores)), key=lambda i: (scores[i], -i))
        if not own and scores[index] == 0:
            continue  # no finding about what the question claims
        if not _NEGATIVE.search(evidence.findings[index]):
            continue
        sentence = finding_sentence(kb, evidence_id, index)
        premise = f"{trial_name(kb, evidence_id)} showed a benefit"
        out.append((sentence, Correction(premise=premise, evidence_id=evidence_id)))
    return out


_PHASE_3_CLAIM = re.compile(r"\b(?:phase|ph\.?)[ -]?(?:3|iii)\b", re.IGNORECASE)
_PHASE_2 = re.compile(r"\bphase (?:2|ii)\b(?! ?/ ?(?:3|iii))", re.IGNORECASE)


def phase_premises(
    question: str, trials: list[str], kb: KnowledgeBase
) -> list[tuple[Sentence, Correction]]:
    """A trial called phase 3 in the question whose own title says phase 2 (SABR-COMET)."""
    if not _PHASE_3_CLAIM.search(question):
        return []
    out: list[tuple[Sentence, Correction]] = []
    for evidence_id in trials:
        title = kb.evidence[evidence_id].citation.title
        if not _PHASE_2.search(title):
            continue
        name = trial_name(kb, evidence_id)
        text = f"{name} was a randomised phase 2 trial, as its title says: {title}."
        sentence = Sentence(
            text=text, citations=(evidence_id,), source=f"evidence:{evidence_id}#title"
        )
        out.append((sentence, Correction(premise=f"{name} was phase 3", evidence_id=evidence_id)))
    return out


_BED_CLAIM = re.compile(
    r"\b(?:above|over|more than|greater than|at least|exceeds?|reach(?:es)?)\s*(?:a\s+)?"
    r"bed\s?(?:10)?\s*(?:of\s*)?(\d{2,3})|"
    r"\bbed\s?(?:10)?\s*(?:of\s*|is\s*|=\s*)?(?:above|over|>|≥|>=|at least)\s*(\d{2,3})",
    re.IGNORECASE,
)


def bed_premises(question: str) -> list[tuple[Sentence, Correction]]:
    """'Isn't 30 Gy/10 above BED 100?': the arithmetic says otherwise, so say No first."""
    from oligoguide.ask.route import courses
    from oligoguide.dose.radiobiology import bed

    claim = _BED_CLAIM.search(question)
    named = courses(question)
    if claim is None or not named:
        return []
    threshold = float(claim.group(1) or claim.group(2))
    course = named[0]
    value = bed(course.total_gy, course.fractions, 10.0)
    if value >= threshold:
        return []
    text = (
        f"{course.label()} is a BED10 of {value:.1f} Gy (alpha/beta 10 Gy), below "
        f"{threshold:g} Gy: {course.total_gy:g} x (1 + {course.total_gy / course.fractions:g}/10) "
        f"= {value:.1f} Gy."
    )
    sentence = Sentence(text=text, citations=("fowler_1989_lq",), source="dose:fowler_1989_lq")
    premise = f"{course.label()} reaches a BED10 of {threshold:g} Gy"
    return [(sentence, Correction(premise=premise, evidence_id="fowler_1989_lq"))]
