"""Dose-volume histogram of one structure on a dose grid (numpy only).

The model (docs/dicom.md, "RT plan dose check"):

- **Voxels.** Each closed planar contour is rasterised onto the dose grid's voxel centres in
  its plane (x[column], y[row]); a centre is inside by the even-odd rule. Several contours on
  one plane combine by even-odd too (exclusive or), so a contour inside another is a hole.
- **Slab thickness.** Each contour plane stands for a slab as thick as the structure's plane
  spacing (the median gap between its consecutive planes; for a single-plane structure the
  smallest plane gap in the structure set, else the dose grid's frame spacing). A voxel's
  volume is column spacing x row spacing x that thickness.
- **Dose on a contour plane.** When the plane lies on a dose frame (within 0.001 mm) that
  frame is used; between two frames the dose is interpolated linearly in z; beyond the first
  or last frame the end frame is used if the plane is within half a frame spacing of it.
- **Not evaluable.** A contour with a vertex outside the grid's outer voxel boundaries, a plane
  farther than half a frame spacing outside the grid, or a structure with no voxel centre
  inside it cannot be evaluated: the check says so rather than report a partial dose.

Metric definitions follow knowledge/data/dose/constraints.yaml: Dmax is the point maximum of
TG-101, a volume of 0.035 cc (the voxel maximum when the structure is smaller); DXcc the
minimum dose to the hottest X cc; CVXcc the highest dose to the best-spared X cc.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from oligoguide.dicom.rt_grid import DoseGrid
from oligoguide.dicom.rt_read import Contour, FloatArray, Roi

BoolArray = npt.NDArray[np.bool_]
POINT_CC = 0.035  # TG-101's "point" volume, the house's Dmax (constraints.yaml)
_ON_PLANE_MM = 1e-3
_MM3_PER_CC = 1000.0


class NotEvaluable(Exception):  # noqa: N818 - a result, not a failure of the program
    """The structure's dose cannot be computed on this grid; str() says why."""


