"""Read a clinical question: cancer, drivers, therapy, sites, lesions, scenario, intent, negation.

Everything recognised comes from the lexicon (data/lexicon.yaml); nothing is guessed. A driver is
negated by a cue just before it ("no EGFR mutation", "without ALK", "negative for ROS1") or just
after it ("EGFR wild-type", "ALK-negative"); "no driver mutation" negates every driver ('any').
"""

from __future__ import annotations

import re

from oligoguide.ask.lexicon import Pattern, lexicon
from oligoguide.ask.models import LesionMention, QuestionType, Understood

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
    r"\b(?:my|our|this|a|the)\s+(?:patient|pt)\b|\byear[- ]old\b|\b(?:he|she)\s+(?:has|is|had)\b|"
    r"\bwhat now\b|\bwhat next\b|\bman\b|\bwoman\b|\b\d{2}\s?(?:y|yo|yrs|y/o)\b|\bpts?\b|"
    r"\b\d{2}\s?(?-i:[MF])\b|\bs/p\b|\bfeels? well\b|\bzap\b|\bsbrt (?:it|them)\b|"
    r"\b(?:on|progressing on|after)\s+(?:\w+\s+){0,2}(?:since|for \d)",
    re.IGNORECASE,
)
_DESCRIBED = re.compile(
    r"\b(?:new|enlarging|growing|progressing|progressive|increasing|rising|climbing|"
    r"stable|everything else|rest stable|resected|treated)\b",
    re.IGNORECASE,
)
_DEFINE = re.compile(
    r"\bdefin\w+|\bmeaning\b|\bdifference between\b|\bwhat does .* mean", re.IGNORECASE
)
_NEW = re.compile(r"\bnew\b|\bappear\w*", re.IGNORECASE)

