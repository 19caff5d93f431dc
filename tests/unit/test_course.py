"""Course and perspectives: every analysis function against hand-computed expectations."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import plotting as pp
from plotting import course as cr
from plotting.analysis import consensus_points
from plotting.model import Axis
from tests.conftest import AXES, PARTNERSHIPS, write_dataset

DP, RI, RT = "delivery_policy", "regulation_innovation", "rules_task"
X = Axis(DP, "Delivering services", "Informing policy")
Y = Axis(RI, "Regulating delivery", "Stimulating innovation")
Z = Axis(RT, "Rules-oriented", "Task-oriented")
HEADER = (
    "partnership_id,date,perspective,kind,delivery_policy,regulation_innovation,rules_task,"
    "spread,note\n"
)
ON_Y = "on Regulating delivery ↔ Stimulating innovation"


def load(folder: Path) -> pp.Dataset:
    ds = pp.load_dataset(folder)
    assert ds.ok, ds.problems
    return ds


@pytest.fixture
def ds(tiny: Path) -> pp.Dataset:
    """The tiny dataset: alpha (public twice, private once, a public target), beta, gamma."""
    return load(tiny)


@pytest.fixture
def alpha(ds: pp.Dataset) -> pd.DataFrame:
    """Alpha's placements."""
    return pp.partnership_placements(ds, "alpha")


def dataset_with(tmp_path: Path, rows: str, partnerships: str = PARTNERSHIPS) -> pp.Dataset:
    """The tiny axes and partnerships with these placement rows."""
    return load(write_dataset(tmp_path / "custom", AXES, partnerships, HEADER + rows))


def dates(values: pd.Series) -> list[str]:
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d").tolist()


# ---- phrases ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.5, "1.5 toward Informing policy"),
        (-2, "2.0 toward Delivering services"),
        (0.0, "balanced between Delivering services and Informing policy"),
        (0.04, "balanced between Delivering services and Informing policy"),
        (float("nan"), "not placed on Delivering services ↔ Informing policy"),
    ],
)
def test_position_phrase(value: float, expected: str) -> None:
    assert cr.position_phrase(X, value) == expected


@pytest.mark.parametrize(
    ("divergence", "expected"),
    [
        (0.0, "agree closely"),
        (0.49, "agree closely"),
        (0.5, "differ somewhat"),
        (1.49, "differ somewhat"),
        (1.5, "disagree strongly"),
        (float("nan"), "cannot be compared (fewer than two perspectives)"),
    ],
)
def test_agreement_phrase_thresholds(divergence: float, expected: str) -> None:
    assert cr.agreement_phrase(divergence) == expected


@pytest.mark.parametrize(
    ("change", "since", "expected"),
    [
        (1.5, "2024-03-01", "moved 1.5 toward Informing policy since 2024-03-01"),
        (-0.7, "2024-03-01", "moved 0.7 toward Delivering services since 2024-03-01"),
        (0.0, "2024-03-01", "no change since 2024-03-01"),
        (float("nan"), pd.NaT, "placed only once"),
    ],
)
def test_movement_phrase(change: float, since: object, expected: str) -> None:
    when = pd.Timestamp(since) if isinstance(since, str) else since
    assert cr.movement_phrase(X, change, when) == expected


@pytest.mark.parametrize(
    ("previous", "latest", "target", "expected"),
    [
        (
            -3.0,
            -1.5,
            2.0,
            f"3.5 short of the target {ON_Y}, toward Stimulating innovation",
        ),
        (
            1.0,
            3.0,
            2.0,
            f"1.0 past the target {ON_Y}, having moved beyond it",
        ),
        (
            np.nan,
            2.0,
            -2.0,
            f"4.0 short of the target {ON_Y}, toward Regulating delivery",
        ),
        (1.0, 2.0, 2.0, f"on target {ON_Y}"),
        (1.0, 2.0, np.nan, f"no target {ON_Y}"),
    ],
)
def test_target_phrase(previous: float, latest: float, target: float, expected: str) -> None:
    row = pd.Series(
        {"previous": previous, "latest": latest, "target": target, "to_target": target - latest}
    )
    assert cr.target_phrase(Y, row) == expected


def test_target_phrase_can_leave_the_axis_out() -> None:
    row = pd.Series({"previous": 0.0, "latest": 1.0, "target": 3.0, "to_target": 2.0})
    assert (
        cr.target_phrase(Y, row, name_axis=False)
        == "2.0 short of the target, toward Stimulating innovation"
    )


