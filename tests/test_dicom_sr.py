"""Lesion measurements from DICOM SR Measurement Reports (TID 1500): oligoguide.dicom.sr_*.

The reports are built here with highdicom (Comprehensive 3D SR, MeasurementReport of planar ROI
groups) over pydicom's CT_small.dcm, copied into two studies three months apart. The numbers put
in the SRs are written once more by hand as a case JSON; the imported case must give the same
assessment. No real TID 1500 file ships with highdicom or pydicom (pydicom's SR test files are a
Basic Text SR, reportsi.dcm, and a Comprehensive SR of another template, test-SR.dcm: both are used
here as real files that must be refused). `write_sr`, `studies` and `hand_case` are also the
builders of tests/test_fhir_imaging_sr.py (an SR carried in a FHIR Bundle).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

hd = pytest.importorskip("highdicom")
pydicom = pytest.importorskip("pydicom")

import numpy as np  # noqa: E402
from pydicom.data import get_testdata_file  # noqa: E402
from pydicom.sr.codedict import codes  # noqa: E402
from pydicom.uid import generate_uid  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from oligoguide.assess import assess  # noqa: E402
from oligoguide.cli import app  # noqa: E402
from oligoguide.dicom.sr_codes import MEASUREMENT_CODES, SITE_CODES  # noqa: E402
from oligoguide.dicom.sr_identity import MatchBy  # noqa: E402
from oligoguide.dicom.sr_map import NewCase, import_reports  # noqa: E402
from oligoguide.dicom.sr_read import SrFileError, SrImportError, read_report, read_reports  # noqa: E402
from oligoguide.model import case_from_data  # noqa: E402
from oligoguide.model.vocab import PrimarySite  # noqa: E402

PATIENT = "SR-PT-1"
DAY_1 = dt.date(2024, 1, 10)
DAY_2 = dt.date(2024, 4, 10)
UID_L1, UID_L2, UID_N1, UID_L3 = (generate_uid() for _ in range(4))
Code = Any  # pydicom.sr.coding.Code
Meas = tuple[Code, float, Code]  # name, value, unit


def _source(day: dt.date, study_uid: str) -> Any:
    image = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    image.PatientID = PATIENT
    image.StudyDate = day.strftime("%Y%m%d")
    image.StudyInstanceUID = study_uid
    image.SeriesInstanceUID = generate_uid()
    image.SOPInstanceUID = generate_uid()
    return image


def _group(
    source: Any, uid: str, label: str | None, site: Code | None, measurements: list[Meas]
) -> Any:
    region = hd.sr.ImageRegion(
        graphic_type=hd.sr.GraphicTypeValues.POLYLINE,
        graphic_data=np.array([[10.0, 10.0], [40.0, 40.0]]),
        source_image=hd.sr.SourceImageForRegion.from_source_image(source),
    )
    return hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations(
        # highdicom writes both identifiers; a group without a label loses it after (_unlabel)
        tracking_identifier=hd.sr.TrackingIdentifier(uid=uid, identifier=label or UNLABELLED),
        referenced_region=region,
        finding_type=codes.SCT.Neoplasm,
        finding_sites=[hd.sr.FindingSite(site)] if site is not None else None,
        measurements=[hd.sr.Measurement(name=n, value=v, unit=u) for n, v, u in measurements],
    )


Groups = list[tuple[str, str | None, Code | None, list[Meas]]]


def write_sr(path: Path, day: dt.date, groups: Groups) -> Path:
    source = _source(day, generate_uid())
    observer = hd.sr.ObserverContext(
        observer_type=codes.DCM.Person,
        observer_identifying_attributes=hd.sr.PersonObserverIdentifyingAttributes(name="Doe^J"),
    )
    report = hd.sr.MeasurementReport(
        observation_context=hd.sr.ObservationContext(observer_person_context=observer),
        procedure_reported=codes.LN.CTUnspecifiedBodyRegion,
        imaging_measurements=[_group(source, *g) for g in groups],
    )
    sr = hd.sr.Comprehensive3DSR(
        evidence=[source],
        content=report,
        series_number=100,
        series_instance_uid=generate_uid(),
        sop_instance_uid=generate_uid(),
        instance_number=1,
        manufacturer="oligoguide tests",
    )
    _unlabel(sr)
    sr.save_as(path)
    return path


UNLABELLED = "unlabelled"


def _unlabel(dataset: Any) -> None:
    """Remove the Tracking Identifier (112039) items that say UNLABELLED."""
    for item in dataset.get("ContentSequence", []):
        _unlabel(item)
    if "ContentSequence" in dataset:
        dataset.ContentSequence = [
            item
            for item in dataset.ContentSequence
            if not (
                item.get("TextValue") == UNLABELLED
                and item.ConceptNameCodeSequence[0].CodeValue == "112039"
            )
        ]


MM, CM = codes.UCUM.Millimeter, codes.UCUM.Centimeter
LONG, SHORT, DIAM = codes.SCT.LongAxis, codes.SCT.ShortAxis, codes.SCT.Diameter


def studies(tmp_path: Path) -> list[Path]:
    """Study 1: liver L1 30 mm, lung lesion identified by UID only 20 mm (as "Diameter"), node N1
    short axis 18 mm (long 25). Study 2, three months later: L1 3.8 cm (grows by 8 mm, 27%), the
    lung lesion 21 mm, N1 short axis 17 mm, and a new rib lesion L3 of 12 mm."""
    first = write_sr(
        tmp_path / "study1.dcm",
        DAY_1,
        [
            (UID_L1, "L1", codes.SCT.Liver, [(LONG, 30.0, MM)]),
            (UID_L2, None, codes.SCT.Lung, [(DIAM, 20.0, MM)]),
            (UID_N1, "N1", codes.SCT.LymphNode, [(SHORT, 18.0, MM), (LONG, 25.0, MM)]),
        ],
    )
    second = write_sr(
        tmp_path / "study2.dcm",
        DAY_2,
        [
            (UID_L1, "L1", codes.SCT.Liver, [(LONG, 3.8, CM)]),
            (UID_L2, None, codes.SCT.Lung, [(LONG, 21.0, MM)]),
            (UID_N1, "N1", codes.SCT.LymphNode, [(SHORT, 17.0, MM), (LONG, 24.0, MM)]),
            (UID_L3, "L3", codes.SCT.Rib, [(LONG, 12.0, MM)]),
        ],
    )
    return [second, first]  # any order: the import sorts by study date


def hand_case() -> dict[str, Any]:
    def lesion(lesion_id: str, site: str, sizes: list[tuple[dt.date, float]], **extra: Any) -> Any:
        measurements = [{"date": d.isoformat(), "diameter_mm": v} for d, v in sizes]
        return {"id": lesion_id, "site": site, **extra, "measurements": measurements}

    return {
        "case_id": f"sr-{PATIENT}",
        "patient": {"id": PATIENT},
        "cancer": {"primary_site": "colorectal"},
        "lesions": [
            lesion("L1", "liver", [(DAY_1, 30), (DAY_2, 38)]),
            lesion(UID_L2, "lung", [(DAY_1, 20), (DAY_2, 21)]),
            lesion("N1", "lymph_node", [(DAY_1, 18), (DAY_2, 17)], is_lymph_node=True),
            lesion("L3", "bone", [(DAY_2, 12)], location="Rib"),
        ],
    }


def _new_case(paths: list[Path], **kwargs: Any) -> Any:
    return import_reports(
        read_reports(paths), new_case=NewCase(primary_site=PrimarySite.COLORECTAL), **kwargs
    )


def test_the_imported_case_gives_the_hand_written_assessment(tmp_path: Path) -> None:
    result = _new_case(studies(tmp_path))
    hand = case_from_data(hand_case())
    imported, expected = assess(result.case), assess(hand)
    assert imported.disease_state == expected.disease_state
    assert imported.progressing_lesions == expected.progressing_lesions
    assert [(x.id, x.status) for x in imported.lesions] == [
        (x.id, x.status) for x in expected.lesions
    ]
    assert imported.model_dump() == expected.model_dump()
    assert "L1" in imported.progressing_lesions  # 30 -> 38 mm: +27%, +8 mm
    assert {x.id: x.status.value for x in imported.lesions}["L3"] == "new"
    assert result.warnings == []
    assert result.conflicts == []
    assert any("tracking UID" in n and "no tracking identifier" in n for n in result.notes)


def test_sizes_units_and_node_axis(tmp_path: Path) -> None:
    case = _new_case(studies(tmp_path)).case
    node = case.lesion("N1")
    assert node.is_lymph_node
    assert node.site == "lymph_node"
    assert [m.diameter_mm for m in node.timeline] == [18, 17]  # short axis, not the long
    assert [m.diameter_mm for m in case.lesion("L1").timeline] == [30, 38]  # 3.8 cm
    assert case.patient.id == PATIENT
    assert case.case_id == "sr-SR-PT-1"


def test_merge_keeps_everything_and_reports_conflicts(tmp_path: Path) -> None:
    paths = studies(tmp_path)
    held = hand_case()
    held["case_id"] = "crc-held-01"
    held["systemic_therapies"] = [
        {"agents": ["FOLFOX"], "classes": ["chemotherapy"], "start": "2023-12-01"}
    ]
    held["lesions"] = [
        {"id": "L1", "site": "liver", "target": True, "location": "segment VII",
         "measurements": [{"date": DAY_1.isoformat(), "diameter_mm": 31}]},
        {"id": "P9", "site": "peritoneum",
         "measurements": [{"date": "2024-01-12", "status": "present"}]},
    ]  # fmt: skip
    result = import_reports(read_reports(paths), case_data=held)
    data = result.data
    assert data["systemic_therapies"] == held["systemic_therapies"]
    l1 = next(x for x in data["lesions"] if x["id"] == "L1")
    assert l1["target"] is True
    assert l1["location"] == "segment VII"
    assert l1["measurements"] == [
        {"date": DAY_1.isoformat(), "diameter_mm": 31},  # kept, the SR's 30 reported
        {"date": DAY_2.isoformat(), "diameter_mm": 38.0},
    ]
    assert any(x["id"] == "P9" for x in data["lesions"])
    assert len(result.conflicts) == 1
    assert "30 mm" in result.conflicts[0]
    assert "the case has 31 mm" in result.conflicts[0]
    held["lesions"][1]["measurements"].append({"date": DAY_2.isoformat(), "status": "present"})
    held["lesions"][1]["id"] = "L3"  # the SR's new rib lesion, already in the case without size
    again = import_reports(read_reports(paths), case_data=held).conflicts
    assert any("the case has 'peritoneum': the case's kept" in c for c in again)
    wanted = "lesion 'L3' on 2024-04-10: the SR gives 12 mm, the case has status 'present'"
    assert any(c.startswith(wanted) for c in again)
    assert held["lesions"][0]["measurements"] == [{"date": DAY_1.isoformat(), "diameter_mm": 31}]
    assert {x.id for x in result.case.lesions} == {"L1", "P9", UID_L2, "N1", "L3"}


def test_other_patient_refused_unless_told(tmp_path: Path) -> None:
    held = hand_case()
    held["patient"]["id"] = "SOMEONE-ELSE"
    reports = read_reports(studies(tmp_path))
    with pytest.raises(SrImportError, match="SOMEONE-ELSE"):
        import_reports(reports, case_data=held)
    assert import_reports(reports, case_data=held, check_patient=False).conflicts == []


def _strip(dataset: Any, concept_values: set[str]) -> None:
    """Remove every content item whose concept name has one of these code values."""
    for item in dataset.get("ContentSequence", []):
        _strip(item, concept_values)
    if "ContentSequence" in dataset:
        dataset.ContentSequence = [
            item
            for item in dataset.ContentSequence
            if not (
                "ConceptNameCodeSequence" in item
                and item.ConceptNameCodeSequence[0].CodeValue in concept_values
            )
        ]


def _find(dataset: Any, concept_value: str) -> list[Any]:
    """Every content item, depth first, whose concept name has this code value."""
    found = []
    for item in dataset.get("ContentSequence", []):
        if item.ConceptNameCodeSequence[0].CodeValue == concept_value:
            found.append(item)
        found += _find(item, concept_value)
    return found


def _edit(path: Path, change: Callable[[Any], None]) -> Path:
    dataset = pydicom.dcmread(path)
    change(dataset)
    dataset.save_as(path)
    return path


def test_group_without_tracking_identifiers_is_left_out_by_name(tmp_path: Path) -> None:
    path = write_sr(
        tmp_path / "a.dcm", DAY_1, [(UID_L1, "L1", codes.SCT.Liver, [(LONG, 30.0, MM)])]
    )
    _edit(path, lambda ds: _strip(ds, {"112039", "112040"}))  # Tracking Identifier, UID
    result = _new_case([path])
    assert result.case.lesions == ()
    assert "measurement group 1" in result.warnings[0]
    assert "Long axis" in result.warnings[0]
    assert "never guessed" in result.warnings[0]


def test_unknown_site_unknown_measurement_and_missing_unit(tmp_path: Path) -> None:
    aorta = codes.SCT.AbdominalAorta  # CID 4, but no site of the project's
    area, mm2 = codes.SCT.Area, codes.UCUM.SquareMillimeter
    path = write_sr(
        tmp_path / "a.dcm",
        DAY_1,
        [
            (UID_L1, "L1", codes.SCT.Liver, [(LONG, 30.0, MM), (area, 700.0, mm2)]),
            (UID_L2, "X1", aorta, [(LONG, 22.0, MM)]),
            (UID_N1, "L4", codes.SCT.Lung, [(LONG, 15.0, MM)]),
        ],
    )  # fmt: skip

    def drop_unit(ds: Any) -> None:  # the third group's Long axis loses its unit
        group = _find(ds, "125007")[2]  # Measurement Group
        number = next(x for x in group.ContentSequence if x.ValueType == "NUM")
        del number.MeasuredValueSequence[0].MeasurementUnitsCodeSequence

    _edit(path, drop_unit)
    result = _new_case([path])
    text = "\n".join(result.warnings)
    assert "'Abdominal aorta' (SCT 7832008) is not in the site table" in text
    assert "lesion 'X1': no finding site in the site table: left out" in text
    assert "'Area' (SCT 42798000) is not a diameter" in text
    assert "'Long axis' (SCT 103339001) has no unit" in text
    assert [x.id for x in result.case.lesions] == ["L1"]


def test_match_by_identifier_joins_new_uids(tmp_path: Path) -> None:
    first = write_sr(
        tmp_path / "1.dcm", DAY_1, [(generate_uid(), "L1", codes.SCT.Liver, [(LONG, 30.0, MM)])]
    )
    second = write_sr(
        tmp_path / "2.dcm", DAY_2, [(generate_uid(), "L1", codes.SCT.Liver, [(LONG, 31.0, MM)])]
    )
    reports = read_reports([first, second])
    with pytest.raises(SrImportError, match="--match-by identifier"):
        _new_case([first, second])
    result = import_reports(
        reports, new_case=NewCase(PrimarySite.NSCLC, case_id="c1"), match_by=MatchBy.IDENTIFIER
    )
    assert [m.diameter_mm for m in result.case.lesion("L1").timeline] == [30, 31]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("reportsi.dcm", "not a DICOM SR that can hold a Measurement Report"),  # Basic Text SR
        ("test-SR.dcm", "not a TID 1500 Imaging Measurement Report"),  # Comprehensive SR
        ("CT_small.dcm", "CT Image Storage"),  # an image
    ],
)
def test_real_files_of_another_kind_are_refused(name: str, reason: str) -> None:
    path = Path(get_testdata_file(name))
    with pytest.raises(SrFileError, match=reason) as caught:
        read_report(path)
    assert str(path) in str(caught.value)


def test_corrupted_files_are_refused(tmp_path: Path) -> None:
    good = write_sr(
        tmp_path / "good.dcm", DAY_1, [(UID_L1, "L1", codes.SCT.Liver, [(LONG, 30.0, MM)])]
    )
    cut = tmp_path / "cut.dcm"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    noise = tmp_path / "noise.dcm"
    noise.write_bytes(b"\x00\x01garbage" * 50)
    with pytest.raises(SrImportError) as caught:
        read_reports([good, cut, noise])
    problems = caught.value.problems
    assert len(problems) == 2
    assert problems[0].startswith(f"{cut}: ")
    assert problems[1] == f"{noise}: not a DICOM file (no DICM file preamble)"


def test_the_code_tables_are_the_standards(tmp_path: Path) -> None:
    """Every code and meaning is in DICOM PS3.16 (pydicom's generated table) in the context
    group the table names; the measurement names are in CID 7470 Linear Measurement."""
    from pydicom.sr._concepts_dict import concepts

    by_code: dict[str, list[tuple[str, list[int]]]] = {}
    for entries in concepts["SCT"].values():
        for code, (meaning, cids) in entries.items():
            by_code.setdefault(code, []).append((meaning, cids))
    for code, site in SITE_CODES.items():
        assert (site.meaning, site.cid) in {(m, c) for m, cs in by_code[code] for c in cs}, code
    for code, name in MEASUREMENT_CODES.items():
        assert any(m == name.meaning and 7470 in cs for m, cs in by_code[code]), code


runner = CliRunner()


def test_cli_new_case_and_merge(tmp_path: Path) -> None:
    paths = [str(p) for p in studies(tmp_path)]
    out = tmp_path / "case.json"
    refused = runner.invoke(app, ["import-sr", *paths, "-o", str(out)])
    assert refused.exit_code == 2
    assert "--primary-site" in refused.output
    assert not out.exists()
    done = runner.invoke(app, ["import-sr", *paths, "--primary-site", "colorectal", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert json.loads(out.read_text()) == hand_case()
    assessed = runner.invoke(app, ["assess", str(out), "--format", "json"])
    assert assessed.exit_code == 0
    again = runner.invoke(app, ["import-sr", paths[0], "--case", str(out), "-o", str(out)])
    assert again.exit_code == 0
    assert "0 measurement(s) added" in again.output


def test_cli_bad_files_exit_2_without_a_traceback(tmp_path: Path) -> None:
    out = tmp_path / "case.json"
    args = ["import-sr", get_testdata_file("reportsi.dcm"), str(tmp_path / "none.dcm")]
    result = runner.invoke(app, [*args, "--primary-site", "nsclc", "-o", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not out.exists()
    assert "reportsi.dcm: not a DICOM SR" in result.output
    assert "none.dcm: cannot read" in result.output
    folder = runner.invoke(
        app, ["import-sr", str(tmp_path), "--primary-site", "nsclc", "-o", str(out)]
    )
    assert folder.exit_code == 2
    assert f"{tmp_path}: cannot read" in folder.output


def test_rest_import_new_case_merge_and_refusals(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from service_helpers import READER, client

    api = client(READER)
    auth = {"authorization": "Bearer r-token"}
    paths = studies(tmp_path)

    def post(files: list[Path], **form: str) -> Any:
        parts = [("files", (p.name, p.read_bytes(), "application/dicom")) for p in files]
        return api.post("/v1/import-sr", files=parts, data=form, headers=auth)

    assert api.post("/v1/import-sr", files=[("files", ("a", b"x"))]).status_code == 401
    made = post(paths, primary_site="colorectal")
    assert made.status_code == 200, made.text
    assert made.json()["case"] == hand_case()
    assessed = api.post("/v1/assess", json=made.json()["case"], headers=auth)
    assert assessed.json()["disease_state"] == assess(case_from_data(hand_case())).disease_state
    merged = post(paths[:1], case=json.dumps(made.json()["case"]))
    assert merged.status_code == 200
    assert merged.json()["case"] == hand_case()
    no_site = post(paths)
    assert no_site.status_code == 422
    assert "primary_site" in no_site.json()["detail"]
    noise = tmp_path / "noise.dcm"
    noise.write_bytes(b"not dicom")
    refused = post([noise, Path(get_testdata_file("reportsi.dcm"))], primary_site="nsclc")
    assert refused.status_code == 400
    assert "noise.dcm: not a DICOM file" in refused.json()["detail"]
    assert "reportsi.dcm: not a DICOM SR" in refused.json()["detail"]
    bad_case = post(paths, case='{"case_id": "x"}')
    assert bad_case.status_code == 422
    assert bad_case.json()["errors"][0]["pointer"] == "/patient"


def test_ui_upload_new_case_then_merge(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    import re

    from service_helpers import ui_site

    def csrf_of(html: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert found is not None
        return found.group(1)

    first, second = sorted(studies(tmp_path))  # study1.dcm, study2.dcm
    with ui_site(tmp_path) as (client, tokens, registry):
        form = client.get("/ui/sign-in")
        client.post(
            "/ui/sign-in",
            data={"csrf_token": csrf_of(form.text), "token": tokens["clinician"], "next": "/ui/"},
        )
        page = client.get("/ui/import-sr")
        assert page.status_code == 200
        csrf = csrf_of(page.text)

        def upload(url: str, paths: list[Path], **form: str) -> Any:
            parts = [("files", (p.name, p.read_bytes(), "application/dicom")) for p in paths]
            return client.post(url, data={"csrf_token": csrf, **form}, files=parts)

        no_site = upload("/ui/import-sr", [first])
        assert no_site.status_code == 422
        assert "Choose the primary cancer" in no_site.text
        refused = upload(
            "/ui/import-sr", [Path(get_testdata_file("reportsi.dcm"))], primary_site="nsclc"
        )
        assert refused.status_code == 400
        assert "reportsi.dcm: not a DICOM SR" in refused.text
        made = upload("/ui/import-sr", [first], primary_site="colorectal")
        assert made.status_code == 303
        assert made.headers["location"] == "/ui/cases/sr-SR-PT-1"
        case_page = client.get(made.headers["location"])
        assert "Imported: lesion &#39;L1&#39; added" in case_page.text
        merge = client.get("/ui/cases/sr-SR-PT-1/import-sr")
        assert 'name="edited_version" value="1"' in merge.text
        merged = upload("/ui/cases/sr-SR-PT-1/import-sr", [second], edited_version="1")
        assert merged.status_code == 303
        stored = registry.get_case("sr-SR-PT-1", "t")
        assert stored.version == 2
        assert stored.case == case_from_data(hand_case())
        stale = upload("/ui/cases/sr-SR-PT-1/import-sr", [second], edited_version="1")
        assert stale.status_code == 409
