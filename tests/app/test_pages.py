"""AppTest: every page runs; placing and saving through the widgets writes the right row."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

import plotting as pp
from tests.conftest import PARTNERSHIPS, PLACEMENTS, write_dataset

PAGES = ["app_pages/overview.py", "app_pages/plot.py", "app_pages/portfolio.py"]


def chart_spec(at, index: int = 0) -> dict:
    import json

    return json.loads(at.get("plotly_chart")[index].proto.spec)


def decode(values: object) -> list:
    """Plotly's JSON encodes numeric arrays as base64; decode them."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_sample_data(app, sample_copy: Path, page: str) -> None:
    at = app(sample_copy, page)
    assert at.get("plotly_chart"), "every page draws a chart"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_a_broken_dataset(app, tiny: Path, page: str) -> None:
    (tiny / "placements.csv").write_text("partnership_id,date\nalpha,nope\n")
    at = app(tiny, page)
    assert not at.exception


def test_overview_lists_problems_instead_of_a_traceback(app, tiny: Path) -> None:
    with (tiny / "placements.csv").open("a") as f:
        f.write("alpha,2024-13-01,public,actual,1,1,1,,\n")
    at = app(tiny)
    tables = [df.value for df in at.dataframe]
    problems = next(t for t in tables if "Problem" in t.columns)
    assert problems.iloc[0].to_dict() == {
        "File": "placements.csv",
        "Row": 9,
        "Column": "date",
        "Problem": "'2024-13-01' is not a date; expected YYYY-MM-DD, e.g. 2024-03-15",
    }
    assert at.metric[0].value == "3"


def test_plot_page_saves_what_the_sliders_say(app, tiny: Path) -> None:
    at = app(tiny, "app_pages/plot.py")
    at.selectbox(key="plot_partnership").set_value("beta").run()
    at.selectbox(key="plot_perspective").set_value("donor").run()
    at.date_input(key="plot_date").set_value(dt.date(2025, 6, 30)).run()
    at.slider(key="plot_pos_delivery_policy").set_value(3.25).run()
    at.slider(key="plot_pos_regulation_innovation").set_value(-2.5).run()
    at.checkbox(key="plot_na_rules_task").check().run()
    at.text_area(key="plot_note").input('Donor sees policy work, "finally"').run()
    # The unsaved position is previewed on the chart.
    preview = next(
        t for t in chart_spec(at)["data"] if str(t.get("name", "")).startswith("New: donor")
    )
    assert (decode(preview["x"]), decode(preview["y"])) == ([3.25], [-2.5])
    at.button[0].click().run()
    assert not at.exception
    last = (tiny / "placements.csv").read_text().splitlines()[-1]
    assert last == 'beta,2025-06-30,donor,actual,3.25,-2.5,,,"Donor sees policy work, ""finally"""'
    # ...and the chart shows it at once, as the donor's latest placement.
    donor = next(t for t in chart_spec(at)["data"] if t.get("name") == "donor")
    assert (decode(donor["x"]), decode(donor["y"])) == ([3.25], [-2.5])
    assert any("Saved" in s.value for s in at.success)


def test_plot_page_saves_a_target(app, tiny: Path) -> None:
    at = app(tiny, "app_pages/plot.py")
    at.selectbox(key="plot_partnership").set_value("alpha").run()
    at.button_group(key="plot_kind").set_value("target").run()
    at.date_input(key="plot_date").set_value(dt.date(2025, 1, 1)).run()
    at.slider(key="plot_pos_delivery_policy").set_value(4.0).run()
    at.button[0].click().run()
    last = (tiny / "placements.csv").read_text().splitlines()[-1]
    # Sliders started from public's latest target (2, 1), which left rules_task blank.
    assert last == "alpha,2025-01-01,public,target,4,1,,,"


def test_plot_page_sliders_start_at_the_perspectives_latest_position(app, tiny: Path) -> None:
    at = app(tiny, "app_pages/plot.py")
    at.selectbox(key="plot_partnership").set_value("alpha").run()
    at.selectbox(key="plot_perspective").set_value("private").run()
    assert at.slider(key="plot_pos_delivery_policy").value == -1.0
    assert at.slider(key="plot_pos_regulation_innovation").value == 2.0
    assert at.checkbox(key="plot_na_rules_task").value is True


def test_plot_page_adds_a_partnership_with_a_validated_form(app, tiny: Path) -> None:
    at = app(tiny, "app_pages/plot.py")
    at.selectbox(key="plot_partnership").set_value("__new__").run()
    # Widgets in a form send their values with the submit, so no run in between.
    at.text_input(key="new_name").input("Água para Todos, Zambézia")
    at.text_input(key="new_country").input("Mozambique")
    at.text_area(key="new_partners").input("Utility\nWater users' association")
    at.button[0].click().run()
    assert not at.exception
    ds = pp.load_dataset(tiny)
    row = ds.partnerships.set_index("partnership_id").loc["agua-para-todos-zambezia"]
    assert (row["name"], row["country"], row["partners"]) == (
        "Água para Todos, Zambézia",
        "Mozambique",
        "Utility; Water users' association",
    )
    assert at.selectbox(key="plot_partnership").value == "agua-para-todos-zambezia"


