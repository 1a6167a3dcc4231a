"""Issue 24: DICOM SR Measurement Reports carried in a FHIR Bundle (fhir/read_imaging_sr.py).

The SRs are those of tests/test_dicom_sr.py (its builders imported, not copied): two studies three
months apart, a growing liver lesion, a lung lesion known by tracking UID only, a node and a new
rib lesion. Here they reach the reader as an EHR sends them: an ImagingStudy with an SR series,
linked from a DocumentReference whose attachment names a Binary of the Bundle, or from a
DiagnosticReport whose presentedForm holds the SR inline. The case read must carry the lesions
and give the same assessment as the hand-written case.
"""

from __future__ import annotations

import base64
import copy
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("highdicom")
pydicom = pytest.importorskip("pydicom")

from pydicom.data import get_testdata_file  # noqa: E402

from oligoguide.assess import assess  # noqa: E402
from oligoguide.fhir import read_imaging_sr  # noqa: E402
from oligoguide.fhir.case_to_bundle import case_to_bundle  # noqa: E402
from oligoguide.fhir.read import bundle_to_case  # noqa: E402
from oligoguide.model import CaseInputError, case_from_data  # noqa: E402
from test_dicom_sr import DAY_1, LONG, MM, UID_L1, hand_case, studies, write_sr  # noqa: E402

JSON = dict[str, Any]
DCM = "http://dicom.nema.org/resources/ontology/DCM"
SR_SERIES = {"system": DCM, "code": "SR", "display": "SR Document"}


def _start(lesions: list[JSON] | None = None) -> JSON:
    """The Bundle of the hand-written case without its lesions (or with these)."""
    data = hand_case()
    data["lesions"] = lesions or []
    return case_to_bundle(case_from_data(data))


def _add(bundle: JSON, *resources: JSON) -> JSON:
    patient = bundle["entry"][0]["fullUrl"]
    for resource in resources:
        if resource["resourceType"] != "Binary":
            resource.setdefault("subject", {"reference": patient})
        bundle["entry"].append({"resource": resource})
    return bundle


def _study(name: str, sr: Path | None, **extra: Any) -> JSON:
    """An ImagingStudy with one SR series; its StudyInstanceUID is the SR's."""
    study: JSON = {
        "resourceType": "ImagingStudy",
        "id": name,
        "status": "available",
        "modality": [SR_SERIES],
        "series": [{"uid": f"2.25.{abs(hash(name))}", "modality": SR_SERIES}],
        **extra,
    }
    if sr is not None:
        uid = pydicom.dcmread(sr).StudyInstanceUID
        study["identifier"] = [{"system": "urn:dicom:uid", "value": f"urn:oid:{uid}"}]
    return study


def _binary(name: str, data: bytes, kind: str = "application/dicom") -> JSON:
    encoded = base64.b64encode(data).decode()
    return {"resourceType": "Binary", "id": name, "contentType": kind, "data": encoded}


def _document(name: str, study: str, attachment: JSON) -> JSON:
    return {
        "resourceType": "DocumentReference",
        "id": name,
        "status": "current",
        "context": {"related": [{"reference": f"ImagingStudy/{study}"}]},
        "content": [{"attachment": attachment}],
    }


def _report(name: str, study: str, data: bytes) -> JSON:
    return {
        "resourceType": "DiagnosticReport",
        "id": name,
        "status": "final",
        "code": {"text": "CT measurement report"},
        "imagingStudy": [{"reference": f"ImagingStudy/{study}"}],
        "presentedForm": [
            {"contentType": "application/dicom", "data": base64.b64encode(data).decode()}
        ],
    }


def _sr_bundle(tmp_path: Path, lesions: list[JSON] | None = None) -> JSON:
    """Study 1 by DocumentReference -> Binary; study 2 by DiagnosticReport, inline."""
    second, first = studies(tmp_path)
    return _add(
        _start(lesions),
        _study("study-1", first),
        _document("doc-1", "study-1", {"contentType": "application/dicom", "url": "Binary/sr-1"}),
        _binary("sr-1", first.read_bytes()),
        _study("study-2", second),
        _report("report-2", "study-2", second.read_bytes()),
    )


