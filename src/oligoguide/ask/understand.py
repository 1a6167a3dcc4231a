"""Read a clinical question: cancer, drivers, therapy, sites, lesions, scenario, intent, negation.

Everything recognised comes from the lexicon (data/lexicon.yaml); nothing is guessed. A driver is
negated by a cue just before it ("no EGFR mutation", "without ALK", "negative for ROS1") or just
after it ("EGFR wild-type", "ALK-negative"); "no driver mutation" negates every driver ('any').
"""

from __future__ import annotations

import re

from oligoguide.ask.context import UNCOUNTED, find_diffuse, site_context
from oligoguide.ask.kinds import DEFINE, DOSE_Q, PATIENT, RT_DOSE, TRIAL, classify
from oligoguide.ask.lesions import read_lesions
from oligoguide.ask.lexicon import Pattern, lexicon
from oligoguide.ask.models import LesionMention, Understood
from oligoguide.ask.scope import asked_uncovered
from oligoguide.ask.therapy_time import STARTING, months_on_therapy, off_therapy

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "solitary": 1, "isolated": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_COUNT = re.compile(
    r"\b(\d{1,2}|a|an|one|single|solitary|isolated|two|three|four|five|six|seven|eight|nine|ten)"
    r"\+?\s*(?:(?:new|small|large|progressing|growing|enlarging|progressive|further|additional|"
    r"brain|liver|lung|hepatic|pulmonary|bone|spinal|adrenal|nodal|cerebral|asymptomatic|"
    r"symptomatic|metastatic)[\s-]+){0,3}"
    r"(lesions?|metastas[ie]s|mets?|nodules?|sites?|deposits?|spots?)\b",
    re.IGNORECASE,
)
_ECOG = re.compile(r"\b(?:ecog|performance status|ps)\s*(?:ps\s*)?(?:of\s*)?([0-4])\b", re.I)
_NO_DRIVER = re.compile(
    r"\b(?:no|without|negative for)\s+(?:\w+\s+){0,2}(?:driver|targetable|actionable|oncogenic)"
    r"|\bdriver[- ]negative\b|\bnon[- ]oncogene[- ]addicted\b|\bpan[- ]negative\b",
    re.IGNORECASE,
)
_AFTER_NEG = re.compile(r"^[\s-]*(?:negative|wild[- ]?type|wt|neg)\b", re.IGNORECASE)
_DESCRIBED = re.compile(
    r"\b(?:new|enlarging|growing|progressing|progressive|increasing|rising|climbing|"
    r"stable|everything else|rest stable|resected|treated)\b",
    re.IGNORECASE,
)


#: Words that say disease grew or appeared ("11 -> 19 mm", "enlarging", "2 new").
_PROGRESSION_SAID = re.compile(
    r"\bprogress\w*|oligoprogress\w*|\bgr[eo]w\w*|\benlarg\w*|\bincreas\w*|\bnew\b|"
    r"\bbigger\b|\blarger\b|->|→|\bPD\b",
    re.IGNORECASE,
)

#: Words that place an unnamed lesion in the brain (radiosurgery is cranial unless a body site
#: is named; "spine SRS" names the spine).
_BRAIN_IMPLIED = re.compile(
    r"\b(?:srs|radiosurgery|gamma ?knife|radionecrosis|radiation necrosis|ring[- ]enhanc\w*|"
    r"rano(?:-bm)?|peri-?lesional (?:o|e)dema|vasogenic)\b",
    re.IGNORECASE,
)


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


