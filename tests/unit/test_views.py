"""Figure builders for course and perspectives, asserted as data (never as pictures)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import plotting as pp
from plotting import course as cr
from plotting import views
from plotting.analysis import consensus_points, portfolio_points
from plotting.figures import PALETTE, RANGE, SYMBOLS
from tests.conftest import AXES, PARTNERSHIPS, write_dataset

DP, RI = "delivery_policy", "regulation_innovation"
HEADER = (
    "partnership_id,date,perspective,kind,delivery_policy,regulation_innovation,rules_task,"
    "spread,note\n"
)
EVIL = "<b>Evil</b> & <script>x</script>"


@pytest.fixture
def ds(tiny: Path) -> pp.Dataset:
    """The tiny dataset."""
    return pp.load_dataset(tiny)


@pytest.fixture
def axes(ds: pp.Dataset) -> tuple[pp.Axis, pp.Axis]:
    """The map's two axes."""
    return ds.axis(DP), ds.axis(RI)


@pytest.fixture
def alpha(ds: pp.Dataset) -> pd.DataFrame:
    """Alpha's placements: public at two dates with a target, private once with ±1."""
    return pp.partnership_placements(ds, "alpha")


def trace(fig: go.Figure, name: str) -> go.Scatter:
    """The trace with this name (fails if absent)."""
    hits = [t for t in fig.data if t.name == name]
    assert hits, f"no trace {name!r} in {[t.name for t in fig.data]}"
    return hits[0]


def notes(fig: go.Figure, name: str) -> list:
    return [a for a in fig.layout.annotations if a.name == name]


