"""Entry by scan: one restaging scan is one row of the form, with one value per lesion.

Results arrive by scan (a time point), not by lesion, so the case form has a scan grid: per scan
a date (typed once), what it was seen on and the regions covered, and per lesion a diameter
and/or a status. Before the form is read, each filled cell becomes that lesion's measurement on
the scan's date (and the scan an imaging study when its modality and regions are given), exactly
as if it had been typed in the lesion's own measurement rows; validation and error placement are
then the form's usual ones. Grid inputs are named `scan/...` (no leading '/'), so parse_form
never reads them as case fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData

from oligoguide.model.plausibility import MAX_PLAUSIBLE_DIAMETER_MM
from oligoguide.model.vocab import BodyRegion, ImagingModality, LesionObservation

# Rows the grid's cells fill: after any typed row, within the form's MAX_ROWS per list.
MEASUREMENT_ROW = 40
IMAGING_ROW = 50
PLAUSIBLE_MAX_MM = MAX_PLAUSIBLE_DIAMETER_MM


@dataclass(frozen=True)
class ScanGrid:
    """What the template shows: how many scan columns, and a label per lesion row."""

    scans: int
    lesions: tuple[str, ...]  # "Lesion 1 (L1, liver)" per lesion row of the form
    statuses: tuple[str, ...] = tuple(v.value for v in LesionObservation)
    modalities: tuple[str, ...] = tuple(v.value for v in ImagingModality)
    regions: tuple[str, ...] = tuple(v.value for v in BodyRegion)


def grid_for(data: dict[str, object], lesion_rows: int, scans: int) -> ScanGrid:
    lesions = data.get("lesions")
    stored = lesions if isinstance(lesions, list) else []
    labels: list[str] = []
    for i in range(lesion_rows):
        lesion = stored[i] if i < len(stored) and isinstance(stored[i], dict) else {}
        known = ", ".join(str(lesion[k]) for k in ("id", "site") if lesion.get(k))
        labels.append(f"Lesion {i + 1}" + (f" ({known})" if known else ""))
    return ScanGrid(scans=scans, lesions=tuple(labels))


def expand_scans(form: FormData) -> FormData:
    """The form with every filled grid cell turned into a measurement row of its lesion."""
    items = [(k, v) for k, v in form.multi_items() if not k.startswith("scan/")]
    for k in range(10):
        date = _text(form, f"scan/{k}/date")
        modality = _text(form, f"scan/{k}/modality")
        regions = [v for v in form.getlist(f"scan/{k}/regions") if isinstance(v, str) and v]
        cells = _cells(form, k)
        if not (date or cells or modality or regions):
            continue
        for i, diameter, status in cells:
            row = f"/lesions/{i}/measurements/{MEASUREMENT_ROW + k}"
            items += [(f"{row}/date", date), (f"{row}/diameter_mm", diameter)]
            items += [(f"{row}/status", status), (f"{row}/modality", modality)]
        if modality or regions:
            row = f"/imaging/{IMAGING_ROW + k}"
            items += [(f"{row}/date", date), (f"{row}/modality", modality)]
            items += [(f"{row}/regions", region) for region in regions]
    return FormData(items)


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _cells(form: FormData, k: int) -> list[tuple[int, str, str]]:
    found: list[tuple[int, str, str]] = []
    for i in range(60):
        diameter = _text(form, f"scan/{k}/lesion/{i}/diameter_mm")
        status = _text(form, f"scan/{k}/lesion/{i}/status")
        if diameter or status:
            found.append((i, diameter, status))
    return found
