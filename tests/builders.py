"""Terse builders for test cases: dates are scan numbers 0, 1, 2... three months apart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from oligoguide.assess import Assessment
from oligoguide.model import Case, case_from_data
from oligoguide.model.vocab import ABLATIVE_MODALITIES, RecommendationCategory

SCAN_DATES = [dt.date(2024, 1, 1) + dt.timedelta(days=91 * i) for i in range(12)]


def scan(i: int) -> str:
    return SCAN_DATES[i].isoformat()


def lesion(
    lesion_id: str,
    sizes: list[float | str | None],
    site: str = "liver",
    *,
    target: bool = True,
    node: bool = False,
    first_scan: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    """sizes[i] is the diameter (or a status string) on scan first_scan + i; None skips it."""
    measurements = []
    for offset, size in enumerate(sizes):
        if size is None:
            continue
        day = scan(first_scan + offset)
        if isinstance(size, str):
            measurements.append({"date": day, "status": size})
        else:
            measurements.append({"date": day, "diameter_mm": size})
    return {
        "id": lesion_id,
        "site": site,
        "target": target,
        "is_lymph_node": node,
        "measurements": measurements,
        **extra,
    }


def case(
    lesions: list[dict[str, Any]],
    *,
    primary: str = "colorectal",
    therapy: list[str] | None = None,
    therapy_class: str = "chemotherapy",
    therapy_start: int | None = 0,
    **extra: Any,
) -> Case:
    """A case on one ongoing systemic therapy started the day of scan 0 (unless told otherwise)."""
    therapies = []
    if therapy_start is not None:
        therapies.append(
            {
                "agents": therapy or ["FOLFOX"],
                "classes": [therapy_class],
                "start": scan(therapy_start),
            }
        )
    data: dict[str, Any] = {
        "case_id": "test",
        "patient": {"id": "P1", "birth_date": "1960-01-01", "ecog": 1},
        "cancer": {"primary_site": primary, "diagnosis_date": "2023-10-01"},
        "systemic_therapies": therapies,
        "lesions": lesions,
        **extra,
    }
    return case_from_data(data)


def local_lines(a: Assessment, lesion_id: str) -> list[Any]:
    """The local-therapy recommendations for one lesion, lead first."""
    return [
        r
        for r in a.recommendations
        if r.category == RecommendationCategory.LOCAL_THERAPY and r.lesion_id == lesion_id
    ]


def ablative_now(a: Assessment) -> list[Any]:
    """Ablative local recommendations timed now or urgent."""
    return [
        r
        for r in a.recommendations
        if r.category == RecommendationCategory.LOCAL_THERAPY
        and r.modality in ABLATIVE_MODALITIES
        and str(r.timing) in ("now", "urgent")
    ]
