"""Plotly figure builders, the plotly.express way: data first, options after, a Figure back.

Every builder draws on the same tension map: two axes from -5 to +5, each pole named at
its end, the centre marked as balance, the quadrants shaded and named. User text reaches
Plotly only through `plotly_text` (escaped), and hover templates refer to it through
`customdata`/`meta`, never by pasting it into the template.
"""

from __future__ import annotations

import copy
import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pyarrow as pa
import pyarrow.compute as pc

from plotting.kept import Kept, arrow_text
from plotting.model import POSITION_MAX, POSITION_MIN, Axis
from plotting.text import plotly_text

#: Okabe–Ito: distinguishable with every common colour-vision deficiency.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#999999",
    "#000000",
    "#F0E442",
)
#: Symbols paired with colours, so that nothing is told by colour alone (up to the WebGL
#: threshold; denser maps are plain dots, see portfolio_map).
SYMBOLS = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "pentagon",
    "hexagon",
    "triangle-down",
    "star-square",
    "cross",
)
QUADRANT_FILLS = ("#EAF2FA", "#F2EEF8", "#EDF6F0", "#FBF3EA")  # tl, tr, bl, br
RANGE = (POSITION_MIN - 0.6, POSITION_MAX + 0.6)
#: Above this many points, scatter traces use WebGL.
WEBGL_THRESHOLD = 1000
#: Spacing of the invisible click grid: about 9 px on a typical map, fine enough to place
#: by clicking, coarse enough (51 × 51 points) to draw fast.
GRID_STEP = 0.2
#: Slider resolution: one decimal, as practitioners write positions.
SLIDER_STEP = 0.1
CLICK_GRID_NAME = "click-grid"
FONT = "Inter, 'Source Sans Pro', 'Segoe UI', Helvetica, Arial, sans-serif"


def style_for(index: int) -> tuple[str, str]:
    """(colour, symbol) of the index-th group."""
    return PALETTE[index % len(PALETTE)], SYMBOLS[index % len(SYMBOLS)]


def quadrant_labels(x_axis: Axis, y_axis: Axis) -> list[tuple[float, float, str, str, str]]:
    """The quadrants' names in the map's corners: (x, y, text, xanchor, yanchor), escaped.

    Drawn by `tension_map` (at the base font size less one); `choose_labels` keeps the
    points' labels off them.
    """
    lo, hi, inset = RANGE[0], RANGE[1], 0.15
    corners = [
        (lo + inset, hi - inset, f"{y_axis.high_pole} · {x_axis.low_pole}", "left", "top"),
        (hi - inset, hi - inset, f"{y_axis.high_pole} · {x_axis.high_pole}", "right", "top"),
        (lo + inset, lo + inset, f"{y_axis.low_pole} · {x_axis.low_pole}", "left", "bottom"),
        (hi - inset, lo + inset, f"{y_axis.low_pole} · {x_axis.high_pole}", "right", "bottom"),
    ]
    return [(x, y, plotly_text(t, width=28), xa, ya) for x, y, t, xa, ya in corners]


#: The smallest tension map the app draws, as the side of its plot area in CSS pixels at the
#: base font size: the Plot page on a 360 px wide phone (a 390 px phone measured 240 px).
#: Pole names wrap so that the two poles of an axis never meet on a map this small; at a
#: larger font size the smallest map is taken to grow in proportion (Present's smallest
#: screen, 1280 × 720 at font size 19, draws a map of about 400 px, more than 220 × 19 / 13).
MIN_MAP_SIDE = 220
#: The font size MIN_MAP_SIDE is measured at (the app's charts elsewhere use 13).
BASE_FONT = 13
#: Average advance of a bold character as a share of the font size (pole names are bold).
BOLD_CHAR_WIDTH = 0.62
#: Pixels kept free between the two poles of an axis on the smallest map.
POLE_GAP = 8
#: Pixels between the tick labels and the pole names beside them.
POLE_PAD = 6


@dataclass(frozen=True)
class Poles:
    """The four pole names of a tension map as drawn: wrapped, escaped, in one font size.

    `x` and `y` are (low, high) texts with lines split at <br>; `full` holds the names
    whole (escaped; x low, x high, y low, y high) and `cut` says which had to be cut short
    (their hover gives them whole).
    """

    font_size: int
    x: tuple[str, str]
    y: tuple[str, str]
    full: tuple[str, ...]
    cut: tuple[bool, ...]

    @property
    def lines(self) -> int:
        """The most lines any pole name takes."""
        return max(t.count("<br>") + 1 for t in (*self.x, *self.y))


def _pole_sizes(font_size: int) -> list[tuple[int, int]]:
    """(font size, most lines) to try for pole names, best first."""
    return [(font_size + 1, 2), (font_size, 2), (font_size - 1, 2), (font_size - 2, 3)]


