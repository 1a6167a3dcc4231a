"""Read the radiotherapy objects a plan dose check needs, with pydicom (RTDOSE: rt_grid).

- RTSTRUCT: ROI names and numbers, closed planar contours per axial plane, frames of reference.
- RTPLAN (optional): the number of fractions planned and the plan's SOP Instance UID.
- RTDOSE (rt_grid): the dose grid (PixelData x DoseGridScaling), its geometry, DoseUnits,
  DoseType and DoseSummationType.

Everything is read eagerly into plain dataclasses, so the rest of the check never touches a
pydicom Dataset. A file that cannot be used raises `RtInputError`, whose message names the
file and the DICOM attribute (`RD.dcm: DoseGridScaling: missing`). Warnings pydicom raises
while reading (invalid UIDs and the like, common in real exports) are kept as notes, not errors.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sized
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pydicom
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from oligoguide.model.errors import OligoguideError

FloatArray = npt.NDArray[np.float64]
T = TypeVar("T")

PLANE_TOLERANCE_MM = 1e-3


class RtInputError(OligoguideError):
    """An RT file that cannot be used. str() is one line: `file: field: message`."""

    def __init__(self, file: str, field: str, message: str) -> None:
        self.file = file
        self.field = field
        self.message = message
        super().__init__(f"{file}: {field}: {message}")


@dataclass(frozen=True)
class Contour:
    """One closed planar contour: its plane z (mm) and its (x, y) vertices (mm)."""

    z: float
    xy: FloatArray


@dataclass(frozen=True)
class Roi:
    number: int
    name: str
    frame_of_reference_uid: str
    contours: tuple[Contour, ...]
    problem: str | None = None  # why the ROI's contours cannot be used (None when they can)


@dataclass(frozen=True)
class StructureSet:
    path: str
    rois: tuple[Roi, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanInfo:
    path: str
    sop_instance_uid: str
    frame_of_reference_uid: str | None
    fraction_counts: tuple[int | None, ...]  # NumberOfFractionsPlanned per fraction group
    notes: tuple[str, ...] = ()


@contextmanager
def reading(file: str, notes: list[str]) -> Iterator[None]:
    """Keep pydicom's warnings as notes, and turn an error met while decoding a value (pydicom
    decodes lazily, on access) into an RtInputError for `file`: never a traceback."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except RtInputError:
            raise
        except Exception as error:
            text = str(error).splitlines()[0][:200] if str(error) else ""
            raise RtInputError(
                file, "file", f"unreadable DICOM content ({type(error).__name__}: {text})"
            ) from None
    for w in caught:
        text = f"pydicom: {w.message}".splitlines()[0][:200]
        if text not in notes:
            notes.append(text)


def read_dataset(path: Path, modality: str, notes: list[str]) -> Dataset:
    name = str(path)
    try:
        try:
            ds = pydicom.dcmread(path)
        except InvalidDicomError:
            # Older exports omit the preamble and file meta; read the data set itself. A file
            # that is not DICOM at all then fails the Modality check below.
            ds = pydicom.dcmread(path, force=True)
            notes.append(f"{path.name}: no DICOM preamble/file meta; read without them")
    except OSError as error:
        raise RtInputError(name, "file", f"cannot read ({error.strerror or error})") from None
    except Exception as error:  # pydicom raises many types on a corrupted file
        raise RtInputError(name, "file", f"corrupted DICOM ({type(error).__name__})") from None
    found = str(ds.get("Modality", "") or "")
    if found != modality:
        raise RtInputError(name, "Modality", f"is {found or 'missing'!r}, expected {modality}")
    return ds


def required(ds: Dataset, keyword: str, file: str, within: str = "") -> Any:
    """The attribute's value; RtInputError naming it (inside `within`, a sequence item) if
    absent or empty."""
    value = ds.get(keyword)
    if value is None or (isinstance(value, Sized) and len(value) == 0):
        raise RtInputError(file, f"{within}.{keyword}" if within else keyword, "missing")
    return value


