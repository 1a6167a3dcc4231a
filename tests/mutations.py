"""Mutations of a valid case that a clinical tool must never read silently (issue 19).

Each mutation returns the mutated JSON text and the pointer it touched, or None when the case has
no place for it. A mutated input must be refused with a pointer, or assessed with a warning that
names the pointer (model.plausibility); anything else is a silent misreading.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

Mutation = Callable[[dict[str, Any], int], tuple[str, str] | None]


def _scalars(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _scalars(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _scalars(value, f"{pointer}/{index}")
    else:
        yield pointer, node


def _set(data: dict[str, Any], pointer: str, value: Any) -> None:
    parts = pointer.strip("/").split("/")
    node: Any = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _pick(items: list[Any], seed: int) -> Any:
    return items[seed % len(items)] if items else None


def type_swap(data: dict[str, Any], seed: int) -> tuple[str, str] | None:
    """A number, flag or date written as another JSON type ("34", true, 1700000000...)."""
    places = [(p, v) for p, v in _scalars(data) if isinstance(v, bool | int | float) or _is_date(v)]
    found = _pick(places, seed)
    if found is None:
        return None
    pointer, value = found
    if isinstance(value, bool):
        swapped: Any = ["off", 1, "true"][seed % 3]
    elif isinstance(value, int | float):
        swapped = [str(value), True, [value]][seed % 3]
    else:
        swapped = [1_700_000_000, True, value.replace("-", "/")][seed % 3]
    out = copy.deepcopy(data)
    _set(out, pointer, swapped)
    return json.dumps(out), pointer


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def future_date(data: dict[str, Any], seed: int) -> tuple[str, str] | None:
    """A measurement, study, therapy or lab date moved a year into the future."""
    places = [
        p
        for p, v in _scalars(data)
        if _is_date(v) and not p.endswith("birth_date") and "/end" not in p
    ]
    pointer = _pick(places, seed)
    if pointer is None:
        return None
    out = copy.deepcopy(data)
    _set(out, pointer, (dt.date.today() + dt.timedelta(days=365)).isoformat())
    return json.dumps(out), pointer


def oversize(data: dict[str, Any], seed: int) -> tuple[str, str] | None:
    """A diameter over 200 mm (a unit error: cm read as mm x 10, two lesions summed...)."""
    places = [p for p, v in _scalars(data) if p.endswith("/diameter_mm") and v]
    pointer = _pick(places, seed)
    if pointer is None:
        return None
    out = copy.deepcopy(data)
    _set(out, pointer, 250.0 + seed % 200)
    return json.dumps(out), pointer


def ancient_patient(data: dict[str, Any], seed: int) -> tuple[str, str] | None:
    """A placeholder birth date: a patient over 110 at the scans."""
    if not data.get("patient"):
        return None
    out = copy.deepcopy(data)
    out["patient"]["birth_date"] = "1880-01-01"
    return json.dumps(out), "/patient/birth_date"


def duplicate_key(data: dict[str, Any], seed: int) -> tuple[str, str] | None:
    """The same key twice in one object: the last one must never silently win."""
    text = json.dumps(data)
    keys = [k for k in ("case_id", "patient", "cancer") if k in data]
    key = _pick(keys, seed)
    if key is None:
        return None
    return text[:-1] + f', "{key}": {json.dumps(data[key])}' + "}", ""


def unknown_field(data: dict[str, Any], seed: int) -> tuple[str, str] | None:
    """A misspelt field: never dropped."""
    out = copy.deepcopy(data)
    target = _pick([k for k in ("patient", "cancer") if isinstance(out.get(k), dict)], seed)
    if target is None:
        return None
    out[target]["ecgo"] = 1
    return json.dumps(out), f"/{target}/ecgo"


MUTATIONS: dict[str, Mutation] = {
    "type_swap": type_swap,
    "future_date": future_date,
    "oversize": oversize,
    "ancient_patient": ancient_patient,
    "duplicate_key": duplicate_key,
    "unknown_field": unknown_field,
}
