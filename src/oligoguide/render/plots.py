"""Lesion plots as inline SVG: vector graphics that look the same in the browser and the PDF.

Hand-written SVG rather than a plotting library: three small chart types, no JavaScript, no
fonts or assets to fetch, and identical output in HTML and WeasyPrint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from oligoguide.assess import Assessment
from oligoguide.model.case import Case
from oligoguide.model.vocab import LesionStatus
from oligoguide.response.arithmetic import PD_ABSOLUTE_MM, PD_RELATIVE
from oligoguide.response.recist import lesion_size

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 215, 24, 40
GREY, RED, BLUE, BAND = "#8c959f", "#cf222e", "#0969da", "#ddf4ff"
STATUS_COLOURS = {
    LesionStatus.PROGRESSING: RED,
    LesionStatus.NEW: RED,
    LesionStatus.STABLE: "#9a6700",
    LesionStatus.RESPONDING: "#1a7f37",
    LesionStatus.DISAPPEARED: "#1a7f37",
    LesionStatus.PRESENT: GREY,
    LesionStatus.NOT_EVALUABLE: "#6e7781",
    LesionStatus.BASELINE_ONLY: GREY,
}


@dataclass(frozen=True)
class _Axes:
    start: dt.date
    end: dt.date
    top_mm: float

    def x(self, day: dt.date) -> float:
        span = max((self.end - self.start).days, 1)
        return LEFT + (day - self.start).days / span * (WIDTH - LEFT - RIGHT)

    def y(self, mm: float) -> float:
        return TOP + (1 - mm / self.top_mm) * (HEIGHT - TOP - BOTTOM)


def _svg(title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="{escape(title)}" font-family="DejaVu Sans, Arial" '
        f'font-size="11"><title>{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _frame(axes: _Axes, dates: Sequence[dt.date], y_label: str) -> list[str]:
    bottom = HEIGHT - BOTTOM
    out = [
        f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}" stroke="{GREY}"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="{GREY}"/>',
    ]
    for tick in _ticks(axes.top_mm):
        y = axes.y(tick)
        out.append(
            f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{LEFT}" y2="{y:.1f}" stroke="{GREY}"/>'
            f'<text x="{LEFT - 7}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text>'
        )
    for day in dates:
        x = axes.x(day)
        out.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">{day:%Y-%m}</text>')
    out.append(
        f'<text x="14" y="{TOP + (bottom - TOP) / 2:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {TOP + (bottom - TOP) / 2:.0f})">{escape(y_label)}</text>'
    )
    return out


def _ticks(top: float) -> list[float]:
    step = next(s for s in (5, 10, 20, 25, 50, 100, 200) if top / s <= 6)
    return [step * i for i in range(int(top // step) + 1)]


def lesion_trajectories_svg(case: Case, a: Assessment) -> str:
    """Diameter of every measured lesion over time; progressing lesions in red."""
    dates = sorted({m.date for lesion in case.lesions for m in lesion.measurements})
    if len(dates) < 1:
        return ""
    sizes = [lesion_size(m) or 0.0 for lesion in case.lesions for m in lesion.measurements]
    axes = _Axes(dates[0], dates[-1], max(10.0, max(sizes) * 1.15))
    body = _therapy_bands(case, axes) + _frame(axes, dates, "diameter (mm)")
    progressing = set(a.progressing_lesions)
    legend_y = TOP
    for lesion in case.lesions:
        points = [(m.date, s) for m in lesion.timeline if (s := lesion_size(m)) is not None]
        if not points:
            continue
        hot = lesion.id in progressing
        colour, weight = (RED, 3) if hot else (GREY, 1.5)
        path = " ".join(f"{axes.x(d):.1f},{axes.y(s):.1f}" for d, s in points)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="{weight}"/>'
        )
        body += [
            f'<circle cx="{axes.x(d):.1f}" cy="{axes.y(s):.1f}" r="3" fill="{colour}"/>'
            for d, s in points
        ]
        for t in case.local_treatments_of(lesion.id):
            if axes.start <= t.date <= axes.end:
                x = axes.x(t.date)
                body.append(
                    f'<path d="M{x:.1f},{HEIGHT - BOTTOM - 12} l-6,10 h12 z" '
                    f'fill="{BLUE}"><title>{escape(lesion.id)}: '
                    f"{t.modality.value} {t.date}</title></path>"
                )
        site = lesion.site.value.replace("_", " ")
        label = f"{lesion.id} {site}" + (" (progressing)" if hot else "")
        body.append(
            f'<rect x="{WIDTH - RIGHT + 10}" y="{legend_y - 8}" width="10" height="10" '
            f'fill="{colour}"/><text x="{WIDTH - RIGHT + 25}" y="{legend_y + 1}">'
            f"{escape(label)}</text>"
        )
        legend_y += 15
    return _svg("Lesion diameters over time", body)


def _therapy_bands(case: Case, axes: _Axes) -> list[str]:
    out = []
    for therapy in case.systemic_therapies:
        start = max(therapy.start, axes.start)
        end = min(therapy.end or axes.end, axes.end)
        if end < start:
            continue
        x0, x1 = axes.x(start), axes.x(end)
        out.append(
            f'<rect x="{x0:.1f}" y="{TOP}" width="{max(x1 - x0, 1):.1f}" '
            f'height="{HEIGHT - TOP - BOTTOM}" fill="{BAND}"/>'
            f'<text x="{x0 + 4:.1f}" y="{TOP + 12}" fill="{BLUE}">'
            f"{escape(' + '.join(therapy.agents))}</text>"
        )
    return out


def sum_vs_nadir_svg(a: Assessment) -> str:
    """Sum of target diameters, with the nadir and the PD threshold (+20% and +5 mm) drawn."""
    rows = [t for t in a.response.timepoints if t.sum_mm is not None]
    if len(rows) < 2:
        return ""
    thresholds = [
        (t.date, max(t.nadir_mm * (1 + PD_RELATIVE), t.nadir_mm + PD_ABSOLUTE_MM))
        for t in rows
        if t.nadir_mm is not None
    ]
    top = max([t.sum_mm or 0.0 for t in rows] + [v for _, v in thresholds]) * 1.15
    axes = _Axes(rows[0].date, rows[-1].date, max(top, 10.0))
    body = _frame(axes, [t.date for t in rows], "sum of target diameters (mm)")
    path = " ".join(f"{axes.x(t.date):.1f},{axes.y(t.sum_mm or 0):.1f}" for t in rows)
    body.append(f'<polyline points="{path}" fill="none" stroke="{BLUE}" stroke-width="2.5"/>')
    for t in rows:
        colour = RED if t.overall.value == "PD" else BLUE
        body.append(
            f'<circle cx="{axes.x(t.date):.1f}" cy="{axes.y(t.sum_mm or 0):.1f}" r="4" '
            f'fill="{colour}"><title>{t.date}: {t.sum_mm:g} mm, {t.overall.value}'
            f"</title></circle>"
        )
    nadir = " ".join(
        f"{axes.x(t.date):.1f},{axes.y(t.nadir_mm):.1f}" for t in rows if t.nadir_mm is not None
    )
    limit = " ".join(f"{axes.x(d):.1f},{axes.y(v):.1f}" for d, v in thresholds)
    body.append(f'<polyline points="{nadir}" fill="none" stroke="#1a7f37" stroke-dasharray="2 3"/>')
    body.append(f'<polyline points="{limit}" fill="none" stroke="{RED}" stroke-dasharray="6 4"/>')
    legend = [
        (BLUE, "target sum"),
        ("#1a7f37", "nadir before the scan"),
        (RED, "PD threshold (+20%, +5 mm)"),
    ]
    for i, (colour, text) in enumerate(legend):
        y = TOP + i * 15
        body.append(
            f'<rect x="{WIDTH - RIGHT + 10}" y="{y - 8}" width="10" height="10" '
            f'fill="{colour}"/><text x="{WIDTH - RIGHT + 25}" y="{y + 1}">'
            f"{escape(text)}</text>"
        )
    return _svg("Sum of target diameters against the nadir and the progression threshold", body)


def site_grid_svg(a: Assessment) -> str:
    """One row per organ, one square per lesion coloured by its status."""
    organs = sorted({les.site.value for les in a.lesions})
    if not organs:
        return ""
    cell, height = 26, 30 + 30 * len(organs)
    body = []
    for row, organ in enumerate(organs):
        y = 20 + row * 30
        body.append(f'<text x="8" y="{y + 17}">{escape(organ.replace("_", " "))}</text>')
        for col, les in enumerate(x for x in a.lesions if x.site.value == organ):
            x = 120 + col * (cell + 6)
            colour = STATUS_COLOURS[les.status]
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" rx="4" '
                f'fill="{colour}"><title>{escape(les.id)}: {les.status.value}</title>'
                f'</rect><text x="{x + cell / 2}" y="{y + 17}" text-anchor="middle" '
                f'fill="#fff" font-size="9">{escape(les.id[:4])}</text>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="Lesions by organ and status" '
        f'font-family="DejaVu Sans, Arial" font-size="11"><title>Lesions by organ and '
        f"status</title>{''.join(body)}</svg>"
    )


def all_figures(case: Case, a: Assessment) -> list[str]:
    return [
        f for f in (lesion_trajectories_svg(case, a), sum_vs_nadir_svg(a), site_grid_svg(a)) if f
    ]
