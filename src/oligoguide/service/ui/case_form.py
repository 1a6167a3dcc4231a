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
from typing import Any

from starlette.datastructures import FormData

from oligoguide.model.errors import InputIssue
from oligoguide.service.ui.case_fields import (
    BIOMARKER,
    CANCER,
    CASE_FIELDS,
    DOSE,
    GROUP,
    GROUP_OBSERVATION,
    LESION,
    LIST_FIELDS,
    MEASUREMENT,
    MULTI_FIELDS,
    OAR_DISTANCE,
    PATIENT,
    POST_TREATMENT,
    PRIMARY_TUMOUR,
    PRIOR_BURDEN,
    SECTIONS,
    THERAPY,
    Field,
    Section,
)
from oligoguide.service.ui.wording import REQUIRED, plain_message

MAX_DEPTH = 5
MAX_NAME = 120
MAX_ROWS = 60  # per list: far above any real case, low enough to bound the page


@dataclass(frozen=True)
class Rows:
    """How many rows of each list the form shows (the data's rows plus blank ones)."""

    biomarkers: int
    therapies: int
    lesions: int
    measurements: tuple[int, ...]
    doses: tuple[int, ...] = ()  # last doses per therapy row
    distances: tuple[int, ...] = ()  # distances to organs at risk per lesion row
    groups: int = 1
    group_observations: tuple[int, ...] = (2,)
    sections: dict[str, int] = field(default_factory=dict)  # Section.key -> rows

    def of(self, section: Section) -> int:
        return self.sections.get(section.key, 1)


def _rows(items: Any) -> list[Any]:
    return items if isinstance(items, list) else []


def _nested(parents: list[Any], key: str, shown: int, blank: int) -> tuple[int, ...]:
    """Rows of a list inside each of `shown` parent rows: its items plus `blank`."""
    return tuple(
        len(
            _rows(
                (parents[i] if i < len(parents) and isinstance(parents[i], dict) else {}).get(key)
            )
        )
        + blank
        for i in range(shown)
    )


def row_counts(data: dict[str, Any], blank: int = 1) -> Rows:
    lesions = _rows(data.get("lesions"))
    therapies = _rows(data.get("systemic_therapies"))
    groups = _rows(data.get("lesion_groups"))
    shown = max(len(lesions) + blank, 1)
    return Rows(
        biomarkers=len(_rows((data.get("cancer") or {}).get("biomarkers"))) + blank + 1,
        therapies=len(therapies) + blank,
        lesions=shown,
        measurements=_nested(lesions, "measurements", shown, 2),
        doses=_nested(therapies, "last_doses", len(therapies) + blank, 1),
        distances=_nested(lesions, "oar_distances", shown, 1),
        groups=len(groups) + blank,
        group_observations=_nested(groups, "observations", len(groups) + blank, 2),
        sections={s.key: len(_rows(data.get(s.key))) + blank for s in SECTIONS},
    )


BLANK_FORM = Rows(
    biomarkers=3,
    therapies=2,
    lesions=3,
    measurements=(3, 3, 3),
    doses=(2, 2),
    distances=(1, 1, 1),
    groups=1,
    group_observations=(2,),
    sections={s.key: 1 for s in SECTIONS},
)


def count(counts: tuple[int, ...], index: int, default: int = 1) -> int:
    """The template's row count of a nested list (parents beyond the tuple get `default`)."""
    return counts[index] if index < len(counts) else default


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
    elif isinstance(data, bool):  # as the form sends it (checkbox and yes/no select values)
        out[prefix] = "true" if data else "false"
    else:
        out[prefix] = data
    return out


def _inputs(base: str, fields: tuple[Field, ...]) -> set[str]:
    return {base} | {f"{base}/{f.name}" for f in fields}


