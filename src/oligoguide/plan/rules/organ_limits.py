"""The organ-at-risk limits a stereotactic schedule must meet, for the organs near the lesion.

A plan has no dose distribution yet, so what can be checked here is which limits apply: for each
organ recorded next to the lesion (or usually irradiated when that site is treated) every limit
the constraint tables give for the schedule's fraction count, with its source. Organs recorded
next to the lesion come first: their limit takes priority over target coverage.
"""

from __future__ import annotations

from oligoguide.dose import ScheduleSuggestion, default_dose_tables
from oligoguide.model.case import Lesion
from oligoguide.model.vocab import LungZone, OrganAtRisk, Site
from oligoguide.plan.context import PlanContext
from oligoguide.plan.drafts import Draft
from oligoguide.plan.gates import abutting_organs
from oligoguide.plan.models import Dose, OrganLimit
from oligoguide.response.models import LesionTrajectory

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


def dose_with_limits(
    ctx: PlanContext, t: LesionTrajectory, suggestion: ScheduleSuggestion
) -> Dose | None:
    """The schedule with the organ-at-risk limits that apply to it near this lesion."""
    base = suggestion.dose()
    if base is None or suggestion.fractions is None:
        return None
    limits, note = organ_limits(ctx.lesion(t.id), t.site, suggestion.fractions)
    plain = Dose.model_validate(base)
    return Dose(
        total_gy=plain.total_gy,
        fractions=plain.fractions,
        bed10=plain.bed10,
        eqd2_10=plain.eqd2_10,
        source=plain.source,
        organ_limits=limits,
        organ_note=note,
    )


def cite_limits(draft: Draft) -> None:
    if draft.dose is not None:
        draft.extra_citations += tuple(dict.fromkeys(x.source for x in draft.dose.organ_limits))


def adjacent_organ_notes(
    ctx: PlanContext, t: LesionTrajectory, draft: Draft, fractions: int | None
) -> None:
    """Say which organs next to the lesion govern the schedule. With a sourced schedule their
    limits are listed with the dose (organ_limits); without one, the limits for 1, 3 and 5
    fractions are named here so that the team can size the dose."""
    organs = sorted(abutting_organs(ctx.lesion(t.id)))  # sorted: the same text on every run
    if fractions is not None:
        if organs:
            names = ", ".join(o.value.replace("_", " ") for o in organs)
            draft.notes.append(
                f"{t.id} lies next to the {names}: the limits listed with the dose take "
                "priority over target coverage."
            )
        return
    tables = default_dose_tables()
    for organ in organs:
        name = organ.value.replace("_", " ")
        limits = [
            limit
            for n in (1, 3, 5)
            for metric in tables.metrics_for(organ.value)
            if (limit := tables.limit(organ.value, metric, n)) is not None
        ]
        if not limits:
            draft.notes.append(
                f"{t.id} lies next to the {name}: no sourced limit for this schedule; the safety "
                "of a stereotactic dose is unknown."
            )
            continue
        shown = ", ".join(f"{x.metric} < {x.limit_gy:g} Gy in {x.fractions} fx" for x in limits)
        draft.notes.append(
            f"{t.id} lies next to the {name}: no schedule is sourced here; size it so as to keep "
            f"{shown} ({limits[0].source}); this limit takes priority over target coverage."
        )
        draft.extra_citations += (limits[0].source,)
