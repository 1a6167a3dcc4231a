"""Lesions described in a question: sizes in mm or cm (not distances), growth written with
arrows, the site each belongs to and the organs at risk its clause puts next to it."""

from __future__ import annotations

import re

from oligoguide.ask.context import PRE_HEDGE
from oligoguide.ask.models import LesionMention

SIZE = re.compile(r"\b(\d+(?:[.,]\d+)?)\s*(mm|cm)\b", re.IGNORECASE)


NEW = re.compile(r"\bnew\b|\bappear\w*", re.IGNORECASE)


GROWING = re.compile(
    r"\bgr[eo]w\w*|\benlarg\w*|\b(?:oligo-?)?progress\w*|\bincreas\w*|\bbigger\b|\blarger\b|"
    r"\bexplod\w*|\bup from\b",
    re.IGNORECASE,
)

#: A lesion said to be stable, smaller or gone is not progressing ("seg 7, was 9 mm, no longer
#: visible"); the case built from the question must not call it progression.
STABLE = re.compile(
    r"\bstable\b|\bunchanged\b|\bno longer (?:visible|seen|detectable)|\bdisappear\w*|"
    r"\bresolved\b|\bsmaller\b|\bshr[iau]nk\w*|\bregress\w*|\bdecreas\w*|\brespond\w*|"
    r"\bno change\b|\bnot visible\b",
    re.IGNORECASE,
)


DISTANCE_AFTER = re.compile(
    r"^\s*(?:away\s+)?(?:from|of the|to the|off|beyond|margin|clearance)\b", re.IGNORECASE
)


DISTANCE_BEFORE = re.compile(
    r"(?:within|distance of|distance|less than|more than|(?<![-=])>|<(?![-=])|≥|≤|at least|"
    r"margin of|abutting within)\s*$",
    re.IGNORECASE,
)


# "abuts D3 duodenum", "touching the oesophagus", "2 mm from the cord": organs at risk next to a
# lesion, named as in the dose-constraint tables (model.vocab.OrganAtRisk).
NEXT_TO = re.compile(
    r"\b(?:abut\w*|touch\w*|adjacent to|next to|close to|against|contact\w* with|invad\w*|"
    r"involv\w*|compress\w*|within \d+(?:[.,]\d+)?\s*(?:mm|cm) (?:of|from)|"
    r"\d+(?:[.,]\d+)?\s*mm (?:from|to)|(?P<cm>\d+(?:[.,]\d+)?)\s*cm (?:from|to|of))\b",
    re.IGNORECASE,
)
#: "1.5 cm from the proximal bronchial tree" is next to it; the central-lung zone and most
#: organ-at-risk planning margins are within 2 cm, so a larger distance is not.
NEAR_CM = 2.0


ORGANS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
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


