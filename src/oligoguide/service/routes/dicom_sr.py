"""`POST /v1/import-sr`: lesion measurements from DICOM SR Measurement Reports (TID 1500), the
REST face of `oligoguide import-sr` (docs/dicom.md). Stateless: the case comes back, nothing is
stored; send it to /v1/assess or /v1/cases.

multipart/form-data: `files` (one or more SR files), and either `case` (the case JSON to merge
into) or `primary_site` (a new case). A refused file or an ambiguous import answers 400 naming
each problem; an invalid case 422 with its JSON pointer; never a traceback.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from pydantic import BaseModel

from oligoguide.dicom.sr_identity import MatchBy
from oligoguide.model import case_from_data
from oligoguide.model.io import parse_json_text
from oligoguide.model.vocab import PrimarySite
from oligoguide.service.auth import Caller
from oligoguide.service.problems import ProblemError
from oligoguide.service.state import current_caller

router = APIRouter(prefix="/v1", tags=["dicom"])
CallerDep = Annotated[Caller, Depends(current_caller)]
MAX_FILES = 50


class SrImportResponse(BaseModel):
    case: dict[str, Any]
    notes: list[str]
    warnings: list[str]
    conflicts: list[str]


@router.post(
    "/import-sr",
    response_model=SrImportResponse,
    summary="Lesion measurements from DICOM SR TID 1500 reports, into a case",
)
def import_sr(
    _: CallerDep,
    files: Annotated[list[UploadFile], File(description="DICOM SR files (TID 1500)")],
    case: Annotated[str | None, Form(description="Case JSON to merge into")] = None,
    primary_site: Annotated[PrimarySite | None, Form(description="A new case")] = None,
    case_id: Annotated[str | None, Form()] = None,
    patient_id: Annotated[str | None, Form()] = None,
    match_by: Annotated[MatchBy, Form()] = MatchBy.UID,
    patient_check: Annotated[bool, Form()] = True,
) -> SrImportResponse:
    try:
        from oligoguide.dicom.sr_map import NewCase, import_reports
        from oligoguide.dicom.sr_read import SrImportError, read_reports
    except ImportError:  # pragma: no cover - the extra is part of `all`
        raise ProblemError(503, "DICOM import unavailable", "needs the 'dicom' extra") from None
    if not files or len(files) > MAX_FILES:
        raise ProblemError(422, "Invalid request", f"send 1 to {MAX_FILES} files", "/files")
    case_data = _case(case) if case else None
    if case_data is None and primary_site is None:
        raise ProblemError(
            422,
            "Invalid request",
            "a new case needs cancer.primary_site (an SR does not say it): send primary_site, "
            "or the case to merge into as case",
            "/primary_site",
        )
    new_case = (
        NewCase(primary_site, case_id or None, patient_id or None)
        if case_data is None and primary_site is not None
        else None
    )
    try:
        with tempfile.TemporaryDirectory(prefix="oligoguide-sr-") as folder:
            paths = []
            for index, upload in enumerate(files):
                path = Path(folder) / f"{index}.dcm"
                with path.open("wb") as out:  # in chunks, from the spooled upload
                    shutil.copyfileobj(upload.file, out, 1 << 20)
                paths.append(path)
            labels = [upload.filename or f"file {i + 1}" for i, upload in enumerate(files)]
            reports = read_reports(paths, labels)
        result = import_reports(
            reports,
            case_data=case_data,
            new_case=new_case,
            match_by=match_by,
            check_patient=patient_check,
        )
    except SrImportError as error:  # every problem named, not only the first
        raise ProblemError(400, "Import refused", "; ".join(error.problems)) from None
    return SrImportResponse(
        case=result.data, notes=result.notes, warnings=result.warnings, conflicts=result.conflicts
    )


def _case(text: str) -> dict[str, Any]:
    data = parse_json_text(text)
    case_from_data(data)  # refused with its pointer (422) before anything is imported into it
    assert isinstance(data, dict)
    return data
