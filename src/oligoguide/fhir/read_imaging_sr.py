"""DICOM SR Measurement Reports (TID 1500) carried in a FHIR Bundle, read into the case's lesions
(issue 24): the FHIR face of `oligoguide import-sr` (docs/dicom.md).

Where the SR is, as an EHR or PACS integration sends it:
- an ImagingStudy with an SR series (`series.modality` DICOM `SR`, system
  http://dicom.nema.org/resources/ontology/DCM) is linked to the report's content by a
  DiagnosticReport (`imagingStudy`; the SR in `presentedForm`, or in a Media of `media`), a
  DocumentReference (`context.related`; the SR in `content.attachment`) or a Media (`partOf`;
  `content`);
- the content is an Attachment of contentType `application/dicom` with its `data` (base64) or a
  `url` naming a Binary of the Bundle (contentType `application/dicom`), or such a Binary alone.

Every SR found is read with `dicom.sr_read` and merged with `dicom.sr_map.merge_reports`, as
`import-sr --case` merges: lesions matched by tracking identifier, nothing of the case changed, a
differing value a conflict (the case's kept). What cannot be used is reported at the resource
that carried it, by name (DROPPED, lesion data): a file that is not a TID 1500 report, an SR of
another patient or study, a left-out measurement, a conflict, and an SR only referenced from
outside the Bundle, which is never fetched (no network).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import importlib.util
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from oligoguide.fhir import codes as c
from oligoguide.fhir._util import JSON
from oligoguide.fhir.read_base import IGNORED_STATUSES, _ReaderBase
from oligoguide.fhir.reading import Disposition, Unmapped

if TYPE_CHECKING:
    from oligoguide.dicom.sr_read import SrReport

DICOM_CONTENT = "application/dicom"
DICOM_UID_SYSTEM = "urn:dicom:uid"
NOT_FETCHED = (
    "oligoguide reads only what the Bundle holds and never fetches over the network; "
    "send the SR in the Bundle (a Binary, or the attachment's data)"
)
Path = tuple[str | int, ...]


def _is_sr(coding: Any) -> bool:
    return (
        isinstance(coding, dict)
        and coding.get("code") == "SR"
        and coding.get("system") in (None, c.DICOM_DCM)
    )


def is_sr_study(study: JSON) -> bool:
    """An ImagingStudy with a DICOM SR series (or modality SR)."""
    series = [s.get("modality") for s in study.get("series") or []]
    return any(_is_sr(x) for x in [*(study.get("modality") or []), *series])


def _content_type(value: Any) -> str:
    return str(value or "").split(";")[0].strip().lower()


def _study_uids(study: JSON) -> set[str]:
    """The StudyInstanceUIDs an ImagingStudy declares (identifier system urn:dicom:uid)."""
    return {
        str(x["value"]).removeprefix("urn:oid:")
        for x in study.get("identifier") or []
        if x.get("system") == DICOM_UID_SYSTEM and x.get("value")
    }


@dataclass
class _Content:
    index: int  # the entry reported on: the Binary, or the resource holding the attachment
    path: Path  # where in it
    label: str  # how messages name it
    data: bytes
    studies: set[int] = field(default_factory=set)  # ImagingStudy entries it is linked to


class _Finder:
    """Every DICOM content of the Bundle, once each (a Binary by its entry, inline data by its
    hash), with the ImagingStudies it is linked to."""

    def __init__(self, reader: _ReaderBase) -> None:
        self.r = reader
        self.found: dict[object, _Content] = {}
        self.binaries: set[int] = set()
        self.others: list[tuple[int, Path, str]] = []  # attachments of other content types
        self.carriers: set[int] = set()  # resources that carried DICOM content

    def collect(self) -> list[_Content]:
        media: dict[int, set[int]] = {i: self.studies(r.get("partOf")) for i, r in self.of("Media")}
        for index, resource in self.of("DiagnosticReport"):
            studies = self.studies(resource.get("imagingStudy"))
            for n, form in enumerate(resource.get("presentedForm") or []):
                self.attachment(index, form, ("presentedForm", n), studies)
            for item in resource.get("media") or []:
                target = self.r.resolve((item or {}).get("link"))
                if target in media:
                    media[target] |= studies
        for index, resource in self.of("DocumentReference"):
            studies = self.studies((resource.get("context") or {}).get("related"))
            for n, content in enumerate(resource.get("content") or []):
                attachment = (content or {}).get("attachment")
                self.attachment(index, attachment, ("content", n, "attachment"), studies)
        for index, studies in media.items():
            resource = self.r.bundle["entry"][index]["resource"]
            self.attachment(index, resource.get("content"), ("content",), studies)
        for index, resource in self.of("Binary"):
            if index not in self.binaries and _content_type(resource.get("contentType")) == (
                DICOM_CONTENT
            ):
                self.binary(index, set())
        for index, path, kind in self.others:
            if index in self.carriers and self.r.kind_of(index) != "DiagnosticReport":
                self.r.skip(
                    index, f"attachment of contentType {kind!r} is not read", *path,
                    kind=Disposition.NOT_USED,
                )  # fmt: skip
        return list(self.found.values())

    def of(self, kind: str) -> list[tuple[int, JSON]]:
        """The active resources of a type. A DocumentReference or Media entered in error is
        reported as set aside (nothing else reads them); a DiagnosticReport is read_imaging's."""
        if kind == "DiagnosticReport":
            found = self.r.of_type(kind)
            return [(i, r) for i, r in found if r.get("status") not in IGNORED_STATUSES]
        return [(i, r) for i, r in self.r.of_type(kind) if self.r.active(i, r)]

    def studies(self, references: Any) -> set[int]:
        refs = references if isinstance(references, list) else [references]
        found = {self.r.resolve(x) for x in refs if x is not None}
        return {i for i in found if i is not None and self.r.kind_of(i) == "ImagingStudy"}

    def attachment(self, index: int, attachment: Any, path: Path, studies: set[int]) -> None:
        if not isinstance(attachment, dict):
            return
        kind = _content_type(attachment.get("contentType"))
        if kind != DICOM_CONTENT:
            self.others.append((index, path, kind or "none"))
            return
        self.carriers.add(index)
        self.r.used.add(index)
        data, url = attachment.get("data"), attachment.get("url")
        label = f"{self.r.name(index)} {_where(path)}"
        if isinstance(data, str) and data:
            raw = self.decode(index, data, (*path, "data"))
            if raw is not None:
                key = ("data", hashlib.sha256(raw).hexdigest())
                self.add(key, _Content(index, path, label, raw, set(studies)))
        elif isinstance(url, str) and url:
            target = self.r.resolve({"reference": url})
            if target is None or self.r.kind_of(target) != "Binary":
                drop(self.r, index, f"SR referenced at {url} not fetched: {NOT_FETCHED}", *path)
            else:
                self.binary(target, studies)
        else:
            drop(self.r, index, "DICOM attachment without data or url: left out", *path)

    def binary(self, index: int, studies: set[int]) -> None:
        self.binaries.add(index)
        self.r.used.add(index)
        resource = self.r.bundle["entry"][index]["resource"]
        kind = _content_type(resource.get("contentType"))
        if kind != DICOM_CONTENT:
            reason = f"Binary of contentType {kind!r} named as DICOM content: not read"
            drop(self.r, index, reason, "contentType")
            return
        data = resource.get("data")
        raw = self.decode(index, data, ("data",)) if isinstance(data, str) and data else None
        if raw is None:
            if not data:
                drop(self.r, index, "DICOM Binary without data: left out", "data")
            return
        self.add(("binary", index), _Content(index, (), self.r.name(index), raw, set(studies)))

    def decode(self, index: int, text: str, path: Path) -> bytes | None:
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            drop(self.r, index, "DICOM content is not valid base64: left out", *path)
            return None

    def add(self, key: object, content: _Content) -> None:
        held = self.found.setdefault(key, content)
        held.studies |= content.studies


