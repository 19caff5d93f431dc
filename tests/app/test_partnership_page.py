"""AppTest: the Course & perspectives page, on the sample and on hand-made datasets."""

from __future__ import annotations

import base64
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT
from tests.conftest import AXES, PARTNERSHIPS, write_dataset

PAGE = "app_pages/partnership.py"
HEADER = (
    "partnership_id,date,perspective,kind,delivery_policy,regulation_innovation,rules_task,"
    "spread,note\n"
)


def specs(at: AppTest) -> dict[str, dict]:
    """Each chart's figure JSON, by its key (Streamlit ends the element id with it)."""
    return {c.proto.id.rsplit("-", 1)[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def decode(values: object) -> list:
    """Plotly's JSON encodes numeric arrays as base64; decode them."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def named(spec: dict, name: str) -> dict:
    hits = [t for t in spec["data"] if t.get("name") == name]
    assert hits, f"no trace {name!r}: {[t.get('name') for t in spec['data']]}"
    return hits[0]


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.fixture
def view(app, tiny: Path) -> AppTest:
    """The page on the tiny dataset, with alpha and its public perspective chosen."""
    at = app(tiny, PAGE)
    at.selectbox(key="cp_partnership").set_value("alpha").run()
    at.selectbox(key="cp_perspective").set_value("public").run()
    assert not at.exception
    return at


def test_page_runs_on_the_sample_data(app, sample_copy: Path) -> None:
    at = app(sample_copy, PAGE)
    assert at.title[0].value == "Course & perspectives"
    assert [s.value for s in at.header] == [
        "Course: where it has been and where it is going",
        "Perspectives: who sees it differently",
        "Over time",
        "All axes at once",
    ]
    assert set(specs(at)) == {
        "cp_course_chart",
        "cp_perspectives_chart",
        "cp_time_chart",
        "cp_all_axes_chart",
    }
    # Every chart comes with a paragraph in words.
    assert sum(m.value.startswith("**In words.**") for m in at.markdown) == 4


def test_course_shows_the_path_numbers_and_words(view: AppTest) -> None:
    course = specs(view)["cp_course_chart"]
    path = named(course, "public")
    assert decode(path["x"]) == [-3.0, -1.5] and decode(path["y"]) == [-2.0, -1.0]
    assert decode(named(course, "target (public)")["x"]) == [2.0]
    assert [a for a in course["layout"]["annotations"] if a.get("name") == "arrow"]
    metrics = {m.label: m.value for m in view.metric}
    # sqrt(1.5² + 1² + 0.5²) ≈ 1.87 across 3 axes; sqrt(3.5² + 2²) ≈ 4.03 to the target.
    assert metrics["Since previous"] == "1.9" and metrics["To target"] == "4.0"
    words = texts(view)
    assert (
        "moved 1\\.5 toward Informing policy since 2023\\-03\\-01; 3\\.5 short of the target, "
        "toward Informing policy"
    ) in words
    assert "Its own target \\(set 2024\\-03\\-01\\) is 4\\.0 away" in words


def test_perspectives_show_consensus_and_divergence(view: AppTest) -> None:
    spec = specs(view)["cp_perspectives_chart"]
    centre = named(spec, "consensus (median)")
    assert decode(centre["x"]) == [-1.25] and decode(centre["y"]) == [0.5]
    metrics = {m.label: m.value for m in view.metric}
    assert metrics["Perspectives"] == "2" and metrics["Divergence"] == "0.88"
    per_axis = next(df.value for df in view.dataframe if "Divergence" in df.value.columns)
    assert per_axis["Divergence"].tolist()[:2] == [0.25, 1.5]
    assert "They **differ somewhat** overall, and differ most on **Regulating delivery" in texts(
        view
    )


def test_time_view_animates_through_the_dates(view: AppTest) -> None:
    spec = specs(view)["cp_time_chart"]
    assert [f["name"] for f in spec["frames"]] == ["2023-03-01", "2024-03-01"]
    steps = spec["layout"]["sliders"][0]["steps"]
    assert [s["label"] for s in steps] == ["2023-03-01", "2024-03-01"]
    assert spec["layout"]["updatemenus"][0]["buttons"][0]["label"] == "▶ Play"


def test_all_axes_view_switches_between_parallel_and_radar(view: AppTest) -> None:
    spec = specs(view)["cp_all_axes_chart"]
    assert {t["type"] for t in spec["data"]} == {"scatter"}
    assert [t["name"] for t in spec["data"]] == ["public", "private", "consensus"]
    view.segmented_control(key="cp_all_axes_view").set_value("Radar").run()
    spec = specs(view)["cp_all_axes_chart"]
    assert {t["type"] for t in spec["data"]} == {"scatterpolar"}
    assert "Compared with the portfolio median, its consensus stands out on" in texts(view)


def test_choosing_the_consensus_follows_the_median_over_time(view: AppTest) -> None:
    view.selectbox(key="cp_perspective").set_value("consensus").run()
    path = named(specs(view)["cp_course_chart"], "consensus")
    assert decode(path["x"]) == [-2.0, -1.25] and decode(path["y"]) == [0.0, 0.5]
    assert "Seen from the consensus of all perspectives" in texts(view)


def test_a_perspective_the_new_partnership_lacks_falls_back_to_the_consensus(view: AppTest) -> None:
    view.selectbox(key="cp_partnership").set_value("beta").run()
    assert view.selectbox(key="cp_perspective").value == "consensus"
    assert view.selectbox(key="cp_perspective").options == [
        "All perspectives (their consensus)",
        "civil society",
    ]


def test_a_single_perspective_reads_well(view: AppTest) -> None:
    view.selectbox(key="cp_partnership").set_value("beta").run()
    assert not view.exception
    spec = specs(view)["cp_perspectives_chart"]
    singles = [a["text"] for a in spec["layout"]["annotations"] if a.get("name") == "single"]
    assert singles == ["Only one perspective so far: nothing to compare yet"]
    assert "Only civil society has placed Beta Sanitation Platform so far" in texts(view)
    assert {m.label: m.value for m in view.metric}["Divergence"] == "–"


def test_a_single_placement_reads_well(view: AppTest) -> None:
    view.selectbox(key="cp_perspective").set_value("private").run()
    spec = specs(view)["cp_course_chart"]
    assert [a["text"] for a in spec["layout"]["annotations"] if a.get("name") == "single"] == [
        "One placement so far: no course yet"
    ]
    assert "With a single placement there is no course yet" in texts(view).replace("\\", "")


def test_a_partnership_without_placements_gets_a_message(app, tmp_path: Path) -> None:
    partnerships = PARTNERSHIPS + "delta,Delta Latrine Network,Chad,Sanitation,network,,,,\n"
    folder = write_dataset(tmp_path / "d", partnerships=partnerships)
    at = app(folder, PAGE)
    at.selectbox(key="cp_partnership").set_value("delta").run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Delta Latrine Network has no placement yet. Place it on **Plot a partnership**."
    ]
    assert not at.get("plotly_chart")


def test_an_empty_dataset_gets_a_message(app, tmp_path: Path) -> None:
    folder = write_dataset(
        tmp_path / "d", partnerships=PARTNERSHIPS.splitlines()[0] + "\n", placements=HEADER
    )
    at = app(folder, PAGE)
    assert "No partnership yet" in at.info[0].value


def test_a_link_picks_the_partnership(monkeypatch: pytest.MonkeyPatch, tiny: Path) -> None:
    monkeypatch.setenv("PLOTTING_DATA_DIR", str(tiny))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.query_params["partnership"] = "beta"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key="cp_partnership").value == "beta"
    # Choosing another keeps the address in step, and the link does not pull it back.
    at.selectbox(key="cp_partnership").set_value("alpha").run()
    assert at.selectbox(key="cp_partnership").value == "alpha"
    assert at.query_params["partnership"] == "alpha"


def test_user_text_is_escaped(app, tmp_path: Path) -> None:
    partnerships = PARTNERSHIPS.replace("Alpha Water Alliance", "*Alpha* <b>Water</b>")
    placements = HEADER + 'alpha,2024-01-01,"[evil](http://x)",actual,1,1,1,,"<img src=x>"\n'
    at = app(write_dataset(tmp_path / "d", AXES, partnerships, placements), PAGE)
    at.selectbox(key="cp_partnership").set_value("alpha").run()
    assert not at.exception
    words = texts(at)
    assert "\\*Alpha\\* \\<b\\>Water\\</b\\>" in words and "<b>Water</b>" not in words
    assert "[evil](http://x)" not in words
    chart = json.dumps(specs(at)["cp_perspectives_chart"])
    assert "&lt;img src=x&gt;" in chart and "<img" not in chart


def test_session_state_stays_picklable(view: AppTest) -> None:
    view.segmented_control(key="cp_all_axes_view").set_value("Radar").run()
    pickle.dumps(view.session_state.to_dict())


def test_placements_off_the_map_axes_read_well(view: AppTest) -> None:
    view.selectbox(key="cp_partnership").set_value("gamma").run()  # only delivery_policy placed
    assert not view.exception
    charts = specs(view)
    for key in ("cp_course_chart", "cp_perspectives_chart", "cp_time_chart"):
        names = [a.get("name") for a in charts[key]["layout"]["annotations"]]
        assert "empty" in names, key
    words = texts(view).replace("\\", "")
    assert (
        "Seen from the consensus of all perspectives, Gamma Schools WASH has not been placed on "
        "both Delivering services ↔ Informing policy and Regulating delivery ↔ Stimulating "
        "innovation yet."
    ) in words
    assert "Only joint has placed Gamma Schools WASH so far" in words