def pole_layout(x_axis: Axis, y_axis: Axis, font_size: int = BASE_FONT) -> Poles:
    """The pole names wrapped so that, on the smallest map, the two of an axis never meet.

    Each pole gets half of its axis on a map of MIN_MAP_SIDE (scaled with the font size)
    less POLE_GAP. The names are bold in the base font size plus one, wrapped onto two
    lines where needed; longer names take a smaller font (down to the tick labels' size)
    and three lines, and a name that still does not fit is cut short with "…" (its hover
    then gives it whole). The same words break at every size, since the room grows with
    the font.
    """
    side = MIN_MAP_SIDE * font_size / BASE_FONT
    room = (side - POLE_GAP) / 2
    raw = (
        f"◀ {x_axis.low_pole}",
        f"{x_axis.high_pole} ▶",
        f"◀ {y_axis.low_pole}",
        f"{y_axis.high_pole} ▶",
    )
    raw = tuple(" ".join(t.split()) for t in raw)  # tabs and line breaks are spaces here
    # The arrows stay with the word beside them (textwrap never breaks at U+00A0).
    glued = (
        raw[0].replace("◀ ", "◀\xa0", 1),
        _glue_end(raw[1]),
        raw[2].replace("◀ ", "◀\xa0", 1),
        _glue_end(raw[3]),
    )
    for size, most in _pole_sizes(font_size):
        chars = max(int(room // (BOLD_CHAR_WIDTH * size)), 4)
        wrapped = [textwrap.wrap(t, chars) or [""] for t in glued]
        if all(len(w) <= most for w in wrapped):
            break
    cut = tuple(len(w) > most for w in wrapped)
    wrapped = [
        [*w[: most - 1], _cut_short(" ".join(w[most - 1 :]), chars, high=i % 2 == 1)] if c else w
        for i, (w, c) in enumerate(zip(wrapped, cut, strict=True))
    ]
    texts = [
        "<br>".join(plotly_text(line.replace("\xa0", " ")) for line in lines) for lines in wrapped
    ]
    return Poles(
        size,
        (texts[0], texts[1]),
        (texts[2], texts[3]),
        tuple(plotly_text(t) for t in raw),
        cut,
    )


def _glue_end(text: str) -> str:
    """`text` with its closing " ▶" joined to the last word by a no-break space."""
    return text[:-2] + "\xa0▶" if text.endswith(" ▶") else text


def _cut_short(rest: str, chars: int, *, high: bool) -> str:
    """The last line of a pole name that does not fit: cut to `chars`, with "…".

    A high pole keeps its arrow.
    """
    if high:
        return rest.removesuffix("\xa0▶")[: chars - 3].rstrip() + "…\xa0▶"
    return rest[: chars - 1].rstrip() + "…"


def _tick_room(font_size: int) -> tuple[float, float]:
    """Estimated (width, height) in pixels the tick labels (-5 … 5) take beside the map."""
    tick = font_size - 2
    return 2 * CHAR_WIDTH * tick + 4, LINE_HEIGHT * tick + 2


def pole_annotations(x_axis: Axis, y_axis: Axis, font_size: int = BASE_FONT) -> list[dict]:
    """The pole names at both ends of both axes, outside the tick labels (`pole_layout`).

    Placed in pixels from the plot area's edge (past the tick labels, whose size follows
    the font), so that they never run into the ticks on a small map or in large type.
    """
    poles = pole_layout(x_axis, y_axis, font_size)
    font = {"size": poles.font_size, "color": "#1F2A37", "weight": "bold"}
    tick_w, tick_h = _tick_room(font_size)
    out = []
    hovers = [{"hovertext": f} if c else {} for f, c in zip(poles.full, poles.cut, strict=True)]
    for text, hover, x, anchor in zip(
        poles.x, hovers[:2], (0.0, 1.0), ("left", "right"), strict=True
    ):
        out.append(
            dict(
                x=x,
                y=0,
                xref="x domain",
                yref="y domain",
                text=text,
                showarrow=False,
                xanchor=anchor,
                yanchor="top",
                yshift=-round(tick_h + POLE_PAD),
                align=anchor,
                font=font,
                name="pole",
                **hover,
            )
        )
    for text, hover, y, anchor, align in zip(
        poles.y,
        hovers[2:],
        (0.0, 1.0),
        ("bottom", "top"),
        ("left", "right"),
        strict=True,
    ):
        out.append(
            dict(
                x=0,
                y=y,
                xref="x domain",
                yref="y domain",
                text=text,
                showarrow=False,
                xanchor="right",
                yanchor=anchor,
                xshift=-round(tick_w + POLE_PAD),
                textangle=-90,
                align=align,
                font=font,
                name="pole",
                **hover,
            )
        )
    return out


def pole_extents(poles: Poles, side: float) -> dict[str, list[tuple[float, float]]]:
    """Estimated spans (start, end) in pixels of each axis' two pole names.

    On a map whose plot area is `side` pixels square: the low pole from 0, the high pole
    back from `side`.
    """
    out: dict[str, list[tuple[float, float]]] = {}
    for axis, (low, high) in (("x", poles.x), ("y", poles.y)):
        lo_len = label_size(low, poles.font_size)[0] * BOLD_CHAR_WIDTH / CHAR_WIDTH
        hi_len = label_size(high, poles.font_size)[0] * BOLD_CHAR_WIDTH / CHAR_WIDTH
        out[axis] = [(0.0, lo_len), (side - hi_len, side)]
    return out


def pole_margin(font_size: int = BASE_FONT) -> tuple[int, int]:
    """The (left, bottom) margins the tick labels and pole names need at most, in pixels."""
    depth = max(LINE_HEIGHT * size * most for size, most in _pole_sizes(font_size))
    tick_w, tick_h = _tick_room(font_size)
    return round(tick_w + POLE_PAD + depth + 4), round(tick_h + POLE_PAD + depth + 4)


def tension_map(
    x_axis: Axis,
    y_axis: Axis,
    *,
    title: str | None = None,
    height: int = 620,
    font_size: int = 13,
) -> go.Figure:
    """An empty tension map of two axes: poles at both ends, balance at the centre."""
    lo, hi = RANGE
    shapes: list[dict] = []
    annotations: list[dict] = []
    quads = (
        (lo, 0, 0, hi),
        (0, hi, 0, hi),
        (lo, 0, lo, 0),
        (0, hi, lo, 0),
    )
    corners = quadrant_labels(x_axis, y_axis)
    for (x0, x1, y0, y1), (qx, qy, name, xanchor, yanchor), fill in zip(
        quads, corners, QUADRANT_FILLS, strict=True
    ):
        shapes.append(
            {
                "type": "rect",
                "x0": x0,
                "x1": x1,
                "y0": y0,
                "y1": y1,
                "fillcolor": fill,
                "line": {"width": 0},
                "layer": "below",
            }
        )
        annotations.append(
            dict(
                x=qx,
                y=qy,
                text=name,
                showarrow=False,
                xanchor=xanchor,
                yanchor=yanchor,
                align=xanchor,
                font={"size": font_size - 1, "color": "#5B6573"},
                name="quadrant",
            )
        )
    annotations += pole_annotations(x_axis, y_axis, font_size)
    axis_common = {
        "range": list(RANGE),
        "tickvals": list(range(int(POSITION_MIN), int(POSITION_MAX) + 1)),
        "zeroline": True,
        "zerolinecolor": "#9AA4B2",
        "zerolinewidth": 1.5,
        "showgrid": True,
        "gridcolor": "rgba(120,130,145,0.12)",
        "fixedrange": True,
        "tickfont": {"size": font_size - 2, "color": "#6B7280"},
        "showline": False,
    }
    balance = go.Scatter(
        x=[0],
        y=[0],
        mode="markers+text",
        text=[BALANCE_LABEL[2]],
        textposition=BALANCE_LABEL[3],
        textfont={"size": font_size - 2, "color": "#6B7280"},
        marker={"symbol": "circle-open", "size": 14, "color": "#6B7280", "line": {"width": 2}},
        hoverinfo="skip",
        showlegend=False,
        name="balance",
    )
    # One figure, built in one go: add_shape/add_annotation copy and re-validate the
    # whole list on each call, and every update validates the layout again.
    layout = dict(
        shapes=shapes,
        annotations=annotations,
        # Poles are named at both ends of each axis by annotations; the (hidden) title
        # keeps the tension's full name for exports and screen readers.
        xaxis={
            **axis_common,
            "constrain": "domain",
            "title": {
                "text": plotly_text(x_axis.label),
                "font": {"size": 1, "color": "rgba(0,0,0,0)"},
            },
        },
        yaxis={
            **axis_common,
            "title": {
                "text": plotly_text(y_axis.label),
                "font": {"size": 1, "color": "rgba(0,0,0,0)"},
            },
            "scaleanchor": "x",
            "scaleratio": 1,
            "constrain": "domain",
            # On a narrow screen the square map is shorter than the chart: keep it at the
            # top, under the legend, instead of centred between two empty bands.
            "constraintoward": "top",
        },
        height=height,
        margin=dict(zip(("l", "r", "t", "b"), tension_margin(title, font_size), strict=True)),
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"family": FONT, "size": font_size, "color": "#1F2A37"},
        hovermode="closest",
        hoverlabel={
            "bgcolor": "white",
            "font": {"size": font_size, "family": FONT},
            "align": "left",
        },
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.01,
            "xanchor": "left",
            "x": 0,
            "font": {"size": font_size - 1},
            "itemclick": "toggle",
        },
        title={"text": plotly_text(title), "x": 0.01, "font": {"size": font_size + 5}}
        if title
        else None,
        dragmode=False,
        meta=[plotly_text(x_axis.label), plotly_text(y_axis.label)],
    )
    fig = go.Figure(data=[balance], layout=layout)
    if not title:
        fig.update_layout(title=None)  # leaves an empty title, as before
    return fig


