"""An upload refused by the CSRF check is closed at once (its spooled temporary file is not left
open for the garbage collector) and stores nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.datastructures import UploadFile

from oligoguide.service import Settings
from oligoguide.service.launch import build_app
from oligoguide.store import Registry

EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"


@pytest.fixture
def signed_in(tmp_path: Path) -> Iterator[tuple[TestClient, str, Registry]]:
    """A clinician signed in to the UI: the client, its session's CSRF token, the registry."""
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    app, registry = build_app(Settings(db_url=db))
    token = registry.create_token("upload-clinician", "clinician", actor="t")
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        response = client.post(
            "/ui/sign-in",
            data={"csrf_token": _csrf(client, "/ui/sign-in"), "token": token, "next": "/ui/"},
        )
        assert response.status_code == 303
        yield client, _csrf(client, "/ui/import"), registry
    registry.close()


def _csrf(client: TestClient, page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text)
    assert found is not None, f"no CSRF field on {page}"
    return found.group(1)


@pytest.fixture
def uploads(monkeypatch: pytest.MonkeyPatch) -> list[UploadFile]:
    """Every UploadFile the form parser makes, to check afterwards that each was closed."""
    made: list[UploadFile] = []
    original = UploadFile.__init__

    def recording(self: UploadFile, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(UploadFile, "__init__", recording)
    return made


@pytest.mark.parametrize("sent", [None, "forged"])
def test_an_upload_with_a_wrong_csrf_token_is_refused_closed_and_not_stored(
    signed_in: tuple[TestClient, str, Registry], uploads: list[UploadFile], sent: str | None
) -> None:
    client, _, registry = signed_in
    data = {} if sent is None else {"csrf_token": sent}
    upload = {"file": ("case.json", EXAMPLE.read_bytes(), "application/json")}
    response = client.post("/ui/import", data=data, files=upload)
    assert response.status_code == 403
    assert "Form expired" in response.text
    assert len(uploads) == 1
    assert uploads[0].file.closed
    assert registry.list_cases("t").total == 0


def test_the_same_upload_with_the_sessions_csrf_token_is_imported_and_closed(
    signed_in: tuple[TestClient, str, Registry], uploads: list[UploadFile]
) -> None:
    client, csrf, registry = signed_in
    upload = {"file": ("case.json", EXAMPLE.read_bytes(), "application/json")}
    response = client.post("/ui/import", data={"csrf_token": csrf}, files=upload)
    assert response.status_code == 303
    assert [u.file.closed for u in uploads] == [True]
    assert registry.list_cases("t").total == 1
