"""RECIST arithmetic shared by the patient-level and the per-lesion rules."""

from __future__ import annotations

PD_RELATIVE = 0.20  # >=20% over the nadir ...
PD_ABSOLUTE_MM = 5.0  # ... and >=5 mm in absolute terms
PR_RELATIVE = -0.30  # >=30% below baseline
TOO_SMALL_DEFAULT_MM = 5.0  # RECIST 1.1: present but too small to measure counts as 5 mm


def percent_change(value: float, reference: float) -> float | None:
    """Percentage change, or None when the reference is zero (the change is unbounded)."""
    if reference == 0:
        return None
    return round((value - reference) / reference * 100.0, 1)


def is_progression(value: float, nadir: float) -> bool:
    """>=20% above the nadir and >=5 mm larger; from a nadir of 0 the 5 mm rule alone applies."""
    growth = value - nadir
    if growth < PD_ABSOLUTE_MM:
        return False
    return nadir == 0 or growth / nadir >= PD_RELATIVE


def is_partial_response(value: float, baseline: float) -> bool:
    return baseline > 0 and (value - baseline) / baseline <= PR_RELATIVE
