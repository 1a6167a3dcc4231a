"""Issue 24: the DICOM upload routes take `max_upload_bytes` (a real RTDOSE is 5-50 MB), every
other route keeps `max_body_bytes` (2 MB); both enforced while the body streams in, and a 413
names the limit and its setting (service/upload_limit.py).

The large dose grid is the analytic one of tests/test_dicom_rt.py with more frames along z
(25 x 31 voxels x 4 bytes a frame): 1,700 frames are 5.3 MB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pydicom")
pytest.importorskip("fastapi")

import typer
from typer.testing import CliRunner

from oligoguide.cli import app
from oligoguide.service import Settings
from oligoguide.service.upload_limit import is_upload
from service_helpers import READER, client
from test_dicom_rt import CORD, Z_FRAMES, dose_file, plan_file, struct_file

AUTH = {"authorization": "Bearer r-token"}
MB = 1_000_000


@pytest.fixture(scope="module")
def big_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("big")
    frames = [Z_FRAMES[0] + 2.5 * k for k in range(1_700)]
    return {
        "rtstruct": struct_file(folder / "RS.dcm", {"SpinalCord": CORD}),
        "rtdose": dose_file(folder / "RD.dcm", z_frames=frames),
        "rtplan": plan_file(folder / "RP.dcm", 3),
    }


def _parts(paths: dict[str, Path]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [(part, (p.name, p.read_bytes(), "application/dicom")) for part, p in paths.items()]


def test_a_5_mb_dose_grid_is_accepted_and_json_routes_keep_2_mb(
    big_plan: dict[str, Path],
) -> None:
    assert big_plan["rtdose"].stat().st_size > 5 * MB
    api = client(READER)  # the service's defaults
    checked = api.post("/v1/dose/check-plan", files=_parts(big_plan), headers=AUTH)
    assert checked.status_code == 200, checked.text
    assert checked.json()["fractions"] == 3
    assert any(c["structure"] == "SpinalCord" for c in checked.json()["checks"])
    # A JSON route with a body over 2 MB: still refused, naming its limit and setting.
    padded = b'{"pad": "' + b"x" * (2 * MB + 10) + b'"}'
    refused = api.post(
        "/v1/assess", content=padded, headers=AUTH | {"content-type": "application/json"}
    )
    assert refused.status_code == 413
    assert refused.json()["detail"] == "the limit is 2000000 bytes (setting max_body_bytes)"


def test_an_upload_over_the_upload_limit_is_413_naming_it(big_plan: dict[str, Path]) -> None:
    api = client(READER, max_upload_bytes=3 * MB)
    refused = api.post("/v1/dose/check-plan", files=_parts(big_plan), headers=AUTH)
    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["detail"] == "the limit is 3000000 bytes (setting max_upload_bytes)"


def _chunks(total: int, size: int = 256_000) -> Iterator[bytes]:
    yield b"--b\r\nContent-Disposition: form-data; name=rtdose; filename=RD.dcm\r\n\r\n"
    for _ in range(total // size):
        yield b"\0" * size


@pytest.mark.parametrize("path", ["/v1/dose/check-plan", "/v1/import-sr"])
def test_a_streamed_upload_is_cut_off_at_the_limit(path: str) -> None:
    """Without a Content-Length the body is counted as it comes and cut off at the limit."""
    api = client(READER, max_upload_bytes=1 * MB)
    refused = api.post(
        path,
        content=_chunks(3 * MB),
        headers=AUTH | {"content-type": "multipart/form-data; boundary=b"},
    )
    assert refused.status_code == 413
    assert "max_upload_bytes" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "upload"),
    [
        ("POST", "/v1/dose/check-plan", True),
        ("POST", "/v1/import-sr", True),
        ("POST", "/v1/cases/crc-1/report.pdf", True),
        ("POST", "/ui/dose", True),
        ("POST", "/ui/import-sr", True),
        ("POST", "/ui/cases/crc-1/import-sr", True),
        ("POST", "/ui/cases/crc-1/plan-report", True),
        ("GET", "/v1/cases/crc-1/report.pdf", False),
        ("POST", "/v1/cases/crc-1/report.fhir", False),
        ("POST", "/v1/assess", False),
        ("POST", "/v1/cases", False),
        ("POST", "/ui/import", False),  # a case JSON or FHIR Bundle: 2 MB
        ("POST", "/v1/dose/check-plan/x", False),
    ],
)
def test_which_routes_take_the_upload_limit(method: str, path: str, upload: bool) -> None:
    assert is_upload({"type": "http", "method": method, "path": path}) is upload


def test_serve_sets_the_upload_limit() -> None:
    from oligoguide.cli.serve import limits

    assert Settings(**limits(None, None, None, 7 * MB)).max_upload_bytes == 7 * MB
    serve = typer.main.get_group(app).commands["serve"]
    option = next(p for p in serve.params if p.name == "max_upload_bytes")
    assert f"the service's, {Settings().max_upload_bytes})" in str(getattr(option, "help", ""))
    refused = CliRunner().invoke(app, ["serve", "--max-upload-bytes", "10"])
    assert refused.exit_code == 2
    assert "--max-upload-bytes" in refused.output
