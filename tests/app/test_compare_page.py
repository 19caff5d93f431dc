"""AppTest: the Compare page, on the sample and on hand-made datasets."""

from __future__ import annotations

import base64
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PARTNERSHIPS, write_dataset

PAGE = "app_pages/compare.py"
HEADER = (
    "partnership_id,date,perspective,kind,delivery_policy,regulation_innovation,rules_task,"
    "spread,note\n"
)
CHARTS = {
    "cmp_ranking_chart",
    "cmp_small_chart",
    "cmp_median_chart",
    "cmp_time_chart",
    "cmp_all_axes_chart",
}


def specs(at: AppTest) -> dict[str, dict]:
    """Each chart's figure JSON, by its key (Streamlit ends the element id with it)."""
    return {c.proto.id.rsplit("-", 1)[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def decode(values: object) -> list:
    """Plotly's JSON encodes numeric arrays as base64; decode them."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown).replace("\\", "")


def table(at: AppTest, column: str):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def subplot_titles(spec: dict) -> list[str]:
    return [a["text"] for a in spec["layout"]["annotations"] if "name" not in a]


@pytest.fixture
def view(app, tiny: Path) -> AppTest:
    """The page on the tiny dataset."""
    return app(tiny, PAGE)


def test_page_runs_on_the_sample_data(app, sample_copy: Path) -> None:
    at = app(sample_copy, PAGE)
    assert at.title[0].value == "Compare"
    assert set(specs(at)) == CHARTS
    assert sum(m.value.startswith("**In words.**") for m in at.markdown) == 5
    ranking = table(at, "Most divided on")
    # The sample's stories: the three partnerships built to disagree come first.
    assert ranking["Partnership"].tolist()[:3] == [
        "Dodoma Handwashing Behaviour Change Alliance",
        "Nakuru Informal Settlements Water Kiosk Partnership",
        "Bundelkhand Village Aquifer Recharge Network",
    ]
    assert "Partners disagree most about Dodoma Handwashing Behaviour Change Alliance" in texts(at)


def test_ranking_chart_and_table_by_hand(view: AppTest) -> None:
    spec = specs(view)["cmp_ranking_chart"]
    bar = next(t for t in spec["data"] if t["type"] == "bar")
    assert decode(bar["x"]) == pytest.approx([0.875])
    assert spec["layout"]["yaxis"]["ticktext"] == ["1. Alpha Water Alliance"]
    ranking = table(view, "Most divided on")
    assert ranking["Partnership"].tolist() == [
        "Alpha Water Alliance",
        "Beta Sanitation Platform",
        "Gamma Schools WASH",
    ]
    assert ranking["Most divided on"].iloc[0] == "Regulating delivery ↔ Stimulating innovation"
    assert ranking["In words"].iloc[0] == "disagree strongly"


def test_small_multiples_follow_the_chosen_order(view: AppTest) -> None:
    titles = subplot_titles(specs(view)["cmp_small_chart"])
    assert titles[0].startswith("<b>Alpha Water Alliance</b>")  # most divided first
    assert "2 perspectives · divergence 0.88" in titles[0]
    assert "1 perspective<" in titles[1]
    view.segmented_control(key="cmp_order").set_value("By name").run()
    titles = subplot_titles(specs(view)["cmp_small_chart"])
    assert [t.split("</b>")[0] for t in titles] == [
        "<b>Alpha Water Alliance",
        "<b>Beta Sanitation Platform",
    ]


def test_median_comparison_by_hand(view: AppTest) -> None:
    spec = specs(view)["cmp_median_chart"]
    assert sorted(s["x0"] for s in spec["layout"]["shapes"]) == [-0.75, 0.0, 1.5]
    wide = next(df.value for df in view.dataframe if df.value.index.name == "name")
    assert wide.loc["Alpha Water Alliance", "Delivering services ↔ Informing policy"] == -1.25
    assert "Beta Sanitation Platform is furthest toward Informing policy (+2.0)" in texts(view)


def test_portfolio_animation_has_a_frame_per_date(view: AppTest) -> None:
    spec = specs(view)["cmp_time_chart"]
    assert [f["name"] for f in spec["frames"]] == [
        "2023-03-01",
        "2023-05-01",
        "2024-03-01",
        "2024-05-01",
    ]
    assert [s["label"] for s in spec["layout"]["sliders"][0]["steps"]] == [
        f["name"] for f in spec["frames"]
    ]
    legend = [
        t["name"]
        for t in spec["data"]
        if t.get("showlegend") is not False and t["name"] != "balance"
    ]
    assert legend == ["Sanitation", "Water supply"]  # coloured by sector


def test_chosen_set_on_all_axes(view: AppTest) -> None:
    chosen = view.multiselect(key="cmp_chosen")
    assert chosen.value == ["alpha", "beta", "gamma"]
    spec = specs(view)["cmp_all_axes_chart"]
    assert [t["name"] for t in spec["data"]] == [
        "Alpha Water Alliance",
        "Beta Sanitation Platform",
        "Gamma Schools WASH",
    ]
    chosen.set_value(["beta"]).run()
    view.segmented_control(key="cmp_all_axes_view").set_value("Radar").run()
    spec = specs(view)["cmp_all_axes_chart"]
    assert [t["type"] for t in spec["data"]] == ["scatterpolar", "scatterpolar"]
    assert "Only Beta Sanitation Platform is shown" in texts(view)
    view.multiselect(key="cmp_chosen").set_value([]).run()
    assert "Choose one or more partnerships" in view.info[0].value


def test_filters_narrow_every_view(view: AppTest) -> None:
    view.multiselect(key="cmp_sector").set_value(["Sanitation"]).run()
    assert not view.exception
    assert table(view, "Most divided on")["Partnership"].tolist() == ["Beta Sanitation Platform"]
    titles = subplot_titles(specs(view)["cmp_small_chart"])
    assert len(titles) == 1 and titles[0].startswith("<b>Beta Sanitation Platform</b>")
    assert view.multiselect(key="cmp_chosen").value == ["beta"]
    assert "No partnership has two perspectives" in json.dumps(specs(view)["cmp_ranking_chart"])


def test_a_link_opens_the_chosen_partnership(view: AppTest) -> None:
    view.selectbox(key="cmp_open").set_value("beta").run()
    (link,) = view.get("page_link")
    assert (link.proto.page, link.proto.query_string) == ("partnership", "partnership=beta")


def test_a_portfolio_without_placements_gets_a_message(app, tmp_path: Path) -> None:
    at = app(write_dataset(tmp_path / "d", placements=HEADER), PAGE)
    assert "Nothing has been placed yet" in at.info[0].value
    assert not at.get("plotly_chart")


def test_a_filter_that_matches_nothing_gets_a_message(app, tmp_path: Path) -> None:
    partnerships = PARTNERSHIPS + "delta,Delta Latrine Network,Chad,Latrines,network,,,,\n"
    at = app(write_dataset(tmp_path / "d", partnerships=partnerships), PAGE)
    at.multiselect(key="cmp_sector").set_value(["Latrines"]).run()
    assert not at.exception
    assert "Nothing has been placed yet for these partnerships" in at.info[0].value
    at.multiselect(key="cmp_sector").set_value(["Latrines", "Sanitation"]).run()
    assert not at.exception and set(specs(at)) == CHARTS


def test_session_state_stays_picklable(view: AppTest) -> None:
    view.multiselect(key="cmp_chosen").set_value(["alpha"]).run()
    pickle.dumps(view.session_state.to_dict())
