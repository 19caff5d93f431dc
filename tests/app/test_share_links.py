"""AppTest: a share link reopens every page's exact view (each widget takes the link's
value, and the address follows the widgets), and the course chart's scale toggle."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import plotting as pp
from plotting.figures import RANGE
from tests.conftest import write_dataset
from ui import share

ROOT = Path(__file__).resolve().parents[2]
DP, RI, RT = "delivery_policy", "regulation_innovation", "rules_task"


def open_link(folder: Path, monkeypatch: pytest.MonkeyPatch, page: str, **params) -> AppTest:
    """A fresh session opening `page` from a link with these parameters."""
    monkeypatch.setenv("PLOTTING_DATA_DIR", str(folder))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    at.notices = [t.value for t in at.toast]
    return at


def url(at: AppTest) -> dict[str, list[str]]:
    return {
        k: at.query_params[k] if isinstance(at.query_params[k], list) else [at.query_params[k]]
        for k in at.query_params
    }


def chart(at: AppTest, key: str) -> dict:
    (found,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith(key)]
    return json.loads(found.proto.spec)


def segmented(at: AppTest, key: str) -> object:
    (found,) = [w for w in at.get("button_group") if w.key == key]
    return found


def test_overview_link_sets_the_axes(tiny, monkeypatch) -> None:
    at = open_link(tiny, monkeypatch, "app_pages/overview.py", x=RT, y=DP)
    assert at.selectbox(key="axis_x").value == RT and at.selectbox(key="axis_y").value == DP
    spec = chart(at, "overview_chart")
    assert spec["layout"]["xaxis"]["title"]["text"] == "Rules-oriented ↔ Task-oriented"
    assert url(at)["x"] == [RT] and url(at)["y"] == [DP]


def test_plot_link_sets_every_widget(tiny, monkeypatch) -> None:
    params = {"x": RI, "y": RT, "partnership": "beta", "perspective": "donor", "kind": "target"}
    at = open_link(tiny, monkeypatch, "app_pages/plot.py", **params)
    assert not at.notices
    assert (at.selectbox(key="axis_x").value, at.selectbox(key="axis_y").value) == (RI, RT)
    assert at.selectbox(key="plot_partnership").value == "beta"
    assert at.selectbox(key="plot_perspective").value == "donor"
    assert segmented(at, share.PLOT_KIND).value == "target"
    assert {k: url(at)[k] for k in params} == {k: [v] for k, v in params.items()}


def test_portfolio_link_sets_every_widget(tiny, monkeypatch) -> None:
    params = {
        "x": RT,
        "y": RI,
        "sector": ["Sanitation", "Water supply"],
        "country": ["Ghana", "Kenya"],
        "arrangement": ["platform", "alliance"],
        "perspective": "civil society",
        "from": "2023-04-01",
        "to": "2024-02-01",
        "kind": "actual",
        "color": "country",
    }
    at = open_link(tiny, monkeypatch, "app_pages/portfolio.py", **params)
    assert not at.notices
    assert (at.selectbox(key="axis_x").value, at.selectbox(key="axis_y").value) == (RT, RI)
    assert at.multiselect(key="pf_sector").value == ["Sanitation", "Water supply"]
    assert at.multiselect(key="pf_country").value == ["Ghana", "Kenya"]
    assert at.multiselect(key="pf_arrangement").value == ["platform", "alliance"]
    assert at.selectbox(key="pf_perspective").value == "civil society"
    assert [str(d) for d in at.date_input(key="pf_dates").value] == ["2023-04-01", "2024-02-01"]
    assert segmented(at, "pf_kind").value == "actual"
    assert at.selectbox(key="pf_color").value == "country"
    # The chart is coloured by country: one legend entry per country shown.
    names = {t.get("name") for t in chart(at, "portfolio_chart")["data"]}
    assert "Ghana" in names and "Sanitation" not in names
    # The address says the same (the default kind is left out, to keep links short).
    said = url(at)
    assert said["color"] == ["country"] and said["sector"] == ["Sanitation", "Water supply"]
    assert said["from"] == ["2023-04-01"] and "kind" not in said


def test_portfolio_targets_and_colour_by_perspective(tiny, monkeypatch) -> None:
    at = open_link(tiny, monkeypatch, "app_pages/portfolio.py", kind="target", color="perspective")
    assert segmented(at, "pf_kind").value == "target"
    assert at.selectbox(key="pf_color").value == "perspective"
    at.selectbox(key="pf_color").set_value("sector").run()
    assert "color" not in url(at) and url(at)["kind"] == ["target"]


def test_course_link_sets_every_widget(tiny, monkeypatch) -> None:
    params = {"x": RI, "y": DP, "partnership": "alpha", "perspective": "public"}
    at = open_link(
        tiny,
        monkeypatch,
        "app_pages/partnership.py",
        **params,
        scale="full",
        shape="radar",
    )
    assert not at.notices
    assert (at.selectbox(key="axis_x").value, at.selectbox(key="axis_y").value) == (RI, DP)
    assert at.selectbox(key="cp_partnership").value == "alpha"
    assert at.selectbox(key="cp_perspective").value == "public"
    assert segmented(at, "cp_scale").value == share.SCALES["full"]
    assert segmented(at, "cp_all_axes_view").value == "Radar"
    assert chart(at, "cp_course_chart")["layout"]["xaxis"]["range"] == list(RANGE)
    assert chart(at, "cp_all_axes_chart")["data"][0]["type"] == "scatterpolar"
    said = url(at)
    assert said["scale"] == ["full"] and said["shape"] == ["radar"]
    assert said["partnership"] == ["alpha"] and said["perspective"] == ["public"]


def test_course_link_with_unknown_values_keeps_defaults_with_notices(tiny, monkeypatch) -> None:
    at = open_link(
        tiny,
        monkeypatch,
        "app_pages/partnership.py",
        partnership="nope",
        scale="huge",
        shape="pie",
    )
    assert at.selectbox(key="cp_partnership").value == "alpha"
    assert segmented(at, "cp_scale").value == share.SCALES["course"]
    notices = " ".join(at.notices).replace("\\", "")
    assert "Unknown partnership 'nope'" in notices and "Unknown scale 'huge'" in notices
    assert "Unknown chart 'pie'" in notices
    assert "scale" not in url(at) and "shape" not in url(at)


def test_course_scale_toggle_zooms_and_unzooms_and_goes_into_the_link(tiny, monkeypatch) -> None:
    at = open_link(tiny, monkeypatch, "app_pages/partnership.py", partnership="alpha")
    assert at.selectbox(key="cp_perspective").value == "consensus"
    at.selectbox(key="cp_perspective").set_value("public").run()
    zoomed = chart(at, "cp_course_chart")["layout"]
    assert segmented(at, "cp_scale").value == share.SCALES["course"]
    x0, x1 = zoomed["xaxis"]["range"]
    y0, y1 = zoomed["yaxis"]["range"]
    # Public moved from (-3, -2) to (-1.5, -1), aiming at (2, 1): all framed, zoomed in.
    assert x0 <= -3 and x1 >= 2 and y0 <= -2 and y1 >= 1
    assert x1 - x0 < RANGE[1] - RANGE[0] and x1 - x0 == pytest.approx(y1 - y0)
    assert "scale" not in url(at)
    segmented(at, "cp_scale").set_value(share.SCALES["full"]).run()
    full = chart(at, "cp_course_chart")["layout"]
    assert full["xaxis"]["range"] == list(RANGE) == full["yaxis"]["range"]
    assert url(at)["scale"] == ["full"] and url(at)["perspective"] == ["public"]
    segmented(at, "cp_scale").set_value(share.SCALES["course"]).run()
    assert chart(at, "cp_course_chart")["layout"]["xaxis"]["range"] == [x0, x1]
    assert "scale" not in url(at)


def test_compare_link_sets_every_widget(tiny, monkeypatch) -> None:
    params = {
        "x": RT,
        "y": DP,
        "sector": ["Sanitation", "Water supply"],
        "country": ["Ghana", "Kenya"],
        "arrangement": ["alliance", "platform"],
        "order": "name",
        "open": "beta",
        "chosen": ["beta", "alpha"],
        "shape": "radar",
    }
    at = open_link(tiny, monkeypatch, "app_pages/compare.py", **params)
    assert not at.notices
    assert (at.selectbox(key="axis_x").value, at.selectbox(key="axis_y").value) == (RT, DP)
    assert at.multiselect(key="cmp_sector").value == ["Sanitation", "Water supply"]
    assert at.multiselect(key="cmp_country").value == ["Ghana", "Kenya"]
    assert at.multiselect(key="cmp_arrangement").value == ["alliance", "platform"]
    assert segmented(at, "cmp_order").value == "By name"
    assert at.selectbox(key="cmp_open").value == "beta"
    assert at.multiselect(key="cmp_chosen").value == ["beta", "alpha"]
    assert segmented(at, "cmp_all_axes_view").value == "Radar"
    said = url(at)
    assert {k: said[k] for k in params} == {
        k: v if isinstance(v, list) else [v] for k, v in params.items()
    }


def test_compare_address_follows_the_widgets(tiny, monkeypatch) -> None:
    at = open_link(tiny, monkeypatch, "app_pages/compare.py", order="name")
    at.multiselect(key="cmp_sector").set_value(["Sanitation"]).run()
    segmented(at, "cmp_order").set_value("Most divided first").run()
    said = url(at)
    assert said["sector"] == ["Sanitation"] and "order" not in said
    # The page's own address never pulls a widget back.
    assert segmented(at, "cmp_order").value == "Most divided first"


def test_present_link_sets_every_widget_of_the_builder(tiny, monkeypatch) -> None:
    params = {
        "x": RI,
        "y": DP,
        "title": "Board meeting <b>June</b>",
        "partnership": ["beta", "alpha"],
        "theme": "contrast",
        "blind": "1",
        "ranking": "1",
        "sector": ["Sanitation"],
        "country": ["Ghana"],
        "arrangement": ["platform"],
        "perspective": "civil society",
        "from": "2023-06-01",
        "to": "2024-02-01",
        "preview": "3",
    }
    at = open_link(tiny, monkeypatch, "app_pages/present.py", **params)
    assert not at.notices
    assert (at.selectbox(key="axis_x").value, at.selectbox(key="axis_y").value) == (RI, DP)
    assert at.text_input(key="present_title").value == "Board meeting <b>June</b>"
    assert at.multiselect(key="present_partnerships").value == ["beta", "alpha"]
    assert segmented(at, "present_theme").value == "contrast"
    assert at.toggle(key="present_blind").value is True
    assert at.toggle(key="present_ranking").value is True
    assert at.multiselect(key="present_sector").value == ["Sanitation"]
    assert at.multiselect(key="present_country").value == ["Ghana"]
    assert at.multiselect(key="present_arrangement").value == ["platform"]
    assert at.selectbox(key="present_perspective").value == "civil society"
    assert at.selectbox(key="present_preview").value == 3
    assert [str(d) for d in at.date_input(key="present_dates").value] == [
        "2023-06-01",
        "2024-02-01",
    ]
    said = url(at)
    assert {k: said[k] for k in params} == {
        k: v if isinstance(v, list) else [v] for k, v in params.items()
    }


def test_present_link_opens_the_same_slide_theme_and_title(tiny, monkeypatch) -> None:
    at = open_link(
        tiny,
        monkeypatch,
        "app_pages/present.py",
        title="Board meeting",
        partnership=["beta", "alpha"],
        theme="contrast",
        slide="4",
    )
    assert at.title[0].value.replace("\\", "") == "Alpha Water Alliance: its course"
    assert at.session_state["present_theme"] == "contrast"
    assert at.session_state["present_title"] == "Board meeting"
    assert url(at)["slide"] == ["4"] and url(at)["title"] == ["Board meeting"]


def test_a_link_title_is_plain_bounded_text() -> None:
    reading = share.read_present({"title": ["  Line\x00one\nand\ttwo " + "x" * 300]}, _ds())
    title = reading.values["title"]
    assert title.startswith("Lineone and two x") and len(title) == share.TITLE_MAX


def _ds() -> pp.Dataset:
    return pp.load_dataset(write_dataset(Path(tempfile.mkdtemp()) / "d"))
