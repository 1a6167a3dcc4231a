"""SR measurement groups -> the case's lesions: site, diameter in mm, date; merged into a case.

Each group gives its lesion (sr_identity), its finding site (sr_codes.SITE_CODES) and one
diameter per study date: the short axis for a lymph node, else the long axis (or "Diameter", or
"Length"), converted to mm from its UCUM unit. What cannot be mapped (an unknown code, a missing or
non-length unit, a node with only a long axis, two values for one lesion on one date) is left out
and reported by name. Merging never changes what the case holds: a lesion keeps its site and
flags, and a measurement on a date the lesion already has stays as it is; a different value from
the SR is reported as a conflict.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from oligoguide.dicom.sr_codes import (
    MEASUREMENT_CODES,
    SITE_CODES,
    SNOMED_SCHEMES,
    UCUM_SCHEMES,
    UNIT_TO_MM,
    Axis,
    SiteCode,
)
from oligoguide.dicom.sr_identity import Identity, MatchBy, group_label, resolve
from oligoguide.dicom.sr_read import SrGroup, SrImportError, SrReport
from oligoguide.model import Case, CaseInputError, case_from_data
from oligoguide.model.strict import MAX_CASE_ID
from oligoguide.model.vocab import PrimarySite

#: Two diameters closer than this are the same value (SRs store floats; cases one decimal).
SAME_MM = 0.05
MAX_DIAMETER_MM = 500.0


@dataclass(frozen=True)
class NewCase:
    """What a case started from SRs needs beyond them (the SR has no primary site)."""

    primary_site: PrimarySite
    case_id: str | None = None  # default: "sr-" and the patient id
    patient_id: str | None = None  # default: the SRs' PatientID


@dataclass(frozen=True)
class ImportResult:
    case: Case
    data: dict[str, Any]  # the case as JSON data, the input's own fields kept as they were
    notes: list[str]  # what was done: lesions added or extended, the identifier used
    warnings: list[str]  # what was left out and why
    conflicts: list[str]  # SR values that differ from the case's (the case's are kept)


@dataclass
class _Draft:
    identity: Identity
    sites: list[tuple[SiteCode, str]] = field(default_factory=list)  # (code, where from)
    sizes: dict[dt.date, dict[Axis, list[tuple[float, str]]]] = field(default_factory=dict)


def import_reports(
    reports: Sequence[SrReport],
    *,
    case_data: dict[str, Any] | None = None,
    new_case: NewCase | None = None,
    match_by: MatchBy = MatchBy.UID,
    check_patient: bool = True,
    today: dt.date | None = None,
) -> ImportResult:
    """The reports' measurements merged into `case_data` (a valid case's JSON), or into a new
    case made from `new_case`. Raises SrImportError when they cannot be imported as they are."""
    if (case_data is None) == (new_case is None):
        raise ValueError("give exactly one of case_data and new_case")
    patient = _patient_id(reports, case_data, new_case, check_patient)
    data = copy.deepcopy(case_data) if case_data is not None else _start(new_case, patient)
    merged = merge_reports(reports, data, match_by)
    try:
        case = case_from_data(data, today=today)
    except CaseInputError as error:
        raise SrImportError(
            [f"the imported case is not valid: {i}" for i in error.issues]
        ) from None
    return ImportResult(case, data, merged.notes, merged.warnings, merged.conflicts)


@dataclass(frozen=True)
class Merged:
    notes: list[str]  # lesions added or extended, the identifier used
    warnings: list[str]  # what was left out and why
    conflicts: list[str]  # SR values that differ from the case's (the case's are kept)


def merge_reports(
    reports: Sequence[SrReport], data: dict[str, Any], match_by: MatchBy = MatchBy.UID
) -> Merged:
    """The reports' measurements merged into the case JSON `data`, in place: only its `lesions`
    list changes, and only by addition. Not validated (the caller validates the whole case: the
    FHIR reader points its refusals into the Bundle). SrImportError when identities clash."""
    identities, warnings = resolve(reports, match_by)
    drafts: dict[str, _Draft] = {}
    for index, report in enumerate(reports):
        if report.other_groups:
            warnings.append(
                f"{report.path}: {report.other_groups} image-level measurement group(s) "
                "(TID 1501) name no lesion: left out"
            )
        for group in report.groups:
            identity = identities.get((index, group.number))
            if identity is not None:
                draft = drafts.setdefault(identity.lesion_id, _Draft(identity))
                _read_group(draft, report, group, warnings)
    notes: list[str] = []
    conflicts: list[str] = []
    lesions = data.setdefault("lesions", [])
    for lesion_id, draft in drafts.items():
        existing = next((x for x in lesions if x.get("id") == lesion_id), None)
        _merge(draft, existing, lesions, notes, warnings, conflicts)
    return Merged(notes, warnings, conflicts)


def _patient_id(
    reports: Sequence[SrReport],
    case_data: dict[str, Any] | None,
    new_case: NewCase | None,
    check: bool,
) -> str | None:
    ids = sorted({r.patient_id for r in reports if r.patient_id})
    if len(ids) > 1 and check:
        raise SrImportError([f"the reports are of {len(ids)} patients: {', '.join(ids)}"])
    if case_data is not None and check and ids:
        known = str((case_data.get("patient") or {}).get("id", ""))
        if known not in ids:
            raise SrImportError(
                [
                    f"the reports' PatientID {ids[0]!r} is not the case's patient id {known!r} "
                    "(if both name one patient, import with --no-patient-check)"
                ]
            )
    if new_case is not None and new_case.patient_id:
        return new_case.patient_id
    return ids[0] if ids else None


def _start(new_case: NewCase | None, patient: str | None) -> dict[str, Any]:
    assert new_case is not None
    if not patient:
        raise SrImportError(["the reports give no PatientID: name the patient with --patient-id"])
    case_id = new_case.case_id or _derived_case_id(patient)
    return {
        "case_id": case_id,
        "patient": {"id": patient},
        "cancer": {"primary_site": new_case.primary_site.value},
        "lesions": [],
    }


def _derived_case_id(patient: str) -> str:
    """The patient id after "sr-", every character a case id cannot hold made a "-"."""
    text = re.sub(r"[^A-Za-z0-9._-]", "-", f"sr-{patient}")
    return re.sub(r"\.{2,}", ".", text)[:MAX_CASE_ID]


def _read_group(draft: _Draft, report: SrReport, group: SrGroup, warnings: list[str]) -> None:
    where = group_label(report, group)
    for problem in group.problems:
        warnings.append(f"{where}: {problem}: left out")  # e.g. "measurement ... has no unit"
    for site in group.finding_sites:
        known = SITE_CODES.get(site.value) if site.scheme in SNOMED_SCHEMES else None
        if known is None:
            warnings.append(f"{where}: finding site {site} is not in the site table: not used")
        else:
            draft.sites.append((known, where))
    sizes = draft.sizes.setdefault(report.study_date, {})
    for item in group.measurements:
        known_name = MEASUREMENT_CODES.get(item.name.value)
        if item.name.scheme not in SNOMED_SCHEMES or known_name is None:
            warnings.append(f"{where}: measurement {item.name} is not a diameter: left out")
            continue
        if item.unit is None:
            warnings.append(f"{where}: measurement {item.name} has no unit: left out")
            continue
        per_mm = UNIT_TO_MM.get(item.unit.value) if item.unit.scheme in UCUM_SCHEMES else None
        if per_mm is None:
            warnings.append(
                f"{where}: measurement {item.name} is in {item.unit}, not a UCUM length unit "
                f"({', '.join(UNIT_TO_MM)}): left out"
            )
            continue
        mm = round(item.value * per_mm, 3)
        if not 0 <= mm <= MAX_DIAMETER_MM:
            warnings.append(f"{where}: measurement {item.name} of {mm:g} mm: left out")
            continue
        sizes.setdefault(known_name.axis, []).append((mm, f"{where}: {item.name.meaning}"))


def _site(draft: _Draft, warnings: list[str]) -> SiteCode | None:
    distinct = {(code.site, code.lymph_node) for code, _ in draft.sites}
    if len(distinct) == 1:
        return draft.sites[0][0]
    lesion = draft.identity.lesion_id
    if not distinct:
        warnings.append(f"lesion {lesion!r}: no finding site in the site table: left out")
    else:
        named = "; ".join(f"{code.meaning} ({where})" for code, where in draft.sites)
        warnings.append(f"lesion {lesion!r}: finding sites disagree ({named}): left out")
    return None


def _merge(
    draft: _Draft,
    existing: dict[str, Any] | None,
    lesions: list[dict[str, Any]],
    notes: list[str],
    warnings: list[str],
    conflicts: list[str],
) -> None:
    if existing is None:
        site = _site(draft, warnings)
        if site is not None:
            _add(draft, site, lesions, notes, warnings)
        return
    _site_conflict(draft, existing, conflicts)
    node = bool(existing.get("is_lymph_node", False))
    lesion_id = draft.identity.lesion_id
    added = 0
    held = existing.setdefault("measurements", [])
    for day, value in _diameters(draft, node, warnings):
        present = next((m for m in held if m.get("date") == day.isoformat()), None)
        if present is None:
            held.append({"date": day.isoformat(), "diameter_mm": value})
            added += 1
        elif not _same(present.get("diameter_mm"), value):
            held_mm = present.get("diameter_mm")
            has = f"{held_mm!r} mm" if held_mm is not None else f"status {present.get('status')!r}"
            conflicts.append(
                f"lesion {lesion_id!r} on {day}: the SR gives {value:g} mm, the case has {has}: "
                "the case's measurement kept"
            )
    held.sort(key=lambda m: str(m.get("date")))
    notes.append(
        f"lesion {lesion_id!r} in the case: {added} measurement(s) added; "
        f"identity: {draft.identity.how}"
    )


def _add(
    draft: _Draft,
    site: SiteCode,
    lesions: list[dict[str, Any]],
    notes: list[str],
    warnings: list[str],
) -> None:
    lesion_id = draft.identity.lesion_id
    measurements = _diameters(draft, site.lymph_node, warnings)
    if not measurements:
        warnings.append(f"lesion {lesion_id!r}: no diameter to import: left out")
        return
    lesion: dict[str, Any] = {"id": lesion_id, "site": site.site.value}
    if site.meaning.lower() != site.site.value.replace("_", " "):
        lesion["location"] = site.meaning
    if site.lymph_node:
        lesion["is_lymph_node"] = True
    lesion["measurements"] = [{"date": d.isoformat(), "diameter_mm": v} for d, v in measurements]
    lesions.append(lesion)
    kind = f"{site.site.value}{', lymph node' if site.lymph_node else ''}"
    notes.append(
        f"lesion {lesion_id!r} added ({kind}; {len(measurements)} measurement(s)); "
        f"identity: {draft.identity.how}"
    )


def _same(held: object, value: float) -> bool:
    return isinstance(held, int | float) and abs(float(held) - value) < SAME_MM


def _site_conflict(draft: _Draft, existing: dict[str, Any], conflicts: list[str]) -> None:
    held = existing.get("site")
    for code, where in draft.sites:
        if code.site.value != held:
            conflicts.append(
                f"lesion {draft.identity.lesion_id!r}: {where} gives finding site "
                f"{code.meaning} ({code.site.value}), the case has {held!r}: the case's kept"
            )


def _diameters(draft: _Draft, node: bool, warnings: list[str]) -> list[tuple[dt.date, float]]:
    """One diameter per date: the short axis of a node, else the best-ranked long axis."""
    axis = Axis.SHORT if node else Axis.LONG
    lesion = draft.identity.lesion_id
    found: list[tuple[dt.date, float]] = []
    for day in sorted(draft.sizes):
        by_axis = draft.sizes[day]
        values = by_axis.get(axis, [])
        if not values:
            if by_axis:
                need = "a short axis (lymph node)" if node else "a long axis or diameter"
                warnings.append(
                    f"lesion {lesion!r} on {day}: RECIST 1.1 needs {need}, the SR gives only "
                    f"{', '.join(a.value + ' axis' for a in by_axis)}: left out"
                )
            continue
        if axis == Axis.LONG:
            values = _best_ranked(values)
        distinct = sorted({v for v, _ in values})
        if distinct[-1] - distinct[0] >= SAME_MM:
            named = "; ".join(f"{v:g} mm ({where})" for v, where in values)
            warnings.append(f"lesion {lesion!r} on {day}: two values ({named}): left out")
            continue
        found.append((day, distinct[0]))
    return found


def _best_ranked(values: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """Of several long-axis names in one study (Long axis, Diameter, Length), the best."""

    def rank(item: tuple[float, str]) -> int:
        meaning = item[1].rsplit(": ", 1)[-1]
        return min((c.rank for c in MEASUREMENT_CODES.values() if c.meaning == meaning), default=9)

    best = min(rank(v) for v in values)
    return [v for v in values if rank(v) == best]
