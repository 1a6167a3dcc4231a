"""Editing a stored case through the case form: what it shows, and what it keeps as stored.

The form shows patient, cancer, therapies (with last doses), lesions with their measurements and
the clinical context of schema version 2 (primary tumour, groups, labs, comorbidities, opinions,
earlier lines, radiotherapy and burden, cytology, risk scores), not every part of a case (local
treatments, imaging studies, some lesion details come by import or the API). An
edit must not drop those silently, so they are carried over from the version being edited:
top-level parts by name, lesion details by lesion id (a renamed lesion loses its own details,
and a local treatment still naming the old id is refused by the model at validation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oligoguide.model import Case
from oligoguide.service.ui import case_fields as cf

SHOWN_TOP = (
    {f.name for f in cf.CASE_FIELDS}
    | {
        "patient",
        "cancer",
        "systemic_therapies",
        "lesions",
        "primary_tumour",
        "lesion_groups",
        "prior_metastatic_burden",
    }
    | {s.key for s in cf.SECTIONS}
)
SHOWN_LESION = {f.name for f in cf.LESION} | {
    "measurements",
    "oar_distances",
    "post_treatment_assessment",
}


@dataclass(frozen=True)
class Editing:
    """The form is editing `version` of case `case_id` (None: it enters a new case)."""

    case_id: str
    version: int
    kept: tuple[str, ...] = ()  # parts of the stored case the form does not show
    conflict: str = ""  # a newer version was saved meanwhile: what to say at the top


def stored_data(case: Case) -> dict[str, Any]:
    """The case as the form's JSON (no None values, which would show as 'None' in inputs)."""
    return case.model_dump(mode="json", exclude_defaults=True, exclude_none=True)


def shown_part(data: dict[str, Any]) -> dict[str, Any]:
    """Only what the form has inputs for: the prefill."""
    shown = {k: v for k, v in data.items() if k in SHOWN_TOP}
    shown["lesions"] = [
        {k: v for k, v in lesion.items() if k in SHOWN_LESION} for lesion in data.get("lesions", [])
    ]
    return shown


def _hidden_of_lesions(stored: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        str(lesion["id"]): hidden
        for lesion in stored.get("lesions", [])
        if (hidden := {k: v for k, v in lesion.items() if k not in SHOWN_LESION})
    }


def with_kept(posted: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """The posted form's data plus the stored parts the form does not show (posted wins)."""
    merged = dict(posted)
    for key, value in stored.items():
        if key not in SHOWN_TOP:
            merged.setdefault(key, value)
    hidden = _hidden_of_lesions(stored)
    lesions = merged.get("lesions")
    if isinstance(lesions, list):
        merged["lesions"] = [
            {**hidden.get(str(lesion.get("id", "")), {}), **lesion}
            if isinstance(lesion, dict)
            else lesion
            for lesion in lesions
        ]
    return merged


def kept_parts(stored: dict[str, Any]) -> tuple[str, ...]:
    """Readers' names of the stored parts an edit keeps: 'local treatments (2)', 'L1: ...'."""
    names: list[str] = []
    for key, value in stored.items():
        if key not in SHOWN_TOP and key != "schema_version":
            count = f" ({len(value)})" if isinstance(value, list) else ""
            names.append(key.replace("_", " ") + count)
    for lesion_id, hidden in _hidden_of_lesions(stored).items():
        names.append(f"lesion {lesion_id}: " + ", ".join(k.replace("_", " ") for k in hidden))
    return tuple(names)
