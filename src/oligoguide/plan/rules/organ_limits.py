"""The organ-at-risk limits a stereotactic schedule must meet, for the organs near the lesion.

A plan has no dose distribution yet, so what can be checked here is which limits apply: for each
organ recorded next to the lesion (or usually irradiated when that site is treated) every limit
the constraint tables give for the schedule's fraction count, with its source. Organs recorded
next to the lesion come first: their limit takes priority over target coverage.
"""

from __future__ import annotations

from oligoguide.dose import default_dose_tables
from oligoguide.model.case import Lesion
from oligoguide.model.vocab import LungZone, OrganAtRisk, Site
from oligoguide.plan.gates import abutting_organs
from oligoguide.plan.models import OrganLimit

# Organs irradiated whenever a lesion at this site gets stereotactic treatment (oligoguide's list,
# from the organs the TG-101 tables name for these sites; benedict_2010_tg101). Other organs are
# shown only when the case records them next to the lesion.
SITE_ORGANS: dict[Site, tuple[OrganAtRisk, ...]] = {
    Site.SPINE: (OrganAtRisk.SPINAL_CORD, OrganAtRisk.THECAL_SAC),
    Site.LUNG: (OrganAtRisk.LUNG,),
    Site.LIVER: (OrganAtRisk.LIVER,),
}
ZONE_ORGANS: dict[LungZone, tuple[OrganAtRisk, ...]] = {
    LungZone.CENTRAL: (OrganAtRisk.TRACHEA_LARGE_BRONCHUS, OrganAtRisk.ESOPHAGUS),
    LungZone.ULTRACENTRAL: (OrganAtRisk.TRACHEA_LARGE_BRONCHUS, OrganAtRisk.ESOPHAGUS),
}
# A measured distance within this many mm puts an organ on the list (oligoguide default: the
# 2 cm zone RTOG 0813 used around the proximal bronchial tree).
NEARBY_MM = 20.0


def organs_near(lesion: Lesion, site: Site) -> tuple[list[OrganAtRisk], list[OrganAtRisk]]:
    """(organs recorded next to the lesion, organs usual for the site), each sorted, no repeats."""
    recorded = abutting_organs(lesion) | {
        d.organ for d in lesion.oar_distances if d.distance_mm <= NEARBY_MM
    }
    usual = set(SITE_ORGANS.get(site, ()))
    if site == Site.LUNG and lesion.lung_zone is not None:
        usual |= set(ZONE_ORGANS.get(lesion.lung_zone, ()))
    return sorted(recorded), sorted(usual - recorded)


def organ_limits(
    lesion: Lesion, site: Site, fractions: int
) -> tuple[tuple[OrganLimit, ...], str | None]:
    """The limits for `fractions` fractions of every organ near the lesion, and a note naming
    organs without a sourced limit at that fraction count (or asking for the organs)."""
    tables = default_dose_tables()
    recorded, usual = organs_near(lesion, site)
    limits: list[OrganLimit] = []
    unsourced: list[str] = []
    for organ, adjacent in [(o, True) for o in recorded] + [(o, False) for o in usual]:
        found = [
            limit
            for metric in tables.metrics_for(organ.value)
            if (limit := tables.limit(organ.value, metric, fractions)) is not None
        ]
        if not found:
            unsourced.append(organ.value.replace("_", " "))
        limits += [
            OrganLimit(
                organ=x.organ,
                metric=x.metric,
                fractions=x.fractions,
                limit_gy=x.limit_gy,
                endpoint=x.endpoint,
                source=x.source,
                verified=x.verified,
                adjacent=adjacent,
            )
            for x in found
        ]
    notes: list[str] = []
    if not recorded:
        notes.append(
            "No organ is recorded next to this lesion: record adjacent organs (or their "
            "distances) to see every limit that applies."
        )
    if unsourced:
        notes.append(
            f"No sourced limit in {fractions} fractions for: {', '.join(unsourced)}; the safety "
            "of this schedule for them is not known from the tables."
        )
    return tuple(limits), " ".join(notes) or None
