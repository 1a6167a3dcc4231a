"""Words a clinician can act on, from the case form's own field labels.

Two places speak of case fields by JSON pointer: the model's validation errors (by list index:
`/cancer/primary_site`, `/lesions/0/measurements/1`) and the plan's missing data (lesions by id:
`/lesions/BR1/symptomatic`, sometimes with a note in brackets). Both are put in words here, and
pointed at the form's input, so a page never shows a raw pointer or "Field required".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from oligoguide.service.ui import case_fields as cf

REQUIRED = "Field required"
_WORD = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # a field name such as diameter_mm
_BY_NAME = {
    f.name: f.label
    for fields in (
        cf.CASE_FIELDS,
        cf.PATIENT,
        cf.CANCER,
        cf.THERAPY,
        cf.LESION,
        cf.MEASUREMENT,
        cf.IMAGING,
        cf.LOCAL_TREATMENT,
        cf.OAR_DISTANCE,
        cf.POST_TREATMENT,
    )
    for f in fields
    if "_" in f.name
}


def plain_message(message: str, label: str) -> str:
    """The model's message for the field `label`: 'Primary site is required'; field names in
    it (`diameter_mm`) become their labels."""
    if message.strip() == REQUIRED:
        return f"{label} is required"
    return _WORD.sub(lambda m: _BY_NAME.get(m.group(0), m.group(0).replace("_", " ")), message)


@dataclass(frozen=True)
class MissingItem:
    words: str  # what to add, in words
    pointer: str  # the form's input for it ('' when the form has none)


def _lesion_words(lesion: Any, rest: list[str]) -> tuple[str, str]:
    site = str(lesion.site.value).replace("_", " ")
    name = f"the {site} lesion {lesion.id}"
    field = rest[0] if rest else ""
    if field == "symptomatic":
        return f"Is {name} causing symptoms?", "symptomatic"
    if field == "measurements":
        return f"A measured diameter of {name}", ""
    label = next((f.label for f in cf.LESION if f.name == field), field.replace("_", " "))
    return f"{label[:1].upper()}{label[1:]} of {name}", field


def missing_item(item: str, case: Any) -> MissingItem:
    """The plan's missing-data `item` in words, with the form input that records it."""
    from oligoguide.service.ui.case_form import describe  # case_form imports this module

    pointer, _, note = item.partition(" (")
    note = f" ({note}" if note else ""
    if not pointer.startswith("/"):
        return MissingItem(item, "")
    parts = [p for p in pointer.split("/") if p]
    if parts[0] == "lesions" and len(parts) >= 2:
        lesions = list(getattr(case, "lesions", ()))
        index = next((i for i, x in enumerate(lesions) if str(x.id) == parts[1]), None)
        if index is not None:
            words, field = _lesion_words(lesions[index], parts[2:])
            target = f"/lesions/{index}/{field}" if field else f"/lesions/{index}/id"
            return MissingItem(words + note, target)
    section = next((s for s in cf.SECTIONS if [s.key] == parts), None)
    if section is not None:
        return MissingItem(section.title + note, f"/{section.key}/0/{section.fields[0].name}")
    if parts == ["cancer", "biomarkers"]:
        return MissingItem("Biomarkers (drivers)" + note, "/cancer/biomarkers/0/name")
    if parts[:2] == ["systemic_therapies", "last_doses"]:
        return MissingItem(
            "Date of the last dose" + note, "/systemic_therapies/0/last_doses/0/date"
        )
    return MissingItem(describe(pointer) + note, pointer)
