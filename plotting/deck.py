"""Decks: the slides of a meeting, shown on the Present page and exported as files.

A deck is built from plain choices (a `DeckSpec`: two axes, filters, an ordered list of
partnerships, options), so it can live in session state and in a URL. Each slide is a
plain record; its figure is drawn on demand. The same deck becomes a PowerPoint file
(python-pptx: a title slide, then each slide's chart, title and the rationales in the
speaker notes), a multi-page PDF report and one offline HTML page.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import io
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from plotting import analysis, export, figures
from plotting.analysis import ALL, PortfolioFilter
from plotting.model import Axis, Dataset
from plotting.text import plotly_text

if TYPE_CHECKING:
    from pptx.slide import Slide as PptxSlide
    from pptx.text.text import TextFrame

SLIDE_KINDS = ("portfolio", "course", "perspectives", "ranking")
#: Themes for projectors: a light one, and white-on-black for washed-out screens.
THEMES = {"light": "Light", "contrast": "High contrast"}
#: How many partnerships the disagreement ranking lists.
RANKING_TOP = 10
#: Presenting (the Present page): large type for a room, and markers to match.
PRESENT_FONT = 19
PRESENT_MARKERS = 1.5
#: The chart's size (CSS px) on the smallest screen a deck is presented on, 1280 × 720 (a
#: 720p projector; measured in Chromium with the sidebar closed). Presented slides fit
#: their labels to it, so names never pile up there, and larger screens (1920 × 1080
#: draws 1800 × 868) only leave more room.
PRESENT_CHART = (1160, 578)


@dataclass(frozen=True)
class DeckSpec:
    """What a facilitator chose: axes, filters, partnerships in order, and options.

    Plain values only, so a spec fits in session state and in a shared link.
    """

    x: str
    y: str
    partnership_ids: tuple[str, ...] = ()
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    perspective: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    ranking: bool = False
    blind: bool = False
    title: str = "Plotting Partnerships"

    @property
    def filter(self) -> PortfolioFilter:
        """The portfolio filter these choices describe."""
        return PortfolioFilter(
            columns={k: list(v) for k, v in self.columns.items() if v},
            perspective=self.perspective or ALL,
            start=pd.Timestamp(self.start) if self.start else None,
            end=pd.Timestamp(self.end) if self.end else None,
        )


@dataclass(frozen=True)
class Slide:
    """One slide: what it shows, its title, and its speaker notes (plain text)."""

    kind: str
    title: str
    partnership_id: str | None = None
    subtitle: str = ""
    notes: str = ""
    #: Blind, then reveal: the perspectives stay hidden until the facilitator reveals them.
    blind: bool = False


# ---- building the deck -------------------------------------------------------------------


def _issue3() -> tuple[ModuleType, ModuleType] | None:
    """The course and views modules (issue 3), when present: they draw the richer slides.

    Without them the deck falls back to the partnership map and leaves the ranking out.
    """
    try:
        from plotting import course, views
    except ImportError:
        return None
    return course, views


def build_deck(dataset: Dataset, spec: DeckSpec) -> list[Slide]:
    """The slides: the portfolio, each partnership's course and perspectives, the ranking.

    The disagreement ranking comes last when asked for. In blind mode a partnership
    opens on its perspectives (hidden until revealed), then shows its course, so that
    nobody sees a position before the discussion.
    """
    x_axis, y_axis = dataset.axis(spec.x), dataset.axis(spec.y)
    slides = [_portfolio_slide(dataset, spec, x_axis, y_axis)]
    known = set(dataset.partnerships["partnership_id"])
    for pid in spec.partnership_ids:
        if pid not in known:
            continue
        course = _course_slide(dataset, spec, pid, x_axis, y_axis)
        views = _perspectives_slide(dataset, spec, pid, x_axis, y_axis)
        slides.extend([views, course] if spec.blind else [course, views])
    if spec.ranking and _issue3():
        slides.append(_ranking_slide(dataset, spec))
    return slides


def move(ids: Sequence[str], index: int, delta: int) -> list[str]:
    """The list with one item moved `delta` places (kept within the list)."""
    out = list(ids)
    if not 0 <= index < len(out):
        return out
    target = min(max(index + delta, 0), len(out) - 1)
    out.insert(target, out.pop(index))
    return out


def describe_filter(spec: DeckSpec) -> str:
    """The filters in words, e.g. 'Sector: Sanitation · as seen by donor · up to 2024-05-01'."""
    parts = [f"{col.capitalize()}: {', '.join(vals)}" for col, vals in spec.columns.items() if vals]
    if spec.perspective and spec.perspective != ALL:
        parts.append(f"as seen by {spec.perspective}")
    if spec.start and spec.end:
        parts.append(f"placements from {spec.start:%Y-%m-%d} to {spec.end:%Y-%m-%d}")
    elif spec.start:
        parts.append(f"placements from {spec.start:%Y-%m-%d}")
    elif spec.end:
        parts.append(f"placements up to {spec.end:%Y-%m-%d}")
    return " · ".join(parts)


def _in_app_order(dataset: Dataset, names: pd.Series) -> list[str]:
    """Perspectives in the order the app lists them (standard ones first)."""
    used = set(names)
    return [p for p in dataset.perspectives if p in used]


def _count(n: int, noun: str) -> str:
    """'1 perspective', '3 perspectives'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def position_words(axis: Axis, value: float) -> str:
    """A position in the poles' language, e.g. '1.5 toward Informing policy'."""
    if abs(value) < 0.05:
        return f"balanced between {axis.low_pole} and {axis.high_pole}"
    return f"{abs(value):.1f} toward {axis.pole(value)}"


