"""Figure builders for course and perspectives, the plotly.express way.

One function per chart, data first (frames from `plotting.course`), keyword options
after, a `go.Figure` back. Maps are drawn on `figures.tension_map`. The same option
names mean the same thing everywhere:

- `order`: perspectives in a fixed order, so each keeps its colour and symbol across
  charts (`figures.style_for` of its position); the consensus is always a black cross.
- `title`, `height`, `font_size`: as in `figures`.

Every user string reaches Plotly through `plotly_text`/`short_label`, and hover
templates read it from `customdata`, never from the template itself. An empty or
too-small input gives a figure with a message (an annotation named "empty",
"single" or "still"), never a broken chart.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from plotting.course import CLOSE, CONSENSUS, DATE_FORMAT, STRONG, order_perspectives
from plotting.figures import (
    ASSUMED_WIDTH,
    CHAR_WIDTH,
    FONT,
    LINE_HEIGHT,
    POLE_GAP,
    QUADRANT_FILLS,
    RANGE,
    PlotArea,
    choose_labels,
    plot_area,
    quadrant_labels,
    short_label,
    style_for,
    tension_map,
    tension_margin,
    text_positions,
)
from plotting.model import POSITION_MAX, POSITION_MIN, Axis
from plotting.text import plotly_text

CONSENSUS_COLOUR = "#1F2A37"
CONSENSUS_SYMBOL = "x-thin"
MUTED = "#6B7280"
#: How long each animation frame shows, and the glide between frames (ms).
FRAME_MS = 900
TRANSITION_MS = 500


# ---- shared helpers ----------------------------------------------------------------------


def _style(key: str, order: Sequence[str]) -> tuple[str, str]:
    """(colour, symbol) of a perspective: its place in `order`; the consensus is a black x."""
    if key == CONSENSUS:
        return CONSENSUS_COLOUR, CONSENSUS_SYMBOL
    order = list(order)
    return style_for(order.index(key) if key in order else len(order))


def _marker(colour: str, symbol: str, size: object, **extra: object) -> dict:
    """A marker: filled with a white rim, or drawn in thick strokes for '-thin' symbols.

    The consensus cross is thin-stroked so that a perspective at the same spot still
    shows through it.
    """
    if symbol.endswith("-thin"):
        return {
            "color": colour,
            "symbol": symbol,
            "size": size,
            "line": {"width": 3, "color": colour},
            **extra,
        }
    return {
        "color": colour,
        "symbol": symbol,
        "size": size,
        "line": {"width": 1.5, "color": "white"},
        **extra,
    }


def _order(keys: Sequence[str], order: Sequence[str] | None) -> list[str]:
    """`order` extended with any key it lacks (in the app's perspective order)."""
    out = list(order or [])
    out += [k for k in order_perspectives(keys) if k not in out and k != CONSENSUS]
    return out


def _message(
    fig: go.Figure, text: str, *, name: str = "empty", y: float = 2.5, font_size: int = 13
) -> None:
    """A grey message on a map, for the cases with nothing (or too little) to draw."""
    fig.add_annotation(
        x=0,
        y=y,
        text=text,
        showarrow=False,
        name=name,
        bgcolor="rgba(255,255,255,0.85)",
        font={"size": font_size + 2, "color": MUTED},
        borderpad=6,
    )


def _paper_message(fig: go.Figure, text: str, *, name: str = "empty", font_size: int = 13) -> None:
    """A message in the middle of a chart that has no map coordinates."""
    fig.add_annotation(
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        text=text,
        showarrow=False,
        name=name,
        font={"size": font_size + 2, "color": MUTED},
    )


def _dates(values: pd.Series) -> list[str]:
    """Dates as YYYY-MM-DD strings."""
    return pd.to_datetime(values).dt.strftime(DATE_FORMAT).tolist()


def _spread_text(values: pd.Series) -> list[str]:
    """Hover lines for stated uncertainty ('' when there is none)."""
    return ["" if pd.isna(v) else f"<br>Uncertainty: ±{v:.1f}" for v in values]


def _error_bars(rows: pd.DataFrame, colour: str | None = None) -> dict[str, dict]:
    """error_x/error_y from the `spread` column: the uncertainty drawn as a cross of bars."""
    if "spread" not in rows.columns or rows["spread"].isna().all():
        return {}
    radius = rows["spread"].fillna(0).astype(float).to_numpy()
    bar = {"type": "data", "array": radius, "visible": True, "thickness": 1.2, "width": 3}
    if colour:
        bar["color"] = _faded(colour, 0.55)
    return {"error_x": bar, "error_y": dict(bar)}


def _faded(colour: str, alpha: float) -> str:
    """A '#RRGGBB' colour as rgba with this opacity."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _column(rows: pd.DataFrame, name: str, width: int | None = None) -> list[str]:
    """A text column, escaped for Plotly ('' where missing)."""
    if name not in rows.columns:
        return [""] * len(rows)
    return [plotly_text(v, width) for v in rows[name].fillna("").astype(str)]


def _segments(
    xs0: Sequence[float], ys0: Sequence[float], xs1: Sequence[float], ys1: Sequence[float]
) -> tuple[list, list]:
    """Coordinates for many line segments in one trace, separated by None."""
    x: list = []
    y: list = []
    for a, b, c, d in zip(xs0, ys0, xs1, ys1, strict=True):
        x += [a, c, None]
        y += [b, d, None]
    return x, y


def _area(
    height: int,
    title: str | None,
    width: int | None = None,
    x_range: Sequence[float] = RANGE,
    y_range: Sequence[float] = RANGE,
    font_size: int = 13,
) -> PlotArea:
    """The plot area of a tension map built by `tension_map` (for fitting labels)."""
    return plot_area(
        height,
        width=width,
        margin=tension_margin(title, font_size),
        x_range=x_range,
        y_range=y_range,
    )


#: The course chart's zoom: room around the course and target (axis units), and the
#: smallest window, so that a small step does not look like a leap.
ZOOM_MARGIN = 1.2
ZOOM_MIN_SPAN = 4.0


def course_ranges(
    course: pd.DataFrame,
    x: str,
    y: str,
    target: pd.Series | None = None,
    *,
    margin: float = ZOOM_MARGIN,
    min_span: float = ZOOM_MIN_SPAN,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The (x, y) ranges that frame a course and its target, zoomed in.

    Every placement (with its stated uncertainty) and the target fit with `margin`
    to spare. Both ranges are as long as each other, so one unit is as long across as up
    (the map stays square, as at full scale), at least `min_span` long, and never reach
    beyond the full scale's range (RANGE: the −5…+5 scale with room for markers).
    """
    xs = course[x].astype(float).tolist() if len(course) else []
    ys = course[y].astype(float).tolist() if len(course) else []
    spread = (
        course["spread"].astype(float).fillna(0.0).tolist()
        if "spread" in course.columns and len(course)
        else [0.0] * len(xs)
    )
    lo_x = [v - s for v, s in zip(xs, spread, strict=True)]
    hi_x = [v + s for v, s in zip(xs, spread, strict=True)]
    lo_y = [v - s for v, s in zip(ys, spread, strict=True)]
    hi_y = [v + s for v, s in zip(ys, spread, strict=True)]
    if target is not None and not pd.isna(target[x]) and not pd.isna(target[y]):
        lo_x.append(float(target[x]))
        hi_x.append(float(target[x]))
        lo_y.append(float(target[y]))
        hi_y.append(float(target[y]))
    full = RANGE[1] - RANGE[0]
    if not lo_x:
        return RANGE, RANGE
    span = min(max(max(hi_x) - min(lo_x), max(hi_y) - min(lo_y)) + 2 * margin, full)
    span = max(span, min(min_span, full))

    def window(lo: float, hi: float) -> tuple[float, float]:
        start = (lo + hi) / 2 - span / 2
        start = min(max(start, RANGE[0]), RANGE[1] - span)
        return round(start, 3), round(start + span, 3)

    return window(min(lo_x), max(hi_x)), window(min(lo_y), max(hi_y))


def course_labels(
    x: Sequence[float],
    y: Sequence[float],
    labels: Sequence[str],
    area: PlotArea,
    *,
    target: tuple[float, float] | None,
    font_size: float,
    corners: Sequence[tuple[float, float, str, str, str]] = (),
) -> tuple[list[str | None], str | None]:
    """Where the course's date labels and the target's label go (None: not labelled).

    Priority: the target, the latest placement ("now"), the first, then the others
    from the newest back; a date that does not fit is left to the hover.
    """
    n = len(labels)
    order = [n - 1, *([0] if n > 1 else []), *range(n - 2, 0, -1)]
    priority = np.empty(n)
    priority[order] = np.arange(1, n + 1)
    tx = [target[0]] if target is not None else []
    ty = [target[1]] if target is not None else []
    chosen = choose_labels(
        [*tx, *x],
        [*ty, *y],
        [*(["target"] if target is not None else []), *labels],
        area,
        font_size=font_size,
        marker_px=18,
        priority=[*([0] if target is not None else []), *priority],
        corners=corners,
        corner_font=font_size + 1,
    )
    if target is None:
        return chosen, None
    return chosen[1:], chosen[0]


# ---- course ---------------------------------------------------------------------------------


def course_map(
    course: pd.DataFrame,
    x_axis: Axis,
    y_axis: Axis,
    *,
    target: pd.Series | None = None,
    perspective: str = "",
    name: str = "",
    order: Sequence[str] | None = None,
    title: str | None = None,
    height: int = 620,
    font_size: int = 13,
    zoom: bool = True,
    width: int | None = None,
) -> go.Figure:
    """The course of one perspective: a dated path with arrowheads, ending at the latest.

    The target is a star, joined to the latest placement by a dashed line. Stated
    uncertainty (`spread`) shows as error bars.

    Args:
        course: `course.perspective_course` rows (oldest first), x and y named by axis id.
        x_axis: the horizontal axis.
        y_axis: the vertical axis.
        target: `course.course_target`, or None.
        perspective: whose course it is (`course.CONSENSUS` for the consensus).
        name: the partnership's name, for the messages.
        order: perspectives in a fixed order, so each keeps its colour and symbol.
        title: a title above the chart (escaped).
        height: the figure's height in pixels.
        font_size: the base font size; labels are a little smaller.
        zoom: frame the course and target (`course_ranges`); False shows the full scale.
        width: the figure's width, if known, for fitting the labels (see `plot_area`).
    """
    fig = tension_map(x_axis, y_axis, title=title, height=height, font_size=font_size)
    xs, ys = x_axis.axis_id, y_axis.axis_id
    x_range, y_range = course_ranges(course, xs, ys, target) if zoom else (RANGE, RANGE)
    fig.update_xaxes(range=list(x_range))
    fig.update_yaxes(range=list(y_range))
    area = _area(height, title, width, x_range, y_range, font_size)
    target_where: str | None = "top center"
    colour, symbol = _style(perspective, _order([perspective], order))
    who = "the consensus" if perspective == CONSENSUS else plotly_text(perspective)
    if course.empty and target is None:
        _message(fig, f"No placement from {who} on these two axes yet", font_size=font_size)
        return fig
    n = len(course)
    if n:
        x, y = course[xs].to_numpy(float), course[ys].to_numpy(float)
        dates = _dates(course["date"])
        labels = [*dates[:-1], f"{dates[-1]} · now"]
        # The date labels that fit, clear of each other, the balance marker and the target.
        chosen, target_where = course_labels(
            x,
            y,
            labels,
            area,
            target=(float(target[xs]), float(target[ys])) if target is not None else None,
            font_size=font_size - 2,
            corners=quadrant_labels(x_axis, y_axis),
        )
        labels = [t if w else "" for t, w in zip(labels, chosen, strict=True)]
        where = text_positions(chosen)
        sizes = np.linspace(9, 15, n) if n > 1 else np.array([15.0])
        sizes[-1] = 18
        opacity = np.linspace(0.55, 1.0, n) if n > 1 else np.array([1.0])
        custom = np.column_stack(
            [
                dates,
                _column(course, "note", 60),
                _spread_text(course.get("spread", pd.Series(np.nan, index=course.index))),
            ]
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines+markers+text",
                name=plotly_text("consensus" if perspective == CONSENSUS else perspective),
                text=labels,
                textposition=where,
                textfont={"size": font_size - 2, "color": "#374151"},
                line={"color": colour, "width": 2.5},
                marker=_marker(colour, symbol, sizes, opacity=opacity),
                customdata=custom,
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>%{meta[0]}: <b>%{x:+.1f}</b><br>"
                    "%{meta[1]}: <b>%{y:+.1f}</b>%{customdata[2]}<br>"
                    "<i>%{customdata[1]}</i><extra></extra>"
                ),
                **_error_bars(course, colour),
            )
        )
        fig.data[-1].update(uid="course")
        # Arrowheads: one annotation per step, from each placement to the next.
        for i in range(n - 1):
            if (x[i], y[i]) == (x[i + 1], y[i + 1]):
                continue
            fig.add_annotation(
                x=x[i + 1],
                y=y[i + 1],
                ax=x[i],
                ay=y[i],
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                showarrow=True,
                arrowhead=2,
                arrowsize=1.4,
                arrowwidth=2,
                arrowcolor=colour,
                standoff=sizes[i + 1] / 2 + 2,
                startstandoff=sizes[i] / 2,
                text="",
                name="arrow",
            )
        if n == 1:
            _message(
                fig,
                "One placement so far: no course yet",
                name="single",
                y=4.6,
                font_size=font_size - 2,
            )
            # On the map's top edge wherever it is zoomed to.
            fig.layout.annotations[-1].update(
                xref="x domain", yref="y domain", x=0.5, y=1.0, yanchor="top"
            )
    if target is not None:
        whose = plotly_text(target["perspective"])
        tx, ty = float(target[xs]), float(target[ys])
        if n:
            fig.add_trace(
                go.Scatter(
                    x=[x[-1], tx],
                    y=[y[-1], ty],
                    mode="lines",
                    name="to target",
                    line={"color": colour, "width": 2, "dash": "dash"},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
        fig.add_trace(
            go.Scatter(
                x=[tx],
                y=[ty],
                mode="markers+text",
                name=f"target ({whose})",
                text=["target" if target_where else ""],
                textposition=target_where or "top center",
                textfont={"size": font_size - 1, "color": "#111827"},
                marker={
                    "symbol": "star",
                    "size": 24,
                    "color": colour,
                    "line": {"width": 1.5, "color": "#111827"},
                },
                customdata=[
                    [
                        _dates(pd.Series([target["date"]]))[0],
                        whose,
                        plotly_text(target.get("note", ""), 60),
                    ]
                ],
                hovertemplate=(
                    "<b>Target</b> (%{customdata[1]}, set %{customdata[0]})<br>"
                    "%{meta[0]}: <b>%{x:+.1f}</b><br>%{meta[1]}: <b>%{y:+.1f}</b><br>"
                    "<i>%{customdata[2]}</i><extra></extra>"
                ),
            )
        )
    if n and target is None:
        fig.add_annotation(
            x=1,
            y=1.0,
            xref="x domain",
            yref="y domain",
            text="No target set on these axes",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            name="no-target",
            font={"size": font_size - 2, "color": MUTED},
        )
    return fig


# ---- perspectives ---------------------------------------------------------------------------


def perspectives_map(
    positions: pd.DataFrame,
    x_axis: Axis,
    y_axis: Axis,
    *,
    name: str = "",
    order: Sequence[str] | None = None,
    title: str | None = None,
    height: int = 620,
    font_size: int = 13,
    width: int | None = None,
) -> go.Figure:
    """Each perspective's latest placement, their consensus, and a line from each to it.

    Perspectives differ by colour and marker symbol; the consensus (the per-axis
    median) is a black cross; dotted lines show how far each view is from it, and
    error bars the uncertainty a perspective stated.

    Args:
        positions: `course.perspective_positions` rows (one per perspective).
        x_axis: the horizontal axis.
        y_axis: the vertical axis.
        name: the partnership's name, for the messages.
        order: perspectives in a fixed order, so each keeps its colour and symbol.
        title: a title above the chart (escaped).
        height: the figure's height in pixels.
        font_size: the base font size; labels are a little smaller.
        width: the figure's width, if known, for fitting the labels (see `plot_area`).
    """
    fig = tension_map(x_axis, y_axis, title=title, height=height, font_size=font_size)
    xs, ys = x_axis.axis_id, y_axis.axis_id
    if positions.empty:
        _message(
            fig,
            f"No perspective has placed {plotly_text(name) or 'it'} on these two axes yet",
            font_size=font_size,
        )
        return fig
    order = _order(positions["perspective"].tolist(), order)
    cx, cy = float(positions[xs].median()), float(positions[ys].median())
    many = len(positions) >= 2
    distance = np.hypot(positions[xs] - cx, positions[ys] - cy)
    if many:
        lx, ly = _segments(
            positions[xs], positions[ys], [cx] * len(positions), [cy] * len(positions)
        )
        fig.add_trace(
            go.Scatter(
                x=lx,
                y=ly,
                mode="lines",
                name="to consensus",
                hoverinfo="skip",
                showlegend=False,
                line={"color": "#4B5563", "width": 1.5, "dash": "dot"},
            )
        )
    all_x = [*positions[xs], *([cx] if many else [])]
    all_y = [*positions[ys], *([cy] if many else [])]
    # The consensus first, then the views farthest from it (the ones to talk about).
    far = (-distance.to_numpy(float)).argsort(kind="stable").argsort() + 1
    chosen = choose_labels(
        all_x,
        all_y,
        [*(short_label(p, 18) for p in positions["perspective"]), *(["consensus"] if many else [])],
        _area(height, title, width, font_size=font_size),
        font_size=font_size - 2,
        marker_px=20,
        priority=[*far, *([0] if many else [])],
        corners=quadrant_labels(x_axis, y_axis),
        corner_font=font_size - 1,
    )
    labels = [
        short_label(p, 18) if w else ""
        for p, w in zip(positions["perspective"], chosen, strict=False)
    ]
    where = text_positions(chosen)
    for i, row in enumerate(positions.itertuples(index=False)):
        colour, symbol = _style(row.perspective, order)
        one = positions.iloc[[i]]
        custom = np.column_stack(
            [
                _column(one, "perspective"),
                _dates(one["date"]),
                _column(one, "note", 60),
                [f"{distance.iloc[i]:.1f}" if many else "–"],
                _spread_text(one.get("spread", pd.Series(np.nan, index=one.index))),
            ]
        )
        fig.add_trace(
            go.Scatter(
                x=one[xs].to_numpy(),
                y=one[ys].to_numpy(),
                mode="markers+text",
                name=plotly_text(row.perspective),
                text=[labels[i]],
                textposition=where[i],
                textfont={"size": font_size - 2, "color": "#374151"},
                marker=_marker(colour, symbol, 16),
                customdata=custom,
                hovertemplate=(
                    "<b>%{customdata[0]}</b> · %{customdata[1]}<br>"
                    "%{meta[0]}: <b>%{x:+.1f}</b><br>%{meta[1]}: <b>%{y:+.1f}</b><br>"
                    "Distance to consensus: %{customdata[3]}%{customdata[4]}<br>"
                    "<i>%{customdata[2]}</i><extra></extra>"
                ),
                **_error_bars(one, colour),
            )
        )
    if many:
        fig.add_trace(
            go.Scatter(
                x=[cx],
                y=[cy],
                mode="markers+text",
                name="consensus (median)",
                text=["consensus" if chosen[-1] else ""],
                textposition=where[-1],
                textfont={"size": font_size - 1, "color": CONSENSUS_COLOUR},
                marker=_marker(CONSENSUS_COLOUR, CONSENSUS_SYMBOL, 20),
                customdata=[[len(positions)]],
                hovertemplate=(
                    "<b>Consensus</b>: the median of %{customdata[0]} perspectives<br>"
                    "%{meta[0]}: <b>%{x:+.1f}</b><br>%{meta[1]}: <b>%{y:+.1f}</b>"
                    "<extra></extra>"
                ),
            )
        )
    else:
        _message(
            fig,
            "Only one perspective so far: nothing to compare yet",
            name="single",
            y=4.6,
            font_size=font_size - 2,
        )
    return fig


# ---- time animation --------------------------------------------------------------------------


def time_animation(
    frames: pd.DataFrame,
    x_axis: Axis,
    y_axis: Axis,
    *,
    group: str | None = None,
    label: str | None = None,
    order: Sequence[str] | None = None,
    trails: bool = True,
    labels: bool | None = None,
    title: str | None = None,
    height: int = 640,
    font_size: int = 13,
    width: int | None = None,
) -> go.Figure:
    """A Gapminder-style animation: a play button and a date slider move the points.

    Each moving point (`key`) leaves a trail of where it has been. Points share colour
    and symbol by `group` (default: the key itself, in `order`), and Plotly matches
    them between frames by `ids`, so they glide rather than jump.

    Args:
        frames: `course.partnership_over_time` or `course.portfolio_over_time` rows:
            frame (date), key, and x and y named by axis id.
        x_axis: the horizontal axis.
        y_axis: the vertical axis.
        group: a column whose values share a colour and symbol, with a legend entry.
        label: a column to name the points by (default: key).
        trails: draw each point's path up to the current date.
        labels: name the points that have room (`figures.choose_labels`, on each date);
            every point is named in its hover (default: up to 60 points).
        order: perspectives in a fixed order, so each keeps its colour and symbol.
        title: a title above the chart (escaped).
        height: the figure's height in pixels.
        font_size: the base font size; labels are a little smaller.
        width: the figure's width, if known, for fitting the labels (see `plot_area`).
    """
    fig = tension_map(x_axis, y_axis, title=title, height=height, font_size=font_size)
    xs, ys = x_axis.axis_id, y_axis.axis_id
    if frames.empty:
        _message(fig, "Nothing placed on these two axes yet", font_size=font_size)
        return fig
    frames = frames.sort_values(["frame", "key"], kind="stable").copy()
    frames["_group"] = (
        frames[group].fillna("").astype(str).replace("", "(blank)")
        if group
        else frames["key"].astype(str)
    )
    frames["_label"] = frames[label].astype(str) if label else frames["key"].astype(str)
    if group:
        groups = sorted(frames["_group"].unique(), key=str.casefold)
        style = {g: style_for(i) for i, g in enumerate(groups)}
    else:
        keys = frames["key"].astype(str).unique().tolist()
        groups = [
            *_order([k for k in keys if k != CONSENSUS], order),
            *([CONSENSUS] if CONSENSUS in keys else []),
        ]
        groups = [g for g in groups if g in keys]
        style = {g: _style(g, _order(keys, order)) for g in groups}
    dates = sorted(frames["frame"].unique())
    names = [pd.Timestamp(d).strftime(DATE_FORMAT) for d in dates]
    wide_x = frames.pivot(index="key", columns="frame", values=xs).reindex(columns=dates)
    wide_y = frames.pivot(index="key", columns="frame", values=ys).reindex(columns=dates)
    members = {
        g: sorted(frames.loc[frames["_group"].eq(g), "key"].astype(str).unique()) for g in groups
    }
    labels = frames["key"].nunique() <= 60 if labels is None else labels
    base = len(fig.data)
    by_frame = dict(iter(frames.groupby("frame", sort=True)))
    # Each group's trails as arrays (keys × dates), NaN before a key's first placement.
    paths = {
        g: (wide_x.loc[members[g]].to_numpy(float), wide_y.loc[members[g]].to_numpy(float))
        for g in groups
    }
    trail_style = {
        g: {
            "type": "scatter",
            "mode": "lines+markers",
            "name": f"{plotly_text(g)} trail",
            "legendgroup": plotly_text(g),
            "showlegend": False,
            "hoverinfo": "skip",
            "line": {"color": style[g][0], "width": 1.5},
            "opacity": 0.45,
            "marker": {"color": style[g][0], "size": 5},
        }
        for g in groups
    }
    head_style = {
        g: {
            "type": "scatter",
            "mode": "markers+text" if labels else "markers",
            "name": plotly_text(g),
            "legendgroup": plotly_text(g),
            "showlegend": False,
            "textfont": {"size": font_size - 3, "color": "#374151"},
            "marker": _marker(*style[g], 15),
            "hovertemplate": (
                "<b>%{customdata[0]}</b><br>%{meta[0]}: <b>%{x:+.1f}</b><br>"
                "%{meta[1]}: <b>%{y:+.1f}</b><br>placed %{customdata[1]}<extra></extra>"
            ),
        }
        for g in groups
    }

    def trail(values: np.ndarray, step: int) -> np.ndarray:
        """Every path up to `step`, the future slots parked on the current position.

        A fixed length per trail lets the line grow smoothly with the glide between
        frames instead of jumping.
        """
        parked = np.repeat(values[:, [step]], len(dates) - step - 1, axis=1)
        full = np.hstack([values[:, : step + 1], parked, np.full((len(values), 1), np.nan)])
        return full.ravel()  # NaN breaks the line between keys, as None would

    def data_at(step: int) -> list[dict]:
        """What changes between dates: the trails and the points as they stood then."""
        now = by_frame[dates[step]]
        chosen: list[str | None] = [None] * len(now)
        if labels and len(now):
            # The consensus cross is named in the legend; a label would crowd its partners.
            chosen = choose_labels(
                now[xs],
                now[ys],
                [
                    None if k == CONSENSUS else short_label(v, 18, 28)
                    for k, v in zip(now["key"], now["_label"], strict=True)
                ],
                plot_area(
                    height + 60,
                    width=width,
                    margin=(*tension_margin(title, font_size)[:3], 170),
                ),
                font_size=font_size - 3,
                marker_px=15,
                corners=quadrant_labels(x_axis, y_axis),
                corner_font=font_size - 1,
            )
        where = pd.Series(text_positions(chosen), index=now.index)
        shown = pd.Series([w is not None for w in chosen], index=now.index, dtype=bool)
        out: list[dict] = []
        for g in groups:
            px, py = paths[g]
            out.append(
                {
                    "type": "scatter",
                    "x": trail(px, step) if trails else np.empty(0),
                    "y": trail(py, step) if trails else np.empty(0),
                }
            )
        for g in groups:
            rows = now.loc[now["_group"].eq(g)]
            text = [
                short_label(v, 18, 28) if on else ""
                for v, on in zip(rows["_label"], shown.loc[rows.index], strict=True)
            ]
            custom = [
                [plotly_text(v), d]
                for v, d in zip(
                    rows["_label"],
                    _dates(rows["placed"]) if "placed" in rows else [""] * len(rows),
                    strict=True,
                )
            ]
            out.append(
                {
                    "type": "scatter",
                    "x": rows[xs].to_numpy(float),
                    "y": rows[ys].to_numpy(float),
                    "ids": [plotly_text(k) for k in rows["key"]],
                    "text": text if labels else None,
                    "textposition": where.loc[rows.index].tolist(),
                    "customdata": custom,
                }
            )
        return out

    styles = [trail_style[g] for g in groups] + [head_style[g] for g in groups]
    fig.add_traces([{**sty, **d} for sty, d in zip(styles, data_at(0), strict=True)])
    indices = list(range(base, len(fig.data)))
    # Legend entries of their own: a group without points on a date would drop out of it.
    fig.add_traces(
        [
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=plotly_text(g),
                legendgroup=plotly_text(g),
                hoverinfo="skip",
                marker=_marker(*style[g], 13),
            )
            for g in groups
        ]
    )
    if len(dates) == 1:
        _message(
            fig,
            f"Placed on one date only ({names[0]}): nothing to play yet",
            name="still",
            y=4.6,
            font_size=font_size - 2,
        )
        return fig
    fig.frames = [go.Frame(name=n, data=data_at(i), traces=indices) for i, n in enumerate(names)]
    play = {
        "frame": {"duration": FRAME_MS, "redraw": False},
        "fromcurrent": True,
        "transition": {"duration": TRANSITION_MS, "easing": "cubic-in-out"},
        "mode": "immediate",
    }
    pause = {
        "frame": {"duration": 0, "redraw": False},
        "mode": "immediate",
        "transition": {"duration": 0},
    }
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "showactive": False,
                "x": 0.0,
                "y": -0.13,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"r": 8, "t": 4},
                "font": {"size": font_size},
                "bgcolor": "#F3F6FA",
                "bordercolor": "#9AA4B2",
                "buttons": [
                    {"label": "▶ Play", "method": "animate", "args": [None, play], "name": "play"},
                    {
                        "label": "❚❚ Pause",
                        "method": "animate",
                        "args": [[None], pause],
                        "name": "pause",
                    },
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.22,
                "len": 0.78,
                "y": -0.13,
                "yanchor": "top",
                "pad": {"t": 10},
                "currentvalue": {
                    "prefix": "As of ",
                    "font": {"size": font_size + 1},
                    "xanchor": "left",
                },
                "transition": {"duration": 0},
                "font": {"size": font_size - 3},
                "steps": [
                    {
                        "label": n,
                        "method": "animate",
                        "args": [
                            [n],
                            {
                                "frame": {"duration": 0, "redraw": False},
                                "mode": "immediate",
                                "transition": {"duration": 0},
                            },
                        ],
                    }
                    for n in names
                ],
            }
        ],
        margin={"b": 170},
        height=height + 60,
    )
    return fig


