"""What oligoguide did with a mutated input: refused it, warned about it, or read it silently."""

from __future__ import annotations

from typing import Literal

from oligoguide.assess import assess
from oligoguide.model import CaseInputError, case_from_json

Outcome = Literal["refused", "warned", "silent"]


def outcome(text: str, pointer: str) -> tuple[Outcome, str]:
    """Refused with a pointer, assessed with a warning naming the pointer, or neither."""
    try:
        case = case_from_json(text)
    except CaseInputError as error:
        if all(issue.pointer or not pointer for issue in error.issues):
            return "refused", str(error.issues[0])
        return "silent", f"refused without a pointer: {error}"
    a = assess(case)
    named = [w for w in a.warnings if pointer and pointer in w]
    if named:
        return "warned", named[0]
    return "silent", "accepted without a warning"