def understand(question: str, known_study: bool = False) -> Understood:
    """`known_study`: the question names a study the knowledge base holds ("weickhardt 2012?"),
    which puts it in the field whatever other words it uses."""
    lex = lexicon()
    text = " ".join(question.split())

    cancers = _found(lex.cancers, text)
    if "sclc" in cancers and re.search(r"non[- ]?small|nsclc", text, re.I):
        cancers.remove("sclc")
    other = [c for c in _found(lex.other_cancers, text) if c not in cancers]
    if "sclc" in cancers and re.search(r"transform\w*|\begfr\b|\balk\b|\bosi", text, re.I):
        cancers[cancers.index("sclc")] = "nsclc"  # transformation of an NSCLC on a TKI
    elif "sclc" in cancers:
        other.append("sclc")  # small-cell lung cancer as the primary: nothing specific is held

    # Sites are read with the cancer names blanked, so "lung cancer" is not a lung lesion.
    cancer_spans = [s for key in lex.cancers for s in _spans(lex.cancers[key], text)]
    site_text = _blank(text, cancer_spans)
    site_spans: dict[str, list[tuple[int, int]]] = {
        key: _spans(group, site_text) for key, group in lex.sites.items()
    }
    # ConText: every mention of a site is affirmed, negated or hedged; a site is denied (or only
    # hedged) when none of its mentions is affirmed.
    affirmed: dict[str, list[tuple[int, int]]] = {}
    denied: list[str] = []
    hedged: list[str] = []
    for key, spans in site_spans.items():
        if not spans:
            continue
        kinds = [site_context(site_text, span) for span in spans]
        keep = [span for span, kind in zip(spans, kinds, strict=True) if kind == "affirmed"]
        if keep:
            affirmed[key] = keep
        elif "negated" in kinds:
            denied.append(key)
        else:
            hedged.append(key)
    all_site_spans = site_spans
    site_spans = {key: affirmed.get(key, []) for key in site_spans}
    sites = [key for key, spans in site_spans.items() if spans]
    if "spine" in sites and "bone" not in sites and re.search(r"\bbone\b", text, re.I):
        sites.append("bone")
    if not sites and not denied and _BRAIN_IMPLIED.search(text):
        sites.append("brain")  # "SRS 9 mo ago, ring-enhancing lesion bigger": a brain lesion

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
    drug_spans: list[tuple[int, int]] = []
    for drug in lex.drugs:
        if drug.pattern.search(text):
            drug_spans += [m.span() for m in drug.pattern.finditer(text)]
            therapies.append(drug.name)
            classes.append(drug.therapy_class)
            if drug.driver and drug.driver not in drivers and drug.driver not in negated:
                drivers.append(drug.driver)
            if drug.cancer and not cancers:
                cancers.append(drug.cancer)
    for key, group in lex.therapy_classes.items():
        if any(p.search(text) for p in group):
            classes.append(key)
            drug_spans += [m.span() for p in group for m in p.finditer(text)]
    stopped = off_therapy(text, drug_spans)
    if drivers and not cancers and set(drivers) & {"EGFR", "ALK", "ROS1", "RET", "MET"}:
        cancers.append("nsclc")

    scenarios = _found(lex.scenarios, text)
    if "brain" not in sites and "brain" in denied + hedged:
        scenarios = [s for s in scenarios if s != "brain_metastases"]
    if "brain" in sites and "brain_metastases" not in scenarios:
        scenarios.append("brain_metastases")
    intents = _found(lex.intents, text)

    count: int | None = None
    for match in _COUNT.finditer(text):
        word = match.group(1).lower()
        value = int(word) if word.isdigit() else _NUMBER_WORDS.get(word)
        if value is not None and (count is None or value > count):
            count = value

    lesions = read_lesions(text, site_text, all_site_spans, site_spans, hedged)
    hedged = [h for h in dict.fromkeys(hedged) if h not in {m.site for m in lesions}]
    diffuse = find_diffuse(site_text, site_spans)
    # Up to 10 counted brain metastases are still for SRS (ASTRO 2022, conditionally for 5-10),
    # not polyprogression; uncounted ("numerous", "miliary") ones are.
    brain_srs_count = (
        bool(sites)
        and set(sites) <= {"brain"}
        and count is not None
        and count <= 10
        and not UNCOUNTED.search(text)
    )
    if brain_srs_count:
        diffuse = [d for d in diffuse if d != "brain"]
    elif count is not None and count > 5 and not diffuse:
        diffuse = list(sites[:1])
    ecog_match = _ECOG.search(text)
    symptomatic: bool | None = None
    if re.search(r"\basymptomatic\b|\bno symptoms\b", text, re.I):
        symptomatic = False
    elif re.search(r"\bsymptomatic\b|\bheadache|\bseizure|\bneurological deficit", text, re.I):
        symptomatic = True

    premises = tuple(p.id for p in lex.premises if p.matches(text))
    in_domain = bool(
        cancers
        or sites
        or scenarios
        or any(p.search(text) or p.search(text.replace("-", " ")) for p in lex.domain_terms)
        or (DOSE_Q.search(text) and RT_DOSE.search(text))
        or TRIAL.search(text)
        or known_study
    )
    patient_specific = bool(lesions) or (
        bool(PATIENT.search(text)) and bool(therapies or sites or count or diffuse)
    )
    if diffuse and (therapies or classes) and (cancers or other):
        patient_specific = True
    if (therapies or classes) and (sites or count) and _DESCRIBED.search(text):
        patient_specific = True  # "ALK+ NSCLC on Lorbrena, single enlarging adrenal met"
    if (
        count is not None
        and count > 5
        and not brain_srs_count
        and "polyprogression" not in scenarios
    ):
        # "9+ new lesions - oligoprog or switch?": the count decides, not the word asked about
        scenarios = [s for s in scenarios if s != "oligoprogression"] + ["polyprogression"]
    if diffuse and "polyprogression" not in scenarios:
        scenarios = [s for s in scenarios if s != "oligoprogression"] + ["polyprogression"]
    if "definition" in intents and "management" in intents and not DEFINE.search(text):
        intents.remove("definition")
    states = {"oligoprogression", "polyprogression", "oligopersistence", "oligometastatic"}
    if patient_specific and (lesions or count) and not states & set(scenarios) and stopped:
        few = (count or len(lesions)) <= 5
        scenarios.append("oligometastatic" if few else "polyprogression")  # recurrence, off drugs
    elif (
        patient_specific
        and (lesions or count)
        and not states & set(scenarios)
        and classes
        and _PROGRESSION_SAID.search(text)  # growth is stated, never assumed
    ):
        few = (count or len(lesions)) <= 5 or brain_srs_count
        scenarios.append("oligoprogression" if few else "polyprogression")
    ecog = None if ecog_match is None else int(ecog_match.group(1))
    premise_ids = premises
    uncovered = asked_uncovered(
        _found(lex.uncovered_topics, text),
        text,
        drugs_named=bool(therapies or classes),
        names_known_study=known_study,
        patient_specific=patient_specific,
        scenarios=scenarios,
    )
    question_type = classify(
        text, in_domain, uncovered, premise_ids, patient_specific, intents, therapies
    )
    not_stated = (
        _not_stated(text, cancers, therapies, classes, drivers, negated, ecog, lesions, stopped)
        if question_type == "case"
        else []
    )

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
        ecog=ecog,
        symptomatic=symptomatic,
        uncovered_topics=tuple(uncovered),
        premises=premises,
        patient_specific=patient_specific,
        in_domain=in_domain,
        question_type=question_type,
        sites_negated=tuple(denied),
        sites_uncertain=tuple(hedged),
        diffuse_sites=tuple(dict.fromkeys(diffuse)),
        not_stated=tuple(not_stated),
        off_therapy=stopped,
        months_on_therapy=None if stopped else months_on_therapy(text),
        therapy_starting=bool(STARTING.search(text)),
    )