def test_an_imaging_study_linked_to_srs_gives_the_hand_written_case(tmp_path: Path) -> None:
    reading = bundle_to_case(_sr_bundle(tmp_path))  # strict: nothing may be left out
    hand = case_from_data(hand_case())
    assert reading.case.lesions == hand.lesions
    assert reading.unmapped == ()
    imported, expected = assess(reading.case), assess(hand)
    assert imported.disease_state == expected.disease_state
    assert imported.lesions == expected.lesions
    assert imported.progressing_lesions == expected.progressing_lesions
    assert "L1" in imported.progressing_lesions  # 30 -> 38 mm
    assert imported.model_dump() == expected.model_dump()


def test_a_binary_alone_is_read_and_each_sr_once(tmp_path: Path) -> None:
    second, first = studies(tmp_path)
    bundle = _add(
        _start(),
        _binary("sr-1", first.read_bytes()),
        _binary("sr-2", second.read_bytes()),
        _document("doc-2", "none", {"contentType": "application/dicom", "url": "Binary/sr-2"}),
    )
    reading = bundle_to_case(bundle, lenient=True)
    assert reading.case.lesions == case_from_data(hand_case()).lesions
    # the DocumentReference names no ImagingStudy of the Bundle: read all the same
    assert [u.reason for u in reading.unmapped if u.kind != "assumed"] == []


def test_sr_measurements_merge_as_import_sr_does(tmp_path: Path) -> None:
    """The Bundle's own L1 (31 mm on the first study) is kept; the SR's 30 mm is a conflict,
    left out by name; the SR adds what the case lacks."""
    held = [
        {"id": "L1", "site": "liver", "measurements": [{"date": "2024-01-10", "diameter_mm": 31}]}
    ]
    bundle = _sr_bundle(tmp_path, held)
    with pytest.raises(CaseInputError) as refused:
        bundle_to_case(bundle)
    assert "on 2024-01-10: the SR gives 30 mm, the case has 31" in str(refused.value)
    reading = bundle_to_case(bundle, lenient=True)
    l1 = reading.case.lesion("L1")
    assert [(str(m.date), m.diameter_mm) for m in l1.timeline] == [
        ("2024-01-10", 31),
        ("2024-04-10", 38),
    ]
    conflict = next(u for u in reading.unmapped if "30 mm" in u.reason)
    assert conflict.resource == "Binary/sr-1"  # the content, named by the DocumentReference
    assert conflict.lesion_data
    assert any("30 mm" in w for w in reading.warnings)


def _one_sr(tmp_path: Path, name: str = "one.dcm") -> Path:
    return write_sr(tmp_path / name, DAY_1, [(UID_L1, "L1", None, [(LONG, 30.0, MM)])])


def _refusal(bundle: JSON) -> str:
    with pytest.raises(CaseInputError) as refused:
        bundle_to_case(bundle)
    return " | ".join(f"{i.pointer}: {i.message}" for i in refused.value.issues)


