"""The new-case form: its fields, reading a POSTed form into case JSON, errors at the field.

Every input is named by the JSON pointer of the case field it fills (`/lesions/0/measurements/1
/diameter_mm`), so an error of the model (`CaseInputError.issues[].pointer`) lands on the input
it names. Values go to the model as typed (strings): the model's own validation converts and
judges them, so the form can never accept what the API would refuse.

Blank rows are dropped and the remaining rows renumbered before validation; the form is then
re-rendered from that data, so pointers and inputs always agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from starlette.datastructures import FormData

from oligoguide.model.errors import InputIssue
from oligoguide.model.vocab import (
    BestResponse,
    BiomarkerName,
    BiomarkerStatus,
    LesionObservation,
    LungZone,
    MetastasisTiming,
    PrimarySite,
    Sex,
    Sidedness,
    Site,
    TherapyClass,
)

MAX_DEPTH = 5
MAX_NAME = 120
MAX_ROWS = 60  # per list: far above any real case, low enough to bound the page


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, date, number, select, checkbox, checks, list
    choices: tuple[str, ...] = ()
    required: bool = False
    hint: str = ""


CASE_FIELDS = (Field("case_id", "Case ID", required=True, hint="Unique in the registry"),)
PATIENT = (
    Field("id", "Patient ID", required=True),
    Field("sex", "Sex", "select", _values(Sex)),
    Field("birth_date", "Birth date", "date"),
    Field("ecog", "ECOG", "number", hint="0-4"),
)
CANCER = (
    Field("primary_site", "Primary site", "select", _values(PrimarySite), required=True),
    Field("histology", "Histology"),
    Field("diagnosis_date", "Diagnosis date", "date"),
    Field("stage_at_diagnosis", "Stage at diagnosis"),
    Field("metastases_timing", "Metastases", "select", _values(MetastasisTiming)),
    Field("sidedness", "Sidedness (colorectal)", "select", _values(Sidedness)),
)
BIOMARKER = (
    Field("name", "Biomarker", "select", _values(BiomarkerName)),
    Field("status", "Status", "select", _values(BiomarkerStatus)),
    Field("detail", "Detail", hint="Variant or value"),
    Field("date", "Date", "date"),
)
THERAPY = (
    Field("agents", "Agents", "list", hint="Comma-separated, e.g. FOLFOX, panitumumab"),
    Field("classes", "Classes", "checks", _values(TherapyClass)),
    Field("line", "Line", "number"),
    Field("start", "Start", "date"),
    Field("end", "End", "date", hint="Empty while ongoing"),
    Field("best_response", "Best response", "select", _values(BestResponse)),
)
LESION = (
    Field("id", "Lesion ID", hint="e.g. L1"),
    Field("site", "Site", "select", _values(Site)),
    Field("location", "Location", hint="Segment, lobe, side"),
    Field("lung_zone", "Lung zone", "select", _values(LungZone)),
    Field("target", "Target lesion", "checkbox"),
    Field("is_lymph_node", "Lymph node", "checkbox"),
    Field("primary", "Primary tumour", "checkbox"),
)
MEASUREMENT = (
    Field("date", "Date", "date"),
    Field("diameter_mm", "Diameter (mm)", "number", hint="Short axis for nodes"),
    Field("status", "Status", "select", _values(LesionObservation)),
)
LIST_FIELDS = {"agents"}
MULTI_FIELDS = {"classes"}


@dataclass(frozen=True)
class Rows:
    """How many rows of each list the form shows (the data's rows plus blank ones)."""

    biomarkers: int
    therapies: int
    lesions: int
    measurements: tuple[int, ...]


def row_counts(data: dict[str, Any], blank: int = 1) -> Rows:
    lesions = data.get("lesions") or []
    shown = max(len(lesions) + blank, 1)
    per_lesion = tuple(
        len((lesions[i] if i < len(lesions) else {}).get("measurements") or []) + 2
        for i in range(shown)
    )
    return Rows(
        biomarkers=len((data.get("cancer") or {}).get("biomarkers") or []) + blank + 1,
        therapies=len(data.get("systemic_therapies") or []) + blank,
        lesions=shown,
        measurements=per_lesion,
    )


BLANK_FORM = Rows(biomarkers=3, therapies=2, lesions=3, measurements=(3, 3, 3))


# -- reading the form ------------------------------------------------------------------------


def _insert(tree: dict[str, Any], segments: list[str], value: Any) -> None:
    node = tree
    for segment in segments[:-1]:
        child = node.setdefault(segment, {})
        if not isinstance(child, dict):
            return
        node = child
    node[segments[-1]] = value


def _compact(node: Any) -> Any:
    """Dicts keyed 0, 1, ... become lists without their blank rows; blanks disappear."""
    if not isinstance(node, dict):
        return node
    children = {k: _compact(v) for k, v in node.items()}
    children = {k: v for k, v in children.items() if v not in ("", [], {}, None)}
    if node and all(k.isdigit() for k in node):
        ordered = sorted(children.items(), key=lambda kv: int(kv[0]))
        return [v for _, v in ordered][:MAX_ROWS]
    return children


def _value(name: str, raw: Sequence[str]) -> Any:
    if name in MULTI_FIELDS:
        return [v.strip() for v in raw if v.strip()]
    text = raw[-1].strip() if raw else ""
    if name in LIST_FIELDS:
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def parse_form(form: FormData) -> dict[str, Any]:
    """The case JSON of a submitted form (values as strings, for the model to validate)."""
    tree: dict[str, Any] = {}
    for key in dict.fromkeys(form.keys()):
        if not key.startswith("/") or len(key) > MAX_NAME:
            continue
        segments = key[1:].split("/")
        if len(segments) > MAX_DEPTH or not all(segments):
            continue
        if any(s.isdigit() and int(s) >= MAX_ROWS for s in segments):
            continue
        raw = [v for v in form.getlist(key) if isinstance(v, str)]
        _insert(tree, segments, _value(segments[-1], raw))
    data = _compact(tree)
    return data if isinstance(data, dict) else {}


# -- showing it again ------------------------------------------------------------------------


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """pointer -> value to show in the input of that pointer."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            pointer = f"{prefix}/{key}"
            if key in LIST_FIELDS and isinstance(value, list):
                out[pointer] = ", ".join(map(str, value))
            elif key in MULTI_FIELDS and isinstance(value, list):
                out[pointer] = [str(v) for v in value]
            else:
                out.update(flatten(value, pointer))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out.update(flatten(value, f"{prefix}/{index}"))
    else:
        out[prefix] = data
    return out


def known_pointers(rows: Rows) -> set[str]:
    """Every pointer the form shows: inputs, and the rows and sections that hold them."""
    known = {"", "/patient", "/cancer", "/cancer/biomarkers", "/systemic_therapies", "/lesions"}
    known |= {f"/{f.name}" for f in CASE_FIELDS}
    known |= {f"/patient/{f.name}" for f in PATIENT}
    known |= {f"/cancer/{f.name}" for f in CANCER}
    for i in range(rows.biomarkers):
        known |= {f"/cancer/biomarkers/{i}"} | {
            f"/cancer/biomarkers/{i}/{f.name}" for f in BIOMARKER
        }
    for i in range(rows.therapies):
        known |= {f"/systemic_therapies/{i}"}
        known |= {f"/systemic_therapies/{i}/{f.name}" for f in THERAPY}
    for i in range(rows.lesions):
        known |= {f"/lesions/{i}", f"/lesions/{i}/measurements"}
        known |= {f"/lesions/{i}/{f.name}" for f in LESION}
        for j in range(rows.measurements[i]):
            base = f"/lesions/{i}/measurements/{j}"
            known |= {base} | {f"{base}/{f.name}" for f in MEASUREMENT}
    return known


@dataclass
class Placed:
    """Errors by the pointer they are shown at, and the summary at the top of the form."""

    at: dict[str, list[str]] = field(default_factory=dict)
    summary: list[tuple[str, str, str]] = field(default_factory=list)  # (anchor, where, message)


def _parent(pointer: str) -> str:
    return pointer.rsplit("/", 1)[0] if "/" in pointer else ""


def place_errors(issues: Iterable[InputIssue], rows: Rows) -> Placed:
    """Each issue goes to its own input, else the nearest row or section that is shown."""
    known = known_pointers(rows)
    placed = Placed()
    for issue in issues:
        where = issue.pointer
        while where not in known:
            where = _parent(where)
        text = issue.message
        if where != issue.pointer:  # shown at a row or section: say which field
            text = f"{issue.pointer[len(where) :].lstrip('/') or 'this part'}: {issue.message}"
        placed.at.setdefault(where, []).append(text)
        placed.summary.append((field_id(where), describe(where), text))
    return placed


def field_id(pointer: str) -> str:
    return "f" + pointer.replace("/", "-") if pointer else "case-form"


_SECTIONS = {
    "patient": "Patient",
    "cancer": "Cancer",
    "biomarkers": "biomarker",
    "systemic_therapies": "Therapy",
    "lesions": "Lesion",
    "measurements": "measurement",
}
_FIELDS_OF: dict[str, tuple[Field, ...]] = {
    "": CASE_FIELDS,
    "patient": PATIENT,
    "cancer": CANCER,
    "biomarkers": BIOMARKER,
    "systemic_therapies": THERAPY,
    "lesions": LESION,
    "measurements": MEASUREMENT,
}


def _label(section: str, name: str) -> str:
    found = next((f.label for f in _FIELDS_OF.get(section, ()) if f.name == name), None)
    return found or _SECTIONS.get(name) or name.replace("_", " ")


def describe(pointer: str) -> str:
    """A reader's name for a pointer: 'Lesion 1, measurement 2: Diameter (mm)'."""
    parts = [p for p in pointer.split("/") if p]
    words: list[str] = []
    section = ""
    index = 0
    while index < len(parts):
        part = parts[index]
        nxt = parts[index + 1] if index + 1 < len(parts) else ""
        if part in _SECTIONS and nxt.isdigit():
            words.append(f"{_SECTIONS[part]} {int(nxt) + 1}")
            section, index = part, index + 2
            continue
        words.append(_label(section, part))
        section, index = part, index + 1
    if not words:
        return "The case"
    first = words[0][:1].upper() + words[0][1:]
    if len(words) == 1:
        return first
    return ", ".join([first, *words[1:-1]]) + ": " + words[-1]