def strings(value: object) -> list[str]:
    """Every string anywhere in a figure's data (plotly's own JSON escapes '<', so walk it)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, (list, tuple)) or (
        isinstance(value, np.ndarray) and value.dtype == object
    ):
        return [s for v in value for s in strings(v)]
    return []


def hovertemplates(fig: go.Figure) -> str:
    parts = [str(t.hovertemplate) for t in fig.data]
    parts += [str(t.hovertemplate) for f in fig.frames for t in f.data]
    return " ".join(parts)


# ---- course map ---------------------------------------------------------------------------


def test_course_map_draws_the_path_in_date_order_with_arrows(alpha, axes) -> None:
    course = cr.perspective_course(alpha, "public", [DP, RI])
    target = cr.course_target(alpha, "public", [DP, RI])
    fig = views.course_map(
        course, *axes, target=target, perspective="public", order=["public", "private"]
    )
    path = trace(fig, "public")
    assert path.mode == "lines+markers+text"
    assert list(path.x) == [-3.0, -1.5] and list(path.y) == [-2.0, -1.0]
    assert list(path.text) == ["2023-03-01", "2024-03-01 · now"]
    assert path.marker.color == PALETTE[0] and path.marker.symbol == SYMBOLS[0]
    assert path.marker.size[-1] > path.marker.size[0]  # the latest stands out
    arrows = notes(fig, "arrow")
    assert len(arrows) == 1
    (arrow,) = arrows
    assert (arrow.ax, arrow.ay, arrow.x, arrow.y) == (-3.0, -2.0, -1.5, -1.0)
    assert arrow.showarrow and arrow.arrowhead == 2
    assert (arrow.axref, arrow.ayref) == ("x", "y")


def test_course_map_draws_the_target_with_a_dashed_line_from_the_latest(alpha, axes) -> None:
    course = cr.perspective_course(alpha, "public", [DP, RI])
    target = cr.course_target(alpha, "public", [DP, RI])
    fig = views.course_map(course, *axes, target=target, perspective="public")
    star = trace(fig, "target (public)")
    assert star.marker.symbol == "star" and (list(star.x), list(star.y)) == ([2.0], [1.0])
    line = trace(fig, "to target")
    assert (list(line.x), list(line.y)) == ([-1.5, 2.0], [-1.0, 1.0])
    assert line.line.dash == "dash"
    assert not notes(fig, "no-target")


def _course(xs: list[float], ys: list[float], spread: list[float] | None = None) -> pd.DataFrame:
    n = len(xs)
    return pd.DataFrame(
        {
            "date": pd.date_range("2020-01-01", periods=n, freq="90D"),
            DP: xs,
            RI: ys,
            "spread": spread or [np.nan] * n,
            "note": [""] * n,
        }
    )


def _target(x: float, y: float) -> pd.Series:
    return pd.Series(
        {"date": pd.Timestamp("2024-01-01"), DP: x, RI: y, "perspective": "joint", "note": ""}
    )


def test_course_ranges_frame_the_course_and_target_square_and_within_the_scale() -> None:
    course = _course([1.0, 1.5, 2.0], [-1.0, -0.5, 0.5])
    (x0, x1), (y0, y1) = views.course_ranges(course, DP, RI, _target(3.0, 1.0))
    margin = views.ZOOM_MARGIN
    # Everything fits, with the margin to spare on the longer side...
    assert x0 <= 1.0 - margin + 1e-9 and x1 >= 3.0 + margin - 1e-9
    assert y0 <= -1.0 and y1 >= 1.0
    # ...both sides equally long (the map stays square), and zoomed in from the full scale.
    assert x1 - x0 == pytest.approx(y1 - y0) == pytest.approx(2.0 + 2 * margin)
    assert x1 - x0 < RANGE[1] - RANGE[0]
    # Centred on what moved.
    assert (x0 + x1) / 2 == pytest.approx(2.0) and (y0 + y1) / 2 == pytest.approx(0.0)


def test_course_ranges_never_go_beyond_the_full_scale() -> None:
    course = _course([4.8, 5.0], [-5.0, -4.6])
    (x0, x1), (y0, y1) = views.course_ranges(course, DP, RI)
    assert RANGE[0] <= x0 < x1 <= RANGE[1] and RANGE[0] <= y0 < y1 <= RANGE[1]
    assert x1 == RANGE[1] and y0 == RANGE[0]  # pushed back inside, not cut
    assert x1 - x0 == pytest.approx(views.ZOOM_MIN_SPAN)
    # A course across the whole map shows the whole map.
    wide = views.course_ranges(_course([-5.0, 5.0], [0.0, 0.0]), DP, RI)
    assert wide == (RANGE, RANGE)


def test_course_ranges_count_the_stated_uncertainty() -> None:
    course = _course([0.0, 0.5], [0.0, 0.5], spread=[2.0, np.nan])
    (x0, x1), _ = views.course_ranges(course, DP, RI)
    assert x1 >= 0.5 + views.ZOOM_MARGIN - 1e-9
    assert x0 <= -2.0 - views.ZOOM_MARGIN + 1e-9


def test_course_map_zooms_to_the_course_with_the_full_scale_as_an_option(alpha, axes) -> None:
    course = cr.perspective_course(alpha, "public", [DP, RI])
    target = cr.course_target(alpha, "public", [DP, RI])
    zoomed = views.course_map(course, *axes, target=target, perspective="public")
    expected = views.course_ranges(course, DP, RI, target)
    assert tuple(zoomed.layout.xaxis.range) == expected[0]
    assert tuple(zoomed.layout.yaxis.range) == expected[1]
    full = views.course_map(course, *axes, target=target, perspective="public", zoom=False)
    assert list(full.layout.xaxis.range) == list(RANGE) == list(full.layout.yaxis.range)
    # The map keeps one unit as long across as up when zoomed.
    assert zoomed.layout.yaxis.scaleanchor == "x" and zoomed.layout.yaxis.scaleratio == 1


def test_course_date_labels_never_pile_up() -> None:
    """A long course in a small space: the latest and the target are named, no overlaps."""
    n = 14
    course = _course(list(np.linspace(-1, 1, n)), list(np.linspace(-1, 0.6, n) ** 2))
    target = _target(1.5, 1.0)
    axes = (
        pp.Axis(DP, "Delivering services", "Informing policy"),
        pp.Axis(RI, "Regulating delivery", "Stimulating innovation"),
    )
    fig = views.course_map(course, *axes, target=target, perspective="joint")
    path = trace(fig, "joint")
    texts = list(path.text)
    assert texts[-1].endswith("· now")  # the latest placement is always named
    assert 0 < sum(bool(t) for t in texts) < n  # only what fits
    assert trace(fig, "target (joint)").text == ("target",)
    assert len(path.customdata) == n  # every placement keeps its hover (date, note)
    area = pp.figures.plot_area(620, x_range=fig.layout.xaxis.range, y_range=fig.layout.yaxis.range)
    boxes = pp.figures.label_boxes(
        [*path.x, 1.5],
        [*path.y, 1.0],
        [*texts, "target"],
        [*path.textposition, trace(fig, "target (joint)").textposition],
        area,
        font_size=11,
        marker_px=18,
    )
    assert not pp.figures.boxes_overlap(boxes)


def test_course_map_says_when_there_is_no_target(alpha, axes) -> None:
    course = cr.perspective_course(alpha, "private", [DP, RI])
    fig = views.course_map(course, *axes, perspective="private", order=["public", "private"])
    assert notes(fig, "no-target")
    assert trace(fig, "private").marker.symbol == SYMBOLS[1]


def test_course_map_of_a_single_placement_says_so(alpha, axes) -> None:
    course = cr.perspective_course(alpha, "private", [DP, RI])
    fig = views.course_map(course, *axes, perspective="private")
    assert len(trace(fig, "private").x) == 1
    assert not notes(fig, "arrow")
    assert notes(fig, "single")[0].text == "One placement so far: no course yet"


def test_course_map_of_nothing_says_so(alpha, axes) -> None:
    fig = views.course_map(alpha.iloc[0:0], *axes, perspective="donor", name="Alpha")
    assert notes(fig, "empty")[0].text == "No placement from donor on these two axes yet"
    assert [t.name for t in fig.data] == ["balance"]


def test_course_map_of_nothing_but_a_target_shows_the_target(alpha, axes) -> None:
    target = cr.course_target(alpha, "public", [DP, RI])
    fig = views.course_map(alpha.iloc[0:0], *axes, target=target, perspective="public")
    assert list(trace(fig, "target (public)").x) == [2.0]
    assert not [t for t in fig.data if t.name == "to target"]


def test_course_map_of_the_consensus_uses_the_black_cross(alpha, axes) -> None:
    course = cr.perspective_course(alpha, cr.CONSENSUS, [DP, RI])
    fig = views.course_map(course, *axes, perspective=cr.CONSENSUS)
    path = trace(fig, "consensus")
    assert path.marker.symbol == views.CONSENSUS_SYMBOL
    assert path.marker.color == views.CONSENSUS_COLOUR
    assert list(path.x) == [-2.0, -1.25]


def test_course_map_skips_arrows_that_would_have_no_length(tmp_path: Path, axes) -> None:
    ds = pp.load_dataset(
        write_dataset(
            tmp_path / "d",
            AXES,
            PARTNERSHIPS,
            HEADER
            + "alpha,2023-01-01,public,actual,1,1,,,\n"
            + "alpha,2024-01-01,public,actual,1,1,,,\n"
            + "alpha,2025-01-01,public,actual,2,1,,0.5,\n",
        )
    )
    course = cr.perspective_course(pp.partnership_placements(ds, "alpha"), "public", [DP, RI])
    fig = views.course_map(course, *axes, perspective="public")
    assert len(notes(fig, "arrow")) == 1
    path = trace(fig, "public")
    assert list(path.error_x.array) == [0.0, 0.0, 0.5] and path.error_y.visible


def test_course_map_escapes_user_text(tmp_path: Path, axes) -> None:
    ds = pp.load_dataset(
        write_dataset(
            tmp_path / "d",
            AXES,
            PARTNERSHIPS,
            HEADER + f'alpha,2023-01-01,"{EVIL}",actual,1,1,,,"{EVIL}"\n',
        )
    )
    course = cr.perspective_course(pp.partnership_placements(ds, "alpha"), EVIL, [DP, RI])
    fig = views.course_map(course, *axes, perspective=EVIL)
    path = trace(fig, "&lt;b&gt;Evil&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;")
    assert "<script>" not in json.dumps(path.customdata.tolist())
    assert "<script>" not in hovertemplates(fig) and "Evil" not in hovertemplates(fig)


# ---- perspectives map -------------------------------------------------------------------------


def test_perspectives_map_draws_each_view_the_consensus_and_lines(alpha, axes) -> None:
    positions = cr.perspective_positions(alpha, [DP, RI])
    fig = views.perspectives_map(positions, *axes, order=["public", "private"])
    public, private = trace(fig, "public"), trace(fig, "private")
    assert (list(public.x), list(public.y)) == ([-1.5], [-1.0])
    assert (public.marker.symbol, private.marker.symbol) == (SYMBOLS[0], SYMBOLS[1])
    assert public.marker.color != private.marker.color
    centre = trace(fig, "consensus (median)")
    assert (list(centre.x), list(centre.y)) == ([-1.25], [0.5])
    assert centre.marker.symbol == views.CONSENSUS_SYMBOL
    lines = trace(fig, "to consensus")
    assert list(lines.x) == [-1.5, -1.25, None, -1.0, -1.25, None]
    assert list(lines.y) == [-1.0, 0.5, None, 2.0, 0.5, None]
    # private stated ±1.0: error bars on its marker only.
    assert private.error_x.array.tolist() == [1.0] and not public.error_x.array


def test_perspectives_map_of_one_perspective_says_so(ds: pp.Dataset, axes) -> None:
    beta = cr.perspective_positions(pp.partnership_placements(ds, "beta"), [DP, RI])
    fig = views.perspectives_map(beta, *axes, name="Beta")
    assert notes(fig, "single")[0].text == "Only one perspective so far: nothing to compare yet"
    assert not [t for t in fig.data if t.name in ("consensus (median)", "to consensus")]


def test_perspectives_map_of_nothing_says_so(alpha, axes) -> None:
    fig = views.perspectives_map(alpha.iloc[0:0], *axes, name="Alpha")
    assert "No perspective has placed Alpha" in notes(fig, "empty")[0].text


def test_perspectives_keep_their_style_across_charts(alpha, axes) -> None:
    order = ["public", "private", "donor"]
    positions = cr.perspective_positions(alpha, [DP, RI])
    private_here = trace(views.perspectives_map(positions, *axes, order=order), "private")
    course = cr.perspective_course(alpha, "private", [DP, RI])
    private_there = trace(
        views.course_map(course, *axes, perspective="private", order=order), "private"
    )
    assert (private_here.marker.color, private_here.marker.symbol) == (
        private_there.marker.color,
        private_there.marker.symbol,
    )


# ---- time animation -----------------------------------------------------------------------------


def test_animation_has_a_frame_and_a_slider_step_per_date(alpha, axes) -> None:
    frames = cr.partnership_over_time(alpha, DP, RI)
    fig = views.time_animation(frames, *axes, order=["public", "private"])
    names = ["2023-03-01", "2024-03-01"]
    assert [f.name for f in fig.frames] == names
    (slider,) = fig.layout.sliders
    assert [s.label for s in slider.steps] == names
    assert [list(s.args[0]) for s in slider.steps] == [[n] for n in names]
    assert all(s.method == "animate" for s in slider.steps)
    (menu,) = fig.layout.updatemenus
    assert [b.label for b in menu.buttons] == ["▶ Play", "❚❚ Pause"]
    assert menu.buttons[0].args[0] is None and menu.buttons[0].method == "animate"


def test_animation_frames_move_the_points_and_grow_the_trails(alpha, axes) -> None:
    frames = cr.partnership_over_time(alpha, DP, RI)
    fig = views.time_animation(frames, *axes, order=["public", "private"])
    n_groups = 3  # public, private, consensus
    heads = slice(n_groups, 2 * n_groups)
    # Trails first, then the points, in the order public, private, consensus.
    first, last = fig.frames[0].data, fig.frames[1].data
    assert len(first) == len(last) == 2 * n_groups == len(fig.frames[0].traces)
    assert [list(t.x) for t in first[heads]] == [[-3.0], [-1.0], [-2.0]]
    assert [list(t.x) for t in last[heads]] == [[-1.5], [-1.0], [-1.25]]
    assert [list(t.ids) for t in last[heads]] == [["public"], ["private"], [cr.CONSENSUS]]
    # Each trail keeps one slot per date (the future parked on the present) plus a break.
    public_trail_then = list(first[0].x)
    public_trail_now = list(last[0].x)
    assert public_trail_then[:2] == [-3.0, -3.0] and np.isnan(public_trail_then[2])
    assert public_trail_now[:2] == [-3.0, -1.5]
    # The figure starts at the first date.
    assert [list(fig.data[i].x) for i in fig.frames[0].traces[n_groups:]] == [
        [-3.0],
        [-1.0],
        [-2.0],
    ]


def test_animation_legend_lists_every_group_once(alpha, axes) -> None:
    fig = views.time_animation(
        cr.partnership_over_time(alpha, DP, RI), *axes, order=["public", "private"]
    )
    legend = [t.name for t in fig.data if t.showlegend is not False and t.name != "balance"]
    assert legend == ["public", "private", "consensus"]


def test_portfolio_animation_groups_by_a_column(ds: pp.Dataset, axes) -> None:
    frames = cr.portfolio_over_time(ds, DP, RI)
    fig = views.time_animation(frames, *axes, group="sector", label="name")
    assert len(fig.frames) == 4
    legend = [t.name for t in fig.data if t.showlegend is not False and t.name != "balance"]
    assert legend == ["Sanitation", "Water supply"]
    last_heads = fig.frames[-1].data[2:]
    assert [list(t.ids) for t in last_heads] == [["beta"], ["alpha"]]
    assert [list(t.text) for t in last_heads] == [
        ["Beta Sanitation<br>Platform"],  # names wrap onto two short lines
        ["Alpha Water<br>Alliance"],
    ]


def test_animation_of_one_date_has_no_controls(ds: pp.Dataset, axes) -> None:
    alpha = pp.partnership_placements(ds, "alpha")
    frames = cr.partnership_over_time(alpha.loc[alpha["date"].eq("2023-03-01")], DP, RI)
    fig = views.time_animation(frames, *axes)
    assert not fig.frames and not fig.layout.sliders and not fig.layout.updatemenus
    assert "one date only (2023-03-01)" in notes(fig, "still")[0].text


def test_animation_of_nothing_says_so(ds: pp.Dataset, axes) -> None:
    frames = cr.partnership_over_time(pp.partnership_placements(ds, "gamma"), DP, RI)
    fig = views.time_animation(frames, *axes)
    assert notes(fig, "empty") and not fig.frames


# ---- all axes -----------------------------------------------------------------------------------


@pytest.fixture
def profiles(alpha) -> pd.DataFrame:
    """Alpha's perspectives on all three axes, plus their consensus."""
    views_ = cr.latest_views(alpha, [DP, RI, "rules_task"])
    out = views_[[DP, RI, "rules_task"]].reset_index().rename(columns={"perspective": "key"})
    out["label"] = out["key"]
    centre = cr.consensus(views_, [DP, RI, "rules_task"])
    return pd.concat(
        [out, pd.DataFrame([{**centre, "key": cr.CONSENSUS, "label": "consensus"}])],
        ignore_index=True,
    )


