"""Whether the systemic therapy a question names is still running or already over.

"Colon ca resected 2021, FOLFOX done, off all treatment 3 yrs, now 2 new lung nodules" describes
recurrence off therapy (ESTRO/EORTC oligorecurrence), not progression on FOLFOX: a plan that says
"continue FOLFOX" there would be wrong. Only explicit wording counts; a drug named without any
cue is taken as current, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: The patient is off systemic therapy now, whatever was given before.
OFF_THERAPY = re.compile(
    r"\boff (?:all )?(?:systemic )?(?:treatment|therapy|therapies|tx|chemo\w*|drugs?)\b|"
    r"\btreatment[- ]free\b|\bno (?:systemic |current |active )?(?:treatment|therapy|tx)\b"
    r"(?= since| for| now|\s*\d|,|\.|$)|\bnot on (?:any )?(?:systemic )?(?:treatment|therapy)\b|"
    r"\b(?:chemo(?:therapy)?|treatment) (?:holiday|break)\b|\bon (?:active )?surveillance\b|"
    r"\bobservation only\b",
    re.IGNORECASE,
)

#: A cue just before a drug that puts it in the past ("completed FOLFOX", "s/p pembro").
_PAST_BEFORE = re.compile(
    r"\b(?:completed|finished|stopped|discontinued|s/p|prior|previous(?:ly)?|done with|"
    r"status post)\s+(?:[\w/+-]+\s+){0,2}$",
    re.IGNORECASE,
)

#: A cue just after a drug that puts it in the past ("FOLFOX done", "pembro stopped 2023").
_PAST_AFTER = re.compile(
    r"^[\s,)]*(?:(?:x ?)?\d+\s*(?:cycles?|mo|months?)\s*,?\s*)?"
    r"(?:done|completed|finished|stopped|discontinued|ended|held since|until (?:19|20)\d{2})\b",
    re.IGNORECASE,
)

#: The patient is on a drug now ("on osi", "currently on", "restarted").
CURRENT = re.compile(
    r"\b(?:currently|now|still) on\b|\brestarted\b|\bre-?challeng\w*\b|\bprogressing on\b|"
    r"\bwhile on\b|\bmaint(?:enance)?\b",
    re.IGNORECASE,
)


def _past(text: str, span: tuple[int, int]) -> bool:
    before = text[max(0, span[0] - 40) : span[0]]
    after = text[span[1] : span[1] + 40]
    return bool(_PAST_BEFORE.search(before) or _PAST_AFTER.match(after))


def off_therapy(text: str, drug_spans: Iterable[tuple[int, int]]) -> bool:
    """True when the question says the patient is off systemic therapy now: said outright, or
    every named drug is said to be finished, and nothing says a drug is running."""
    if CURRENT.search(text):
        return False
    if OFF_THERAPY.search(text):
        return True
    spans = list(drug_spans)
    return bool(spans) and all(_past(text, span) for span in spans)


#: "on osi x 14mo", "on enzalutamide 2 y", "letrozole/palbo for 18 months": how long the current
#: therapy has run (not "6 wks ago", which dates an event).
_DURATION = re.compile(
    r"(?:\bon\b|\bx\b|\bfor\b|\bsince\b)[^.;,?]{0,30}?\b(\d+(?:\.\d+)?)\s*"
    r"(mo|mos|months?|y|yrs?|years?|wks?|weeks?)\b(?!\s*ago)",
    re.IGNORECASE,
)
_MONTHS_PER = {"mo": 1.0, "mos": 1.0, "month": 1.0, "months": 1.0, "y": 12.0, "yr": 12.0,
               "yrs": 12.0, "year": 12.0, "years": 12.0, "wk": 0.23, "wks": 0.23, "week": 0.23,
               "weeks": 0.23}  # fmt: skip


_WEEK_N = re.compile(r"\bon\b[^.;,?]{0,30}?\b(?:wk|week)\s*(\d{1,3})\b", re.IGNORECASE)


def months_on_therapy(text: str) -> float | None:
    """How many months the current therapy has run, when the question says so ("wk 9" too)."""
    match = _DURATION.search(text)
    if match is not None:
        months = float(match.group(1)) * _MONTHS_PER[match.group(2).lower()]
    elif (week := _WEEK_N.search(text)) is not None:
        months = int(week.group(1)) * _MONTHS_PER["weeks"]
    else:
        return None
    return months if 0 < months <= 240 else None


#: The therapy is only now beginning ("starting lorlatinib", "about to start osi", "newly
#: diagnosed"): lesions seen now are its baseline, not progression on it.
STARTING = re.compile(
    r"\b(?:starting|about to start|to start|will start|initiat\w*|commencing|newly diagnosed|"
    r"at diagnosis|treatment[- ]naive|de novo|baseline)\b",
    re.IGNORECASE,
)
