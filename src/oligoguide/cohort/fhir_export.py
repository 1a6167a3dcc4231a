"""Cases written as a FHIR Bulk Data export: one NDJSON file per resource type, every patient mixed.

Each case goes through the FHIR adapter's writer (`case_to_bundle`, the mCODE Bundle `assess`
returns); its `urn:uuid:` references are rewritten as `Type/id`, as a FHIR server stores a
transaction and exports it. Used by `oligoguide synth --format fhir` (a synthetic export for
integrators and benchmarks) and by the tests of the NDJSON reader (`fhir_ndjson.py`).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from oligoguide.cohort import tables
from oligoguide.cohort.case_rows import build_case
from oligoguide.cohort.inputs import discover
from oligoguide.cohort.synth import generate
from oligoguide.fhir import case_to_bundle
from oligoguide.model import Case

Resource = dict[str, Any]
_URN = "urn:uuid:"


def server_references(value: Any, types: dict[str, str]) -> Any:
    """`urn:uuid:` references to resources in `types` (id to resource type) as `Type/id`."""
    if isinstance(value, dict):
        out = {key: server_references(item, types) for key, item in value.items()}
        target = value.get("reference")
        if isinstance(target, str) and target.startswith(_URN) and target[len(_URN) :] in types:
            uuid = target[len(_URN) :]
            out["reference"] = f"{types[uuid]}/{uuid}"
        return out
    if isinstance(value, list):
        return [server_references(item, types) for item in value]
    return value


def case_resources(case: Case) -> list[Resource]:
    """The case's resources as a FHIR server would export them."""
    resources = [entry["resource"] for entry in case_to_bundle(case)["entry"]]
    types = {r["id"]: r["resourceType"] for r in resources}
    return [server_references(resource, types) for resource in resources]


def write_export(cases: Iterable[Case], folder: Path) -> dict[str, str]:
    """Write `<ResourceType>.ndjson` files into `folder`; returns each case_id by its Patient id
    (the patient_id a screen of the export reports)."""
    folder.mkdir(parents=True, exist_ok=True)
    by_patient: dict[str, str] = {}
    with ExitStack() as stack:
        files: dict[str, IO[str]] = {}
        for case in cases:
            for resource in case_resources(case):
                kind = resource["resourceType"]
                if kind not in files:
                    path = folder / f"{kind}.ndjson"
                    files[kind] = stack.enter_context(path.open("w", encoding="utf-8"))
                files[kind].write(json.dumps(resource, separators=(",", ":")) + "\n")
                if kind == "Patient":
                    by_patient[resource["id"]] = case.case_id
    return by_patient


@dataclass(frozen=True)
class SynthExport:
    case_ids: dict[str, str]  # each exported Patient id: the synthetic patient's id
    left_out: int  # patients whose synthetic rows are malformed: no valid FHIR form
    out: Path

    @property
    def patients(self) -> int:
        return len(self.case_ids)


def synth_export(patients: int, seed: int, out: Path) -> SynthExport:
    """`synth`'s cohort (same seed, same patients) as a Bulk Data export. Its malformed patients
    are left out and counted: a FHIR writer cannot write an invalid case. The tables are read
    whole into memory (as the core engine reads them), so this is for test-sized cohorts."""
    left_out = 0

    def cases(folder: Path) -> Iterator[Case]:
        nonlocal left_out
        for rows in tables.patients(discover([folder])):
            case, _ = build_case(rows)
            if case is None:
                left_out += 1
            else:
                yield case

    with tempfile.TemporaryDirectory() as work:
        generate(patients, seed, Path(work))
        written = write_export(cases(Path(work)), out)
    return SynthExport(written, left_out, out)
