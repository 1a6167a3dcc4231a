"""Radiotherapy dose: LQ radiobiology, cited schedules by site, organ-at-risk limit checks.

Public API (the plan engine and every face call only these)::

    bed, eqd2, isoeffective_total_dose, cumulative_eqd2      radiobiology
    suggest_schedule -> ScheduleSuggestion                   schedules
    check_constraints(total_gy, fractions, points, prior_courses) -> ConstraintReport
    default_dose_tables, load_dose_tables, DoseTables        the cited data
    DoseInputError, DoseDataError                            errors (see dose.errors)
"""

from oligoguide.dose.constraints import (
    ConstraintReport,
    ConstraintResult,
    DosePoint,
    PriorCourse,
    check_constraints,
)
from oligoguide.dose.errors import DoseDataError, DoseInputError
from oligoguide.dose.radiobiology import bed, cumulative_eqd2, eqd2, isoeffective_total_dose
from oligoguide.dose.schedules import ScheduleOption, ScheduleSuggestion, suggest_schedule
from oligoguide.dose.tables import DoseTables, default_dose_tables, load_dose_tables

__all__ = [
    "ConstraintReport",
    "ConstraintResult",
    "DoseDataError",
    "DoseInputError",
    "DosePoint",
    "DoseTables",
    "PriorCourse",
    "ScheduleOption",
    "ScheduleSuggestion",
    "bed",
    "check_constraints",
    "cumulative_eqd2",
    "default_dose_tables",
    "eqd2",
    "isoeffective_total_dose",
    "load_dose_tables",
    "suggest_schedule",
]