def _not_stated(
    text: str,
    cancers: list[str],
    therapies: list[str],
    classes: list[str],
    drivers: list[str],
    negated: list[str],
    ecog: int | None,
    lesions: list[LesionMention],
    stopped: bool = False,
) -> list[str]:
    """What a described patient's text does not say (listed, never assumed)."""
    missing: list[str] = []
    if not cancers:
        missing.append("primary cancer")
    if not therapies and not classes and not stopped:
        missing.append("current systemic therapy")
    if "nsclc" in cancers and not drivers and not negated:
        missing.append("driver status (EGFR, ALK, ROS1...)")
    if ecog is None and not re.search(r"\b(?:karnofsky|kps|fit|frail|bedbound)\b", text, re.I):
        missing.append("performance status (ECOG)")
    if not lesions:
        missing.append("lesion sizes")
    elif not _PROGRESSION_SAID.search(text) and not any(
        m.stable or m.site == "brain" for m in lesions
    ):
        missing.append("whether the lesions grew or are new (change since the last scan)")
    if not re.search(r"\bpet\b|\bpsma\b|whole[- ]body|\bct\b|restag\w*|staging", text, re.I):
        missing.append("whole-body restaging (CT or PET)")
    if not re.search(
        r"(?<![a-z])(?:months?|mo|mos|weeks?|wks?|years?|yrs?|y)\b|\b(?:since|ago)\b", text, re.I
    ):
        missing.append("dates: time on therapy and since the last scan")
    return missing