def test_perspectives_come_in_the_apps_order() -> None:
    assert cr.order_perspectives(["zeta NGO", "donor", "Acme", "public", "donor"]) == [
        "public",
        "donor",
        "Acme",
        "zeta NGO",
    ]


# ---- course ---------------------------------------------------------------------------------


def test_course_is_in_date_order_and_ends_at_the_latest(alpha: pd.DataFrame) -> None:
    course = cr.perspective_course(alpha, "public", [DP, RI])
    assert dates(course["date"]) == ["2023-03-01", "2024-03-01"]
    assert course[DP].tolist() == [-3.0, -1.5]
    assert course[RI].tolist() == [-2.0, -1.0]
    assert set(course["kind"]) == {"actual"}


def test_course_skips_placements_missing_a_map_axis(ds: pp.Dataset) -> None:
    gamma = pp.partnership_placements(ds, "gamma")  # one placement, only delivery_policy
    assert cr.perspective_course(gamma, "joint", [DP, RI]).empty
    assert cr.perspective_course(gamma, "joint", [DP])[DP].tolist() == [0.0]


def test_a_later_row_on_the_same_date_supersedes_the_earlier(tmp_path: Path) -> None:
    ds = dataset_with(
        tmp_path,
        "alpha,2024-01-01,public,actual,1,1,1,,first\n"
        "alpha,2024-01-01,public,actual,2,-1,,,second\n"
        "alpha,2023-01-01,public,actual,0,0,0,,older\n",
    )
    course = cr.perspective_course(pp.partnership_placements(ds, "alpha"), "public", [DP, RI])
    assert course["note"].tolist() == ["older", "second"]
    changes = cr.axis_changes(pp.partnership_placements(ds, "alpha"), "public", [X, Y, Z])
    # rules_task is blank in the later row: that day's value on it is the earlier row's.
    assert changes.set_index("axis_id").loc[RT, "latest"] == 1.0
    assert changes.set_index("axis_id").loc[DP, "latest"] == 2.0


def test_target_is_the_perspectives_own_else_the_joint_one(tmp_path: Path) -> None:
    ds = dataset_with(
        tmp_path,
        "alpha,2024-01-01,public,actual,1,1,1,,\n"
        "alpha,2024-01-01,private,actual,2,2,2,,\n"
        "alpha,2024-01-01,public,target,3,3,,,own\n"
        "alpha,2024-01-01,joint,target,4,4,4,,shared\n"
        "alpha,2025-01-01,joint,target,5,5,5,,newer shared\n",
    )
    p = pp.partnership_placements(ds, "alpha")
    assert cr.course_target(p, "public", [DP, RI])["note"] == "own"
    assert cr.course_target(p, "private", [DP, RI])["note"] == "newer shared"
    assert cr.course_target(p, cr.CONSENSUS, [DP, RI])["perspective"] == "joint"
    # The public target has no rules_task value: none on that axis.
    assert cr.course_target(p, "public", [DP, RT]) is None


def test_no_target_at_all(alpha: pd.DataFrame) -> None:
    assert cr.course_target(alpha, "private", [DP, RI]) is None


def test_axis_changes_by_hand(alpha: pd.DataFrame) -> None:
    changes = cr.axis_changes(alpha, "public", [X, Y, Z]).set_index("axis_id")
    assert changes.loc[
        DP, ["first", "previous", "latest", "since_previous", "since_first", "target", "to_target"]
    ].tolist() == [-3.0, -3.0, -1.5, 1.5, 1.5, 2.0, 3.5]
    assert changes.loc[RI, ["since_previous", "to_target"]].tolist() == [1.0, 2.0]
    assert changes.loc[RT, "since_previous"] == -0.5
    assert math.isnan(changes.loc[RT, "to_target"])  # the target left rules_task blank
    assert changes.loc[DP, "target_perspective"] == "public"
    assert dates(changes["previous_date"]) == ["2023-03-01"] * 3
    assert changes["n"].tolist() == [2, 2, 2]


