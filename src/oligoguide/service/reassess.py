"""A stored case assessed again with the current knowledge base, keeping what its import said.

Reports and case pages re-assess the stored case (so they use the current knowledge base); the
warnings of a lenient FHIR import (what the import left out) live only in the assessment saved
with that version, so they are carried over here: never a later plan without them.
"""

from __future__ import annotations

from oligoguide.assess import Assessment, assess
from oligoguide.store import CaseRecord, Registry


def reassess(registry: Registry, record: CaseRecord, actor: str) -> Assessment:
    from oligoguide.fhir.assess_reading import import_warnings, with_warnings

    stored = registry.assessments(record.case_id, actor, record.version)
    carried = import_warnings(Assessment.model_validate(stored[0].data) if stored else None)
    return with_warnings(assess(record.case), carried)
