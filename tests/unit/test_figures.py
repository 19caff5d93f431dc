"""Figure builders, asserted as data: traces, coordinates, labels, escaping."""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io
import pytest

import plotting as pp
from plotting.figures import (
    BOLD_CHAR_WIDTH,
    CHAR_WIDTH,
    CLICK_GRID_NAME,
    COMPACT_HOVER_POINTS,
    FULL_WIDTH,
    MIN_MAP_SIDE,
    POLE_GAP,
    RANGE,
    WEBGL_THRESHOLD,
    Poles,
    boxes_overlap,
    choose_labels,
    label_boxes,
    plot_area,
    pole_extents,
    pole_layout,
    trace_index,
)
from plotting.model import Axis

X = Axis("delivery_policy", "Delivering services", "Informing policy")
Y = Axis("regulation_innovation", "Regulating delivery", "Stimulating innovation")


def annotation_texts(fig: go.Figure, name: str) -> list[str]:
    return [a.text for a in fig.layout.annotations if a.name == name]


def test_tension_map_names_both_poles_at_both_ends() -> None:
    fig = pp.tension_map(X, Y)
    poles = annotation_texts(fig, "pole")
    # Wrapped so that the two poles of an axis never meet on a phone (see below).
    assert poles == [
        "◀ Delivering<br>services",
        "Informing<br>policy ▶",
        "◀ Regulating<br>delivery",
        "Stimulating<br>innovation ▶",
    ]
    left, right, bottom, top = (a for a in fig.layout.annotations if a.name == "pole")
    assert (left.x, left.xanchor, right.x, right.xanchor) == (0.0, "left", 1.0, "right")
    assert (left.align, right.align) == ("left", "right")
    assert (bottom.y, top.y, bottom.textangle, top.textangle) == (0.0, 1.0, -90, -90)
    assert all(a.font.weight == "bold" and a.font.size == 14 for a in (left, right, bottom, top))
    assert fig.layout.xaxis.title.text == "Delivering services ↔ Informing policy"
    assert list(fig.layout.xaxis.range) == list(RANGE) == list(fig.layout.yaxis.range)


def test_tension_map_marks_balance_and_shades_named_quadrants() -> None:
    fig = pp.tension_map(X, Y)
    (balance,) = [t for t in fig.data if t.name == "balance"]
    assert (balance.x, balance.y, balance.text) == ((0,), (0,), ("balance",))
    assert len([s for s in fig.layout.shapes if s.type == "rect"]) == 4
    quadrants = annotation_texts(fig, "quadrant")
    assert quadrants == [
        "Stimulating innovation ·<br>Delivering services",
        "Stimulating innovation ·<br>Informing policy",
        "Regulating delivery ·<br>Delivering services",
        "Regulating delivery ·<br>Informing policy",
    ]


def test_poles_are_escaped() -> None:
    fig = pp.tension_map(Axis("a", "<b>low</b>", "<script>x</script>"), Y)
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "&lt;b&gt;low&lt;/b&gt;" in texts and "&lt;script&gt;" in texts
    assert "<script>" not in texts


LONG = Axis(
    "long", "Strengthening community water governance", "Scaling private investment in utility"
)
LONGER = Axis("longer", "A" * 40, "Pole " * 8)


def _spans_meet(spans: list[tuple[float, float]]) -> bool:
    (_, low_end), (high_start, _) = spans
    return low_end > high_start


@pytest.mark.parametrize("font_size", [13, 16, 19])
@pytest.mark.parametrize("axes", [(X, Y), (LONG, LONGER), (LONGER, LONG)])
def test_pole_names_never_meet_on_the_smallest_map(axes, font_size) -> None:
    """On the smallest map the app draws (MIN_MAP_SIDE px at font 13, a 360 px phone; in
    proportion at a larger font), the two pole names of each axis leave a gap."""
    poles = pole_layout(*axes, font_size)
    side = MIN_MAP_SIDE * font_size / 13
    for axis, spans in pole_extents(poles, side).items():
        assert not _spans_meet(spans), (axis, spans, poles)
        assert spans[1][0] - spans[0][1] >= POLE_GAP - 1
    assert poles.lines <= 3
    # The same extents, checked independently of pole_extents: each line's length in bold.
    for text in (*poles.x, *poles.y):
        longest = max(len(html.unescape(line)) for line in text.split("<br>"))
        assert longest * BOLD_CHAR_WIDTH * poles.font_size <= (side - POLE_GAP) / 2