def _portfolio_points(dataset: Dataset, spec: DeckSpec) -> pd.DataFrame:
    """The portfolio slide's points: each partnership at its partners' median, or one view."""
    flt = spec.filter
    if flt.perspective and flt.perspective != ALL:
        return analysis.portfolio_points(dataset, spec.x, spec.y, flt)
    return analysis.consensus_points(dataset, spec.x, spec.y, flt)


def _portfolio_slide(dataset: Dataset, spec: DeckSpec, x_axis: Axis, y_axis: Axis) -> Slide:
    points = _portfolio_points(dataset, spec)
    n = points["partnership_id"].nunique() if len(points) else 0
    one_view = spec.perspective and spec.perspective != ALL
    subtitle = (
        f"{_count(n, 'partnership')} as seen by {spec.perspective}"
        if one_view
        else f"{_count(n, 'partnership')}, each at the median of its partners' latest views"
    )
    lines = [f"{subtitle}.", f"Horizontal: {x_axis.label}. Vertical: {y_axis.label}."]
    if flt := describe_filter(spec):
        lines.append(f"Filters: {flt}.")
    lines += [
        f"- {row['name']}: {position_words(x_axis, row[spec.x])}; "
        f"{position_words(y_axis, row[spec.y])}"
        for _, row in points.iterrows()
    ]
    return Slide("portfolio", "The portfolio", subtitle=subtitle, notes="\n".join(lines))


def _placement_line(row: pd.Series, x_axis: Axis, y_axis: Axis) -> str:
    """One placement for the speaker notes: who, when, where, and why."""
    where = [
        position_words(axis, float(row[axis.axis_id]))
        for axis in (x_axis, y_axis)
        if pd.notna(row.get(axis.axis_id))
    ]
    note = str(row.get("note") or "").strip()
    head = f"- {row['date']:%Y-%m-%d} · {row['perspective']} ({row['kind']})"
    return head + (f" [{'; '.join(where)}]" if where else "") + (f": {note}" if note else "")


def course_perspective(placements: pd.DataFrame, spec: DeckSpec) -> str:
    """Whose course a course slide follows: the chosen perspective, else the consensus.

    The chosen perspective only counts when it placed this partnership.
    """
    chosen = spec.perspective
    if chosen and chosen != ALL and placements["perspective"].eq(chosen).any():
        return chosen
    return CONSENSUS


#: The course of all perspectives together (issue 3's name for it).
CONSENSUS = "consensus"


def _course_slide(dataset: Dataset, spec: DeckSpec, pid: str, x_axis: Axis, y_axis: Axis) -> Slide:
    name = dataset.partnership_name(pid)
    placements = analysis.partnership_placements(dataset, pid)
    who = course_perspective(placements, spec)
    own = placements if who == CONSENSUS else placements.loc[placements["perspective"].eq(who)]
    # The chart draws placements with a value on both axes: the dates and the first list
    # of rationales are those; every other rationale of the partnership follows, so that
    # notes and reports are complete.
    rows = own.dropna(subset=[spec.x, spec.y])
    summary, label = "", "all perspectives" if who == CONSENSUS else who
    dates = rows.loc[rows["kind"].eq("actual"), "date"]
    if mods := _issue3():
        cr, _ = mods
        course = cr.perspective_course(placements, who, [spec.x, spec.y])
        target = cr.course_target(placements, who, [spec.x, spec.y])
        summary = cr.course_summary(course, target, x_axis, y_axis, name=name, perspective=who)
        label = cr.perspective_label(who)
        dates = course["date"]
    subtitle = (
        f"The course of {label}, {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}"
        if len(dates)
        else "No placements on these axes yet"
    )
    lines = [summary or f"{name}: where it has been and where it wants to go.", "", "Rationales:"]
    lines += [_placement_line(r, x_axis, y_axis) for _, r in rows.iterrows()]
    others = placements.loc[~placements.index.isin(rows.index)]
    if len(others):
        lines.append("Not on this chart (another perspective, or an axis left blank):")
        lines += [_placement_line(r, x_axis, y_axis) for _, r in others.iterrows()]
    return Slide("course", f"{name}: its course", pid, subtitle, "\n".join(lines))