def as_number(value: Any, file: str, field: str, convert: Callable[[Any], T]) -> T:
    try:
        return convert(value)
    except (TypeError, ValueError):
        raise RtInputError(file, field, f"not a number ({value!r})") from None


def _contour(item: Dataset, file: str, field: str) -> Contour | str:
    """A contour, or the reason it cannot be used (non-planar kinds are skipped by the caller)."""
    data = item.get("ContourData")
    if data is None or len(data) == 0:
        return f"{field}.ContourData missing"
    if len(data) % 3:
        return f"{field}.ContourData has {len(data)} values, not x,y,z triples"
    points = np.asarray([as_number(v, file, f"{field}.ContourData", float) for v in data])
    points = points.reshape(-1, 3)
    if not np.all(np.isfinite(points)):
        return f"{field}.ContourData has non-finite values"
    if len(points) < 3:
        return f"{field}: a closed contour needs at least 3 points"
    z = points[:, 2]
    if float(np.ptp(z)) > PLANE_TOLERANCE_MM:
        return f"{field}: contour not in one axial plane (z from {z.min():g} to {z.max():g} mm)"
    return Contour(z=float(z[0]), xy=points[:, :2].copy())


def read_rtstruct(path: Path) -> StructureSet:
    """ROIs with their closed planar contours. Refused: wrong modality, no ROI list, no
    ROIContourSequence. A ROI without usable contours is kept with `problem` set."""
    file = str(path)
    notes: list[str] = []
    with reading(file, notes):
        ds = read_dataset(path, "RTSTRUCT", notes)
        roi_items = required(ds, "StructureSetROISequence", file)
        contour_items = ds.get("ROIContourSequence")
        if not contour_items:
            raise RtInputError(file, "ROIContourSequence", "missing: the file has no contour data")
        by_number: dict[int, list[Contour]] = {}
        problems: dict[int, str] = {}
        for i, rc in enumerate(contour_items):
            field = f"ROIContourSequence[{i}]"
            number = as_number(
                required(rc, "ReferencedROINumber", file, field),
                file,
                f"{field}.ReferencedROINumber",
                int,
            )
            contours = by_number.setdefault(number, [])
            for j, item in enumerate(rc.get("ContourSequence") or []):
                if str(item.get("ContourGeometricType", "")) != "CLOSED_PLANAR":
                    continue  # POINT, OPEN_PLANAR...: no volume
                parsed = _contour(item, file, f"{field}.ContourSequence[{j}]")
                if isinstance(parsed, str):
                    problems.setdefault(number, parsed)
                else:
                    contours.append(parsed)
        rois: list[Roi] = []
        for i, item in enumerate(roi_items):
            field = f"StructureSetROISequence[{i}]"
            number = as_number(
                required(item, "ROINumber", file, field), file, f"{field}.ROINumber", int
            )
            name = str(item.get("ROIName", "") or "").strip() or f"ROI {number}"
            frame = str(item.get("ReferencedFrameOfReferenceUID", "") or "")
            contours = by_number.get(number, [])
            problem = problems.get(number)
            if problem is None and not contours:
                problem = "no closed planar contour in ROIContourSequence"
            rois.append(Roi(number, name, frame, tuple(contours), problem))
    return StructureSet(file, tuple(rois), tuple(notes))


def read_rtplan(path: Path) -> PlanInfo:
    """NumberOfFractionsPlanned of each fraction group, the SOP Instance UID and the frame."""
    file = str(path)
    notes: list[str] = []
    with reading(file, notes):
        ds = read_dataset(path, "RTPLAN", notes)
        groups = required(ds, "FractionGroupSequence", file)
        counts: list[int | None] = []
        for i, group in enumerate(groups):
            value = group.get("NumberOfFractionsPlanned")
            field = f"FractionGroupSequence[{i}].NumberOfFractionsPlanned"
            counts.append(None if value in (None, "") else as_number(value, file, field, int))
        uid = str(ds.get("SOPInstanceUID", "") or "")
        frame = str(ds.get("FrameOfReferenceUID", "") or "") or None
    return PlanInfo(file, uid, frame, tuple(counts), tuple(notes))