def test_axis_changes_of_a_single_placement(ds: pp.Dataset) -> None:
    gamma = pp.partnership_placements(ds, "gamma")
    changes = cr.axis_changes(gamma, "joint", [X, Y]).set_index("axis_id")
    assert changes.loc[DP, "n"] == 1 and changes.loc[DP, "latest"] == 0.0
    assert math.isnan(changes.loc[DP, "since_previous"]) and math.isnan(
        changes.loc[DP, "since_first"]
    )
    assert changes.loc[RI, "n"] == 0 and math.isnan(changes.loc[RI, "latest"])
    assert cr.course_sentences(changes.reset_index(), [X, Y]) == [
        "Delivering services ↔ Informing policy: now balanced between Delivering services and "
        "Informing policy; placed only once; no target.",
        "Regulating delivery ↔ Stimulating innovation: not assessed yet.",
    ]


def test_course_sentences_by_hand(alpha: pd.DataFrame) -> None:
    changes = cr.axis_changes(alpha, "public", [X, Y, Z])
    assert cr.course_sentences(changes, [X, Y, Z]) == [
        "Delivering services ↔ Informing policy: now 1.5 toward Delivering services; moved 1.5 "
        "toward Informing policy since 2023-03-01; 3.5 short of the target, toward Informing "
        "policy.",
        "Regulating delivery ↔ Stimulating innovation: now 1.0 toward Regulating delivery; moved "
        "1.0 toward Stimulating innovation since 2023-03-01; 2.0 short of the target, toward "
        "Stimulating innovation.",
        "Rules-oriented ↔ Task-oriented: now 0.5 toward Task-oriented; moved 0.5 toward "
        "Rules-oriented since 2023-03-01; no target.",
    ]


def test_course_sentences_over_three_placements_and_within_uncertainty(tmp_path: Path) -> None:
    ds = dataset_with(
        tmp_path,
        "alpha,2022-01-01,public,actual,-2,0,0,,\n"
        "alpha,2023-01-01,public,actual,1,0,0,,\n"
        "alpha,2024-01-01,public,actual,0.5,0,0,1.0,\n",
    )
    changes = cr.axis_changes(pp.partnership_placements(ds, "alpha"), "public", [X, Y])
    first, second = cr.course_sentences(changes, [X, Y])
    assert first == (
        "Delivering services ↔ Informing policy: now 0.5 toward Informing policy; moved 0.5 toward "
        "Delivering services since 2023-01-01 (2.5 toward Informing policy since 2022-01-01), "
        "within the stated uncertainty of ±1.0; no target."
    )
    assert second == (
        "Regulating delivery ↔ Stimulating innovation: now balanced between "
        "Regulating delivery and Stimulating innovation; no change since 2023-01-01, "
        "back where it was on 2022-01-01; no target."
    )


def test_overall_change_is_the_straight_line_length(alpha: pd.DataFrame) -> None:
    changes = cr.axis_changes(alpha, "public", [X, Y, Z])
    moved = cr.overall_change(changes, "since_previous")
    assert moved.n_axes == 3 and moved.value == pytest.approx(math.sqrt(1.5**2 + 1 + 0.5**2))
    gap = cr.overall_change(changes, "to_target")
    assert gap.n_axes == 2 and gap.value == pytest.approx(math.sqrt(3.5**2 + 2**2))
    assert str(gap) == "4.0"
    none = cr.overall_change(changes.iloc[0:0], "to_target")
    assert none.n_axes == 0 and str(none) == "–"


def test_course_summary_by_hand(ds: pp.Dataset, alpha: pd.DataFrame) -> None:
    course = cr.perspective_course(alpha, "public", [DP, RI])
    target = cr.course_target(alpha, "public", [DP, RI])
    assert cr.course_summary(course, target, X, Y, name="Alpha", perspective="public") == (
        "Seen from the public perspective, Alpha has 2 placements on these two axes, from "
        "2023-03-01 to 2024-03-01. It started at 3.0 toward Delivering services and 2.0 toward "
        "Regulating delivery, and now stands at 1.5 toward Delivering services and 1.0 toward "
        "Regulating delivery: 1.8 from where it started. Its own target (set 2024-03-01) is 4.0 "
        "away: 3.5 toward Informing policy and 2.0 toward Stimulating innovation."
    )


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("", "Seen from the public perspective, Alpha has not been placed on both"),
        (
            "alpha,2024-01-01,public,actual,1,-1,,,\n",
            "With a single placement there is no course yet. No target has been set",
        ),
        (
            "alpha,2024-01-01,public,actual,1,-1,,,\nalpha,2024-01-01,public,target,1,-1,,,\n",
            "It has reached its own target",
        ),
        (
            "alpha,2024-01-01,private,actual,1,-1,,,\nalpha,2024-01-01,joint,target,2,-1,,,\n",
            "The joint target (set 2024-01-01) is 1.0 away: 1.0 toward Informing policy.",
        ),
    ],
)
def test_course_summary_edge_cases(tmp_path: Path, rows: str, expected: str) -> None:
    ds = dataset_with(tmp_path, rows or "beta,2024-01-01,public,actual,1,1,1,,\n")
    p = pp.partnership_placements(ds, "alpha")
    who = "private" if "private" in rows else "public"
    course = cr.perspective_course(p, who, [DP, RI])
    target = cr.course_target(p, who, [DP, RI])
    assert expected in cr.course_summary(course, target, X, Y, name="Alpha", perspective=who)


