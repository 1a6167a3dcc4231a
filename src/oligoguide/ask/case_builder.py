"""A described patient as a partial case for the engine: only what the question says."""

from __future__ import annotations

import datetime as dt
from typing import Any

from oligoguide.ask.models import (
    Understood,
)


def build_case(u: Understood) -> tuple[dict[str, Any], str] | None:
    """A partial case for assess(): the primary, drivers, current therapy and the lesions named.

    Dates are placeholders: two scans 12 weeks apart (or from the therapy's start when the
    question says it began less than 12 weeks ago), the therapy started when the question says
    ("on osi x 14mo") or at the earlier scan; only what the question says is filled in.
    Returns None when the question does not name a supported primary, a current therapy and at
    least one lesion.
    """
    from oligoguide.model.vocab import BiomarkerName, PrimarySite, Site, TherapyClass

    primary = next((c for c in u.cancers if c in {p.value for p in PrimarySite}), None)
    if primary is None or not (u.lesions or u.diffuse_sites):
        return None
    if not (u.therapies or u.therapy_classes or u.off_therapy):
        return None
    now = dt.date(2025, 3, 31)
    # the earlier scan: the last restaging, 12 weeks back, or the therapy's start if sooner;
    # the therapy starts when the question says ("on osi x 14mo"), else at that scan
    on_for = u.months_on_therapy
    weeks_on = None if on_for is None else round(on_for * 4.345)
    start = now - dt.timedelta(weeks=min(12, weeks_on) if weeks_on else 12)
    therapy_start = now - dt.timedelta(weeks=weeks_on) if weeks_on else start
    classes = [c for c in u.therapy_classes if c in {t.value for t in TherapyClass}]
    lesions: list[dict[str, Any]] = []
    unclear: list[str] = []
    brain_found: list[str] = []
    progression_said = bool({"oligoprogression", "polyprogression"} & set(u.scenarios))
    for index, lesion in enumerate(u.lesions, start=1):
        site = lesion.site or "other"
        size = lesion.size_mm
        if size is None:
            continue
        # brain mets reported on an MRI during therapy are newly found; when the therapy is only
        # starting they are its baseline, not progression
        found_on_mri = site == "brain" and not lesion.stable and not u.therapy_starting
        if not (lesion.new or lesion.growing or lesion.stable or progression_said or found_on_mri):
            unclear.append(f"L{index} ({site.replace('_', ' ')}, {size:g} mm)")
            continue  # whether it grew is not said: not entered as progressing
        if found_on_mri and not (lesion.new or lesion.growing or progression_said):
            brain_found.append(f"L{index}")
            lesion = lesion.model_copy(update={"new": True})
        if lesion.stable and not lesion.new:
            # stable, smaller or gone: present on both scans, no progression recorded
            measurements = [
                {"date": start.isoformat(), "status": "present"},
                {"date": now.isoformat(), "diameter_mm": size},
            ]
        elif lesion.new:
            # "new" means absent on the earlier scan
            measurements = [
                {"date": start.isoformat(), "status": "absent"},
                {"date": now.isoformat(), "diameter_mm": size},
            ]
        else:
            # a growing lesion: the question gives only today's size, so the earlier scan
            # records the lesion as present and today's as unequivocal progression
            measurements = [
                {"date": start.isoformat(), "status": "present"},
                {"date": now.isoformat(), "diameter_mm": size, "status": "unequivocal_progression"},
            ]
        entry: dict[str, Any] = {"id": f"L{index}", "site": site, "measurements": measurements}
        if lesion.site == "lymph_node":
            entry["is_lymph_node"] = True
        if lesion.adjacent_organs:
            entry["adjacent_organs"] = list(lesion.adjacent_organs)
        if lesion.symptoms:
            entry["symptoms"] = list(lesion.symptoms)
            entry["symptomatic"] = True
        if site == "lung" and {"trachea_large_bronchus", "esophagus"} & set(lesion.adjacent_organs):
            entry["lung_zone"] = "ultracentral"  # touching the main airways or the oesophagus
        if u.symptomatic is not None and site == "brain" and not lesion.symptoms:
            entry["symptomatic"] = u.symptomatic
        lesions.append(entry)
    groups: list[dict[str, Any]] = []
    sites = {s.value for s in Site}
    for index, site in enumerate(u.diffuse_sites, start=1):
        count: int | str = (
            u.lesion_count if u.lesion_count is not None and u.lesion_count > 5 else "multiple"
        )
        groups.append(
            {
                "id": f"G{index}",
                "site": site if site in sites else "other",
                "description": "multiple lesions described in the question",
                "observations": [
                    {"date": start.isoformat(), "count": 0, "status": "absent"},
                    {"date": now.isoformat(), "count": count, "status": "new"},
                ],
            }
        )
    if not lesions and not groups:
        return None
    biomarkers = [
        {"name": d, "status": "positive"}
        for d in u.drivers
        if d in {b.value for b in BiomarkerName}
    ]
    biomarkers += [
        {"name": d, "status": "negative"}
        for d in u.drivers_negated
        if d in {b.value for b in BiomarkerName}
    ]
    patient: dict[str, Any] = {"id": "question"}
    if u.ecog is not None:
        patient["ecog"] = u.ecog
    data: dict[str, Any] = {
        "case_id": "question",
        "patient": patient,
        "cancer": {"primary_site": primary, "biomarkers": biomarkers},
        "systemic_therapies": _therapies(u, classes, start, therapy_start),
        "lesions": lesions,
    }
    if groups:
        data["lesion_groups"] = groups
    if "brain" in u.sites_negated:
        # a described negative brain MRI is imaging done, not a gap in the work-up
        data["imaging"] = [
            {
                "date": now.isoformat(),
                "modality": "MRI",
                "regions": ["brain"],
                "findings": "no brain metastases (as stated in the question)",
            }
        ]
    note = (
        "The plan for the described patient comes from a partial case built from the question "
        "(placeholder scan dates 12 weeks apart; only the named lesions); complete the case "
        "for a full assessment."
    )
    if brain_found:
        note += (
            " Brain lesions taken as newly found (the question does not say they were known "
            "before): " + ", ".join(brain_found) + "."
        )
    if unclear:
        note += (
            " Left out because the question does not say whether they grew (not assumed): "
            + ", ".join(unclear)
            + "."
        )
    return data, note


def _therapies(
    u: Understood, classes: list[str], start: dt.date, therapy_start: dt.date
) -> list[dict[str, Any]]:
    """The therapy named, running from the baseline scan; or, when the text says it is over
    ("FOLFOX done, off all treatment"), ended before it, so the engine sees a patient off
    therapy (oligorecurrence), never one to "continue" a finished drug."""
    if not (u.therapies or u.therapy_classes):
        return []
    therapy: dict[str, Any] = {
        "agents": list(u.therapies) or classes[:1],
        "classes": classes or ["chemotherapy"],
        "start": therapy_start.isoformat(),
    }
    if u.off_therapy:
        therapy["start"] = (start - dt.timedelta(weeks=52)).isoformat()
        therapy["end"] = (start - dt.timedelta(weeks=26)).isoformat()
    return [therapy]