# ConText-style cues (Harkema et al., J Biomed Inform 2009; as in medspaCy's default rules): a
# cue modifies the target in its direction until a termination term or the end of the clause.
_PRE_NEGATION = re.compile(
    r"\b(?:no|not|without|negative for|neg for|ruled out|rules out|rule out of|free of|"
    r"absence of|absent|denies|clear of|resolved|no evidence of|no sign of|no signs of|"
    r"no new|no further|nor|never had|excluded|excludes)\b",
    re.IGNORECASE,
)
_POST_NEGATION = re.compile(
    r"^[\s:,-]*(?:\w+[\s,-]+){0,3}?(?:(?:was|is|were|are|came back|returned|remains?)\s+)?"
    r"(?:negative|neg|clear|clean|unremarkable|normal|ruled out|excluded|"
    r"(?:showed|shows|show|with|revealed|demonstrated|demonstrates) no\b|without (?:any )?"
    r"(?:lesions?|metastas[ie]s|mets|disease|evidence))\b",
    re.IGNORECASE,
)
_PRE_HEDGE = re.compile(
    r"\b(?:suspicious for|suspicion of|suspected|possible|possibly|probable|probably|"
    r"equivocal|indeterminate|questionable|cannot exclude|can't exclude|cannot be excluded|"
    r"concerning for|worrisome for|query|\?|may represent|might be|unclear|likely|"
    r"subcentimetre|subcentimeter too small to characteri[sz]e)\b",
    re.IGNORECASE,
)
_POST_HEDGE = re.compile(
    r"^[\s:,-]*(?:\w+[\s,-]+){0,3}?(?:\?|(?:is |are |remains? )?(?:equivocal|indeterminate|"
    r"suspicious|uncertain|unclear|of uncertain significance|too small to characteri[sz]e|"
    r"not yet (?:confirmed|biopsied)))",
    re.IGNORECASE,
)
_TERMINATE = re.compile(
    r"\b(?:but|however|although|though|yet|except|whereas|while|apart from|aside from|"
    r"now|which|and new|with new)\b|[.;:,()]",
    re.IGNORECASE,
)
_DIFFUSE = re.compile(
    r"\b(?:innumerable|countless|numerous|multiple|widespread|diffuse|disseminated|miliary|"
    r"myriad|many|multifocal|extensive|too (?:many|numerous) to count|carcinomatosis|"
    r"(?:[6-9]|1\d|2\d|six|seven|eight|nine|ten|eleven|twelve|dozens? of)\s+(?:new\s+)?"
    r"(?:\w+\s+)?(?:lesions|metastases|mets|nodules|deposits|spots|sites))\b",
    re.IGNORECASE,
)
_UNCOUNTED = re.compile(
    r"\b(?:innumerable|countless|numerous|widespread|diffuse|disseminated|miliary|myriad|"
    r"too (?:many|numerous) to count|carcinomatosis|dozens?)\b",
    re.IGNORECASE,
)
_DISTANCE_AFTER = re.compile(
    r"^\s*(?:away\s+)?(?:from|of the|to the|off|beyond|margin|clearance)\b", re.IGNORECASE
)
_DISTANCE_BEFORE = re.compile(
    r"(?:within|distance of|distance|less than|more than|(?<![-=])>|<(?![-=])|≥|≤|at least|"
    r"margin of|abutting within)\s*$",
    re.IGNORECASE,
)
_DOSE_Q = re.compile(
    r"(?<![a-z])c?gy\b|\b(?:bed\d*|eqd2\w*|dose|doses|dosing|fractions?|fractionation|fx|schedule|"
    r"constraints?|tolerance|dmax|d0\.\d+\s?cc|d\d+(?:\.\d+)?\s?cc|v\d+|mean lung dose|mld|"
    r"alpha/beta|α/β|a/b|re-?irradiat\w*|reirradiat\w*|re-?rt|cumulative|oar|organs? at risk|"
    r"equivalent dose in 2|fracs?|"
    r"hytec|tg[- ]?101|quantec|spared|sparing|critical volume)\b",
    re.IGNORECASE,
)
_EVIDENCE_Q = re.compile(
    r"\b(?:trials?|randomi[sz]ed|rct|phase (?:1|2|3|i|ii|iii)|evidence|studies|study|"
    r"data|meta-?analys\w+|show(?:ed|n)?|results?|sabr-?comet\w*|comet-?\d|curb|stop trial|"
    r"nrg[- ]?lu\d+|sindas|gomez|oriole|stomp|consistent|hazard ratio|prove[dn]?|published|"
    r"literature)\b",
    re.IGNORECASE,
)
_PRESUPPOSE = re.compile(
    r"^\s*(?:since|given|as)\b|\b(?:given that|since \w+ showed|now standard|"
    r"standard of care for all|"
    r"for all (?:primaries|oligomets|patients)|in all primaries|every oligo\w*|right\?|correct\?|"
    r"yes\?|isn'?t it\?)",
    re.IGNORECASE,
)
_RT_DOSE = re.compile(
    r"(?<![a-z])c?gy\b|\b(?:bed\d*|eqd2|fractions?|fx|sbrt|sabr|srs|radiotherapy|radiation|"
    r"constraints?|spinal cord|cord|o?esophag\w*|plexus|organs? at risk|oar|dmax|tg[- ]?101|"
    r"hytec)\b",
    re.IGNORECASE,
)
_TRIAL = re.compile(
    r"\b(?:sabr-?comet\w*|comet-?\d|curb|stop trial|(?-i:STOP)|nrg[- ]?lu\d+|sindas|oriole|stomp|"
    r"estro[- /]eortc|estro[- /]astro|pcwg3?|tg[- ]?101|hytec)\b",
    re.IGNORECASE,
)
# A study named by acronym with digits (JLGK0901, N0574, RTOG 0813), a known trial acronym, or
# first author and year ("Timmerman 2006", "Chang et al 2009"); case-sensitive where it must be.
_NAMED_STUDY = re.compile(
    r"\b(?:sabr-?comet\w*|comet-?\d+|curb|stop trial|nrg[- ]?lu\d+|sindas|oriole|stomp|"
    r"collision|sunset|hilus|gomez)\b|"
    r"(?-i:\b[A-Z]{2,}[- ]?[A-Z]*\d{3,}[A-Z0-9-]*\b)|(?-i:\bSTOP\b)|"
    r"(?-i:\b(?!(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Since|In|From|Until)\b)[A-Z][a-z]{2,}(?: et al\.?)?,? \(?(?:19|20)\d{2}\)?)",
    re.IGNORECASE,
)
_CONSTRAINT_Q = re.compile(
    r"\b(?:tg[- ]?101|hytec|quantec|dmax|d\d+(?:\.\d+)?\s?cc|v\d+|constraints?|limits?|tolerance|"
    r"organs? at risk|oar)\b",
    re.IGNORECASE,
)
_PAST_COURSE = re.compile(
    r"\b(?:\d+\s*(?:mo|mos|months?|y|yrs?|years?|wks?|weeks?)\s*ago|ago|previously|prior|s/p|"
    r"had (?:sbrt|sabr|srs|radiotherapy)|after (?:sbrt|sabr|srs|radiotherapy))\b",
    re.IGNORECASE,
)
_AFTER_TREATMENT = re.compile(
    r"\b(?:fibrosis|scar\w*|opacity|consolidation|recurren\w*|radionecrosis|necrosis|"
    r"pseudoprogression|treatment effect|local (?:failure|control|progression)|enlarg\w*|"
    r"growing|follow-?up|surveillance|rescan|re-?image)\b",
    re.IGNORECASE,
)
_ARITHMETIC = re.compile(
    r"\b(?:bed\d*|eqd2\w*|calculat\w*|comput\w*|convert\w*|sum|add up|cumulative)\b", re.I
)
_DEFINE_STRICT = re.compile(
    r"\bdefin\w+|\bmeaning\b|\bwhat does .* mean|\bwhat do .* mean|\b(?:estro|eortc)\S* label\b|"
    r"\bwhat (?:is|are) (?:an? |the )?"
    r"(?:oligo\w+|polyprogress\w*|pseudoprogress\w*|irecist|recist|ultracentral|"
    r"ultra-central|central (?:lung )?(?:tumou?r|lesion)|synchronous|metachronous|"
    r"induced|repeat|de novo|oligorecurren\w*|flare)\b|\bdiff(?:erence)? between\b|\bclassif\w+|"
    r"\bmax(?:imum)? number\b|\bhow many (?:mets|metastases|lesions|organs|sites)\b|"
    r"\bcount as (?:a site|oligo\w*)|\bcalled? it oligo\w*|\bwhat defines\b|"
    r"\b(?:synchronous|metachronous)\b.*\bvs\b",
    re.IGNORECASE,
)
_FOLLOW_Q = re.compile(
    r"\bfollow-?\s?up\b|\bsurveillance\b|\bhow often\b|\bimaging interval|\bwhen (?:to|should)"
    r" (?:we )?(?:re-?image|scan|repeat|image)|\brestag\w+|\bafter (?:sbrt|sabr|srs|ablation|"
    r"resection|radiotherapy)\b.*\b(?:scan|imaging|mri|ct|pet|marker|cea|psa)\b|"
    r"\b(?:cea|psa) (?:rise|rising|monitor\w*|kinetics|doubling)\b",
    re.IGNORECASE,
)
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
    # ConText: every mention of a site is affirmed, negated or hedged; a site is denied (or only
    # hedged) when none of its mentions is affirmed.
    affirmed: dict[str, list[tuple[int, int]]] = {}
    denied: list[str] = []
    hedged: list[str] = []
    for key, spans in site_spans.items():
        if not spans:
            continue
        kinds = [_context(site_text, span) for span in spans]
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

    lesions = _lesions(text, site_text, all_site_spans, site_spans, hedged)
    hedged = [h for h in dict.fromkeys(hedged) if h not in {m.site for m in lesions}]
    diffuse = _diffuse(site_text, site_spans)
    # Up to 10 counted brain metastases are still for SRS (ASTRO 2022, conditionally for 5-10),
    # not polyprogression; uncounted ("numerous", "miliary") ones are.
    brain_srs_count = (
        bool(sites)
        and set(sites) <= {"brain"}
        and count is not None
        and count <= 10
        and not _UNCOUNTED.search(text)
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

    uncovered = _found(lex.uncovered_topics, text)
    premises = tuple(p.id for p in lex.premises if p.matches(text))
    in_domain = bool(
        cancers
        or sites
        or scenarios
        or any(p.search(text) for p in lex.domain_terms)
        or (_DOSE_Q.search(text) and _RT_DOSE.search(text))
        or _TRIAL.search(text)
    )
    patient_specific = bool(lesions) or (
        bool(_PATIENT.search(text)) and bool(therapies or sites or count or diffuse)
    )
    if diffuse and (therapies or classes) and (cancers or other):
        patient_specific = True
    if (therapies or classes) and (sites or count) and _DESCRIBED.search(text):
        patient_specific = True  # "ALK+ NSCLC on Lorbrena, single enlarging adrenal met"
    if diffuse and "polyprogression" not in scenarios:
        scenarios = [s for s in scenarios if s != "oligoprogression"] + ["polyprogression"]
    if "definition" in intents and "management" in intents and not _DEFINE.search(text):
        intents.remove("definition")
    states = {"oligoprogression", "polyprogression", "oligopersistence", "oligometastatic"}
    if patient_specific and (lesions or count) and not states & set(scenarios) and classes:
        few = (count or len(lesions)) <= 5 or brain_srs_count
        scenarios.append("oligoprogression" if few else "polyprogression")
    ecog = None if ecog_match is None else int(ecog_match.group(1))
    premise_ids = premises
    question_type = _classify(
        text, in_domain, uncovered, premise_ids, patient_specific, intents, scenarios, therapies
    )
    not_stated = (
        _not_stated(text, cancers, therapies, classes, drivers, negated, ecog, lesions)
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
    )


# "abuts D3 duodenum", "touching the oesophagus", "2 mm from the cord": organs at risk next to a
# lesion, named as in the dose-constraint tables (model.vocab.OrganAtRisk).
_NEXT_TO = re.compile(
    r"\b(?:abut\w*|touch\w*|adjacent to|next to|close to|against|contact\w* with|invad\w*|"
    r"involv\w*|compress\w*|within \d+(?:[.,]\d+)?\s*(?:mm|cm) (?:of|from)|"
    r"\d+(?:[.,]\d+)?\s*mm (?:from|to))\b",
    re.IGNORECASE,
)
_ORGANS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (organ, re.compile(pattern, re.IGNORECASE))
    for organ, pattern in (
        ("duodenum", r"\b(?:d[1-4] )?duoden\w*"),
        ("jejunum_ileum", r"\b(?:small )?bowel\b|\bjejun\w*|\bile(?:um|al)\b"),
        ("colon", r"\bcolon\b|\bsigmoid\b"),
        ("stomach", r"\bstomach\b|\bgastric\b"),
        ("esophagus", r"\bo?esophag\w*"),
        ("spinal_cord", r"\b(?:spinal )?cord\b"),
        ("brachial_plexus", r"\bbrachial plexus\b"),
        (
            "trachea_large_bronchus",
            r"\btrachea\w*|\bmain (?:stem )?bronch\w*|\bproximal bronchial tree\b|\bpbt\b",
        ),
        (
            "great_vessels",
            r"\baort\w*|\bgreat vessels?\b|\bpulmonary arter\w*|\bvena cava\b|\bivc\b",
        ),
        ("heart_pericardium", r"\bheart\b|\bpericardi\w*"),
        ("brainstem", r"\bbrain ?stem\b"),
        ("optic_pathway", r"\boptic (?:nerves?|chiasm\w*|pathway)"),
        ("ribs", r"\bchest wall\b|\bribs?\b"),
    )
)


