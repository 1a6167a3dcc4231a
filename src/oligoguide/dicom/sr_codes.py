"""The code tables of the SR import: finding sites (SNOMED CT) -> Site, measurement names, units.

Every SNOMED CT code here was checked against the DICOM standard's own code tables (PS3.16) as
shipped by pydicom (`pydicom/sr/_concepts_dict.py`, generated from the standard) and, for the
anatomic regions, highdicom (`highdicom/_standard/anatomic_regions.json`, CID 4);
tests/test_dicom_sr.py checks each code and meaning against pydicom's table again. docs/dicom.md
lists them with their context groups. A code not in these tables is reported by name, never
guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from oligoguide.model.vocab import Site

SCT = "SCT"  # SNOMED CT, as DICOM designates it (older files: "SRT")
SNOMED_SCHEMES = frozenset({"SCT", "SRT", "SNM3"})
UCUM_SCHEMES = frozenset({"UCUM"})


@dataclass(frozen=True)
class SiteCode:
    site: Site
    meaning: str  # the DICOM code meaning
    cid: int  # a DICOM context group that lists the code (4 anatomic region, 7151 structure)
    lymph_node: bool = False


#: SNOMED CT finding-site codes -> the project's sites. Bones other than the spine -> bone;
#: spine and its segments -> spine; lymph nodes -> lymph_node with is_lymph_node set.
SITE_CODES: dict[str, SiteCode] = {
    "39607008": SiteCode(Site.LUNG, "Lung", 4),
    "10200004": SiteCode(Site.LIVER, "Liver", 4),
    "12738006": SiteCode(Site.BRAIN, "Brain", 4),
    "113305005": SiteCode(Site.BRAIN, "Cerebellum", 4),
    "272673000": SiteCode(Site.BONE, "Bone", 6202),
    "113197003": SiteCode(Site.BONE, "Rib", 4),
    "71341001": SiteCode(Site.BONE, "Femur", 4),
    "85050009": SiteCode(Site.BONE, "Humerus", 4),
    "22356005": SiteCode(Site.BONE, "Ilium", 4),
    "56873002": SiteCode(Site.BONE, "Sternum", 4),
    "51299004": SiteCode(Site.BONE, "Clavicle", 4),
    "79601000": SiteCode(Site.BONE, "Scapula", 4),
    "89546000": SiteCode(Site.BONE, "Skull", 4),
    "421060004": SiteCode(Site.SPINE, "Spine", 4),
    "122494005": SiteCode(Site.SPINE, "Cervical spine", 4),
    "122495006": SiteCode(Site.SPINE, "Thoracic spine", 4),
    "122496007": SiteCode(Site.SPINE, "Lumbar spine", 4),
    "23451007": SiteCode(Site.ADRENAL, "Adrenal gland", 4),
    "59441001": SiteCode(Site.LYMPH_NODE, "Lymph Node", 7151, lymph_node=True),
    "62683002": SiteCode(Site.LYMPH_NODE, "mediastinal lymph node", 7600, lymph_node=True),
    "3120008": SiteCode(Site.PLEURA, "Pleura", 7151),
    "15425007": SiteCode(Site.PERITONEUM, "Peritioneum", 7151),  # sic: the standard's spelling
    "76848001": SiteCode(Site.PERICARDIUM, "Pericardium", 7151),
    "64033007": SiteCode(Site.KIDNEY, "Kidney", 7151),
    "15776009": SiteCode(Site.PANCREAS, "Pancreas", 4),
    "78961009": SiteCode(Site.SPLEEN, "Spleen", 4),
    "39937001": SiteCode(Site.SKIN, "Skin", 7151),
    "15497006": SiteCode(Site.OVARY, "Ovary", 4),
    "76752008": SiteCode(Site.BREAST, "Breast", 4),
    "41216001": SiteCode(Site.PROSTATE, "Prostate", 4),
    "71854001": SiteCode(Site.COLORECTUM, "Colon", 4),
    "34402009": SiteCode(Site.COLORECTUM, "Rectum", 7151),
}


class Axis(StrEnum):
    LONG = "long"  # longest diameter: RECIST 1.1 for every lesion but lymph nodes
    SHORT = "short"  # short axis: RECIST 1.1 for lymph nodes


@dataclass(frozen=True)
class MeasurementCode:
    axis: Axis
    meaning: str
    rank: int  # when a group gives several long-axis values: the lowest rank is used


#: Linear measurements of DICOM CID 7470 (SNOMED CT) that are a RECIST diameter.
MEASUREMENT_CODES: dict[str, MeasurementCode] = {
    "103339001": MeasurementCode(Axis.LONG, "Long axis", 0),
    "81827009": MeasurementCode(Axis.LONG, "Diameter", 1),
    "410668003": MeasurementCode(Axis.LONG, "Length", 2),  # a ruler on the lesion (OHIF Length)
    "103340004": MeasurementCode(Axis.SHORT, "Short axis", 0),
}

#: UCUM length units (DICOM CID 7460 / 7063) -> millimetres per unit.
UNIT_TO_MM: dict[str, float] = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "um": 0.001}