def known_pointers(rows: Rows) -> set[str]:
    """Every pointer the form shows: inputs, and the rows and sections that hold them."""
    known = {"", "/patient", "/cancer", "/cancer/biomarkers", "/systemic_therapies", "/lesions"}
    known |= {f"/{f.name}" for f in CASE_FIELDS}
    known |= _inputs("/patient", PATIENT) | _inputs("/cancer", CANCER)
    known |= _inputs("/primary_tumour", PRIMARY_TUMOUR)
    known |= _inputs("/prior_metastatic_burden", PRIOR_BURDEN) | {"/lesion_groups"}
    for i in range(rows.biomarkers):
        known |= _inputs(f"/cancer/biomarkers/{i}", BIOMARKER)
    for i in range(rows.therapies):
        known |= _inputs(f"/systemic_therapies/{i}", THERAPY)
        known.add(f"/systemic_therapies/{i}/last_doses")
        for j in range(count(rows.doses, i)):
            known |= _inputs(f"/systemic_therapies/{i}/last_doses/{j}", DOSE)
    for i in range(rows.lesions):
        base = f"/lesions/{i}"
        known |= _inputs(base, LESION) | {f"{base}/measurements", f"{base}/oar_distances"}
        known |= _inputs(f"{base}/post_treatment_assessment", POST_TREATMENT)
        for j in range(count(rows.measurements, i, 3)):
            known |= _inputs(f"{base}/measurements/{j}", MEASUREMENT)
        for j in range(count(rows.distances, i)):
            known |= _inputs(f"{base}/oar_distances/{j}", OAR_DISTANCE)
    for i in range(rows.groups):
        known |= _inputs(f"/lesion_groups/{i}", GROUP) | {f"/lesion_groups/{i}/observations"}
        for j in range(count(rows.group_observations, i, 2)):
            known |= _inputs(f"/lesion_groups/{i}/observations/{j}", GROUP_OBSERVATION)
    for section in SECTIONS:
        known.add(f"/{section.key}")
        for i in range(rows.of(section)):
            known |= _inputs(f"/{section.key}/{i}", section.fields)
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
        parts = [p for p in issue.pointer.split("/") if p]
        name = parts[-1] if parts else ""
        owner = parts[-2] if len(parts) > 1 and not parts[-2].isdigit() else ""
        owner = owner or (parts[-3] if len(parts) > 2 else "")
        text = plain_message(issue.message, _label(owner, name) if name else "This part")
        if where != issue.pointer:  # shown at a row or section: say which field
            text = f"{describe(issue.pointer)}: {text}"
            placed.summary.append((field_id(where), text, ""))
        elif issue.message.strip() == REQUIRED:  # 'Cancer: Primary site is required'
            placed.summary.append((field_id(where), f"{describe(_parent(where))}: {text}", ""))
        else:
            placed.summary.append((field_id(where), describe(where), text))
        placed.at.setdefault(where, []).append(text)
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
    "primary_tumour": "Primary tumour",
    "last_doses": "last dose",
    "oar_distances": "organ-at-risk distance",
    "post_treatment_assessment": "after treatment",
    "lesion_groups": "Lesion group",
    "observations": "observation",
    "prior_metastatic_burden": "Earlier burden",
} | {s.key: s.row for s in SECTIONS}
_FIELDS_OF: dict[str, tuple[Field, ...]] = {
    "": CASE_FIELDS,
    "patient": PATIENT,
    "cancer": CANCER,
    "biomarkers": BIOMARKER,
    "systemic_therapies": THERAPY,
    "lesions": LESION,
    "measurements": MEASUREMENT,
    "primary_tumour": PRIMARY_TUMOUR,
    "last_doses": DOSE,
    "oar_distances": OAR_DISTANCE,
    "post_treatment_assessment": POST_TREATMENT,
    "lesion_groups": GROUP,
    "observations": GROUP_OBSERVATION,
    "prior_metastatic_burden": PRIOR_BURDEN,
} | {s.key: s.fields for s in SECTIONS}


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
