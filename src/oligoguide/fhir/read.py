"""FHIR R4 Bundle (transaction, batch, collection or searchset) with mCODE STU4 content -> Case.

The Bundle is first checked against the `fhir.resources.R4B` models (structure) and for the JSON
type of every primitive (the models convert `"false"` to a boolean); the codes are then checked
here, because the library does not check codes or value sets. Errors that make the Bundle
unusable raise CaseInputError with a JSON pointer into the Bundle.

Nothing is dropped, used or attached to the patient silently. Everything in the Bundle that is
not in the case as sent is an `Unmapped` item (pointer, resource, reason, `Disposition`):
- `DROPPED`: content the reader reads but cannot use (a tumour size whose `focus` names no
  Tumor, or without a date; a resource about another patient; a reference to nothing);
- `NOT_USED`: a resource or code oligoguide does not read (an unknown `resourceType` included);
- `EXCLUDED`: set aside by rule (entered in error, an earlier dose, administrative resources);
- `ASSUMED`: read with an assumption that is stated (an unknown site read as 'other').
By default a Bundle with anything DROPPED or NOT_USED is refused (CaseInputError naming every
item by pointer). `lenient=True` reads the rest and lists it all; `BundleReading.warnings` say so,
and `assess_reading` puts them in the assessment's warnings, so a left-out resource never changes
the disease state without the assessment saying so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from oligoguide.fhir import codes as c
from oligoguide.fhir import context_read as cr
from oligoguide.fhir import context_read_patient as crp
from oligoguide.fhir._integrity import (
    ADMINISTRATIVE,
    check_subjects,
    lesion_data,
    unknown_types,
)
from oligoguide.fhir._read_util import (
    _codings,
    _date,
    _ext,
    _ext_index,
    _ext_value,
    _fail,
    _has,
    _profiles,
    check_json_types,
)
from oligoguide.fhir._util import JSON, validate_bundle
from oligoguide.fhir.case_key import LOCAL_CASE_KEY_SECRET, case_key, patient_key
from oligoguide.fhir.reading import LEFT_OUT, BundleReading, Disposition, Unmapped
from oligoguide.model.errors import CaseInputError, InputIssue
from oligoguide.model.io import case_from_data
from oligoguide.model.vocab import (
    BiomarkerName,
    BiomarkerStatus,
    BodyRegion,
    LesionObservation,
    LocalModality,
    PrimarySite,
    Site,
)

BUNDLE_TYPES = frozenset({"transaction", "batch", "collection", "searchset"})
IGNORED_STATUSES = frozenset({"entered-in-error", "cancelled", "not-done", "stopped", "draft"})
_LOCAL_MODALITY_EXT = c.EXT + "/local-treatment-modality"
_REGIMEN_CLASS_EXT = c.EXT + "/regimen-therapy-class"


class _Reader:
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

    # --- patient and cancer ------------------------------------------------------------------
    def patient(self) -> JSON:
        patients = self.of_type("Patient")
        if not patients:
            raise _fail("/entry", "the Bundle has no Patient resource")
        if len(patients) > 1:
            raise _fail(self.ptr(patients[1][0]), "the Bundle holds more than one Patient")
        index, resource = patients[0]
        self.used.add(index)
        self.patient_index = index
        identifiers = [x for x in resource.get("identifier", []) if x.get("value")]
        ours = [x for x in identifiers if x.get("system") == c.PATIENT_ID_SYSTEM]
        chosen = (ours or identifiers or [None])[0]
        if chosen is not None:
            patient_id = str(chosen["value"])
            self.patient_key = patient_key(chosen.get("system"), patient_id)
        elif resource.get("id"):
            patient_id = str(resource["id"])
            self.patient_key = patient_key("Patient", patient_id)
        else:
            patient_id = "unknown"
        out: JSON = {"id": patient_id}
        if resource.get("gender") in {"female", "male", "other", "unknown"}:
            out["sex"] = resource["gender"]
        if resource.get("birthDate"):
            birth = _date(resource["birthDate"])
            if birth is None:
                raise _fail(self.ptr(index, "birthDate"), "birth date needs year-month-day")
            out["birthDate"] = birth.isoformat()
        self.case_extras = {
            "baseline_date": _ext_value(resource, c.EXT_BASELINE_DATE, "valueDate"),
            "clinically_deteriorating": _ext_value(resource, c.EXT_DETERIORATING, "valueBoolean"),
        }
        return out

    def conditions(self) -> tuple[int, JSON, dict[int, Site]]:
        primaries: list[tuple[int, JSON, PrimarySite | None]] = []
        secondaries: dict[int, Site] = {}
        for index, resource in self.of_type("Condition"):
            if not self.active(index, resource):
                continue
            profiles = _profiles(resource)
            codings = _codings(resource.get("code"))
            primary = next(
                (p for x in codings if (p := c.primary_from_code(x.get("system"), x.get("code")))),
                None,
            )
            site = next(
                (
                    s
                    for x in codings
                    if (s := c.site_from_secondary_code(x.get("system"), x.get("code")))
                ),
                None,
            )
            if c.PROFILE["secondary"] in profiles or (
                site and c.PROFILE["primary"] not in profiles
            ):
                self.used.add(index)
                if site is None:
                    site = self.body_site(
                        resource.get("bodySite", [{}])[0] if resource.get("bodySite") else None
                    )
                if site is None:
                    self.skip(
                        index,
                        "secondary cancer site not recognised: recorded as 'other'",
                        "code",
                        kind=Disposition.ASSUMED,
                    )
                    site = Site.OTHER
                secondaries[index] = site
            elif c.PROFILE["primary"] in profiles or primary:
                self.used.add(index)
                primaries.append((index, resource, primary))
        if not primaries:
            raise _fail("/entry", "no PrimaryCancerCondition: the primary cancer is required")
        if len(primaries) > 1:
            raise _fail(
                self.ptr(primaries[1][0]),
                "more than one primary cancer condition: oligoguide assesses one cancer at a time",
            )
        index, resource, site_code = primaries[0]
        if site_code is None:
            self.skip(
                index,
                "primary cancer code not in oligoguide's table: recorded as 'other'",
                "code",
                kind=Disposition.ASSUMED,
            )
            site_code = PrimarySite.OTHER
        cancer: JSON = {"primary_site": site_code.value}
        histology = _ext_value(resource, c.EXT_HISTOLOGY, "valueCodeableConcept")
        if isinstance(histology, dict):
            text = histology.get("text") or next(
                (x.get("display") for x in _codings(histology) if x.get("display")), None
            )
            if text:
                cancer["histology"] = text
        onset = _date(resource.get("onsetDateTime"))
        if onset:
            cancer["diagnosis_date"] = onset.isoformat()
        stage = (resource.get("stage") or [{}])[0].get("summary")
        if isinstance(stage, dict):
            text = stage.get("text") or next(
                (x.get("display") or x.get("code") for x in _codings(stage)), None
            )
            if text:
                cancer["stage_at_diagnosis"] = str(text)[:20]
        timing = _ext_value(resource, c.EXT_METASTASIS_TIMING, "valueCode")
        if timing:
            cancer["metastases_timing"] = timing
        sidedness = _ext_value(resource, c.EXT_SIDEDNESS, "valueCode")
        if sidedness:
            cancer["sidedness"] = sidedness
        self.cancer = cancer
        self.primary_tumour = cr.primary_tumour(self, index, resource)
        return index, resource, secondaries

    @staticmethod
    def body_site(concept: Any) -> Site | None:
        for x in _codings(concept):
            site = c.site_from_body_code(x.get("system"), x.get("code"))
            if site is not None:
                return site
        return None

    # --- lesions ------------------------------------------------------------------------------
    def tumors(self, primary_index: int, secondaries: dict[int, Site]) -> dict[int, JSON]:
        tumors: dict[int, JSON] = {}
        for index, resource in self.of_type("BodyStructure"):
            if c.PROFILE["rt_volume"] in _profiles(resource):
                continue
            self.used.add(index)
            identifiers = [x for x in resource.get("identifier", []) if x.get("value")]
            ours = [x["value"] for x in identifiers if x.get("system") == c.LESION_ID_SYSTEM]
            lesion_id = (ours or [x["value"] for x in identifiers] or [None])[0]
            if lesion_id is None:
                lesion_id = resource.get("id") or f"entry-{index}"
                self.skip(
                    index,
                    "Tumor has no identifier: its resource id is used as lesion id",
                    kind=Disposition.ASSUMED,
                )
            related = self.link(
                index,
                _ext_value(resource, c.EXT_RELATED_CONDITION, "valueReference"),
                ("extension", _ext_index(resource, c.EXT_RELATED_CONDITION) or 0, "valueReference"),
                ("Condition",),
                "the lesion is read as a metastasis, its site from its location",
            )
            site = self.body_site(resource.get("location"))
            if site is None and related in secondaries:
                site = secondaries[related]
            if site is None:
                self.skip(
                    index,
                    "tumor location not recognised: site recorded as 'other'",
                    "location",
                    kind=Disposition.ASSUMED,
                )
                site = Site.OTHER
            lesion: JSON = {
                "id": str(lesion_id),
                "site": site.value,
                "primary": related == primary_index,
                "is_lymph_node": _ext_value(resource, c.EXT_LYMPH_NODE, "valueBoolean")
                if _ext(resource, c.EXT_LYMPH_NODE)
                else site == Site.LYMPH_NODE,
                "target": bool(_ext_value(resource, c.EXT_TARGET, "valueBoolean")),
                "measurements": {},
            }
            if resource.get("description"):
                lesion["location"] = str(resource["description"])[:200]
            for url, key, field in (
                (c.EXT_MEASURABLE, "valueBoolean", "measurable"),
                (c.EXT_EQUIVOCAL, "valueBoolean", "equivocal"),
                (c.EXT_LUNG_ZONE, "valueCode", "lung_zone"),
                (c.EXT_SYMPTOMATIC, "valueBoolean", "symptomatic"),
            ):
                value = _ext_value(resource, url, key)
                if value is not None:
                    lesion[field] = value
            organs = [e.get("valueCode") for e in _ext(resource, c.EXT_ADJACENT_ORGAN)]
            if organs:
                lesion["adjacent_organs"] = organs
            lesion.update(cr.lesion_extras(self, index, resource))
            tumors[index] = self.origin(lesion, index)
        return tumors

    def measurements(self, tumors: dict[int, JSON]) -> None:
        for index, resource in self.of_type("Observation"):
            code = resource.get("code")
            is_size = _has(code, c.TUMOR_SIZE)
            is_status = _has(code, c.Code(c.LOCAL_OBSERVATION, "lesion-status", ""))
            if not (is_size or is_status):
                continue
            self.used.add(index)
            if not self.active(index, resource):
                continue
            label = "tumour size" if is_size else "lesion status"
            focus = resource.get("focus") or []
            if not focus:
                self.skip(index, f"{label} without a focus on a Tumor: left out", "focus")
                continue
            tumor = self.link(
                index, focus[0], ("focus", 0), ("BodyStructure",), f"the {label} is left out"
            )
            if tumor is None:
                continue
            if tumor not in tumors:
                self.skip(
                    index,
                    f"{label} whose focus is a radiotherapy volume, not a Tumor: left out",
                    "focus",
                    0,
                    "reference",
                )
                continue
            day = _date(resource.get("effectiveDateTime")) or _date(
                (resource.get("effectivePeriod") or {}).get("start")
            )
            if day is None:
                where = "effectivePeriod" if "effectivePeriod" in resource else "effectiveDateTime"
                self.skip(
                    index,
                    f"{label} without an effective date (year-month-day): left out, as a "
                    "measurement without a date cannot be placed on the lesion's timeline",
                    where,
                )
                continue
            m: JSON = self.origin({"date": day.isoformat()}, index)
            if is_size:
                m["diameter_mm"] = self.longest_mm(index, resource)
                status = _ext_value(resource, c.EXT_LESION_STATUS, "valueCode")
                if status:
                    m["status"] = status
            else:
                value = next(
                    (
                        x.get("code")
                        for x in _codings(resource.get("valueCodeableConcept"))
                        if x.get("system") == c.LOCAL_LESION_STATUS
                    ),
                    None,
                )
                if value not in {s.value for s in LesionObservation}:
                    self.skip(
                        index, "lesion status not recognised: left out", "valueCodeableConcept"
                    )
                    continue
                m["status"] = value
            m.update(cr.measurement_extras(resource))
            series = tumors[tumor]["measurements"]
            if day in series:
                raise _fail(
                    self.ptr(index, "effectiveDateTime"),
                    f"a second measurement of lesion {tumors[tumor]['id']!r} on {day}",
                )
            series[day] = m

    def longest_mm(self, index: int, resource: JSON) -> float:
        for k, component in enumerate(resource.get("component", [])):
            if not _has(component.get("code"), c.TUMOR_LONGEST_DIMENSION):
                continue
            quantity = component.get("valueQuantity")
            if not isinstance(quantity, dict) or quantity.get("value") is None:
                raise _fail(self.ptr(index, "component", k, "valueQuantity"), "a size is required")
            unit = quantity.get("code") or quantity.get("unit")
            field = "code" if quantity.get("code") else "unit"
            if quantity.get("code") and quantity.get("system") not in (None, c.UCUM):
                raise _fail(
                    self.ptr(index, "component", k, "valueQuantity", "system"),
                    f"tumor size units must be UCUM ({c.UCUM})",
                )
            if unit not in c.SIZE_UNITS_TO_MM:
                raise _fail(
                    self.ptr(index, "component", k, "valueQuantity", field),
                    f"tumor size unit {unit!r} is not one of mm, cm (mCODE TumorSizeUnitsVS)",
                )
            value = float(quantity["value"]) * c.SIZE_UNITS_TO_MM[str(unit)]
            if value < 0:
                raise _fail(
                    self.ptr(index, "component", k, "valueQuantity", "value"), "negative size"
                )
            return round(value, 3)
        raise _fail(
            self.ptr(index, "component"),
            "TumorSize needs a longest-dimension component "
            f"(LOINC {c.TUMOR_LONGEST_DIMENSION.code})",
        )

    # --- patient-level observations -------------------------------------------------------
    def ecog(self) -> int | None:
        found: list[tuple[dt.date, int]] = []
        for index, resource in self.of_type("Observation"):
            if not _has(resource.get("code"), c.ECOG):
                continue
            self.used.add(index)
            if not self.active(index, resource):
                continue
            value = resource.get("valueInteger")
            if not isinstance(value, int) or not 0 <= value <= 5:
                raise _fail(self.ptr(index, "valueInteger"), "ECOG needs an integer 0-5")
            if value == 5:
                self.skip(
                    index,
                    "ECOG 5 (dead) is not a case oligoguide assesses: left out",
                    "valueInteger",
                )
                continue
            day = _date(resource.get("effectiveDateTime")) or dt.date.min
            found.append((day, value))
        return max(found)[1] if found else None

    def biomarkers(self) -> list[JSON]:
        out: list[JSON] = []
        local = {b.value for b in BiomarkerName}
        for index, resource in self.of_type("Observation"):
            code = resource.get("code")
            name: BiomarkerName | None = None
            if _has(code, c.GENETIC_VARIANT_ASSESSMENT):
                self.used.add(index)
                for component in resource.get("component", []):
                    if _has(component.get("code"), c.GENE_STUDIED):
                        name = self.gene(component.get("valueCodeableConcept"))
                if name is None:
                    self.skip(
                        index,
                        "gene not in oligoguide's biomarker list",
                        "component",
                        kind=Disposition.NOT_USED,
                    )
                    continue
            else:
                for x in _codings(code):
                    if x.get("system") == c.LOINC:
                        name = next(
                            (n for n, t in c.MARKER_TESTS.items() if t.code == x.get("code")),
                            c.MARKER_ALIASES.get(str(x.get("code"))),
                        )
                    elif x.get("system") == c.LOCAL_BIOMARKER and x.get("code") in local:
                        name = BiomarkerName(x["code"])
                    if name:
                        break
                if name is None:
                    continue
                self.used.add(index)
            if not self.active(index, resource):
                continue
            status = self.marker_status(resource.get("valueCodeableConcept"))
            if status is None:
                self.skip(
                    index, "biomarker result not recognised: left out", "valueCodeableConcept"
                )
                continue
            marker: JSON = {"name": name.value, "status": status.value}
            day = _date(resource.get("effectiveDateTime"))
            if day:
                marker["date"] = day.isoformat()
            notes = [n.get("text") for n in resource.get("note", []) if n.get("text")]
            if notes:
                marker["detail"] = str(notes[0])[:200]
            out.append(self.origin(marker, index))
        return out

    @staticmethod
    def gene(concept: Any) -> BiomarkerName | None:
        symbols = {symbol: name for name, (_, symbol) in c.GENES.items()}
        ids = {hgnc: name for name, (hgnc, _) in c.GENES.items()}
        symbols["ERBB2"] = BiomarkerName.HER2
        ids["HGNC:3430"] = BiomarkerName.HER2
        for x in _codings(concept):
            code = str(x.get("code") or "")
            if x.get("system") == c.HGNC and (code in ids or f"HGNC:{code}" in ids):
                return ids.get(code) or ids[f"HGNC:{code}"]
            if x.get("display") in symbols:
                return symbols[str(x["display"])]
        text = (concept or {}).get("text") if isinstance(concept, dict) else None
        return symbols.get(str(text)) if text else None

    @staticmethod
    def marker_status(concept: Any) -> BiomarkerStatus | None:
        for x in _codings(concept):
            code = x.get("code")
            if x.get("system") == c.LOINC:
                if code in (c.VARIANT_PRESENT.code, c.MARKER_POSITIVE.code):
                    return BiomarkerStatus.POSITIVE
                if code in (c.VARIANT_ABSENT.code, c.MARKER_NEGATIVE.code):
                    return BiomarkerStatus.NEGATIVE
            if x.get("system") == c.LOCAL_BIOMARKER_STATUS and code in {
                s.value for s in BiomarkerStatus
            }:
                return BiomarkerStatus(code)
        return None

    # --- treatments ---------------------------------------------------------------------------
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

    def therapies(self) -> list[JSON]:
        groups: dict[str, list[tuple[int, JSON]]] = defaultdict(list)
        doses = cr.administrations(self)
        for index, resource in self.of_type("MedicationRequest", "MedicationAdministration"):
            if index in self.used:  # an administration read as a last dose
                continue
            self.used.add(index)
            if not self.active(index, resource):
                continue
            timing = ((resource.get("dosageInstruction") or [{}])[0].get("timing") or {}).get(
                "repeat"
            ) or {}
            period = timing.get("boundsPeriod") or resource.get("effectivePeriod") or {}
            start = (
                _date(period.get("start"))
                or _date(resource.get("effectiveDateTime"))
                or _date(resource.get("authoredOn"))
            )
            if start is None:
                self.skip(index, "medication without a start date (period or authoredOn): left out")
                continue
            end = _date(period.get("end"))
            name, atc = self.agent(index, resource)
            if name is None and atc is None:
                self.skip(index, "medication without a name or code: left out")
                continue
            group = (resource.get("groupIdentifier") or {}).get("value") or f"{start}|{end}"
            groups[str(group)].append(
                (index, {**resource, "_start": start, "_end": end, "_name": name, "_atc": atc})
            )
        out: list[JSON] = []
        for members in groups.values():
            agents: list[str] = []
            classes: list[str] = []
            unclassed: list[tuple[int, str]] = []
            for index, r in members:
                agents.append(r["_name"] or r["_atc"])
                explicit = [
                    str(e["valueCode"]) for e in _ext(r, _REGIMEN_CLASS_EXT) if e.get("valueCode")
                ]
                klass = c.therapy_class(r["_name"], r["_atc"])
                found = explicit or ([klass.value] if klass else [])
                if not found:
                    unclassed.append((index, str(r["_name"] or r["_atc"])))
                classes += [k for k in found if k not in classes]
            for index, agent in unclassed:
                if classes:  # the regimen is classed by its other agents
                    self.skip(
                        index,
                        f"therapy class of {agent!r} unknown: the regimen is classed by its "
                        "other agents",
                        kind=Disposition.ASSUMED,
                    )
                else:
                    self.skip(index, f"therapy class of {agent!r} unknown: the regimen is left out")
            first = members[0][1]
            if not classes:
                continue
            therapy: JSON = {
                "agents": list(dict.fromkeys(agents)),
                "classes": classes,
                "start": min(r["_start"] for _, r in members).isoformat(),
            }
            ends = [r["_end"] for _, r in members]
            if all(ends):
                therapy["end"] = max(e for e in ends if e).isoformat()
            line = _ext_value(first, c.EXT_LINE, "valueInteger")
            if line is not None:
                therapy["line"] = line
            best = _ext_value(first, c.EXT_BEST_RESPONSE, "valueCode")
            if best is not None:
                therapy["best_response"] = best
            given = cr.last_doses(self, [d for i, _ in members for d in doses.get(i, [])])
            if given:
                therapy["last_doses"] = given
            out.append(self.origin(therapy, members[0][0]))
        return out

    def local_treatments(self, tumors: dict[int, JSON]) -> list[JSON]:
        lesion_by_identifier = {t["id"]: t["id"] for t in tumors.values()}
        out: list[JSON] = []
        self.prior_rt: list[JSON] = []
        for index, resource in self.of_type("Procedure"):
            self.used.add(index)
            if not self.active(index, resource):
                continue
            self.procedure_links(index, resource)
            rt_course = _has(resource.get("code"), c.RT_COURSE) or c.PROFILE[
                "rt_course"
            ] in _profiles(resource)
            if rt_course and cr.is_prior_rt(self, resource, tumors):
                self.prior_rt.append(cr.prior_radiotherapy(self, index, resource, self.body_site))
                continue
            local_code = (_ext_value(resource, _LOCAL_MODALITY_EXT, "valueCoding") or {}).get(
                "code"
            )
            code_local = next(
                (
                    x.get("code")
                    for x in _codings(resource.get("code"))
                    if x.get("system") == c.LOCAL_MODALITY
                ),
                None,
            )
            modality_code = local_code or code_local
            is_rt = rt_course
            day = _date((resource.get("performedPeriod") or {}).get("start")) or _date(
                resource.get("performedDateTime")
            )
            if day is None:
                self.skip(index, "procedure without a performed date: left out")
                continue
            target = self.resolve(
                _ext_value(resource, c.EXT_TARGET_BODY_STRUCTURE, "valueReference")
            )
            if modality_code in {m.value for m in LocalModality}:
                modality = LocalModality(str(modality_code))
            elif is_rt:
                modality = LocalModality.CONVENTIONAL_RT
                self.skip(
                    index,
                    "radiotherapy technique not stated: recorded as conventional_rt "
                    "(the lesion counts as irradiated)",
                    kind=Disposition.ASSUMED,
                )
            else:
                self.skip(
                    index,
                    "procedure is not a local treatment oligoguide knows",
                    "code",
                    kind=Disposition.NOT_USED,
                )
                continue
            doses = _ext(resource, c.EXT_RT_DOSE) if is_rt else []
            if not doses:
                doses = [{}]
            for dose in doses:
                lesion = None
                parts = cr.dose_parts(dose)
                volume = self.resolve((parts.get("volume") or {}).get("valueReference"))
                if volume is not None:
                    self.used.add(volume)
                    if volume in tumors:
                        lesion = tumors[volume]["id"]
                    else:
                        vol = self.bundle["entry"][volume]["resource"]
                        for x in vol.get("identifier", []):
                            lesion = lesion or lesion_by_identifier.get(x.get("value"))
                if lesion is None and target in tumors:
                    lesion = tumors[target]["id"]
                if lesion is None:
                    self.skip(
                        index, "local treatment not tied to a tracked lesion (Tumor): left out"
                    )
                    continue
                treatment: JSON = {
                    "lesion_id": lesion,
                    "modality": modality.value,
                    "date": day.isoformat(),
                }
                if dose:
                    treatment.update(cr.dose_values(self, index, resource, dose))
                out.append(self.origin(treatment, index))
        return out

    def procedure_links(self, index: int, resource: JSON) -> None:
        """Report a Procedure's lesion references that point to nothing (the treatment may
        still be tied to its lesion by the other one; if not, it is reported again)."""
        target = _ext_index(resource, c.EXT_TARGET_BODY_STRUCTURE)
        if target is not None:
            self.link(
                index,
                resource["extension"][target].get("valueReference"),
                ("extension", target, "valueReference"),
                ("BodyStructure",),
                "the treated lesion is not known from it",
            )
        for k, dose in enumerate(resource.get("extension", [])):
            if dose.get("url") != c.EXT_RT_DOSE:
                continue
            for j, part in enumerate(dose.get("extension", [])):
                if part.get("url") == "volume":
                    self.link(
                        index,
                        part.get("valueReference"),
                        ("extension", k, "extension", j, "valueReference"),
                        ("BodyStructure",),
                        "the treated volume is not known from it",
                    )

    def imaging(self) -> list[JSON]:
        report_dates: dict[int, dt.date] = {}
        reports: dict[int, JSON] = {}
        for index, resource in self.of_type("DiagnosticReport"):
            self.used.add(index)
            given = resource.get("imagingStudy", [])
            studies = [
                self.link(
                    index,
                    ref,
                    ("imagingStudy", n),
                    ("ImagingStudy",),
                    "the report's date and findings are left out",
                )
                for n, ref in enumerate(given)
            ]
            day = _date(resource.get("effectiveDateTime"))
            if not given:
                self.skip(
                    index,
                    "report without an ImagingStudy: modality and regions unknown, left out",
                    kind=Disposition.NOT_USED,
                )
            for study in studies:
                if study is not None:
                    reports.setdefault(study, resource)
                if study is not None and day is not None:
                    report_dates[study] = day
        regions = {code.code: region for region, code in c.REGION_CODES.items()}
        out: list[JSON] = []
        for index, resource in self.of_type("ImagingStudy"):
            self.used.add(index)
            if not self.active(index, resource):
                continue
            series = resource.get("series", [])
            dicom = {str(x.get("code")) for x in resource.get("modality", [])}
            dicom |= {str((s.get("modality") or {}).get("code")) for s in series}
            modality = c.imaging_modality_from_dicom(dicom)
            found: list[BodyRegion] = []
            for s in series:
                site = s.get("bodySite") or {}
                if site.get("system") == c.SNOMED and site.get("code") in regions:
                    region = regions[str(site["code"])]
                    if region not in found:
                        found.append(region)
            day = _date(resource.get("started")) or report_dates.get(index)
            if modality is None or not found or day is None:
                self.skip(index, "imaging study without a known modality, region or date: left out")
                continue
            if modality.value == "bone_scan":
                self.skip(
                    index,
                    "nuclear-medicine study read as a bone scan",
                    "modality",
                    kind=Disposition.ASSUMED,
                )
            read: JSON = {
                "date": day.isoformat(),
                "modality": modality.value,
                "regions": [r.value for r in found],
            }
            read.update(cr.imaging_extras(resource, reports.get(index)))
            out.append(self.origin(read, index))
        return out

    def forget_unknown_lesions(self, case: JSON) -> None:
        """Records that name a lesion the case does not hold (left out, or never in the
        Bundle) lose that link, reported at their entry."""
        known = {lesion["id"] for lesion in case["lesions"]}
        known |= {group["id"] for group in case.get("lesion_groups", [])}
        for index, record, field in self.mentions:
            value = record.get(field)
            named = [value] if isinstance(value, str) else list(value or [])
            unknown = [x for x in named if x not in known]
            if not unknown:
                continue
            self.skip(
                index,
                f"names lesion(s) {', '.join(map(repr, unknown))}, not in the case: "
                "that link is left out",
            )
            if isinstance(value, str):
                del record[field]
            else:
                record[field] = [x for x in named if x in known]
                if not record[field]:
                    del record[field]

    def leftovers(self) -> None:
        for index, resource in self.entries:
            if index in self.used:
                continue
            kind = str(resource.get("resourceType"))
            if kind in ADMINISTRATIVE:
                self.skip(
                    index,
                    f"{kind}: administrative, no clinical finding oligoguide reads",
                    kind=Disposition.EXCLUDED,
                )
                continue
            coding = next(iter(_codings(resource.get("code"))), None)
            what = (
                f"{kind} with code {coding.get('code')} ({coding.get('system')})"
                if coding
                else kind
            )
            self.skip(index, f"{what} is not used by oligoguide", kind=Disposition.NOT_USED)


def _case_id(bundle: JSON, reader: _Reader, secret: bytes) -> str:
    identifier = bundle.get("identifier") or {}
    if identifier.get("value"):
        return str(identifier["value"])
    if reader.patient_key is None:
        # Every such Patient would share one key, so one case would mix patients.
        raise _fail(
            "/identifier",
            "the Bundle has no case identifier and its Patient neither an identifier nor an id",
        )
    return case_key(reader.patient_key, secret)


def bundle_to_case(
    data: Any, *, case_key_secret: bytes = LOCAL_CASE_KEY_SECRET, lenient: bool = False
) -> BundleReading:
    """Read a FHIR R4 Bundle (parsed JSON) into a Case plus what could not be mapped.

    The case id is `Bundle.identifier.value`; without one it is a pseudonym of the patient made
    with `case_key_secret` (see case_key.py), never the patient's own id. A service passes its
    deployment secret; the default is a public constant, fine for local use only.

    Strict by default: a Bundle holding anything the case would be read without (see
    `Disposition`, `LEFT_OUT`) is refused, every such item named by its pointer. `lenient=True`
    reads the rest and lists every item in `BundleReading.unmapped` and `.warnings`.
    """
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise _fail("/resourceType", "a FHIR Bundle is expected")
    if data.get("type") not in BUNDLE_TYPES:
        raise _fail("/type", f"Bundle type must be one of {', '.join(sorted(BUNDLE_TYPES))}")
    known, unknown = unknown_types(data)
    check_json_types(known)
    bundle = validate_bundle(known)
    reader = _Reader(bundle, unknown)
    try:
        case = _read(reader, bundle, case_key_secret)
    except CaseInputError as error:
        # What was set aside first (a primary cancer of another patient, say) may be the cause.
        raise CaseInputError([*_issues(reader.unmapped, lenient), *error.issues]) from None
    if not lenient and (left := [u for u in reader.unmapped if u.kind in LEFT_OUT]):
        raise CaseInputError(_issues(left, lenient))
    try:
        built = case_from_data(case)
    except CaseInputError as error:
        raise CaseInputError([_in_bundle(i, case, reader.origins) for i in error.issues]) from None
    return BundleReading(built, tuple(reader.unmapped), lenient)


def _in_bundle(issue: InputIssue, case: JSON, origins: dict[int, int]) -> InputIssue:
    """A refusal of the case read from the Bundle, pointed at the entry it was read from
    (where the record is known), else at the Bundle."""
    where: dict[str, int] = {}
    stack: list[tuple[Any, str]] = [(case, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            if id(node) in origins:
                where[pointer] = origins[id(node)]
            stack.extend((v, f"{pointer}/{k}") for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{pointer}/{k}") for k, v in enumerate(node))
    found = max(
        (p for p in where if issue.pointer == p or issue.pointer.startswith(p + "/")),
        key=len,
        default=None,
    )
    read_as = f"the case read from the Bundle is invalid at {issue.pointer or '/'}"
    if found is None:
        return InputIssue("", f"{read_as}: {issue.message}")
    return InputIssue(f"/entry/{where[found]}/resource", f"{issue.message} ({read_as})")


def _issues(items: list[Unmapped], lenient: bool) -> list[InputIssue]:
    hint = (
        ""
        if lenient
        else ". Refused rather than read without it: correct the record, or import leniently "
        "(the assessment then lists it and is made without it)"
    )
    return [
        InputIssue(u.pointer, f"{u.resource}: {u.reason}{hint}")
        for u in items
        if u.kind in LEFT_OUT
    ]


def _read(reader: _Reader, bundle: JSON, case_key_secret: bytes) -> JSON:
    """The case as plain JSON for `case_from_data`; what is left out is in `reader.unmapped`."""
    patient = reader.patient()
    check_subjects(reader)
    primary_index, _, secondaries = reader.conditions()
    tumors = reader.tumors(primary_index, secondaries)
    reader.measurements(tumors)
    cr.lesion_observations(reader, tumors)
    ecog = reader.ecog()
    if ecog is not None:
        patient["ecog"] = ecog
    cancer = reader.cancer
    markers = reader.biomarkers()
    if markers:
        cancer["biomarkers"] = markers
    lesions = []
    for index, lesion in list(tumors.items()):
        series = lesion.pop("measurements")
        if not series:
            reader.skip(index, "tracked lesion without any measurement: left out")
            del tumors[index]  # so that nothing is tied to it
            continue
        lesion["measurements"] = [series[d] for d in sorted(series)]
        lesions.append(lesion)
    case: JSON = {
        "case_id": _case_id(bundle, reader, case_key_secret),
        "patient": {k if k != "birthDate" else "birth_date": v for k, v in patient.items()},
        "cancer": cancer,
        "systemic_therapies": reader.therapies(),
        "local_treatments": reader.local_treatments(tumors),
        "lesions": lesions,
        "imaging": reader.imaging(),
        "prior_treatment_lines": cr.prior_lines(reader),
        "prior_radiotherapy": reader.prior_rt,
        **crp.read_context(reader, reader.body_site),
    }
    if reader.primary_tumour is not None:
        case["primary_tumour"] = reader.primary_tumour
    for key, value in reader.case_extras.items():
        if value is not None:
            case[key] = value
    reader.forget_unknown_lesions(case)
    reader.leftovers()
    return case
