"""`POST /v1/dose/check-plan`: the organ-at-risk dose check of an actual plan (DICOM RT), the
REST face of `oligoguide dose check-plan` (docs/dicom.md). Stateless: nothing is stored.

multipart/form-data: `rtstruct` and `rtdose` (one file each), optionally `rtplan` and
`fractions`. The answer is the CLI's `--format json` report (the same `check_plan`), files named
by their uploaded names. A file that cannot be used answers 400 naming the file, the part and the
DICOM attribute; a fraction count that is missing or contradicts the plan 422 or 400; never a
traceback. Needs the `dicom` extra (the app includes this router only when pydicom is there).

`check_uploaded_plan` is shared with the UI (/ui/dose) and the case report (POST
/v1/cases/{id}/report.{fmt}).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Depends, UploadFile

from oligoguide.dicom.rt_check import PlanCheckReport, check_plan
from oligoguide.dicom.rt_read import RtInputError
from oligoguide.dose import DoseInputError
from oligoguide.service.auth import Caller
from oligoguide.service.problems import ProblemError
from oligoguide.service.routes.rt_params import (
    PlanFractions,
    RtDoseUpload,
    RtPlanUpload,
    RtStructUpload,
)
from oligoguide.service.state import current_caller

router = APIRouter(prefix="/v1", tags=["dicom"])
CallerDep = Annotated[Caller, Depends(current_caller)]
ROLES = ("rtstruct", "rtdose", "rtplan")
COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class RtUpload:
    role: str  # rtstruct | rtdose | rtplan: the form field it came in
    name: str  # its uploaded file name (how every message names it)
    file: BinaryIO  # the uploaded part, spooled to disk past 1 MB by the multipart parser


class PlanUploadError(Exception):
    """An uploaded file (or the fraction count) cannot be checked. `part` is the form field,
    `text` one line naming the file and the DICOM attribute; `status` 400 (a file) or 422."""

    def __init__(self, status: int, part: str, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.part = part
        self.text = text


def _label(upload: RtUpload) -> str:
    return f"{upload.role} {upload.name}" if upload.name else upload.role


def check_uploaded_plan(
    rtstruct: RtUpload, rtdose: RtUpload, rtplan: RtUpload | None, fractions: int | None
) -> PlanCheckReport:
    """`check_plan` on uploaded bytes: written to a private temporary folder under names of
    our own, read, and the folder removed; every path in the report and in a refusal is
    replaced by the uploaded file's name. Raises PlanUploadError."""
    uploads = [u for u in (rtstruct, rtdose, rtplan) if u is not None]
    with tempfile.TemporaryDirectory(prefix="oligoguide-rt-") as folder:
        paths: dict[str, Path] = {}
        names: dict[str, str] = {}  # temporary path or file name -> uploaded name
        roles: dict[str, str] = {}
        for upload in uploads:
            path = Path(folder) / f"upload-{upload.role}-{secrets.token_hex(6)}.dcm"
            upload.file.seek(0)
            with path.open("wb") as out:  # in chunks: a dose grid is never held whole twice
                shutil.copyfileobj(upload.file, out, COPY_CHUNK)
            paths[upload.role] = path
            names[str(path)] = names[path.name] = _label(upload)
            roles[str(path)] = upload.role

        def rename(text: str) -> str:
            for key in sorted(names, key=len, reverse=True):  # whole paths before bare names
                text = text.replace(key, names[key])
            return text

        try:
            report = check_plan(paths["rtstruct"], paths["rtdose"], paths.get("rtplan"), fractions)
        except RtInputError as error:
            part = roles.get(error.file, "rtstruct")
            message = rename(error.message).replace("--fractions", "fractions")
            text = f"{rename(error.file)}: {error.field}: {message}"
            raise PlanUploadError(400, part, text) from None
        except DoseInputError as error:
            message = error.message.replace("--fractions N", "fractions").replace(
                "--rtplan RP.dcm", "an rtplan file"
            )
            raise PlanUploadError(422, "fractions", f"fractions: {message}") from None
    data = _renamed(report.model_dump(mode="json"), rename)
    return PlanCheckReport.model_validate(data)


def _renamed(value: Any, rename: Any) -> Any:
    if isinstance(value, str):
        return rename(value)
    if isinstance(value, list):
        return [_renamed(v, rename) for v in value]
    if isinstance(value, dict):
        return {k: _renamed(v, rename) for k, v in value.items()}
    return value


def upload_of(role: str, upload: UploadFile | None) -> RtUpload | None:
    """The part as an RtUpload (None when absent or empty)."""
    if upload is None:
        return None
    upload.file.seek(0, 2)  # its size, without reading it
    if not upload.file.tell() and not upload.filename:
        return None
    return RtUpload(role, upload.filename or "", upload.file)


def refused(error: PlanUploadError) -> ProblemError:
    title = "Plan file refused" if error.status == 400 else "Invalid request"
    return ProblemError(error.status, title, error.text, f"/{error.part}")


def required_uploads(
    rtstruct: UploadFile | None, rtdose: UploadFile | None, rtplan: UploadFile | None
) -> tuple[RtUpload, RtUpload, RtUpload | None]:
    """The three parts; a missing structure set or dose is a 422 naming the part."""
    found = {
        role: upload_of(role, u)
        for role, u in (("rtstruct", rtstruct), ("rtdose", rtdose), ("rtplan", rtplan))
    }
    for role in ("rtstruct", "rtdose"):
        if found[role] is None:
            raise ProblemError(422, "Invalid request", f"{role}: a file is required", f"/{role}")
    structure, dose = found["rtstruct"], found["rtdose"]
    assert structure is not None
    assert dose is not None
    return structure, dose, found["rtplan"]


@router.post(
    "/dose/check-plan",
    response_model=PlanCheckReport,
    summary="Organ-at-risk dose check of an actual plan (DICOM RTSTRUCT + RTDOSE [+ RTPLAN])",
)
def dose_check_plan(
    _: CallerDep,
    rtstruct: RtStructUpload,
    rtdose: RtDoseUpload,
    rtplan: RtPlanUpload = None,
    fractions: PlanFractions = None,
) -> PlanCheckReport:
    """The report `oligoguide dose check-plan --format json` prints: each organ at risk's
    metrics judged against the limit tables (pass, fail, no_sourced_limit, not_evaluable), with
    the source of each limit; unrecognised names listed, not guessed."""
    structure, dose, plan = required_uploads(rtstruct, rtdose, rtplan)
    try:
        return check_uploaded_plan(structure, dose, plan, fractions)
    except PlanUploadError as error:
        raise refused(error) from None
