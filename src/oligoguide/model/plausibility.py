"""Plausibility of a valid case: values that pass validation yet are probably misread.

A case can be well-formed and still wrong: a diameter typed in the wrong unit, a measurement of
another lesion, a resection never recorded, a placeholder birth date. These are not refused (the
value may be true), but each gives a warning shown with the plan, and the lesions named are not
given a confident ablative recommendation until the data are checked
(`Assessment.implausible_lesions`).

The limits are oligoguide defaults chosen to catch misread data, not guideline numbers:

- **A lesion over 200 mm** (`MAX_PLAUSIBLE_DIAMETER_MM`). A single metastasis that large is
  exceptional, while a value in the wrong unit (or a sum of several lesions typed as one) is a
  common error. Validation already refuses over 500 mm.
- **Growth too fast**: between two measurements of one lesion at most 28 days apart
  (`GROWTH_WINDOW_DAYS`), the diameter more than doubles (`GROWTH_FACTOR`) AND grows by more
  than 20 mm (`GROWTH_MIN_MM`). Doubling the diameter is eight times the volume; within four
  weeks that is a volume doubling time under ten days, far faster than the weeks to months over
  which solid-tumour metastases usually grow. The 20 mm floor keeps small lesions, whose
  diameters vary by a few millimetres between readers and scanners, from triggering it. A real
  cause (haemorrhage, a cyst, pseudoprogression) still deserves a look before ablation.
- **Vanishing too fast**: a lesion measured over 30 mm (`VANISH_MIN_MM`) recorded as 0 mm or
  absent at most 14 days later (`VANISH_WINDOW_DAYS`) with no local treatment of it in between.
  Systemic therapy does not clear a 3 cm solid tumour in two weeks; a region left out of the
  scan, a mislabelled lesion or an unrecorded resection does.
- **A unit slip**: a size under 10 mm (`UNIT_SLIP_BELOW_MM`) next to a measurement of the same
  lesion of at least 20 mm that is about ten times it (within 30 %): "2.4" for a 24 mm lesion,
  centimetres typed into the millimetre field. A true 2-3 mm lesion beside a 24 mm one on the
  next scan would itself be implausible growth.
- **A patient older than 110** (`MAX_PLAUSIBLE_AGE_YEARS`) at the latest date of the case: far
  more often a placeholder birth date (1900-01-01) than a supercentenarian.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oligoguide.model.case import Case, Lesion
from oligoguide.model.vocab import LesionObservation

MAX_PLAUSIBLE_DIAMETER_MM = 200.0
GROWTH_WINDOW_DAYS = 28
GROWTH_FACTOR = 2.0
GROWTH_MIN_MM = 20.0
VANISH_WINDOW_DAYS = 14
VANISH_MIN_MM = 30.0
MAX_PLAUSIBLE_AGE_YEARS = 110
#: A size under this many mm that is a tenth of its neighbour reads as centimetres (unit slip).
UNIT_SLIP_BELOW_MM = 10.0


@dataclass(frozen=True)
class PlausibilityWarning:
    """One implausible value: where it is (JSON pointer into the case), what, which lesion."""

    pointer: str
    message: str
    lesion_id: str | None = None

    def __str__(self) -> str:
        return f"Implausible input at {self.pointer}: {self.message}"


def plausibility_warnings(case: Case) -> list[PlausibilityWarning]:
    """Every implausible value of the case, in document order. Pure: reads the case only."""
    found: list[PlausibilityWarning] = []
    for index, lesion in enumerate(case.lesions):
        found += _lesion_warnings(case, index, lesion)
    age = _age_warning(case)
    if age is not None:
        found.append(age)
    return found


def implausible_lesion_ids(warnings: list[PlausibilityWarning]) -> tuple[str, ...]:
    """The lesions named by the warnings, once each, in order."""
    return tuple(dict.fromkeys(w.lesion_id for w in warnings if w.lesion_id is not None))


def _lesion_warnings(case: Case, index: int, lesion: Lesion) -> list[PlausibilityWarning]:
    base = f"/lesions/{index}/measurements"
    # (pointer index, date, diameter or None, absent?) in date order
    rows = sorted(
        (
            (j, m.date, m.diameter_mm, m.status == LesionObservation.ABSENT)
            for j, m in enumerate(lesion.measurements)
        ),
        key=lambda row: row[1],
    )
    treated = [t.date for t in case.local_treatments_of(lesion.id)]
    found: list[PlausibilityWarning] = []
    for j, day, mm, _ in rows:
        if mm is not None and mm > MAX_PLAUSIBLE_DIAMETER_MM:
            found.append(
                PlausibilityWarning(
                    f"{base}/{j}/diameter_mm",
                    f"lesion {lesion.id} measures {mm:g} mm on {day}: over "
                    f"{MAX_PLAUSIBLE_DIAMETER_MM:g} mm for one lesion is implausible "
                    "(unit, or several lesions summed?)",
                    lesion.id,
                )
            )
    found += _unit_slips(base, lesion, [(j, day, mm) for j, day, mm, _ in rows])
    window = max(GROWTH_WINDOW_DAYS, VANISH_WINDOW_DAYS)
    for later, (j, day, mm, absent) in enumerate(rows):
        for _, earlier_day, earlier_mm, _ in reversed(rows[:later]):
            days = (day - earlier_day).days
            if days > window:  # one measurement per date: at most `window` rows are compared
                break
            if earlier_mm is None:
                continue
            if _grows_too_fast(earlier_mm, mm, days):
                found.append(
                    PlausibilityWarning(
                        f"{base}/{j}/diameter_mm",
                        f"lesion {lesion.id} grows from {earlier_mm:g} mm on {earlier_day} to "
                        f"{mm:g} mm on {day} ({days} days): more than doubling and over "
                        f"{GROWTH_MIN_MM:g} mm within {GROWTH_WINDOW_DAYS} days is implausible "
                        "(same lesion? unit?); check before local treatment",
                        lesion.id,
                    )
                )
                break
            vanished = absent or mm == 0
            if (
                vanished
                and earlier_mm > VANISH_MIN_MM
                and days <= VANISH_WINDOW_DAYS
                and not _treated_between(treated, earlier_day, day)
            ):
                found.append(
                    PlausibilityWarning(
                        f"{base}/{j}",
                        f"lesion {lesion.id} measures {earlier_mm:g} mm on {earlier_day} and is "
                        f"gone on {day} ({days} days) without a local treatment recorded: "
                        f"a lesion over {VANISH_MIN_MM:g} mm does not vanish within "
                        f"{VANISH_WINDOW_DAYS} days (region not scanned? resection not recorded?)",
                        lesion.id,
                    )
                )
                break
    return found


def _unit_slips(
    base: str, lesion: Lesion, rows: list[tuple[int, dt.date, float | None]]
) -> list[PlausibilityWarning]:
    """A value under 10 mm that is about a tenth of the measurement next to it (within 30 %):
    the size was most likely written in centimetres into a millimetre field."""
    sized = [(j, day, mm) for j, day, mm in rows if mm is not None and mm > 0]
    found = []
    for k, (j, day, mm) in enumerate(sized):
        if mm >= UNIT_SLIP_BELOW_MM:
            continue
        neighbours = [sized[i] for i in (k - 1, k + 1) if 0 <= i < len(sized)]
        match = next(
            (
                n
                for n in neighbours
                if n[2] >= 2 * UNIT_SLIP_BELOW_MM and abs(10 * mm - n[2]) <= 0.3 * n[2]
            ),
            None,
        )
        if match is not None:
            found.append(
                PlausibilityWarning(
                    f"{base}/{j}/diameter_mm",
                    f"lesion {lesion.id} measures {mm:g} mm on {day}, about a tenth of "
                    f"{match[2]:g} mm on {match[1]}: a size in centimetres entered as "
                    "millimetres? Check before any decision rests on it",
                    lesion.id,
                )
            )
    return found


def _grows_too_fast(before: float, after: float | None, days: int) -> bool:
    return (
        after is not None
        and before > 0
        and days <= GROWTH_WINDOW_DAYS
        and after > GROWTH_FACTOR * before
        and after - before > GROWTH_MIN_MM
    )


def _treated_between(treated: list[dt.date], start: dt.date, end: dt.date) -> bool:
    return any(start <= day <= end for day in treated)


def _age_warning(case: Case) -> PlausibilityWarning | None:
    birth = case.patient.birth_date
    if birth is None:
        return None
    dates = [day for pointer, day in case.dated_fields() if pointer != "/patient/birth_date"]
    if not dates:
        return None
    latest = max(dates)
    age = _years_between(birth, latest)
    if age <= MAX_PLAUSIBLE_AGE_YEARS:
        return None
    return PlausibilityWarning(
        "/patient/birth_date",
        f"born {birth}, the patient would be {age} years old on {latest}: older than "
        f"{MAX_PLAUSIBLE_AGE_YEARS} is implausible (a placeholder birth date?)",
    )


def _years_between(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
