"""Trials and studies named in a question ("SABR-COMET", "Timmerman 2006", "weickhardt"), and
their findings and population as sentences, headline first."""

from __future__ import annotations

import re
from collections.abc import Iterable

from oligoguide.ask.models import Sentence
from oligoguide.knowledge import Evidence, KnowledgeBase


def source_name(kb: KnowledgeBase, evidence_id: str) -> str:
    """First author's surname and year ("van der Lei 2025", "Palma 2019")."""
    evidence = kb.evidence[evidence_id]
    words = evidence.citation.authors.split(",")[0].split()
    if len(words) > 1 and words[-1].isupper() and len(words[-1]) <= 3:
        words = words[:-1]  # the initials
    return f"{' '.join(words)} {evidence.citation.year}"


#: Societies and groups whose consensus documents the knowledge base holds under their names
#: ("ESTRO/EORTC classification" asks for Guckenberger 2020), and named response criteria.
SOCIETY = re.compile(
    r"ESTRO|EORTC|ASTRO|ASCO|ESMO|NCCN|ASTRO-ESTRO|ESTRO-ASTRO|ESTRO-EORTC|RECIST|IRECIST|PCWG3|RANO(?:-BM)?"
)

#: Capitalised words that are not study names ("SBRT", "ECOG", "PD-L1").
GENERIC_ACRONYM = re.compile(
    r"NSCLC|SBRT|SABR|WBRT|RECIST|ESTRO|EORTC|ASTRO|ASCO|ESMO|NCCN|EGFR|HER2|PSMA|CRPC|MCRPC|MCRC|"
    r"BRAF|KRAS|TKIS?|IRECIST|ECOG|EQD2|BED10|PCWG3|OMD|PD-L?1|FDG-PET(?:-CT)?|PET-CT|CT|MRI|"
    r"[A-Z]{1,4}-?\d{1,2}|ASTRO-ESTRO|ESTRO-ASTRO|ESTRO-EORTC|T-DXD|T-DM1|5-FU|IMRT|VMAT|SRS|"
    r"FOLFOX|FOLFIRI|CAPOX|XELOX|ADT|PSA|CEA|TKI|NGS|ALK|ROS1|RET|MET|CRLM|MCRC|OMD|SOMD|NLCB|"
    r"PFS2?|ORR|HR|MDT|SOC|LAT|LCT"
)
_TRIALS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        r"sabr[- ]?comet(?![- ]?(?:3|10)\b)|(?<![-\w])comet\b(?![- ]?(?:3|10)\b)",
        ("palma_2019_sabr_comet", "palma_2020_sabr_comet_long_term"),
    ),
    (
        r"\bcomet[- ]?10\b|\b4\s*(?:-|–|to)\s*10 (?:mets|metastases|oligomet\w*)",
        ("palma_2019_sabr_comet10_protocol",),
    ),
    (r"\bcomet[- ]?3\b", ("olson_2020_sabr_comet_3_protocol",)),
    (r"\bno[- ]fly[- ]zone\b", ("timmerman_2006_central_toxicity",)),
    (r"\bcurb\b", ("tsai_2024_curb",)),
    (
        r"\b(?-i:STOP)\b|\bstop (?:trial|study)\b|\bstop (?:showed|found|demonstrated|proved)\b",
        ("schellenberg_2024_stop",),
    ),
    (r"\bgomez\b|\blct trial\b", ("gomez_2019_lct_long_term", "gomez_2016_lct")),
    (r"\boriole\b", ("phillips_2020_oriole",)),
    (r"\bstomp\b", ("ost_2018_stomp",)),
    (r"\bsindas\b", ("wang_2023_sindas",)),
    (r"lu[- ]?002", ("nrg_lu002",)),
)


def _first_authors(kb: KnowledgeBase) -> dict[str, str]:
    """Evidence id -> first author's surname, lower case, for trials and cohorts (not guidelines:
    "Hendriks" names a guideline, asked for by its society)."""
    kinds = {"randomised_trial", "prospective", "retrospective", "meta_analysis"}
    return {
        i: source_name(kb, i).rsplit(" ", 1)[0].lower()
        for i, e in kb.evidence.items()
        if str(e.kind).lower() in kinds
    }


#: "Chang 2009", "Ost et al. 2018", "palma lancet 2019", "Tsai (Lancet) 2024": a first author and
#: a year, a journal's name allowed between them.
AUTHOR_YEAR = re.compile(
    r"\b([A-Za-z][a-z]{2,})(?: et al\.?)?,?\s+\(?(?:(?:the\s+)?(?:lancet(?: oncol(?:ogy)?)?|jco|"
    r"j clin oncol|nejm|jama(?: oncol)?|ijrobp|red journal|radiother oncol|ann oncol|eur urol|jto|"
    r"j thorac oncol|neuro[- ]oncol(?:ogy)?|bmc cancer|br j cancer)\)?,?\s+)?"
    r"\(?((?:19|20)\d{2})\)?",
    re.IGNORECASE,
)