# ---- all axes at once -----------------------------------------------------------------------


def _profile_styles(profiles: pd.DataFrame, order: Sequence[str] | None) -> list[tuple[str, str]]:
    """(colour, symbol) per profile row, by its `key` in `order` (consensus: black)."""
    keys = profiles["key"].astype(str).tolist()
    full = _order([k for k in keys if k != CONSENSUS], order)
    return [_style(k, full) for k in keys]


def parallel_chart(
    profiles: pd.DataFrame,
    axes: Sequence[Axis],
    *,
    order: Sequence[str] | None = None,
    title: str | None = None,
    height: int = 520,
    font_size: int = 13,
) -> go.Figure:
    """Parallel coordinates: every axis side by side, one line per perspective or partnership.

    Drawn with ordinary scatter lines rather than `go.Parcoords`, which can tell lines
    apart only by colour and has no legend or hover: here each line also has its own
    marker symbol, and hovering names it. A blank axis leaves a gap in the line.

    Args:
        profiles: one row per line with `key` (perspective or partnership id, for its
            style), `label` (its name) and a column per axis id.
        axes: the axes, left to right.
        order: perspectives in a fixed order, so each keeps its colour and symbol.
        title: a title above the chart (escaped).
        height: the figure's height in pixels.
        font_size: the base font size; labels are a little smaller.
    """
    fig = go.Figure()
    n = len(axes)
    fig.update_layout(
        height=height,
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"family": FONT, "size": font_size, "color": "#1F2A37"},
        margin={"l": 60, "r": 30, "t": 110 if title else 80, "b": 60},
        xaxis={
            "range": [-0.6, n - 0.4],
            "showticklabels": False,
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
        },
        yaxis={
            "range": [POSITION_MIN - 1.6, POSITION_MAX + 1.6],
            "fixedrange": True,
            "tickvals": list(range(int(POSITION_MIN), int(POSITION_MAX) + 1)),
            "showgrid": False,
            "zeroline": False,
            "tickfont": {"size": font_size - 2, "color": MUTED},
        },
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        hovermode="closest",
        dragmode=False,
        title={"text": plotly_text(title), "x": 0.01} if title else None,
        meta=[plotly_text(a.label) for a in axes],
    )
    for i, axis in enumerate(axes):
        fig.add_shape(
            type="line",
            x0=i,
            x1=i,
            y0=POSITION_MIN,
            y1=POSITION_MAX,
            line={"color": "#9AA4B2", "width": 2},
            layer="below",
        )
        for text, y, anchor in (
            (axis.high_pole, POSITION_MAX + 0.3, "bottom"),
            (axis.low_pole, POSITION_MIN - 0.3, "top"),
        ):
            fig.add_annotation(
                x=i,
                y=y,
                text=f"<b>{plotly_text(text, 16)}</b>",
                showarrow=False,
                yanchor=anchor,
                name="pole",
                font={"size": font_size - 1, "color": "#1F2A37"},
            )
    fig.add_shape(
        type="line",
        x0=-0.3,
        x1=n - 0.7,
        y0=0,
        y1=0,
        layer="below",
        line={"color": "#9AA4B2", "width": 1, "dash": "dash"},
    )
    fig.add_annotation(
        x=-0.55,
        y=0,
        text="balance",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        name="balance",
        font={"size": font_size - 3, "color": MUTED},
    )
    if profiles.empty:
        _paper_message(fig, "Nothing placed yet", font_size=font_size)
        return fig
    for (colour, symbol), row in zip(
        _profile_styles(profiles, order), profiles.itertuples(index=False), strict=True
    ):
        values = [getattr(row, a.axis_id) for a in axes]
        y = [None if pd.isna(v) else float(v) for v in values]
        is_consensus = row.key == CONSENSUS
        label = plotly_text(row.label)
        fig.add_trace(
            go.Scatter(
                x=list(range(n)),
                y=y,
                mode="lines+markers",
                name=label,
                connectgaps=False,
                line={
                    "color": colour,
                    "width": 3 if is_consensus else 2,
                    "dash": "dash" if is_consensus else "solid",
                },
                marker=_marker(colour, symbol, 12),
                customdata=[[label, plotly_text(a.label)] for a in axes],
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: <b>%{y:+.1f}</b>"
                "<extra></extra>",
            )
        )
    return fig