def test_before_wrapping_the_sample_poles_met_on_a_phone() -> None:
    """The check above can fail: one-line names in the old size run into each other."""
    one_line = Poles(14, ("◀ Delivering services", "Informing policy ▶"),
                     ("◀ Regulating delivery", "Stimulating innovation ▶"), (), ())  # fmt: skip
    extents = pole_extents(one_line, MIN_MAP_SIDE)
    assert _spans_meet(extents["x"]) and _spans_meet(extents["y"])


def test_long_pole_names_shrink_then_wrap_on_three_lines_and_hover_whole() -> None:
    fig = pp.tension_map(LONG, Axis("cut", "word " * 12, "<b>x</b> " * 3))
    left, _, bottom, top = (a for a in fig.layout.annotations if a.name == "pole")
    assert left.text == "◀ Strengthening<br>community water<br>governance"
    assert left.font.size == 11 and left.hovertext is None
    assert bottom.text.endswith("…") and bottom.text.count("<br>") == 2
    assert bottom.hovertext == "◀ " + " ".join(["word"] * 12)
    assert "&lt;b&gt;x&lt;/b&gt;" in top.text and "<b>" not in top.text
    assert top.text.endswith("▶")


@pytest.mark.parametrize("font_size", [13, 16, 19])
def test_pole_names_sit_past_the_tick_labels_inside_the_margin(font_size) -> None:
    """At every font size the poles are shifted past the tick labels (-5 is two
    characters of the tick font) and the margin holds them."""
    fig = pp.tension_map(LONG, LONGER, font_size=font_size)
    left, right, bottom, top = (a for a in fig.layout.annotations if a.name == "pole")
    tick = font_size - 2
    assert -bottom.xshift >= 2 * CHAR_WIDTH * tick + 4 and bottom.xshift == top.xshift
    assert -left.yshift >= 1.3 * tick and left.yshift == right.yshift
    depth = max(a.text.count("<br>") + 1 for a in (left, right, bottom, top)) * 1.3 * left.font.size
    assert fig.layout.margin.l >= -bottom.xshift + depth
    assert fig.layout.margin.b >= -left.yshift + depth


@pytest.fixture
def ds(tiny: Path) -> pp.Dataset:
    return pp.load_dataset(tiny)


def test_portfolio_map_one_trace_per_group_with_coordinates(ds: pp.Dataset) -> None:
    points = pp.portfolio_points(ds, X.axis_id, Y.axis_id)
    fig = pp.portfolio_map(points, X, Y, color_by="sector")
    groups = [t for t in fig.data if t.name != "balance"]
    assert [t.name for t in groups] == ["Sanitation", "Water supply"]
    assert all(isinstance(t, go.Scatter) for t in groups)
    water = groups[1]
    assert list(water.x) == [-1.0, -1.5] and list(water.y) == [2.0, -1.0]  # private, public
    assert water.marker.symbol != groups[0].marker.symbol
    assert water.marker.color != groups[0].marker.color
    # Named once, at the point farther from balance (the other names it in its hover).
    assert list(water.text) == ["Alpha Water Alliance", ""]
    # Hover: the full name first, then partners, perspective, kind, date; the axes by
    # name (meta) and position (template); customdata is each row's index label.
    assert water.hovertext[0].startswith("<b>Alpha Water Alliance</b><br>Partners: ")
    assert "Perspective: private · actual · " in water.hovertext[0]
    assert "%{hovertext}" in water.hovertemplate and "%{meta[0]}" in water.hovertemplate
    assert list(water.customdata) == points.index[points["sector"] == "Water supply"].tolist()