def _where(path: Path) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def drop(reader: _ReaderBase, index: int, reason: str, *path: str | int) -> None:
    """SR content left out: lesion data (the response may differ with it)."""
    reader.unmapped.append(
        Unmapped(reader.ptr(index, *path), reader.name(index), reason, Disposition.DROPPED, True)
    )


#: The `dicom` extra: what reading an SR needs.
DICOM_EXTRA = ("pydicom", "highdicom")


def missing_support() -> str | None:
    """Why DICOM SR content cannot be read here (the `dicom` extra), or None."""
    missing = [name for name in DICOM_EXTRA if importlib.util.find_spec(name) is None]
    if not missing:
        return None
    return (
        f"DICOM SR content not read: the 'dicom' extra ({', '.join(missing)}) is not installed "
        "on this system (pip install 'oligoguide[dicom]')"
    )


def read_sr_measurements(reader: _ReaderBase, case: JSON) -> None:
    """The measurements of every DICOM SR in the Bundle merged into `case` (its JSON, before
    validation) as import-sr merges; everything not used reported in `reader.unmapped`."""
    sr_studies = [
        (i, r)
        for i, r in reader.of_type("ImagingStudy")
        if is_sr_study(r) and r.get("status") not in IGNORED_STATUSES
    ]
    contents = _Finder(reader).collect()
    if not contents and not sr_studies:
        return
    reports: list[tuple[_Content, SrReport]] = []
    problem = missing_support() if contents else None
    if problem is not None:
        for content in contents:
            drop(reader, content.index, problem, *content.path)
    else:
        reports = _read(reader, contents)
        _merge(reader, case, [(x, r) for x, r in reports if _belongs(reader, x, r)])
    _unread_studies(reader, sr_studies, contents, reports)