def test_consensus_course_ends_at_consensus_points(ds: pp.Dataset, alpha: pd.DataFrame) -> None:
    course = cr.perspective_course(alpha, cr.CONSENSUS, [DP, RI])
    assert dates(course["date"]) == ["2023-03-01", "2024-03-01"]
    # 2023: public (-3, -2), private (-1, 2); 2024: public (-1.5, -1), private still (-1, 2).
    assert course[DP].tolist() == [-2.0, -1.25]
    assert course[RI].tolist() == [0.0, 0.5]
    assert course["n_perspectives"].tolist() == [2, 2]
    point = consensus_points(ds, DP, RI).set_index("partnership_id").loc["alpha"]
    assert (point[DP], point[RI]) == (-1.25, 0.5)


def test_consensus_of_the_sample_matches_consensus_points(sample_copy: Path) -> None:
    ds = load(sample_copy)
    x, y = ds.axis_ids[:2]
    points = consensus_points(ds, x, y).set_index("partnership_id")
    for pid in points.index:
        placements = pp.partnership_placements(ds, pid)
        centre = cr.consensus(cr.perspective_positions(placements, [x, y]), [x, y])
        assert centre.tolist() == pytest.approx(points.loc[pid, [x, y]].tolist())
        assert cr.perspective_course(placements, cr.CONSENSUS, [x, y]).iloc[-1][
            [x, y]
        ].tolist() == (pytest.approx(points.loc[pid, [x, y]].tolist()))


# ---- perspectives -------------------------------------------------------------------------


def test_perspective_positions_are_the_latest_with_both_axes(alpha: pd.DataFrame) -> None:
    positions = cr.perspective_positions(alpha, [DP, RI])
    assert positions["perspective"].tolist() == ["public", "private"]
    assert positions[DP].tolist() == [-1.5, -1.0]
    # With rules_task too, private (blank there) drops out.
    assert cr.perspective_positions(alpha, [DP, RT])["perspective"].tolist() == ["public"]


def test_latest_views_take_each_axis_latest_value(tmp_path: Path) -> None:
    ds = dataset_with(
        tmp_path,
        "alpha,2023-01-01,public,actual,1,1,1,,\nalpha,2024-01-01,public,actual,2,,,0.5,\n",
    )
    views = cr.latest_views(pp.partnership_placements(ds, "alpha"), [DP, RI, RT])
    assert views.loc["public", [DP, RI, RT]].tolist() == [2.0, 1.0, 1.0]
    assert dates(views["date"]) == ["2024-01-01"]
    assert views.loc["public", "spread"] == 0.5


def test_latest_views_of_nothing_is_empty(alpha: pd.DataFrame) -> None:
    views = cr.latest_views(alpha.iloc[0:0], [DP, RI])
    assert views.empty and list(views.columns) == [DP, RI, "date", "spread"]


def test_divergence_by_hand(alpha: pd.DataFrame) -> None:
    views = cr.latest_views(alpha, [DP, RI, RT])
    div = cr.divergence(views, [X, Y, Z]).set_index("axis_id")
    # delivery_policy: public -1.5, private -1 → median -1.25, mean |deviation| 0.25.
    assert div.loc[DP, ["n", "consensus", "divergence", "range"]].tolist() == [2, -1.25, 0.25, 0.5]
    assert (div.loc[DP, "low"], div.loc[DP, "high"]) == ("public", "private")
    # regulation_innovation: -1 and 2 → median 0.5, deviation 1.5 each.
    assert div.loc[RI, ["consensus", "divergence", "range"]].tolist() == [0.5, 1.5, 3.0]
    # rules_task: only public placed it.
    assert div.loc[RT, "n"] == 1 and math.isnan(div.loc[RT, "divergence"])
    # private stated ±1.0: the 0.25 split on delivery_policy is within it, the 1.5 is not.
    assert div.loc[DP, "spread"] == 1.0
    assert div.loc[DP, "within_uncertainty"] and not div.loc[RI, "within_uncertainty"]
    assert cr.overall_divergence(div) == pytest.approx((0.25 + 1.5) / 2)


