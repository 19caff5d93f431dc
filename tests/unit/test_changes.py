"""Recorded edits: ops, cascades, validation, stale data, history and undo."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import plotting as pp
from plotting.changes import (
    ConflictError,
    StaleDataError,
    axis_cascade,
    change_history,
    commit,
    conflict,
    load_tables,
    partnership_cascade,
    table_ops,
    undo,
)
from plotting.history import Op, read_history, undone_ids
from plotting.storage import DataError, data_signature


def test_edit_a_partnership_cell_and_undo(tiny: Path) -> None:
    before = (tiny / "partnerships.csv").read_bytes()
    tables = load_tables(tiny)
    frame = tables["partnerships.csv"].frame()
    frame.loc[1, "country"] = "Togo"
    ops = table_ops("partnerships.csv", tables["partnerships.csv"], frame)
    assert [(o.before["country"], o.after["country"]) for o in ops] == [("Ghana", "Togo")]
    change = commit(tiny, ops, action="Edit", user="ann", expected=data_signature(tiny))
    ds = pp.load_dataset(tiny)
    assert ds.partnerships.set_index("partnership_id").loc["beta", "country"] == "Togo"
    undo(tiny, change.change_id, user="bob")
    assert (tiny / "partnerships.csv").read_bytes() == before
    history = change_history(tiny)
    assert history["user"].tolist() == ["bob", "ann"]
    assert history["undone"].tolist() == [False, True]


def test_rename_partnership_id_renames_its_placements(tiny: Path) -> None:
    tables = load_tables(tiny)
    frame = tables["partnerships.csv"].frame()
    frame.loc[0, "partnership_id"] = "alpha-2"
    ops = table_ops("partnerships.csv", tables["partnerships.csv"], frame)
    ops += partnership_cascade(tables, ops)
    assert len(ops) == 1 + 4
    commit(tiny, ops, action="Rename", user="ann")
    ds = pp.load_dataset(tiny)
    assert ds.problems == []
    assert (ds.placements["partnership_id"] == "alpha-2").sum() == 4
    assert "alpha" not in set(ds.placements["partnership_id"])


def test_delete_partnership_with_placements_and_undo_restores_all(tiny: Path) -> None:
    files = {n: (tiny / n).read_bytes() for n in ("partnerships.csv", "placements.csv")}
    tables = load_tables(tiny)
    frame = tables["partnerships.csv"].frame().drop(index=[0])
    ops = table_ops("partnerships.csv", tables["partnerships.csv"], frame)
    ops += partnership_cascade(tables, ops)
    change = commit(tiny, ops, action="Delete alpha", user="ann")
    ds = pp.load_dataset(tiny)
    assert ds.problems == [] and "alpha" not in set(ds.placements["partnership_id"])
    undo(tiny, change.change_id, user="ann")
    ds = pp.load_dataset(tiny)
    assert ds.problems == []
    assert sorted(ds.placements["partnership_id"]) == ["alpha"] * 4 + ["beta"] * 2 + ["gamma"]
    assert (tiny / "partnerships.csv").read_bytes() == files["partnerships.csv"]


def test_rename_and_remove_axes_follow_into_placements(tiny: Path) -> None:
    before = (tiny / "placements.csv").read_bytes()
    tables = load_tables(tiny)
    axes = tables["axes.csv"].frame()
    axes.loc[0, "axis_id"] = "service_policy"
    axes = axes.drop(index=[2])
    ops = table_ops("axes.csv", tables["axes.csv"], axes)
    ops += axis_cascade(tables, ops)
    change = commit(tiny, ops, action="Axes", user="ann")
    ds = pp.load_dataset(tiny)
    assert ds.problems == []
    assert ds.axis_ids == ["service_policy", "regulation_innovation"]
    header = (tiny / "placements.csv").read_text().splitlines()[0]
    assert (
        header
        == "partnership_id,date,perspective,kind,service_policy,regulation_innovation,spread,note"
    )
    undo(tiny, change.change_id, user="ann")
    assert (tiny / "placements.csv").read_bytes() == before


def test_add_axis_adds_a_blank_column(tiny: Path) -> None:
    tables = load_tables(tiny)
    axes = pd.concat(
        [
            tables["axes.csv"].frame(),
            pd.DataFrame(
                [
                    {
                        "axis_id": "external_local",
                        "low_pole": "Externally driven",
                        "high_pole": "Locally owned",
                        "description": "",
                    }
                ],
                index=[99],
            ),
        ]
    )
    ops = table_ops("axes.csv", tables["axes.csv"], axes)
    ops += axis_cascade(tables, ops)
    commit(tiny, ops, action="Add axis", user="ann")
    ds = pp.load_dataset(tiny)
    assert ds.problems == [] and "external_local" in ds.placements.columns


def test_invalid_edit_is_refused_with_located_problems(tiny: Path) -> None:
    before = {n: (tiny / n).read_bytes() for n in ("partnerships.csv", "placements.csv")}
    tables = load_tables(tiny)
    frame = tables["placements.csv"].frame()
    frame.loc[0, "delivery_policy"] = "eleven"
    frame.loc[1, "date"] = "2024-02-31"
    ops = table_ops("placements.csv", tables["placements.csv"], frame)
    with pytest.raises(DataError) as err:
        commit(tiny, ops, action="Bad", user="ann")
    located = {(p.file, p.row, p.column) for p in err.value.problems}
    assert located == {("placements.csv", 2, "delivery_policy"), ("placements.csv", 3, "date")}
    assert {n: (tiny / n).read_bytes() for n in before} == before
    assert read_history(tiny) == []


def test_existing_problems_do_not_block_unrelated_edits(tiny: Path) -> None:
    with (tiny / "placements.csv").open("a") as f:
        f.write("alpha,bad-date,public,actual,1,1,1,,\n")
    tables = load_tables(tiny)
    frame = tables["partnerships.csv"].frame()
    frame.loc[2, "country"] = "Bolivia"
    commit(
        tiny,
        table_ops("partnerships.csv", tables["partnerships.csv"], frame),
        action="Edit",
        user="a",
    )
    assert (
        pp.load_dataset(tiny).partnerships.set_index("partnership_id").loc["gamma", "country"]
        == "Bolivia"
    )


SOMEONE_ELSES_PLACEMENT = {
    "partnership_id": "beta",
    "date": "2025-01-01",
    "perspective": "donor",
    "kind": "actual",
    "delivery_policy": 1,
}


def _edit(tables, file: str, **cells_by_row) -> list[Op]:
    """Ops of an editor that loaded `tables` and set cells: _edit(t, f, r1={"col": v})."""
    frame = tables[file].frame()
    for row, cells in cells_by_row.items():
        for col, value in cells.items():
            frame.loc[int(row[1:]), col] = value
    return table_ops(file, tables[file], frame)


def _partnership(pid: str, name: str) -> Op:
    return Op("partnerships.csv", None, {"partnership_id": pid, "name": name})


def _placement(perspective: str) -> Op:
    row = {
        "partnership_id": "alpha",
        "date": "2025-06-01",
        "perspective": perspective,
        "kind": "actual",
        "delivery_policy": "1",
    }
    return Op("placements.csv", None, row)


def test_two_additions_loaded_at_once_both_go_in(tiny: Path) -> None:
    loaded = data_signature(tiny)  # both loaded the same data
    commit(tiny, [_placement("ann")], action="a", user="ann", expected=loaded)
    commit(
        tiny,
        [_placement("bob"), _partnership("delta", "Delta")],
        action="b",
        user="bob",
        expected=loaded,
    )
    ds = pp.load_dataset(tiny)
    assert ds.problems == []
    assert {"ann", "bob"} <= set(ds.placements["perspective"])
    assert "delta" in set(ds.partnerships["partnership_id"])
    assert [c.user for c in read_history(tiny)] == ["ann", "bob"]


def test_the_same_partnership_added_by_two_people_is_caught(tiny: Path) -> None:
    loaded = data_signature(tiny)
    commit(tiny, [_partnership("delta", "Delta")], action="a", user="ann", expected=loaded)
    before = {n: (tiny / n).read_bytes() for n in ("partnerships.csv", "history.jsonl")}
    with pytest.raises(DataError) as err:
        commit(tiny, [_partnership("delta", "Delta too")], action="b", user="bob", expected=loaded)
    assert [str(p) for p in err.value.problems] == [
        "partnerships.csv, row 6, column 'partnership_id': duplicate partnership id 'delta'; "
        "each partnership is listed once"
    ]
    assert {n: (tiny / n).read_bytes() for n in before} == before


def test_an_edit_goes_in_after_someone_else_added_rows(tiny: Path) -> None:
    loaded = data_signature(tiny)
    tables = load_tables(tiny)
    pp.append_placement(tiny, SOMEONE_ELSES_PLACEMENT, user="someone else")
    pp.add_partnership(tiny, {"partnership_id": "delta", "name": "Delta"}, user="someone else")
    ops = _edit(tables, "placements.csv", r0={"note": "mine"})
    commit(tiny, ops, action="Edit", user="me", expected=loaded)
    ds = pp.load_dataset(tiny)
    assert ds.problems == []
    assert ds.placements.iloc[0]["note"] == "mine"
    assert len(ds.placements) == 8 and "delta" in set(ds.partnerships["partnership_id"])


def test_two_people_editing_different_rows_both_succeed(tiny: Path) -> None:
    loaded = data_signature(tiny)
    ann, bob = load_tables(tiny), load_tables(tiny)
    commit(
        tiny,
        _edit(ann, "partnerships.csv", r1={"country": "Togo"}),
        action="a",
        user="ann",
        expected=loaded,
    )
    commit(
        tiny,
        _edit(bob, "partnerships.csv", r2={"sector": "Schools"}),
        action="b",
        user="bob",
        expected=loaded,
    )
    parts = pp.load_dataset(tiny).partnerships.set_index("partnership_id")
    assert parts.loc["beta", "country"] == "Togo" and parts.loc["gamma", "sector"] == "Schools"


def test_two_people_editing_the_same_row_the_second_is_refused(tiny: Path) -> None:
    loaded = data_signature(tiny)
    ann, bob = load_tables(tiny), load_tables(tiny)
    commit(
        tiny,
        _edit(ann, "partnerships.csv", r1={"country": "Togo"}),
        action="a",
        user="ann",
        expected=loaded,
    )
    before = {n: (tiny / n).read_bytes() for n in ("partnerships.csv", "history.jsonl")}
    # Bob changed another cell of the same row, and a row nobody else touched.
    ops = _edit(bob, "partnerships.csv", r1={"sector": "WASH"}, r2={"sector": "Schools"})
    with pytest.raises(StaleDataError) as err:
        commit(tiny, ops, action="b", user="bob", expected=loaded)
    assert str(err.value) == (
        "partnerships.csv changed since you loaded the data (someone else changed or removed "
        "a row you changed); reload to see their change, then edit again"
    )
    assert err.value.files == ["partnerships.csv"]
    # All or nothing: Bob's edit of the untouched row is not written either.
    assert {n: (tiny / n).read_bytes() for n in before} == before
    assert conflict(tiny, ops) is not None
    assert conflict(tiny, _edit(load_tables(tiny), "partnerships.csv", r1={"sector": "W"})) is None


def test_deleting_a_row_someone_edited_is_refused(tiny: Path) -> None:
    loaded = data_signature(tiny)
    ann, bob = load_tables(tiny), load_tables(tiny)
    commit(
        tiny,
        _edit(ann, "placements.csv", r0={"note": "ann's"}),
        action="a",
        user="ann",
        expected=loaded,
    )
    before = (tiny / "placements.csv").read_bytes()
    frame = bob["placements.csv"].frame().drop(index=[0, 1])
    ops = table_ops("placements.csv", bob["placements.csv"], frame)
    with pytest.raises(StaleDataError, match=r"placements\.csv changed since you loaded"):
        commit(tiny, ops, action="b", user="bob", expected=loaded)
    assert (tiny / "placements.csv").read_bytes() == before


def test_editing_a_row_someone_deleted_is_refused(tiny: Path) -> None:
    loaded = data_signature(tiny)
    ann, bob = load_tables(tiny), load_tables(tiny)
    frame = ann["placements.csv"].frame().drop(index=[5])
    commit(
        tiny,
        table_ops("placements.csv", ann["placements.csv"], frame),
        action="a",
        user="ann",
        expected=loaded,
    )
    with pytest.raises(StaleDataError, match="someone else changed or removed a row you changed"):
        commit(
            tiny,
            _edit(bob, "placements.csv", r5={"note": "x"}),
            action="b",
            user="bob",
            expected=loaded,
        )
    assert len(pp.load_dataset(tiny).placements) == 6


def test_an_edit_finds_its_row_after_others_removed_rows_above_it(tiny: Path) -> None:
    loaded = data_signature(tiny)
    ann, bob = load_tables(tiny), load_tables(tiny)
    frame = ann["placements.csv"].frame().drop(index=[0, 1])
    commit(
        tiny,
        table_ops("placements.csv", ann["placements.csv"], frame),
        action="a",
        user="ann",
        expected=loaded,
    )
    commit(
        tiny,
        _edit(bob, "placements.csv", r4={"note": "bob's"}),
        action="b",
        user="bob",
        expected=loaded,
    )
    ds = pp.load_dataset(tiny)
    assert ds.placements["note"].tolist()[2] == "bob's"
    assert ds.placements.iloc[2]["perspective"] == "civil society"


def test_removing_an_axis_is_refused_when_someone_placed_on_it_since(tiny: Path) -> None:
    loaded = data_signature(tiny)
    tables = load_tables(tiny)
    frame = tables["axes.csv"].frame().drop(index=[2])  # rules_task
    ops = table_ops("axes.csv", tables["axes.csv"], frame)
    ops += axis_cascade(tables, ops)
    pp.append_placement(tiny, {**SOMEONE_ELSES_PLACEMENT, "rules_task": 3}, user="someone")
    before = {n: (tiny / n).read_bytes() for n in ("axes.csv", "placements.csv")}
    with pytest.raises(StaleDataError, match=r"placements\.csv changed"):
        commit(tiny, ops, action="Remove axis", user="me", expected=loaded)
    assert {n: (tiny / n).read_bytes() for n in before} == before


def test_a_value_without_a_column_is_refused_not_dropped(tiny: Path) -> None:
    op = Op("partnerships.csv", None, {"partnership_id": "delta", "name": "D", "budget": "9"})
    with pytest.raises(ConflictError, match="no column 'budget'"):
        commit(tiny, [op], action="x", user="a", expected=data_signature(tiny))
    assert "delta" not in set(pp.load_dataset(tiny).partnerships["partnership_id"])


def test_undo_goes_in_after_later_unrelated_changes(tiny: Path) -> None:
    tables = load_tables(tiny)
    first = commit(
        tiny, _edit(tables, "partnerships.csv", r1={"country": "Togo"}), action="1", user="a"
    )
    pp.append_placement(tiny, SOMEONE_ELSES_PLACEMENT, user="b")
    commit(
        tiny, _edit(load_tables(tiny), "partnerships.csv", r2={"sector": "S"}), action="2", user="b"
    )
    undo(tiny, first.change_id, user="a")
    parts = pp.load_dataset(tiny).partnerships.set_index("partnership_id")
    assert parts.loc["beta", "country"] == "Ghana" and parts.loc["gamma", "sector"] == "S"


def test_undo_conflict_when_row_changed_since(tiny: Path) -> None:
    tables = load_tables(tiny)
    frame = tables["partnerships.csv"].frame()
    frame.loc[1, "country"] = "Togo"
    first = commit(
        tiny, table_ops("partnerships.csv", tables["partnerships.csv"], frame), action="1", user="a"
    )
    tables = load_tables(tiny)
    frame = tables["partnerships.csv"].frame()
    frame.loc[1, "country"] = "Benin"
    commit(
        tiny, table_ops("partnerships.csv", tables["partnerships.csv"], frame), action="2", user="a"
    )
    before = (tiny / "partnerships.csv").read_bytes()
    with pytest.raises(ConflictError, match="no longer there") as err:
        undo(tiny, first.change_id, user="a")
    assert not isinstance(err.value, StaleDataError)
    assert (tiny / "partnerships.csv").read_bytes() == before


def test_appends_are_recorded_and_undoable(tiny: Path) -> None:
    before = (tiny / "placements.csv").read_bytes()
    pp.append_placement(
        tiny,
        {
            "partnership_id": "beta",
            "date": "2025-01-01",
            "perspective": "donor",
            "kind": "actual",
            "delivery_policy": 1,
        },
        user="ann",
    )
    (change,) = read_history(tiny)
    assert change.user == "ann" and change.action.startswith(
        "Placed beta (donor, actual, 2025-01-01)"
    )
    undo(tiny, change.change_id, user="ann")
    assert (tiny / "placements.csv").read_bytes() == before


def test_undo_of_undo_redoes(tiny: Path) -> None:
    pp.add_partnership(tiny, {"partnership_id": "delta", "name": "Delta"}, user="a")
    (added,) = read_history(tiny)
    first = undo(tiny, added.change_id, user="a")
    assert "delta" not in set(pp.load_dataset(tiny).partnerships["partnership_id"])
    undo(tiny, first.change_id, user="a")
    assert "delta" in set(pp.load_dataset(tiny).partnerships["partnership_id"])
    assert undone_ids(read_history(tiny)) == {first.change_id}
    with pytest.raises(ConflictError, match="already undone"):
        undo(tiny, first.change_id, user="a")


def test_torn_history_tail_is_ignored(tiny: Path) -> None:
    pp.add_partnership(tiny, {"partnership_id": "delta", "name": "Delta"}, user="a")
    with (tiny / "history.jsonl").open("ab") as f:
        f.write(b'{"change_id": "torn", "ti')
    assert len(read_history(tiny)) == 1
    pp.add_partnership(tiny, {"partnership_id": "eps", "name": "Eps"}, user="a")
    assert [c.action for c in read_history(tiny)] == [
        "Added partnership delta",
        "Added partnership eps",
    ]


def test_header_op_conflict(tiny: Path) -> None:
    op = Op("placements.csv", ["a"], ["b"], header=True)
    with pytest.raises(ConflictError):
        commit(tiny, [op], action="x", user="a")