def _organs_next_to(clause: str) -> tuple[str, ...]:
    """Organs the clause puts next to its lesion ("abuts D3 duodenum")."""
    cue = _NEXT_TO.search(clause)
    if cue is None:
        return ()
    after = clause[cue.start() : cue.end() + 60]
    return tuple(organ for organ, pattern in _ORGANS if pattern.search(after))


_EARLIER_SIZE = re.compile(
    r"(?:from\s+)?(\d+(?:[.,]\d+)?)\s*(mm|cm)?\s*(?:->|-->|→|=>|>|to|now)\s*$", re.IGNORECASE
)


def _sizes(text: str) -> list[tuple[re.Match[str], float, bool]]:
    """Sizes in mm/cm, each with whether it grew; "1.5 and 2 cm" is two sizes, "2.1 x 1.8 cm"
    one (the longest), "11 -> 19 mm" or "from 1.6 to 2.3 cm" one that grew."""
    out: list[tuple[re.Match[str], float, bool]] = []
    for match in _SIZE.finditer(text):
        factor = 10.0 if match.group(2).lower() == "cm" else 1.0
        value = float(match.group(1).replace(",", "."))
        before = text[max(0, match.start() - 25) : match.start()]
        dims = re.search(r"(\d+(?:[.,]\d+)?)\s*(?:x|×|by)\s*$", before, re.I)
        pair = re.search(r"(\d+(?:[.,]\d+)?)\s*(?:mm|cm)?\s*(?:and|&|,)\s*$", before, re.I)
        earlier = _EARLIER_SIZE.search(before)
        grew = False
        if earlier is not None:
            unit = earlier.group(2)
            was = float(earlier.group(1).replace(",", ".")) * (
                factor if unit is None else 10.0 if unit.lower() == "cm" else 1.0
            )
            grew = value * factor > was
            out = [item for item in out if item[0].end() <= match.start() - len(earlier.group(0))]
        elif dims is not None:
            value = max(value, float(dims.group(1).replace(",", ".")))
        elif pair is not None and not re.search(r"(?:mm|cm)\s*(?:and|&|,)\s*$", before, re.I):
            out.append((match, float(pair.group(1).replace(",", ".")) * factor, False))
        out.append((match, value * factor, grew))
    return out