def _perspectives_slide(
    dataset: Dataset, spec: DeckSpec, pid: str, x_axis: Axis, y_axis: Axis
) -> Slide:
    name = dataset.partnership_name(pid)
    placements = analysis.partnership_placements(dataset, pid)
    actual = analysis.latest(
        placements.loc[placements["kind"].eq("actual")], [spec.x, spec.y], by=("perspective",)
    )
    target = analysis.latest(
        placements.loc[placements["kind"].eq("target")], [spec.x, spec.y], by=("perspective",)
    )
    who = _in_app_order(dataset, actual["perspective"])
    summary = ""
    if mods := _issue3():
        cr, _ = mods
        every_axis = cr.latest_views(placements, dataset.axis_ids)
        summary = cr.perspectives_summary(
            every_axis,
            cr.divergence(every_axis, dataset.axes),
            dataset.axes,
            name=name,
            map_positions=cr.perspective_positions(placements, [spec.x, spec.y]),
            map_axes=(x_axis, y_axis),
        )
    subtitle = (
        f"{_count(len(who), 'perspective')}: {', '.join(who)}" if who else "No perspectives yet"
    )
    lines = [summary or f"{name}: how each partner sees it now.", "", "Rationales:"]
    lines += [_placement_line(r, x_axis, y_axis) for _, r in actual.iterrows()]
    if len(target):
        lines.append("Targets:")
        lines += [_placement_line(r, x_axis, y_axis) for _, r in target.iterrows()]
    return Slide(
        "perspectives", f"{name}: perspectives", pid, subtitle, "\n".join(lines), spec.blind
    )


def _ranking_slide(dataset: Dataset, spec: DeckSpec) -> Slide:
    cr, _ = _issue3() or (None, None)
    ranking = cr.disagreement_ranking(dataset, spec.filter)
    ranked = ranking.dropna(subset=["divergence"])
    shown = ranked.head(RANKING_TOP)
    subtitle = f"Divergence from the partners' consensus across all {len(dataset.axes)} axes" + (
        f": the top {len(shown)} of {len(ranked)}" if len(ranked) > len(shown) else ""
    )
    lines = [cr.ranking_summary(ranking, dataset.axes), ""]
    lines += [
        f"{r['rank']}. {r['name']}: {r['divergence']:.2f} ({r['n_perspectives']} perspectives), "
        f"most divided on {r['axis']}"
        for _, r in shown.iterrows()
    ]
    return Slide(
        "ranking", "Where partners disagree most", subtitle=subtitle, notes="\n".join(lines)
    )


# ---- drawing a slide ---------------------------------------------------------------------


def slide_figure(
    dataset: Dataset,
    spec: DeckSpec,
    slide: Slide,
    *,
    revealed: bool = True,
    theme: str = "light",
    font_size: int = 13,
    marker_scale: float = 1.0,
    height: int = 640,
    width: int | None = None,
) -> go.Figure:
    """The chart of one slide, in a theme; a blind slide shows no positions until revealed.

    `font_size` sets the type (about 19 reads from the back of a room on a projector) and
    `marker_scale` enlarges the markers to match. `width`, when known (an exported image,
    or the smallest screen a deck is presented on), lets the maps name as many points as
    fit in `width` × `height` (`figures.choose_labels`); on the portfolio slide the deck's
    partnerships are named first.
    """
    x_axis, y_axis = dataset.axis(spec.x), dataset.axis(spec.y)
    # The maps get a taller top margin below (room for the legend in large type): they
    # are built that much shorter, so that they fit their labels to the plot area drawn.
    top = figures.tension_margin(None, font_size)[2]
    legend_room = 0 if slide.kind == "ranking" else max(round(font_size * 3.4) - top, 0)
    size = {"height": height - legend_room, "font_size": font_size}
    pid = slide.partnership_id or ""
    if slide.kind == "portfolio":
        points = _portfolio_points(dataset, spec)
        color_by = "sector" if "sector" in points.columns else None
        fig = figures.portfolio_map(
            points,
            x_axis,
            y_axis,
            color_by=color_by,
            width=width,
            label_first=spec.partnership_ids,
            marker_scale=marker_scale,
            **size,
        )
        fig.update_layout(dragmode=False)
    elif slide.kind == "ranking":
        fig = _ranking_figure(dataset, spec, **size)
    elif slide.blind and not revealed:
        fig = _blind_figure(dataset, spec, pid, x_axis, y_axis, **size)
    elif slide.kind == "course":
        fig = _course_figure(dataset, spec, pid, x_axis, y_axis, width=width, **size)
    else:
        fig = _perspectives_figure(dataset, spec, pid, x_axis, y_axis, width=width, **size)
    if slide.kind != "ranking":
        # Room above the map for a legend in large type, so it never covers the plot.
        top = fig.layout.margin.t or 0
        fig.update_layout(margin_t=top + legend_room, height=height)
    return apply_theme(fig, theme, marker_scale=marker_scale)


