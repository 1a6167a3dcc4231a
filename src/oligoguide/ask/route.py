"""Dose questions routed to the dose module: BED/EQD2 arithmetic and organ-at-risk tables.

Every number is computed by `oligoguide.dose` (linear-quadratic model) or read from its sourced
constraint tables; each sentence shows the arithmetic, the alpha/beta used and its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oligoguide.ask.models import Sentence
from oligoguide.ask.trials import source_name
from oligoguide.knowledge import KnowledgeBase

_COUNT_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8, "ten": 10,
}  # fmt: skip
_COURSE = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*gy\s*(?:in|/|over|x|×|delivered in|given in)\s*"
    r"(\d{1,2}|one|two|three|four|five|six|eight|ten)\s*"
    r"(?:fractions?|fracs?|fxs?|#|fr|daily fractions?)?\b",
    re.IGNORECASE,
)
# "50/5" without Gy: a course only in a question about dose, never a date or a ratio of counts.
_BARE_COURSE = re.compile(
    r"(?<![\d./])(\d{1,3}(?:\.\d+)?)\s*/\s*(\d{1,2})(?![\d/.])(?!\s*(?:mm|cm|%|mg|y\b|yo))"
)
_DOSE_CONTEXT = re.compile(
    r"\b(?:bed\d*|eqd2|fx|fractions?|dose|sbrt|sabr|srs|rt|radiotherapy|ablat\w*|constraints?|"
    r"a/b|alpha)\b|gy\b|"
    r"\b(?:lung|liver|lesion|met|mets|node|spine|adrenal|bone)\b[^?]*\b(?:fine|ok|okay|enough)\s*\?",
    re.IGNORECASE,
)
_PER_FRACTION = re.compile(
    r"(\d{1,2})\s*(?:x|×|fractions? of)\s*(\d+(?:[.,]\d+)?)\s*gy\b|"
    r"(\d+(?:[.,]\d+)?)\s*gy\s*(?:x|×)\s*(\d{1,2})\b(?!\s*(?:fractions?|fx))",
    re.IGNORECASE,
)
_SINGLE = re.compile(
    r"(?:single(?:[- ]fraction)?|one fraction of|once)\s*(?:of\s*)?(\d+(?:[.,]\d+)?)\s*gy|"
    r"(\d+(?:[.,]\d+)?)\s*gy\s*(?:single[- ]fraction|in (?:a )?single fraction|in one fraction|"
    r"(?:as )?(?:a )?single|once)",
    re.IGNORECASE,
)
_ALPHA_BETA = re.compile(
    r"(?:α/β|alpha/beta|alpha-beta|a/b|αβ|alpha beta|ab ratio|\bab(?=\s*\d))\s*(?:ratio)?\s*"
    r"(?:of|=|:)?\s*"
    r"(\d+(?:[.,]\d+)?)",
    re.IGNORECASE,
)
_SUM = re.compile(
    r"\bsum\b|\bcumulative\b|\btotal\b|\bcombined\b|\bplus\b|\bre-?irradiat\w*|\breirradiat\w*|\bre-?rt\b|"
    r"\bprevious(?:ly)?\b|\bprior\b|\badd(?:ed|ing)?\b|\bboth courses\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\bcompare\w*|\bvs\.?\b|\bversus\b|\bequivalent\b|\bhigher\b|\blower\b|\bmore\b|"
    r"\bisoeffective\b|\bwhich\b",
    re.IGNORECASE,
)
_LATE = re.compile(
    r"\blate\b|\bnormal tissue\b|\blate[- ]responding\b|\bcord\b|\bspinal cord\b|\boar\b|"
    r"\borgan\b|\bmyelopathy\b|\bplexus\b|\bbowel\b|\boesophag\w*|\besophag\w*",
    re.IGNORECASE,
)
_ORGANS: tuple[tuple[str, str], ...] = (
    ("spinal_cord", r"spinal cord|\bcord\b"),
    ("cauda_equina", r"cauda equina"),
    ("thecal_sac", r"thecal sac"),
    ("brachial_plexus", r"brachial plexus"),
    ("sacral_plexus", r"sacral plexus|lumbosacral plexus"),
    ("esophagus", r"o?esophag\w*"),
    ("brainstem", r"brain ?stem"),
    ("optic_pathway", r"optic (?:nerve|chiasm|pathway)s?|chiasm"),
    ("cochlea", r"cochlea"),
    ("heart_pericardium", r"\bheart\b|pericardi\w*"),
    ("great_vessels", r"great vessels?|aorta"),
    ("trachea_large_bronchus", r"trachea|proximal bronchial tree|main ?stem bronch\w*|pbt"),
    ("bronchus_small_airways", r"small airways?|smaller bronch\w*"),
    ("stomach", r"stomach"),
    ("duodenum", r"duoden\w*"),
    ("jejunum_ileum", r"small bowel|jejun\w*|ileum"),
    ("colon", r"\bcolon\b|large bowel"),
    ("rectum", r"\brectum\b"),
    ("renal_cortex", r"renal cortex|kidneys?"),
    ("ribs", r"\bribs?\b|chest wall"),
    ("skin", r"\bskin\b"),
    ("liver", r"normal liver|liver (?:constraint|tolerance|volume|limit)"),
    ("lung", r"normal lung|lung (?:constraint|tolerance|v20|mean)|mean lung dose|\bmld\b"),
)
_FRACTIONS = re.compile(
    r"\b(\d{1,2}|one|single|three|five)[- ]?(?:fractions?|fx|#|fraction)\b|"
    r"\bsingle[- ]fraction\b|\bin (\d{1,2})\b",
    re.IGNORECASE,
)
_WORDS = {"one": 1, "single": 1, "three": 3, "five": 5}


@dataclass(frozen=True)
class Course:
    total_gy: float
    fractions: int

    def label(self) -> str:
        unit = "fraction" if self.fractions == 1 else "fractions"
        return f"{self.total_gy:g} Gy in {self.fractions} {unit}"


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def courses(question: str) -> list[Course]:
    """Dose courses named in the question, in order ("30 Gy in 3 fractions", "3 x 8 Gy")."""
    return [c for _, c in placed_courses(question)]


_GIVEN_BEFORE = re.compile(
    r"\b(?:s/p|had|received|got|delivered|treated (?:with|w)|after|post|prior|previous(?:ly)?)\b"
    r"[^.;?]{0,40}$",
    re.IGNORECASE,
)
_NOW = re.compile(r"\b(?:now|plan\w*|propos\w*|consider\w*|want\w*|going to|next|then)\b", re.I)
_GIVEN_AFTER = re.compile(r"^[^.;?]{0,50}\b(?:ago|previously|in (?:19|20)\d{2})\b", re.IGNORECASE)


def proposed_courses(question: str) -> list[Course]:
    """The courses the question proposes, not those already given ("s/p SBRT 54 Gy/3 6 wks
    ago: when to PET?" proposes none; "had 30/10 2 y ago, now 24/2 ok?" proposes 24/2)."""
    out = []
    for start, course in placed_courses(question):
        before = question[max(0, start - 50) : start]
        after = question[start : start + 60]
        given = _GIVEN_BEFORE.search(before)
        if given and _NOW.search(before[given.start() :]):
            given = None  # "had 30/10 2 y ago, now 24/2?": the cue belongs to the earlier course
        if not (given or _GIVEN_AFTER.match(after)):
            out.append(course)
    return out


def placed_courses(question: str) -> list[tuple[int, Course]]:
    """The courses with where each starts in the question."""
    found: list[tuple[int, Course]] = []
    taken: list[tuple[int, int]] = []

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    for m in _COURSE.finditer(question):
        count = m.group(2).lower()
        total, n = _num(m.group(1)), _COUNT_WORDS.get(count) or int(count)
        if 0 < total <= 200 and 1 <= n <= 45:
            found.append((m.start(), Course(total, n)))
            taken.append(m.span())
    for m in _PER_FRACTION.finditer(question):
        if not free(m.span()):
            continue
        if m.group(1):
            n, per = int(m.group(1)), _num(m.group(2))
        else:
            per, n = _num(m.group(3)), int(m.group(4))
        if 1 <= n <= 45 and 0 < per <= 30:
            found.append((m.start(), Course(round(per * n, 2), n)))
            taken.append(m.span())
    if not found and _DOSE_CONTEXT.search(question):
        for m in _BARE_COURSE.finditer(question):  # "50/5 bed10?", "30/10 + 24/3"
            total, n = _num(m.group(1)), int(m.group(2))
            if free(m.span()) and 5 <= total <= 100 and 1 <= n <= 40 and 1.5 <= total / n <= 30:
                found.append((m.start(), Course(total, n)))
                taken.append(m.span())
    for m in _SINGLE.finditer(question):
        if not free(m.span()):
            continue
        total = _num(m.group(1) or m.group(2))
        if 0 < total <= 40:
            found.append((m.start(), Course(total, 1)))
            taken.append(m.span())
    return sorted(found, key=lambda item: item[0])


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def dose_arithmetic(question: str, kb: KnowledgeBase) -> list[Sentence]:
    """BED/EQD2 of each course named, their sum or comparison, with the arithmetic shown."""
    from oligoguide.dose import DoseInputError
    from oligoguide.dose.radiobiology import bed, eqd2
    from oligoguide.dose.tables import load_dose_tables

    named = courses(question)
    if not named:
        return []
    tables = load_dose_tables(kb)
    tumour = tables.alpha_beta_for("tumour")
    late = tables.alpha_beta_for("late_normal_tissue")
    ratios: list[tuple[float, str]] = []
    asked = _ALPHA_BETA.search(question)
    if asked is not None:
        ratios.append((_num(asked.group(1)), tumour.source))
    else:
        if re.search(r"spinal cord|\bcord\b", question, re.I):
            cord = tables.alpha_beta_for("spinal_cord")
            ratios.append((cord.alpha_beta_gy, cord.source))
        elif "prostate_cancer" in tables.alpha_beta and re.search(
            r"\bprostat\w*|\bm?crpc\b|\bpsa\b", question, re.I
        ):
            prostate = tables.alpha_beta_for("prostate_cancer")
            ratios.append((prostate.alpha_beta_gy, prostate.source))
        elif _LATE.search(question):
            ratios.append((late.alpha_beta_gy, late.source))
        else:
            ratios.append((tumour.alpha_beta_gy, tumour.source))
            if re.search(r"\beqd2\b|\bboth\b", question, re.I) and len(named) == 1:
                ratios.append((late.alpha_beta_gy, late.source))
    out: list[Sentence] = []
    for ab, source in ratios:
        citation = (source,) if source in kb.evidence else (tumour.source,)
        parts: list[str] = []
        values: list[tuple[Course, float, float]] = []
        for course in named:
            try:
                b = bed(course.total_gy, course.fractions, ab)
                e = eqd2(course.total_gy, course.fractions, ab)
            except DoseInputError:
                continue
            d = course.total_gy / course.fractions
            values.append((course, b, e))
            parts.append(
                f"{course.label()} ({d:g} Gy per fraction) gives BED{ab:g} = "
                f"{course.total_gy:g} x (1 + {d:g}/{ab:g}) = {_fmt(b)} Gy and EQD2 = "
                f"{_fmt(b)} / (1 + 2/{ab:g}) = {_fmt(e)} Gy"
            )
        if not values:
            continue
        text = "; ".join(parts) + f" (linear-quadratic model, alpha/beta {ab:g} Gy)."
        if len(values) > 1 and _SUM.search(question):
            total_bed = sum(v[1] for v in values)
            total_eqd2 = sum(v[2] for v in values)
            text = (
                f"Cumulative: BED{ab:g} {' + '.join(_fmt(v[1]) for v in values)} = "
                f"{_fmt(total_bed)} Gy, EQD2 {' + '.join(_fmt(v[2]) for v in values)} = "
                f"{_fmt(total_eqd2)} Gy (alpha/beta {ab:g} Gy; adding courses assumes no "
                f"recovery between them, the conservative reading). " + text
            )
        elif len(values) > 1 and _COMPARE.search(question):
            best = max(values, key=lambda v: v[1])
            text = (
                f"{best[0].label()} is the higher biologically effective dose at alpha/beta "
                f"{ab:g} Gy (BED{ab:g} {_fmt(best[1])} Gy). " + text
            )
        else:
            course, b, e = values[0]
            if len(values) == 1:
                text = (
                    f"{course.label()} is a BED{ab:g} of {_fmt(b)} Gy and an EQD2 of {_fmt(e)} Gy"
                    f" (alpha/beta {ab:g} Gy): " + text[0].lower() + text[1:]
                )
        out.append(Sentence(text=text, citations=citation, source=f"dose:{citation[0]}"))
    return out


def organ_limits(question: str, kb: KnowledgeBase) -> list[Sentence]:
    """Organ-at-risk limits from the constraint tables, with source and caveat."""
    from oligoguide.dose.tables import load_dose_tables

    organs = [name for name, pattern in _ORGANS if re.search(pattern, question, re.I)]
    if not organs:
        return []
    tables = load_dose_tables(kb)
    wanted: set[int] = set()
    for m in _FRACTIONS.finditer(question):
        word = m.group(1) or m.group(2)
        if word is None:
            wanted.add(1)
        elif word.isdigit():
            wanted.add(int(word))
        else:
            wanted.add(_WORDS.get(word.lower(), 0))
    for course in courses(question):
        wanted.add(course.fractions)
    out: list[Sentence] = []
    metric_asked = re.search(r"\bd ?max\b|point max\w*|maximum (?:point )?dose", question, re.I)
    volume_asked = re.search(r"\b(?:d|v)\s?\d+(?:\.\d+)?\s?cc\b|\bcv\s?\d+", question, re.I)
    for organ in organs:
        if organ not in tables.organs:
            continue
        rows = [r for r in tables.constraints if r.organ == organ]

        def asked(metric: str) -> bool:
            flat = metric.lower().replace(" ", "").replace(".", "")
            if metric_asked and flat == "dmax":
                return True
            wanted = volume_asked.group(0) if volume_asked else ""
            return bool(wanted) and flat in wanted.lower().replace(" ", "").replace(".", "")

        rows.sort(key=lambda r: not asked(r.metric))
        for row in rows:
            keys = sorted(k for k in row.limits_gy if not wanted or k in wanted) or sorted(
                row.limits_gy
            )
            limits = ", ".join(
                f"{row.limits_gy[k]:g} Gy in {k} fraction{'s' if k > 1 else ''}" for k in keys
            )
            name = organ.replace("_", " ")
            citation = row.source if row.source in kb.evidence else None
            if citation is None:
                continue
            text = f"{name.capitalize()} {row.metric} ({row.endpoint}): {limits}"
            text += f" (source: {source_name(kb, citation)})."
            if row.caveat:
                text += f" {row.caveat}"
            out.append(Sentence(text=text, citations=(citation,), source=f"dose:{citation}"))
        rule = next(
            (
                r
                for r in tables.reirradiation
                if r.organ == organ or (organ == "spinal_cord" and r.organ == "thecal_sac")
            ),
            None,
        )
        if (
            rule is not None
            and rule.source in kb.evidence
            and re.search(
                r"re-?irradiat|reirradiat|re-?rt\b|cumulative|previous|prior", question, re.I
            )
        ):
            text = (
                f"Re-irradiation of the {rule.organ.replace('_', ' ')}: cumulative {rule.metric} "
                f"EQD2 (alpha/beta {rule.alpha_beta_gy:g} Gy) up to {rule.cumulative_eqd2_gy:g} Gy"
            )
            if rule.course_eqd2_gy is not None:
                text += f", at most {rule.course_eqd2_gy:g} Gy EQD2 per SBRT course"
            if rule.min_interval_months is not None:
                text += f", at least {rule.min_interval_months:g} months apart"
            text += f" (source: {source_name(kb, rule.source)})."
            prior = courses(question)
            if prior:
                from oligoguide.dose.radiobiology import eqd2

                used = sum(eqd2(c.total_gy, c.fractions, rule.alpha_beta_gy) for c in prior)
                text += (
                    f" The prior course ({', '.join(c.label() for c in prior)}) is an EQD2 of "
                    f"{used:.1f} Gy at alpha/beta {rule.alpha_beta_gy:g} Gy, so about "
                    f"{max(rule.cumulative_eqd2_gy - used, 0):.1f} Gy EQD2 remains within the "
                    f"cumulative {rule.cumulative_eqd2_gy:g} Gy."
                )
            out.insert(
                0, Sentence(text=text, citations=(rule.source,), source=f"dose:{rule.source}")
            )
    return out