def test_plot_page_form_reports_problems(app, tiny: Path) -> None:
    at = app(tiny, "app_pages/plot.py")
    at.selectbox(key="plot_partnership").set_value("__new__").run()
    at.text_input(key="new_name").input("Duplicate")
    at.text_input(key="new_partnership_id").input("alpha")
    at.button[0].click().run()
    assert any("duplicate partnership id" in e.value for e in at.error)
    assert (tiny / "partnerships.csv").read_text() == PARTNERSHIPS


def test_portfolio_filters_change_chart_and_table(app, tiny: Path) -> None:
    at = app(tiny, "app_pages/portfolio.py")
    table = at.dataframe[-1].value
    assert sorted(table["Partnership"]) == [
        "Alpha Water Alliance",
        "Alpha Water Alliance",
        "Beta Sanitation Platform",
    ]
    at.multiselect(key="pf_sector").select("Sanitation").run()
    assert at.dataframe[-1].value["Partnership"].tolist() == ["Beta Sanitation Platform"]
    traces = [t for t in chart_spec(at)["data"] if t.get("name") != "balance"]
    assert [t["name"] for t in traces] == ["Sanitation"]
    at.multiselect(key="pf_sector").set_value([]).run()
    at.selectbox(key="pf_perspective").set_value("public").run()
    assert at.dataframe[-1].value["Perspective"].tolist() == ["public"]
    at.selectbox(key="pf_color").set_value("region").run()
    names = [t["name"] for t in chart_spec(at)["data"] if t.get("name") != "balance"]
    assert names == ["East Africa"]


def test_portfolio_date_range(app, tiny: Path) -> None:
    at = app(tiny, "app_pages/portfolio.py")
    at.date_input(key="pf_dates").set_value((dt.date(2023, 3, 1), dt.date(2023, 12, 31))).run()
    table = at.dataframe[-1].value
    assert sorted(table["date"].astype(str)) == ["2023-03-01", "2023-03-01", "2023-05-01"]


def test_axis_pair_persists_across_pages(app, tiny: Path) -> None:
    at = app(tiny, "app_pages/portfolio.py")
    at.sidebar.selectbox(key="axis_x").set_value("rules_task").run()
    at.switch_page("app_pages/plot.py").run()
    assert at.sidebar.selectbox(key="axis_x").value == "rules_task"
    spec = chart_spec(at)
    assert spec["layout"]["xaxis"]["title"]["text"] == "Rules-oriented ↔ Task-oriented"


def test_choosing_the_same_axis_twice_swaps_the_other(app, tiny: Path) -> None:
    at = app(tiny)
    at.sidebar.selectbox(key="axis_x").set_value("regulation_innovation").run()
    assert at.sidebar.selectbox(key="axis_y").value != "regulation_innovation"


def test_html_in_user_text_is_shown_as_text(app, tmp_path: Path) -> None:
    payload = "<img src=x onerror=alert(1)>"
    folder = write_dataset(
        tmp_path / "d", partnerships=PARTNERSHIPS.replace("Alpha Water Alliance", payload)
    )
    at = app(folder)
    spec = chart_spec(at)
    dumped = str(spec)
    assert payload not in dumped and "&lt;img src=x onerror=alert(1)&gt;" in dumped
    for md in at.markdown:
        assert payload not in md.value


def test_portfolio_table_pages_a_large_portfolio(app, tmp_path: Path) -> None:
    """Over PAGE_ROWS rows, the table shows one page at a time; the chart shows all."""
    from bench.data import make_dataset

    data = make_dataset(tmp_path / "big", 500)  # 3 perspectives: 1,500 points
    at = app(data.folder, "app_pages/portfolio.py")
    points = sum(len(decode(t["x"])) for t in chart_spec(at)["data"] if t["name"] != "balance")
    assert points == 1_500
    # Dense (WebGL) maps are drawn at one device pixel per CSS pixel (display_config).
    config = json.loads(at.get("plotly_chart")[0].proto.config)
    assert config == {"displaylogo": False, "plotGlPixelRatio": 1}
    first = at.dataframe[-1].value
    assert len(first) == 1_000
    assert "Rows 1–1,000 of 1,500" in " ".join(c.value for c in at.caption)
    at.number_input(key="pf_table_page").set_value(2).run()
    second = at.dataframe[-1].value
    assert len(second) == 500
    rows = [set(zip(t["Partnership"], t["Perspective"], strict=True)) for t in (first, second)]
    assert rows[0].isdisjoint(rows[1]) and len(rows[0] | rows[1]) == 1_500
    # A narrower filter leaves one page: the page control goes, the rows all show.
    sector = sorted(set(first["Sector"]))[0]
    at.multiselect(key="pf_sector").select(sector).run()
    assert not at.number_input and len(at.dataframe[-1].value) < 1_000
    assert set(at.dataframe[-1].value["Sector"]) == {sector}


