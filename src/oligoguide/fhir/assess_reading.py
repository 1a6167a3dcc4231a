"""Assess what a FHIR Bundle gave: the case's assessment, carrying what the reading set aside.

Every face that assesses a Bundle (REST, CDS Hooks, CLI) goes through here, so that a resource
left out of the case, or read with an assumption, is in `Assessment.warnings` (listed first):
the disease state is never changed by a left-out resource without the assessment saying so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from oligoguide.assess import Assessment, assess
from oligoguide.fhir.reading import BundleReading
from oligoguide.state import Thresholds


def with_warnings(assessment: Assessment, warnings: Sequence[str]) -> Assessment:
    """The assessment with `warnings` before its own (the same object when there are none)."""
    if not warnings:
        return assessment
    return assessment.model_copy(update={"warnings": (*warnings, *assessment.warnings)})


def assess_reading(
    reading: BundleReading, thresholds: Thresholds | None = None, today: dt.date | None = None
) -> Assessment:
    """`assess(reading.case)` with the reading's warnings (`BundleReading.warnings`)."""
    return with_warnings(assess(reading.case, thresholds, today), reading.warnings)


#: How every line of `BundleReading.warnings` begins: the mark of an import warning.
IMPORT_WARNING_PREFIX = "FHIR Bundle"


def import_warnings(stored: Assessment | None) -> tuple[str, ...]:
    """The import warnings of a stored assessment, to carry into a later re-assessment of the
    same case version (the case itself does not keep what its import left out)."""
    if stored is None:
        return ()
    return tuple(w for w in stored.warnings if w.startswith(IMPORT_WARNING_PREFIX))