def _lesions(
    text: str,
    site_text: str,
    all_spans: dict[str, list[tuple[int, int]]],
    site_spans: dict[str, list[tuple[int, int]]],
    hedged: list[str],
) -> list[LesionMention]:
    """Each size in mm/cm becomes a lesion, assigned to the nearest site named in its clause;
    a size nearest to a denied or hedged site is not a lesion to treat."""
    found: list[LesionMention] = []
    for match, size_mm, grew in _sizes(text):
        if size_mm <= 0 or size_mm > 300:
            continue
        if _DISTANCE_AFTER.match(text[match.end() : match.end() + 20]) or _DISTANCE_BEFORE.search(
            text[max(0, match.start() - 20) : match.start()]
        ):
            continue  # "1.5 cm from the proximal bronchial tree" is a distance, not a size
        start = max(text.rfind(". ", 0, match.start()), text.rfind(";", 0, match.start()), 0)
        clause_end = min(
            (i for i in (text.find(". ", match.end()), text.find(";", match.end())) if i >= 0),
            default=len(text),
        )
        clause = text[start:clause_end]
        best: tuple[int, str, bool] | None = None
        for site, spans in all_spans.items():
            for span in spans:
                s = span[0]
                if start <= s <= clause_end:
                    distance = abs(s - match.start())
                    if best is None or distance < best[0]:
                        best = (distance, site, span in site_spans.get(site, []))
        if best is not None and not best[2]:
            continue
        named: str | None = best[1] if best is not None else None
        near = text[max(start, match.start() - 50) : min(clause_end, match.end() + 50)]
        if _PRE_HEDGE.search(near) or re.search(r"\bsuspicious\b", near):
            hedged.append(named or "other")
            continue  # a size described as only suspected is not a lesion to treat
        if named is None and found:
            named = found[-1].site
        found.append(
            LesionMention(
                site=named,
                size_mm=round(size_mm, 1),
                new=bool(_NEW.search(clause)),
                growing=grew or bool(_GROWING.search(clause)),
                adjacent_organs=_organs_next_to(clause),
            )
        )
    return found


