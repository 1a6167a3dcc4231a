"""The type of a question (definition, dose, evidence, case...), from its wording."""

from __future__ import annotations

import re

from oligoguide.ask.models import QuestionType

#: A person described: "my patient", "67M", "72 yo woman".
PERSON = (
    r"\b(?:my|our|this|a|the)\s+(?:patient|pt)\b|\byear[- ]old\b|\b(?:he|she)\s+(?:has|is|had)\b|"
    r"\bman\b|\bwoman\b|\b\d{2}\s?(?:y|yo|yrs|y/o)\b|\bpts?\b|\b\d{2}\s?(?-i:[MF])\b"
)
PERSON_Q = re.compile(PERSON, re.IGNORECASE)
PATIENT = re.compile(
    PERSON + r"|\bwhat now\b|\bwhat next\b|"
    r"\bs/p\b|\bfeels? well\b|\bzap\b|\bsbrt (?:it|them)\b|"
    r"\b(?:on|progressing on|after)\s+(?:\w+\s+){0,2}(?:since|for \d)",
    re.IGNORECASE,
)


DEFINE = re.compile(
    r"\bdefin\w+|\bmeaning\b|\bdifference between\b|\bwhat does .* mean", re.IGNORECASE
)


DOSE_Q = re.compile(
    r"(?<![a-z])c?gy\b|(?<![a-z])fx\b|\b\d{1,2}(?:\.\d)? ?[x×] ?\d{1,2}\b|"
    r"\b(?:bed\d*|eqd2\w*|dose|doses|dosing|fractions?|fractionation|fx|schedule|"
    r"constraints?|tolerance|dmax|d0\.\d+\s?cc|d\d+(?:\.\d+)?\s?cc|v\d+|mean lung dose|mld|"
    r"alpha/beta|α/β|a/b|re-?irradiat\w*|reirradiat\w*|re-?rt|cumulative|oar|organs? at risk|"
    r"equivalent dose in 2|fracs?|"
    r"hytec|tg[- ]?101|quantec|spared|sparing|critical volume)\b",
    re.IGNORECASE,
)


EVIDENCE_Q = re.compile(
    r"\b(?:trials?|randomi[sz]ed|rct|phase (?:1|2|3|i|ii|iii)|evidence|studies|study|"
    r"data|meta-?analys\w+|show(?:ed|n)?|results?|sabr[- ]?comet\w*|comet-?\d|curb|stop trial|"
    r"nrg[- ]?lu[- ]?\d+|sindas|gomez|oriole|stomp|consistent|hazard ratio|prove[dn]?|published|"
    r"literature)\b",
    re.IGNORECASE,
)


PRESUPPOSE = re.compile(
    r"^\s*(?:since|given|as)\b|\b(?:given that|since \w+ showed|now standard|"
    r"standard of care for all|"
    r"for all (?:primaries|oligomets|patients)|in all primaries|every oligo\w*|right\?|correct\?|"
    r"yes\?|isn'?t it\?)",
    re.IGNORECASE,
)


RT_DOSE = re.compile(
    r"(?<![a-z])c?gy\b|(?<![a-z])fx\b|\b(?:bed\d*|eqd2|fractions?|fx|sbrt|sabr|srs|radiotherapy|"
    r"radiation|constraints?|spinal cord|cord|o?esophag\w*|plexus|organs? at risk|oar|dmax|"
    r"tg[- ]?101|hytec|duoden\w*|bowel|stomach|heart|chest wall|ribs?|brain ?stem|trachea|"
    r"bronch\w*|great vessels?|skin|optic|cochlea|d\d+(?:\.\d+)?\s?cc|v\d+)\b",
    re.IGNORECASE,
)


TRIAL = re.compile(
    r"\b(?:sabr[- ]?comet\w*|comet-?\d|curb|stop trial|(?-i:STOP)|nrg[- ]?lu[- ]?\d+|sindas|oriole|"
    r"stomp|estro[- /]eortc|estro[- /]astro|pcwg3?|tg[- ]?101|hytec)\b",
    re.IGNORECASE,
)


# A study named by acronym with digits (JLGK0901, N0574, RTOG 0813), a known trial acronym, or
# first author and year ("Timmerman 2006", "Chang et al 2009"); case-sensitive where it must be.
NAMED_STUDY = re.compile(
    r"\b(?:sabr[- ]?comet\w*|comet-?\d+|curb|stop trial|nrg[- ]?lu[- ]?\d+|sindas|oriole|stomp|"
    r"collision|sunset|hilus|gomez)\b|"
    r"(?-i:\b[A-Z]{2,}[- ]?[A-Z]*\d{3,}[A-Z0-9-]*\b)|(?-i:\bSTOP\b)|"
    r"(?-i:\b(?!(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Since|In|From|Until)\b)[A-Z][a-z]{2,}(?: et al\.?)?,? \(?(?:19|20)\d{2}\)?)",
    re.IGNORECASE,
)


