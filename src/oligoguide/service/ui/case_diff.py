"""What changed between two versions of a case, field by field, in the case form's words.

Both versions are compared as `case.model_dump(mode="json")`. Records in a list are matched by
what identifies them (a lesion by its id, a measurement by its date, an imaging study by date
and modality...), so a new scan reads "Lesion L2, measurement 2023-10-19 added: diameter 19 mm"
and a corrected value "Lesion L3, measurement 2023-07-20: diameter 7 -> 6 mm". A list whose
records cannot be told apart that way is compared position by position. Labels come from the
case form's fields (`case_fields.py`); a field the form does not know is named from its key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from oligoguide.render.wording import words
from oligoguide.service.ui import case_fields as cf
from oligoguide.service.ui.views import MODALITY_LABELS

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
NOT_RECORDED = "not recorded"
SKIPPED = frozenset({"schema_version"})  # the format's version, not clinical data
UNITS = frozenset({"mm", "Gy"})
MAX_TEXT = 300
_UNIT = re.compile(r"^(?P<name>.+?) \((?P<unit>[^()]+)\)$")
_CODE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")  # an enum value such as lymph_node
_TREATMENTS = {m.value: text for m, text in MODALITY_LABELS.items()}  # 'sbrt' -> 'SBRT'


@dataclass(frozen=True)
class Change:
    """One difference: where (a part of the case), what kind, which field, before and after."""

    where: str  # 'Lesion L2, measurement 2023-10-19'
    kind: str  # ADDED, REMOVED or CHANGED
    field: str = ""  # 'diameter' ('' for a whole record)
    before: str = ""
    after: str = ""

    def __str__(self) -> str:
        if self.kind == CHANGED:
            before = self.before
            unit = self.after.rpartition(" ")[2]
            if unit in UNITS and before.endswith(f" {unit}"):
                before = before[: -len(unit) - 1]  # '18 -> 24 mm'
            return f"{self.where}: {self.field} {before} -> {self.after}"
        detail = self.after if self.kind == ADDED else self.before
        return f"{self.where} {self.kind}" + (f": {detail}" if detail else "")


@dataclass(frozen=True)
class Part:
    """A part of the case: how it (or one record of a list of it) is named, and its fields."""

    noun: str
    fields: tuple[cf.Field, ...] = ()
    key: tuple[str, ...] = ()  # the fields that identify a record of a list

    def field(self, name: str) -> cf.Field | None:
        return next((f for f in self.fields if f.name == name), None)


_SECTION_KEYS = {
    "imaging": ("date", "modality"),
    "local_treatments": ("lesion_id", "modality", "date"),
    "prior_treatment_lines": ("line", "agents"),
    "prior_radiotherapy": ("site", "date"),
    "labs": ("name", "date"),
    "comorbidities": ("condition",),
    "surgical_opinions": ("date", "resectability"),
    "cytology": ("specimen", "date"),
    "risk_scores": ("name", "date"),
}
CASE = Part("Case", cf.CASE_FIELDS)
PARTS: dict[str, Part] = {
    "patient": Part("Patient", cf.PATIENT),
    "cancer": Part("Cancer", cf.CANCER),
    "biomarkers": Part("biomarker", cf.BIOMARKER, ("name",)),
    "systemic_therapies": Part("Systemic therapy", cf.THERAPY, ("agents", "start")),
    "last_doses": Part("last dose of", cf.DOSE, ("agent", "date")),
    "lesions": Part("Lesion", cf.LESION, ("id",)),
    "measurements": Part("measurement", cf.MEASUREMENT, ("date",)),
    "oar_distances": Part("distance to", cf.OAR_DISTANCE, ("organ",)),
    "post_treatment_assessment": Part("post-treatment assessment", cf.POST_TREATMENT),
    "lesion_groups": Part("Lesion group", cf.GROUP, ("id",)),
    "observations": Part("observation", cf.GROUP_OBSERVATION, ("date",)),
    "primary_tumour": Part("Primary tumour", cf.PRIMARY_TUMOUR),
    "prior_metastatic_burden": Part("Earlier metastatic burden", cf.PRIOR_BURDEN),
    **{s.key: Part(s.row, s.fields, _SECTION_KEYS.get(s.key, ())) for s in cf.SECTIONS},
}


def _part(name: str) -> Part:
    return PARTS.get(name) or Part(words(name).capitalize())


def label(part: Part, name: str) -> tuple[str, str]:
    """A field's name inside a sentence and its unit: ('diameter', 'mm'), ('ECOG', '')."""
    field = part.field(name)
    text = field.label if field else words(name).capitalize()
    unit = ""
    found = _UNIT.match(text)
    if found and found["unit"] in UNITS:
        text, unit = found["name"], found["unit"]
    if text[1:2].islower():  # 'Diameter' -> 'diameter'; 'ECOG', 'SUVmax' kept
        text = text[:1].lower() + text[1:]
    return text, unit