def radar_chart(
    profiles: pd.DataFrame,
    axes: Sequence[Axis],
    *,
    order: Sequence[str] | None = None,
    title: str | None = None,
    height: int = 560,
    font_size: int = 13,
) -> go.Figure:
    """A radar of all axes: the rim is each axis' high pole (+5), the centre its low pole (-5).

    The dashed ring is balance (0). One closed line per perspective or partnership.

    Args:
        profiles: as for `parallel_chart`.
        axes: the axes, clockwise from the top.
        order: perspectives in a fixed order, so each keeps its colour and symbol.
        title: a title above the chart (escaped).
        height: the figure's height in pixels.
        font_size: the base font size; labels are a little smaller.
    """
    theta = [
        f"<b>{plotly_text(a.high_pole, 18)}</b><br>vs {plotly_text(a.low_pole, 18)}" for a in axes
    ]
    fig = go.Figure()
    fig.update_layout(
        height=height,
        paper_bgcolor="white",
        font={"family": FONT, "size": font_size, "color": "#1F2A37"},
        margin={"l": 110, "r": 110, "t": 110 if title else 80, "b": 90},
        polar={
            "bgcolor": "#F8FAFC",
            "radialaxis": {
                "range": [POSITION_MIN, POSITION_MAX],
                "tickvals": [-5, -2.5, 0, 2.5, 5],
                "tickfont": {"size": font_size - 3, "color": MUTED},
                # Between the first and the last spoke, clear of the data.
                "angle": 90 + 180 / max(len(axes), 1),
                "gridcolor": "#D6DCE4",
            },
            "angularaxis": {
                "direction": "clockwise",
                "rotation": 90,
                "tickfont": {"size": font_size - 1},
                "gridcolor": "#D6DCE4",
            },
        },
        legend={"orientation": "h", "yanchor": "top", "y": -0.06, "xanchor": "center", "x": 0.5},
        title={"text": plotly_text(title), "x": 0.01} if title else None,
        dragmode=False,
    )
    closed = [*theta, theta[0]] if theta else []
    fig.add_trace(
        go.Scatterpolar(
            r=[0] * len(closed),
            theta=closed,
            mode="lines",
            name="balance (0)",
            hoverinfo="skip",
            line={"color": "#6B7280", "width": 1.5, "dash": "dash"},
            showlegend=True,
        )
    )
    if profiles.empty:
        _paper_message(fig, "Nothing placed yet", font_size=font_size)
        return fig
    for (colour, symbol), row in zip(
        _profile_styles(profiles, order), profiles.itertuples(index=False), strict=True
    ):
        r = [
            None if pd.isna(getattr(row, a.axis_id)) else float(getattr(row, a.axis_id))
            for a in axes
        ]
        is_consensus = row.key == CONSENSUS
        label = plotly_text(row.label)
        custom = [[label, plotly_text(a.label)] for a in axes]
        fig.add_trace(
            go.Scatterpolar(
                r=[*r, r[0]],
                theta=closed,
                mode="lines+markers",
                name=label,
                connectgaps=False,
                line={
                    "color": colour,
                    "width": 3 if is_consensus else 2,
                    "dash": "dash" if is_consensus else "solid",
                },
                marker=_marker(colour, symbol, 10),
                customdata=[*custom, custom[0]],
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: <b>%{r:+.1f}</b>"
                "<extra></extra>",
            )
        )
    return fig


