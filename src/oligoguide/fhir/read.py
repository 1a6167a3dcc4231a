"""FHIR R4 Bundle (transaction, batch, collection or searchset) with mCODE STU4 content -> Case.

The Bundle is first checked against the `fhir.resources.R4B` models (structure) and for the JSON
type of every primitive (the models convert `"false"` to a boolean); the codes are then checked
here, because the library does not check codes or value sets. Errors that make the Bundle
unusable raise CaseInputError with a JSON pointer into the Bundle.

Nothing is dropped, used or attached to the patient silently. Everything in the Bundle that is
not in the case as sent is an `Unmapped` item (pointer, resource, reason, `Disposition`):
- `DROPPED`: content the reader reads but cannot use (a tumour size whose `focus` names no
  Tumor, or without a date; a resource about another patient; a reference to nothing);
- `NOT_USED`: a resource or code oligoguide does not read (an unknown `resourceType` included);
- `EXCLUDED`: set aside by rule (entered in error, an earlier dose, administrative resources);
- `ASSUMED`: read with an assumption that is stated (an unknown site read as 'other').
By default a Bundle with anything DROPPED or NOT_USED is refused (CaseInputError naming every
item by pointer). `lenient=True` reads the rest and lists it all; `BundleReading.warnings` say so,
and `assess_reading` puts them in the assessment's warnings, so a left-out resource never changes
the disease state without the assessment saying so.
"""

from __future__ import annotations

from typing import Any

from oligoguide.fhir import context_read as cr
from oligoguide.fhir import context_read_patient as crp
from oligoguide.fhir._integrity import (
    ADMINISTRATIVE,
    check_subjects,
    unknown_types,
)
from oligoguide.fhir._read_util import (
    _codings,
    _fail,
    check_json_types,
)
from oligoguide.fhir._util import JSON, validate_bundle
from oligoguide.fhir.case_key import LOCAL_CASE_KEY_SECRET, case_key
from oligoguide.fhir.read_base import (
    BUNDLE_TYPES,
    IGNORED_STATUSES,
)
from oligoguide.fhir.read_imaging import _ImagingReader
from oligoguide.fhir.read_imaging_sr import read_sr_measurements
from oligoguide.fhir.reading import LEFT_OUT, BundleReading, Disposition, Unmapped
from oligoguide.model.errors import CaseInputError, InputIssue
from oligoguide.model.io import case_from_data

# Split along its seams (issue 23): read_base.py (entries, references, plumbing),
# read_disease.py (patient, cancer, lesions), read_treatments.py (observations, treatments),
# read_imaging.py (imaging studies), read_imaging_sr.py (DICOM SR measurements); the assembly
# of the case and bundle_to_case stay here.
__all__ = ["BUNDLE_TYPES", "IGNORED_STATUSES", "bundle_to_case"]


class _Reader(_ImagingReader):
    def forget_unknown_lesions(self, case: JSON) -> None:
        """Records that name a lesion the case does not hold (left out, or never in the
        Bundle) lose that link, reported at their entry."""
        known = {lesion["id"] for lesion in case["lesions"]}
        known |= {group["id"] for group in case.get("lesion_groups", [])}
        for index, record, field in self.mentions:
            value = record.get(field)
            named = [value] if isinstance(value, str) else list(value or [])
            unknown = [x for x in named if x not in known]
            if not unknown:
                continue
            self.skip(
                index,
                f"names lesion(s) {', '.join(map(repr, unknown))}, not in the case: "
                "that link is left out",
            )
            if isinstance(value, str):
                del record[field]
            else:
                record[field] = [x for x in named if x in known]
                if not record[field]:
                    del record[field]

    def leftovers(self) -> None:
        for index, resource in self.entries:
            if index in self.used:
                continue
            kind = str(resource.get("resourceType"))
            if kind in ADMINISTRATIVE:
                self.skip(
                    index,
                    f"{kind}: administrative, no clinical finding oligoguide reads",
                    kind=Disposition.EXCLUDED,
                )
                continue
            coding = next(iter(_codings(resource.get("code"))), None)
            what = (
                f"{kind} with code {coding.get('code')} ({coding.get('system')})"
                if coding
                else kind
            )
            self.skip(index, f"{what} is not used by oligoguide", kind=Disposition.NOT_USED)


def _case_id(bundle: JSON, reader: _Reader, secret: bytes) -> str:
    identifier = bundle.get("identifier") or {}
    if identifier.get("value"):
        return str(identifier["value"])
    if reader.patient_key is None:
        # Every such Patient would share one key, so one case would mix patients.
        raise _fail(
            "/identifier",
            "the Bundle has no case identifier and its Patient neither an identifier nor an id",
        )
    return case_key(reader.patient_key, secret)


