"""The FHIR reader's patient-level observations and treatments (a part of the reader in
`read.py`): ECOG, biomarkers, medications and local treatments (imaging studies:
`read_imaging.py`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
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
from oligoguide.fhir.read_base import (
    _LOCAL_MODALITY_EXT,
    _REGIMEN_CLASS_EXT,
)
from oligoguide.fhir.read_disease import _DiseaseReader
from oligoguide.fhir.reading import Disposition
from oligoguide.model.vocab import (
    BiomarkerName,
    BiomarkerStatus,
    LocalModality,
)


class _TreatmentReader(_DiseaseReader):
    # --- patient-level observations -------------------------------------------------------
    def age(self) -> int | None:
        """An age Observation (LOINC 30525-0, years), for a patient without a birth date."""
        for index, resource in self.of_type("Observation"):
            if not _has(resource.get("code"), c.AGE):
                continue
            self.used.add(index)
            quantity = resource.get("valueQuantity")
            value = quantity.get("value") if isinstance(quantity, dict) else None
            unit = quantity.get("code") if isinstance(quantity, dict) else None
            if not isinstance(value, int) or isinstance(value, bool) or unit != "a":
                raise _fail(self.ptr(index, "valueQuantity"), "age needs whole years (UCUM 'a')")
            return value
        return None

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
