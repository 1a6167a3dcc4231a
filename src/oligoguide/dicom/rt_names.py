"""Structure names in an RTSTRUCT -> the organs at risk of the dose limit tables.

Names are compared case-blind with spaces, hyphens, dots and underscores removed, after a
laterality suffix (_L, _R, _Lt, _Rt, _Left, _Right) is set aside, so "SpinalCord",
"Spinal Cord", "spinal_cord" and "SPINAL-CORD" are one name. The standard names are those of
AAPM TG-263 (Mayo et al., Int J Radiat Oncol Biol Phys 2018;100(4):1057-1066,
doi:10.1016/j.ijrobp.2017.12.013), checked against the TG-263 primary names as listed in the
HL7 mCODE implementation guide's TG-263 concept map; the others are common local spellings.

Decisions (docs/dicom.md):
- A PRV or a margin expansion of an organ ("SpinalCord_PRV05", "cord_PRV", "PRV_Cord",
  "Cord+5mm") is *not* the organ: it is reported separately with its doses, never judged
  against the organ's limit (the TG-101 limits are for the organ itself).
- Targets (GTV, CTV, ITV, PTV...) and the body outline, couch and isocentre markers are
  listed as not organs at risk.
- A name that could mean two things is not guessed: "Lung" (one lung or both?), "Bronchus"
  (TG-263's bronchial tree: large or small airways?), one lung or one kidney's cortex (the lung
  and renal cortex limits are critical volumes of both organs together). They are listed with
  the reason. Every other unrecognised name is listed as unknown.
- Only organs with a left/right pair checked side by side accept a laterality suffix:
  brachial plexus, cochlea, optic nerve, main bronchus and ribs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["organ", "prv", "target", "not_oar", "ambiguous", "unknown"]

# Compact name (lower case, separators removed) -> organ of the constraint tables.
ORGAN_NAMES: dict[str, str] = {
    # TG-263 primary names first on each line, then local spellings.
    "spinalcord": "spinal_cord", "cord": "spinal_cord", "myelon": "spinal_cord",
    "thecalsac": "thecal_sac",
    "caudaequina": "cauda_equina",
    "sacralplex": "sacral_plexus", "sacralplexus": "sacral_plexus",
    "esophagus": "esophagus", "oesophagus": "esophagus",
    "brachialplex": "brachial_plexus", "brachialplexs": "brachial_plexus",
    "brachialplexus": "brachial_plexus",
    "heart": "heart_pericardium", "pericardium": "heart_pericardium",
    "greatves": "great_vessels", "greatvessels": "great_vessels",
    "trachea": "trachea_large_bronchus", "bronchusmain": "trachea_large_bronchus",
    "mainbronchus": "trachea_large_bronchus",
    "rib": "ribs", "ribs": "ribs",
    "skin": "skin",
    "stomach": "stomach",
    "duodenum": "duodenum",
    "bowelsmall": "jejunum_ileum", "jejunumileum": "jejunum_ileum",
    "smallbowel": "jejunum_ileum",
    # TG-263 Bowel_Large is the large bowel (colon with rectum); TG-101 gives colon and rectum
    # the same limits, so it is checked as colon.
    "colon": "colon", "bowellarge": "colon", "largebowel": "colon",
    "rectum": "rectum",
    "opticchiasm": "optic_pathway", "chiasm": "optic_pathway", "opticnrv": "optic_pathway",
    "opticnerve": "optic_pathway",
    "brainstem": "brainstem",
    "cochlea": "cochlea",
    "liver": "liver",
    "kidneycortex": "renal_cortex", "renalcortex": "renal_cortex",
    "lungs": "lung", "lungtotal": "lung", "lungstotal": "lung", "totallung": "lung",
    "lungsboth": "lung", "bothlungs": "lung",
}  # fmt: skip

# Organs checked one side at a time: a laterality suffix is accepted.
SIDED = frozenset({"brachialplex", "brachialplexus", "cochlea", "opticnrv", "opticnerve",
                   "bronchusmain", "mainbronchus"})  # fmt: skip
_RIB = re.compile(r"rib\d{1,2}")  # TG-263 Rib01_L ... Rib12_R

AMBIGUOUS: dict[str, str] = {
    "lung": "one lung or both? The lung limits are critical volumes of both lungs: name the "
    "total lung 'Lungs' (TG-263)",
    "bronchus": "TG-263 'Bronchus' is the bronchial tree: large bronchi (trachea_large_bronchus) "
    "or small airways (bronchus_small_airways)?",
    "lung|side": "one lung: the lung limits are critical volumes of both lungs ('Lungs')",
    "kidneycortex|side": "one kidney's cortex: the renal cortex limit is a critical volume "
    "of both kidneys ('Kidney_Cortex')",
    "kidney": "whole kidney, not the renal cortex the limit is written for",
    "kidneys": "whole kidneys, not the renal cortex the limit is written for",
}

_NOT_OAR = frozenset({"body", "external", "outline", "bodycontour", "patient", "couch",
                      "couchsurface", "couchinterior", "table"})  # fmt: skip
_TARGET = re.compile(r"z?(gtv|ctv|itv|ptv|igtv)")
_NOT_OAR_PREFIX = re.compile(r"(iso|marker|fiducial|couch|bolus)")
_SIDE = frozenset({"l", "r", "lt", "rt", "left", "right"})
_PRV_TOKEN = re.compile(r"prv(\d+(\.\d+)?)?(mm)?|\+?\d+(\.\d+)?mm")


@dataclass(frozen=True)
class NameMatch:
    structure: str
    kind: Kind
    organ: str | None = None  # for "organ" and "prv"
    side: str | None = None  # "L" or "R" when given
    note: str = ""


def _tokens(name: str) -> list[str]:
    spaced = re.sub(r"[^a-z0-9+.]+", " ", name.strip().lower())
    return [t for t in re.split(r"\s+|(?=\+)", spaced) if t.strip(".")]


def match_structure(name: str) -> NameMatch:
    """Classify one structure name (see the module docstring for the rules)."""
    tokens = _tokens(name)
    if not tokens:
        return NameMatch(name, "unknown", note="empty name")
    compact = "".join(tokens).replace("+", "").replace(".", "")
    if _TARGET.match(compact):
        return NameMatch(name, "target")
    if compact in _NOT_OAR or _NOT_OAR_PREFIX.match(compact):
        return NameMatch(name, "not_oar")
    prv = [t for t in tokens if _PRV_TOKEN.fullmatch(t)]
    rest = [t for t in tokens if not _PRV_TOKEN.fullmatch(t)]
    side = None
    if len(rest) > 1 and rest[-1] in _SIDE:
        side, rest = rest[-1][0].upper(), rest[:-1]
    elif len(rest) > 1 and rest[0] in _SIDE:
        side, rest = rest[0][0].upper(), rest[1:]
    base = "".join(rest).replace(".", "")
    if base.endswith("prv") or base.startswith("prv"):  # "CordPRV", "PRVcord"
        prv.append("prv")
        base = base.removesuffix("prv") if base.endswith("prv") else base.removeprefix("prv")
    organ = ORGAN_NAMES.get(base)
    sided_ok = base in SIDED or _RIB.fullmatch(base) is not None
    if _RIB.fullmatch(base):
        organ = "ribs"
    if side is not None and organ is not None and not sided_ok:
        reason = AMBIGUOUS.get(f"{base}|side", f"a one-sided {base!r} is not in the name table")
        return NameMatch(name, "ambiguous", organ=None, side=side, note=reason)
    if organ is None:
        key = f"{base}|side" if side else base
        if key in AMBIGUOUS:
            return NameMatch(name, "ambiguous", side=side, note=AMBIGUOUS[key])
        return NameMatch(name, "unknown", side=side)
    if prv:
        return NameMatch(
            name, "prv", organ, side, note=f"PRV or margin of {organ}: reported, not judged"
        )
    return NameMatch(name, "organ", organ, side)
