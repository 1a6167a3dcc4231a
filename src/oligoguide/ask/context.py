"""ConText-style reading of a site mention (Harkema et al., J Biomed Inform 2009; the rule set
behind medspaCy): affirmed, negated ("brain MRI negative") or hedged ("suspicious for"), and
sites described with uncounted or many lesions."""

from __future__ import annotations

import re

# ConText-style cues (Harkema et al., J Biomed Inform 2009; as in medspaCy's default rules): a
# cue modifies the target in its direction until a termination term or the end of the clause.
PRE_NEGATION = re.compile(
    r"\b(?:no|not|without|negative for|neg for|ruled out|rules out|rule out of|free of|"
    r"absence of|absent|denies|clear of|resolved|no evidence of|no sign of|no signs of|"
    r"no new|no further|nor|never had|excluded|excludes)\b",
    re.IGNORECASE,
)


POST_NEGATION = re.compile(
    r"^[\s:,-]*(?:\w+[\s,-]+){0,3}?(?:(?:was|is|were|are|came back|returned|remains?)\s+)?"
    r"(?:negative|neg|clear|clean|unremarkable|normal|ruled out|excluded|"
    r"(?:showed|shows|show|with|revealed|demonstrated|demonstrates) no\b|without (?:any )?"
    r"(?:lesions?|metastas[ie]s|mets|disease|evidence))\b",
    re.IGNORECASE,
)


PRE_HEDGE = re.compile(
    r"\b(?:suspicious for|suspicion of|suspected|possible|possibly|probable|probably|"
    r"equivocal|indeterminate|questionable|cannot exclude|can't exclude|cannot be excluded|"
    r"concerning for|worrisome for|query|\?|may represent|might be|unclear|likely|"
    r"subcentimetre|subcentimeter too small to characteri[sz]e)\b",
    re.IGNORECASE,
)


POST_HEDGE = re.compile(
    r"^[\s:,-]*(?:\w+[\s,-]+){0,3}?(?:\?|(?:is |are |remains? )?(?:equivocal|indeterminate|"
    r"suspicious|uncertain|unclear|of uncertain significance|too small to characteri[sz]e|"
    r"not yet (?:confirmed|biopsied)))",
    re.IGNORECASE,
)


TERMINATE = re.compile(
    r"\b(?:but|however|although|though|yet|except|whereas|while|apart from|aside from|"
    r"now|which|and new|with new)\b|[.;:,()]",
    re.IGNORECASE,
)


DIFFUSE = re.compile(
    r"\b(?:innumerable|countless|numerous|multiple|widespread|diffuse|disseminated|miliary|"
    r"myriad|many|multifocal|extensive(?![- ]?(?:stage|disease|small|smal|sclc))|"
    r"too (?:many|numerous) to count|carcinomatosis|"
    r"(?:[6-9]|1\d|2\d|six|seven|eight|nine|ten|eleven|twelve|dozens? of)\s+(?:new\s+)?"
    r"(?:\w+\s+)?(?:lesions|metastases|mets|nodules|deposits|spots|sites))\b",
    re.IGNORECASE,
)


UNCOUNTED = re.compile(
    r"\b(?:innumerable|countless|numerous|widespread|diffuse|disseminated|miliary|myriad|"
    r"too (?:many|numerous) to count|carcinomatosis|dozens?|explod\w*|explosive|"
    r"(?:multiple|many) new)\b",
    re.IGNORECASE,
)


def clause_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The text before and after a target up to the nearest termination term."""
    before = text[max(0, start - 60) : start]
    cut = [m.end() for m in TERMINATE.finditer(before)]
    if cut:
        before = before[cut[-1] :]
    after = text[end : end + 60]
    stop = TERMINATE.search(after)
    if stop is not None:
        after = after[: stop.start()]
    return before, after


def site_context(text: str, span: tuple[int, int]) -> str:
    """'negated', 'hedged' or 'affirmed' for the target at span (ConText, simplified)."""
    stripped = text.rstrip()
    if stripped.endswith("?"):  # the question's own mark ("SBRT to the adrenal?") hedges nothing
        text = stripped[:-1] + " " + text[len(stripped) :]
    before, after = clause_around(text, *span)
    words = before.split()[-6:]
    window = " ".join(words)
    if PRE_NEGATION.search(window) and not re.search(r"\bno longer\b", window, re.I):
        return "negated"
    if POST_NEGATION.match(after):
        return "negated"
    if PRE_HEDGE.search(window) or POST_HEDGE.match(after):
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


def find_diffuse(text: str, site_spans: dict[str, list[tuple[int, int]]]) -> list[str]:
    """Sites described with uncounted or many lesions ('innumerable lung nodules')."""
    found: list[str] = []
    for match in DIFFUSE.finditer(text):
        best: tuple[int, str] | None = None
        for site, spans in site_spans.items():
            for start, end in spans:
                if start >= match.end():
                    gap = text[match.end() : start]
                    distance = start - match.end()
                else:
                    gap = text[end : match.start()]
                    distance = match.start() - end + 10
                if distance > 40 or TERMINATE.search(gap):
                    continue
                if best is None or distance < best[0]:
                    best = (distance, site)
        if best is not None:
            found.append(best[1])
    return found
