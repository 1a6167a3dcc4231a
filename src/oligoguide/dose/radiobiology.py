"""Linear-quadratic radiobiology: BED, EQD2, iso-effective schedules, cumulative EQD2.

BED = n·d·(1 + d/(α/β)), with n fractions of d Gy; EQD2 = BED / (1 + 2/(α/β)).
The LQ model is debated above about 8-10 Gy per fraction (see docs/dose.md): these numbers
compare schedules, they do not replace SBRT-specific tolerance tables.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from oligoguide.dose.errors import DoseInputError


def _check_dose(value: float, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DoseInputError(field, f"must be a number of Gy, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise DoseInputError(field, f"must be a finite dose above 0 Gy, got {value!r}")
    return float(value)


def _check_fractions(value: int, field: str = "fractions") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DoseInputError(field, f"must be a whole number of fractions, got {value!r}")
    if value < 1:
        raise DoseInputError(field, f"must be at least 1, got {value!r}")
    return value


def _check_alpha_beta(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DoseInputError("alpha_beta", f"must be a number of Gy, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise DoseInputError("alpha_beta", f"must be a finite value above 0 Gy, got {value!r}")
    return float(value)


def bed(total_gy: float, fractions: int, alpha_beta: float) -> float:
    """Biologically effective dose (Gy) of total_gy given in equal fractions."""
    total = _check_dose(total_gy, "total_gy")
    n = _check_fractions(fractions)
    ab = _check_alpha_beta(alpha_beta)
    per_fraction = total / n
    return total * (1.0 + per_fraction / ab)


def eqd2(total_gy: float, fractions: int, alpha_beta: float) -> float:
    """Equivalent dose in 2-Gy fractions (Gy)."""
    ab = _check_alpha_beta(alpha_beta)
    return bed(total_gy, fractions, ab) / (1.0 + 2.0 / ab)


def isoeffective_total_dose(
    total_gy: float, fractions: int, new_fractions: int, alpha_beta: float
) -> float:
    """Total dose in new_fractions with the same BED as total_gy in fractions.

    Solves n2·d2·(1 + d2/(α/β)) = BED for d2 (the positive root) and returns n2·d2.
    """
    target = bed(total_gy, fractions, alpha_beta)
    n2 = _check_fractions(new_fractions, "new_fractions")
    ab = float(alpha_beta)
    # d2² + ab·d2 − ab·BED/n2 = 0
    d2 = (-ab + math.sqrt(ab * ab + 4.0 * ab * target / n2)) / 2.0
    return n2 * d2


def cumulative_eqd2(courses: Iterable[tuple[float, int]], alpha_beta: float) -> float:
    """Sum of the EQD2 of several courses, each given as (total_gy, fractions).

    Adding EQD2 assumes no recovery between courses: the conservative reading.
    """
    items = list(courses)
    if not items:
        raise DoseInputError("courses", "at least one course is needed")
    return sum(eqd2(total, n, alpha_beta) for total, n in items)