def test_divergence_names_ties_together(tmp_path: Path) -> None:
    ds = dataset_with(
        tmp_path,
        "alpha,2024-01-01,public,actual,2,0,,,\n"
        "alpha,2024-01-01,private,actual,2,4,,,\n"
        "alpha,2024-01-01,donor,actual,-1,1,,,\n",
    )
    views = cr.latest_views(pp.partnership_placements(ds, "alpha"), [DP, RI])
    div = cr.divergence(views, [X, Y]).set_index("axis_id")
    assert div.loc[DP, "high"] == "public and private"
    assert div.loc[DP, "low"] == "donor"
    assert div.loc[DP, "divergence"] == pytest.approx(1.0)  # |0| + |0| + |-3| over 3
    assert div.loc[RI, "consensus"] == 1.0 and div.loc[RI, "divergence"] == pytest.approx(4 / 3)


def test_divergence_of_a_single_perspective(ds: pp.Dataset) -> None:
    views = cr.latest_views(pp.partnership_placements(ds, "beta"), [DP, RI])
    div = cr.divergence(views, [X, Y])
    assert div["divergence"].isna().all() and div["n"].tolist() == [1, 1]
    assert math.isnan(cr.overall_divergence(div))


def test_distances_to_the_consensus() -> None:
    positions = pd.DataFrame({DP: [0.0, 3.0], RI: [0.0, 4.0]})
    assert cr.distances_to(positions, pd.Series({DP: 0.0, RI: 0.0}), [DP, RI]).tolist() == [
        0.0,
        5.0,
    ]


def test_perspectives_summary_by_hand(alpha: pd.DataFrame) -> None:
    views = cr.latest_views(alpha, [DP, RI, RT])
    div = cr.divergence(views, [X, Y, Z])
    text = cr.perspectives_summary(
        views,
        div,
        [X, Y, Z],
        name="Alpha",
        map_positions=cr.perspective_positions(alpha, [DP, RI]),
        map_axes=(X, Y),
    )
    assert text.startswith(
        "2 perspectives have placed Alpha (public and private; latest 2024-03-01)."
    )
    assert (
        "Overall they differ somewhat (divergence 0.88: on an average axis a perspective stands "
        "0.88 from the consensus; 2 axes compared)"
    ) in text
    assert (
        "They differ most on Regulating delivery ↔ Stimulating innovation (divergence 1.50, so "
        "they disagree strongly there): private places it at 2.0 toward Stimulating innovation, "
        "public at 1.0 toward Regulating delivery."
    ) in text
    # On the map, both are sqrt(0.25² + 1.5²) ≈ 1.5 from (-1.25, 0.5); the first listed wins.
    assert text.endswith("On this map, public is furthest from the consensus (1.5 away).")


def test_perspectives_summary_of_one_and_of_none(ds: pp.Dataset) -> None:
    beta = cr.latest_views(pp.partnership_placements(ds, "beta"), [DP, RI])
    text = cr.perspectives_summary(beta, cr.divergence(beta, [X, Y]), [X, Y], name="Beta")
    assert text.startswith(
        "Only civil society has placed Beta so far (latest 2024-05-01): there is "
        "nothing to compare yet."
    )
    empty = beta.iloc[0:0]
    assert cr.perspectives_summary(empty, cr.divergence(empty, [X]), [X], name="Beta") == (
        "No perspective has placed Beta yet."
    )


# ---- over time ----------------------------------------------------------------------------


def test_positions_over_time_carry_the_latest_placement_forward(alpha: pd.DataFrame) -> None:
    actual = alpha.loc[alpha["kind"].eq("actual")]
    pos = cr.positions_over_time(actual, [DP, RI], ["2022-01-01", "2023-06-01", "2024-06-01"])
    assert dates(pos["frame"]) == ["2023-06-01", "2023-06-01", "2024-06-01", "2024-06-01"]
    assert pos["perspective"].tolist() == ["private", "public", "private", "public"]
    assert pos[DP].tolist() == [-1.0, -3.0, -1.0, -1.5]
    assert dates(pos["placed"]) == ["2023-03-01", "2023-03-01", "2023-03-01", "2024-03-01"]


