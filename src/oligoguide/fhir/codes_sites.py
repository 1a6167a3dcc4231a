"""Lesion sites and primary cancers: their codes (SNOMED CT, ICD-10) and the lookups back.

Each code was verified against a public source (abbreviations as in `codes.py`: MCODE-VS,
LEUVEN, FACTS). Re-exported by `codes.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from oligoguide.fhir.code_systems import (
    ICD10,
    ICD10_CM,
    LOCAL_PRIMARY,
    LOCAL_SITE,
    SNOMED,
    Code,
    icd,
    sct,
)
from oligoguide.fhir.icd10_sites import site_from_icd10
from oligoguide.model.vocab import PrimarySite, Site


@dataclass(frozen=True)
class SiteCodes:
    """Codes of one lesion site: where it is (body structure) and its metastasis disorder."""

    body: Code | None
    secondary_snomed: Code | None = None
    secondary_icd10: Code | None = None


#: Site -> codes. None where no verified code exists: such sites are written with LOCAL_SITE.
SITE_CODES: dict[Site, SiteCodes] = {
    Site.LUNG: SiteCodes(
        sct("39607008", "Lung structure (body structure)"),
        sct("94391008", "Secondary malignant neoplasm of lung (disorder)"),
        icd("C78.0", "Secondary malignant neoplasm of lung"),
    ),
    Site.LIVER: SiteCodes(
        sct("10200004", "Liver structure (body structure)"),
        sct("94381002", "Secondary malignant neoplasm of liver (disorder)"),
        icd("C78.7", "Secondary malignant neoplasm of liver and intrahepatic bile duct"),
    ),
    Site.BRAIN: SiteCodes(
        sct("12738006", "Brain structure (body structure)"),
        sct("94225005", "Secondary malignant neoplasm of brain (disorder)"),
        icd("C79.3", "Secondary malignant neoplasm of brain and cerebral meninges"),
    ),
    Site.BONE: SiteCodes(
        sct("272673000", "Bone structure (body structure)"),
        sct("94222008", "Secondary malignant neoplasm of bone (disorder)"),
        icd("C79.5", "Secondary malignant neoplasm of bone and bone marrow"),
    ),
    Site.SPINE: SiteCodes(
        sct("44300000", "Entire vertebral column (body structure)"),
        sct("94222008", "Secondary malignant neoplasm of bone (disorder)"),
        icd("C79.5", "Secondary malignant neoplasm of bone and bone marrow"),
    ),
    Site.ADRENAL: SiteCodes(
        sct("23451007", "Adrenal structure (body structure)"),
        sct("94161006", "Secondary malignant neoplasm of adrenal gland (disorder)"),
        icd("C79.7", "Secondary malignant neoplasm of adrenal gland"),
    ),
    Site.LYMPH_NODE: SiteCodes(
        sct("59441001", "Structure of lymph node (body structure)"),
        None,
        icd("C77.9", "Secondary and unspecified malignant neoplasm of lymph node, unspecified"),
    ),
    Site.PLEURA: SiteCodes(
        sct("3120008", "Pleural structure (body structure)"),
        sct("94493005", "Secondary malignant neoplasm of pleura (disorder)"),
        icd("C78.2", "Secondary malignant neoplasm of pleura"),
    ),
    Site.PERITONEUM: SiteCodes(
        sct("15425007", "Structure of serous membrane of peritoneum (body structure)"),
        None,
        icd("C78.6", "Secondary malignant neoplasm of retroperitoneum and peritoneum"),
    ),
    Site.KIDNEY: SiteCodes(sct("64033007", "Kidney structure (body structure)")),
    Site.PANCREAS: SiteCodes(sct("15776009", "Pancreatic structure (body structure)")),
    Site.SOFT_TISSUE: SiteCodes(sct("87784001", "Soft tissues (body structure)")),
    Site.SKIN: SiteCodes(sct("39937001", "Skin structure (body structure)")),
    Site.OVARY: SiteCodes(sct("15497006", "Ovarian structure (body structure)")),
    Site.BREAST: SiteCodes(sct("181131000", "Entire breast (body structure)")),
    Site.PROSTATE: SiteCodes(sct("181422007", "Entire prostate (body structure)")),
    Site.COLORECTUM: SiteCodes(None),
    # ICD-10-CM only (C79.32, in mCODE SecondaryCancerDisorderVS); its body site stays local.
    Site.LEPTOMENINGES: SiteCodes(
        None,
        None,
        Code(ICD10_CM, "C79.32", "Secondary malignant neoplasm of cerebral meninges"),
    ),
    Site.PERICARDIUM: SiteCodes(None),
    Site.SPLEEN: SiteCodes(None),
    Site.OTHER: SiteCodes(None),
}

#: Extra body-structure codes a sender may use for a site (read only; verified in MCODE-VS).
SITE_ALIASES: dict[str, Site] = {
    "181216001": Site.LUNG,  # Entire lung
    "71854001": Site.COLORECTUM,  # Colon structure
    "34402009": Site.COLORECTUM,  # Rectum structure
}


def site_from_body_code(system: str | None, code: str | None) -> Site | None:
    if system == LOCAL_SITE and code is not None:
        try:
            return Site(code)
        except ValueError:
            return None
    if system != SNOMED or code is None:
        return None
    if code in SITE_ALIASES:
        return SITE_ALIASES[code]
    for site, codes in SITE_CODES.items():
        if codes.body is not None and codes.body.code == code:
            # Bone and spine share no body code, lung has one: the first match is exact.
            return site
    return None


def site_from_secondary_code(system: str | None, code: str | None) -> Site | None:
    """Site of a SecondaryCancerCondition code (SNOMED or ICD-10, C77.x -> lymph node)."""
    if code is None:
        return None
    if system == ICD10 or (system or "").startswith("http://hl7.org/fhir/sid/icd-10"):
        return site_from_icd10(code)
    if system == SNOMED:
        for site in (Site.LUNG, Site.LIVER, Site.BRAIN, Site.BONE, Site.ADRENAL, Site.PLEURA):
            snomed = SITE_CODES[site].secondary_snomed
            if snomed is not None and snomed.code == code:
                return site
    return None


# --- primary cancers (SNOMED seen in mCODE and FHIR example repositories; ICD-10 FACTS) ----------
PRIMARY_CODES: dict[PrimarySite, Code | None] = {
    PrimarySite.NSCLC: sct("254637007", "Non-small cell lung cancer (disorder)"),
    PrimarySite.SCLC: sct("254632001", "Small cell carcinoma of lung (disorder)"),
    PrimarySite.BREAST: sct("254837009", "Malignant neoplasm of breast (disorder)"),
    PrimarySite.COLORECTAL: sct("363510005", "Malignant tumor of large intestine (disorder)"),
    PrimarySite.PROSTATE: sct("399068003", "Malignant tumor of prostate (disorder)"),
    PrimarySite.RENAL: sct("363518003", "Malignant tumor of kidney (disorder)"),
    PrimarySite.MELANOMA: sct("372244006", "Malignant melanoma (disorder)"),
    PrimarySite.OTHER: None,
}
#: Read-only extra SNOMED codes for primaries.
PRIMARY_ALIASES: dict[str, PrimarySite] = {
    "363406005": PrimarySite.COLORECTAL,  # Malignant tumor of colon
}
#: ICD-10 category prefixes of primaries (read only). C34 lung is ambiguous between NSCLC and
#: SCLC, so it is deliberately absent: such a Condition is reported as unmapped.
PRIMARY_ICD10_PREFIXES: dict[str, PrimarySite] = {
    "C18": PrimarySite.COLORECTAL,
    "C19": PrimarySite.COLORECTAL,
    "C20": PrimarySite.COLORECTAL,
    "C50": PrimarySite.BREAST,
    "C61": PrimarySite.PROSTATE,
    "C64": PrimarySite.RENAL,
    "C43": PrimarySite.MELANOMA,
}


def primary_from_code(system: str | None, code: str | None) -> PrimarySite | None:
    if code is None:
        return None
    if system == LOCAL_PRIMARY:
        try:
            return PrimarySite(code)
        except ValueError:
            return None
    if system == SNOMED:
        for site, known in PRIMARY_CODES.items():
            if known is not None and known.code == code:
                return site
        return PRIMARY_ALIASES.get(code)
    if (system or "").startswith("http://hl7.org/fhir/sid/icd-10"):
        return PRIMARY_ICD10_PREFIXES.get(code.upper()[:3])
    return None