# ---- portfolio views ------------------------------------------------------------------------


def small_multiples(
    centres: pd.DataFrame,
    views: pd.DataFrame,
    x_axis: Axis,
    y_axis: Axis,
    *,
    columns: int = 4,
    order: Sequence[str] | None = None,
    subtitles: dict[str, str] | None = None,
    row_height: int = 290,
    font_size: int = 12,
    width: int | None = None,
) -> go.Figure:
    """One small tension map per partnership, all on the same scales, for a quick scan.

    Each shows the perspectives' latest placements (colour and symbol as everywhere),
    their consensus (black cross) and dotted lines between them.

    Args:
        centres: `analysis.consensus_points` rows, one per partnership, in display order.
        views: `analysis.portfolio_points` rows (each partnership's perspectives).
        x_axis: the horizontal axis.
        y_axis: the vertical axis.
        columns: maps per row.
        order: perspectives in a fixed order, so each keeps its colour and symbol.
        subtitles: extra text under a partnership's name, by partnership id (escaped here).
        row_height: pixels per row (of maps, or of partnerships).
        font_size: the base font size; labels are a little smaller.
        width: the figure's width, if known, for fitting the perspectives' labels
            (`figures.choose_labels`; by default `figures.ASSUMED_WIDTH`).
    """
    xs, ys = x_axis.axis_id, y_axis.axis_id
    n = len(centres)
    if n == 0:
        fig = go.Figure()
        fig.update_layout(
            height=260,
            plot_bgcolor="white",
            paper_bgcolor="white",
            xaxis={"visible": False},
            yaxis={"visible": False},
        )
        _paper_message(fig, "No partnership is placed on these two axes yet", font_size=font_size)
        return fig
    columns = max(1, min(columns, n))
    rows = -(-n // columns)
    titles = []
    for pid, name in zip(centres["partnership_id"], centres["name"], strict=True):
        sub = (subtitles or {}).get(pid)
        titles.append(
            f"<b>{short_label(name, 34, 60)}</b>"
            + (
                f"<br><span style='font-size:{font_size - 2}px;color:{MUTED}'>"
                f"{plotly_text(sub)}</span>"
                if sub
                else ""
            )
        )
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=titles,
        horizontal_spacing=0.035,
        vertical_spacing=min(0.3 / rows, 0.09),
    )
    order = _order(views["perspective"].tolist() if len(views) else [], order)
    shown: set[str] = set()
    lo, hi = RANGE
    # Built as plain lists and added in one go: one validation pass instead of hundreds.
    traces: list[dict] = []
    shapes: list[dict] = []
    notes: list[dict] = []
    by_partnership = dict(iter(views.groupby("partnership_id", sort=False))) if len(views) else {}
    pole = {"size": font_size - 2, "color": "#374151"}
    common = {
        "range": list(RANGE),
        "showticklabels": False,
        "showgrid": False,
        "zeroline": True,
        "zerolinecolor": "#9AA4B2",
        "fixedrange": True,
        "ticks": "",
        "constrain": "domain",
    }
    axes_layout: dict[str, dict] = {}
    # Each small map's plot area, for naming the perspectives that have room.
    spacing = min(0.3 / rows, 0.09)
    side = min(
        (1 - (columns - 1) * 0.035) / columns * ((width or ASSUMED_WIDTH) - 70),
        (1 - (rows - 1) * spacing) / rows * (rows * row_height + 110 - 180),
    )
    small_area = PlotArea(RANGE, RANGE, side / (RANGE[1] - RANGE[0]))
    # Pole names wrap so that the two of an axis never meet under (or beside) a small map.
    pole_chars = max(int((side - POLE_GAP) / 2 // (CHAR_WIDTH * pole["size"])), 6)
    for i, centre in enumerate(centres.itertuples(index=False)):
        r, c = i // columns + 1, i % columns + 1
        ref = "" if i == 0 else str(i + 1)
        on = {"xaxis": f"x{ref}", "yaxis": f"y{ref}"}
        axes_layout[f"xaxis{ref}"] = common
        axes_layout[f"yaxis{ref}"] = {**common, "scaleanchor": f"x{ref}", "scaleratio": 1}
        for (x0, x1, y0, y1), fill in zip(
            ((lo, 0, 0, hi), (0, hi, 0, hi), (lo, 0, lo, 0), (0, hi, lo, 0)),
            QUADRANT_FILLS,
            strict=True,
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
                    "xref": f"x{ref}",
                    "yref": f"y{ref}",
                }
            )
        mine = by_partnership.get(centre.partnership_id, views.iloc[0:0])
        cx, cy = getattr(centre, xs), getattr(centre, ys)
        if len(mine) >= 2:
            lx, ly = _segments(mine[xs], mine[ys], [cx] * len(mine), [cy] * len(mine))
            traces.append(
                {
                    "type": "scatter",
                    "x": lx,
                    "y": ly,
                    "mode": "lines",
                    "hoverinfo": "skip",
                    "showlegend": False,
                    "name": "to consensus",
                    "line": {"color": "#4B5563", "width": 1, "dash": "dot"},
                    **on,
                }
            )
        present = set(mine["perspective"]) if len(mine) else set()
        chosen = choose_labels(
            [*mine[xs], cx],
            [*mine[ys], cy],
            [*(short_label(p, 14, 16) for p in mine["perspective"]), None],
            small_area,
            font_size=font_size - 3,
            marker_px=10,
            fixed=(),
        )
        label_at = dict(zip(mine.index, chosen, strict=False))
        for perspective in [p for p in order if p in present]:
            one = mine.loc[mine["perspective"].eq(perspective)]
            colour, symbol = _style(perspective, order)
            label = plotly_text(perspective)
            at = [label_at.get(k) for k in one.index]
            traces.append(
                {
                    "type": "scatter",
                    "x": one[xs].to_numpy(float),
                    "y": one[ys].to_numpy(float),
                    "mode": "markers+text",
                    "text": [short_label(perspective, 14, 16) if w else "" for w in at],
                    "textposition": text_positions(at),
                    "textfont": {"size": font_size - 3, "color": "#374151"},
                    "name": label,
                    "legendgroup": label,
                    "showlegend": perspective not in shown,
                    "legendrank": 1000 + order.index(perspective),
                    "marker": _marker(colour, symbol, 9),
                    "customdata": [
                        [n, label, d]
                        for n, d in zip(_column(one, "name"), _dates(one["date"]), strict=True)
                    ],
                    "hovertemplate": (
                        "<b>%{customdata[0]}</b><br>%{customdata[1]} · %{customdata[2]}"
                        "<br>%{meta[0]}: %{x:+.1f}<br>%{meta[1]}: %{y:+.1f}<extra></extra>"
                    ),
                    **on,
                }
            )
            shown.add(perspective)
        traces.append(
            {
                "type": "scatter",
                "x": [cx],
                "y": [cy],
                "mode": "markers",
                "name": "consensus (median)",
                "legendgroup": "consensus",
                "showlegend": i == 0,
                "legendrank": 5000,
                "marker": _marker(CONSENSUS_COLOUR, CONSENSUS_SYMBOL, 14),
                "customdata": [[plotly_text(centre.name), int(centre.n_perspectives)]],
                "hovertemplate": (
                    "<b>%{customdata[0]}</b><br>Consensus of %{customdata[1]} "
                    "perspectives<br>%{meta[0]}: %{x:+.1f}<br>%{meta[1]}: %{y:+.1f}"
                    "<extra></extra>"
                ),
                **on,
            }
        )
        # Pole names under the bottom map of each column and beside the first of each row.
        if r == rows or i + columns >= n:
            for text, x, anchor in (
                (f"◀ {x_axis.low_pole}", 0, "left"),
                (f"{x_axis.high_pole} ▶", 1, "right"),
            ):
                notes.append(
                    {
                        "x": x,
                        "y": 0,
                        "xref": f"x{ref} domain",
                        "yref": f"y{ref} domain",
                        "text": plotly_text(text, pole_chars),
                        "showarrow": False,
                        "xanchor": anchor,
                        "yanchor": "top",
                        "yshift": -4,
                        "font": pole,
                        "name": "pole",
                        "align": anchor,
                    }
                )
        if c == 1:
            for text, y, anchor in (
                (f"◀ {y_axis.low_pole}", 0, "bottom"),
                (f"{y_axis.high_pole} ▶", 1, "top"),
            ):
                notes.append(
                    {
                        "x": 0,
                        "y": y,
                        "xref": f"x{ref} domain",
                        "yref": f"y{ref} domain",
                        "text": plotly_text(text, pole_chars),
                        "showarrow": False,
                        "xanchor": "right",
                        "yanchor": anchor,
                        "textangle": -90,
                        "xshift": -4,
                        "align": "left" if anchor == "bottom" else "right",
                        "font": pole,
                        "name": "pole",
                    }
                )
    fig.add_traces(traces)
    fig.update_layout(axes_layout)
    titles_layout = [
        {**a.to_plotly_json(), "font": {"size": font_size, "color": "#1F2A37"}}
        for a in fig.layout.annotations
    ]
    fig.layout.annotations = [*titles_layout, *notes]
    fig.layout.shapes = shapes
    fig.update_layout(
        height=rows * row_height + 110,
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"family": FONT, "size": font_size, "color": "#1F2A37"},
        margin={"l": 50, "r": 20, "t": 130, "b": 50},
        hovermode="closest",
        dragmode=False,
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": 0.995,
            "yref": "container",
            "xanchor": "left",
            "x": 0,
            "font": {"size": font_size},
        },
        meta=[plotly_text(x_axis.label), plotly_text(y_axis.label)],
    )
    return fig