def bundle_to_case(
    data: Any, *, case_key_secret: bytes = LOCAL_CASE_KEY_SECRET, lenient: bool = False
) -> BundleReading:
    """Read a FHIR R4 Bundle (parsed JSON) into a Case plus what could not be mapped.

    The case id is `Bundle.identifier.value`; without one it is a pseudonym of the patient made
    with `case_key_secret` (see case_key.py), never the patient's own id. A service passes its
    deployment secret; the default is a public constant, fine for local use only.

    Strict by default: a Bundle holding anything the case would be read without (see
    `Disposition`, `LEFT_OUT`) is refused, every such item named by its pointer. `lenient=True`
    reads the rest and lists every item in `BundleReading.unmapped` and `.warnings`.
    """
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise _fail("/resourceType", "a FHIR Bundle is expected")
    if data.get("type") not in BUNDLE_TYPES:
        raise _fail("/type", f"Bundle type must be one of {', '.join(sorted(BUNDLE_TYPES))}")
    known, unknown = unknown_types(data)
    check_json_types(known)
    bundle = validate_bundle(known)
    reader = _Reader(bundle, unknown)
    try:
        case = _read(reader, bundle, case_key_secret)
    except CaseInputError as error:
        # What was set aside first (a primary cancer of another patient, say) may be the cause.
        raise CaseInputError([*_issues(reader.unmapped, lenient), *error.issues]) from None
    if not lenient and (left := [u for u in reader.unmapped if u.kind in LEFT_OUT]):
        raise CaseInputError(_issues(left, lenient))
    try:
        built = case_from_data(case)
    except CaseInputError as error:
        raise CaseInputError([_in_bundle(i, case, reader.origins) for i in error.issues]) from None
    return BundleReading(built, tuple(reader.unmapped), lenient)


def _in_bundle(issue: InputIssue, case: JSON, origins: dict[int, int]) -> InputIssue:
    """A refusal of the case read from the Bundle, pointed at the entry it was read from
    (where the record is known), else at the Bundle."""
    where: dict[str, int] = {}
    stack: list[tuple[Any, str]] = [(case, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            if id(node) in origins:
                where[pointer] = origins[id(node)]
            stack.extend((v, f"{pointer}/{k}") for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{pointer}/{k}") for k, v in enumerate(node))
    found = max(
        (p for p in where if issue.pointer == p or issue.pointer.startswith(p + "/")),
        key=len,
        default=None,
    )
    read_as = f"the case read from the Bundle is invalid at {issue.pointer or '/'}"
    if found is None:
        return InputIssue("", f"{read_as}: {issue.message}")
    return InputIssue(f"/entry/{where[found]}/resource", f"{issue.message} ({read_as})")


def _issues(items: list[Unmapped], lenient: bool) -> list[InputIssue]:
    hint = (
        ""
        if lenient
        else ". Refused rather than read without it: correct the record, or import leniently "
        "(the assessment then lists it and is made without it)"
    )
    return [
        InputIssue(u.pointer, f"{u.resource}: {u.reason}{hint}")
        for u in items
        if u.kind in LEFT_OUT
    ]


def _read(reader: _Reader, bundle: JSON, case_key_secret: bytes) -> JSON:
    """The case as plain JSON for `case_from_data`; what is left out is in `reader.unmapped`."""
    patient = reader.patient()
    check_subjects(reader)
    primary_index, _, secondaries = reader.conditions()
    tumors = reader.tumors(primary_index, secondaries)
    reader.measurements(tumors)
    cr.lesion_observations(reader, tumors)
    ecog = reader.ecog()
    if ecog is not None:
        patient["ecog"] = ecog
    age = reader.age()
    if age is not None:
        patient["age"] = age
    cancer = reader.cancer
    markers = reader.biomarkers()
    if markers:
        cancer["biomarkers"] = markers
    lesions = []
    for index, lesion in list(tumors.items()):
        series = lesion.pop("measurements")
        if not series:
            reader.skip(index, "tracked lesion without any measurement: left out")
            del tumors[index]  # so that nothing is tied to it
            continue
        lesion["measurements"] = [series[d] for d in sorted(series)]
        lesions.append(lesion)
    case: JSON = {
        "case_id": _case_id(bundle, reader, case_key_secret),
        "patient": {k if k != "birthDate" else "birth_date": v for k, v in patient.items()},
        "cancer": cancer,
        "systemic_therapies": reader.therapies(),
        "local_treatments": reader.local_treatments(tumors),
        "lesions": lesions,
        "imaging": reader.imaging(),
        "prior_treatment_lines": cr.prior_lines(reader),
        "prior_radiotherapy": reader.prior_rt,
        **crp.read_context(reader, reader.body_site),
    }
    if reader.primary_tumour is not None:
        case["primary_tumour"] = reader.primary_tumour
    for key, value in reader.case_extras.items():
        if value is not None:
            case[key] = value
    read_sr_measurements(reader, case)  # after the Bundle's own lesions: merged as import-sr
    reader.forget_unknown_lesions(case)
    reader.leftovers()
    return case