def test_positions_over_time_of_nothing(alpha: pd.DataFrame) -> None:
    assert cr.positions_over_time(alpha.iloc[0:0], [DP, RI], ["2024-01-01"]).empty
    assert cr.positions_over_time(alpha, [DP, RI], []).empty


def test_partnership_over_time_by_hand(alpha: pd.DataFrame) -> None:
    frames = cr.partnership_over_time(alpha, DP, RI)
    assert dates(frames["frame"].drop_duplicates()) == ["2023-03-01", "2024-03-01"]
    centre = frames.loc[frames["key"].eq(cr.CONSENSUS)]
    assert centre[DP].tolist() == [-2.0, -1.25] and centre[RI].tolist() == [0.0, 0.5]
    public = frames.loc[frames["key"].eq("public")]
    assert public[DP].tolist() == [-3.0, -1.5]


def test_partnership_over_time_has_no_consensus_for_one_perspective(ds: pp.Dataset) -> None:
    frames = cr.partnership_over_time(pp.partnership_placements(ds, "beta"), DP, RI)
    assert set(frames["key"]) == {"civil society"} and len(frames) == 2


def test_portfolio_over_time_ends_at_consensus_points(ds: pp.Dataset) -> None:
    frames = cr.portfolio_over_time(ds, DP, RI)
    assert dates(frames["frame"].drop_duplicates()) == [
        "2023-03-01",
        "2023-05-01",
        "2024-03-01",
        "2024-05-01",
    ]
    first = frames.loc[frames["frame"].eq(frames["frame"].min())]
    assert first["key"].tolist() == ["alpha"] and first[DP].tolist() == [-2.0]
    last = frames.loc[frames["frame"].eq(frames["frame"].max())].set_index("key")
    expected = consensus_points(ds, DP, RI).set_index("partnership_id")
    assert sorted(last.index) == sorted(expected.index) == ["alpha", "beta"]  # gamma lacks RI
    assert last.loc[expected.index, [DP, RI]].to_numpy().tolist() == (
        expected[[DP, RI]].to_numpy().tolist()
    )
    assert last.loc["alpha", "name"] == "Alpha Water Alliance"


def test_portfolio_over_time_follows_the_filter(ds: pp.Dataset) -> None:
    flt = pp.PortfolioFilter(columns={"sector": ["Sanitation"]})
    assert set(cr.portfolio_over_time(ds, DP, RI, flt)["key"]) == {"beta"}
    public = cr.portfolio_over_time(ds, DP, RI, pp.PortfolioFilter(perspective="public"))
    assert public["key"].unique().tolist() == ["alpha"]
    assert public[DP].tolist() == [-3.0, -1.5]  # public's own placements, not the median


def test_timeline_keeps_every_date_when_few() -> None:
    out = cr.timeline_dates(["2024-03-01", "2023-01-01 10:00", "2024-03-01", None])
    assert [d.strftime("%Y-%m-%d") for d in out] == ["2023-01-01", "2024-03-01"]


def test_timeline_samples_long_histories_by_period() -> None:
    monthly = pd.date_range("2020-01-15", periods=40, freq="MS") + pd.Timedelta(days=14)
    out = cr.timeline_dates(monthly, max_frames=24)
    assert len(out) <= 24
    assert out[0] == monthly[0] and out[-1] == monthly[-1]
    assert all(d.is_quarter_end for d in out[1:-1])
    assert out == sorted(out)


def test_travel_and_animation_summaries(ds: pp.Dataset, alpha: pd.DataFrame) -> None:
    frames = cr.partnership_over_time(alpha, DP, RI)
    moved = cr.travel(frames, DP, RI).set_index("key")
    assert moved.loc["public", "distance"] == pytest.approx(math.hypot(1.5, 1.0))
    text = cr.partnership_animation_summary(frames, X, Y, name="Alpha")
    assert text.startswith(
        "The animation steps through 2 dates, from 2023-03-01 to 2024-03-01. "
        "The consensus moved 0.9"
    )
    # Mean distance from the consensus: 2023 both sqrt(1² + 2²) ≈ 2.24; 2024 both ≈ 1.52.
    assert text.endswith("at the start and 1.5 at the end: converging.")
    portfolio = cr.portfolio_animation_summary(cr.portfolio_over_time(ds, DP, RI), X, Y)
    assert (
        "4 dates from 2023-03-01 to 2024-05-01; 2 partnerships are on the map by the end"
        in portfolio
    )
    # beta (1, 3) → (2, 2.5): 1.1; alpha's consensus (-2, 0) → (-1.25, 0.5): 0.9.
    assert portfolio.endswith(
        "Travelled furthest: Beta Sanitation Platform (1.1) and Alpha Water Alliance (0.9)."
    )


