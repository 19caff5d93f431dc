"""AppTest of the Data page: import preview and commit, edits, history and undo, export."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import plotting as pp
from plotting import changes
from plotting.history import read_history
from tests.conftest import NEW_PLACEMENT

PAGE = "app_pages/data.py"


def shown(markdown: str) -> str:
    """Text as the reader sees it: the page escapes user text (file names, cells)."""
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.fixture
def edits(monkeypatch: pytest.MonkeyPatch):
    """AppTest cannot type into st.data_editor: stand in for the user's edits.

    `edits(fn)` makes st.data_editor return fn(shown frame), as if the user had made
    those edits in the browser; the browser tests cover the real widget.
    """
    import streamlit as st

    real = st.data_editor

    def use(fn):
        def fake(data, *args, **kwargs):
            real(data, *args, **kwargs)
            return fn(data.copy())

        monkeypatch.setattr(st, "data_editor", fake)

    return use


def test_data_page_runs(app, sample_copy: Path) -> None:
    at = app(sample_copy, PAGE)
    assert [t.label for t in at.tabs] == ["Import", "Edit", "History", "Export"]


def set_cell(frame, row, col, value):
    frame.loc[row, col] = value
    return frame


def test_edit_a_partnership_then_undo_from_history(app, edits, tiny: Path) -> None:
    before = (tiny / "partnerships.csv").read_bytes()
    edits(lambda f: set_cell(f, 1, "country", "Togo"))
    at = app(tiny, PAGE)
    assert at.data_editor, "the editor is shown"
    save = at.button(key="edit_save")
    assert save.label == "Save 1 change(s)"
    save.click().run()
    assert not at.exception
    assert (
        pp.load_dataset(tiny).partnerships.set_index("partnership_id").loc["beta", "country"]
        == "Togo"
    )
    (change,) = read_history(tiny)
    assert change.user.startswith("browser session")
    assert at.selectbox(key=f"hist_pick_{change.change_id}").value == change.change_id
    at.button(key="hist_undo").click().run()
    assert any("Undone" in s.value for s in at.success)
    assert not at.exception
    assert (tiny / "partnerships.csv").read_bytes() == before


def test_invalid_edit_shows_problems_and_writes_nothing(app, edits, tiny: Path) -> None:
    before = (tiny / "partnerships.csv").read_bytes()
    edits(lambda f: set_cell(f, 0, "partnership_id", "beta"))
    at = app(tiny, PAGE)
    at.button(key="edit_save").click().run()
    assert any("invalid" in e.value for e in at.error)
    problems = at.dataframe[-1].value
    assert "duplicate partnership id 'beta'" in problems["Problem"].iloc[0]
    assert (tiny / "partnerships.csv").read_bytes() == before


def test_deleting_a_partnership_with_placements_asks_first(app, edits, tiny: Path) -> None:
    edits(lambda f: f.drop(index=[0]))
    at = app(tiny, PAGE)
    assert at.button(key="edit_save").disabled
    confirm = next(c for c in at.checkbox if "Also delete the 4 placement(s) of alpha" in c.label)
    confirm.check().run()
    at.button(key="edit_save").click().run()
    ds = pp.load_dataset(tiny)
    assert "alpha" not in set(ds.partnerships["partnership_id"]) and "alpha" not in set(
        ds.placements["partnership_id"]
    )


def _someone_else_sets(folder: Path, row: int, col: str, value: str) -> None:
    """Another session's saved edit of one partnership cell."""
    tables = changes.load_tables(folder)
    frame = set_cell(tables["partnerships.csv"].frame(), row, col, value)
    ops = changes.table_ops("partnerships.csv", tables["partnerships.csv"], frame)
    changes.commit(folder, ops, action="Edited", user="someone else", expected=())


def test_edits_of_other_rows_and_additions_by_others_do_not_block_a_save(
    app, edits, tiny: Path
) -> None:
    edits(lambda f: set_cell(f, 1, "country", "Togo"))
    at = app(tiny, PAGE)
    pp.append_placement(tiny, {**NEW_PLACEMENT, "partnership_id": "beta"}, user="someone else")
    pp.add_partnership(tiny, {"partnership_id": "delta", "name": "Delta"}, user="someone else")
    _someone_else_sets(tiny, 2, "sector", "Schools")
    at.run()
    assert not at.warning, "nothing stands in the way of this edit"
    at.button(key="edit_save").click().run()
    assert not at.error and not at.exception
    parts = pp.load_dataset(tiny).partnerships.set_index("partnership_id")
    assert parts.loc["beta", "country"] == "Togo" and parts.loc["gamma", "sector"] == "Schools"
    assert "delta" in parts.index
    assert [c.user for c in read_history(tiny)][:3] == ["someone else"] * 3