def value(part: Part, name: str, raw: Any) -> str:
    """A stored value in words: yes/no, 'lymph node', '19 mm', 'not recorded'."""
    if raw is None or raw == "":
        return NOT_RECORDED
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, list):
        joined = " + " if name == "agents" else ", "
        return joined.join(value(part, name, item) for item in raw) or "none"
    if isinstance(raw, int | float):
        unit = label(part, name)[1]
        return f"{raw:g}" + (f" {unit}" if unit else "")
    if isinstance(raw, dict):
        return _summary(_part(name), raw)
    text = str(raw)
    if name == "modality" and text in _TREATMENTS:
        return _TREATMENTS[text]
    if _CODE.fullmatch(text):
        text = words(text)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."


def _is_records(raw: Any) -> bool:
    return isinstance(raw, list) and any(isinstance(item, dict) for item in raw)


def _join(where: str, name: str) -> str:
    return f"{where}, {name}" if where else name


def _name(part: Part, item: Mapping[str, Any]) -> str:
    """A record named by its key fields: 'Lesion L2', 'Imaging study 2023-10-19 (CT)'."""
    shown = [value(part, k, item.get(k)) for k in part.key if item.get(k) not in (None, "", [])]
    if not shown:
        return part.noun
    rest = f" ({', '.join(shown[1:])})" if len(shown) > 1 else ""
    return f"{part.noun} {shown[0]}{rest}"


def _summary(part: Part, item: Mapping[str, Any]) -> str:
    """A record's values other than its key, those that are set: 'diameter 19 mm; status ...'."""
    said = []
    for name, raw in item.items():
        if name in part.key or name in SKIPPED or raw in (None, "", [], False):
            continue
        if _is_records(raw) or isinstance(raw, dict):
            continue  # listed as records of their own
        said.append(f"{label(part, name)[0]} {value(part, name, raw)}")
    return "; ".join(said)


def _named(part: Part, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]] | None:
    names = [_name(part, item) for item in items]
    if not part.key or len(set(names)) < len(names):
        return None
    return dict(zip(names, items, strict=True))


def _whole(part: Part, where: str, item: Mapping[str, Any], kind: str, out: list[Change]) -> None:
    """A record added or removed, then the records inside it, each on its own row."""
    summary = _summary(part, item)
    out.append(Change(where, kind, "", *((summary, "") if kind == REMOVED else ("", summary))))
    for name, raw in item.items():
        inner = _part(name)
        if isinstance(raw, dict):
            _whole(inner, _join(where, inner.noun), raw, kind, out)
        elif _is_records(raw):
            named = _named(inner, raw) or _by_position(inner, raw)
            for child, record in named.items():
                _whole(inner, _join(where, child), record, kind, out)


def _by_position(part: Part, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f"{part.noun} {i}": item for i, item in enumerate(items, start=1)}


def _records(
    part: Part, where: str, old: list[dict[str, Any]], new: list[dict[str, Any]], out: list[Change]
) -> None:
    before, after = _named(part, old), _named(part, new)
    if before is None or after is None:
        before, after = _by_position(part, old), _by_position(part, new)
    for name, item in after.items():
        if name not in before:
            _whole(part, _join(where, name), item, ADDED, out)
        elif before[name] != item:
            _record(part, _join(where, name), before[name], item, out)
    for name, item in before.items():
        if name not in after:
            _whole(part, _join(where, name), item, REMOVED, out)


def _ordered(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterable[str]:
    return [*new, *(k for k in old if k not in new)]


def _record(
    part: Part, where: str, old: Mapping[str, Any], new: Mapping[str, Any], out: list[Change]
) -> None:
    for name in _ordered(old, new):
        a, b = old.get(name), new.get(name)
        if name in SKIPPED or a == b:
            continue
        if _is_records(a) or _is_records(b):
            _records(_part(name), where, a or [], b or [], out)
        elif isinstance(a, dict) or isinstance(b, dict):
            inner = _part(name)
            here = _join(where, inner.noun)
            if isinstance(a, dict) and isinstance(b, dict):
                _record(inner, here, a, b, out)
            elif isinstance(a, dict):
                _whole(inner, here, a, REMOVED, out)
            elif isinstance(b, dict):
                _whole(inner, here, b, ADDED, out)
        else:
            said = label(part, name)[0]
            out.append(
                Change(
                    where or part.noun, CHANGED, said, value(part, name, a), value(part, name, b)
                )
            )


def case_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every difference from `old` to `new` (two `case.model_dump(mode="json")`), in words."""
    out: list[Change] = []
    _record(CASE, "", old, new, out)
    return out