def test_animation_summaries_of_one_date_and_of_none(ds: pp.Dataset) -> None:
    gamma = pp.partnership_placements(ds, "gamma")
    none = cr.partnership_over_time(gamma, DP, RI)
    assert cr.partnership_animation_summary(none, X, Y, name="Gamma").startswith(
        "Gamma has no placement"
    )
    alpha = pp.partnership_placements(ds, "alpha")
    one = cr.partnership_over_time(alpha.loc[alpha["date"].eq("2023-03-01")], DP, RI)
    assert "one date only (2023-03-01)" in cr.partnership_animation_summary(one, X, Y, name="Alpha")
    assert cr.portfolio_animation_summary(none, X, Y).startswith("No partnership has been placed")


# ---- the portfolio -------------------------------------------------------------------------


def test_divergence_by_axis_and_ranking_by_hand(ds: pp.Dataset) -> None:
    by_axis = cr.divergence_by_axis(ds)
    assert by_axis.loc["alpha", [DP, RI]].tolist() == [0.25, 1.5]
    assert by_axis.loc[["beta", "gamma"]].isna().all().all()
    ranking = cr.disagreement_ranking(ds)
    assert ranking["partnership_id"].tolist() == ["alpha", "beta", "gamma"]
    top = ranking.iloc[0]
    assert top["rank"] == 1 and top["divergence"] == pytest.approx(0.875)
    assert (top["axis_id"], top["low"], top["low_value"], top["high"], top["high_value"]) == (
        RI,
        "public",
        -1.0,
        "private",
        2.0,
    )
    assert top["agreement"] == "disagree strongly"  # 1.5 on its most divided axis
    assert ranking["rank"].isna().tolist() == [False, True, True]
    assert ranking["n_perspectives"].tolist() == [2, 1, 1]


def test_ranking_ties_share_a_rank_and_go_by_name(tmp_path: Path) -> None:
    ds = dataset_with(
        tmp_path,
        "gamma,2024-01-01,public,actual,1,0,,,\n"
        "gamma,2024-01-01,private,actual,3,0,,,\n"
        "beta,2024-01-01,public,actual,0,0,,,\n"
        "beta,2024-01-01,donor,actual,0,2,,,\n"
        "alpha,2024-01-01,public,actual,0,0,,,\n"
        "alpha,2024-01-01,donor,actual,0,0.5,,,\n",
    )
    ranking = cr.disagreement_ranking(ds)
    # beta and gamma both split 2 on one axis (divergence 1 there, 0.5 overall); alpha 0.125.
    assert ranking["name"].tolist() == [
        "Beta Sanitation Platform",
        "Gamma Schools WASH",
        "Alpha Water Alliance",
    ]
    assert ranking["rank"].tolist() == [1, 1, 3]
    assert ranking["divergence"].tolist() == pytest.approx([0.5, 0.5, 0.125])


def test_ranking_of_an_empty_portfolio(tmp_path: Path) -> None:
    ds = dataset_with(tmp_path, "")
    assert cr.disagreement_ranking(ds).empty
    assert cr.divergence_by_axis(ds).empty
    assert cr.ranking_summary(cr.disagreement_ranking(ds), [X]).startswith(
        "No partnership has been"
    )
    assert cr.portfolio_over_time(ds, DP, RI).empty
    assert cr.partnership_consensus(ds).empty and cr.median_comparison(ds).empty
    assert cr.consensus_course(pp.partnership_placements(ds, "alpha"), [DP, RI]).empty


def test_ranking_summary_by_hand(ds: pp.Dataset) -> None:
    text = cr.ranking_summary(cr.disagreement_ranking(ds), [X, Y, Z])
    assert text == (
        "Partners disagree most about Alpha Water Alliance (divergence 0.88), above all on "
        "Regulating delivery ↔ Stimulating innovation: private places it at 2.0 toward Stimulating "
        "innovation, public at 1.0 toward Regulating delivery. Of 1 partnership with two or more "
        "perspectives, 1 disagrees strongly on at least one axis (divergence 1.5 or more) and 0 "
        "agree closely on every axis (below 0.5). 2 partnerships have a single perspective and "
        "cannot be compared."
    )


