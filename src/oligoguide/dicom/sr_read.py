"""Reading DICOM SR Measurement Reports (TID 1500) with highdicom: what each measurement group says.

Only what the import needs is read: per planar or volumetric ROI measurement group (TID 1410 /
TID 1411) its tracking unique identifier and tracking identifier, its finding sites and its
numeric measurements (concept name, value, UCUM unit), plus the patient id and the study date of
the report. A file that is not a DICOM SR, not a Measurement Report, or cannot be parsed is refused
with an `SrFileError` naming the file and what is wrong; never a traceback.

Exception hierarchy::

    OligoguideError
    ├── SrFileError       one file is not a readable TID 1500 report (.path, .reason)
    └── SrImportError     the reports cannot be imported as they are (.problems)
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oligoguide.model.errors import OligoguideError

#: SOP classes that can carry a TID 1500 Measurement Report (PS3.3 A.35: Enhanced, Comprehensive
#: and Comprehensive 3D SR); the other SR classes (Basic Text SR...) cannot hold its content.
MEASUREMENT_REPORT_SOP_CLASSES = {
    "1.2.840.10008.5.1.4.1.1.88.22": "Enhanced SR",
    "1.2.840.10008.5.1.4.1.1.88.33": "Comprehensive SR",
    "1.2.840.10008.5.1.4.1.1.88.34": "Comprehensive 3D SR",
}
#: The document title of TID 1500: (126000, DCM, "Imaging Measurement Report").
REPORT_TITLE = ("DCM", "126000")
#: Larger files are refused before parsing: a measurement report is kilobytes.
MAX_SR_BYTES = 20_000_000


class SrFileError(OligoguideError):
    """A file that cannot be read as a TID 1500 Measurement Report; str() names the file."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class SrImportError(OligoguideError):
    """The reports cannot be imported as they are (two patients, one identifier for two lesions,
    an invalid resulting case...). `.problems` lists every reason; str() gives the first."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__((problems[0] if problems else "cannot import") + more)


@dataclass(frozen=True)
class SrCode:
    scheme: str
    value: str
    meaning: str

    def __str__(self) -> str:
        return f"{self.meaning!r} ({self.scheme} {self.value})"


@dataclass(frozen=True)
class SrMeasurement:
    name: SrCode
    value: float
    unit: SrCode | None  # None: the SR gives no unit


@dataclass(frozen=True)
class SrGroup:
    """One measurement group of a report. `number` counts the groups of its file from 1."""

    number: int
    tracking_uid: str | None
    tracking_identifier: str | None
    finding_sites: tuple[SrCode, ...]
    measurements: tuple[SrMeasurement, ...]
    problems: tuple[str, ...]  # numeric items that could not be read, by name


@dataclass(frozen=True)
class SrReport:
    path: str
    patient_id: str | None
    study_date: dt.date
    study_uid: str | None
    groups: tuple[SrGroup, ...]
    other_groups: int  # measurement groups that are not ROI groups (TID 1501 image-level)


def read_report(source: Path | bytes, label: str | None = None) -> SrReport:
    """One TID 1500 Measurement Report, from a file or its bytes (a FHIR Binary), or SrFileError
    naming it (`label`, default the path: an upload names the file as the sender called it,
    a Bundle the resource) and the reason."""
    label = label or str(source if isinstance(source, Path) else "DICOM content")
    try:
        size = len(source) if isinstance(source, bytes) else source.stat().st_size
    except OSError as error:
        raise SrFileError(label, f"cannot read: {error.strerror}") from None
    if size > MAX_SR_BYTES:
        raise SrFileError(label, f"larger than {MAX_SR_BYTES} bytes: not a measurement report")
    dataset = _dataset(io.BytesIO(source) if isinstance(source, bytes) else source, label)
    _check_template(dataset, label)
    study_date = _study_date(dataset, label)
    found = _prescan(dataset)  # unreadable numbers taken out first: highdicom refuses them
    try:
        import highdicom as hd

        kind: Any = {
            "1.2.840.10008.5.1.4.1.1.88.22": hd.sr.EnhancedSR,
            "1.2.840.10008.5.1.4.1.1.88.33": hd.sr.ComprehensiveSR,
            "1.2.840.10008.5.1.4.1.1.88.34": hd.sr.Comprehensive3DSR,
        }[str(dataset.SOPClassUID)]
        content: Any = kind.from_dataset(dataset, copy=False).content
        parsed = [
            *content.get_planar_roi_measurement_groups(),
            *content.get_volumetric_roi_measurement_groups(),
        ]
        image_level = content.get_image_measurement_groups()
    except Exception as error:  # highdicom's parse errors are of many types
        raise SrFileError(label, f"malformed Measurement Report content: {error}") from None
    groups = tuple(_group(g, found) for g in parsed)
    return SrReport(
        path=label,
        patient_id=str(dataset.get("PatientID", "") or "").strip() or None,
        study_date=study_date,
        study_uid=str(dataset.get("StudyInstanceUID", "") or "") or None,
        groups=groups,
        other_groups=len(image_level),
    )


def _dataset(path: Path | io.BytesIO, label: str) -> Any:
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        dataset = pydicom.dcmread(path)
    except InvalidDicomError:
        raise SrFileError(label, "not a DICOM file (no DICM file preamble)") from None
    except (IsADirectoryError, PermissionError) as error:
        raise SrFileError(label, f"cannot read: {error.strerror}") from None
    except Exception as error:  # truncated or corrupted bytes raise many types
        raise SrFileError(label, f"corrupted DICOM file: {error}") from None
    sop_class = str(dataset.get("SOPClassUID", "") or "")
    if sop_class not in MEASUREMENT_REPORT_SOP_CLASSES:
        kind = _sop_class_name(sop_class)
        raise SrFileError(
            label,
            f"not a DICOM SR that can hold a Measurement Report: SOP class {kind} (needs "
            f"{', '.join(MEASUREMENT_REPORT_SOP_CLASSES.values())})",
        )
    return dataset


def _sop_class_name(uid: str) -> str:
    if not uid:
        return "missing"
    from pydicom.uid import UID

    name = UID(uid).name
    return f"{uid} ({name})" if name and name != uid else uid


def _check_template(dataset: Any, label: str) -> None:
    """TID 1500: the template identifier says so, or the document title is its title."""
    try:
        templates = [str(t.get("TemplateIdentifier", "")) for t in dataset.ContentTemplateSequence]
    except (AttributeError, TypeError):
        templates = []
    title = _code(dataset.get("ConceptNameCodeSequence"))
    if "1500" in templates or (title is not None and (title.scheme, title.value) == REPORT_TITLE):
        if "ContentSequence" not in dataset:
            raise SrFileError(label, "Measurement Report without content")
        return
    named = f"document title {title}" if title is not None else "no document title"
    tid = f"template TID {templates[0]}" if templates and templates[0] else "no template identifier"
    raise SrFileError(
        label, f"not a TID 1500 Imaging Measurement Report ({named}, {tid}): nothing to import"
    )


def _study_date(dataset: Any, label: str) -> dt.date:
    for keyword in ("StudyDate", "ContentDate"):
        text = str(dataset.get(keyword, "") or "").strip()
        if text:
            try:
                return dt.datetime.strptime(text, "%Y%m%d").date()
            except ValueError:
                raise SrFileError(label, f"{keyword} {text!r} is not a date (YYYYMMDD)") from None
    raise SrFileError(label, "no StudyDate or ContentDate: the measurements cannot be dated")


def _code(sequence: Any) -> SrCode | None:
    """The first item of a code sequence, or None."""
    try:
        item = sequence[0]
    except (IndexError, TypeError, KeyError):
        return None
    return SrCode(
        scheme=str(item.get("CodingSchemeDesignator", "") or ""),
        value=str(item.get("CodeValue", "") or item.get("LongCodeValue", "") or ""),
        meaning=str(item.get("CodeMeaning", "") or ""),
    )


@dataclass
class _Found:
    """A measurement group as the pre-scan saw it, in document order."""

    number: int
    uid: str | None
    label: str | None
    problems: list[str]
    claimed: bool = False


MEASUREMENT_GROUP = "125007"  # (125007, DCM, "Measurement Group")
TRACKING_IDENTIFIER = "112039"
TRACKING_UID = "112040"


def _prescan(dataset: Any) -> list[_Found]:
    """Every measurement group in document order; a numeric item without a value or a unit is
    taken out of it (highdicom refuses the whole document for one) and named in its problems."""
    found: list[_Found] = []
    for container in _containers(dataset):
        items = container.get("ContentSequence") or []
        kept, problems = [], []
        for item in items:
            problem = _unreadable(item) if str(item.get("ValueType", "")) == "NUM" else None
            if problem is None:
                kept.append(item)
            else:
                problems.append(problem)
        if problems:
            container.ContentSequence = kept
        found.append(
            _Found(
                len(found) + 1,
                _text(items, TRACKING_UID),
                _text(items, TRACKING_IDENTIFIER),
                problems,
            )
        )
    return found


def _containers(dataset: Any) -> list[Any]:
    groups: list[Any] = []
    for item in dataset.get("ContentSequence") or []:
        name = _code(item.get("ConceptNameCodeSequence"))
        if name is not None and name.value == MEASUREMENT_GROUP:
            groups.append(item)
        else:
            groups += _containers(item)
    return groups


def _text(items: Any, concept: str) -> str | None:
    for item in items:
        name = _code(item.get("ConceptNameCodeSequence"))
        if name is not None and name.value == concept:
            value = item.get("UID") if concept == TRACKING_UID else item.get("TextValue")
            return str(value).strip() or None if value else None
    return None


def _unreadable(item: Any) -> str | None:
    name = _code(item.get("ConceptNameCodeSequence"))
    label = f"measurement {name}" if name else "a measurement without a concept name"
    values = item.get("MeasuredValueSequence")
    if name is None or not values:
        return f"{label} has no concept name or no value"
    try:
        float(values[0].NumericValue)
    except (AttributeError, TypeError, ValueError):
        return f"{label} has no numeric value"
    if _code(values[0].get("MeasurementUnitsCodeSequence")) is None:
        return f"{label} has no unit"
    return None


def _group(group: Any, found: list[_Found]) -> SrGroup:
    uid = str(group.tracking_uid) if group.tracking_uid else None
    label = str(group.tracking_identifier).strip() if group.tracking_identifier else None
    match = next((f for f in found if not f.claimed and (f.uid, f.label) == (uid, label)), None)
    if match is not None:
        match.claimed = True
    sites = tuple(code for site in group.finding_sites if (code := _code([site.value])))
    measurements = tuple(
        SrMeasurement(name=name, value=float(m.value), unit=_code([m.unit]))
        for m in group.get_measurements()
        if (name := _code([m.name])) is not None
    )
    return SrGroup(
        number=match.number if match else len(found) + 1,
        tracking_uid=uid,
        tracking_identifier=label or None,
        finding_sites=sites,
        measurements=measurements,
        problems=tuple(match.problems if match else ()),
    )


def read_reports(paths: list[Path], labels: list[str] | None = None) -> list[SrReport]:
    """Every file read, in study-date order; SrImportError naming every file that is refused."""
    reports: list[SrReport] = []
    problems: list[str] = []
    for index, path in enumerate(paths):
        try:
            reports.append(read_report(path, labels[index] if labels else None))
        except SrFileError as error:
            problems.append(str(error))
    if problems:
        raise SrImportError(problems)
    return sorted(reports, key=lambda r: r.study_date)
