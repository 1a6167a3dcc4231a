"""What reading a FHIR Bundle gives: the case, and every item of the Bundle not in it as sent.

`Unmapped` items carry a `Disposition`; `BundleReading.warnings` words them for the
assessment (see `read.py` for what each disposition means and when a Bundle is refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from oligoguide.model.case import Case

__all__ = ["LEFT_OUT", "BundleReading", "Disposition", "Unmapped"]


class Disposition(StrEnum):
    """What became of something in the Bundle that is not in the case as sent."""

    DROPPED = "dropped"  # content the reader reads but could not use: left out
    NOT_USED = "not_used"  # a resource (or code) oligoguide does not read
    EXCLUDED = "excluded"  # set aside by rule: entered in error, an earlier dose, administrative
    ASSUMED = "assumed"  # read, with the assumption stated ('other' site, conventional RT...)


#: What a strict reading refuses the Bundle for: content left out of the case.
LEFT_OUT = frozenset({Disposition.DROPPED, Disposition.NOT_USED})

_LABELS = {
    Disposition.DROPPED: "left out",
    Disposition.NOT_USED: "not read",
    Disposition.EXCLUDED: "set aside by rule",
    Disposition.ASSUMED: "read with an assumption",
}


@dataclass(frozen=True)
class Unmapped:
    """A resource (or part of one) that did not go into the case as sent, and why."""

    pointer: str
    resource: str
    reason: str
    kind: Disposition = Disposition.DROPPED
    #: A lesion, a tumour measurement or an imaging study: the response may differ with it.
    lesion_data: bool = False

    def __str__(self) -> str:
        return f"{self.resource} ({self.pointer}): {self.reason}"


@dataclass(frozen=True)
class BundleReading:
    case: Case
    unmapped: tuple[Unmapped, ...]
    lenient: bool = False

    @property
    def left_out(self) -> tuple[Unmapped, ...]:
        """Content left out of the case (only a lenient reading can have any)."""
        return tuple(u for u in self.unmapped if u.kind in LEFT_OUT)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every unmapped item, for the assessment's warnings: one line per reason (each
        resource with its pointer), after a summary when anything was left out."""
        out: list[str] = []
        left = self.left_out
        if left:
            lesions = any(u.lesion_data for u in left)
            out.append(
                f"FHIR Bundle read leniently: {len(left)} item(s) left out, listed below; the "
                "response, the disease state and the plan were assessed without them"
                + (
                    " and, as tumour measurements or lesions are among them, the disease state "
                    "may differ with them"
                    if lesions
                    else ""
                )
                + ". Check them in the source record before acting on this plan."
            )
        groups: dict[tuple[Disposition, str], list[Unmapped]] = {}
        for u in sorted(self.unmapped, key=lambda u: u.kind not in LEFT_OUT):
            groups.setdefault((u.kind, u.reason), []).append(u)
        for (kind, reason), items in groups.items():
            where = "; ".join(f"{u.resource} at {u.pointer}" for u in items)
            out.append(f"FHIR Bundle, {_LABELS[kind]}: {reason}: {where}")
        return tuple(out)