PARTIAL_STARTS = PARTNERSHIPS.replace(",2020-01-15,", ",2019,", 1).replace(
    ",2021-06-01,", ",2021-03,", 1
)


def test_year_and_month_starts_load_and_show_as_written(app, tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "d", partnerships=PARTIAL_STARTS)
    at = app(folder)
    assert not [t for t in (df.value for df in at.dataframe) if "Problem" in t.columns]
    at.switch_page("app_pages/partnership.py").run()
    at.selectbox(key="cp_partnership").set_value("alpha").run()
    assert any("started 2019" in c.value and "2019-01" not in c.value for c in at.caption)
    at.selectbox(key="cp_partnership").set_value("beta").run()
    assert any("started 2021\\-03" in c.value or "started 2021-03" in c.value for c in at.caption)
    at.switch_page("app_pages/data.py").run()
    edited = next(t for t in at.dataframe if "started" in t.value.columns).value
    assert edited["started"].tolist() == ["2019", "2021-03", ""]


@pytest.mark.parametrize("started", ["2019", "2019-03", "2019-03-14"])
def test_plot_page_form_takes_a_partial_start(app, tiny: Path, started: str) -> None:
    at = app(tiny, "app_pages/plot.py")
    at.selectbox(key="plot_partnership").set_value("__new__").run()
    at.text_input(key="new_name").input("Delta")
    at.text_input(key="new_started").input(started)
    at.button[0].click().run()
    assert not at.error
    assert (tiny / "partnerships.csv").read_text().splitlines()[
        -1
    ] == f"delta,Delta,,,,,{started},,"


def test_plot_page_form_refuses_an_unreadable_start(app, tiny: Path) -> None:
    at = app(tiny, "app_pages/plot.py")
    at.selectbox(key="plot_partnership").set_value("__new__").run()
    assert at.text_input(key="new_started").placeholder == "2019, 2019-03 or 2019-03-14"
    at.text_input(key="new_name").input("Delta")
    at.text_input(key="new_started").input("03/2019")
    at.button[0].click().run()
    # Shown as text: the message quotes what was typed, so it is Markdown-escaped.
    assert [e.value for e in at.error] == [
        pp.markdown_text(
            "started: '03/2019' is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2019-03"
        )
    ]
    assert (tiny / "partnerships.csv").read_text() == PARTNERSHIPS


def test_a_bad_start_keeps_the_partnership_and_its_placements(app, tmp_path: Path) -> None:
    parts = PARTNERSHIPS.replace(",2020-01-15,", ",March 2019,", 1)
    folder = write_dataset(tmp_path / "d", partnerships=parts)
    at = app(folder)
    problems = next(t for t in (df.value for df in at.dataframe) if "Problem" in t.columns)
    assert problems.to_dict("records") == [
        {
            "File": "partnerships.csv",
            "Row": 2,
            "Column": "started",
            "Problem": "'March 2019' is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD, "
            "e.g. 2019-03",
        }
    ]
    assert [m.value for m in at.metric[:3]] == ["3", "6", "1"]
    at.switch_page("app_pages/portfolio.py").run()
    shown = at.dataframe[-1].value["Partnership"].tolist()
    assert shown.count("Alpha Water Alliance") == 2


def test_overview_says_what_a_dropped_partnership_takes_along(app, tmp_path: Path) -> None:
    parts = PARTNERSHIPS.replace("alpha,Alpha Water Alliance,", "alpha,,", 1)
    semicolons = PLACEMENTS.replace(",", ";").replace('"Private sees ""clearly"" innovation"', "x")
    folder = write_dataset(tmp_path / "d", partnerships=parts, placements=semicolons)
    at = app(folder)
    problems = next(t for t in (df.value for df in at.dataframe) if "Problem" in t.columns)
    assert problems["Problem"].tolist() == [
        "name is blank; every partnership needs a name",
        "placements.csv looks semicolon-separated (as Excel saves in many countries); this "
        "folder needs comma-separated files: move it out of the data folder (or rename it, "
        "e.g. to placements-semicolons.csv), then bring it in with Data → Import (or python "
        "-m plotting import), which writes a new placements.csv",
    ]
    assert not at.exception