def test_an_edit_of_a_row_someone_else_changed_is_refused_with_a_reload_offer(
    app, edits, tiny: Path
) -> None:
    edits(lambda f: set_cell(f, 1, "country", "Togo"))
    at = app(tiny, PAGE)
    _someone_else_sets(tiny, 1, "sector", "Sanitation and hygiene")
    at.run()
    assert any(
        "Someone else changed or removed 1 of the rows you edited" in w.value for w in at.warning
    )
    at.button(key="edit_save").click().run()
    assert any(
        "changed since you loaded the data (someone else changed or removed a row you changed)"
        in shown(e.value)
        for e in at.error
    )
    parts = pp.load_dataset(tiny).partnerships.set_index("partnership_id")
    assert parts.loc["beta", "country"] == "Ghana"
    assert parts.loc["beta", "sector"] == "Sanitation and hygiene"
    assert at.button(key="edit_reload").label == "Reload / discard"
    at.button(key="edit_reload").click().run()
    assert not at.warning and not at.error
    table = at.data_editor[0].value
    assert table.loc[1, "sector"] == "Sanitation and hygiene"


def test_export_buttons(app, tiny: Path) -> None:
    at = app(tiny, PAGE)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Dataset as CSV files (.zip)", "Dataset as Excel (.xlsx)"]


EURO = (
    "partnership_id;date;perspective;kind;delivery_policy;regulation_innovation;note\r\n"
    "alpha ;15.03.2025;donor;actual;2,5;-1;Donor sees more policy work\r\n"
).encode("cp1252")


def test_import_preview_then_commit(app, tiny: Path) -> None:
    at = app(tiny, PAGE)
    at.file_uploader(key="imp_file_0").upload("euro.csv", EURO, "text/csv").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["New placements"] == "1" and metrics["Duplicates"] == "0"
    assert any("semicolon" in c.value for c in at.caption)
    go = next(b for b in at.button if b.label.startswith("Import:"))
    assert go.label == "Import: 0 new partnership(s), 0 changed, 1 new placement(s)"
    go.click().run()
    assert any("Imported euro.csv" in shown(s.value) for s in at.success)
    last = pp.load_dataset(tiny).placements.iloc[-1]
    assert (last["partnership_id"], last["delivery_policy"], str(last["date"].date())) == (
        "alpha",
        2.5,
        "2025-03-15",
    )


def test_import_shows_the_new_data_in_a_new_editor_then_clears_the_upload(app, tiny: Path) -> None:
    at = app(tiny, PAGE)
    before = at.data_editor[0].proto.id
    at.file_uploader(key="imp_file_0").upload("euro.csv", EURO, "text/csv").run()
    next(b for b in at.button if b.label.startswith("Import:")).click().run()
    (message,) = [shown(s.value) for s in at.success]
    assert message.startswith("Imported euro.csv")
    assert at.data_editor[0].proto.id != before, "a fresh editor for the imported data"
    at.run()  # the next run, e.g. the first edit: upload cleared, message gone, same editor
    assert not at.success and not at.exception
    assert at.file_uploader(key="imp_file_1").value is None
    assert not any(b.label.startswith("Import:") for b in at.button)
    assert "imp_done" not in at.session_state


def test_import_with_problems_cannot_be_committed(app, tiny: Path) -> None:
    before = (tiny / "placements.csv").read_bytes()
    at = app(tiny, PAGE)
    bad = b"partnership_id,date,perspective,delivery_policy\nalpha,someday,donor,1\n"
    at.file_uploader(key="imp_file_0").upload("bad.csv", bad, "text/csv").run()
    go = next(b for b in at.button if b.label.startswith("Import:"))
    assert go.disabled
    problems = (
        at.dataframe[-1].value
        if "Problem" in at.dataframe[-1].value.columns
        else next(d.value for d in at.dataframe if "Problem" in d.value.columns)
    )
    assert problems.iloc[0][["File", "Row", "Column"]].tolist() == ["bad.csv", 2, "date"]
    assert (tiny / "placements.csv").read_bytes() == before


