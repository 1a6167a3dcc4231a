"""The FHIR reader's imaging studies (a part of the reader in `read.py`): ImagingStudy and the
DiagnosticReports that date them and give their findings. The DICOM SR measurement reports an
ImagingStudy links to are read by `read_imaging_sr.py`."""

from __future__ import annotations

import datetime as dt

from oligoguide.fhir import codes as c
from oligoguide.fhir import context_read as cr
from oligoguide.fhir._read_util import _date
from oligoguide.fhir._util import JSON
from oligoguide.fhir.read_imaging_sr import is_sr_study
from oligoguide.fhir.read_treatments import _TreatmentReader
from oligoguide.fhir.reading import Disposition
from oligoguide.model.vocab import BodyRegion


class _ImagingReader(_TreatmentReader):
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
            if modality is None and is_sr_study(resource):
                continue  # a study of measurement reports only: read_imaging_sr reads it
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
