"""Site of a secondary-cancer ICD-10 / ICD-10-CM code, matched exactly (never by prefix).

The codes and their meanings are those of mCODE's SecondaryCancerDisorderVS (ICD-10-CM part, as
listed in the mCODE IG source, FHIR-32956). Prefix matching read C79.32 (cerebral meninges) as
brain and C79.52 (bone marrow) as bone: leptomeningeal disease is its own site with its own
management, and marrow involvement is not a bone lesion, so both are mapped exactly here
(C79.52 to no site: the reader reports it as not used). The WHO 4-character codes that cover two
places (C79.3 brain and cerebral meninges, C79.5 bone and bone marrow) keep their first meaning.
"""

from __future__ import annotations

from oligoguide.model.vocab import Site

_SITES: dict[Site, tuple[str, ...]] = {
    Site.LYMPH_NODE: (
        "C77",
        "C77.0",
        "C77.1",
        "C77.2",
        "C77.3",
        "C77.4",
        "C77.5",
        "C77.8",
        "C77.9",
    ),
    Site.LUNG: ("C78.0", "C78.00", "C78.01", "C78.02"),
    Site.PLEURA: ("C78.2",),
    Site.PERITONEUM: ("C78.6",),  # retroperitoneum and peritoneum
    Site.LIVER: ("C78.7",),  # liver and intrahepatic bile duct
    Site.KIDNEY: ("C79.0", "C79.00", "C79.01", "C79.02"),
    Site.SKIN: ("C79.2",),
    Site.BRAIN: ("C79.3", "C79.31"),
    Site.LEPTOMENINGES: ("C79.32",),  # cerebral meninges
    Site.BONE: ("C79.5", "C79.51"),
    Site.OVARY: ("C79.6", "C79.60", "C79.61", "C79.62"),
    Site.ADRENAL: ("C79.7", "C79.70", "C79.71", "C79.72"),
}
SITE_BY_ICD10: dict[str, Site] = {code: site for site, codes in _SITES.items() for code in codes}


def site_from_icd10(code: str) -> Site | None:
    """The site of an exact ICD-10(-CM) secondary-cancer code, or None (reported as not used)."""
    return SITE_BY_ICD10.get(code.strip().upper())