def _course_figure(
    dataset: Dataset,
    spec: DeckSpec,
    pid: str,
    x_axis: Axis,
    y_axis: Axis,
    *,
    height: int,
    font_size: int,
    width: int | None = None,
) -> go.Figure:
    """A partnership's course over time toward its target (issue 3's course map)."""
    placements = analysis.partnership_placements(dataset, pid)
    name = dataset.partnership_name(pid)
    if mods := _issue3():
        cr, views = mods
        who = course_perspective(placements, spec)
        axes = [spec.x, spec.y]
        return views.course_map(
            cr.perspective_course(placements, who, axes),
            x_axis,
            y_axis,
            target=cr.course_target(placements, who, axes),
            perspective=who,
            name=name,
            order=dataset.perspectives,
            height=height,
            font_size=font_size,
            width=width,
        )
    return figures.partnership_map(
        placements,
        x_axis,
        y_axis,
        name=name,
        perspectives=dataset.perspectives,
        width=width,
        **_size(height, font_size),
    )


def _perspectives_figure(
    dataset: Dataset,
    spec: DeckSpec,
    pid: str,
    x_axis: Axis,
    y_axis: Axis,
    *,
    height: int,
    font_size: int,
    width: int | None = None,
) -> go.Figure:
    """Each perspective's latest placement and their consensus (issue 3's map)."""
    placements = analysis.partnership_placements(dataset, pid)
    name = dataset.partnership_name(pid)
    if mods := _issue3():
        cr, views = mods
        return views.perspectives_map(
            cr.perspective_positions(placements, [spec.x, spec.y]),
            x_axis,
            y_axis,
            name=name,
            order=dataset.perspectives,
            height=height,
            font_size=font_size,
            width=width,
        )
    return figures.partnership_map(
        placements,
        x_axis,
        y_axis,
        name=name,
        perspectives=dataset.perspectives,
        width=width,
        **_size(height, font_size),
    )


def _size(height: int, font_size: int) -> dict[str, int]:
    """Keyword arguments for a builder's size."""
    return {"height": height, "font_size": font_size}