CONSTRAINT_Q = re.compile(
    r"\b(?:tg[- ]?101|hytec|quantec|dmax|d\d+(?:\.\d+)?\s?cc|v\d+|constraints?|limits?|tolerance|"
    r"organs? at risk|oar)\b",
    re.IGNORECASE,
)


PAST_COURSE = re.compile(
    r"\b(?:\d+\s*(?:mo|mos|months?|y|yrs?|years?|wks?|weeks?)\s*ago|ago|previously|prior|s/p|"
    r"had (?:sbrt|sabr|srs|radiotherapy)|after (?:sbrt|sabr|srs|radiotherapy))\b",
    re.IGNORECASE,
)


AFTER_TREATMENT = re.compile(
    r"\b(?:fibrosis|scar\w*|opacity|consolidation|recurren\w*|radionecrosis|necrosis|"
    r"pseudoprogression|treatment effect|local (?:failure|control|progression)|enlarg\w*|"
    r"growing|follow-?up|surveillance|rescan|re-?image)\b",
    re.IGNORECASE,
)


ARITHMETIC = re.compile(
    r"\b(?:bed\d*|eqd2\w*|calculat\w*|comput\w*|convert\w*|sum|add up|cumulative)\b", re.I
)


DEFINE_STRICT = re.compile(
    r"\bdefin\w+|\bdef\b|\bmeaning\b|\bnlcb\b|\bno longer clinically benefit\w*|"
    r"\bwhat does .* mean|\bwhat do .* mean|"
    r"\b(?:estro|eortc)\S* label\b|"
    r"\bwhat (?:is|are) (?:an? |the )?"
    r"(?:oligo\w+|polyprogress\w*|pseudoprogress\w*|irecist|recist|ultracentral|"
    r"ultra-central|central (?:lung )?(?:tumou?r|lesion)|synchronous|metachronous|"
    r"induced|repeat|de novo|oligorecurren\w*|flare)\b|\bdiff(?:erence)? between\b|\bclassif\w+|"
    r"\bmax(?:imum)? number\b|\bhow many (?:mets|metastases|lesions|organs|sites)\b|"
    r"\bcount as (?:a site|oligo\w*)|\bcalled? it oligo\w*|\bwhat defines\b|"
    r"\bwhat'?s the diff(?:erence)?\b|"
    # the rules of a named criteria set: "RECIST target lesion selection rules?", "EORTC cutoff"
    r"\b(?:recist|irecist|rano(?:-bm)?|pcwg3?|eortc|estro)\b[^?]{0,50}\b(?:rules?|criteri\w*|"
    r"cut-?offs?|thresholds?|definitions?)\b|"
    # two defined terms set against each other: "iUPD vs iCPD", "induced OMD vs oligopersistence"
    r"\b(?:synchronous|metachronous|iupd|icpd|oligo\w+|induced (?:omd|oligo\w+)|repeat omd)\b"
    r"[^?.]{0,40}\b(?:vs\.?|versus)\s+(?:\w+\s+)?"
    r"(?:synchronous|metachronous|iupd|icpd|oligo\w+|induced|repeat)\b",
    re.IGNORECASE,
)


FOLLOW_Q = re.compile(
    r"\bfollow-?\s?up\b|\bf/u\b|\bsurveillance\b|\bhow (?:often|frequently)\b|"
    r"\bevery how (?:many|often)\b|"
    r"\b(?:imaging|scan|mri|restaging) (?:interval|schedule|frequency)|"
    r"\binterval (?:imaging|scans?|mri)\b|\bhow soon\b.*\b(?:scan|image|imaging|mri|ct|pet)\b|"
    r"\bimaging interval|\bwhen (?:to|should|do)"
    r" (?:we |i )?(?:re-?image|re-?scan|scan|repeat|image)|\brestag\w+|"
    r"\bafter (?:sbrt|sabr|srs|ablation|resection|radiotherapy)\b.*"
    r"\b(?:scan|imaging|mri|ct|pet|marker|cea|psa)\b|"
    r"\b(?:cea|psa) (?:rise|rising|monitor\w*|kinetics|doubling)\b",
    re.IGNORECASE,
)