class _Texts(np.ndarray):
    """customdata of strings: its deep copy is a plain copy, since strings never change.

    Plotly deep-copies trace data when a trace is added and again in `to_dict` (which
    st.plotly_chart calls), one Python call per cell: about 50 ms each time for the
    30,000 points of 10,000 partnerships. Plotly keeps the array's class.
    """

    def __deepcopy__(self, memo: dict | None = None) -> _Texts:
        return self.copy()


@lru_cache(maxsize=1 << 17)
def _escape_one(value: str, width: int | None) -> str:
    """`plotly_text(value, width)`, remembered: reruns escape the same names and notes."""
    # Printable: no line breaks, tabs or other spaces than " ". Within the width, not
    # ending in a space and not blank, textwrap leaves it as it is.
    fits = width is None or not value or (len(value) <= width and value[-1] != " ")
    if value.isprintable() and fits and (width is None or not value or value.strip()):
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return plotly_text(value, width)


def _escaped(values: pd.Series, width: int | None = None) -> np.ndarray:
    """`plotly_text` of each value (text), worked out once per distinct value."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    out = [_escape_one(value, width) for value in distinct.tolist()]
    return np.asarray(out, dtype=object)[codes]


def _hover(points: pd.DataFrame, x_axis: Axis, y_axis: Axis) -> tuple[np.ndarray, str]:
    """Hover data (customdata) and template for placement rows, all user text escaped.

    customdata[0] is the row's index label, so a selection maps back to its row.
    Columns are escaped as whole columns, per distinct value (names, perspectives and
    dates repeat), with no Python loop over the rows.
    """
    n = len(points)

    def col(name: str, width: int | None = None) -> np.ndarray | str:
        if name not in points.columns:
            return ""
        return _escaped(points[name].fillna("").astype(str), width)

    if not n:
        return np.empty((0, 7)), _HOVER_TEMPLATE
    partners = points.get("partners", pd.Series([""] * n)).fillna("").astype(str)
    custom = np.empty((n, 7), dtype=object)
    custom[:, 0] = points.index.astype(str).to_numpy()
    custom[:, 1] = col("name")
    custom[:, 2] = _escaped(partners.str.replace(";", ",", regex=False))
    custom[:, 3] = col("perspective")
    custom[:, 4] = points["date"].dt.strftime("%Y-%m-%d").to_numpy() if "date" in points else ""
    custom[:, 5] = col("note", 60)
    custom[:, 6] = col("kind")
    return custom.view(_Texts), _HOVER_TEMPLATE


_HOVER_TEMPLATE = (
    "<b>%{customdata[1]}</b><br>"
    "Partners: %{customdata[2]}<br>"
    "Perspective: %{customdata[3]} · %{customdata[6]} · %{customdata[4]}<br>"
    "%{meta[0]}: <b>%{x:+.1f}</b><br>"
    "%{meta[1]}: <b>%{y:+.1f}</b><br>"
    "<i>%{customdata[5]}</i><extra></extra>"
)


#: The width a figure is assumed to have when it sets none (Streamlit gives it the width
#: of its column, which the figure never knows). 460 px is about the narrowest column a
#: map gets on a laptop: the left column of Course & perspectives at 1280 px with the
#: sidebar open measured 490 px. Wider columns and screens only leave more room, so labels
#: chosen for 460 px never pile up there (they are fewer than could fit). Full-width
#: charts say so with FULL_WIDTH. Phones are narrower: there labels may touch, and a tap
#: (hover) still names every point.
ASSUMED_WIDTH = 460
#: The narrowest a full-width chart gets on a desktop (1024 px, sidebar open).
FULL_WIDTH = 640
#: Average advance of a character as a share of the font size: a little wider than
#: Inter's or Helvetica's (about 0.52-0.55), so estimated boxes err on the large side.
CHAR_WIDTH = 0.6
#: Line height as a share of the font size.
LINE_HEIGHT = 1.3
#: Pixels kept free between a label and its marker, and around each label.
LABEL_GAP = 3.0
#: Above this many points no label is chosen (dense maps are WebGL dots, and hover-only).
LABEL_LIMIT = WEBGL_THRESHOLD
#: At most this many labels are tried, by priority: a map has room for far fewer, and
#: trying every one of 1,000 crowded points would slow each rerun for nothing.
LABEL_CANDIDATES = 300

#: The balance marker's label, drawn on every tension map: (x, y, text, textposition).
BALANCE_LABEL = (0.0, 0.0, "balance", "bottom right")

#: Where a label can go around its marker, in the order they are tried, as Plotly's
#: textposition and the box's offset: (dx, dy) in {-1, 0, 1} (left/centre/right,
#: below/middle/above).
_LABEL_SLOTS = (
    ("top center", 0, 1),
    ("bottom center", 0, -1),
    ("middle right", 1, 0),
    ("middle left", -1, 0),
    ("top right", 1, 1),
    ("top left", -1, 1),
    ("bottom right", 1, -1),
    ("bottom left", -1, -1),
)


@dataclass(frozen=True)
class PlotArea:
    """A map's plot area: its axis ranges and how many pixels one axis unit takes."""

    x_range: tuple[float, float] = RANGE
    y_range: tuple[float, float] = RANGE
    px_per_unit: float = 45.0

    def to_px(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Data coordinates to pixels from the plot area's bottom-left corner."""
        return (x - self.x_range[0]) * self.px_per_unit, (y - self.y_range[0]) * self.px_per_unit

    @property
    def size(self) -> tuple[float, float]:
        """(width, height) of the plot area in pixels."""
        return (
            (self.x_range[1] - self.x_range[0]) * self.px_per_unit,
            (self.y_range[1] - self.y_range[0]) * self.px_per_unit,
        )


def plot_area(
    height: int,
    *,
    width: int | None = None,
    margin: tuple[int, int, int, int] = (80, 24, 30, 70),
    x_range: Sequence[float] = RANGE,
    y_range: Sequence[float] = RANGE,
) -> PlotArea:
    """The plot area of a tension map (one unit is as long across as up) in a figure.

    Args:
        height: the figure's height in pixels.
        width: its width; by default ASSUMED_WIDTH (the figure on a page sets none).
        margin: left, right, top, bottom margins in pixels.
        x_range, y_range: the axis ranges shown.
    """
    left, right, top, bottom = margin
    free_w = max((width or ASSUMED_WIDTH) - left - right, 50)
    free_h = max(height - top - bottom, 50)
    xs, ys = float(x_range[1] - x_range[0]), float(y_range[1] - y_range[0])
    return PlotArea(
        (float(x_range[0]), float(x_range[1])),
        (float(y_range[0]), float(y_range[1])),
        min(free_w / xs, free_h / ys),
    )


def label_size(text: str, font_size: float) -> tuple[float, float]:
    """Estimated (width, height) in pixels of a label (lines split at <br>)."""
    lines = text.split("<br>")
    longest = max(len(html.unescape(line)) for line in lines)
    return longest * CHAR_WIDTH * font_size, len(lines) * LINE_HEIGHT * font_size


def label_boxes(
    xs: Sequence[float],
    ys: Sequence[float],
    texts: Sequence[str | None],
    positions: Sequence[str | None],
    area: PlotArea,
    *,
    font_size: float,
    marker_px: float = 14,
) -> list[tuple[float, float, float, float] | None]:
    """Each label's estimated box (x0, x1, y0, y1) in pixels, None where there is none."""
    offsets = {name: (dx, dy) for name, dx, dy in _LABEL_SLOTS}
    px, py = area.to_px(np.asarray(xs, float), np.asarray(ys, float))
    out: list[tuple[float, float, float, float] | None] = []
    for x, y, text, where in zip(px, py, texts, positions, strict=True):
        if not text or where is None:
            out.append(None)
            continue
        w, h = label_size(text, font_size)
        dx, dy = offsets[where]
        out.append(_box(x, y, w, h, dx, dy, marker_px / 2 + LABEL_GAP))
    return out


def _box(
    x: float, y: float, w: float, h: float, dx: int, dy: int, clear: float
) -> tuple[float, float, float, float]:
    """The box of a w × h label beside a marker at (x, y), on side (dx, dy)."""
    # Diagonal slots sit a little closer in: the label's corner faces the marker.
    reach = clear * (0.75 if dx and dy else 1.0)
    cx = x + dx * (reach + w / 2)
    cy = y + dy * (reach + h / 2)
    return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2


def choose_labels(
    xs: Sequence[float],
    ys: Sequence[float],
    texts: Sequence[str | None],
    area: PlotArea,
    *,
    font_size: float = 11,
    marker_px: float = 14,
    priority: Sequence[float] | None = None,
    fixed: Sequence[tuple[float, float, str, str]] = (BALANCE_LABEL,),
    insist: int = 0,
    corners: Sequence[tuple[float, float, str, str, str]] = (),
    corner_font: float | None = None,
) -> list[str | None]:
    """Which points get a label, and where (a Plotly textposition), so none pile up.

    Greedy by priority (lower first; default: in the given order): each label takes
    the first slot around its marker whose estimated box stays inside the plot area,
    overlaps no label placed before it and covers no marker; a label with no such slot
    is left out (None), and its point is named by its hover text only. Points with no
    text (None or '') are never labelled but still keep labels off their marker.
    Above LABEL_LIMIT points nothing is labelled. `fixed` labels, (x, y, text,
    textposition), are already on the map (the balance marker's, by default): the
    chosen labels keep off them and their markers. The first `insist` labels by
    priority (the ones being discussed) may cover other markers when nothing else fits.
    `corners`: texts anchored in the map, (x, y, text, xanchor, yanchor), in
    `corner_font` (the quadrants' names, `quadrant_labels`): labels keep off them too.

    Boxes are estimated from the text's length and the font size (see CHAR_WIDTH),
    in the pixels of `area` (see `plot_area` for the width it assumes).
    """
    n = len(texts)
    out: list[str | None] = [None] * n
    if n == 0 or n > LABEL_LIMIT:
        return out
    px, py = area.to_px(np.asarray(xs, float), np.asarray(ys, float))
    width, height = area.size
    inside = (px >= 0) & (px <= width) & (py >= 0) & (py <= height)
    radius = marker_px / 2
    order = (
        np.argsort(np.asarray(priority, float), kind="stable") if priority is not None else range(n)
    )
    boxes = label_boxes(
        [f[0] for f in fixed],
        [f[1] for f in fixed],
        [f[2] for f in fixed],
        [f[3] for f in fixed],
        area,
        font_size=font_size,
        marker_px=marker_px,
    )
    for cx, cy, text, xanchor, yanchor in corners:
        (ax,), (ay,) = area.to_px(np.array([cx], float), np.array([cy], float))
        if not (0 <= ax <= width and 0 <= ay <= height):
            continue  # off the map (zoomed in): not drawn
        w, h = label_size(text, corner_font or font_size)
        x0 = ax if xanchor == "left" else ax - w
        y0 = ay - h if yanchor == "top" else ay
        boxes.append((x0, x0 + w, y0, y0 + h))
    placed = np.array([b for b in boxes if b is not None], float).reshape(-1, 4)
    if len(fixed):  # their markers are obstacles too (never labelled here)
        fx, fy = area.to_px(
            np.array([f[0] for f in fixed], float), np.array([f[1] for f in fixed], float)
        )
        px, py = np.concatenate([px, fx]), np.concatenate([py, fy])
    total = len(px)
    tried = 0
    for i in order:
        text = texts[i]
        if not text or not inside[i]:
            continue
        tried += 1
        if tried > LABEL_CANDIDATES:
            break
        w, h = label_size(text, font_size)
        others = np.ones(total, bool)
        others[i] = False
        slots = [(*slot, True) for slot in _LABEL_SLOTS]
        if tried <= insist:
            slots += [(*slot, False) for slot in _LABEL_SLOTS]
        for name, dx, dy, off_markers in slots:
            x0, x1, y0, y1 = _box(px[i], py[i], w, h, dx, dy, radius + LABEL_GAP)
            if x0 < 0 or y0 < 0 or x1 > width or y1 > height:
                continue
            pad = LABEL_GAP / 2
            if len(placed) and np.any(
                (placed[:, 0] < x1 + pad)
                & (placed[:, 1] > x0 - pad)
                & (placed[:, 2] < y1 + pad)
                & (placed[:, 3] > y0 - pad)
            ):
                continue
            covers = (
                others
                & (px + radius > x0)
                & (px - radius < x1)
                & (py + radius > y0)
                & (py - radius < y1)
            )
            if off_markers and covers.any():
                continue
            out[i] = name
            placed = np.vstack([placed, [x0, x1, y0, y1]])
            break
    return out


def text_positions(chosen: Sequence[str | None]) -> list[str]:
    """Plotly textpositions from `choose_labels` (unlabelled points get any valid one)."""
    return [where or "top center" for where in chosen]


def boxes_overlap(boxes: Sequence[tuple[float, float, float, float] | None]) -> bool:
    """True when any two of these label boxes share area (None boxes are ignored)."""
    real = [b for b in boxes if b is not None]
    for i, a in enumerate(real):
        for b in real[i + 1 :]:
            if min(a[1], b[1]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[2], b[2]):
                return True
    return False


def short_label(text: str, width: int = 20, max_chars: int = 34) -> str:
    """A label for beside a marker: shortened, wrapped on two lines at most, escaped."""
    text = str(text)
    if len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    return plotly_text(text, width)


def _scatter_class(n: int) -> type[go.Scatter] | type[go.Scattergl]:
    return go.Scattergl if n > WEBGL_THRESHOLD else go.Scatter


def _escaped_arrow(values: pd.Series, width: int | None = None) -> pa.Array:
    """`_escaped` as an Arrow string array (escaped once per distinct value)."""
    codes, distinct = pd.factorize(values.fillna("").astype(str), use_na_sentinel=False)
    escaped = [_escape_one(t, width) for t in distinct.tolist()]
    return pa.array(escaped, pa.string()).take(pa.array(codes))


def _date_texts(dates: pd.Series) -> pa.Array:
    """Dates as YYYY-MM-DD (blank for none), formatted once per distinct date."""
    codes, distinct = pd.factorize(dates, use_na_sentinel=False)
    texts = pd.DatetimeIndex(distinct).strftime("%Y-%m-%d").fillna("")
    return pa.array(np.asarray(texts, dtype=object), pa.string()).take(pa.array(codes))


def _portfolio_hover(points: pd.DataFrame, *, full: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each point's name, and the rest of its hover text, escaped, as flat string arrays.

    Full (up to COMPACT_HOVER_POINTS): partners, perspective · kind · date, and the
    rationale in italics. Compact (beyond): perspective · date, and the kind only when
    the points mix actual positions and targets; the rationale is read by clicking
    or selecting points, in the table below the map. Plotly's JSON spells each '<',
    '>' and '/' in six bytes, so markup shared by every point lives in the template:
    at 10,000 partnerships (30,000 points) the figure's JSON is about 2 MB instead of
    5.8 MB of nested customdata. Columns are escaped per distinct value and joined
    column-wise in Arrow, with no loop over the rows.
    """
    n = len(points)

    def col(name: str, width: int | None = None) -> pa.Array:
        if name not in points.columns:
            return pa.array([""] * n, pa.string())
        return _escaped_arrow(points[name], width)

    dates = _date_texts(points["date"]) if "date" in points.columns else col("date")
    join = pc.binary_join_element_wise
    if full:
        partners = col("partners")
        if "partners" in points.columns:  # one line of "A, B, C", wrapped like the note
            listed = points["partners"].fillna("").astype(str).str.replace(";", ",", regex=False)
            partners = _escaped_arrow(listed, 60)
        note = col("note", 60)
        rest = join(
            pc.if_else(pc.equal(partners, ""), "", join("Partners: ", partners, "<br>", "")),
            "Perspective: ",
            col("perspective"),
            " · ",
            col("kind"),
            " · ",
            dates,
            pc.if_else(pc.equal(note, ""), "", join("<br><i>", note, "</i>", "")),
            "",
        )
    else:
        mixed = "kind" in points.columns and points["kind"].nunique() > 1
        kinds = join(" · ", col("kind"), "") if mixed else ""
        rest = join(col("perspective"), kinds, " · ", dates, "")
    names = col("name")
    as_numpy = [a.to_numpy(zero_copy_only=False).view(_Texts) for a in (names, rest)]
    return as_numpy[0], as_numpy[1]


#: Hover texts of recent maps, by the identity of the point columns' data (see below).
_HOVER_KEPT = Kept(most=4)
_HOVER_COLUMNS = ("name", "perspective", "kind", "note", "partners")


def _kept_hover(points: pd.DataFrame, *, full: bool) -> tuple[np.ndarray, np.ndarray]:
    """`_portfolio_hover`, kept for points whose columns hold the very same data.

    `portfolio_points` hands out the same column data for an unfiltered portfolio on
    every rerun (pandas shares it between copies, and copies it when it changes), so a
    rerun that changes the colouring, the axes or the page, or clears a filter, finds
    its 30,000 hover texts here instead of building them again. The key is the
    identity of each text column's Arrow data and of the dates' buffer.
    """
    texts = [arrow_text(points[c]) for c in _HOVER_COLUMNS if c in points.columns]
    if not texts or any(t is None for t in texts) or "date" not in points.columns:
        return _portfolio_hover(points, full=full)
    dates = points["date"].to_numpy()
    key = (full, len(points), dates.__array_interface__["data"][0])
    return _HOVER_KEPT.get(texts, key, lambda: _portfolio_hover(points, full=full))


#: Above this many points, the portfolio map's hover is compact (see _portfolio_hover).
COMPACT_HOVER_POINTS = WEBGL_THRESHOLD

#: The portfolio map's hover: name (from `text`, or in `hovertext` when `text` holds
#: the short labels), the rest, then the position on each axis.
_PORTFOLIO_TEMPLATE = (
    "<b>%{text}</b><br>%{hovertext}<br>"
    "%{meta[0]}: <b>%{x:+.1f}</b><br>%{meta[1]}: <b>%{y:+.1f}</b><extra></extra>"
)
_LABELLED_TEMPLATE = (
    "%{hovertext}<br>%{meta[0]}: <b>%{x:+.1f}</b><br>%{meta[1]}: <b>%{y:+.1f}</b><extra></extra>"
)
_COMPACT_TEMPLATE = (
    "<b>%{text}</b><br>Perspective: %{hovertext}<br>"
    "%{meta[0]}: <b>%{x:+.1f}</b><br>%{meta[1]}: <b>%{y:+.1f}</b><br>"
    "<i>Click or select for the rationale</i><extra></extra>"
)


def portfolio_map(
    points: pd.DataFrame,
    x_axis: Axis,
    y_axis: Axis,
    *,
    color_by: str | None = None,
    labels: bool | None = None,
    title: str | None = None,
    height: int = 640,
    font_size: int = 13,
    width: int | None = None,
    label_first: Sequence[str] = (),
    marker_scale: float = 1.0,
) -> go.Figure:
    """Many partnerships on one tension map, one trace per group of `color_by`.

    Each point's hover is one escaped string (`hovertext`); its customdata is its row's
    index label (a number), so that a selection maps back to the row.

    Args:
        points: rows of `analysis.portfolio_points` (x and y columns named by axis id).
        color_by: a column to group by; each group gets a colour and a marker symbol.
        labels: name partnerships beside their points, as many as fit without piling
            up (see `portfolio_labels`; default: up to LABEL_LIMIT points); every point
            is named in its hover text.
        width: the figure's width, if known, for fitting the labels (see `plot_area`).
        label_first: partnership ids to label before any other (e.g. the one discussed).
        marker_scale: how much larger the markers will be drawn (`deck.apply_theme` for a
            room), so that the labels keep clear of them; the figure itself is unchanged.
    """
    if points.empty:
        fig = tension_map(x_axis, y_axis, title=title, height=height, font_size=font_size)
        fig.add_annotation(
            x=0,
            y=2.5,
            text="No placements match these filters",
            showarrow=False,
            font={"size": font_size + 3, "color": "#6B7280"},
            name="empty",
        )
        return fig
    labels = len(points) <= LABEL_LIMIT if labels is None else labels
    if color_by and color_by in points.columns:
        keys = points[color_by].fillna("").astype(str).replace("", "(blank)")
        groups = sorted(keys.unique(), key=str.casefold)
    else:
        keys = pd.Series(["Partnerships"] * len(points), index=points.index)
        groups = ["Partnerships"]
    scatter = _scatter_class(len(points))
    marker_px = 13 if len(points) < 200 else 7
    if labels:
        chosen = portfolio_labels(
            points,
            x_axis.axis_id,
            y_axis.axis_id,
            plot_area(height, width=width, margin=tension_margin(title, font_size)),
            font_size=font_size - 2,
            marker_px=marker_px * marker_scale,
            first=label_first,
            corners=quadrant_labels(x_axis, y_axis),
        )
        texts = pd.Series(
            [
                short_label(v) if w else ""
                for v, w in zip(points["name"].astype(str), chosen, strict=True)
            ],
            index=points.index,
        )
        where = pd.Series(text_positions(chosen), index=points.index)
    # Above the WebGL threshold markers are plain dots told apart by colour: symbols and
    # outlines made a filter change at 30,000 points about twice as slow to draw in a
    # browser without a GPU, and at that density they no longer read as shapes anyway.
    # Hover text for all rows at once, then each group's rows by position.
    full = len(points) <= COMPACT_HOVER_POINTS
    names, rest = _kept_hover(points, full=full)
    if labels:  # `text` holds the short labels: the full name goes first in hovertext
        rest = ("<b>" + names + "</b><br>" + rest).view(_Texts)
    index = np.asarray(points.index, dtype=np.int64)
    xs, ys = points[x_axis.axis_id].to_numpy(), points[y_axis.axis_id].to_numpy()
    key_values = keys.to_numpy()
    traces = []
    for i, group in enumerate(groups):
        rows = np.flatnonzero(key_values == group)
        colour, symbol = style_for(i)
        trace = {
            "type": "scatter" if scatter is go.Scatter else "scattergl",
            "x": xs[rows],
            "y": ys[rows],
            "mode": "markers+text" if labels and scatter is go.Scatter else "markers",
            "name": plotly_text(group),
            "legendgroup": str(i),
            "text": texts.iloc[rows].tolist() if labels else names[rows],
            "textfont": {"size": font_size - 2, "color": "#374151"},
            "marker": {
                "color": colour,
                "symbol": symbol,
                "size": marker_px,
                "line": {"width": 1, "color": "white"},
                "opacity": 0.92,
            }
            if scatter is go.Scatter
            else {"color": colour, "size": 6},
            "customdata": index[rows],
            "hovertext": rest[rows],
            "hovertemplate": _LABELLED_TEMPLATE
            if labels
            else (_PORTFOLIO_TEMPLATE if full else _COMPACT_TEMPLATE),
            "showlegend": color_by is not None,
        }
        if labels:
            trace["textposition"] = where.iloc[rows].tolist()
        traces.append(trace)
    layout, balance = _map_parts(x_axis, y_axis, title, height, font_size)
    # Built without plotly's validation: the layout and balance marker were validated
    # once (and kept), and the traces are plain dicts. Validating 30,000-point traces
    # and the layout took about half of a Portfolio rerun at 10,000 partnerships; a
    # test checks that validating this figure changes nothing.
    fig = go.Figure(
        data=[copy.deepcopy(balance), *traces], layout=copy.deepcopy(layout), _validate=False
    )
    fig.layout.dragmode = "select"
    return fig


def tension_margin(title: str | None, font_size: int = BASE_FONT) -> tuple[int, int, int, int]:
    """A tension map's margins (left, right, top, bottom) in pixels.

    Left and bottom hold the tick labels and the pole names (`pole_margin`; at least 80
    and 70).
    """
    left, bottom = pole_margin(font_size)
    return (max(80, left), 24, 70 if title else 30, max(70, bottom))


def portfolio_labels(
    points: pd.DataFrame,
    x: str,
    y: str,
    area: PlotArea,
    *,
    font_size: float,
    marker_px: float,
    first: Sequence[str] = (),
    corners: Sequence[tuple[float, float, str, str, str]] = (),
) -> list[str | None]:
    """`choose_labels` for a portfolio map: each partnership named once, where it fits.

    Priority: the partnerships in `first`, then the points farthest from balance (the
    ones that stand out, and the ones a room asks about), then by name. A partnership
    with several points (one per perspective) is named at its first point by that order.
    """
    names = points["name"].astype(str)
    far = np.hypot(points[x].to_numpy(float), points[y].to_numpy(float))
    ids = points["partnership_id"].astype(str) if "partnership_id" in points else names
    rank = pd.DataFrame(
        {
            "first": ~ids.isin(list(first)).to_numpy(),
            "far": -np.nan_to_num(far, nan=-1.0),
            "name": names.str.casefold().to_numpy(),
        }
    )
    order = rank.sort_values(["first", "far", "name"], kind="stable").index.to_numpy()
    priority = np.empty(len(points))
    priority[order] = np.arange(len(points))
    seen = ~pd.Series(ids.to_numpy()[order]).duplicated().to_numpy()
    texts: list[str | None] = [None] * len(points)
    for rank_i, row in enumerate(order):
        if seen[rank_i]:
            texts[row] = short_label(names.iloc[row])
    return choose_labels(
        points[x].to_numpy(float),
        points[y].to_numpy(float),
        texts,
        area,
        font_size=font_size,
        marker_px=marker_px,
        priority=priority,
        insist=int(ids[ids.isin(list(first))].nunique()),
        corners=corners,
        corner_font=font_size + 1,
    )


def display_config(fig: go.Figure) -> dict[str, object]:
    """Plotly config for showing `fig` on a page (not for exports, which set their scale).

    No plotly logo. WebGL canvases are drawn at one device pixel per CSS pixel instead of
    plotly's default two: Streamlit redraws a changed chart from scratch, new canvases
    included, and in a browser without a GPU four times the pixels made a filter change
    at 30,000 points about 1.6 times as slow (`make bench`: 1.45x the bare app, against
    0.88x). Dense maps draw plain dots, which stay sharp on ordinary screens and turn
    slightly soft on high-density ones; the SVG maps (1,000 points or fewer) are as before.
    """
    config: dict[str, object] = {"displaylogo": False}
    if any(trace.type == "scattergl" for trace in fig.data):
        config["plotGlPixelRatio"] = 1
    return config


@lru_cache(maxsize=16)
def _map_parts(
    x_axis: Axis, y_axis: Axis, title: str | None, height: int, font_size: int
) -> tuple[dict, dict]:
    """The validated layout and balance marker of `tension_map`, as dicts (kept)."""
    as_dict = tension_map(x_axis, y_axis, title=title, height=height, font_size=font_size).to_dict()
    layout = {k: v for k, v in as_dict["layout"].items() if v != {}}  # as validation drops
    # The map sets every style it uses, so plotly's default template (7 kB, copied and
    # walked on every rerun) changes nothing: on screen Streamlit's theme replaces it,
    # and exported images are the same pixels (tests/unit/test_export.py checks).
    layout["template"] = pio.templates["none"].to_plotly_json()
    return layout, as_dict["data"][0]


def click_grid(step: float = GRID_STEP) -> go.Scatter:
    """An invisible, dense grid of points: clicking empty chart space selects the nearest.

    Plotly reports clicks only on points, so this grid is what makes click-to-place work.
    """
    ticks = np.round(np.arange(POSITION_MIN, POSITION_MAX + step / 2, step), 4)
    xs, ys = np.meshgrid(ticks, ticks)
    return go.Scatter(
        x=xs.ravel(),
        y=ys.ravel(),
        mode="markers",
        name=CLICK_GRID_NAME,
        marker={"size": 4, "opacity": 0, "color": "#000000"},
        selected={"marker": {"opacity": 0}},
        unselected={"marker": {"opacity": 0}},
        hoverinfo="none",
        hovertemplate=None,
        showlegend=False,
    )


def partnership_map(
    placements: pd.DataFrame,
    x_axis: Axis,
    y_axis: Axis,
    *,
    name: str = "",
    preview: dict[str, float] | None = None,
    preview_label: str = "New placement (not saved)",
    clickable: bool = False,
    perspectives: Sequence[str] | None = None,
    title: str | None = None,
    height: int = 620,
    font_size: int = 13,
    width: int | None = None,
) -> go.Figure:
    """One partnership: each perspective's latest placement and its targets.

    Args:
        placements: that partnership's placements (any kinds); the latest actual and the
            latest target of each perspective with values on both axes are drawn.
        preview: an unsaved position ({axis_id: value}) drawn as a hollow marker.
        clickable: add the invisible click grid for click-to-place.
        perspectives: order of perspectives, so colours stay stable across charts.
    """
    from plotting.analysis import latest  # local: analysis imports nothing from here

    fig = tension_map(x_axis, y_axis, title=title, height=height, font_size=font_size)
    if clickable:
        fig.add_trace(click_grid())
    xs, ys = x_axis.axis_id, y_axis.axis_id
    actual = latest(placements.loc[placements["kind"].eq("actual")], [xs, ys])
    target = latest(placements.loc[placements["kind"].eq("target")], [xs, ys])
    order = list(perspectives or [])
    for p in pd.concat([actual["perspective"], target["perspective"]]).unique():
        if p not in order:
            order.append(p)
    shown = actual.loc[actual["perspective"].isin(order)]
    # Targets and the unsaved preview are markers the labels keep off (never labelled).
    others = [(float(a), float(b)) for a, b in zip(target[xs], target[ys], strict=True)]
    fixed: list[tuple[float, float, str, str]] = [BALANCE_LABEL]
    if preview is not None and xs in preview and ys in preview:
        others.append((float(preview[xs]), float(preview[ys])))
        # Its label (drawn below it, see the end) is on the map before any other.
        fixed.append(
            (float(preview[xs]), float(preview[ys]), plotly_text(preview_label), "bottom center")
        )
    label_at = dict(
        zip(
            shown["perspective"],
            choose_labels(
                [*shown[xs], *(o[0] for o in others)],
                [*shown[ys], *(o[1] for o in others)],
                [*(short_label(p, 18) for p in shown["perspective"]), *([None] * len(others))],
                plot_area(height, width=width, margin=tension_margin(title, font_size)),
                font_size=font_size - 2,
                marker_px=20,
                fixed=fixed,
                corners=quadrant_labels(x_axis, y_axis),
                corner_font=font_size - 1,
            )[: len(shown)],
            strict=True,
        )
    )
    for i, perspective in enumerate(order):
        colour, symbol = style_for(i)
        now = actual.loc[actual["perspective"].eq(perspective)].assign(name=name)
        goal = target.loc[target["perspective"].eq(perspective)].assign(name=name)
        label = plotly_text(perspective)
        if len(now):
            custom, template = _hover(now, x_axis, y_axis)
            fig.add_trace(
                go.Scatter(
                    x=now[xs].to_numpy(),
                    y=now[ys].to_numpy(),
                    mode="markers+text",
                    name=label,
                    legendgroup=label,
                    text=[short_label(perspective, 18) if label_at.get(perspective) else ""],
                    textposition=label_at.get(perspective) or "top center",
                    textfont={"size": font_size - 2, "color": "#374151"},
                    marker={
                        "color": colour,
                        "symbol": symbol,
                        "size": 16,
                        "line": {"width": 1.5, "color": "white"},
                    },
                    customdata=custom,
                    hovertemplate=template,
                )
            )
        if len(goal):
            custom, template = _hover(goal, x_axis, y_axis)
            fig.add_trace(
                go.Scatter(
                    x=goal[xs].to_numpy(),
                    y=goal[ys].to_numpy(),
                    mode="markers",
                    name=f"{label} target",
                    legendgroup=label,
                    showlegend=False,
                    marker={
                        "color": colour,
                        "symbol": "star",
                        "size": 20,
                        "line": {"width": 2, "color": colour},
                        "opacity": 0.9,
                    },
                    customdata=custom,
                    hovertemplate=template.replace(
                        "<b>%{customdata[1]}</b>", "<b>Target: %{customdata[1]}</b>"
                    ),
                )
            )
    if len(target):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name="target",
                hoverinfo="skip",
                marker={"symbol": "star", "size": 14, "color": "#9AA4B2"},
            )
        )
    if preview is not None and xs in preview and ys in preview:
        fig.add_trace(
            go.Scatter(
                x=[preview[xs]],
                y=[preview[ys]],
                mode="markers+text",
                name=plotly_text(preview_label),
                text=[plotly_text(preview_label)],
                textposition="bottom center",
                textfont={"size": font_size - 1, "color": "#B42318"},
                marker={
                    "symbol": "circle-open-dot",
                    "size": 24,
                    "color": "#B42318",
                    "line": {"width": 3},
                },
                hovertemplate=(
                    f"{plotly_text(preview_label)}<br>%{{meta[0]}}: %{{x:+.2f}}"
                    "<br>%{meta[1]}: %{y:+.2f}<extra></extra>"
                ),
            )
        )
    if not len(actual) and not len(target) and preview is None:
        fig.add_annotation(
            x=0,
            y=2.5,
            text=f"No placement on these two axes yet for {plotly_text(name)}",
            showarrow=False,
            font={"size": font_size + 2, "color": "#6B7280"},
            name="empty",
        )
    return fig


def trace_index(figure: go.Figure, name: str) -> int | None:
    """Position of the first trace with this name (None if absent)."""
    for i, trace in enumerate(figure.data):
        if getattr(trace, "name", None) == name:
            return i
    return None


def grid_point_from_selection(
    points: Sequence[dict], grid_curve: int | None
) -> tuple[float, float] | None:
    """The (x, y) of a click on the invisible click grid, from Streamlit's selection.

    A click near a real marker may select that marker instead; then its coordinates,
    snapped to the grid, are used, which places the new point on top of it.
    """
    if not points:
        return None
    for point in points:
        if grid_curve is not None and point.get("curve_number") == grid_curve:
            return _snap(point["x"], GRID_STEP), _snap(point["y"], GRID_STEP)
    point = points[0]
    if "x" in point and "y" in point:
        return _snap(point["x"], SLIDER_STEP), _snap(point["y"], SLIDER_STEP)
    return None


def _snap(value: float, step: float) -> float:
    """Round to a step, to one decimal, within the axis range."""
    snapped = round(round(float(value) / step) * step, 1)
    return float(min(max(snapped, POSITION_MIN), POSITION_MAX))
