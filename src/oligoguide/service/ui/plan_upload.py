"""A DICOM RT plan posted through a UI form (the dose page's plan check, the case page's report
with a plan dose check): the form's parts read once, then checked by `check_uploaded_plan`,
the code of POST /v1/dose/check-plan and POST /v1/cases/{id}/report.{fmt} (docs/dicom.md).

The files stay the multipart parser's spooled uploads (on disk past 1 MB) until the check has
copied them: the caller closes the form after `run_plan_check`, not before. Their size is bounded
by the service's upload limit (`max_upload_bytes`, service/upload_limit.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

if TYPE_CHECKING:
    from oligoguide.dicom.rt_check import PlanCheckReport

PLAN_PARTS = {"rtstruct": "RTSTRUCT", "rtdose": "RTDOSE", "rtplan": "RTPLAN"}
FRACTIONS_FIELD = "plan_fractions"
MAX_FRACTIONS = 60  # as the REST routes' `fractions` (rt_params.PlanFractions)


@dataclass(frozen=True)
class PlanForm:
    files: dict[str, tuple[str, BinaryIO]]  # part -> (uploaded file name, spooled file)
    fractions_text: str  # as typed, to show the form again
    fractions: int | None
    errors: dict[str, str]  # form field -> what to do


def read_plan_form(raw: FormData) -> PlanForm:
    """The RT parts and the fraction count of a posted form, with an error per field to fix (a
    missing structure set or dose, a fraction count that is not 1 to 60)."""
    files: dict[str, tuple[str, BinaryIO]] = {}
    for part in PLAN_PARTS:
        upload = raw.get(part)
        if isinstance(upload, UploadFile) and upload.filename:
            files[part] = (upload.filename, upload.file)
    errors = {
        part: f"choose the {PLAN_PARTS[part]} file"
        for part in ("rtstruct", "rtdose")
        if part not in files
    }
    text = str(raw.get(FRACTIONS_FIELD) or "").strip()
    fractions = None
    if text:
        if text.isdigit() and 1 <= int(text) <= MAX_FRACTIONS:
            fractions = int(text)
        else:
            errors[FRACTIONS_FIELD] = f"enter a whole number from 1 to {MAX_FRACTIONS}"
    return PlanForm(files, text, fractions, errors)


async def run_plan_check(form: PlanForm) -> PlanCheckReport:
    """`check_uploaded_plan` on the form's files, in a worker thread. ImportError without the
    `dicom` extra; `dicom_rt.PlanUploadError` for a file (or fraction count) refused."""
    from oligoguide.service.routes.dicom_rt import RtUpload, check_uploaded_plan

    uploads = {part: RtUpload(part, name, file) for part, (name, file) in form.files.items()}
    return await run_in_threadpool(
        check_uploaded_plan,
        uploads["rtstruct"],
        uploads["rtdose"],
        uploads.get("rtplan"),
        form.fractions,
    )