def _ranking_figure(dataset: Dataset, spec: DeckSpec, *, height: int, font_size: int) -> go.Figure:
    """The partnerships whose partners disagree most, most divided on top."""
    cr, views = _issue3() or (None, None)
    ranking = cr.disagreement_ranking(dataset, spec.filter).dropna(subset=["divergence"])
    shown = ranking.head(RANKING_TOP)
    rows = max(len(shown), 1)
    fig = views.disagreement_chart(
        shown,
        cr.divergence_by_axis(dataset, spec.filter),
        dataset.axes,
        row_height=max(24, (height - 200) // rows),
        font_size=font_size,
    )
    fig.update_yaxes(automargin=True)
    return fig.update_layout(height=height)


def _blind_figure(
    dataset: Dataset,
    spec: DeckSpec,
    pid: str,
    x_axis: Axis,
    y_axis: Axis,
    *,
    height: int,
    font_size: int,
) -> go.Figure:
    """The empty map with who placed it, but not where: partners discuss first."""
    rows = analysis.partnership_placements(dataset, pid)
    actual = analysis.latest(
        rows.loc[rows["kind"].eq("actual")], [spec.x, spec.y], by=("perspective",)
    )
    who = _in_app_order(dataset, actual["perspective"])
    fig = figures.tension_map(x_axis, y_axis, height=height, font_size=font_size)
    text = "<b>Perspectives hidden</b><br>Discuss first: where would you put it?"
    if who:
        text += "<br><br>" + plotly_text(f"Placed by {len(who)}: {', '.join(who)}", width=48)
    fig.add_annotation(
        x=0,
        y=0,
        text=text,
        showarrow=False,
        align="center",
        name="blind",
        font={"size": font_size + 4, "color": "#1F2A37"},
        bgcolor="rgba(255,255,255,0.92)",
        bordercolor="#9AA4B2",
        borderwidth=1,
        borderpad=14,
    )
    return fig


def slide_table(dataset: Dataset, spec: DeckSpec, slide: Slide) -> pd.DataFrame:
    """The table behind a slide's chart, with readable column names (for CSV exports)."""
    x_axis, y_axis = dataset.axis(spec.x), dataset.axis(spec.y)
    labels = {
        spec.x: x_axis.label,
        spec.y: y_axis.label,
        "name": "Partnership",
        "note": "Rationale",
        "n_perspectives": "Perspectives",
        "perspective": "Perspective",
        "date": "Date",
        "kind": "Kind",
        "spread": "Uncertainty (±)",
        "country": "Country",
        "sector": "Sector",
        "arrangement": "Arrangement",
    }
    if slide.kind == "portfolio":
        frame = _portfolio_points(dataset, spec)
        cols = [
            "name",
            "country",
            "sector",
            "arrangement",
            "perspective",
            "n_perspectives",
            "date",
            spec.x,
            spec.y,
            "note",
        ]
    elif slide.kind == "ranking":
        cr, _ = _issue3() or (None, None)
        frame = cr.disagreement_ranking(dataset, spec.filter)
        labels |= {
            "rank": "Rank",
            "divergence": "Divergence (all axes)",
            "axis": "Most divided on",
            "axis_divergence": "Divergence there",
        }
        cols = ["rank", "name", "n_perspectives", "divergence", "axis", "axis_divergence"]
    else:
        frame = analysis.partnership_placements(dataset, slide.partnership_id or "")
        frame = frame.dropna(subset=[spec.x, spec.y], how="all").assign(
            name=dataset.partnership_name(slide.partnership_id or "")
        )
        cols = ["name", "date", "perspective", "kind", spec.x, spec.y, "spread", "note"]
    return frame[[c for c in cols if c in frame.columns]].rename(columns=labels)


# ---- themes ------------------------------------------------------------------------------

#: Colours swapped in the high-contrast theme (white on black; dark blue becomes sky blue).
_CONTRAST_COLOURS = {
    "white": "#000000",
    "#ffffff": "#000000",
    "#000000": "#FFFFFF",
    "#1f2a37": "#FFFFFF",
    "#111827": "#FFFFFF",
    "#4b5563": "#D1D5DB",
    "#d6dce4": "#4B5563",
    "#eef1f5": "#374151",
    "#f3f6fa": "#111827",
    "#f8fafc": "#0B0F14",
    "rgba(255,255,255,0.85)": "rgba(0,0,0,0.85)",
    "#374151": "#F3F4F6",
    "#5b6573": "#E5E7EB",
    "#6b7280": "#D1D5DB",
    "#9aa4b2": "#E5E7EB",
    "#999999": "#C8C8C8",
    "#0072b2": "#56B4E9",
    "#56b4e9": "#A6DCF7",
    "#b42318": "#FF7A6E",
    "#e5e7eb": "#4B5563",
    "#eaf2fa": "#0B2133",
    "#f2eef8": "#22162E",
    "#edf6f0": "#0D2618",
    "#fbf3ea": "#2E200E",
    "rgba(120,130,145,0.12)": "rgba(255,255,255,0.22)",
    "rgba(255,255,255,0.92)": "rgba(0,0,0,0.9)",
}


def apply_theme(
    fig: go.Figure, theme: str = "light", *, font_scale: float = 1.0, marker_scale: float = 1.0
) -> go.Figure:
    """The figure in a theme, with fonts and markers scaled (large type for a room)."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; use one of {', '.join(THEMES)}")
    if theme == "light" and font_scale == 1.0 and marker_scale == 1.0:
        return fig
    spec = copy.deepcopy(fig.to_plotly_json())
    _restyle(spec, theme == "contrast", {"font": font_scale, "marker": marker_scale})
    out = go.Figure(spec)
    if theme == "contrast":
        out.update_layout(
            paper_bgcolor="#000000",
            plot_bgcolor="#000000",
            font_color="#FFFFFF",
            hoverlabel_bgcolor="#000000",
        )
    return out


def _restyle(node: object, contrast: bool, scales: dict[str, float], key: str = "") -> object:
    """Walk a figure's JSON: swap colours (contrast) and scale font and marker sizes."""
    if isinstance(node, dict):
        scale = (
            scales["font"] if key.endswith("font") else scales["marker"] if key == "marker" else 1.0
        )
        for k, v in node.items():
            if k == "size" and scale != 1.0 and isinstance(v, int | float):
                node[k] = round(v * scale, 1)
            elif contrast and k.endswith("color"):
                node[k] = _swap_colour(v)
            else:
                node[k] = _restyle(v, contrast, scales, k)
        return node
    if isinstance(node, list):
        return [_restyle(v, contrast, scales, key) for v in node]
    return node


def _swap_colour(value: object) -> object:
    """A colour (or list of colours) in the high-contrast theme."""
    if isinstance(value, str):
        return _CONTRAST_COLOURS.get(value.replace(" ", "").lower(), value)
    if isinstance(value, list | tuple):
        return [_swap_colour(v) for v in value]
    return value


# ---- exports of the whole deck -----------------------------------------------------------

#: PowerPoint widescreen, in EMU (914400 per inch).
_EMU = 914400
_SLIDE_W, _SLIDE_H = int(13.333 * _EMU), int(7.5 * _EMU)
#: The picture's pixel size on a slide (drawn at scale 2 for sharp projection).
DECK_IMAGE = export.ImageSize(1500, 780, 1.5)


def slide_images(
    dataset: Dataset,
    spec: DeckSpec,
    slides: Sequence[Slide],
    fmt: str = "png",
    size: export.ImageSize = DECK_IMAGE,
    theme: str = "light",
    font_size: int = 16,
) -> list[bytes]:
    """Each slide's chart as an image (every perspective revealed: exports come after)."""
    return [
        export.to_image(
            slide_figure(
                dataset,
                spec,
                s,
                theme=theme,
                height=size.height,
                width=size.width,
                font_size=font_size,
                marker_scale=1.25,
            ),
            fmt,
            size,
        )
        for s in slides
    ]


def deck_pptx(
    dataset: Dataset,
    spec: DeckSpec,
    slides: Sequence[Slide],
    *,
    theme: str = "light",
    images: Sequence[bytes] | None = None,
) -> bytes:
    """A PowerPoint file: a title slide, then each slide's title, chart and notes."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Pt

    images = (
        list(images) if images is not None else slide_images(dataset, spec, slides, theme=theme)
    )
    dark = theme == "contrast"
    ink = RGBColor(0xFF, 0xFF, 0xFF) if dark else RGBColor(0x1F, 0x2A, 0x37)
    muted = RGBColor(0xD1, 0xD5, 0xDB) if dark else RGBColor(0x5B, 0x65, 0x73)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(_SLIDE_W), Emu(_SLIDE_H)
    prs.core_properties.title = _clean(spec.title)
    prs.core_properties.subject = "Plotting Partnerships deck"

    def paint(slide: PptxSlide) -> None:
        if dark:
            fill = slide.background.fill
            fill.solid()
            fill.fore_color.rgb = RGBColor(0, 0, 0)

    def style(frame: TextFrame, size: int, colour: RGBColor, bold: bool = False) -> None:
        for paragraph in frame.paragraphs:
            for run in paragraph.runs:
                run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, colour

    first = prs.slides.add_slide(prs.slide_layouts[0])
    paint(first)
    first.shapes.title.text = _clean(spec.title)
    style(first.shapes.title.text_frame, 40, ink, bold=True)
    x_axis, y_axis = dataset.axis(spec.x), dataset.axis(spec.y)
    sub = [
        f"{x_axis.label}  ×  {y_axis.label}",
        f"{len(slides)} slides · {dt.date.today():%d %B %Y}",
    ]
    if flt := describe_filter(spec):
        sub.insert(1, flt)
    first.placeholders[1].text = _clean("\n".join(sub))
    style(first.placeholders[1].text_frame, 18, muted)
    first.notes_slide.notes_text_frame.text = _clean(_deck_outline(slides))

    margin = int(0.45 * _EMU)
    for number, (slide, png) in enumerate(zip(slides, images, strict=True), start=1):
        page = prs.slides.add_slide(prs.slide_layouts[5])  # Title Only
        paint(page)
        title = page.shapes.title
        title.left, title.top = Emu(margin), Emu(int(0.25 * _EMU))
        title.width, title.height = Emu(_SLIDE_W - 2 * margin), Emu(int(0.8 * _EMU))
        title.text = _clean(slide.title)
        title.text_frame.word_wrap = True
        for paragraph in title.text_frame.paragraphs:
            paragraph.alignment = PP_ALIGN.LEFT
        style(title.text_frame, 28, ink, bold=True)
        box = page.shapes.add_textbox(
            Emu(margin), Emu(int(1.0 * _EMU)), Emu(_SLIDE_W - 2 * margin), Emu(int(0.4 * _EMU))
        )
        box.text_frame.text = _clean(f"{slide.subtitle}    ·    {number} / {len(slides)}")
        style(box.text_frame, 14, muted)
        width_px, height_px = export.image_dimensions(png)
        top = int(1.45 * _EMU)
        avail_w, avail_h = _SLIDE_W - 2 * margin, _SLIDE_H - top - int(0.2 * _EMU)
        scale = min(avail_w / width_px, avail_h / height_px)
        w, h = int(width_px * scale), int(height_px * scale)
        page.shapes.add_picture(io.BytesIO(png), Emu((_SLIDE_W - w) // 2), Emu(top), Emu(w), Emu(h))
        page.notes_slide.notes_text_frame.text = _clean(slide.notes)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _clean(text: str) -> str:
    """Text for a slide, a report or a page: no control characters (XML cannot hold them)."""
    return export.clean_text(str(text))


def _e(text: str) -> str:
    """Text for HTML: cleaned, then escaped (user text is data, never markup)."""
    return html.escape(_clean(text))


def _deck_outline(slides: Sequence[Slide]) -> str:
    """The list of slides, for the title slide's notes."""
    return "\n".join(f"{i}. {s.title}" for i, s in enumerate(slides, start=1))


_REPORT_CSS = """
@page { size: A4 landscape; margin: 11mm 13mm; }
* { box-sizing: border-box; }
/* A long unbroken word (a pasted link, an id) wraps instead of widening the page. */
body, h1, h2, p, li, .notes { overflow-wrap: anywhere; }
body { font-family: 'Liberation Sans', 'DejaVu Sans', Arial, sans-serif; color: #1F2A37;
       margin: 0; }
section { page-break-after: always; break-after: page; }
section:last-child { page-break-after: auto; break-after: auto; }
.cover { display: flex; flex-direction: column; justify-content: center; padding: 0 10mm;
         height: 186mm; }
.cover h1 { font-size: 34pt; margin: 0 0 6mm; }
.cover p { font-size: 14pt; color: #5B6573; margin: 0 0 3mm; }
.cover ol { font-size: 12pt; columns: 2; margin-top: 8mm; }
table.slide { width: 100%; border-collapse: collapse; }
table.slide td { padding: 0; vertical-align: top; }
header { display: flex; justify-content: space-between; align-items: baseline;
         border-bottom: 1.5pt solid #0072B2; margin-bottom: 4mm; }
header h2 { font-size: 20pt; margin: 0 0 1.5mm; }
header span { font-size: 10pt; color: #5B6573; white-space: nowrap; padding-left: 6mm; }
.subtitle { font-size: 11pt; color: #5B6573; margin: 0 0 3mm; }
.body { display: flow-root; }
.chart { float: left; width: 62%; margin: 0 6mm 3mm 0; break-inside: avoid; }
.chart svg { width: 100%; height: auto; display: block; }
.notes { font-size: 9pt; line-height: 1.35; }
.notes h3 { font-size: 10pt; text-transform: uppercase; letter-spacing: .06em; color: #5B6573;
            margin: 0 0 2mm; }
.notes p { margin: 0 0 1.6mm; break-inside: avoid; }
.notes p.group { font-weight: 700; margin-top: 2.4mm; }
"""


def report_html(
    dataset: Dataset, spec: DeckSpec, slides: Sequence[Slide], svgs: Sequence[bytes]
) -> str:
    """The PDF report's page: a cover, then each slide with its chart and rationales."""
    x_axis, y_axis = dataset.axis(spec.x), dataset.axis(spec.y)
    e = _e
    cover = [
        f"<h1>{e(spec.title)}</h1>",
        f"<p>{e(x_axis.label)} &nbsp;×&nbsp; {e(y_axis.label)}</p>",
    ]
    if flt := describe_filter(spec):
        cover.append(f"<p>{e(flt)}</p>")
    cover.append(f"<p>{len(slides)} slides · {dt.date.today():%d %B %Y}</p>")
    cover.append("<ol>" + "".join(f"<li>{e(s.title)}</li>" for s in slides) + "</ol>")
    pages = [f'<section class="cover">{"".join(cover)}</section>']
    for number, (slide, svg) in enumerate(zip(slides, svgs, strict=True), start=1):
        notes = "".join(_note_paragraph(line) for line in slide.notes.splitlines() if line.strip())
        # A table, so that Chromium repeats the slide's header (its thead) on every page
        # its rationales continue onto.
        pages.append(
            '<section><table class="slide"><thead><tr><td>'
            f"<header><h2>{e(slide.title)}</h2><span>{number} / {len(slides)}</span></header>"
            "</td></tr></thead><tbody><tr><td>"
            f'<p class="subtitle">{e(slide.subtitle)}</p>'
            f'<div class="body"><div class="chart">{_svg_body(svg)}</div>'
            f'<div class="notes"><h3>In words</h3>{notes}</div></div>'
            "</td></tr></tbody></table></section>"
        )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(spec.title)}'
        f"</title><style>{_REPORT_CSS}</style></head><body>{''.join(pages)}</body></html>"
    )