# Symptoms a lesion's clause gives it, as the case format names them (model Symptom).
SYMPTOMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (symptom, re.compile(pattern, re.IGNORECASE))
    for symptom, pattern in (
        ("pain", r"\bpain\w*|\bVAS\s*\d|\bach(?:e|ing)\b|\btender\w*"),
        ("pathological_fracture", r"\bfractur\w*"),
        (
            "spinal_cord_compression",
            r"\bcord compression\b|\bmscc\b|\bepidural compression\b|\bthecal sac compression\b|"
            r"\bcompress\w* (?:the |of the )?(?:spinal )?cord\b|\bcauda equina\b",
        ),
        (
            "neurological_deficit",
            r"\bweak(?:ness)?\b|\bnumb\w*|\bdeficit\b|\bpara(?:paresis|plegia)\b|"
            r"\bcan'?t walk\b|\bunable to walk\b|\bsphincter\b|\bincontinen\w*",
        ),
        ("headache", r"\bheadaches?\b"),
        ("seizure", r"\bseizures?\b"),
        ("bleeding", r"\bbleed\w*|\bha?emoptysis\b|\bha?ematuria\b"),
        ("jaundice", r"\bjaundic\w*"),
    )
)
_DENIED_SYMPTOM = re.compile(
    r"\b(?:no|not|without|denies|free of|resolved|nil)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)


_ELSEWHERE = re.compile(
    r"\b(?:rest|else|others?|remaining|elsewhere|extracranial|systemic|body|all other)\b"
    r"[\w\s/]{0,15}$",
    re.IGNORECASE,
)


def said_stable(text: str) -> bool:
    """The lesion itself is said stable or smaller ("rest stable" speaks of the other disease)."""
    return any(
        not _ELSEWHERE.search(text[max(0, m.start() - 25) : m.start()])
        for m in STABLE.finditer(text)
    )


def symptoms_in(clause: str) -> tuple[str, ...]:
    """Symptoms named in the clause and not denied just before ('no pain' is not pain)."""
    found: list[str] = []
    for symptom, pattern in SYMPTOMS:
        for match in pattern.finditer(clause):
            if not _DENIED_SYMPTOM.search(clause[max(0, match.start() - 30) : match.start()]):
                found.append(symptom)
                break
    return tuple(found)


def organs_next_to(clause: str) -> tuple[str, ...]:
    """Organs the clause puts next to its lesion ("abuts D3 duodenum")."""
    cue = NEXT_TO.search(clause)
    if cue is None or (cue.group("cm") and float(cue.group("cm").replace(",", ".")) > NEAR_CM):
        return ()
    after = clause[cue.start() : cue.end() + 60]
    return tuple(organ for organ, pattern in ORGANS if pattern.search(after))


EARLIER_SIZE = re.compile(
    r"(?:from\s+)?(\d+(?:[.,]\d+)?)\s*(mm|cm)?\s*(?:->|-->|→|=>|>|to|now)\s*$", re.IGNORECASE
)


def read_sizes(text: str) -> list[tuple[re.Match[str], float, bool]]:
    """Sizes in mm/cm, each with whether it grew; "1.5 and 2 cm" is two sizes, "2.1 x 1.8 cm"
    one (the longest), "11 -> 19 mm" or "from 1.6 to 2.3 cm" one that grew."""
    out: list[tuple[re.Match[str], float, bool]] = []
    for match in SIZE.finditer(text):
        factor = 10.0 if match.group(2).lower() == "cm" else 1.0
        value = float(match.group(1).replace(",", "."))
        before = text[max(0, match.start() - 25) : match.start()]
        dims = re.search(r"(\d+(?:[.,]\d+)?)\s*(?:x|×|by)\s*$", before, re.I)
        pair = re.search(r"(\d+(?:[.,]\d+)?)\s*(?:mm|cm)?\s*(?:and|&|,)\s*$", before, re.I)
        earlier = EARLIER_SIZE.search(before)
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


def read_lesions(
    text: str,
    site_text: str,
    all_spans: dict[str, list[tuple[int, int]]],
    site_spans: dict[str, list[tuple[int, int]]],
    hedged: list[str],
) -> list[LesionMention]:
    """Each size in mm/cm becomes a lesion, assigned to the nearest site named in its clause;
    a size nearest to a denied or hedged site is not a lesion to treat."""
    found: list[LesionMention] = []
    for match, size_mm, grew in read_sizes(text):
        if size_mm <= 0 or size_mm > 300:
            continue
        if DISTANCE_AFTER.match(text[match.end() : match.end() + 20]) or DISTANCE_BEFORE.search(
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
        if PRE_HEDGE.search(near) or re.search(r"\bsuspicious\b", near):
            hedged.append(named or "other")
            continue  # a size described as only suspected is not a lesion to treat
        if named is None and found:
            named = found[-1].site
        found.append(
            LesionMention(
                site=named,
                size_mm=round(size_mm, 1),
                new=bool(NEW.search(clause)),
                growing=grew or bool(GROWING.search(clause)),
                stable=not grew and said_stable(near),
                adjacent_organs=organs_next_to(clause),
                symptoms=symptoms_in(clause),
            )
        )
    return found