def test_portfolio_hover_escapes_user_text(tiny: Path) -> None:
    text = (
        (tiny / "partnerships.csv")
        .read_text()
        .replace("Alpha Water Alliance", "<img src=x onerror=alert(1)>")
    )
    (tiny / "partnerships.csv").write_text(text)
    ds = pp.load_dataset(tiny)
    points = pp.portfolio_points(ds, X.axis_id, Y.axis_id)
    fig = pp.portfolio_map(points, X, Y, color_by="sector")
    dumped = fig.to_json()
    assert "<img" not in dumped
    assert "&lt;img src=x onerror=alert(1)&gt;" in dumped


def test_portfolio_map_uses_webgl_for_many_points(ds: pp.Dataset) -> None:
    points = pp.portfolio_points(ds, X.axis_id, Y.axis_id)
    many = points.loc[np.repeat(points.index, WEBGL_THRESHOLD // len(points) + 1)].reset_index(
        drop=True
    )
    fig = pp.portfolio_map(many, X, Y)
    assert isinstance(fig.data[-1], go.Scattergl)
    # No labels drawn: `text` holds the names for the hover only.
    assert fig.data[-1].mode == "markers" and fig.data[-1].text[0] == "Alpha Water Alliance"


def _many(points: pd.DataFrame, n: int) -> pd.DataFrame:
    """`points` repeated to at least n rows, notes included."""
    return points.loc[np.repeat(points.index, n // len(points) + 1)].reset_index(drop=True)


def test_display_config_draws_webgl_maps_at_one_pixel_ratio(ds: pp.Dataset) -> None:
    points = pp.portfolio_points(ds, X.axis_id, Y.axis_id)
    small = pp.portfolio_map(points, X, Y)
    dense = pp.portfolio_map(_many(points, WEBGL_THRESHOLD + 1), X, Y)
    assert pp.display_config(small) == {"displaylogo": False}
    assert pp.display_config(dense) == {"displaylogo": False, "plotGlPixelRatio": 1}


def test_portfolio_hover_is_compact_at_scale(ds: pp.Dataset) -> None:
    points = pp.portfolio_points(ds, X.axis_id, Y.axis_id)
    small = pp.portfolio_map(_many(points, 100), X, Y)
    large_points = _many(points, COMPACT_HOVER_POINTS)
    large = pp.portfolio_map(large_points, X, Y)
    (full,), (compact,) = small.data[1:], large.data[1:]
    assert "Partners: " in full.hovertext[0] and "Perspective: " in full.hovertext[0]
    # Compact: perspective and date only (the kind when mixed); markup in the template.
    row = large_points.iloc[0]
    assert compact.hovertext[0] == f"{row['perspective']} · {row['date']:%Y-%m-%d}"
    assert "<" not in "".join(compact.hovertext) and "Perspective: %{hovertext}" in (
        compact.hovertemplate
    )
    # What Streamlit sends: well under 100 bytes a point (nested customdata was ~190).
    sent = len(plotly.io.to_json(large.to_dict(), validate=False))
    assert sent / len(large_points) < 100


def test_portfolio_hover_shows_kind_when_mixed(ds: pp.Dataset) -> None:
    points = _many(pp.portfolio_points(ds, X.axis_id, Y.axis_id), COMPACT_HOVER_POINTS)
    points.loc[points.index[-1], "kind"] = "target"
    hover = pp.portfolio_map(points, X, Y).data[1].hovertext
    assert " · actual · " in hover[0] and " · target · " in hover[-1]


@pytest.mark.parametrize("n", [2, 100, COMPACT_HOVER_POINTS + 1])
def test_portfolio_map_is_valid_plotly(ds: pp.Dataset, n: int) -> None:
    """The map is built without plotly's validation: validating it changes nothing."""
    points = pp.portfolio_points(ds, X.axis_id, Y.axis_id)
    fig = pp.portfolio_map(_many(points, n).iloc[:n], X, Y, color_by="sector")
    validated = go.Figure(fig.to_dict())  # raises on any invalid property
    assert json.loads(validated.to_json()) == json.loads(fig.to_json())


def test_portfolio_map_empty_says_so(ds: pp.Dataset) -> None:
    points = pp.portfolio_points(ds, X.axis_id, Y.axis_id).iloc[0:0]
    fig = pp.portfolio_map(points, X, Y)
    assert annotation_texts(fig, "empty") == ["No placements match these filters"]


def test_partnership_map_latest_per_perspective_targets_and_preview(ds: pp.Dataset) -> None:
    rows = pp.partnership_placements(ds, "alpha")
    fig = pp.partnership_map(
        rows,
        X,
        Y,
        name="Alpha",
        preview={X.axis_id: 1.0, Y.axis_id: 2.0},
        clickable=True,
        perspectives=["public", "private"],
    )
    by_name = {t.name: t for t in fig.data}
    assert (by_name["public"].x, by_name["public"].y) == ((-1.5,), (-1.0,))  # 2024, not 2023
    assert (by_name["private"].x, by_name["private"].y) == ((-1.0,), (2.0,))
    target = by_name["public target"]
    assert (target.x, target.y, target.marker.symbol) == ((2.0,), (1.0,), "star")
    assert target.marker.color == by_name["public"].marker.color
    preview = by_name["New placement (not saved)"]
    assert (preview.x, preview.y) == ((1.0,), (2.0,))
    grid = fig.data[trace_index(fig, CLICK_GRID_NAME)]
    assert len(grid.x) == 51 * 51 and grid.marker.opacity == 0


def _first(value: str | tuple) -> str:
    return value if isinstance(value, str) else value[0]


@pytest.mark.parametrize("above", [0.8, 1.2, 1.4, 1.6, 1.8, 2.2])
def test_perspective_labels_keep_off_the_unsaved_placements_label(
    ds: pp.Dataset, above: float
) -> None:
    """The 'New: …' label under the unsaved marker is on the map first: a perspective's
    label just below it moves elsewhere instead of running into it."""
    rows = pp.partnership_placements(ds, "alpha")
    at = {X.axis_id: -1.5, Y.axis_id: -1.0 + above}  # above 'public' at (-1.5, -1.0)
    fig = pp.partnership_map(rows, X, Y, name="Alpha", preview=at, preview_label="New: public")
    by_name = {t.name: t for t in fig.data}
    new = by_name["New: public"]
    public = by_name["public"]
    assert public.mode == "markers+text" and public.text == ("public",)
    area = plot_area(fig.layout.height, margin=pp.figures.tension_margin(None))
    boxes = label_boxes(
        [new.x[0], public.x[0]],
        [new.y[0], public.y[0]],
        [new.text[0], public.text[0]],
        [new.textposition, _first(public.textposition)],
        area,
        font_size=11,
        marker_px=20,
    )
    assert not boxes_overlap(boxes), (public.textposition, boxes)


def test_partnership_map_empty_message(ds: pp.Dataset) -> None:
    fig = pp.partnership_map(pp.partnership_placements(ds, "gamma"), X, Y, name="Gamma")
    assert annotation_texts(fig, "empty") == ["No placement on these two axes yet for Gamma"]


@pytest.mark.parametrize(
    ("points", "grid_curve", "expected"),
    [
        ([{"curve_number": 1, "x": 1.21, "y": -4.9}], 1, (1.2, -4.8)),
        (
            [{"curve_number": 3, "x": 2.0, "y": 2.0}, {"curve_number": 1, "x": 0.6, "y": 0.4}],
            1,
            (0.6, 0.4),
        ),
        ([{"curve_number": 3, "x": 2.13, "y": -1.87}], 1, (2.1, -1.9)),
        ([{"curve_number": 1, "x": 7, "y": -7}], 1, (5.0, -5.0)),
        ([], 1, None),
    ],
)
def test_grid_point_from_selection(points: list, grid_curve: int, expected: tuple | None) -> None:
    assert pp.grid_point_from_selection(points, grid_curve) == expected


def _crowd(n: int, seed: int = 7) -> pd.DataFrame:
    """n partnerships packed into a corner of the map, with long-ish names."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "partnership_id": [f"p{i}" for i in range(n)],
            "name": [f"Partnership number {i} of the crowd" for i in range(n)],
            "perspective": ["joint"] * n,
            "kind": ["actual"] * n,
            "date": pd.Timestamp("2024-01-01"),
            "note": [f"note {i}" for i in range(n)],
            "sector": ["Water supply", "Sanitation", "Energy"] * (n // 3) + ["Water"] * (n % 3),
            X.axis_id: rng.uniform(1.0, 4.0, n).round(1),
            Y.axis_id: rng.uniform(-4.0, -1.0, n).round(1),
        }
    )


def _labelled(fig: go.Figure) -> tuple[list, list, list, list]:
    """x, y, text and textposition of every labelled point of a figure's traces."""
    xs, ys, texts, where = [], [], [], []
    for t in fig.data:
        if t.name in ("balance", CLICK_GRID_NAME) or t.text is None or "text" not in (t.mode or ""):
            continue
        positions = t.textposition
        if isinstance(positions, str):
            positions = [positions] * len(t.x)
        for x, y, text, w in zip(t.x, t.y, t.text, positions, strict=True):
            if text:
                xs.append(x), ys.append(y), texts.append(text), where.append(w)
    return xs, ys, texts, where


def _label_boxes(fig: go.Figure, font_size: float, marker_px: float, **area: object) -> list:
    xs, ys, texts, where = _labelled(fig)
    height = fig.layout.height
    return label_boxes(
        xs, ys, texts, where, plot_area(height, **area), font_size=font_size, marker_px=marker_px
    )


def test_a_crowded_portfolio_labels_only_what_fits() -> None:
    """60 points in one corner: some named, no two labels overlap, every point hovers."""
    points = _crowd(60)
    fig = pp.portfolio_map(points, X, Y, color_by="sector", height=640, width=FULL_WIDTH)
    texts = _labelled(fig)[2]
    assert 3 <= len(texts) < 60, len(texts)
    boxes = _label_boxes(fig, 11, 13, width=FULL_WIDTH)
    assert not boxes_overlap(boxes)
    # Each label stays inside the plot area, and no partnership is named twice.
    area = plot_area(640, width=FULL_WIDTH)
    width, height = area.size
    assert all(b[0] >= 0 and b[1] <= width and b[2] >= 0 and b[3] <= height for b in boxes)
    assert len(set(texts)) == len(texts)
    # Every point, labelled or not, still names its partnership in the hover.
    hovers = [h for t in fig.data[1:] for h in t.hovertext]
    assert len(hovers) == 60
    assert all(f"<b>Partnership number {i} of the crowd</b>" in " ".join(hovers) for i in range(60))
    assert all(t.hovertemplate.startswith("%{hovertext}") for t in fig.data[1:])


def test_spread_points_are_all_labelled() -> None:
    points = _crowd(6)
    points["name"] = ["Alpha", "Beta Platform", "Gamma", "Delta Alliance", "Epsilon", "Zeta"]
    points[X.axis_id] = [-4.0, -2.0, 0.5, 2.0, 4.0, -3.0]
    points[Y.axis_id] = [4.0, -3.0, 2.5, -1.0, 3.5, 0.8]
    fig = pp.portfolio_map(points, X, Y, color_by="sector")
    assert sorted(_labelled(fig)[2]) == sorted(pp.figures.short_label(n) for n in points["name"])


def test_labels_fit_a_larger_figure_better() -> None:
    """The same crowd names more partnerships on a projector-sized figure."""
    points = _crowd(60)
    laptop = len(_labelled(pp.portfolio_map(points, X, Y, height=640))[2])
    projector = len(_labelled(pp.portfolio_map(points, X, Y, height=1000, width=1800))[2])
    assert projector > laptop


def test_the_partnership_asked_for_is_labelled_first() -> None:
    points = _crowd(60)
    plain = _labelled(pp.portfolio_map(points, X, Y))[2]
    left_out = [
        (pid, pp.figures.short_label(name))
        for pid, name in zip(points["partnership_id"], points["name"], strict=True)
        if pp.figures.short_label(name) not in plain
    ]
    assert len(left_out) > 40
    for pid, name in left_out[:3]:
        assert name in _labelled(pp.portfolio_map(points, X, Y, label_first=[pid]))[2]


def test_labels_keep_off_the_quadrant_names() -> None:
    """A point right under a corner's quadrant name is labelled below or beside it."""
    area = plot_area(640, width=FULL_WIDTH)
    corners = pp.figures.quadrant_labels(X, Y)
    (top_left,) = choose_labels([-4.6], [4.6], ["Alpha"], area, corners=corners, corner_font=12)
    assert top_left is not None and not top_left.startswith("top")
    (free,) = choose_labels([-4.6], [4.6], ["Alpha"], area)
    assert free == "top center"


def test_choose_labels_keeps_labels_off_each_other_and_the_edges() -> None:
    area = plot_area(640)
    # Two points on top of each other get both labels on different sides.
    where = choose_labels([1, 1], [1, 1], ["Alpha", "Beta"], area)
    assert None not in where and where[0] != where[1]
    # A point on the right edge puts its label to the left or above, never outside.
    (edge,) = choose_labels([5.5], [0.0], ["A long partnership name"], area)
    assert edge is not None and "right" not in edge
    # Points without text are never labelled; no label covers their marker.
    where = choose_labels([2, 2], [2, 2.3], ["Gamma", None], area, font_size=11)
    assert where[1] is None and where[0] != "top center"
    # Priority decides who gets the only room.
    names = ["first", "second"]
    crowded = choose_labels([3, 3.01], [3, 3.01], names, area, priority=[1, 0])
    assert crowded[1] is not None


def test_the_label_chooser_never_places_overlapping_boxes() -> None:
    rng = np.random.default_rng(3)
    area = plot_area(620)
    for _ in range(20):
        n = int(rng.integers(5, 80))
        xs, ys = rng.uniform(-5, 5, n), rng.uniform(-5, 5, n)
        texts = [f"label {i}" * int(rng.integers(1, 3)) for i in range(n)]
        where = choose_labels(xs, ys, texts, area)
        boxes = label_boxes(xs, ys, texts, where, area, font_size=11)
        assert not boxes_overlap(boxes)


def test_hover_texts_are_kept_for_the_same_data_only(ds: pp.Dataset) -> None:
    """An unfiltered portfolio's hover texts are reused; changed data gets new ones."""
    first = pp.portfolio_map(pp.portfolio_points(ds, X.axis_id, Y.axis_id), X, Y)
    again = pp.portfolio_map(pp.portfolio_points(ds, X.axis_id, Y.axis_id), X, Y)
    assert list(again.data[1].hovertext) == list(first.data[1].hovertext)
    changed = pp.portfolio_points(ds, X.axis_id, Y.axis_id)
    changed.loc[changed.index[0], "name"] = "Renamed <b>"
    changed.loc[changed.index[0], "perspective"] = "donor"
    hover = pp.portfolio_map(changed, X, Y).data[1].hovertext[0]
    assert hover.startswith("<b>Renamed &lt;b&gt;</b>") and "Perspective: donor" in hover


def test_dense_maps_draw_plain_dots(ds: pp.Dataset) -> None:
    """Symbols and outlines up to the WebGL threshold; beyond, plain coloured dots."""
    points = pp.portfolio_points(ds, X.axis_id, Y.axis_id)
    small = pp.portfolio_map(points, X, Y, color_by="sector")
    dense = pp.portfolio_map(_many(points, WEBGL_THRESHOLD), X, Y, color_by="sector")
    assert [t.marker.symbol for t in small.data[1:]] == ["circle", "square"]
    assert all(t.marker.line.width == 1 for t in small.data[1:])
    assert all(t.marker.symbol is None and t.marker.line.width is None for t in dense.data[1:])
    assert [t.marker.color for t in dense.data[1:]] == [t.marker.color for t in small.data[1:]]


def test_long_partner_lists_wrap_in_the_hover(ds: pp.Dataset) -> None:
    points = pp.portfolio_points(ds, X.axis_id, Y.axis_id)
    points["partners"] = "Ministry of Water and Sanitation; " * 4
    hover = pp.portfolio_map(points, X, Y).data[1].hovertext[0]
    partners = hover.split("Partners: ")[1].split("Perspective: ")[0]
    assert partners.count("<br>") >= 2 and ";" not in partners
    assert all(len(line) <= 60 for line in partners.split("<br>"))