def _note_paragraph(line: str) -> str:
    """One line of a slide's notes as a report paragraph (list headings in bold)."""
    heading = line.rstrip().endswith(":") and not line.startswith("- ")
    return f'<p class="group">{_e(line)}</p>' if heading else f"<p>{_e(line)}</p>"


def _svg_body(svg: bytes) -> str:
    """An exported SVG ready to sit inline in HTML (kaleido writes a bare <svg> element)."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


#: The report's chart size: close to the chart column's shape on an A4 landscape page.
REPORT_IMAGE = export.ImageSize(1000, 860, 1.0)


def deck_pdf(dataset: Dataset, spec: DeckSpec, slides: Sequence[Slide]) -> bytes:
    """The deck as a multi-page PDF report (vector charts, selectable text).

    The charts come from the export browser as SVG; one headless Chromium run prints
    the report page, as nothing else in the stack writes multi-page PDFs.
    """
    svgs = slide_images(dataset, spec, slides, "svg", REPORT_IMAGE, font_size=17)
    return print_pdf(report_html(dataset, spec, slides, svgs))


def print_pdf(page: str, timeout: float = 120) -> bytes:
    """Print a self-contained HTML page to PDF with headless Chromium (no network)."""
    if export.external_references(page):
        raise ValueError("the report page must not load anything from the network")
    with tempfile.TemporaryDirectory(prefix="pp-report-") as tmp:
        source, target = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        source.write_text(page, encoding="utf-8")
        cmd = [
            export.chromium_path(),
            "--headless",
            *export.CHROMIUM_ARGS,
            "--no-pdf-header-footer",
            "--hide-scrollbars",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        run = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        if not target.exists() or target.stat().st_size == 0:
            raise RuntimeError(f"Chromium did not print the report: {run.stderr[-500:]!r}")
        return target.read_bytes()


def deck_html(dataset: Dataset, spec: DeckSpec, slides: Sequence[Slide]) -> str:
    """The whole deck as one offline HTML page: interactive charts, titles and rationales."""
    e = _e
    parts = []
    for number, slide in enumerate(slides, start=1):
        fig = export.clean_figure(slide_figure(dataset, spec, slide, height=640))
        div = pio.to_html(
            fig,
            include_plotlyjs=False,
            full_html=False,
            config={"displaylogo": False, "responsive": True},
        )
        notes = "".join(
            f"<li>{e(line.lstrip('- '))}</li>" for line in slide.notes.splitlines() if line.strip()
        )
        parts.append(
            f"<section><h2><span>{number}</span> {e(slide.title)}</h2>"
            f'<p class="sub">{e(slide.subtitle)}</p>{div}'
            f"<details><summary>Rationales</summary><ul>{notes}</ul></details></section>"
        )
    script = f'<script type="text/javascript">{get_plotlyjs()}</script>'
    head = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(spec.title)}'
        '</title><meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font-family:system-ui,'Segoe UI',Arial,sans-serif;color:#1F2A37;"
        "max-width:1100px;margin:0 auto;padding:24px}h1{font-size:30px}h2{font-size:24px;"
        "margin:40px 0 4px}h2 span{color:#0072B2}.sub{color:#5B6573;margin:0 0 8px}"
        "section{border-top:1px solid #E5E7EB}details{margin:8px 0 24px}"
        "summary{cursor:pointer;font-weight:600}li{margin:4px 0}</style>"
        f"{script}</head><body>"
    )
    intro = f"<h1>{e(spec.title)}</h1>"
    if flt := describe_filter(spec):
        intro += f'<p class="sub">{e(flt)}</p>'
    return export.escape_raw_controls(head + intro + "".join(parts) + "</body></html>")
