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


def test_stale_edit_is_refused(tiny: Path) -> None:
    loaded = data_signature(tiny)
    tables = load_tables(tiny)
    pp.append_placement(
        tiny,
        {
            "partnership_id": "beta",
            "date": "2025-01-01",
            "perspective": "donor",
            "kind": "actual",
            "delivery_policy": 1,
        },
        user="someone else",
    )
    frame = tables["placements.csv"].frame()
    frame.loc[0, "note"] = "mine"
    with pytest.raises(StaleDataError, match=r"placements\.csv changed"):
        commit(
            tiny,
            table_ops("placements.csv", tables["placements.csv"], frame),
            action="Edit",
            user="me",
            expected=loaded,
        )
    assert pp.load_dataset(tiny).placements.iloc[0]["note"] == "Utility runs kiosks"


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
    with pytest.raises(ConflictError):
        undo(tiny, first.change_id, user="a")
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