def inside_polygon(xs: FloatArray, ys: FloatArray, polygon: FloatArray) -> BoolArray:
    """mask[row, column]: is (xs[column], ys[row]) inside the closed polygon (even-odd rule)?"""
    gx, gy = np.meshgrid(xs, ys)
    inside = np.zeros(gx.shape, dtype=bool)
    x1, y1 = polygon[:, 0], polygon[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    for ax, ay, bx, by in zip(x1, y1, x2, y2, strict=True):
        if ay == by:
            continue  # a horizontal edge is never crossed by a horizontal ray
        crosses = (ay > gy) != (by > gy)
        x_cross = ax + (gy - ay) * (bx - ax) / (by - ay)
        inside ^= crosses & (gx < x_cross)
    return inside


@dataclass(frozen=True)
class StructureDose:
    """The dose of every voxel of one structure (all voxels have the same volume)."""

    name: str
    doses_gy: FloatArray
    voxel_cc: float
    thickness_mm: float
    planes: int
    contour_cc: float  # the contours' own area x thickness, to compare with the voxel volume

    @property
    def volume_cc(self) -> float:
        return float(len(self.doses_gy) * self.voxel_cc)

    @property
    def max_voxel_gy(self) -> float:
        return float(self.doses_gy.max())

    @property
    def mean_gy(self) -> float:
        return float(self.doses_gy.mean())

    def d_cc(self, cc: float) -> float | None:
        """Minimum dose to the hottest `cc` (None when the structure is smaller than that)."""
        return _dose_at_volume(np.sort(self.doses_gy)[::-1], self.voxel_cc, cc)

    def cv_cc(self, cc: float) -> float | None:
        """Highest dose to the best-spared `cc` (None when the structure is smaller)."""
        return _dose_at_volume(np.sort(self.doses_gy), self.voxel_cc, cc)

    def dmax(self) -> float:
        """The house's Dmax: D0.035cc, or the voxel maximum for a smaller structure."""
        value = self.d_cc(POINT_CC)
        return self.max_voxel_gy if value is None else value

    def v_gy(self, dose_gy: float) -> float:
        """Volume in cc receiving at least `dose_gy`."""
        return float(np.count_nonzero(self.doses_gy >= dose_gy) * self.voxel_cc)

    def dvh(self, doses_gy: Sequence[float]) -> FloatArray:
        """Cumulative DVH: volume (cc) receiving at least each of `doses_gy`."""
        ordered = np.sort(self.doses_gy)
        at_least = len(ordered) - np.searchsorted(ordered, np.asarray(doses_gy), side="left")
        return np.asarray(at_least * self.voxel_cc, dtype=np.float64)


def _dose_at_volume(ordered: FloatArray, voxel_cc: float, cc: float) -> float | None:
    # The first voxel (in the given order) at which the accumulated volume reaches `cc`.
    count = int(np.ceil(cc / voxel_cc - 1e-9))
    if count > len(ordered):
        return None
    return float(ordered[max(count, 1) - 1])


def metric_value(structure: StructureDose, metric: str) -> float | None:
    """A constraint-table metric (Dmax, DXcc, CVXcc, Dmean, VXGy in cc). None: not computable
    for this structure (smaller than the volume). ValueError: a metric this module cannot read."""
    if metric == "Dmax":
        return structure.dmax()
    if metric == "Dmean":
        return structure.mean_gy
    for pattern, compute in (
        (r"D(\d+(?:\.\d+)?)cc", structure.d_cc),
        (r"CV(\d+(?:\.\d+)?)cc", structure.cv_cc),
        (r"V(\d+(?:\.\d+)?)Gy", structure.v_gy),
    ):
        match = re.fullmatch(pattern, metric)
        if match:
            return compute(float(match.group(1)))
    raise ValueError(f"metric {metric!r} is not a DVH metric this check computes")


def plane_thickness(planes: Sequence[float], fallback: float) -> float:
    """The median gap between consecutive distinct planes, else `fallback`."""
    distinct = np.unique(np.round(np.asarray(planes, dtype=np.float64), 3))
    if len(distinct) > 1:
        return float(np.median(np.diff(distinct)))
    return fallback


def plane_dose(grid: DoseGrid, z: float) -> FloatArray:
    """The dose plane at z: a frame, a linear interpolation between two, or the end frame
    within half a frame spacing. NotEvaluable outside."""
    zs = grid.z
    nearest = int(np.argmin(np.abs(zs - z)))
    if abs(zs[nearest] - z) <= _ON_PLANE_MM:
        return np.asarray(grid.values[nearest], dtype=np.float64)
    if zs[0] < z < zs[-1]:
        upper = int(np.searchsorted(zs, z))
        lower = upper - 1
        weight = (z - zs[lower]) / (zs[upper] - zs[lower])
        return np.asarray(
            (1 - weight) * grid.values[lower] + weight * grid.values[upper], dtype=np.float64
        )
    half = grid.spacing[2] / 2
    if half > 0 and abs(zs[nearest] - z) <= half + _ON_PLANE_MM:
        return np.asarray(grid.values[nearest], dtype=np.float64)
    raise NotEvaluable(
        f"contour plane z = {z:g} mm lies outside the dose grid (z {zs[0]:g} to {zs[-1]:g} mm)"
    )


def _polygon_area(xy: FloatArray) -> float:
    x, y = xy[:, 0], xy[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def _plane_area(contours: Sequence[Contour]) -> float:
    """Area of the even-odd union: a contour nested inside an odd number of others is a hole."""
    total = 0.0
    for i, contour in enumerate(contours):
        first = contour.xy[:1]
        depth = sum(
            bool(inside_polygon(first[:, 0], first[:, 1], other.xy)[0, 0])
            for j, other in enumerate(contours)
            if j != i
        )
        total += _polygon_area(contour.xy) * (-1 if depth % 2 else 1)
    return total


def _plane_mask(grid: DoseGrid, contours: Sequence[Contour]) -> BoolArray:
    dx, dy, _ = grid.spacing
    lo_x, hi_x = grid.x[0] - dx / 2, grid.x[-1] + dx / 2
    lo_y, hi_y = grid.y[0] - dy / 2, grid.y[-1] + dy / 2
    mask = np.zeros((len(grid.y), len(grid.x)), dtype=bool)
    for contour in contours:
        xy = contour.xy
        if (
            xy[:, 0].min() < lo_x
            or xy[:, 0].max() > hi_x
            or (xy[:, 1].min() < lo_y or xy[:, 1].max() > hi_y)
        ):
            raise NotEvaluable(
                f"contour at z = {contour.z:g} mm extends beyond the dose grid "
                f"(x {lo_x:g} to {hi_x:g}, y {lo_y:g} to {hi_y:g} mm)"
            )
        # Test only the voxel centres inside the contour's bounding box.
        c0, c1 = np.searchsorted(grid.x, [xy[:, 0].min(), xy[:, 0].max()], side="left")
        r0, r1 = np.searchsorted(grid.y, [xy[:, 1].min(), xy[:, 1].max()], side="left")
        c1, r1 = min(c1 + 1, len(grid.x)), min(r1 + 1, len(grid.y))
        if c0 < c1 and r0 < r1:
            mask[r0:r1, c0:c1] ^= inside_polygon(grid.x[c0:c1], grid.y[r0:r1], xy)
    return mask


def structure_dose(roi: Roi, grid: DoseGrid, fallback_thickness_mm: float) -> StructureDose:
    """Rasterise `roi` on `grid` and collect its voxel doses. NotEvaluable when it cannot be."""
    if roi.problem is not None:
        raise NotEvaluable(roi.problem)
    by_plane: dict[float, list[Contour]] = {}
    for contour in roi.contours:
        by_plane.setdefault(round(contour.z, 3), []).append(contour)
    fallback = fallback_thickness_mm if fallback_thickness_mm > 0 else grid.spacing[2]
    thickness = plane_thickness(list(by_plane), fallback)
    if thickness <= 0:
        raise NotEvaluable("one contour plane and no slice thickness to give it")
    dx, dy, _ = grid.spacing
    if dx <= 0 or dy <= 0:
        raise NotEvaluable("the dose grid has a single row or column")
    doses: list[FloatArray] = []
    area = 0.0
    for z, contours in sorted(by_plane.items()):
        mask = _plane_mask(grid, contours)
        dose = plane_dose(grid, z)
        doses.append(dose[mask])
        area += _plane_area(contours)
    values = np.concatenate(doses) if doses else np.zeros(0)
    if len(values) == 0:
        raise NotEvaluable("no dose-grid voxel centre lies inside its contours")
    return StructureDose(
        name=roi.name,
        doses_gy=values,
        voxel_cc=dx * dy * thickness / _MM3_PER_CC,
        thickness_mm=thickness,
        planes=len(by_plane),
        contour_cc=area * thickness / _MM3_PER_CC,
    )
