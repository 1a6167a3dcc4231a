"""Read a clinical question: cancer, drivers, therapy, sites, lesions, scenario, intent, negation.

Everything recognised comes from the lexicon (data/lexicon.yaml); nothing is guessed. A driver is
negated by a cue just before it ("no EGFR mutation", "without ALK", "negative for ROS1") or just
after it ("EGFR wild-type", "ALK-negative"); "no driver mutation" negates every driver ('any').
"""

from __future__ import annotations

import re

from oligoguide.ask.lexicon import Pattern, lexicon
from oligoguide.ask.models import LesionMention, Understood

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "solitary": 1, "isolated": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_COUNT = re.compile(
    r"\b(\d{1,2}|a|an|one|single|solitary|isolated|two|three|four|five|six|seven|eight|nine|ten)"
    r"\s+(?:(?:new|small|large|progressing|growing|enlarging|progressive|further|additional|"
    r"brain|liver|lung|hepatic|pulmonary|bone|spinal|adrenal|nodal|cerebral|asymptomatic|"
    r"symptomatic|metastatic)[\s-]+){0,3}"
    r"(lesions?|metastas[ie]s|mets?|nodules?|sites?|deposits?|spots?)\b",
    re.IGNORECASE,
)
_SIZE = re.compile(r"\b(\d+(?:[.,]\d+)?)\s*(mm|cm)\b", re.IGNORECASE)
_ECOG = re.compile(r"\b(?:ecog|performance status|ps)\s*(?:ps\s*)?(?:of\s*)?([0-4])\b", re.I)
_NO_DRIVER = re.compile(
    r"\b(?:no|without|negative for)\s+(?:\w+\s+){0,2}(?:driver|targetable|actionable|oncogenic)"
    r"|\bdriver[- ]negative\b|\bnon[- ]oncogene[- ]addicted\b|\bpan[- ]negative\b",
    re.IGNORECASE,
)
_AFTER_NEG = re.compile(r"^[\s-]*(?:negative|wild[- ]?type|wt|neg)\b", re.IGNORECASE)
_PATIENT = re.compile(
    r"\b(?:my|our|this|a|the)\s+patient\b|\byear[- ]old\b|\b(?:he|she)\s+(?:has|is|had)\b|"
    r"\bwhat now\b|\bwhat next\b|\bman\b|\bwoman\b|\b\d{2}\s?(?:y|yo|yrs)\b",
    re.IGNORECASE,
)
_DEFINE = re.compile(
    r"\bdefin\w+|\bmeaning\b|\bdifference between\b|\bwhat does .* mean", re.IGNORECASE
)
_NEW = re.compile(r"\bnew\b|\bappear\w*", re.IGNORECASE)
_GROWING = re.compile(r"\bgr[eo]w\w*|\benlarg\w*|\bprogress\w*|\bincreas\w*", re.IGNORECASE)


def _found(patterns: dict[str, tuple[Pattern, ...]], text: str) -> list[str]:
    return [key for key, group in patterns.items() if any(p.search(text) for p in group)]


def _spans(patterns: tuple[Pattern, ...], text: str) -> list[tuple[int, int]]:
    return [m.span() for p in patterns for m in p.finditer(text)]


def _negated(text: str, span: tuple[int, int]) -> bool:
    before = text[max(0, span[0] - 40) : span[0]].lower()
    cues = lexicon().negation_cues
    words = re.findall(r"[\w-]+", before)[-4:]
    window = " ".join(words)
    if any(re.search(rf"(?:^|\s){re.escape(cue)}(?:\s|$)", window) for cue in cues):
        # "no EGFR", "without an ALK", "negative for ROS1"; but not "no longer responding"
        return True
    return bool(_AFTER_NEG.match(text[span[1] : span[1] + 15]))


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = " "
    return "".join(chars)