# Asking for a schedule of follow-up itself ("how often", "interval"), whatever else is described.
FOLLOW_TIMING = re.compile(
    r"\bhow (?:often|frequently)\b|\bevery how (?:many|often)\b|\bsurveillance\b|"
    r"\b(?:imaging|scan|mri|ct|pet|restaging|follow-?up|f/u) (?:interval|schedule|frequency)\b|"
    r"\binterval (?:imaging|scans?|mri)\b|"
    r"\bwhen (?:to|do we|should (?:we|i)|would you) (?:re-?)?(?:image|scan|restage)\b|"
    r"\bhow (?:do|should) (?:we|i|you) follow\b|"
    r"\bwhen (?:to|do we|should (?:we|i)) (?:get|do|order|repeat|book) (?:the |a )?"
    r"(?:first |next )?(?:pet(?:-ct)?|ct|mri|scan|imaging)\b",
    re.IGNORECASE,
)


# A question about the site already treated (change, recurrence, necrosis), not about new disease.
_TREATED_SITE_Q = re.compile(
    r"\b(?:recurren\w*|radionecrosis|radiation necrosis|fibrosis|scar\w*|treatment effect|"
    r"pseudoprogression|consolidation|opacity|local (?:failure|progression))\b",
    re.IGNORECASE,
)
NEW_DISEASE = re.compile(r"\bnew (?:\w+ )?(?:lesions?|mets?|metastas[ie]s|nodules?|spots?)\b", re.I)


#: Words that make a question about metastatic disease (crlm: colorectal liver metastases).
METASTATIC = re.compile(
    r"(?<!no )(?<!without )(?:\bmets?\b|metasta\w*|oligo(?!dendro)\w*)|"
    r"\bstage (?:iv|4)\b|\bm1\b|\bcrlm\b|\bomd\b|\bmcrpc\b|\bmdt\b",
    re.IGNORECASE,
)


def classify(
    text: str,
    in_domain: bool,
    uncovered: list[str],
    premises: tuple[str, ...],
    patient_specific: bool,
    intents: list[str],
    therapies: list[str],
) -> QuestionType:
    """The question type: which part of the system answers it."""
    if not in_domain or (uncovered and not premises):  # uncovered: ask/scope.py decides
        return "out_of_scope"
    if premises or (TRIAL.search(text) and PRESUPPOSE.search(text)):
        return "false_premise"
    asks_dose = re.search(
        r"\b(?:dose|fractionation|fractionated|schedule|bed\d*|eqd2|constraint|limit|"
        r"tolerance|single fx|single[- ]fraction|how many (?:gy|fractions))\b",
        text,
        re.I,
    )
    if PAST_COURSE.search(text) and _TREATED_SITE_Q.search(text) and not NEW_DISEASE.search(text):
        return (
            "follow_up"  # "lung met s/p SBRT 6 months ago, enlarging consolidation - recurrence?"
        )
    if FOLLOW_TIMING.search(text) and not PERSON_Q.search(text) and not asks_dose:
        return "follow_up"  # "brain MRI interval after SRS for 2 mets?" asks a schedule, not a plan
    if patient_specific and not (asks_dose and not PATIENT.search(text) and not therapies):
        return "case"
    named_first = NAMED_STUDY.search(text)
    if (
        named_first
        and not re.search(r"\bdefin\w+|\bmeaning\b", text, re.I)
        and not (ARITHMETIC.search(text) or CONSTRAINT_Q.search(text))
    ):
        return "evidence"  # "NRG-BR002: did MDT help? how many mets allowed?" asks about a trial
    if DEFINE_STRICT.search(text):
        return "definition"
    if PAST_COURSE.search(text) and AFTER_TREATMENT.search(text) and not ARITHMETIC.search(text):
        return "follow_up"  # "SBRT 50 Gy/5 18 mo ago, opacity enlarging: just fibrosis?"
    named = NAMED_STUDY.search(text)
    if named and not ARITHMETIC.search(text) and not CONSTRAINT_Q.search(text):
        return "evidence"  # "SINDAS: what RT dose was given?", "Timmerman 2006 - why..."
    if DOSE_Q.search(text):
        return "dose"
    if FOLLOW_Q.search(text) or ("followup" in intents and "management" not in intents):
        return "follow_up"
    if EVIDENCE_Q.search(text):
        return "evidence"
    if "definition" in intents and "management" not in intents:
        return "definition"
    return "guideline"