def test_upload_that_is_not_a_spreadsheet(app, tiny: Path) -> None:
    at = app(tiny, PAGE)
    at.file_uploader(key="imp_file_0").upload(
        "pic.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "text/csv"
    ).run()
    assert any("not a text (CSV) file" in shown(e.value) for e in at.error)


def test_unrecognised_headers_ask_for_the_name_column(app, tiny: Path) -> None:
    """No column is guessed by position: the page asks, and nothing is written."""
    before = (tiny / "partnerships.csv").read_bytes()
    at = app(tiny, PAGE)
    at.file_uploader(key="imp_file_0").upload("junk.csv", b"foo,bar\n1,2\n3,4\n", "text/csv")
    at.run()
    assert not at.exception
    name = next(s for s in at.selectbox if s.label == "Partnership name")
    assert name.value == ""
    assert any("map a column to the partnership id or name" in str(d.value) for d in at.dataframe)
    assert import_button(at).disabled
    # Choosing the name column is the user's decision; then the import can go ahead.
    at.selectbox(key=name.key).set_value("foo").run()
    assert not import_button(at).disabled
    assert import_button(at).label.startswith("Import: 2 new partnership(s)")
    assert (tiny / "partnerships.csv").read_bytes() == before


def test_an_import_that_would_write_nothing_says_why(app, tiny: Path) -> None:
    at = app(tiny, PAGE)
    same = b"partnership_id,name\nalpha,Alpha Water Alliance\n"
    at.file_uploader(key="imp_file_0").upload("same.csv", same, "text/csv").run()
    assert not at.exception
    assert "Nothing to import: every partnership in it is already there with the same details." in [
        shown(i.value) for i in at.info
    ]
    assert import_button(at).disabled
    assert read_history(tiny) == []


CODES = (
    b"Code,Name,Date,Perspective,delivery_policy,Budget,Lead officer,<i>Spare</i>\n"
    b"P-001,Alpha Water Alliance,2025-01-01,donor,1,1200,<b>Ana</b>,x\n"
    b"P-002,=cmd(),2025-01-01,donor,2,800,Ben\x07,y\n"
)


def import_button(at):
    return next(b for b in at.button if b.label.startswith("Import:"))


def test_guessed_id_column_that_matches_no_id_warns_before_anything_is_written(
    app, tiny: Path
) -> None:
    before = {n: (tiny / n).read_bytes() for n in ("partnerships.csv", "placements.csv")}
    at = app(tiny, PAGE)
    at.file_uploader(key="imp_file_0").upload("codes.csv", CODES, "text/csv").run()
    assert not at.exception
    (warning,) = [shown(w.value) for w in at.warning]
    assert "The column 'Code', mapped to the partnership id, matches none" in warning
    assert "1 name in the file matches existing partnerships (Alpha Water Alliance)" in warning
    assert import_button(at).disabled, "nothing can be written before confirming"
    confirm = next(c for c in at.checkbox if c.label == "I checked: import anyway")
    assert confirm.value is False
    # Changing the mapping instead: rows are matched by name and the warning goes.
    tag = next(s for s in at.selectbox if s.label == "Partnership id").key.rsplit("_", 1)[1]
    at.selectbox(key=f"imp_map_partnership_id_{tag}").set_value("").run()
    assert not at.warning
    assert not import_button(at).disabled
    assert {n: (tiny / n).read_bytes() for n in before} == before
    # Back to the guess, and confirming: written as new partnerships.
    at.selectbox(key=f"imp_map_partnership_id_{tag}").set_value("Code").run()
    assert import_button(at).disabled
    next(c for c in at.checkbox if c.label == "I checked: import anyway").check().run()
    import_button(at).click().run()
    assert any("Imported codes.csv" in shown(s.value) for s in at.success)
    ids = pp.load_dataset(tiny).partnerships["partnership_id"].tolist()
    assert ids[-2:] == ["P-001", "P-002"]


