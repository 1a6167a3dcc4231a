"""Suggest a cited fractionation schedule for one lesion, or say that none is sourced.

The rows live in knowledge/data/dose/schedules.yaml; this module only chooses among them:
site (and lung location) first, then diameter band, then the row marked preferred.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from oligoguide.dose.errors import DoseInputError
from oligoguide.dose.radiobiology import bed, eqd2
from oligoguide.dose.tables import DoseTables, ScheduleRow, default_dose_tables
from oligoguide.model.vocab import Site

#: BED10 and EQD2(10) are defined at α/β = 10 Gy whatever the tissue table says.
TUMOUR_ALPHA_BETA = 10.0


class ScheduleOption(BaseModel):
    model_config = ConfigDict(frozen=True)

    total_gy: float
    fractions: int
    dose_per_fraction: float
    bed10: float
    eqd2_10: float
    source: str
    verified: bool
    note: str


class ScheduleSuggestion(BaseModel):
    """The suggested schedule (found=True) or why there is none (found=False, cautions)."""

    model_config = ConfigDict(frozen=True)

    site: str
    found: bool
    total_gy: float | None = None
    fractions: int | None = None
    dose_per_fraction: float | None = None
    bed10: float | None = None
    eqd2_10: float | None = None
    source: str | None = None
    verified: bool | None = None
    note: str | None = None
    cautions: list[str]
    alternatives: tuple[ScheduleOption, ...] = ()
    knowledge_version: str

    def dose(self) -> dict[str, float | int | str] | None:
        """The `dose` block a plan recommendation carries, or None when nothing is sourced."""
        if not self.found or self.total_gy is None or self.fractions is None:
            return None
        assert self.bed10 is not None
        assert self.eqd2_10 is not None
        assert self.source is not None
        return {
            "total_gy": self.total_gy,
            "fractions": self.fractions,
            "bed10": self.bed10,
            "eqd2_10": self.eqd2_10,
            "source": self.source,
        }


def _option(row: ScheduleRow) -> ScheduleOption:
    return ScheduleOption(
        total_gy=row.total_gy,
        fractions=row.fractions,
        dose_per_fraction=round(row.total_gy / row.fractions, 4),
        bed10=round(bed(row.total_gy, row.fractions, TUMOUR_ALPHA_BETA), 2),
        eqd2_10=round(eqd2(row.total_gy, row.fractions, TUMOUR_ALPHA_BETA), 2),
        source=row.source,
        verified=row.verified,
        note=row.note,
    )


def _parse_site(site: str | Site) -> Site:
    try:
        return Site(site)
    except ValueError:
        known = ", ".join(s.value for s in Site)
        raise DoseInputError("site", f"unknown site {site!r} (known: {known})") from None


def _check_inputs(diameter_mm: float | None, lesion_count: int | None) -> None:
    if diameter_mm is not None:
        if isinstance(diameter_mm, bool) or not isinstance(diameter_mm, int | float):
            raise DoseInputError("diameter_mm", f"must be a number, got {diameter_mm!r}")
        if not math.isfinite(diameter_mm) or diameter_mm <= 0:
            raise DoseInputError("diameter_mm", f"must be above 0 mm, got {diameter_mm!r}")
    if lesion_count is not None and (
        isinstance(lesion_count, bool) or not isinstance(lesion_count, int) or lesion_count < 1
    ):
        raise DoseInputError("lesion_count", f"must be a whole number >= 1, got {lesion_count!r}")


def _site_cautions(site: Site, location: str, lesion_count: int | None) -> list[str]:
    """Cautions that hold for the site whatever the schedule (each names its source)."""
    cautions: list[str] = []
    if site is Site.LUNG and location == "central":
        cautions.append(
            "Central lung lesion: five-fraction schedule from RTOG 0813 (T1-2 up to 5 cm; "
            "bezjak_2019_rtog0813); limits for the bronchial tree, oesophagus and great vessels "
            "decide the final dose."
        )
    if site is Site.LIVER:
        cautions.append(
            "Liver: at least 700 cc of normal liver must stay below the TG-101 critical-volume "
            "limit for the chosen fraction count (benedict_2010_tg101); check bowel and stomach."
        )
    if site is Site.BRAIN and lesion_count is not None:
        if 5 <= lesion_count <= 10:
            cautions.append(
                "5-10 brain metastases: SRS is only conditionally recommended "
                "(gondi_2022_astro_brain)."
            )
        elif lesion_count > 10:
            cautions.append(
                "More than 10 brain metastases: outside the ASTRO 2022 SRS recommendations "
                "(gondi_2022_astro_brain)."
            )
    if site is Site.SPINE:
        cautions.append(
            "Spine SBRT as in SC.24: at most 3 consecutive vertebral segments, ECOG 0-2, no "
            "neurologically symptomatic cord or cauda equina compression (sahgal_2021_sc24); "
            "check the thecal sac limit."
        )
    if site is Site.BONE:
        cautions.append(
            "Palliative dose for pain (lutz_2017_astro_bone), not an ablative schedule: no "
            "sourced ablative schedule for bone outside the spine."
        )
    return cautions


def _not_found(site: Site, cautions: list[str], tables: DoseTables) -> ScheduleSuggestion:
    return ScheduleSuggestion(
        site=site.value, found=False, cautions=cautions, knowledge_version=tables.knowledge_version
    )


def suggest_schedule(
    site: str,
    diameter_mm: float | None,
    *,
    central: bool = False,
    ultracentral: bool = False,
    lesion_count: int | None = None,
    tables: DoseTables | None = None,
) -> ScheduleSuggestion:
    """A cited schedule for one lesion at `site`, sized by `diameter_mm` where the source does.

    Returns found=False with the reason in `cautions` when no sourced schedule applies.
    """
    tables = tables or default_dose_tables()
    parsed = _parse_site(site)
    _check_inputs(diameter_mm, lesion_count)
    cautions: list[str] = []

    location = "any"
    if parsed is Site.LUNG:
        location = "ultracentral" if ultracentral else "central" if central else "peripheral"
    elif central or ultracentral:
        cautions.append("central/ultracentral apply to lung lesions only; ignored here.")

    if location == "ultracentral":
        cautions.append(
            "Ultra-central lung lesion: the five-fraction central schedules (RTOG 0813) do not "
            "cover tumours abutting the main bronchus, trachea or oesophagus. The only sourced "
            "schedule is 60 Gy in 8 fractions from a 30-patient trial in primary NSCLC (SUNSET); "
            "for a metastasis it is an extrapolation. Organ limits take priority over coverage."
        )

    rows = [r for r in tables.schedules if r.site is parsed and r.location in (location, "any")]
    if not rows:
        cautions.append(
            f"No sourced schedule for site {parsed.value!r} in knowledge base "
            f"{tables.knowledge_version}; the dose must be set by the treating team."
        )
        return _not_found(parsed, cautions, tables)

    bands = {(r.min_diameter_mm, r.max_diameter_mm) for r in rows}
    if diameter_mm is None:
        if len(bands) > 1:
            cautions.append(
                f"Diameter missing: the {parsed.value} dose depends on lesion size, cannot size."
            )
            return _not_found(parsed, cautions, tables)
        limits = [r for r in rows if r.sized]
        if limits:
            cautions.append(
                f"Diameter missing: the source's size limit ({_describe_band(limits[0])}) "
                "was not checked."
            )
    else:
        fitting = [r for r in rows if r.fits(diameter_mm)]
        if not fitting:
            cautions.append(
                f"Lesion of {diameter_mm:g} mm is outside every sourced {parsed.value} schedule "
                f"({'; '.join(sorted({_describe_band(r) for r in rows if r.sized}))})."
            )
            if parsed is Site.BRAIN:
                cautions.append(
                    "Over 40 mm: ASTRO 2022 prefers surgery, else multifraction SRS; SRS above "
                    "60 mm is discouraged (gondi_2022_astro_brain)."
                )
            return _not_found(parsed, cautions, tables)
        rows = fitting

    primary = next((r for r in rows if r.preferred), rows[0])
    if primary.max_lesions is not None:
        if lesion_count is None:
            cautions.append(
                f"Lesion count unknown: the source treated at most {primary.max_lesions} lesions."
            )
        elif lesion_count > primary.max_lesions:
            cautions.append(
                f"{lesion_count} lesions: more than the {primary.max_lesions} treated in the "
                f"source ({primary.source})."
            )
    cautions.extend(_site_cautions(parsed, location, lesion_count))
    if not primary.verified:
        cautions.append(
            f"This schedule could not be checked against the text of {primary.source} "
            "(verified: false); confirm it before use."
        )
    chosen = _option(primary)
    return ScheduleSuggestion(
        site=parsed.value,
        found=True,
        total_gy=chosen.total_gy,
        fractions=chosen.fractions,
        dose_per_fraction=chosen.dose_per_fraction,
        bed10=chosen.bed10,
        eqd2_10=chosen.eqd2_10,
        source=chosen.source,
        verified=chosen.verified,
        note=chosen.note,
        cautions=cautions,
        alternatives=tuple(_option(r) for r in rows if r is not primary),
        knowledge_version=tables.knowledge_version,
    )


def _describe_band(row: ScheduleRow) -> str:
    low, high = row.min_diameter_mm, row.max_diameter_mm
    top = (
        ""
        if high is None
        else (f"under {high:g} mm" if row.max_exclusive else f"up to {high:g} mm")
    )
    if low is None:
        return top
    return f"over {low:g} mm" + (f" and {top}" if top else "")