def test_median_comparison_by_hand(ds: pp.Dataset) -> None:
    cmp = cr.median_comparison(ds).set_index(["partnership_id", "axis_id"])
    # Consensus per axis: alpha (-1.25, 0.5, 0.5), beta (2, 2.5, -2), gamma (0, –, –).
    assert cmp.loc[("alpha", DP), ["value", "portfolio_median", "difference"]].tolist() == [
        -1.25,
        0.0,
        -1.25,
    ]
    assert cmp.loc[("beta", RI), ["value", "portfolio_median", "difference"]].tolist() == [
        2.5,
        1.5,
        1.0,
    ]
    assert cmp.loc[("alpha", RT), "portfolio_median"] == -0.75
    assert ("gamma", RI) not in cmp.index  # never placed there
    wide = cr.partnership_consensus(ds)
    assert (
        wide.loc["alpha", "n_perspectives"] == 2
        and wide.loc["beta", "name"] == "Beta Sanitation Platform"
    )


def test_median_comparison_sentences(ds: pp.Dataset) -> None:
    cmp = cr.median_comparison(ds)
    text = cr.median_comparison_summary(cmp, [X, Y, Z])
    assert (
        "On Delivering services ↔ Informing policy the median is balanced between Delivering "
        "services and Informing policy; Beta Sanitation Platform is furthest toward Informing "
        "policy (+2.0), Alpha Water Alliance toward Delivering services (−1.2)."
    ) in text
    assert cr.compared_with_median(cmp, "alpha", [X, Y, Z]) == (
        "Compared with the portfolio median, its consensus stands out on Delivering services ↔ "
        "Informing policy (1.2 further toward Delivering services) and Rules-oriented ↔ "
        "Task-oriented (1.2 further toward Task-oriented)."
    )
    assert cr.compared_with_median(cmp, "gamma", [X]) == (
        "Its consensus is within 0.5 of the portfolio median on every axis."
    )
    assert cr.compared_with_median(cmp, "nobody", [X]) == ""
    assert cr.median_comparison_summary(cmp.iloc[0:0], [X]).startswith("No partnership")


def test_profiles_summary_by_hand(alpha: pd.DataFrame) -> None:
    views = cr.latest_views(alpha, [DP, RI, RT])
    text = cr.profiles_summary(views, [X, Y, Z], what="the perspectives")
    assert text == (
        "Each line is one of the perspectives (2), across 3 axes. Their range on Delivering "
        "services ↔ Informing policy: 1.0 (private) to 1.5 (public) toward Delivering services; "
        "Regulating delivery ↔ Stimulating innovation: from 1.0 toward Regulating delivery "
        "(public) to 2.0 toward Stimulating innovation (private). They are furthest apart on "
        "Regulating delivery ↔ Stimulating innovation (3.0 between ends)."
    )
    one = cr.profiles_summary(views.iloc[[1]], [X, Y, Z], what="the perspectives")
    assert one == (
        "Only private is shown. Delivering services ↔ Informing policy: 1.0 toward "
        "Delivering services; Regulating delivery ↔ Stimulating innovation: 2.0 toward "
        "Stimulating innovation."
    )
    assert cr.profiles_summary(views.iloc[0:0], [X], what="the perspectives").startswith("Nothing")


def test_small_multiples_summary_by_hand(ds: pp.Dataset) -> None:
    centres = consensus_points(ds, DP, RI)
    views = pp.portfolio_points(ds, DP, RI)
    text = cr.small_multiples_summary(centres, views, X, Y)
    assert text == (
        "2 partnerships, each on its own map with the same scales. By their consensus, 1 stands in "
        "Stimulating innovation · Delivering services, 1 in Stimulating innovation · Informing "
        "policy. The perspectives are spread widest for Alpha Water Alliance: on average 1.5 from "
        "their consensus on this map. 1 partnership has a single perspective on these axes."
    )


def test_quadrant_names() -> None:
    assert cr.quadrant(X, Y, 1, -1) == "Regulating delivery · Informing policy"
    assert cr.quadrant(X, Y, 0, 2) == "on a balance line"
