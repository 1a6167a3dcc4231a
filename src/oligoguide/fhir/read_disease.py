"""The FHIR reader's patient, cancer and lesions (a part of the reader in `read.py`): Patient,
primary and secondary Conditions, Tumors and their size Observations."""

from __future__ import annotations

from typing import Any

from oligoguide.fhir import codes as c
from oligoguide.fhir import context_read as cr
from oligoguide.fhir._read_util import (
    _codings,
    _date,
    _ext,
    _ext_index,
    _ext_value,
    _fail,
    _has,
    _profiles,
)
from oligoguide.fhir._util import JSON
from oligoguide.fhir.case_key import patient_key
from oligoguide.fhir.read_base import (
    _ReaderBase,
)
from oligoguide.fhir.reading import Disposition
from oligoguide.model.vocab import (
    LesionObservation,
    PrimarySite,
    Site,
)


class _DiseaseReader(_ReaderBase):
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
