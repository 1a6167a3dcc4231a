"""FHIR R4 / mCODE STU4 in and out, and CDS Hooks 2.0.1 cards.

Public API:
- `bundle_to_case(bundle_json, *, case_key_secret=..., lenient=False) -> BundleReading` (case +
  every item not in it as sent, each with a `Disposition`; strict by default: a Bundle with
  content the case would be read without is refused by pointer; a Bundle without a case
  identifier gets a keyed pseudonym, `case_key.py`);
- `assess_reading(reading) -> Assessment`: the assessment, with the reading's warnings;
- `case_to_bundle(case) -> Bundle JSON` (mCODE collection Bundle);
- `assessment_to_bundle(assessment, case) -> Bundle JSON` (disease status, CarePlan,
  DetectedIssue, Citation, Provenance);
- `cds_hooks`: CDS Hooks models, `PATIENT_VIEW_SERVICE`, `prefetch_to_bundle`,
  `assessment_to_cards`.

Errors: bad Bundles raise `oligoguide.model.CaseInputError` with JSON pointers into the Bundle.
Requires the `service` extra (fhir.resources).
"""

from oligoguide.fhir.assess_reading import assess_reading, with_warnings
from oligoguide.fhir.case_to_bundle import case_to_bundle
from oligoguide.fhir.read import bundle_to_case
from oligoguide.fhir.reading import LEFT_OUT, BundleReading, Disposition, Unmapped
from oligoguide.fhir.write import assessment_to_bundle, disease_status_code

__all__ = [
    "LEFT_OUT",
    "BundleReading",
    "Disposition",
    "Unmapped",
    "assess_reading",
    "assessment_to_bundle",
    "bundle_to_case",
    "case_to_bundle",
    "disease_status_code",
    "with_warnings",
]
