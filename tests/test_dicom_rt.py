"""Issue 24, RT plan dose check: RTSTRUCT + RTDOSE (+ RTPLAN) -> DVH metrics -> limit tables.

The RT files are built here with pydicom. The dose grid has a uniform gradient along x,
dose = A + B*x, the same on every plane, so each box structure has a DVH known analytically.
Expected values are computed in the tests from that formula and the box geometry (the
comments show the arithmetic), never copied from the code's output.

Discretisation: voxel centres sit on even millimetres and box edges on odd millimetres, so a
box holds whole voxels and its voxel volume equals its analytic volume. A dose metric is the
dose of one voxel column, whose centre lies within half a column (DX/2) of the analytic
position: tolerance B*DX/2 = 0.5 Gy. A volume metric is within half a column's volume.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")
pydicom = pytest.importorskip("pydicom")

from pydicom.data import get_testdata_file  # noqa: E402
from pydicom.dataset import Dataset, FileMetaDataset  # noqa: E402
from pydicom.uid import ExplicitVRLittleEndian, generate_uid  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from oligoguide.cli import app  # noqa: E402
from oligoguide.dicom.rt_check import check_plan  # noqa: E402
from oligoguide.dicom.rt_dvh import plane_dose, structure_dose  # noqa: E402
from oligoguide.dicom.rt_grid import read_rtdose  # noqa: E402
from oligoguide.dicom.rt_names import ORGAN_NAMES, match_structure  # noqa: E402
from oligoguide.dicom.rt_read import RtInputError, read_rtplan, read_rtstruct  # noqa: E402
from oligoguide.dose import default_dose_tables  # noqa: E402

runner = CliRunner()

FRAME = "1.2.826.0.1.3680043.10.1234.1"
PLAN_UID = "1.2.826.0.1.3680043.10.1234.2"
A, B = 10.0, 0.5  # dose = A + B*x Gy, x in mm
DX = DY = 2.0  # voxel centres on even mm: x in -18..30, y in -30..30
NX, NY = 25, 31
X0, Y0 = -18.0, -30.0  # x from -18 mm: every dose A + B*x is positive
Z_FRAMES = [-20.0 + 2.5 * k for k in range(17)]  # -20..20; contour planes at even mm
SCALING = 0.001  # Gy per stored unit: every A + B*x is a whole number of units
DOSE_TOL = B * DX / 2  # 0.5 Gy
AXIAL = [1, 0, 0, 0, 1, 0]


def _save(ds: Dataset, path: Path, sop_class: str) -> Path:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    ds.SOPClassUID = sop_class
    ds.save_as(path, enforce_file_format=True)
    return path


def dose_file(
    path: Path,
    *,
    frame: str = FRAME,
    scaling: str | None = "0.001",
    orientation: list[int] = AXIAL,
    summation: str = "PLAN",
    units: str = "GY",
    z_frames: list[float] = Z_FRAMES,  # more frames: a larger file (the upload-limit tests)
) -> Path:
    ds = Dataset()
    ds.SOPInstanceUID = generate_uid()
    ds.Modality = "RTDOSE"
    ds.FrameOfReferenceUID = frame
    ds.ImagePositionPatient = [X0, Y0, z_frames[0]]
    ds.ImageOrientationPatient = orientation
    ds.PixelSpacing = [DY, DX]
    ds.GridFrameOffsetVector = [z - z_frames[0] for z in z_frames]
    ds.FrameIncrementPointer = 0x3004000C
    ds.Rows, ds.Columns, ds.NumberOfFrames = NY, NX, len(z_frames)
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 32
    ds.HighBit = 31
    ds.PixelRepresentation = 0
    ds.DoseUnits, ds.DoseType, ds.DoseSummationType = units, "PHYSICAL", summation
    if scaling is not None:
        ds.DoseGridScaling = scaling
    ds.ReferencedRTPlanSequence = [Dataset()]
    ds.ReferencedRTPlanSequence[0].ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.481.5"
    ds.ReferencedRTPlanSequence[0].ReferencedSOPInstanceUID = PLAN_UID
    x = X0 + DX * np.arange(NX)
    plane = np.tile(A + B * x, (NY, 1))
    units_grid = np.round(np.stack([plane] * len(z_frames)) / SCALING).astype("<u4")
    ds.PixelData = units_grid.tobytes()
    return _save(ds, path, "1.2.840.10008.5.1.4.1.1.481.2")


def box(x0: float, x1: float, y0: float, y1: float, z: float) -> list[float]:
    return [x0, y0, z, x1, y0, z, x1, y1, z, x0, y1, z]


def struct_file(path: Path, rois: dict[str, list[list[float]]], *, frame: str = FRAME) -> Path:
    """rois: name -> closed planar contours (flat x,y,z lists)."""
    ds = Dataset()
    ds.SOPInstanceUID = generate_uid()
    ds.Modality = "RTSTRUCT"
    ds.ReferencedFrameOfReferenceSequence = [Dataset()]
    ds.ReferencedFrameOfReferenceSequence[0].FrameOfReferenceUID = frame
    ds.StructureSetROISequence = []
    ds.ROIContourSequence = []
    for number, (name, contours) in enumerate(rois.items(), start=1):
        roi = Dataset()
        roi.ROINumber = number
        roi.ReferencedFrameOfReferenceUID = frame
        roi.ROIName = name
        ds.StructureSetROISequence.append(roi)
        rc = Dataset()
        rc.ReferencedROINumber = number
        rc.ContourSequence = []
        for data in contours:
            item = Dataset()
            item.ContourGeometricType = "CLOSED_PLANAR"
            item.NumberOfContourPoints = len(data) // 3
            item.ContourData = data
            rc.ContourSequence.append(item)
        ds.ROIContourSequence.append(rc)
    return _save(ds, path, "1.2.840.10008.5.1.4.1.1.481.3")


def plan_file(path: Path, fractions: int, *, uid: str = PLAN_UID) -> Path:
    ds = Dataset()
    ds.SOPInstanceUID = uid
    ds.Modality = "RTPLAN"
    ds.FrameOfReferenceUID = FRAME
    ds.FractionGroupSequence = [Dataset()]
    ds.FractionGroupSequence[0].FractionGroupNumber = 1
    ds.FractionGroupSequence[0].NumberOfFractionsPlanned = fractions
    return _save(ds, path, "1.2.840.10008.5.1.4.1.1.481.5")


# The box of the analytic DVH: x -9..9, y -5..5 mm on planes z = -4..4 mm every 2 mm. Each
# plane stands for a 2 mm slab, so its volume is 18 x 10 x (5 x 2) mm = 1800 mm3 = 1.8 cc, in
# 9 voxel columns (x = -8..8) of 5 rows x 5 planes x 8 mm3 = 0.2 cc each. Planes z = -4 and 4
# lie between dose frames (interpolated), z = 0 on one.
BOX_PLANES = [-4.0, -2.0, 0.0, 2.0, 4.0]
BOX = [box(-9, 9, -5, 5, z) for z in BOX_PLANES]
BOX_AREA_YZ = 10 * 10  # mm2 across x: y extent 10 mm x z extent 5 slabs x 2 mm
# Cord box: x 13..21 (4 columns, x = 14..20, doses 17..20 Gy), y -5..5, planes z = -8..8
# (9 planes: 18 mm of slabs); column volume 5 x 9 x 8 mm3 = 0.36 cc, total 1.44 cc.
CORD = [box(13, 21, -5, 5, z) for z in range(-8, 9, 2)]
CORD_AREA_YZ = 10 * 18


def analytic_d_cc(cc: float, x_max: float, area_yz: float) -> float:
    """Minimum dose to the hottest cc of a box whose hot edge is x_max: the dose at the x
    where the volume beyond it, (x_max - x) * area_yz, equals cc."""
    return A + B * (x_max - cc * 1000 / area_yz)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    rois = {
        "Box": BOX,
        "SpinalCord": CORD,
        "SpinalCord_PRV05": [box(11, 23, -7, 7, z) for z in range(-8, 9, 2)],
        "Liver": [box(25, 40, -5, 5, z) for z in (-2, 0, 2)],  # x beyond the grid's 31 mm edge
        "Stomach": [box(-5, 5, -5, 5, z) for z in (28, 30)],  # z beyond the grid (max 20 mm)
        "Lung": [box(-5, 5, -5, 5, 0)],
        "Helper_ring": [box(-5, 5, -5, 5, 0)],
        "PTV": [box(-3, 3, -3, 3, 0)],
    }
    return {
        "rs": struct_file(tmp_path / "RS.dcm", rois),
        "rd": dose_file(tmp_path / "RD.dcm"),
        "rp": plan_file(tmp_path / "RP.dcm", 3),
    }


def test_box_dvh_matches_the_analytic_values(files: dict[str, Path]) -> None:
    structures = read_rtstruct(files["rs"])
    grid = read_rtdose(files["rd"])
    # The grid as written: A + B*x from x = -18 (1 Gy) to x = 30 mm (25 Gy) on every frame.
    assert grid.values.min() == pytest.approx(A + B * X0)
    assert grid.values.max() == pytest.approx(A + B * (X0 + DX * (NX - 1)))
    roi = next(r for r in structures.rois if r.name == "Box")
    sd = structure_dose(roi, grid, 2.0)
    assert sd.thickness_mm == pytest.approx(2.0)
    assert sd.volume_cc == pytest.approx(1.8)  # 18 x 10 x 10 mm3
    assert sd.contour_cc == pytest.approx(1.8)
    assert sd.mean_gy == pytest.approx(A)  # the box is symmetric about x = 0
    assert sd.max_voxel_gy == pytest.approx(A + B * 8)  # hottest voxel centre x = 8
    # Dmax = D0.035cc: x = 9 - 35/100 = 8.65 mm -> 14.325 Gy.
    assert abs(sd.dmax() - analytic_d_cc(0.035, 9, BOX_AREA_YZ)) <= DOSE_TOL
    # D0.5cc: x = 9 - 500/100 = 4 mm -> 12 Gy.
    assert abs(sd.d_cc(0.5) - analytic_d_cc(0.5, 9, BOX_AREA_YZ)) <= DOSE_TOL
    # CV0.7cc, highest dose to the coldest 0.7 cc: x = -9 + 700/100 = -2 mm -> 9 Gy.
    assert abs(sd.cv_cc(0.7) - (A + B * (-9 + 700 / BOX_AREA_YZ))) <= DOSE_TOL
    assert sd.d_cc(2.0) is None  # more than the structure's 1.8 cc: not computable
    # V11.5Gy: x >= (11.5 - A)/B = 3 mm -> (9 - 3) x 100 mm3 = 0.6 cc.
    assert abs(sd.v_gy(11.5) - (9 - (11.5 - A) / B) * BOX_AREA_YZ / 1000) <= 0.1
    # Cumulative DVH at several doses against (9 - x(D)) * 100 mm3, clipped to the box.
    doses = [5.0, 7.3, 9.1, 10.0, 12.2, 13.9, 15.0]
    expected = [min(max(9 - (d - A) / B, 0), 18) * BOX_AREA_YZ / 1000 for d in doses]
    half_column_cc = DX / 2 * BOX_AREA_YZ / 1000  # 0.1 cc
    assert np.all(np.abs(sd.dvh(doses) - expected) <= half_column_cc + 1e-9)


def test_a_contour_inside_another_on_its_plane_is_a_hole(tmp_path: Path) -> None:
    # Outer x -9..9, y 11..21 (9 x 5 voxel centres), inner x -3..3, y 13..19 (3 x 3): 36
    # voxels of 8 mm3 on each of 3 planes = 0.864 cc; both squares are symmetric about x = 0,
    # so the ring's mean dose is still A.
    planes = (-2.0, 0.0, 2.0)
    contours = [box(-9, 9, 11, 21, z) for z in planes] + [box(-3, 3, 13, 19, z) for z in planes]
    roi = read_rtstruct(struct_file(tmp_path / "ring.dcm", {"Ring": contours})).rois[0]
    sd = structure_dose(roi, read_rtdose(dose_file(tmp_path / "RD.dcm")), 2.0)
    assert sd.volume_cc == pytest.approx(36 * 3 * 8 / 1000)
    assert sd.contour_cc == pytest.approx((18 * 10 - 6 * 6) * 3 * 2 / 1000)
    assert sd.mean_gy == pytest.approx(A)


def test_dose_between_frames_is_interpolated_linearly_in_z(files: dict[str, Path]) -> None:
    grid = read_rtdose(files["rd"])
    # A grid that also varies along z (z-th frame scaled): z = -4 lies between frames at -5
    # and -2.5, 0.4 of the way, so the dose is 0.6 * frame(-5) + 0.4 * frame(-2.5).
    ramp = grid.values * np.arange(1, len(grid.z) + 1)[:, None, None]
    tilted = dataclasses.replace(grid, values=ramp)
    lower = int(np.flatnonzero(grid.z == -5.0)[0])
    expected = 0.6 * ramp[lower] + 0.4 * ramp[lower + 1]
    assert np.allclose(plane_dose(tilted, -4.0), expected)


def test_spinal_cord_above_the_tg101_limit_fails_with_its_source(files: dict[str, Path]) -> None:
    tables = default_dose_tables()
    report = check_plan(files["rs"], files["rd"], files["rp"])
    assert report.fractions == 3
    assert "NumberOfFractionsPlanned" in report.fractions_from
    cord = {c.metric: c for c in report.checks if c.structure == "SpinalCord"}
    assert set(cord) == set(tables.metrics_for("spinal_cord"))
    for metric, cc in (("Dmax", 0.035), ("D0.35cc", 0.35), ("D1.2cc", 1.2)):
        check = cord[metric]
        analytic = analytic_d_cc(cc, 21, CORD_AREA_YZ)  # e.g. D1.2cc: x = 21 - 1200/180
        assert abs(check.value_gy - analytic) <= DOSE_TOL
        limit = tables.limit("spinal_cord", metric, 3)
        assert limit is not None
        assert (check.limit_gy, check.source) == (limit.limit_gy, "benedict_2010_tg101")
        # Analytic 20.4 vs 21.9 Gy; 19.53 vs 18.0 Gy; 17.17 vs 12.3 Gy: no value lies within
        # the tolerance of its limit, so the status follows from the analytic value.
        assert abs(analytic - limit.limit_gy) > DOSE_TOL
        assert check.status == ("pass" if analytic <= limit.limit_gy else "fail")
    assert cord["D0.35cc"].status == "fail"
    assert report.all_passed is False
    # The PRV is reported with its doses but never judged as the cord.
    assert not [c for c in report.checks if c.structure == "SpinalCord_PRV05"]
    prv = next(s for s in report.structures if s.structure == "SpinalCord_PRV05")
    assert (prv.kind, prv.organ) == ("prv", "spinal_cord")
    assert prv.volume_cc == pytest.approx(12 * 14 * 18 / 1000)  # 6 x 7 voxels x 9 planes


def test_structures_outside_the_grid_are_not_evaluable(files: dict[str, Path]) -> None:
    report = check_plan(files["rs"], files["rd"], fractions=3)
    liver = [c for c in report.checks if c.organ == "liver"]
    stomach = [c for c in report.checks if c.organ == "stomach"]
    assert liver
    assert all(c.status == "not_evaluable" for c in liver)
    assert "beyond the dose grid" in (liver[0].reason or "")
    assert stomach
    assert all(c.status == "not_evaluable" for c in stomach)
    assert "outside the dose grid" in (stomach[0].reason or "")
    assert report.fractions_from == "--fractions"


def test_unknown_and_ambiguous_names_are_listed_not_guessed(files: dict[str, Path]) -> None:
    report = check_plan(files["rs"], files["rd"], files["rp"])
    listed = {u.structure: u.kind for u in report.unrecognised}
    assert listed == {"Box": "unknown", "Lung": "ambiguous", "Helper_ring": "unknown"}
    assert report.not_organs_at_risk == ("PTV",)
    assert "esophagus" in report.organs_without_structure
    checked = {c.structure for c in report.checks}
    assert checked == {"SpinalCord", "Liver", "Stomach"}


@pytest.mark.parametrize(
    ("name", "kind", "organ"),
    [
        ("SpinalCord", "organ", "spinal_cord"),
        ("Cord", "organ", "spinal_cord"),
        ("cord_PRV", "prv", "spinal_cord"),
        ("PRV_SpinalCord", "prv", "spinal_cord"),
        ("Cord+5mm", "prv", "spinal_cord"),
        ("Oesophagus", "organ", "esophagus"),
        ("Bowel_Small", "organ", "jejunum_ileum"),
        ("Lung_Total", "organ", "lung"),
        ("Lungs", "organ", "lung"),
        ("Lung_L", "ambiguous", None),
        ("BrachialPlex_R", "organ", "brachial_plexus"),
        ("Bronchus_Main", "organ", "trachea_large_bronchus"),
        ("Kidney_Cortex_L", "ambiguous", None),
        ("PTV_60", "target", None),
        ("BODY", "not_oar", None),
        ("Esophagus_NAdj", "unknown", None),
    ],
)
def test_name_table(name: str, kind: str, organ: str | None) -> None:
    match = match_structure(name)
    assert (match.kind, match.organ) == (kind, organ)


def test_every_name_maps_to_an_organ_of_the_tables() -> None:
    assert set(ORGAN_NAMES.values()) <= set(default_dose_tables().organs)


def _cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["dose", "check-plan", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_text_json_and_exit_codes(files: dict[str, Path], tmp_path: Path) -> None:
    base = ["--rtstruct", str(files["rs"]), "--rtdose", str(files["rd"])]
    code, out, _ = _cli(*base, "--rtplan", str(files["rp"]))
    assert code == 1  # the cord fails
    assert "FAIL" in out
    assert "spinal_cord D0.35cc (SpinalCord)" in out
    assert "benedict_2010_tg101" in out
    assert "PRV (not judged as the organ) SpinalCord_PRV05" in out
    code, out, _ = _cli(*base, "--fractions", "3", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["fractions"] == 3
    assert data["all_passed"] is False
    # Only an esophagus box far under its limits: x -17..-1, y -15..15, 9 planes = 8.64 cc at
    # 1.5-9.5 Gy; D5cc (x = -1 - 5000/540 mm -> 4.9 Gy) under 17.7 Gy, Dmax (9.47 Gy) under
    # 25.2 Gy (TG-101, 3 fractions): every metric passes, exit 0.
    low = struct_file(
        tmp_path / "RS1.dcm", {"Esophagus": [box(-17, -1, -15, 15, z) for z in range(-8, 9, 2)]}
    )
    code, out, _ = _cli("--rtstruct", str(low), "--rtdose", str(files["rd"]), "--fractions", "3")
    assert code == 0
    assert "all constraints pass" in out
    # A small-bowel box at x -9..-5 (doses 6 and 7 Gy voxels), 9 planes: 2 x 5 x 9 voxels =
    # 0.72 cc; its Dmax (7 Gy) is under the 3-fraction 25.2 Gy, but D5cc needs 5 cc: not
    # evaluable -> exit 1.
    small = struct_file(
        tmp_path / "RS2.dcm", {"Bowel_Small": [box(-9, -5, -5, 5, z) for z in range(-8, 9, 2)]}
    )
    code, out, _ = _cli("--rtstruct", str(small), "--rtdose", str(files["rd"]), "--fractions", "3")
    assert code == 1
    assert "PASS              jejunum_ileum Dmax" in out
    assert "NOT_EVALUABLE     jejunum_ileum D5cc" in out
    # TG-101 has no 2-fraction small-bowel limit: no_sourced_limit, never a converted one.
    code, out, _ = _cli("--rtstruct", str(small), "--rtdose", str(files["rd"]), "--fractions", "2")
    assert code == 1
    assert "NO_SOURCED_LIMIT" in out


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("frame", "ReferencedFrameOfReferenceUID"),
        ("scaling", "DoseGridScaling: missing"),
        ("orientation", "ImageOrientationPatient"),
        ("summation", "DoseSummationType"),
        ("units", "DoseUnits"),
    ],
)
def test_bad_dose_files_exit_2_naming_the_field(
    files: dict[str, Path], tmp_path: Path, change: str, field: str
) -> None:
    bad = {
        "frame": {"frame": "1.2.3.999"},
        "scaling": {"scaling": None},
        "orientation": {"orientation": [0, 1, 0, 0, 0, -1]},
        "summation": {"summation": "BEAM"},
        "units": {"units": "RELATIVE"},
    }[change]
    rd = dose_file(tmp_path / "bad.dcm", **bad)  # type: ignore[arg-type]
    code, out, err = _cli("--rtstruct", str(files["rs"]), "--rtdose", str(rd), "--fractions", "3")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert field in err
    assert str(rd) in err  # the file (a frame mismatch names both files)
    assert "Traceback" not in err


def test_bad_fraction_input_exits_2(files: dict[str, Path], tmp_path: Path) -> None:
    base = ["--rtstruct", str(files["rs"]), "--rtdose", str(files["rd"])]
    code, _, err = _cli(*base)
    assert code == 2
    assert err.startswith("error: --fractions: give --fractions N")
    code, _, err = _cli(*base, "--rtplan", str(files["rp"]), "--fractions", "5")
    assert code == 2
    assert "NumberOfFractionsPlanned: is 3, but --fractions is 5" in err
    other = plan_file(tmp_path / "RP2.dcm", 3, uid="1.2.826.0.1.3680043.10.1234.77")
    code, _, err = _cli(*base, "--rtplan", str(other))
    assert code == 2
    assert "ReferencedRTPlanSequence" in err
    code, _, err = _cli("--rtstruct", str(files["rd"]), "--rtdose", str(files["rd"]))
    assert code == 2
    assert "Modality: is 'RTDOSE', expected RTSTRUCT" in err
    empty = Dataset()
    empty.SOPInstanceUID = generate_uid()
    empty.Modality = "RTSTRUCT"
    empty.StructureSetROISequence = [Dataset()]
    empty.StructureSetROISequence[0].ROINumber = 1
    no_contours = _save(empty, tmp_path / "empty.dcm", "1.2.840.10008.5.1.4.1.1.481.3")
    with pytest.raises(RtInputError, match="ROIContourSequence: missing"):
        read_rtstruct(no_contours)


@pytest.mark.parametrize("cut", [132, 400, 2000, -100])
def test_truncated_or_foreign_files_exit_2(
    files: dict[str, Path], tmp_path: Path, cut: int
) -> None:
    for key in ("rs", "rd"):
        broken = tmp_path / f"broken_{key}.dcm"
        broken.write_bytes(files[key].read_bytes()[:cut])
        args = {"rs": str(files["rs"]), "rd": str(files["rd"]), key: str(broken)}
        code, _, err = _cli("--rtstruct", args["rs"], "--rtdose", args["rd"], "--fractions", "3")
        assert code == 2, err
        assert err.startswith(f"error: {broken}: ")
        assert err.count("\n") == 1


def test_pydicom_sample_rt_files() -> None:
    """pydicom's own test data: rtstruct.dcm, rtdose.dcm, rtplan.dcm. The expected values are
    the files' header attributes (ROI names, Rows/Columns/NumberOfFrames, PixelSpacing,
    GridFrameOffsetVector, DoseUnits...), as shown by pydicom; they are not one plan: the
    dose's frame of reference differs from the structures', so the check refuses them."""
    paths = {
        n: get_testdata_file(f"{n}.dcm", download=False) for n in ("rtstruct", "rtdose", "rtplan")
    }
    assert all(paths.values())
    rs, rd, rp = (Path(str(paths[n])) for n in ("rtstruct", "rtdose", "rtplan"))
    structures = read_rtstruct(rs)
    assert [r.name for r in structures.rois] == ["patient", "Isocenter 1", "Isocenter 2"]
    patient = structures.rois[0]
    assert [c.z for c in patient.contours] == [-200.0, -190.0, -180.0]
    assert structures.rois[1].problem == "no closed planar contour in ROIContourSequence"
    grid = read_rtdose(rd)
    assert grid.values.shape == (15, 10, 10)
    assert grid.spacing == pytest.approx((10.0, 10.0, 5.0))
    assert (grid.units, grid.summation_type) == ("RELATIVE", "BEAM")
    assert read_rtplan(rp).fraction_counts == (30,)
    code, _, err = _cli("--rtstruct", str(rs), "--rtdose", str(rd), "--rtplan", str(rp))
    assert code == 2
    assert "ReferencedFrameOfReferenceUID" in err
    assert "Traceback" not in err
