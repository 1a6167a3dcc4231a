"""Read the dose grid of an RTDOSE file, and check that the RT files share its frame of reference.

The grid must be axial (ImageOrientationPatient 1,0,0,0,1,0) with a DoseGridScaling; the dose is
PixelData x DoseGridScaling in DoseUnits, frames sorted by z. Errors: `RtInputError` naming the
file and the attribute (rt_read).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset

from oligoguide.dicom.rt_read import (
    PLANE_TOLERANCE_MM,
    FloatArray,
    PlanInfo,
    RtInputError,
    StructureSet,
    as_number,
    read_dataset,
    reading,
    required,
)

AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
_ORIENTATION_TOLERANCE = 1e-4


@dataclass(frozen=True)
class DoseGrid:
    """Dose values[frame, row, column] at voxel centres x[column], y[row], z[frame] (mm),
    z ascending. `values` are in `units` (GY for a checkable dose)."""

    path: str
    values: FloatArray
    x: FloatArray
    y: FloatArray
    z: FloatArray
    frame_of_reference_uid: str
    units: str
    dose_type: str
    summation_type: str
    referenced_plan_uids: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def spacing(self) -> tuple[float, float, float]:
        """(column, row, frame) spacing in mm; 0 along an axis with a single voxel."""

        def step(axis: FloatArray) -> float:
            return float(np.min(np.diff(axis))) if len(axis) > 1 else 0.0

        return step(self.x), step(self.y), step(self.z)


def _frame_z(ds: Dataset, file: str, frames: int, z0: float) -> FloatArray:
    offsets = ds.get("GridFrameOffsetVector")
    if frames == 1 and not offsets:
        return np.asarray([z0])
    if not offsets:
        raise RtInputError(file, "GridFrameOffsetVector", f"missing for {frames} frames")
    values = np.asarray([as_number(v, file, "GridFrameOffsetVector", float) for v in offsets])
    if len(values) != frames:
        raise RtInputError(
            file, "GridFrameOffsetVector", f"has {len(values)} values for {frames} frames"
        )
    # PS3.3 C.8.8.3.2: relative to ImagePositionPatient when the first value is 0, else the
    # absolute z of each frame (then the first equals ImagePositionPatient z).
    if values[0] == 0:
        z = z0 + values
    elif abs(values[0] - z0) <= PLANE_TOLERANCE_MM:
        z = values
    else:
        raise RtInputError(
            file,
            "GridFrameOffsetVector",
            f"first value {values[0]:g} is neither 0 nor ImagePositionPatient z {z0:g}",
        )
    if len(np.unique(np.round(z, 6))) != len(z):
        raise RtInputError(file, "GridFrameOffsetVector", "repeats a frame position")
    return np.asarray(z, dtype=np.float64)


def read_rtdose(path: Path) -> DoseGrid:
    """The dose grid in DoseUnits. Refused: wrong modality, missing DoseGridScaling, a grid
    that is not axial (ImageOrientationPatient other than 1,0,0,0,1,0), bad geometry."""
    file = str(path)
    notes: list[str] = []
    with reading(file, notes):
        ds = read_dataset(path, "RTDOSE", notes)
        frame = str(required(ds, "FrameOfReferenceUID", file))
        scaling = as_number(required(ds, "DoseGridScaling", file), file, "DoseGridScaling", float)
        if not np.isfinite(scaling) or scaling <= 0:
            raise RtInputError(file, "DoseGridScaling", f"must be > 0, got {scaling:g}")
        orientation = required(ds, "ImageOrientationPatient", file)
        iop = [as_number(v, file, "ImageOrientationPatient", float) for v in orientation]
        if len(iop) != 6 or any(
            abs(a - b) > _ORIENTATION_TOLERANCE for a, b in zip(iop, AXIAL, strict=False)
        ):
            raise RtInputError(
                file, "ImageOrientationPatient", f"{iop} is not an axial grid (1,0,0,0,1,0)"
            )
        position = required(ds, "ImagePositionPatient", file)
        ipp = [as_number(v, file, "ImagePositionPatient", float) for v in position]
        pixel_spacing = required(ds, "PixelSpacing", file)
        spacing = [as_number(v, file, "PixelSpacing", float) for v in pixel_spacing]
        if len(ipp) != 3 or len(spacing) != 2 or min(spacing) <= 0:
            raise RtInputError(file, "PixelSpacing", f"{spacing} / position {ipp} unusable")
        try:
            pixels = np.asarray(ds.pixel_array, dtype=np.float64)
        except Exception as error:  # no PixelData, undecodable transfer syntax, bad length
            raise RtInputError(file, "PixelData", f"cannot be read ({error})") from None
        rows = int(required(ds, "Rows", file))
        columns = int(required(ds, "Columns", file))
        if pixels.ndim == 2:
            pixels = pixels[np.newaxis]
        if pixels.shape[1:] != (rows, columns):
            raise RtInputError(file, "PixelData", f"shape {pixels.shape} vs {rows}x{columns}")
        z = _frame_z(ds, file, pixels.shape[0], ipp[2])
        order = np.argsort(z)
        # Row index runs along +y, column index along +x (axial orientation checked above);
        # PixelSpacing is (row spacing = y, column spacing = x), PS3.3 C.7.6.2.1.1.
        x = ipp[0] + spacing[1] * np.arange(columns, dtype=np.float64)
        y = ipp[1] + spacing[0] * np.arange(rows, dtype=np.float64)
        plans = tuple(
            str(item.get("ReferencedSOPInstanceUID", ""))
            for item in ds.get("ReferencedRTPlanSequence") or []
        )
        units = str(ds.get("DoseUnits", "") or "").upper()
        dose_type = str(ds.get("DoseType", "") or "").upper()
        summation = str(ds.get("DoseSummationType", "") or "").upper()
    return DoseGrid(
        path=file,
        values=pixels[order] * scaling,
        x=x,
        y=y,
        z=z[order],
        frame_of_reference_uid=frame,
        units=units,
        dose_type=dose_type,
        summation_type=summation,
        referenced_plan_uids=tuple(p for p in plans if p),
        notes=tuple(notes),
    )


def check_same_frame(structures: StructureSet, dose: DoseGrid, plan: PlanInfo | None) -> None:
    """Refuse files that do not share the dose grid's frame of reference (and plan)."""
    for i, roi in enumerate(structures.rois):
        if roi.frame_of_reference_uid and roi.frame_of_reference_uid != dose.frame_of_reference_uid:
            raise RtInputError(
                structures.path,
                f"StructureSetROISequence[{i}].ReferencedFrameOfReferenceUID",
                f"{roi.frame_of_reference_uid} ({roi.name}) differs from the dose grid's "
                f"FrameOfReferenceUID {dose.frame_of_reference_uid} in {dose.path}",
            )
    if plan is None:
        return
    if plan.frame_of_reference_uid and plan.frame_of_reference_uid != dose.frame_of_reference_uid:
        raise RtInputError(
            plan.path,
            "FrameOfReferenceUID",
            f"{plan.frame_of_reference_uid} differs from {dose.frame_of_reference_uid} "
            f"in {dose.path}",
        )
    if dose.referenced_plan_uids and plan.sop_instance_uid not in dose.referenced_plan_uids:
        raise RtInputError(
            dose.path,
            "ReferencedRTPlanSequence",
            f"refers to {', '.join(dose.referenced_plan_uids)}, not to {plan.path} "
            f"(SOPInstanceUID {plan.sop_instance_uid})",
        )