def _clause(text: str, start: int, end: int) -> tuple[str, str]:
    """The text before and after a target up to the nearest termination term."""
    before = text[max(0, start - 60) : start]
    cut = [m.end() for m in _TERMINATE.finditer(before)]
    if cut:
        before = before[cut[-1] :]
    after = text[end : end + 60]
    stop = _TERMINATE.search(after)
    if stop is not None:
        after = after[: stop.start()]
    return before, after


def _context(text: str, span: tuple[int, int]) -> str:
    """'negated', 'hedged' or 'affirmed' for the target at span (ConText, simplified)."""
    before, after = _clause(text, *span)
    words = before.split()[-6:]
    window = " ".join(words)
    if _PRE_NEGATION.search(window) and not re.search(r"\bno longer\b", window, re.I):
        return "negated"
    if _POST_NEGATION.match(after):
        return "negated"
    if _PRE_HEDGE.search(window) or _POST_HEDGE.match(after):
        return "hedged"
    # a cue right after a comma or colon still modifies the target: "adrenal lesion,
    # indeterminate", "brain: no new lesions"; a benign reading denies a metastasis
    tail = text[span[1] : span[1] + 60]
    if re.match(r"^\s*:\s*(?:no|negative|clear|unremarkable|normal)\b", tail, re.I):
        return "negated"
    if re.match(
        r"^(?:\s+(?:lesions?|nodules?|uptake|finding))?\s*,?\s*(?:is\s+|are\s+)?"
        r"(?:likely|probably|consistent with|in keeping with|compatible with)\s+(?:an?\s+)?"
        r"(?:benign|ha?emangioma\w*|cysts?|granuloma\w*|fibrosis|scar\w*|atelecta\w*|"
        r"degenerative|inflammat\w*|infect\w*|fnh|adenoma|post-?(?:radiation|treatment))\b",
        tail,
        re.I,
    ):
        return "negated"
    lesion_word = r"(?:\s+(?:lesions?|metastas[ie]s|mets?|nodules?|deposits?))?"
    if re.match(rf"^{lesion_word}\s*,\s*(?:negative|ruled out|excluded)\b", tail, re.I):
        return "negated"
    if re.match(
        rf"^{lesion_word}\s*,\s*(?:indeterminate|equivocal|uncertain|suspicious|unclear|"
        r"possibly|probably|not yet confirmed)\b",
        tail,
        re.I,
    ):
        return "hedged"
    return "affirmed"


