"""AppTest: every change says who, under the name typed in the sidebar."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import plotting as pp
from plotting import changes

PLOT = "app_pages/plot.py"
DATA = "app_pages/data.py"


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def _add_partnership_and_place_it(at) -> None:
    at.selectbox(key="plot_partnership").set_value("__new__").run()
    at.text_input(key="new_name").input("Delta Hygiene Network")
    _button(at, "Add partnership").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="plot_partnership").value == "delta-hygiene-network"
    at.selectbox(key="plot_perspective").set_value("donor").run()
    at.date_input(key="plot_date").set_value(dt.date(2025, 6, 30)).run()
    at.slider(key="plot_pos_delivery_policy").set_value(2.0).run()
    _button(at, "Save placement").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Saved" in s.value for s in at.success)


def _history_lines(folder: Path) -> list[dict]:
    text = (folder / "history.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_plot_page_saves_are_recorded_under_the_sidebar_name(app, tiny: Path) -> None:
    at = app(tiny, PLOT)
    at.text_input(key="user_name").input("Ann Example").run()
    _add_partnership_and_place_it(at)
    lines = _history_lines(tiny)
    assert [line["action"].split(" ")[0] for line in lines] == ["Added", "Placed"]
    users = {line["user"] for line in lines}
    assert len(users) == 1
    (user,) = users
    assert user.startswith("Ann Example (session ")
    # An edit on the Data page in the same session is recorded under the same name.
    at.switch_page(DATA).run()
    tables = changes.load_tables(tiny)
    assert tables["placements.csv"].rows[-1]["partnership_id"] == "delta-hygiene-network"
    # The History tab shows who, newest first.
    shown = next(d.value for d in at.dataframe if "user" in d.value.columns)
    assert shown["user"].tolist() == [user, user]
    assert shown["action"].tolist()[0].startswith("Placed delta-hygiene-network (donor, actual")


def test_without_a_name_saves_are_recorded_like_edits_and_imports(app, tiny: Path) -> None:
    at = app(tiny, PLOT)
    _add_partnership_and_place_it(at)
    users = {line["user"] for line in _history_lines(tiny)}
    # As state.user() names a session without a name: never "unknown".
    assert len(users) == 1 and next(iter(users)).startswith("browser session ")
    ds = pp.load_dataset(tiny)
    assert ds.problems == [] and len(ds.placements) == 8
