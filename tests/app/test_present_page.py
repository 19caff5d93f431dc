"""AppTest: the Present page (building, presenting, blind then reveal) and shareable links."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import plotting as pp
from tests.conftest import PARTNERSHIPS, write_dataset
from ui import share

ROOT = Path(__file__).resolve().parents[2]
#: The page under test.
PAGE = "app_pages/present.py"
DP, RI = "delivery_policy", "regulation_innovation"


def open_present(
    folder: Path, monkeypatch: pytest.MonkeyPatch, **params: str | list[str]
) -> AppTest:
    """The Present page as a link with these parameters opens it (a fresh session).

    The entry point runs first, as in the browser (it reads the axis pair from the link),
    then the page; notices from both runs are kept in `at.link_notices`, and the axis pair
    the entry point chose in `at.link_axes`. (While a `pages/` folder exists, AppTest's
    switch_page runs the page without the entry point, so the pair is read here.)
    """
    monkeypatch.setenv("PLOTTING_DATA_DIR", str(folder))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    first = toasts(at)
    at.link_axes = (at.session_state["axis_x"], at.session_state["axis_y"])
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    at.link_notices = first + toasts(at)
    return at


def heading(at: AppTest) -> str:
    return at.title[0].value.replace("\\", "")


def chart(at: AppTest, key: str) -> dict:
    found = [c for c in at.get("plotly_chart") if c.proto.id.endswith(key)]
    assert found, f"no chart {key}"
    return json.loads(found[0].proto.spec)


def legend_names(spec: dict) -> set[str]:
    return {t.get("name") for t in spec["data"] if t.get("name")}


def toasts(at: AppTest) -> list[str]:
    return [t.value.replace("\\", "") for t in at.toast]


def url(at: AppTest) -> dict[str, list[str]]:
    return {
        k: at.query_params[k] if isinstance(at.query_params[k], list) else [at.query_params[k]]
        for k in at.query_params
    }


# ---- building a deck -------------------------------------------------------------------------


def test_the_page_opens_on_the_deck_builder(tiny, monkeypatch) -> None:
    at = open_present(tiny, monkeypatch)
    assert heading(at) == "Present"
    # The previewed slide's exports, then the whole deck's.
    assert [b.label for b in at.download_button] == [
        "PNG",
        "SVG",
        "PDF",
        "HTML",
        "PowerPoint",
        "PDF report",
        "Offline HTML",
    ]
    outline = next(m.value for m in at.markdown if m.value.startswith("1. The portfolio"))
    assert outline == "1. The portfolio"
    assert chart(at, "present_preview_chart")["layout"]["paper_bgcolor"] == "white"


def test_choosing_and_ordering_partnerships_builds_the_slides(tiny, monkeypatch) -> None:
    at = open_present(tiny, monkeypatch)
    at.multiselect(key="present_partnerships").set_value(["alpha", "beta"]).run()
    assert at.selectbox(key="present_preview").options[1:] == [
        "2. Alpha Water Alliance: its course",
        "3. Alpha Water Alliance: perspectives",
        "4. Beta Sanitation Platform: its course",
        "5. Beta Sanitation Platform: perspectives",
    ]
    at.button(key="present_down_0").click().run()
    assert at.session_state["present_partnerships"] == ["beta", "alpha"]
    assert at.selectbox(key="present_preview").options[1].startswith("2. Beta")
    at.button(key="present_remove_0").click().run()
    assert at.session_state["present_partnerships"] == ["alpha"]
    at.button(key="present_add_all").click().run()
    assert at.session_state["present_partnerships"] == ["alpha", "beta", "gamma"]
    at.toggle(key="present_ranking").set_value(True).run()
    assert at.selectbox(key="present_preview").options[-1] == "8. Where partners disagree most"
    assert url(at)["partnership"] == ["alpha", "beta", "gamma"] and url(at)["ranking"] == ["1"]


def test_the_preview_shows_any_slide(tiny, monkeypatch) -> None:
    at = open_present(tiny, monkeypatch)
    at.multiselect(key="present_partnerships").set_value(["alpha"]).run()
    at.selectbox(key="present_preview").set_value(3).run()
    assert {"public", "private"} <= legend_names(chart(at, "present_preview_chart"))


# ---- presenting -------------------------------------------------------------------------------


def test_present_steps_forward_and_back(tiny, monkeypatch) -> None:
    at = open_present(tiny, monkeypatch)
    at.multiselect(key="present_partnerships").set_value(["alpha", "beta"]).run()
    at.button(key="present_start").click().run()
    assert heading(at) == "The portfolio"
    assert at.button(key="present_prev").disabled
    assert any(m.value == "**1 / 5**" for m in at.markdown)
    at.button(key="present_next").click().run()
    assert heading(at) == "Alpha Water Alliance: its course"
    assert url(at)["slide"] == ["2"]
    for _ in range(3):
        at.button(key="present_next").click().run()
    assert heading(at) == "Beta Sanitation Platform: perspectives"
    assert at.button(key="present_next").disabled
    at.button(key="present_prev").click().run()
    assert heading(at) == "Beta Sanitation Platform: its course"
    # Only the small controls: no setup widgets on screen while presenting.
    assert not at.main.get("multiselect") and not at.main.get("toggle")
    at.button(key="present_end").click().run()
    assert heading(at) == "Present" and "slide" not in url(at)
    assert at.multiselect(key="present_partnerships").value == ["alpha", "beta"]


def test_start_here_starts_at_the_previewed_slide(tiny, monkeypatch) -> None:
    at = open_present(tiny, monkeypatch, partnership=["alpha"])
    at.selectbox(key="present_preview").set_value(3).run()
    at.button(key="present_start_here").click().run()
    assert heading(at) == "Alpha Water Alliance: perspectives"


def test_presenting_uses_large_type(tiny, monkeypatch) -> None:
    at = open_present(tiny, monkeypatch, partnership=["alpha"], slide="3")
    spec = chart(at, "present_chart")
    assert spec["layout"]["font"]["size"] >= 18
    assert "height" not in spec["layout"], "the chart stretches to the screen"


def test_blind_then_reveal(tiny, monkeypatch) -> None:
    at = open_present(tiny, monkeypatch, partnership=["alpha"], blind="1", slide="2")
    assert heading(at) == "Alpha Water Alliance: perspectives"
    hidden = chart(at, "present_chart")
    assert not {"public", "private"} & legend_names(hidden)
    assert any("Perspectives hidden" in a["text"] for a in hidden["layout"]["annotations"])
    at.button(key="present_reveal").click().run()
    shown = chart(at, "present_chart")
    assert {"public", "private"} <= legend_names(shown)
    assert "present_reveal" not in [b.key for b in at.button]
    assert url(at)["revealed"] == ["alpha"]
    at.button(key="present_next").click().run()
    assert heading(at) == "Alpha Water Alliance: its course"


def test_high_contrast_theme(tiny, monkeypatch) -> None:
    at = open_present(tiny, monkeypatch, partnership=["alpha"], theme="contrast", slide="1")
    layout = chart(at, "present_chart")["layout"]
    assert layout["paper_bgcolor"] == "#000000" and layout["font"]["color"] == "#FFFFFF"
    assert any("background: #000000" in h.proto.body for h in at.get("html"))


def test_exports_of_the_current_slide_are_in_the_sidebar(tiny, monkeypatch) -> None:
    at = open_present(tiny, monkeypatch, partnership=["alpha"], slide="2")
    labels = [b.label for b in at.sidebar.get("download_button")]
    assert labels == ["PNG", "SVG", "PDF", "HTML"]
    link = at.sidebar.get("code")[0].value
    assert link.startswith("/present?") or "/present?" in link
    assert "partnership=alpha" in link and "slide=2" in link


# ---- shareable links -----------------------------------------------------------------------


def test_a_link_reopens_the_same_view(tiny, monkeypatch) -> None:
    at = open_present(
        tiny,
        monkeypatch,
        partnership=["beta", "alpha"],
        slide="4",
        theme="contrast",
        x="rules_task",
        y=DP,
        sector=["Water supply", "Sanitation"],
        perspective="public",
    )
    assert not at.link_notices
    assert heading(at) == "Alpha Water Alliance: its course"
    assert at.link_axes == ("rules_task", DP)
    assert at.session_state["present_sector"] == ["Water supply", "Sanitation"]
    assert at.session_state["present_perspective"] == "public"
    assert at.session_state["present_theme"] == "contrast"
    # ... and the URL still says all of it.
    said = url(at)
    assert said["partnership"] == ["beta", "alpha"] and said["slide"] == ["4"]
    assert said["x"] == ["rules_task"] and said["theme"] == ["contrast"]


def test_bad_links_fall_back_with_a_notice(tiny, monkeypatch) -> None:
    at = open_present(
        tiny,
        monkeypatch,
        partnership=["alpha", "<script>x</script>"],
        slide="99",
        theme="neon",
        blind="maybe",
        x="nope",
        country=["Atlantis"],
        to="2024-13-01",
    )
    assert not at.exception
    notes = at.link_notices
    assert "Unknown horizontal axis 'nope' in the link: kept the default." in notes
    assert "Unknown partnership '<script>x</script>' in the link: left out." in notes
    assert "The deck has 3 slides, not 99: showing slide 3." in notes
    assert "Unknown theme 'neon' in the link: kept the default." in notes
    assert "Blind 'maybe' in the link is not yes or no: kept the default." in notes
    assert "Unknown country 'Atlantis' in the link: left out." in notes
    assert "The end date '2024-13-01' in the link is not a YYYY-MM-DD date: ignored." in notes
    assert heading(at) == "Alpha Water Alliance: perspectives"
    assert url(at)["slide"] == ["3"] and "theme" not in url(at)


def test_notices_are_markdown_escaped(tiny, monkeypatch) -> None:
    at = open_present(tiny, monkeypatch, partnership=["[x](javascript:alert(1))"])
    raw = at.toast[0].value
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in raw


def test_a_malformed_slide_number_starts_the_builder(tiny, monkeypatch) -> None:
    at = open_present(tiny, monkeypatch, partnership=["alpha"], slide="two")
    assert heading(at) == "Present"
    assert "Slide 'two' in the link is not a number from 1: ignored." in at.link_notices


def test_axis_links_are_checked(tiny, monkeypatch) -> None:
    at = open_present(tiny, monkeypatch, x=RI, y=RI)
    assert "The link asked for the same axis twice: kept a different vertical axis." in (
        at.link_notices
    )
    assert at.link_axes == (RI, DP)


def test_session_state_stays_picklable(tiny, monkeypatch) -> None:
    at = open_present(tiny, monkeypatch, partnership=["alpha"], blind="1", slide="2")
    at.button(key="present_reveal").click().run()
    pickle.dumps(at.session_state.to_dict())


def test_hostile_names_are_plain_text_on_slides(tiny, monkeypatch) -> None:
    parts = PARTNERSHIPS.replace("Alpha Water Alliance", "**Alpha** <b>x</b> [a](javascript:1)")
    folder = write_dataset(tiny.parent / "hostile", partnerships=parts)
    at = open_present(folder, monkeypatch, partnership=["alpha"], slide="2")
    raw = at.title[0].value
    assert raw.startswith("\\*\\*Alpha\\*\\* \\<b\\>x\\</b\\> \\[a\\]\\(javascript\\:1\\)")


# ---- the link parser, as plain functions -----------------------------------------------------


@pytest.fixture
def ds(tiny) -> pp.Dataset:
    """The tiny dataset."""
    return pp.load_dataset(tiny)


@pytest.mark.parametrize(
    ("params", "values", "n_notices"),
    [
        ({}, {}, 0),
        ({"x": [RI], "y": [DP]}, {"x": RI, "y": DP}, 0),
        ({"x": ["zzz"], "y": [DP]}, {"y": DP}, 1),
        ({"x": [DP], "y": [DP]}, {"x": DP}, 1),
        ({"x": ["", DP]}, {"x": DP}, 0),
    ],
)
def test_read_axes(ds, params, values, n_notices) -> None:
    reading = share.read_axes(params, ds.axis_ids)
    assert reading.values == values and len(reading.notices) == n_notices


@pytest.mark.parametrize(
    ("params", "key", "value"),
    [
        ({"partnership": ["beta", "alpha", "beta"]}, "partnership", ["beta", "alpha"]),
        ({"blind": ["yes"]}, "blind", True),
        ({"ranking": ["0"]}, "ranking", False),
        ({"slide": ["7"]}, "slide", 7),
        ({"from": ["2024-01-01"]}, "from", __import__("datetime").date(2024, 1, 1)),
        ({"theme": ["contrast"]}, "theme", "contrast"),
        ({"perspective": ["private"]}, "perspective", "private"),
        ({"revealed": ["alpha"]}, "revealed", ["alpha"]),
    ],
)
def test_read_present_values(ds, params, key, value) -> None:
    reading = share.read_present(params, ds)
    assert reading.values[key] == value and reading.notices == []


@pytest.mark.parametrize(
    "params",
    [
        {"slide": ["0"]},
        {"slide": ["-1"]},
        {"slide": ["1.5"]},
        {"theme": ["dark"]},
        {"perspective": ["martians"]},
        {"from": ["yesterday"]},
        {"blind": ["2"]},
        {"partnership": ["x" * 500]},
    ],
)
def test_read_present_rejects_with_a_notice(ds, params) -> None:
    reading = share.read_present(params, ds)
    assert len(reading.notices) == 1 and len(reading.notices[0]) < 140
    assert not {k for k in params if k != "partnership"} & set(reading.values)


def test_swapped_dates_are_put_right(ds) -> None:
    reading = share.read_present({"from": ["2024-05-01"], "to": ["2023-01-01"]}, ds)
    assert (str(reading.values["from"]), str(reading.values["to"])) == ("2023-01-01", "2024-05-01")
    assert reading.notices == ["The link's period ended before it started: swapped the dates."]


@pytest.mark.parametrize(("slide", "n", "expected"), [(1, 3, 1), (3, 3, 3), (9, 3, 3), (0, 3, 1)])
def test_clamp_slide(slide, n, expected) -> None:
    reading = share.Reading()
    assert share.clamp_slide(slide, n, reading) == expected
    assert bool(reading.notices) == (slide != expected)


def test_encode_keeps_links_short_and_plain() -> None:
    import datetime as dt

    assert share.encode(
        {
            "partnership": ["a", "b"],
            "blind": True,
            "ranking": False,
            "slide": 3,
            "theme": None,
            "to": dt.date(2024, 5, 1),
            "sector": [],
        }
    ) == {"partnership": ["a", "b"], "blind": "1", "slide": "3", "to": "2024-05-01"}


# ---- bindings for the Portfolio and Plot pages (wired by their owners) -----------------------


def portfolio_script() -> None:
    """A stand-in for the Portfolio page's filters, bound to the URL as the page will be."""
    import streamlit as st

    import plotting as pp
    from ui import share

    ds = pp.load_dataset(pp.default_data_dir())
    share.restore_portfolio(ds)
    for col in ("sector", "country", "arrangement"):
        values = sorted({v for v in ds.partnerships[col] if v})
        st.multiselect(col, values, key=f"pf_{col}")
    st.selectbox("Perspective", [pp.ALL, *ds.perspectives], key="pf_perspective")
    dates = ds.placements["date"]
    if "pf_dates" not in st.session_state:
        st.session_state["pf_dates"] = (dates.min().date(), dates.max().date())
    st.date_input("Placements dated", key="pf_dates")
    st.segmented_control("Show", pp.KINDS, key="pf_kind")
    share.publish_portfolio(ds)