def _diffuse(text: str, site_spans: dict[str, list[tuple[int, int]]]) -> list[str]:
    """Sites described with uncounted or many lesions ('innumerable lung nodules')."""
    found: list[str] = []
    for match in _DIFFUSE.finditer(text):
        best: tuple[int, str] | None = None
        for site, spans in site_spans.items():
            for start, end in spans:
                if start >= match.end():
                    gap = text[match.end() : start]
                    distance = start - match.end()
                else:
                    gap = text[end : match.start()]
                    distance = match.start() - end + 10
                if distance > 40 or _TERMINATE.search(gap):
                    continue
                if best is None or distance < best[0]:
                    best = (distance, site)
        if best is not None:
            found.append(best[1])
    return found


def _classify(
    text: str,
    in_domain: bool,
    uncovered: list[str],
    premises: tuple[str, ...],
    patient_specific: bool,
    intents: list[str],
    scenarios: list[str],
    therapies: list[str],
) -> QuestionType:
    """The question type: which part of the system answers it."""
    states = {"oligoprogression", "polyprogression", "oligopersistence", "oligometastatic"}
    if not in_domain:
        return "out_of_scope"
    described_metastatic = patient_specific and re.search(r"\bmets?\b|metasta\w*", text, re.I)
    if (
        uncovered
        and not premises
        and not described_metastatic  # "relapsed with mets after adjuvant osimertinib, now..."
        and ("management" not in intents or not states & set(scenarios))
    ):
        return "out_of_scope"
    if premises or (_TRIAL.search(text) and _PRESUPPOSE.search(text)):
        return "false_premise"
    asks_dose = re.search(
        r"\b(?:dose|fractionation|fractionated|schedule|bed\d*|eqd2|constraint|limit|"
        r"tolerance|single fx|single[- ]fraction|how many (?:gy|fractions))\b",
        text,
        re.I,
    )
    if patient_specific and not (asks_dose and not _PATIENT.search(text) and not therapies):
        return "case"
    if _DEFINE_STRICT.search(text):
        return "definition"
    if _PAST_COURSE.search(text) and _AFTER_TREATMENT.search(text) and not _ARITHMETIC.search(text):
        return "follow_up"  # "SBRT 50 Gy/5 18 mo ago, opacity enlarging: just fibrosis?"
    named = _NAMED_STUDY.search(text)
    if named and not _ARITHMETIC.search(text) and not _CONSTRAINT_Q.search(text):
        return "evidence"  # "SINDAS: what RT dose was given?", "Timmerman 2006 - why..."
    if _DOSE_Q.search(text):
        return "dose"
    if _FOLLOW_Q.search(text) or ("followup" in intents and "management" not in intents):
        return "follow_up"
    if _EVIDENCE_Q.search(text):
        return "evidence"
    if "definition" in intents and "management" not in intents:
        return "definition"
    return "guideline"


def _not_stated(
    text: str,
    cancers: list[str],
    therapies: list[str],
    classes: list[str],
    drivers: list[str],
    negated: list[str],
    ecog: int | None,
    lesions: list[LesionMention],
) -> list[str]:
    """What a described patient's text does not say (listed, never assumed)."""
    missing: list[str] = []
    if not cancers:
        missing.append("primary cancer")
    if not therapies and not classes:
        missing.append("current systemic therapy")
    if "nsclc" in cancers and not drivers and not negated:
        missing.append("driver status (EGFR, ALK, ROS1...)")
    if ecog is None and not re.search(r"\b(?:karnofsky|kps|fit|frail|bedbound)\b", text, re.I):
        missing.append("performance status (ECOG)")
    if not lesions:
        missing.append("lesion sizes")
    if not re.search(r"\bpet\b|\bpsma\b|whole[- ]body|\bct\b|restag\w*|staging", text, re.I):
        missing.append("whole-body restaging (CT or PET)")
    if not re.search(
        r"(?<![a-z])(?:months?|mo|mos|weeks?|wks?|years?|yrs?|y)\b|\b(?:since|ago)\b", text, re.I
    ):
        missing.append("dates: time on therapy and since the last scan")
    return missing
