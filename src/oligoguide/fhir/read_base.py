"""The FHIR reader's foundation (`read.py`): the Bundle's entries and references, and how an
entry is used, skipped or linked; the readers of each part build on it."""

from __future__ import annotations

from typing import Any

from oligoguide.fhir import codes as c
from oligoguide.fhir._integrity import (
    lesion_data,
)
from oligoguide.fhir._read_util import _codings
from oligoguide.fhir._util import JSON
from oligoguide.fhir.reading import Disposition, Unmapped

BUNDLE_TYPES = frozenset({"transaction", "batch", "collection", "searchset"})
IGNORED_STATUSES = frozenset({"entered-in-error", "cancelled", "not-done", "stopped", "draft"})
_LOCAL_MODALITY_EXT = c.EXT + "/local-treatment-modality"
_REGIMEN_CLASS_EXT = c.EXT + "/regimen-therapy-class"


class _ReaderBase:
    def __init__(self, bundle: JSON, unknown: list[Unmapped]) -> None:
        self.bundle = bundle
        self.entries: list[tuple[int, JSON]] = [
            (i, e["resource"])
            for i, e in enumerate(bundle.get("entry", []))
            if isinstance(e.get("resource"), dict)
        ]
        self.by_ref: dict[str, int] = {}
        self.ambiguous: set[str] = set()  # names of two entries: a reference to one is refused
        for i, e in enumerate(bundle.get("entry", [])):
            resource = e.get("resource")
            if not isinstance(resource, dict):
                continue
            keys = [str(e["fullUrl"])] if e.get("fullUrl") else []
            if resource.get("id"):
                keys.append(f"{resource['resourceType']}/{resource['id']}")
            for key in keys:
                if self.by_ref.get(key, i) != i:
                    self.ambiguous.add(key)
                self.by_ref[key] = i
        self.unmapped: list[Unmapped] = list(unknown)
        self.used: set[int] = set()
        self.mentions: list[tuple[int, JSON, str]] = []
        self.origins: dict[int, int] = {}  # id() of a record of the case -> its entry
        self.excluded: set[int] = set()  # set aside whole (another patient's): never read
        self.patient_index = -1
        self.patient_key: str | None = None  # what the case key hashes (see case_key.py)

    # --- plumbing -----------------------------------------------------------------------------
    def ptr(self, index: int, *path: str | int) -> str:
        return f"/entry/{index}/resource" + "".join(f"/{p}" for p in path)

    def name(self, index: int) -> str:
        resource = self.bundle["entry"][index]["resource"]
        return f"{resource['resourceType']}/{resource.get('id', '?')}"

    def skip(
        self,
        index: int,
        reason: str,
        *path: str | int,
        kind: Disposition = Disposition.DROPPED,
    ) -> None:
        resource = self.bundle["entry"][index]["resource"]
        self.unmapped.append(
            Unmapped(self.ptr(index, *path), self.name(index), reason, kind, lesion_data(resource))
        )

    def origin(self, record: JSON, index: int) -> JSON:
        """Note that `record` (a dict of the case) was read from entry `index`, so that the
        model's refusal of it can name the entry."""
        self.origins[id(record)] = index
        return record

    def resolve(self, reference: Any) -> int | None:
        """The entry a Reference points to; None when it points to nothing in the Bundle, or to
        a resource set aside (another patient's)."""
        if not isinstance(reference, dict) or not isinstance(reference.get("reference"), str):
            return None
        target = reference["reference"]
        if target not in self.by_ref:
            target = "/".join(target.split("/")[-2:])
        if target in self.ambiguous:
            return None
        found = self.by_ref.get(target)
        return None if found in self.excluded else found

    def kind_of(self, index: int) -> str:
        return str(self.bundle["entry"][index]["resource"].get("resourceType"))

    def link(
        self,
        index: int,
        reference: Any,
        path: tuple[str | int, ...],
        types: tuple[str, ...],
        consequence: str,
    ) -> int | None:
        """The entry a reference the reader follows points to, if it is of one of `types`.
        A reference that is given but points elsewhere is reported at its pointer (DROPPED)
        with its `consequence`; None then, as when no reference is given."""
        if reference is None:
            return None
        target = self.resolve(reference)
        if target is not None and self.kind_of(target) in types:
            return target
        text = reference.get("reference") if isinstance(reference, dict) else None
        element = next((str(p) for p in reversed(path) if isinstance(p, str)), "reference")
        shown = f"{text!r}" if isinstance(text, str) else "without a reference"
        tail = "/".join(str(text).split("/")[-2:])
        problem = (
            "names two entries of the Bundle"
            if text in self.ambiguous or (text not in self.by_ref and tail in self.ambiguous)
            else f"is no {' or '.join(types)} of this patient in the Bundle"
        )
        self.skip(
            index,
            f"{element} {shown} {problem}: " + consequence,
            *path,
            *(("reference",) if isinstance(text, str) else ()),
        )
        return None

    def of_type(self, *types: str) -> list[tuple[int, JSON]]:
        return [(i, r) for i, r in self.entries if r.get("resourceType") in types]

    def active(self, index: int, resource: JSON) -> bool:
        status = resource.get("status")
        if status in IGNORED_STATUSES:
            self.skip(index, f"status {status!r}: not used", "status", kind=Disposition.EXCLUDED)
            self.used.add(index)
            return False
        return True

    def agent(self, index: int, resource: JSON) -> tuple[str | None, str | None]:
        concept = resource.get("medicationCodeableConcept")
        if concept is None:
            target = self.link(
                index,
                resource.get("medicationReference"),
                ("medicationReference",),
                ("Medication",),
                "the agent is unknown",
            )
            if target is not None:
                self.used.add(target)
                concept = self.bundle["entry"][target]["resource"].get("code")
        codings = _codings(concept)
        atc = next((x.get("code") for x in codings if x.get("system") == c.ATC), None)
        name = (concept or {}).get("text") or next(
            (x.get("display") for x in codings if x.get("display")), None
        )
        return (str(name) if name else None), (str(atc) if atc else None)