def _read(reader: _ReaderBase, contents: list[_Content]) -> list[tuple[_Content, SrReport]]:
    from oligoguide.dicom.sr_read import SrFileError, read_report

    out: list[tuple[_Content, SrReport]] = []
    for content in contents:
        try:
            out.append((content, read_report(content.data, content.label)))
        except SrFileError as error:
            drop(reader, content.index, f"DICOM SR not read: {error.reason}", *content.path)
    return out


def _belongs(reader: _ReaderBase, content: _Content, report: SrReport) -> bool:
    """The SR is of the Bundle's Patient and of the studies it is linked to; else reported."""
    patient = reader.bundle["entry"][reader.patient_index]["resource"]
    ids = {str(x.get("value")) for x in patient.get("identifier") or [] if x.get("value")}
    ids |= {str(patient["id"])} if patient.get("id") else set()
    if report.patient_id and report.patient_id not in ids:
        reason = (
            f"the SR's PatientID {report.patient_id!r} is none of the Patient's identifiers: "
            "never attached to this case"
        )
        drop(reader, content.index, reason, *content.path)
        return False
    for study in sorted(content.studies):
        uids = _study_uids(reader.bundle["entry"][study]["resource"])
        if uids and report.study_uid not in uids:
            reason = (
                f"the SR is of study {report.study_uid}, not of {reader.name(study)} it is "
                f"linked to ({', '.join(sorted(uids))}): left out"
            )
            drop(reader, content.index, reason, *content.path)
            return False
    return True


def _merge(reader: _ReaderBase, case: JSON, reports: list[tuple[_Content, SrReport]]) -> None:
    from oligoguide.dicom.sr_map import merge_reports
    from oligoguide.dicom.sr_read import SrImportError

    if not reports:
        return
    reports = sorted(reports, key=lambda x: x[1].study_date)  # as read_reports gives them
    before = {id(x) for x in case.setdefault("lesions", [])}
    try:
        merged = merge_reports([r for _, r in reports], case)
    except SrImportError as error:  # clashing identities: none of these SRs is used
        for content, _ in reports:
            reason = f"DICOM SR measurements not imported: {'; '.join(error.problems)}"
            drop(reader, content.index, reason, *content.path)
        return
    first = reports[0][0]
    for lesion in case["lesions"]:
        if id(lesion) not in before:
            reader.origin(lesion, first.index)  # a refusal of the lesion names its SR
    for message in [*merged.warnings, *merged.conflicts]:
        content = next((x for x, _ in reports if message.startswith(x.label + ":")), first)
        drop(reader, content.index, f"DICOM SR: {message}", *content.path)


def _unread_studies(
    reader: _ReaderBase,
    studies: list[tuple[int, JSON]],
    contents: list[_Content],
    reports: list[tuple[_Content, SrReport]],
) -> None:
    """An SR ImagingStudy with no SR content in the Bundle: reported, naming where its SR is
    (an Endpoint's address, never fetched) when the study says."""
    linked = {i for x in contents for i in x.studies}
    read_uids = {r.study_uid for _, r in reports if r.study_uid}
    for index, study in studies:
        reader.used.add(index)
        if index in linked or _study_uids(study) & read_uids:
            continue
        places = [_address(reader, ref) for ref in study.get("endpoint") or []]
        for series in study.get("series") or []:
            if _is_sr(series.get("modality")):
                places += [_address(reader, ref) for ref in series.get("endpoint") or []]
        for place in dict.fromkeys(p for p in places if p):
            drop(reader, index, f"SR referenced at {place} not fetched: {NOT_FETCHED}")
        if not any(places):
            reason = (
                "DICOM SR series without its SR content in the Bundle (a Binary, or an "
                "attachment of a DiagnosticReport, DocumentReference or Media linked to this "
                "study): its measurements are not read"
            )
            drop(reader, index, reason, "series")


def _address(reader: _ReaderBase, reference: Any) -> str | None:
    """Where an Endpoint reference says the study is: the Endpoint's address, else the
    reference itself."""
    target = reader.resolve(reference)
    if target is not None and reader.kind_of(target) == "Endpoint":
        address = reader.bundle["entry"][target]["resource"].get("address")
        return str(address) if address else None
    text = reference.get("reference") if isinstance(reference, dict) else None
    return str(text) if text else None
