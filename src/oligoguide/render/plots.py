"""Lesion plots as inline SVG: vector graphics that look the same in the browser and the PDF.

Hand-written SVG rather than a plotting library: three small chart types, no JavaScript, no
fonts or assets to fetch, and identical output in HTML and WeasyPrint. Every plot has a legend,
and nothing is told by colour alone: lines differ by dash pattern and marker shape, the
lesion squares carry their status in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from oligoguide.assess import Assessment
from oligoguide.model.case import Case
from oligoguide.model.vocab import LesionStatus
from oligoguide.response.arithmetic import PD_ABSOLUTE_MM, PD_RELATIVE
from oligoguide.response.recist import lesion_size

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 215, 24, 40
GREY, RED, BLUE, BAND, GREEN = "#8c959f", "#cf222e", "#0969da", "#ddf4ff", "#1a7f37"
SHAPES = ("circle", "square", "triangle", "diamond", "cross")
STATUS_WORDS = {
    LesionStatus.PROGRESSING: "prog.",
    LesionStatus.NEW: "new",
    LesionStatus.STABLE: "stable",
    LesionStatus.RESPONDING: "resp.",
    LesionStatus.DISAPPEARED: "gone",
    LesionStatus.PRESENT: "present",
    LesionStatus.NOT_EVALUABLE: "NE",
    LesionStatus.BASELINE_ONLY: "base",
}
STATUS_COLOURS = {
    LesionStatus.PROGRESSING: RED,
    LesionStatus.NEW: RED,
    LesionStatus.STABLE: "#9a6700",
    LesionStatus.RESPONDING: GREEN,
    LesionStatus.DISAPPEARED: GREEN,
    LesionStatus.PRESENT: GREY,
    LesionStatus.NOT_EVALUABLE: "#6e7781",
    LesionStatus.BASELINE_ONLY: GREY,
}


class Figures(tuple[str, ...]):
    """A case's figures (inline SVG) with the case they were drawn from: the report reads its
    header from the same case, so the plots and the header never describe two patients."""

    case: Case | None

    def __new__(cls, svgs: Iterable[str], case: Case | None = None) -> Figures:
        made = super().__new__(cls, svgs)
        made.case = case
        return made


def marker(shape: str, x: float, y: float, colour: str, size: float = 3.5) -> str:
    """A point drawn as a shape, so lines can be told apart without their colour."""
    if shape == "square":
        return (
            f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" '
            f'height="{2 * size:.1f}" fill="{colour}"/>'
        )
    if shape == "triangle":
        return (
            f'<path d="M{x:.1f},{y - size - 1:.1f} l{size + 1:.1f},{2 * size + 1:.1f} '
            f'h{-2 * size - 2:.1f} z" fill="{colour}"/>'
        )
    if shape == "diamond":
        return (
            f'<path d="M{x:.1f},{y - size - 1:.1f} l{size + 1:.1f},{size + 1:.1f} '
            f'l{-size - 1:.1f},{size + 1:.1f} l{-size - 1:.1f},{-size - 1:.1f} z" '
            f'fill="{colour}"/>'
        )
    if shape == "cross":
        return (
            f'<path d="M{x - size:.1f},{y - size:.1f} l{2 * size:.1f},{2 * size:.1f} '
            f'm0,{-2 * size:.1f} l{-2 * size:.1f},{2 * size:.1f}" stroke="{colour}" '
            f'stroke-width="2"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{colour}"/>'


@dataclass(frozen=True)
class LegendEntry:
    text: str
    colour: str
    dash: str = ""  # an SVG stroke-dasharray; "" solid, "none" no line
    shape: str = ""  # a marker shape, "" none
    width: float = 2.0
    band: bool = False  # a shaded area (therapy band) rather than a line


def legend(
    entries: Sequence[LegendEntry], x: float = WIDTH - RIGHT + 10, y: float = TOP
) -> list[str]:
    """Each entry as a short sample of its line, marker or band, then its words."""
    out = ['<g class="legend" aria-label="legend">']
    for i, e in enumerate(entries):
        row = y + i * 15
        if e.band:
            out.append(
                f'<rect x="{x}" y="{row - 8}" width="22" height="10" fill="{BAND}" '
                f'stroke="{BLUE}" stroke-width="0.5"/>'
            )
        elif e.dash != "none":
            dash = f' stroke-dasharray="{e.dash}"' if e.dash else ""
            out.append(
                f'<line x1="{x}" y1="{row - 3}" x2="{x + 22}" y2="{row - 3}" '
                f'stroke="{e.colour}" stroke-width="{e.width}"{dash}/>'
            )
        if e.shape:
            out.append(marker(e.shape, x + 11, row - 3, e.colour))
        out.append(f'<text x="{x + 28}" y="{row + 1}">{escape(e.text)}</text>')
    return [*out, "</g>"]


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
    entries = []
    for number, lesion in enumerate(case.lesions):
        points = [(m.date, s) for m in lesion.timeline if (s := lesion_size(m)) is not None]
        if not points:
            continue
        hot = lesion.id in progressing
        colour, weight, dash = (RED, 3.0, "") if hot else (GREY, 1.5, "5 3")
        shape = SHAPES[number % len(SHAPES)]
        path = " ".join(f"{axes.x(d):.1f},{axes.y(s):.1f}" for d, s in points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="{weight}"{dash_attr}/>'
        )
        body += [marker(shape, axes.x(d), axes.y(s), colour) for d, s in points]
        body += _treatment_marks(case, lesion.id, axes)
        site = lesion.site.value.replace("_", " ")
        label = f"{lesion.id} {site}" + (" (progressing)" if hot else "")
        entries.append(LegendEntry(label, colour, dash, shape, weight))
    if case.systemic_therapies:
        entries.append(LegendEntry("systemic therapy", BLUE, band=True))
    if case.local_treatments:
        entries.append(LegendEntry("local treatment", BLUE, dash="none", shape="triangle"))
    body += legend(entries)
    return _svg("Lesion diameters over time", body)


def _treatment_marks(case: Case, lesion_id: str, axes: _Axes) -> list[str]:
    out = []
    for t in case.local_treatments_of(lesion_id):
        if axes.start <= t.date <= axes.end:
            x = axes.x(t.date)
            out.append(
                f'<path d="M{x:.1f},{HEIGHT - BOTTOM - 12} l-6,10 h12 z" '
                f'fill="{BLUE}"><title>{escape(lesion_id)}: '
                f"{t.modality.value} {t.date}</title></path>"
            )
    return out


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
        pd = t.overall.value == "PD"
        body.append(
            f"<g><title>{t.date}: {t.sum_mm:g} mm, {t.overall.value}</title>"
            + marker(
                "square" if pd else "circle",
                axes.x(t.date),
                axes.y(t.sum_mm or 0),
                RED if pd else BLUE,
                4.5 if pd else 4,
            )
            + "</g>"
        )
    nadir = " ".join(
        f"{axes.x(t.date):.1f},{axes.y(t.nadir_mm):.1f}" for t in rows if t.nadir_mm is not None
    )
    limit = " ".join(f"{axes.x(d):.1f},{axes.y(v):.1f}" for d, v in thresholds)
    body.append(f'<polyline points="{nadir}" fill="none" stroke="{GREEN}" stroke-dasharray="2 3"/>')
    body.append(f'<polyline points="{limit}" fill="none" stroke="{RED}" stroke-dasharray="6 4"/>')
    entries = [
        LegendEntry("target sum", BLUE, "", "circle", 2.5),
        LegendEntry("nadir before the scan", GREEN, "2 3", width=1.5),
        LegendEntry("PD threshold (+20%, +5 mm)", RED, "6 4", width=1.5),
    ]
    if any(t.overall.value == "PD" for t in rows):
        entries.append(LegendEntry("time point with PD", RED, "none", "square"))
    body += legend(entries)
    return _svg("Sum of target diameters against the nadir and the progression threshold", body)


def site_grid_svg(a: Assessment) -> str:
    """One row per organ, one square per lesion: its colour and its status in words."""
    organs = sorted({les.site.value for les in a.lesions})
    if not organs:
        return ""
    cell_w, cell_h, top = 52, 30, 40
    height = top + 10 + 36 * len(organs)
    shown = list(dict.fromkeys(les.status for les in a.lesions))
    body = [
        f'<rect x="{8 + i * 118}" y="8" width="12" height="12" fill="{STATUS_COLOURS[s]}"/>'
        f'<text x="{24 + i * 118}" y="18">{escape(STATUS_WORDS[s])}: '
        f"{escape(s.value.replace('_', ' '))}</text>"
        for i, s in enumerate(shown)
    ]
    for row, organ in enumerate(organs):
        y = top + row * 36
        body.append(f'<text x="8" y="{y + 19}">{escape(organ.replace("_", " "))}</text>')
        for col, les in enumerate(x for x in a.lesions if x.site.value == organ):
            x = 120 + col * (cell_w + 6)
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" rx="4" '
                f'fill="{STATUS_COLOURS[les.status]}"><title>{escape(les.id)}: '
                f'{les.status.value}</title></rect><text x="{x + cell_w / 2}" y="{y + 12}" '
                f'text-anchor="middle" fill="#fff" font-size="10" font-weight="bold">'
                f'{escape(les.id[:6])}</text><text x="{x + cell_w / 2}" y="{y + 25}" '
                f'text-anchor="middle" fill="#fff" font-size="9">'
                f"{escape(STATUS_WORDS[les.status])}</text>"
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="Lesions by organ and status" '
        f'font-family="DejaVu Sans, Arial" font-size="11"><title>Lesions by organ and '
        f"status</title>{''.join(body)}</svg>"
    )


def all_figures(case: Case, a: Assessment) -> Figures:
    """The report's plots of this case, carrying the case for the report's header."""
    plots = (lesion_trajectories_svg(case, a), sum_vs_nadir_svg(a), site_grid_svg(a))
    return Figures((f for f in plots if f), case)