def test_unmapped_columns_are_listed_and_kept_and_user_text_stays_text(app, tiny: Path) -> None:
    at = app(tiny, PAGE)
    at.file_uploader(key="imp_file_0").upload("codes.csv", CODES, "text/csv").run()
    tag = next(s for s in at.selectbox if s.label == "Partnership id").key.rsplit("_", 1)[1]
    at.selectbox(key=f"imp_map_partnership_id_{tag}").set_value("").run()
    listed = next(m.value for m in at.markdown if m.value.startswith("**Not imported:**"))
    assert shown(listed) == "**Not imported:** Code, Budget, Lead officer, <i>Spare</i>"
    assert any("placements.csv holds only the axis columns" in c.value for c in at.caption)
    keep = at.multiselect(key=f"imp_keep_{tag}")
    keep.set_value(["Budget", "Lead officer"]).run()
    assert not at.exception
    assert any(
        "New column(s) of partnerships.csv: Budget, Lead officer" in shown(c.value)
        for c in at.caption
    )
    # The control character is removed, and the cell named.
    warnings = next(d.value for d in at.dataframe if "Cleaned" in d.value.columns)
    assert warnings.iloc[0].tolist() == [
        "codes.csv",
        3,
        "Lead officer",
        "removed control character(s) U+0007",
    ]
    # Before → after of the existing partnership, with the count.
    assert any(
        e.label == "Changes to existing partnerships: 1 existing partnership changes: 2 cells."
        for e in at.expander
    )
    changes = next(d.value for d in at.dataframe if "Before" in d.value.columns)
    assert changes.values.tolist() == [
        ["alpha", "Budget", "", "1200"],
        ["alpha", "Lead officer", "", "<b>Ana</b>"],
    ]
    # User text in Markdown is escaped: no element carries raw markup.
    for element in [*at.markdown, *at.caption, *at.warning, *at.info]:
        assert "<b>" not in element.value and "<i>" not in element.value
    import_button(at).click().run()
    parts = pp.load_dataset(tiny).partnerships.set_index("partnership_id")
    assert parts.loc["alpha", "Lead officer"] == "<b>Ana</b>"
    assert parts.loc["cmd", "Budget"] == "800" and parts.loc["cmd", "name"] == "=cmd()"


def test_import_preview_shows_partial_starts_and_replaced_cells(app, tiny: Path) -> None:
    at = app(tiny, PAGE)
    text = (
        b"partnership_id,name,started,date,perspective,kind,delivery_policy\n"
        b"alpha,Alpha Water Alliance,,2023-03-01,public,actual,-2\n"
        b"delta,Delta Fund,marzo de 2019,2025-01-01,donor,actual,1\n"
    )
    at.file_uploader(key="imp_file_0").upload("p.csv", text, "text/csv").run()
    new = next(d.value for d in at.dataframe if "region" in d.value.columns)
    assert new[["partnership_id", "started"]].values.tolist() == [["delta", "2019-03"]]
    assert not any(d for d in at.dataframe if "Placement" in d.value.columns)
    tag = next(s for s in at.selectbox if s.label == "Partnership id").key.rsplit("_", 1)[1]
    at.radio(key=f"imp_dup_{tag}").set_value("replace").run()
    replaced = next(d.value for d in at.dataframe if "Placement" in d.value.columns)
    assert replaced.values.tolist() == [
        ["alpha · 2023-03-01 · public · actual", "delivery_policy", "-3", "-2"]
    ]
    assert any("Replacing changes 1 cell(s)" in c.value for c in at.caption)
    assert import_button(at).label.endswith("1 duplicate placement(s) replaced")


def test_a_semicolon_placements_file_moved_out_comes_back_through_the_import(
    app, tiny: Path
) -> None:
    """The load problem's advice, followed in the app: move the file out, import it."""
    import csv
    import io

    text = (tiny / "placements.csv").read_text()
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(csv.reader(io.StringIO(text)))
    (tiny / "placements.csv").unlink()  # moved out of the data folder
    at = app(tiny, PAGE)
    at.file_uploader(key="imp_file_0").upload(
        "placements-semicolons.csv", out.getvalue().encode(), "text/csv"
    ).run()
    assert not at.exception
    go = next(b for b in at.button if b.label.startswith("Import:"))
    assert go.label == "Import: 0 new partnership(s), 0 changed, 7 new placement(s)"
    go.click().run()
    assert not at.exception
    ds = pp.load_dataset(tiny)
    assert ds.problems == [] and len(ds.placements) == 7
    assert (tiny / "placements.csv").read_text().splitlines()[0] == text.splitlines()[0]