def understand(question: str) -> Understood:
    lex = lexicon()
    text = " ".join(question.split())

    cancers = _found(lex.cancers, text)
    if "sclc" in cancers and re.search(r"non[- ]?small|nsclc", text, re.I):
        cancers.remove("sclc")
    other = [c for c in _found(lex.other_cancers, text) if c not in cancers]

    # Sites are read with the cancer names blanked, so "lung cancer" is not a lung lesion.
    cancer_spans = [s for key in lex.cancers for s in _spans(lex.cancers[key], text)]
    site_text = _blank(text, cancer_spans)
    site_spans: dict[str, list[tuple[int, int]]] = {
        key: _spans(group, site_text) for key, group in lex.sites.items()
    }
    sites = [key for key, spans in site_spans.items() if spans]
    if "spine" in sites and "bone" not in sites and re.search(r"\bbone\b", text, re.I):
        sites.append("bone")

    drivers: list[str] = []
    negated: list[str] = []
    for key, group in lex.drivers.items():
        spans = _spans(group, text)
        if not spans:
            continue
        if all(_negated(text, span) for span in spans):
            negated.append(key)
        else:
            drivers.append(key)
    if _NO_DRIVER.search(text):
        negated.append("any")

    therapies: list[str] = []
    classes: list[str] = []
    for drug in lex.drugs:
        if drug.pattern.search(text):
            therapies.append(drug.name)
            classes.append(drug.therapy_class)
            if drug.driver and drug.driver not in drivers and drug.driver not in negated:
                drivers.append(drug.driver)
            if drug.cancer and not cancers:
                cancers.append(drug.cancer)
    for key, group in lex.therapy_classes.items():
        if any(p.search(text) for p in group):
            classes.append(key)
    if drivers and not cancers and set(drivers) & {"EGFR", "ALK", "ROS1", "RET", "MET"}:
        cancers.append("nsclc")

    scenarios = _found(lex.scenarios, text)
    if "brain" in sites and "brain_metastases" not in scenarios:
        scenarios.append("brain_metastases")
    intents = _found(lex.intents, text)

    count: int | None = None
    for match in _COUNT.finditer(text):
        word = match.group(1).lower()
        value = int(word) if word.isdigit() else _NUMBER_WORDS.get(word)
        if value is not None and (count is None or value > count):
            count = value

    lesions = _lesions(text, site_text, site_spans)
    ecog_match = _ECOG.search(text)
    symptomatic: bool | None = None
    if re.search(r"\basymptomatic\b|\bno symptoms\b", text, re.I):
        symptomatic = False
    elif re.search(r"\bsymptomatic\b|\bheadache|\bseizure|\bneurological deficit", text, re.I):
        symptomatic = True

    uncovered = _found(lex.uncovered_topics, text)
    premises = tuple(p.id for p in lex.premises if p.matches(text))
    in_domain = bool(cancers or sites or scenarios or any(p.search(text) for p in lex.domain_terms))
    patient_specific = bool(lesions) or (
        bool(_PATIENT.search(text)) and bool(therapies or sites or count)
    )
    if "definition" in intents and "management" in intents and not _DEFINE.search(text):
        intents.remove("definition")
    states = {"oligoprogression", "polyprogression", "oligopersistence", "oligometastatic"}
    if patient_specific and (lesions or count) and not states & set(scenarios) and classes:
        scenarios.append("oligoprogression" if (count or len(lesions)) <= 5 else "polyprogression")

    return Understood(
        cancers=tuple(dict.fromkeys(cancers)),
        other_cancers=tuple(other),
        drivers=tuple(dict.fromkeys(drivers)),
        drivers_negated=tuple(dict.fromkeys(negated)),
        therapies=tuple(therapies),
        therapy_classes=tuple(dict.fromkeys(classes)),
        sites=tuple(sites),
        lesion_count=count,
        lesions=tuple(lesions),
        scenarios=tuple(scenarios),
        intents=tuple(intents),
        ecog=None if ecog_match is None else int(ecog_match.group(1)),
        symptomatic=symptomatic,
        uncovered_topics=tuple(uncovered),
        premises=premises,
        patient_specific=patient_specific,
        in_domain=in_domain,
    )


def _lesions(
    text: str, site_text: str, site_spans: dict[str, list[tuple[int, int]]]
) -> list[LesionMention]:
    """Each size in mm/cm becomes a lesion, assigned to the nearest site named in its clause."""
    found: list[LesionMention] = []
    for match in _SIZE.finditer(text):
        value = float(match.group(1).replace(",", "."))
        size_mm = value * 10 if match.group(2).lower() == "cm" else value
        if size_mm <= 0 or size_mm > 300:
            continue
        start = max(text.rfind(". ", 0, match.start()), text.rfind(";", 0, match.start()), 0)
        clause_end = min(
            (i for i in (text.find(". ", match.end()), text.find(";", match.end())) if i >= 0),
            default=len(text),
        )
        clause = text[start:clause_end]
        best: tuple[int, str] | None = None
        for site, spans in site_spans.items():
            for s, _ in spans:
                if start <= s <= clause_end:
                    distance = abs(s - match.start())
                    if best is None or distance < best[0]:
                        best = (distance, site)
        named: str | None = best[1] if best is not None else None
        if named is None and found:
            named = found[-1].site
        found.append(
            LesionMention(
                site=named,
                size_mm=round(size_mm, 1),
                new=bool(_NEW.search(clause)),
                growing=bool(_GROWING.search(clause)),
            )
        )
    return found
