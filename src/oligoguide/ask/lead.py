"""The first sentence of an answer: the answer to the question asked."""

from __future__ import annotations

import re
from typing import Any

from oligoguide.ask.kinds import FOLLOW_TIMING
from oligoguide.ask.models import (
    Correction,
    Section,
    Understood,
)

_SAFETY_ASK = re.compile(
    r"\b(?:ok|okay|safe\w*|risk\w*|while on|concurrent\w*|together with|hold|pause|stop|"
    r"interrupt\w*|toxicit\w*|danger\w*)\b",
    re.IGNORECASE,
)


def _asked_concern(question: str, u: Understood, assessment: Any) -> str | None:
    """When the question asks whether something is safe or right ("SBRT ok while on Avastin?",
    "54 Gy/3 ok?"), the plan's recommendation about that answers it first: a schedule the
    plan does not give is answered with the plan's schedule, else the recommendation naming
    most of the question's drugs, organs and treatments."""
    if not _SAFETY_ASK.search(question):
        return None
    from oligoguide.ask.route import courses

    asked = courses(question)
    for r in assessment.recommendations:
        if asked and r.dose is not None:
            if (r.dose.total_gy, r.dose.fractions) != (asked[0].total_gy, asked[0].fractions):
                return f"Not {asked[0].label()} as asked: {r.text}"
            return str(r.text)
    organs = {o.replace("_", " ") for m in u.lesions for o in m.adjacent_organs}
    words = [*u.therapies, *u.therapy_classes, *organs]
    drug_words = {"bevacizumab": ("anti-vegf", "bevacizumab"), "anti_vegf": ("anti-vegf",)}
    keys = {w.lower() for w in words} | {k for w in words for k in drug_words.get(w.lower(), ())}
    keys |= {
        m for m in ("sbrt", "srs", "surgery", "resection", "ablation") if m in question.lower()
    }
    best, score = None, 0
    for r in assessment.recommendations:
        lower = r.text.lower()
        hits = sum(1 for k in keys if k and k in lower)
        if hits > score and not lower.startswith("continue"):
            best, score = str(r.text), hits
    return best


def answer_lead(
    question: str,
    u: Understood,
    sections: tuple[Section, ...],
    assessment: Any | None,
    corrections: list[Correction],
    gaps: list[str] | None = None,
) -> str:
    """The first sentence: the answer to the question asked."""
    first = next((sec.sentences[0].text for sec in sections if sec.sentences), "")
    if not first:  # nothing held answers it: say so rather than answer with nothing
        return next(iter(gaps or ()), "The knowledge base holds no statement that answers this.")
    unknown = [g for g in gaps or () if g.startswith(("No record of ", "No randomised trial"))]
    if u.question_type in ("evidence", "guideline") and unknown:
        return unknown[0]
    no_interval = [g for g in gaps or () if g.startswith("No sourced imaging interval")]
    if u.question_type == "follow_up" and no_interval and FOLLOW_TIMING.search(question):
        return f"{no_interval[0]} {first}".strip()  # asked "how often": say first it is not held
    if u.question_type == "false_premise" and corrections:
        return f"No: {first}"
    if (
        u.question_type == "case"
        and assessment is not None
        and (not u.diffuse_sites or str(assessment.disease_state) == "polyprogression")
    ):
        state = str(assessment.disease_state).replace("_", " ")
        if state == "oligometastatic" and assessment.on_systemic_therapy is False:
            state += " (off systemic therapy: oligorecurrence in the ESTRO/EORTC terms)"
        recs = [r.text for r in assessment.recommendations]
        head = f"The engine classifies the described patient as {state}"
        concern = _asked_concern(question, u, assessment)
        if concern is not None:
            return f"{head}: {concern[:1].lower()}{concern[1:]}"
        return f"{head}: {recs[0]}" if recs else f"{head}."
    if u.question_type == "case" and assessment is None and u.sites_uncertain and not u.lesions:
        sites = ", ".join(x.replace("_", " ") for x in u.sites_uncertain)
        return (
            f"Not yet: the {sites} lesion is only suspected; confirm it first (dedicated imaging "
            "such as MRI, or biopsy) before any local treatment. " + first
        ).strip()
    if (
        u.question_type == "case"
        and u.diffuse_sites
        and (assessment is None or str(assessment.disease_state) != "polyprogression")
    ):
        return (
            "Multiple or uncounted lesions ("
            + ", ".join(x.replace("_", " ") for x in u.diffuse_sites)
            + ") mean polyprogression, not oligoprogression: change the systemic therapy; "
            "ablative local treatment of every lesion is not recommended. " + first
        ).strip()
    return first
