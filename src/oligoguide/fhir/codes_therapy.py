"""Systemic therapy classes of drugs and regimens, by name or ATC code (never guessed).

Plain pharmacology; ATC groups from the WHO Collaborating Centre index (WHOCC in `codes.py`).
Re-exported by `codes.py`.
"""

from __future__ import annotations

from oligoguide.model.vocab import TherapyClass

# --- systemic therapy classes (plain pharmacology; ATC groups from WHOCC) ------------------------
#: Drug or regimen name (lower case) -> pharmacological classes oligoguide uses.
DRUG_CLASSES: dict[str, tuple[TherapyClass, ...]] = {
    # cytotoxic chemotherapy and regimens
    "folfox": (TherapyClass.CHEMOTHERAPY,),
    "folfiri": (TherapyClass.CHEMOTHERAPY,),
    "folfoxiri": (TherapyClass.CHEMOTHERAPY,),
    "capox": (TherapyClass.CHEMOTHERAPY,),
    "xelox": (TherapyClass.CHEMOTHERAPY,),
    "oxaliplatin": (TherapyClass.CHEMOTHERAPY,),
    "irinotecan": (TherapyClass.CHEMOTHERAPY,),
    "fluorouracil": (TherapyClass.CHEMOTHERAPY,),
    "5-fluorouracil": (TherapyClass.CHEMOTHERAPY,),
    "capecitabine": (TherapyClass.CHEMOTHERAPY,),
    "carboplatin": (TherapyClass.CHEMOTHERAPY,),
    "cisplatin": (TherapyClass.CHEMOTHERAPY,),
    "pemetrexed": (TherapyClass.CHEMOTHERAPY,),
    "docetaxel": (TherapyClass.CHEMOTHERAPY,),
    "paclitaxel": (TherapyClass.CHEMOTHERAPY,),
    "gemcitabine": (TherapyClass.CHEMOTHERAPY,),
    "etoposide": (TherapyClass.CHEMOTHERAPY,),
    # monoclonal antibodies against growth-factor targets (ATC L01F, not immune checkpoints)
    "panitumumab": (TherapyClass.ANTIBODY,),
    "cetuximab": (TherapyClass.ANTIBODY,),
    "bevacizumab": (TherapyClass.ANTIBODY,),
    "trastuzumab": (TherapyClass.ANTIBODY,),
    "pertuzumab": (TherapyClass.ANTIBODY,),
    # immune checkpoint inhibitors
    "pembrolizumab": (TherapyClass.IMMUNOTHERAPY,),
    "nivolumab": (TherapyClass.IMMUNOTHERAPY,),
    "atezolizumab": (TherapyClass.IMMUNOTHERAPY,),
    "durvalumab": (TherapyClass.IMMUNOTHERAPY,),
    "ipilimumab": (TherapyClass.IMMUNOTHERAPY,),
    "cemiplimab": (TherapyClass.IMMUNOTHERAPY,),
    # protein kinase inhibitors and other targeted agents (ATC L01E and CDK4/6 inhibitors)
    "osimertinib": (TherapyClass.TARGETED,),
    "gefitinib": (TherapyClass.TARGETED,),
    "erlotinib": (TherapyClass.TARGETED,),
    "afatinib": (TherapyClass.TARGETED,),
    "alectinib": (TherapyClass.TARGETED,),
    "brigatinib": (TherapyClass.TARGETED,),
    "lorlatinib": (TherapyClass.TARGETED,),
    "crizotinib": (TherapyClass.TARGETED,),
    "dabrafenib": (TherapyClass.TARGETED,),
    "trametinib": (TherapyClass.TARGETED,),
    "encorafenib": (TherapyClass.TARGETED,),
    "sotorasib": (TherapyClass.TARGETED,),
    "axitinib": (TherapyClass.TARGETED,),
    "cabozantinib": (TherapyClass.TARGETED,),
    "sunitinib": (TherapyClass.TARGETED,),
    "pazopanib": (TherapyClass.TARGETED,),
    "lenvatinib": (TherapyClass.TARGETED,),
    "palbociclib": (TherapyClass.TARGETED,),
    "ribociclib": (TherapyClass.TARGETED,),
    "abemaciclib": (TherapyClass.TARGETED,),
    # endocrine therapy (ATC L02)
    "letrozole": (TherapyClass.HORMONAL,),
    "anastrozole": (TherapyClass.HORMONAL,),
    "exemestane": (TherapyClass.HORMONAL,),
    "tamoxifen": (TherapyClass.HORMONAL,),
    "fulvestrant": (TherapyClass.HORMONAL,),
    "enzalutamide": (TherapyClass.HORMONAL,),
    "abiraterone": (TherapyClass.HORMONAL,),
    "apalutamide": (TherapyClass.HORMONAL,),
    "darolutamide": (TherapyClass.HORMONAL,),
    "leuprorelin": (TherapyClass.HORMONAL,),
    "goserelin": (TherapyClass.HORMONAL,),
    "degarelix": (TherapyClass.HORMONAL,),
}
#: ATC prefixes -> class, longest prefix first (WHOCC: L01E protein kinase inhibitors, L01FF
#: PD-1/PD-L1 inhibitors, L01F monoclonal antibodies, L01A-L01D cytotoxics, L02 endocrine).
ATC_PREFIXES: tuple[tuple[str, TherapyClass], ...] = (
    ("L01FF", TherapyClass.IMMUNOTHERAPY),
    ("L01E", TherapyClass.TARGETED),
    ("L01F", TherapyClass.ANTIBODY),
    ("L01A", TherapyClass.CHEMOTHERAPY),
    ("L01B", TherapyClass.CHEMOTHERAPY),
    ("L01C", TherapyClass.CHEMOTHERAPY),
    ("L01D", TherapyClass.CHEMOTHERAPY),
    ("L02", TherapyClass.HORMONAL),
)


def therapy_class(name: str | None, atc: str | None) -> TherapyClass | None:
    """The class of one agent by its ATC code, else its name; None when unknown (never guessed)."""
    if atc:
        for prefix, klass in ATC_PREFIXES:
            if atc.upper().startswith(prefix):
                return klass
    if name:
        found = DRUG_CLASSES.get(name.strip().lower())
        if found:
            return found[0]
    return None