def test_parallel_chart_draws_one_line_per_profile(ds: pp.Dataset, profiles) -> None:
    fig = views.parallel_chart(profiles, ds.axes, order=["public", "private"])
    assert [t.name for t in fig.data] == ["public", "private", "consensus"]
    public, private, centre = fig.data
    assert list(public.x) == [0, 1, 2]
    assert list(public.y) == [-1.5, -1.0, 0.5]
    assert list(private.y) == [-1.0, 2.0, None]  # never placed on rules_task: a gap
    assert centre.line.dash == "dash" and public.line.dash == "solid"
    assert len(notes(fig, "pole")) == 2 * len(ds.axes)
    assert {a.text for a in notes(fig, "pole")} >= {
        "<b>Informing policy</b>",
        "<b>Rules-oriented</b>",
    }


def test_radar_chart_closes_each_line_and_spans_both_poles(ds: pp.Dataset, profiles) -> None:
    fig = views.radar_chart(profiles, ds.axes, order=["public", "private"])
    assert all(isinstance(t, go.Scatterpolar) for t in fig.data)
    assert fig.data[0].name == "balance (0)" and set(fig.data[0].r) == {0}
    public = trace(fig, "public")
    assert list(public.r) == [-1.5, -1.0, 0.5, -1.5]
    assert public.theta[0] == public.theta[-1]
    assert list(fig.layout.polar.radialaxis.range) == [-5, 5]