def plot_script() -> None:
    """A stand-in for the Plot page's partnership and perspective, bound to the URL."""
    import streamlit as st

    import plotting as pp
    from ui import share

    ds = pp.load_dataset(pp.default_data_dir())
    share.restore_plot(ds)
    ids = ds.partnerships["partnership_id"].tolist()
    pid = st.selectbox("Partnership", ids, key="plot_partnership")
    options = pp.analysis.perspective_options(ds, pid)
    st.selectbox("Perspective", options, key="plot_perspective")
    share.publish_plot()


def test_portfolio_binding_round_trip(tiny, monkeypatch) -> None:
    monkeypatch.setenv("PLOTTING_DATA_DIR", str(tiny))
    at = AppTest.from_function(portfolio_script)
    at.query_params.update(
        {
            "sector": ["Sanitation"],
            "perspective": "civil society",
            "from": "2023-06-01",
            "country": ["Narnia"],
            "kind": "target",
        }
    )
    at.run()
    assert at.multiselect(key="pf_sector").value == ["Sanitation"]
    assert at.selectbox(key="pf_perspective").value == "civil society"
    assert str(at.date_input(key="pf_dates").value[0]) == "2023-06-01"
    assert at.session_state["pf_kind"] == "target" and url(at)["kind"] == ["target"]
    assert toasts(at) == ["Unknown country 'Narnia' in the link: left out."]
    at.multiselect(key="pf_sector").set_value([]).run()
    at.selectbox(key="pf_perspective").set_value(pp.ALL).run()
    assert "sector" not in url(at) and "perspective" not in url(at)
    assert url(at)["from"] == ["2023-06-01"] and "to" not in url(at)


