"""Uploading DICOM SR Measurement Reports (TID 1500): a new case, or a new version of a case
with the reports' measurements added (the UI face of `oligoguide import-sr`, docs/dicom.md).

What was imported, left out or in conflict with the stored case is shown on the case page after
the import; a refused file or an ambiguous import shows the form again naming every problem.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from oligoguide.model.vocab import PrimarySite
from oligoguide.service.auth import Caller, Role
from oligoguide.service.ui import case_pages as cp
from oligoguide.service.ui.case_edit import stored_data
from oligoguide.service.ui.web import Ui, UiDep
from oligoguide.store import AlreadyExists, VersionConflict

router = APIRouter()
MAX_FILES = 50
MAX_FILE_BYTES = 5_000_000
SHOWN_ITEMS = 20  # lines of each kind on the case page; the rest counted


@dataclass(frozen=True)
class _Target:
    case_id: str | None  # None: a new case
    version: int = 0


def _page(
    ui: Ui, target: _Target, status: int = 200, problems: list[str] | None = None
) -> Response:
    return ui.page(
        "sr_import.html",
        status=status,
        title="Import DICOM SR measurements",
        target=target,
        case_link=cp.case_url(target.case_id) if target.case_id else "",
        sites=[p.value for p in PrimarySite],
        problems=problems or [],
        action=f"{cp.case_url(target.case_id)}/import-sr" if target.case_id else "/ui/import-sr",
    )


@router.get("/import-sr")
def new_form(ui: UiDep) -> Response:
    ui.need(Role.CLINICIAN)
    return _page(ui, _Target(None))


@router.get("/cases/{case_id}/import-sr")
def merge_form(case_id: str, ui: UiDep) -> Response:
    caller = ui.need(Role.CLINICIAN)
    with cp._store_errors():
        record = cp._registry(ui).get_case(case_id, caller.name)
    return _page(ui, _Target(case_id, record.version))


@router.post("/import-sr")
async def import_new(ui: UiDep) -> Response:
    return await _import(ui, None)


@router.post("/cases/{case_id}/import-sr")
async def import_merge(case_id: str, ui: UiDep) -> Response:
    return await _import(ui, case_id)


async def _import(ui: Ui, case_id: str | None) -> Response:
    caller = ui.need(Role.CLINICIAN)
    form = await ui.form()
    try:
        uploads = [u for u in form.getlist("files") if isinstance(u, UploadFile) and u.filename]
        files = [(u.filename or "", await u.read(MAX_FILE_BYTES + 1)) for u in uploads]
        fields = {k: form.get(k) for k in ("primary_site", "case_id", "edited_version")}
    finally:
        await form.close()  # the spooled uploads
    version = cp._edited_version(fields["edited_version"]) if case_id else 0
    target = _Target(case_id, version)
    problems = _upload_problems(files)
    site = str(fields["primary_site"] or "")
    if case_id is None and site not in {p.value for p in PrimarySite}:
        problems.append("Choose the primary cancer: a DICOM SR does not say it.")
    if problems:
        too_large = any(len(raw) > MAX_FILE_BYTES for _, raw in files)
        return _page(ui, target, 413 if too_large else 422, problems)
    new_id = str(fields["case_id"] or "").strip() or None
    return await run_in_threadpool(_store, ui, caller, target, files, site, new_id)


def _upload_problems(files: list[tuple[str, bytes]]) -> list[str]:
    if not files:
        return ["Choose one or more DICOM SR files."]
    if len(files) > MAX_FILES:
        return [f"At most {MAX_FILES} files at once."]
    return [
        f"{name}: larger than {MAX_FILE_BYTES // 1_000_000} MB"
        for name, raw in files
        if len(raw) > MAX_FILE_BYTES
    ]


def _store(
    ui: Ui,
    caller: Caller,
    target: _Target,
    files: list[tuple[str, bytes]],
    site: str,
    new_id: str | None,
) -> Response:
    from oligoguide.dicom.sr_map import NewCase, import_reports
    from oligoguide.dicom.sr_read import SrImportError, read_reports

    registry = cp._registry(ui)
    try:
        with tempfile.TemporaryDirectory(prefix="oligoguide-sr-") as folder:
            paths = []
            for index, (_, raw) in enumerate(files):
                path = Path(folder) / f"{index}.dcm"
                path.write_bytes(raw)
                paths.append(path)
            reports = read_reports(paths, [name for name, _ in files])
        if target.case_id is None:
            result = import_reports(reports, new_case=NewCase(PrimarySite(site), new_id))
        else:
            with cp._store_errors():
                stored = registry.get_case(target.case_id, caller.name, target.version)
            held = stored_data(stored.case)
            result = import_reports(reports, case_data=held)
    except SrImportError as error:
        return _page(ui, target, 400, error.problems)
    lines = _summary(result.notes, result.warnings, result.conflicts)
    try:
        if target.case_id is None:
            response = cp._store_new(ui, caller, result.case, "imported from DICOM SR")
        else:
            with cp._store_errors():
                record = registry.update_case(
                    target.case_id, result.case, caller.name, target.version
                )
            response = cp._assess_and_show(
                ui, caller, result.case, record.version, "updated from DICOM SR and re-assessed"
            )
    except AlreadyExists:
        taken = f"A case with id {result.case.case_id} already exists: import into it instead."
        return _page(ui, target, 409, [taken])
    except VersionConflict:
        newer = "The case was saved by someone else meanwhile: open it and import again."
        return _page(ui, target, 409, [newer])
    ui.session.flash.extend(lines)
    return response


def _summary(notes: list[str], warnings: list[str], conflicts: list[str]) -> list[str]:
    lines: list[str] = []
    for label, items in (("Imported", notes), ("Conflict", conflicts), ("Left out", warnings)):
        lines += [f"{label}: {item}" for item in items[:SHOWN_ITEMS]]
        if len(items) > SHOWN_ITEMS:
            lines.append(f"{label}: {len(items) - SHOWN_ITEMS} more")
    return lines