@pytest.mark.parametrize("build", [views.parallel_chart, views.radar_chart])
def test_all_axes_charts_of_nothing_say_so(ds: pp.Dataset, profiles, build) -> None:
    fig = build(profiles.iloc[0:0], ds.axes)
    assert notes(fig, "empty")


# ---- portfolio views ----------------------------------------------------------------------------


def test_small_multiples_name_the_perspectives_that_fit(ds: pp.Dataset, axes) -> None:
    centres = consensus_points(ds, DP, RI)
    placed = portfolio_points(ds, DP, RI)
    wide = views.small_multiples(centres, placed, *axes, order=ds.perspectives, width=1400)
    texts = {t.name: list(t.text) for t in wide.data if t.mode == "markers+text"}
    # Alpha's two views, far apart on a roomy map, are both named.
    assert "public" in texts["public"] and "private" in texts["private"]
    # Crowd one partnership with eight perspectives at nearly the same spot: some go
    # unnamed (their hover still names them), and no two labels overlap.
    crowd = pd.DataFrame(
        {
            "partnership_id": "alpha",
            "name": "Alpha Water Alliance",
            "perspective": [f"partner number {i}" for i in range(8)],
            "date": pd.Timestamp("2024-01-01"),
            DP: [1.0 + 0.2 * i for i in range(8)],
            RI: [1.0 + 0.1 * i for i in range(8)],
        }
    )
    fig = views.small_multiples(centres.iloc[[0]], crowd, *axes, width=800)
    points = [t for t in fig.data if t.mode == "markers+text"]
    named = [(t.x[0], t.y[0], t.text[0], t.textposition[0]) for t in points if t.text[0]]
    assert 0 < len(named) < 8
    assert all(t.customdata[0][1] for t in points)  # every one keeps its hover
    rows = -(-1 // 4)
    side = min((1 - 0) / 1 * (800 - 70), (1 - 0) / rows * (rows * 290 + 110 - 180))
    area = pp.figures.PlotArea(RANGE, RANGE, side / (RANGE[1] - RANGE[0]))
    boxes = pp.figures.label_boxes(*zip(*named, strict=True), area, font_size=9, marker_px=10)
    assert not pp.figures.boxes_overlap(boxes)


def test_small_multiples_draw_one_map_per_partnership_on_shared_scales(
    ds: pp.Dataset, axes
) -> None:
    centres = consensus_points(ds, DP, RI)
    placed = portfolio_points(ds, DP, RI)
    fig = views.small_multiples(
        centres,
        placed,
        *axes,
        columns=4,
        order=ds.perspectives,
        subtitles={"alpha": "2 perspectives"},
    )
    layout = fig.layout
    assert [layout.xaxis.range, layout.xaxis2.range] == [RANGE, RANGE]
    assert [layout.yaxis.range, layout.yaxis2.range] == [RANGE, RANGE]
    assert layout.yaxis2.scaleanchor == "x2"
    consensus = [t for t in fig.data if t.name == "consensus (median)"]
    assert [(t.xaxis, list(t.x)) for t in consensus] == [("x", [-1.25]), ("x2", [2.0])]
    # Each perspective is named once in the legend.
    legend = [t.name for t in fig.data if t.showlegend]
    assert sorted(legend) == sorted(set(legend))
    titles = [a.text for a in layout.annotations if a.name is None]
    assert titles[0].startswith("<b>Alpha Water Alliance</b>") and "2 perspectives" in titles[0]
    assert len(layout.shapes) == 4 * len(centres)  # the shaded quadrants of each map


def test_small_multiples_of_nothing_say_so(ds: pp.Dataset, axes) -> None:
    fig = views.small_multiples(
        consensus_points(ds, DP, RI).iloc[0:0], portfolio_points(ds, DP, RI).iloc[0:0], *axes
    )
    assert notes(fig, "empty")


def test_median_comparison_chart_marks_the_median_and_the_way_each_leans(ds: pp.Dataset) -> None:
    cmp = cr.median_comparison(ds)
    fig = views.median_comparison_chart(cmp, ds.axes)
    medians = sorted(s.x0 for s in fig.layout.shapes)
    assert medians == [-0.75, 0.0, 1.5]
    right = [t for t in fig.data if t.legendgroup == "higher"]
    left = [t for t in fig.data if t.legendgroup == "lower"]
    assert {t.marker.symbol for t in right} == {"triangle-right"}
    assert {t.marker.symbol for t in left} == {"triangle-left"}
    # On delivery_policy (first panel): beta leans right (+2), alpha left (-1.25).
    assert list(right[0].x) == [2.0] and list(left[0].x) == [-1.25]
    names = list(fig.layout.yaxis.ticktext)
    assert names == ["Alpha Water Alliance", "Beta Sanitation Platform", "Gamma Schools WASH"]


def test_median_comparison_chart_of_nothing_says_so(ds: pp.Dataset) -> None:
    fig = views.median_comparison_chart(cr.median_comparison(ds).iloc[0:0], ds.axes)
    assert notes(fig, "empty")


def test_disagreement_chart_ranks_bars_and_marks_each_axis(ds: pp.Dataset) -> None:
    ranking = cr.disagreement_ranking(ds)
    fig = views.disagreement_chart(ranking, cr.divergence_by_axis(ds), ds.axes)
    (bar,) = [t for t in fig.data if isinstance(t, go.Bar)]
    assert list(bar.x) == pytest.approx([0.875]) and bar.orientation == "h"
    assert list(fig.layout.yaxis.ticktext) == ["1. Alpha Water Alliance"]
    marks = [t for t in fig.data if isinstance(t, go.Scatter)]
    assert [t.name for t in marks] == [a.label for a in ds.axes]
    assert [t.x[0] for t in marks[:2]] == [0.25, 1.5]
    assert len({(t.marker.color, t.marker.symbol) for t in marks}) == len(marks)
    assert {a.text for a in notes(fig, "band")} == {"agree closely", "disagree strongly"}


def test_disagreement_chart_without_two_perspectives_says_so(ds: pp.Dataset) -> None:
    ranking = cr.disagreement_ranking(ds)
    fig = views.disagreement_chart(ranking.iloc[1:], cr.divergence_by_axis(ds), ds.axes)
    assert notes(fig, "empty")


def test_no_builder_pastes_user_text_into_a_hover_template(tmp_path: Path) -> None:
    partnerships = PARTNERSHIPS.replace("Alpha Water Alliance", EVIL.replace("&", "and"))
    folder = write_dataset(
        tmp_path / "d",
        AXES,
        partnerships,
        HEADER
        + f'alpha,2023-01-01,"{EVIL}",actual,1,1,1,1,"{EVIL}"\n'
        + "alpha,2024-01-01,public,actual,2,0,1,,\n"
        + "alpha,2024-06-01,public,actual,3,1,1,,\n",
    )
    ds = pp.load_dataset(folder)
    x, y = ds.axis(DP), ds.axis(RI)
    p = pp.partnership_placements(ds, "alpha")
    prof = (
        cr.latest_views(p, ds.axis_ids)[ds.axis_ids]
        .reset_index()
        .rename(columns={"perspective": "key"})
        .assign(label=lambda f: f["key"])
    )
    figs = [
        views.course_map(cr.perspective_course(p, EVIL, [DP, RI]), x, y, perspective=EVIL),
        views.perspectives_map(cr.perspective_positions(p, [DP, RI]), x, y, name=EVIL),
        views.time_animation(cr.partnership_over_time(p, DP, RI), x, y),
        views.time_animation(
            cr.portfolio_over_time(ds, DP, RI), x, y, group="sector", label="name"
        ),
        views.parallel_chart(prof, ds.axes),
        views.radar_chart(prof, ds.axes),
        views.small_multiples(consensus_points(ds, DP, RI), portfolio_points(ds, DP, RI), x, y),
        views.median_comparison_chart(cr.median_comparison(ds), ds.axes),
        views.disagreement_chart(cr.disagreement_ranking(ds), cr.divergence_by_axis(ds), ds.axes),
    ]
    for fig in figs:
        assert "Evil" not in hovertemplates(fig)
        texts = strings(fig.to_plotly_json())
        assert any("&lt;script&gt;" in t for t in texts)  # the user text is there, escaped
        assert not any("<script>" in t for t in texts)


@pytest.mark.parametrize("columns", [1, 2, 4])
def test_small_multiples_pole_names_never_meet(ds: pp.Dataset, axes, columns: int) -> None:
    """Under each small map the two pole names of an axis leave a gap (estimated at the
    map's side for the assumed width), however narrow the maps."""
    centres = consensus_points(ds, DP, RI)
    placed = portfolio_points(ds, DP, RI)
    long_x = pp.Axis(DP, "Strengthening community water governance", "Informing policy")
    fig = views.small_multiples(centres, placed, long_x, axes[1], columns=columns)
    columns = min(columns, len(centres))  # no more columns than maps
    rows = -(-len(centres) // columns)
    spacing = min(0.3 / rows, 0.09)
    side = min(
        (1 - (columns - 1) * 0.035) / columns * (pp.figures.ASSUMED_WIDTH - 70),
        (1 - (rows - 1) * spacing) / rows * (rows * 290 + 110 - 180),
    )
    poles = notes(fig, "pole")
    assert poles
    for low, high in zip(poles[0::2], poles[1::2], strict=True):
        size = low.font.size
        lengths = [pp.figures.label_size(a.text, size)[0] for a in (low, high)]
        assert sum(lengths) + pp.figures.POLE_GAP <= side + 1, (low.text, high.text, side)


def test_median_comparison_poles_and_titles_never_meet_in_narrow_panels(ds: pp.Dataset) -> None:
    """Panels are narrow: each axis' high pole sits under its low pole (no shared line), and
    the panel titles wrap to a panel's width; the margin holds the stacked poles."""
    axes = [*ds.axes[:-1], pp.Axis(ds.axes[-1].axis_id, "A low pole of some length", "Up " * 9)]
    fig = views.median_comparison_chart(cr.median_comparison(ds), axes)
    poles = notes(fig, "pole")
    assert len(poles) == 2 * len(axes)
    for low, high in zip(poles[0::2], poles[1::2], strict=True):
        low_lines = low.text.count("<br>") + 1
        assert high.yshift <= low.yshift - low_lines * 1.3 * low.font.size + 1
        high_lines = high.text.count("<br>") + 1
        assert fig.layout.margin.b >= -high.yshift + high_lines * 1.3 * high.font.size
    titles = [a.text for a in fig.layout.annotations if a.name is None]
    assert len(titles) == len(axes)
    assert all(len(line) <= 13 for t in titles for line in t[3:-4].split("<br>"))