def test_plot_binding_round_trip(tiny, monkeypatch) -> None:
    monkeypatch.setenv("PLOTTING_DATA_DIR", str(tiny))
    at = AppTest.from_function(plot_script)
    at.query_params.update({"partnership": "beta", "perspective": "donor"})
    at.run()
    assert at.selectbox(key="plot_partnership").value == "beta"
    assert at.selectbox(key="plot_perspective").value == "donor"
    at.selectbox(key="plot_partnership").set_value("alpha").run()
    assert url(at)["partnership"] == ["alpha"]


@pytest.mark.parametrize(
    ("slide", "shown"),
    [("²", "'²'"), ("٣", "'٣'"), ("1" * 5000, None), ("-2", "'-2'"), ("0", "'0'")],
    ids=["superscript-two", "arabic-indic-three", "5000-digits", "negative", "zero"],
)
def test_a_slide_that_is_not_plain_digits_starts_the_builder(
    tiny, monkeypatch, slide: str, shown: str | None
) -> None:
    # '²'.isdigit() is True but int('²') raises, and int() refuses over 4,300 digits.
    at = open_present(tiny, monkeypatch, partnership=["alpha"], slide=slide)
    assert heading(at) == "Present"
    notices = [n for n in at.link_notices if n.startswith("Slide ")]
    assert len(notices) == 1, at.link_notices
    assert notices[0].endswith("in the link is not a number from 1: ignored.")
    if shown:
        assert notices[0].startswith(f"Slide {shown} ")


def test_a_bad_preview_number_is_a_notice_too(tiny, monkeypatch) -> None:
    at = open_present(tiny, monkeypatch, partnership=["alpha"], preview="²")
    assert heading(at) == "Present"
    assert any(n.startswith("Preview slide '²'") for n in at.link_notices), at.link_notices


def test_a_period_beyond_the_data_is_kept_to_its_dates(tiny, monkeypatch) -> None:
    # The date picker refuses a value outside the data's dates: this crashed the page.
    at = open_present(tiny, monkeypatch, **{share.FROM: "0001-01-01", share.TO: "9999-12-31"})
    assert heading(at) == "Present"
    dates = pp.load_dataset(tiny).placements["date"]
    first, last = dates.min().date(), dates.max().date()
    assert at.session_state["present_dates"] == (first, last)
    assert any(
        n.startswith("The link's period reaches beyond the placements' dates")
        for n in at.link_notices
    ), at.link_notices
