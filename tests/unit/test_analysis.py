"""Analysis: latest placements, portfolio filters and consensus, by hand-computed values."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

import plotting as pp
from plotting.analysis import (
    consensus_points,
    latest_position,
    perspective_options,
    selected_rows,
    slugify,
    unique_id,
)

X, Y = "delivery_policy", "regulation_innovation"


@pytest.fixture
def ds(tiny: Path) -> pp.Dataset:
    return pp.load_dataset(tiny)


def test_portfolio_points_latest_per_partnership_and_perspective(ds: pp.Dataset) -> None:
    points = pp.portfolio_points(ds, X, Y)
    got = {
        (r.partnership_id, r.perspective): (r.delivery_policy, r.regulation_innovation)
        for r in points.itertuples()
    }
    assert got == {
        ("alpha", "public"): (-1.5, -1.0),
        ("alpha", "private"): (-1.0, 2.0),
        ("beta", "civil society"): (2.0, 2.5),
    }  # gamma has no value on Y; targets are not actual positions
    assert points.loc[0, "name"] == "Alpha Water Alliance" and "region" in points.columns


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (pp.PortfolioFilter(perspective="public"), {("alpha", "public")}),
        (pp.PortfolioFilter(columns={"sector": ["Sanitation"]}), {("beta", "civil society")}),
        (
            pp.PortfolioFilter(columns={"country": ["Kenya"], "sector": []}),
            {("alpha", "public"), ("alpha", "private")},
        ),
        (
            pp.PortfolioFilter(end=pd.Timestamp("2023-12-31")),
            {("alpha", "public"), ("alpha", "private"), ("beta", "civil society")},
        ),
        (
            pp.PortfolioFilter(start=pd.Timestamp("2024-01-01")),
            {("alpha", "public"), ("beta", "civil society")},
        ),
        (pp.PortfolioFilter(kind="target"), {("alpha", "public")}),
        (pp.PortfolioFilter(perspective=pp.ALL, columns={"region": ["Latin America"]}), set()),
    ],
)
def test_portfolio_filters(ds: pp.Dataset, flt: pp.PortfolioFilter, expected: set) -> None:
    points = pp.portfolio_points(ds, X, Y, flt)
    assert set(zip(points["partnership_id"], points["perspective"], strict=True)) == expected


def test_end_date_shows_the_portfolio_as_it_stood(ds: pp.Dataset) -> None:
    points = pp.portfolio_points(
        ds, X, Y, pp.PortfolioFilter(perspective="public", end=pd.Timestamp("2023-06-30"))
    )
    assert points[[X, Y]].values.tolist() == [[-3.0, -2.0]]


def test_same_date_tie_goes_to_the_later_row(tiny: Path) -> None:
    with (tiny / "placements.csv").open("a") as f:
        f.write("beta,2024-05-01,civil society,actual,4,4,,,corrected\n")
    points = pp.portfolio_points(pp.load_dataset(tiny), X, Y)
    assert points.set_index("partnership_id").loc["beta", [X, Y]].tolist() == [4.0, 4.0]


def test_consensus_is_the_median_of_perspectives(ds: pp.Dataset) -> None:
    c = consensus_points(ds, X, Y).set_index("partnership_id")
    assert c.loc["alpha", [X, Y]].tolist() == [-1.25, 0.5]
    assert c.loc["alpha", "n_perspectives"] == 2
    assert c.loc["beta", [X, Y]].tolist() == [2.0, 2.5]


def test_latest_position_takes_each_axis_latest_value(ds: pp.Dataset) -> None:
    assert latest_position(ds, "alpha", "public") == {X: -1.5, Y: -1.0, "rules_task": 0.5}
    assert latest_position(ds, "alpha", "private") == {X: -1.0, Y: 2.0}
    assert latest_position(ds, "alpha", "donor") == {}


def test_perspective_options_include_partners(ds: pp.Dataset) -> None:
    options = perspective_options(ds, "alpha")
    assert options[:5] == ["public", "private", "civil society", "donor", "joint"]
    assert {"Ministry", "Utility", "NGO"} <= set(options)


def test_selected_rows_maps_customdata_back(ds: pp.Dataset) -> None:
    points = pp.portfolio_points(ds, X, Y)
    sel = [{"customdata": ["2", "x"]}, {"customdata": ["0"]}, {"x": 1}, {"customdata": ["99"]}]
    assert selected_rows(points, sel).index.tolist() == [2, 0]
    # The portfolio map's customdata is the bare index label (0 included).
    sel = [{"customdata": 1}, {"customdata": 0}, {"customdata": 1}, {"customdata": None}]
    assert selected_rows(points, sel).index.tolist() == [1, 0]


@pytest.mark.parametrize(
    "columns",
    [
        {"sector": ["Water supply"]},
        {"sector": ["Sanitation"], "country": ["Kenya", "Peru"]},
        {"country": ["Nowhere"]},
        {"sector": []},
        {"unknown column": ["x"]},
    ],
)
def test_column_filters_pick_the_same_rows_as_filtering_first(
    ds: pp.Dataset, columns: dict
) -> None:
    """Column filters pick rows from the kept unfiltered rows: same as filtering first."""
    flt = pp.PortfolioFilter(columns=columns, perspective=pp.ALL)
    picked = pp.portfolio_points(ds, X, Y, flt)
    narrowed = dataclasses.replace(
        ds, partnerships=pp.analysis.filter_partnerships(ds.partnerships, columns)
    )
    expected = pp.portfolio_points(narrowed, X, Y, pp.PortfolioFilter(perspective=pp.ALL))
    pd.testing.assert_frame_equal(picked, expected)


def test_kept_portfolio_rows_are_not_changed_by_callers(ds: pp.Dataset) -> None:
    first = pp.portfolio_points(ds, X, Y)
    before = first.copy()
    first.loc[0, "name"] = "changed"
    first["extra"] = 1
    pd.testing.assert_frame_equal(pp.portfolio_points(ds, X, Y), before)


def test_choices_are_distinct_non_blank_and_sorted_regardless_of_case(ds: pp.Dataset) -> None:
    column = pd.Series(["b", "", "A", "b", "a", "C"], dtype="str")
    assert pp.analysis.choices(column) == ["A", "a", "b", "C"]
    assert pp.analysis.choices(ds.partnerships["sector"]) == [
        "Sanitation",
        "WASH in schools",
        "Water supply",
    ]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Água para Todos, Zambézia!", "agua-para-todos-zambezia"),
        ("  ", "partnership"),
        ("水", "partnership"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_unique_id() -> None:
    assert unique_id("a", ["a", "a-2"]) == "a-3"
    assert unique_id("b", ["a"]) == "b"


def test_summary(ds: pp.Dataset) -> None:
    s = pp.summary(ds)
    assert (s["partnerships"], s["placements"], s["targets"], s["countries"]) == (3, 6, 1, 3)