def median_comparison_chart(
    comparison: pd.DataFrame,
    axes: Sequence[Axis],
    *,
    title: str | None = None,
    row_height: int = 30,
    font_size: int = 12,
) -> go.Figure:
    """Each partnership against the portfolio median, one panel per axis.

    A dashed line marks the portfolio median; a segment runs from it to the
    partnership's consensus, ending in a triangle that points the way it leans
    (so the direction is told by shape and position, not only by colour).

    Args:
        comparison: `course.median_comparison` rows.
        axes: the axes, one panel each.
        title: a title above the chart (escaped).
        row_height: pixels per row (of maps, or of partnerships).
        font_size: the base font size; labels are a little smaller.
    """
    if comparison.empty:
        fig = go.Figure()
        fig.update_layout(
            height=240,
            plot_bgcolor="white",
            paper_bgcolor="white",
            xaxis={"visible": False},
            yaxis={"visible": False},
        )
        _paper_message(fig, "No partnership is placed yet", font_size=font_size)
        return fig
    names = (
        comparison.drop_duplicates("partnership_id")[["partnership_id", "name"]]
        .assign(_key=lambda f: f["name"].str.casefold())
        .sort_values("_key", kind="stable")
    )
    position = {pid: i for i, pid in enumerate(names["partnership_id"])}
    n = len(axes)
    fig = make_subplots(
        rows=1,
        cols=n,
        shared_yaxes=True,
        horizontal_spacing=0.025,
        # Wrapped to a panel's width (about 100 px with five axes on a laptop), so that
        # neighbouring titles never run into each other.
        subplot_titles=[f"<b>{plotly_text(a.label, 13)}</b>" for a in axes],
    )
    for annotation in fig.layout.annotations:  # the panel titles
        annotation.update(font={"size": font_size + 1, "color": "#1F2A37"})
    kinds = (
        ("higher", "further toward the right-hand pole", "triangle-right", "#0072B2"),
        ("lower", "further toward the left-hand pole", "triangle-left", "#D55E00"),
        ("at", "at the median", "circle", "#6B7280"),
    )
    pole_depth = 0.0
    for c, axis in enumerate(axes, start=1):
        rows = comparison.loc[comparison["axis_id"].eq(axis.axis_id)]
        ref = "" if c == 1 else str(c)
        if rows.empty:
            continue
        median = float(rows["portfolio_median"].iloc[0])
        ypos = rows["partnership_id"].map(position).to_numpy()
        lx, ly = _segments([median] * len(rows), ypos, rows["value"], ypos)
        fig.add_trace(
            go.Scatter(
                x=lx,
                y=ly,
                mode="lines",
                hoverinfo="skip",
                showlegend=False,
                name="difference",
                line={"color": "#9AA4B2", "width": 2},
            ),
            row=1,
            col=c,
        )
        fig.add_shape(
            type="line",
            x0=median,
            x1=median,
            y0=-0.6,
            y1=len(position) - 0.4,
            xref=f"x{ref}",
            yref=f"y{ref}",
            line={"color": "#1F2A37", "dash": "dash", "width": 1.5},
        )
        side = np.where(
            rows["difference"] >= 0.05,
            "higher",
            np.where(rows["difference"] <= -0.05, "lower", "at"),
        )
        for kind, legend, symbol, colour in kinds:
            part = rows.loc[side == kind]
            if part.empty:
                continue
            custom = np.column_stack(
                [
                    _column(part, "name"),
                    [plotly_text(axis.label)] * len(part),
                    [f"{v:+.1f}" for v in part["difference"]],
                    [f"{median:+.1f}"] * len(part),
                ]
            )
            fig.add_trace(
                go.Scatter(
                    x=part["value"].to_numpy(),
                    y=part["partnership_id"].map(position).to_numpy(),
                    mode="markers",
                    name=legend,
                    legendgroup=kind,
                    showlegend=not any(t.legendgroup == kind for t in fig.data),
                    marker={
                        "symbol": symbol,
                        "size": 11,
                        "color": colour,
                        "line": {"width": 0.5, "color": "white"},
                    },
                    customdata=custom,
                    hovertemplate=(
                        "<b>%{customdata[0]}</b><br>%{customdata[1]}: <b>%{x:+.1f}</b>"
                        "<br>%{customdata[2]} from the portfolio median "
                        "(%{customdata[3]})<extra></extra>"
                    ),
                ),
                row=1,
                col=c,
            )
        pole = {"size": font_size - 2, "color": "#374151"}
        # A panel is narrow (about 100 px with five axes): the high pole goes under the
        # low one, so that the two never run into each other however long they are.
        shift = -22.0
        for text, x, anchor in (
            (f"◀ {axis.low_pole}", 0, "left"),
            (f"{axis.high_pole} ▶", 1, "right"),
        ):
            wrapped = plotly_text(text, 12)
            fig.add_annotation(
                x=x,
                y=0,
                xref=f"x{ref} domain",
                yref=f"y{ref} domain",
                text=wrapped,
                showarrow=False,
                xanchor=anchor,
                align=anchor,
                yanchor="top",
                yshift=round(shift),
                font=pole,
                name="pole",
            )
            shift -= (wrapped.count("<br>") + 1) * LINE_HEIGHT * pole["size"]
        pole_depth = max(pole_depth, -shift)
        fig.layout[f"xaxis{ref}"].update(
            range=[POSITION_MIN - 0.5, POSITION_MAX + 0.5],
            tickvals=[-5, 0, 5],
            fixedrange=True,
            zeroline=False,
            showgrid=True,
            gridcolor="#EEF1F5",
            tickfont={"size": font_size - 3, "color": MUTED},
        )
    fig.update_yaxes(
        tickvals=list(position.values()),
        ticktext=[short_label(v, 60, 44) for v in names["name"]],
        autorange=False,
        range=[len(position) - 0.4, -0.6],
        fixedrange=True,
        showgrid=True,
        gridcolor="#F3F4F6",
        tickfont={"size": font_size - 1},
    )
    fig.update_layout(
        height=len(position) * row_height + 190,
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"family": FONT, "size": font_size, "color": "#1F2A37"},
        margin={"l": 10, "r": 20, "t": 150 if title else 120, "b": max(70, round(pole_depth) + 6)},
        hovermode="closest",
        dragmode=False,
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": 0.995,
            "yref": "container",
            "xanchor": "left",
            "x": 0,
        },
        title={"text": plotly_text(title), "x": 0.01} if title else None,
    )
    return fig


