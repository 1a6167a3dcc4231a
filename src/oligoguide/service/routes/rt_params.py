"""The multipart parts of a DICOM RT plan upload, declared once for every route that takes one
(POST /v1/dose/check-plan and POST /v1/cases/{id}/report.{fmt}); FastAPI only, so a route
module can declare them without the `dicom` extra installed."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, UploadFile

RtStructUpload = Annotated[UploadFile, File(description="RTSTRUCT: the structure set")]
RtDoseUpload = Annotated[UploadFile, File(description="RTDOSE: the plan's dose grid (PLAN, Gy)")]
RtPlanUpload = Annotated[
    UploadFile | None, File(description="RTPLAN: the number of fractions planned")
]
PlanFractions = Annotated[
    int | None, Form(ge=1, le=60, description="Number of fractions (else from rtplan)")
]