def test_content_that_is_not_a_measurement_report_is_named(tmp_path: Path) -> None:
    good = _one_sr(tmp_path).read_bytes()
    bundle = _add(
        _start(),
        _study("study-1", None),
        _document("doc-1", "study-1", {"contentType": "application/dicom", "url": "Binary/x"}),
        _binary("x", b"\x00\x01 not dicom at all" * 20),
        _report("cut", "study-1", good[: len(good) // 2]),
        _binary("other-template", Path(get_testdata_file("test-SR.dcm")).read_bytes()),
        _binary("text", b"hello", kind="text/plain"),
        _document("doc-2", "study-1", {"contentType": "application/dicom", "url": "Binary/text"}),
    )
    text = _refusal(copy.deepcopy(bundle))
    assert "Binary/x: DICOM SR not read: not a DICOM file (no DICM file preamble)" in text
    assert "DiagnosticReport/cut: DICOM SR not read: " in text  # cut in half
    assert "presentedForm/0" in text
    assert (
        "Binary/other-template: DICOM SR not read: not a TID 1500 Imaging Measurement Report"
        in text
    )
    assert "Binary of contentType 'text/plain' named as DICOM content" in text
    reading = bundle_to_case(bundle, lenient=True)  # the rest is read
    assert reading.case.case_id == "sr-SR-PT-1"
    assert reading.case.lesions == ()
    assert all(u.lesion_data for u in reading.left_out)


def test_an_sr_outside_the_bundle_is_never_fetched(tmp_path: Path) -> None:
    url = "https://pacs.example.org/dicom-web/studies/1.2.3/series/4.5/instances/6.7"
    wado = "https://pacs.example.org/dicom-web"
    endpoint = {
        "resourceType": "Endpoint",
        "id": "pacs",
        "status": "active",
        "connectionType": {
            "system": "http://terminology.hl7.org/CodeSystem/endpoint-connection-type",
            "code": "dicom-wado-rs",
        },
        "payloadType": [{"text": "DICOM"}],
        "address": wado,
    }
    bundle = _add(
        _start(),
        _study("study-1", None),
        _document("doc-1", "study-1", {"contentType": "application/dicom", "url": url}),
        _study("study-2", None, endpoint=[{"reference": "Endpoint/pacs"}]),
        _study("study-3", None),
    )
    bundle["entry"].append({"resource": endpoint})
    text = _refusal(bundle)
    assert f"DocumentReference/doc-1: SR referenced at {url} not fetched" in text
    assert "never fetches over the network" in text
    assert f"ImagingStudy/study-2: SR referenced at {wado} not fetched" in text
    assert "ImagingStudy/study-3: DICOM SR series without its SR content in the Bundle" in text


def test_an_sr_of_another_patient_or_study_is_not_attached(tmp_path: Path) -> None:
    sr = _one_sr(tmp_path)
    other = pydicom.dcmread(sr)
    other.PatientID = "SOMEONE-ELSE"
    other.save_as(tmp_path / "other.dcm")
    bundle = _add(
        _start(),
        _binary("mine-other-study", sr.read_bytes()),
        _study("study-x", _one_sr(tmp_path, "x.dcm")),  # another StudyInstanceUID
        _document(
            "doc-x",
            "study-x",
            {"contentType": "application/dicom", "url": "Binary/mine-other-study"},
        ),
        _binary("theirs", (tmp_path / "other.dcm").read_bytes()),
    )
    text = _refusal(bundle)
    assert "the SR's PatientID 'SOMEONE-ELSE' is none of the Patient's identifiers" in text
    assert "not of ImagingStudy/study-x it is linked to" in text


def test_without_the_dicom_extra_the_rest_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_imaging_sr, "DICOM_EXTRA", ("pydicom", "highdicom_absent_here"))
    reading = bundle_to_case(_sr_bundle(tmp_path), lenient=True)
    assert reading.case.lesions == ()
    reasons = {u.reason for u in reading.left_out}
    assert reasons == {
        "DICOM SR content not read: the 'dicom' extra (highdicom_absent_here) is not installed "
        "on this system (pip install 'oligoguide[dicom]')"
    }
    assert {u.resource for u in reading.left_out} == {
        "Binary/sr-1",
        "DiagnosticReport/report-2",
    }


def test_a_document_entered_in_error_is_set_aside(tmp_path: Path) -> None:
    withdrawn = _document(
        "doc-old", "none", {"contentType": "application/dicom", "url": "https://pacs.example/x"}
    )
    withdrawn["status"] = "entered-in-error"
    reading = bundle_to_case(_add(_start(), withdrawn))  # strict: nothing left out
    assert [(u.resource, u.kind.value) for u in reading.unmapped] == [
        ("DocumentReference/doc-old", "excluded")
    ]