_ACRONYM_CACHE: dict[str, dict[str, list[str]]] = {}
_NOT_NAMES = {"her2", "part2", "bed100", "abc5"}  # id parts that name a subject, not a study
#: Words in trial ids that describe rather than name the trial.
_GENERIC_TAGS = {
    "long", "term", "maintenance", "early", "palliative", "care", "protocol", "surgery", "srs",
    "wbrt", "cognition", "mscc", "io", "oligoprogression", "local", "therapy", "lat", "sabr",
    "sbrt", "brain", "tki", "lct", "central", "toxicity", "bone", "liver", "lung", "spine", "meta",
    "rt", "srt", "pet", "post", "after", "synchronous", "metachronous", "sync", "recurrent", "sf",
    "vs", "mf", "comet", "stop", "crlm", "followup", "oncologists", "radiation", "treat",
}  # fmt: skip


def _after_year(evidence_id: str) -> list[str]:
    parts = evidence_id.split("_")
    years = [i for i, p in enumerate(parts) if re.fullmatch(r"(?:19|20)\d{2}", p)]
    return [p for p in parts[years[0] + 1 :] if len(p) >= 4] if years else []


def _acronyms(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Trial names the records carry: the acronym in a title's brackets ("(QUARTZ)") and the
    id parts that hold digits ("sc24", "n0574", "jcog1007"), lower case without hyphens."""
    if kb.version not in _ACRONYM_CACHE:
        names: dict[str, list[str]] = {}
        for evidence_id, evidence in kb.evidence.items():
            titled = re.findall(r"\(([A-Za-z][A-Za-z0-9-]{2,})\)", evidence.citation.title)
            keys = [
                t.lower().replace("-", "")
                for t in titled
                if re.search(r"[A-Z]{2}", t) and not GENERIC_ACRONYM.fullmatch(t.upper())
            ]  # an acronym in brackets, not a word
            keys += [
                p
                for p in evidence_id.split("_")[2:]
                if re.search(r"\d", p) and not p.isdigit() and p not in _NOT_NAMES
            ]
            if str(evidence.kind).lower().endswith(("randomised_trial", "prospective")):
                # a trial's id names it after the year ("ruers_2017_clocc")
                keys += [p for p in _after_year(evidence_id) if p not in _GENERIC_TAGS]
            for key in keys:
                if len(key) >= 4:
                    names.setdefault(key, []).append(evidence_id)
        _ACRONYM_CACHE[kb.version] = names
    return _ACRONYM_CACHE[kb.version]


def trial_name(kb: KnowledgeBase, evidence_id: str) -> str:
    """First author and year, with the trial's acronym when its title gives one."""
    name = source_name(kb, evidence_id)
    title = kb.evidence[evidence_id].citation.title
    acronym = re.search(r"\(([A-Z][A-Z0-9-]{2,})\)|\[([A-Z]{3,})\]", title)
    return f"{name} ({acronym.group(1) or acronym.group(2)})" if acronym else name


def named_trials(question: str, kb: KnowledgeBase) -> list[str]:
    """Evidence ids of the trials the question names (curated names, then ids by acronym)."""
    found: list[str] = []
    for pattern, ids in _TRIALS:
        if re.search(pattern, question, re.I):
            found += [i for i in ids if i in kb.evidence]
    tokens = re.findall(r"\b[A-Z][A-Z0-9-]{3,}\b", question)
    tokens += re.findall(r"\b[a-z]+\d{3,}\b", question)  # "n0574" typed in lower case
    for token in tokens:
        if GENERIC_ACRONYM.fullmatch(token) and not SOCIETY.fullmatch(token):
            continue  # "NSCLC" names a cancer, not the guideline whose id contains it
        key = token.lower().replace("-", "")
        found += [i for i in kb.evidence if key in i.replace("_", "") and len(key) >= 5]
    lowered = question.lower()
    words = {w.replace("-", "") for w in re.findall(r"[a-z][a-z0-9-]{2,}", lowered)}
    for acronym, named in _acronyms(kb).items():
        if acronym in words:
            found += named  # "quartz", "propsma", "sc24": a trial's own name, however typed
    dated = {
        a.lower(): int(y) for a, y in AUTHOR_YEAR.findall(question)
    }  # "Zhang 2012": only that year's Zhang
    for evidence_id, surname in _first_authors(kb).items():
        if surname in dated and kb.evidence[evidence_id].citation.year != dated[surname]:
            continue
        if len(surname) >= 6 and re.search(rf"\b{re.escape(surname)}\b", lowered):
            found.append(evidence_id)
        elif len(surname) >= 4 and re.search(rf"\b{re.escape(surname.title())}\b", question):
            found.append(evidence_id)  # a short surname counts when written as a name ("Chow")
        elif len(surname) >= 3 and re.search(
            rf"\b{re.escape(surname)}\b\s*(?:et al|meta|trial|study|paper|data|series)", lowered
        ):
            found.append(evidence_id)  # "chow meta analysis?", "ost trial"
    for author, year in AUTHOR_YEAR.findall(question):
        found += [
            i
            for i, e in kb.evidence.items()
            if e.citation.year == int(year)
            and source_name(kb, i).lower().startswith(author.lower())
        ]
    return list(dict.fromkeys(found))


_PLAIN = {
    "the",
    "and",
    "with",
    "what",
    "did",
    "show",
    "trial",
    "study",
    "results",
    "data",
    "median",
    "months",
    "vs",
    "versus",
    "patients",
    "than",
    "after",
    "from",
    "that",
    "arm",
    "arms",
    "each",
}


def asked_words(text: str) -> set[str]:
    """Words (and synonym keys) that say what a question asks of a study."""
    from oligoguide.ask.lexicon import content_words

    words = content_words(text)
    if re.search(r"\blung\b|\bnsclc\b", text, re.I):
        words |= {"nsclc", "lung"}
    if re.search(r"\bOS\b|overall survival", text):
        words.add("survival")
    if re.search(r"\bpfs\b|progression[- ]free", text, re.I):
        words |= {"pfs", "progression-free"}
    return words - _PLAIN


#: End points weigh more: a question about a trial usually asks for one ("PFS2?", "OS?").
_ENDPOINTS = {
    "pfs",
    "pfs2",
    "survival",
    "progression-free",
    "adt-free",
    "cognitive",
    "cognition",
    "toxicity",
    "control",
    "response",
    "pain",
    "memory",
    "recurrence",
    "deaths",
}


_HEADLINE = {"endpoint", "result", "results", "primary", "outcome", "outcomes"}


def overlap(asked: set[str], finding: set[str]) -> int:
    shared = asked & finding
    return len(shared) + 2 * len(shared & _ENDPOINTS)


_CANCER_WORDS = {
    "nsclc": r"\bNSCLC\b|lung",
    "breast": r"\bbreast",
    "prostate": r"prostat",
    "colorectal": r"colorectal|\bCRC\b",
    "renal": r"renal|\bRCC\b",
}


def finding_for_cancers(e: Evidence, cancers: Iterable[str]) -> int:
    """The finding about the question's own cancer when the trial reports it apart (CURB's
    breast cohort had no benefit, its NSCLC cohort did), else the headline."""
    for cancer in cancers:
        pattern = _CANCER_WORDS.get(cancer)
        for index, finding in enumerate(e.findings):
            if pattern and re.match(rf"(?:{pattern})[^:]{{0,20}}:", finding, re.I):
                return index
    return 0


def finding_sentence(kb: KnowledgeBase, evidence_id: str, index: int) -> Sentence:
    """One finding of an evidence item, named by its first author, year and acronym."""
    return Sentence(
        text=f"{trial_name(kb, evidence_id)}: {kb.evidence[evidence_id].findings[index]}",
        citations=(evidence_id,),
        source=f"evidence:{evidence_id}#{index}",
    )


def trial_sentences(ids: list[str], kb: KnowledgeBase, question: str = "") -> list[Sentence]:
    """Each named study's findings, the one about what was asked first (PFS2, the breast
    cohort, cognition), else its headline; then who it enrolled."""
    out: list[Sentence] = []
    asked = asked_words(question)
    for evidence_id in ids:
        evidence = kb.evidence[evidence_id]
        headline = 3 if asked & _HEADLINE else 0  # "what was the endpoint and result?"
        order = sorted(
            range(len(evidence.findings)),
            key=lambda i: -overlap(asked, asked_words(evidence.findings[i])) - headline * (i == 0),
        )
        findings = [finding_sentence(kb, evidence_id, i) for i in order]
        if evidence.population:
            population = Sentence(
                text=f"{trial_name(kb, evidence_id)} enrolled: {evidence.population}.",
                citations=(evidence_id,),
                source=f"evidence:{evidence_id}#population",
            )
            findings.insert(min(1, len(findings)), population)
        out += findings
    return out