def disagreement_chart(
    ranking: pd.DataFrame,
    by_axis: pd.DataFrame,
    axes: Sequence[Axis],
    *,
    title: str | None = None,
    row_height: int = 30,
    font_size: int = 12,
) -> go.Figure:
    """Partnerships ranked by disagreement: a bar for the overall divergence, a mark per axis.

    Bands mark close agreement (below `course.CLOSE`) and strong disagreement (from
    `course.STRONG`). Partnerships with a single perspective are left out.

    Args:
        ranking: `course.disagreement_ranking` rows, most divided first.
        by_axis: `course.divergence_by_axis` (partnership ids × axis ids).
        axes: the axes, each with its own colour and symbol.
        title: a title above the chart (escaped).
        row_height: pixels per row (of maps, or of partnerships).
        font_size: the base font size; labels are a little smaller.
    """
    ranked = ranking.dropna(subset=["divergence"])
    fig = go.Figure()
    if ranked.empty:
        fig.update_layout(
            height=240,
            plot_bgcolor="white",
            paper_bgcolor="white",
            xaxis={"visible": False},
            yaxis={"visible": False},
        )
        _paper_message(
            fig, "No partnership has two perspectives to compare yet", font_size=font_size
        )
        return fig
    ypos = list(range(len(ranked)))
    top = (
        max(
            float(np.nanmax(by_axis.loc[ranked["partnership_id"]].to_numpy(float))),
            float(ranked["divergence"].max()),
            STRONG,
        )
        + 0.3
    )
    for x0, x1, fill, text in (
        (0, CLOSE, "#EDF6F0", "agree closely"),
        (STRONG, top, "#FBF3EA", "disagree strongly"),
    ):
        fig.add_shape(
            type="rect",
            x0=x0,
            x1=x1,
            y0=-0.6,
            y1=len(ranked) - 0.4,
            fillcolor=fill,
            line_width=0,
            layer="below",
        )
        fig.add_annotation(
            x=(x0 + x1) / 2,
            y=-0.6,
            text=text,
            showarrow=False,
            yanchor="bottom",
            font={"size": font_size - 1, "color": MUTED},
            name="band",
        )
    custom = np.column_stack(
        [
            _column(ranked, "name"),
            ranked["n_perspectives"].astype(str),
            _column(ranked, "axis"),
            [f"{v:.1f}" for v in ranked["axis_divergence"]],
        ]
    )
    fig.add_trace(
        go.Bar(
            x=ranked["divergence"].to_numpy(),
            y=ypos,
            orientation="h",
            name="overall (mean of axes)",
            marker={"color": "#B8C4D6", "line": {"width": 0}},
            width=0.6,
            customdata=custom,
            hovertemplate=(
                "<b>%{customdata[0]}</b><br>Overall divergence: <b>%{x:.2f}</b> "
                "(%{customdata[1]} perspectives)<br>Most divided on %{customdata[2]} "
                "(%{customdata[3]})<extra></extra>"
            ),
        )
    )
    for i, axis in enumerate(axes):
        colour, symbol = style_for(i)
        values = by_axis.reindex(ranked["partnership_id"])[axis.axis_id].to_numpy(float)
        fig.add_trace(
            go.Scatter(
                x=values,
                y=ypos,
                mode="markers",
                name=plotly_text(axis.label),
                marker=_marker(colour, symbol, 10),
                customdata=np.column_stack(
                    [_column(ranked, "name"), [plotly_text(axis.label)] * len(ranked)]
                ),
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>%{customdata[1]}: divergence "
                    "<b>%{x:.2f}</b><extra></extra>"
                ),
            )
        )
    fig.update_layout(
        height=len(ranked) * row_height + 200,
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"family": FONT, "size": font_size, "color": "#1F2A37"},
        margin={"l": 10, "r": 20, "t": 110 if title else 90, "b": 60},
        hovermode="closest",
        dragmode=False,
        barmode="overlay",
        xaxis={
            "range": [0, top],
            "title": {"text": "Divergence: average distance from the consensus, in axis units"},
            "fixedrange": True,
            "gridcolor": "#EEF1F5",
            "zeroline": False,
        },
        yaxis={
            "tickvals": ypos,
            "ticktext": [
                f"{int(r)}. {short_label(v, 60, 44)}"
                for r, v in zip(ranked["rank"], ranked["name"], strict=True)
            ],
            "range": [len(ranked) - 0.4, -0.6],
            "fixedrange": True,
            "tickfont": {"size": font_size - 1},
        },
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": 0.995,
            "yref": "container",
            "xanchor": "left",
            "x": 0,
            "font": {"size": font_size - 1},
        },
        title={"text": plotly_text(title), "x": 0.01} if title else None,
    )
    return fig
