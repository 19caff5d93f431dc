"""Validation: every bad input is reported with its file, spreadsheet row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from plotting import load_dataset
from tests.conftest import AXES, PARTNERSHIPS, PLACEMENTS, write_dataset

PL_HEADER = "partnership_id,date,perspective,kind,delivery_policy,regulation_innovation,rules_task,spread,note\n"


def with_placement_row(row: str) -> dict[str, str]:
    """The tiny dataset with one extra placements row (it lands on spreadsheet row 9)."""
    return {"placements": PLACEMENTS + row + "\n"}


# (case id, files to override, file, row, column, fragment of the message)
BAD = [
    (
        "axis id uppercase",
        {"axes": AXES + "Bad_Axis,a,b,\n"},
        "axes.csv",
        5,
        "axis_id",
        "not a valid axis id",
    ),
    (
        "axis id with space",
        {"axes": AXES + "bad axis,a,b,\n"},
        "axes.csv",
        5,
        "axis_id",
        "lowercase letters",
    ),
    ("axis id blank", {"axes": AXES + ",a,b,\n"}, "axes.csv", 5, "axis_id", "blank"),
    (
        "axis id duplicate",
        {"axes": AXES + "rules_task,a,b,\n"},
        "axes.csv",
        5,
        "axis_id",
        "duplicate",
    ),
    ("axis id reserved", {"axes": AXES + "note,a,b,\n"}, "axes.csv", 5, "axis_id", "reserved"),
    ("axis pole blank", {"axes": AXES + "x_y,,b,\n"}, "axes.csv", 5, "low_pole", "blank"),
    (
        "axes missing column",
        {"axes": "axis_id,low_pole\na,b\n"},
        "axes.csv",
        1,
        "high_pole",
        "missing column",
    ),
    (
        "partnership id blank",
        {"partnerships": PARTNERSHIPS + ",Nameless,,,,,,,\n"},
        "partnerships.csv",
        5,
        "partnership_id",
        "blank",
    ),
    (
        "partnership id spaces",
        {"partnerships": PARTNERSHIPS + "has space,Name,,,,,,,\n"},
        "partnerships.csv",
        5,
        "partnership_id",
        "not a valid partnership id",
    ),
    (
        "partnership id duplicate",
        {"partnerships": PARTNERSHIPS + "beta,Again,,,,,,,\n"},
        "partnerships.csv",
        5,
        "partnership_id",
        "duplicate",
    ),
    (
        "partnership name blank",
        {"partnerships": PARTNERSHIPS + "delta,,,,,,,,\n"},
        "partnerships.csv",
        5,
        "name",
        "name is blank",
    ),
    (
        "partnership started bad",
        {"partnerships": PARTNERSHIPS + "delta,D,,,,,2020-02-30,,\n"},
        "partnerships.csv",
        5,
        "started",
        "not a date",
    ),
    (
        "partnerships missing name column",
        {"partnerships": "partnership_id\nalpha\n"},
        "partnerships.csv",
        1,
        "name",
        "missing column",
    ),
    (
        "placement unknown partnership",
        with_placement_row("zeta,2024-01-01,public,actual,1,1,1,,"),
        "placements.csv",
        9,
        "partnership_id",
        "unknown partnership",
    ),
    (
        "placement bad date",
        with_placement_row("alpha,2024-13-01,public,actual,1,1,1,,"),
        "placements.csv",
        9,
        "date",
        "not a date",
    ),
    (
        "placement slash date",
        with_placement_row("alpha,01/02/2024,public,actual,1,1,1,,"),
        "placements.csv",
        9,
        "date",
        "YYYY-MM-DD",
    ),
    (
        "placement blank date",
        with_placement_row("alpha,,public,actual,1,1,1,,"),
        "placements.csv",
        9,
        "date",
        "blank",
    ),
    (
        "placement bad kind",
        with_placement_row("alpha,2024-01-01,public,Actual,1,1,1,,"),
        "placements.csv",
        9,
        "kind",
        "expected actual or target",
    ),
    (
        "placement blank perspective",
        with_placement_row("alpha,2024-01-01, ,actual,1,1,1,,"),
        "placements.csv",
        9,
        "perspective",
        "blank",
    ),
    (
        "placement not a number",
        with_placement_row("alpha,2024-01-01,public,actual,high,1,1,,"),
        "placements.csv",
        9,
        "delivery_policy",
        "not a number",
    ),
    (
        "placement decimal comma",
        with_placement_row('alpha,2024-01-01,public,actual,"1,5",1,1,,'),
        "placements.csv",
        9,
        "delivery_policy",
        "decimal point",
    ),
    (
        "placement above range",
        with_placement_row("alpha,2024-01-01,public,actual,1,5.5,1,,"),
        "placements.csv",
        9,
        "regulation_innovation",
        "out of range",
    ),
    (
        "placement below range",
        with_placement_row("alpha,2024-01-01,public,actual,1,1,-7,,"),
        "placements.csv",
        9,
        "rules_task",
        "out of range",
    ),
    (
        "placement infinite",
        with_placement_row("alpha,2024-01-01,public,actual,inf,1,1,,"),
        "placements.csv",
        9,
        "delivery_policy",
        "not a number",
    ),
    (
        "placement no values",
        with_placement_row("alpha,2024-01-01,public,actual,,,,,"),
        "placements.csv",
        9,
        None,
        "no position on any axis",
    ),
    (
        "placement negative spread",
        with_placement_row("alpha,2024-01-01,public,actual,1,1,1,-1,"),
        "placements.csv",
        9,
        "spread",
        "out of range",
    ),
    (
        "placement unknown axis column",
        {"placements": PLACEMENTS.replace("rules_task", "rules_tusk", 1)},
        "placements.csv",
        1,
        "rules_tusk",
        "unknown axis column",
    ),
    (
        "placements missing kind column",
        {
            "placements": "partnership_id,date,perspective,delivery_policy\nalpha,2024-01-01,public,1\n"
        },
        "placements.csv",
        1,
        "kind",
        "missing column",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "file", "row", "column", "fragment"),
    [case[1:] for case in BAD],
    ids=[case[0] for case in BAD],
)
def test_bad_input_names_file_row_and_column(
    tmp_path: Path,
    overrides: dict[str, str],
    file: str,
    row: int,
    column: str | None,
    fragment: str,
) -> None:
    folder = write_dataset(tmp_path / "d", **overrides)
    problems = load_dataset(folder).problems
    matches = [p for p in problems if p.file == file and p.row == row and p.column == column]
    assert matches, f"no problem at {file} row {row} column {column}: {[str(p) for p in problems]}"
    assert any(fragment in p.message for p in matches), [str(p) for p in matches]
    text = str(matches[0])
    assert file in text and f"row {row}" in text
    if column:
        assert f"column '{column}'" in text


def test_valid_dataset_has_no_problems(tiny: Path) -> None:
    ds = load_dataset(tiny)
    assert ds.problems == []
    assert len(ds.placements) == 7
    assert ds.axis_ids == ["delivery_policy", "regulation_innovation", "rules_task"]


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    rows = (
        "alpha,2024-13-01,public,actual,1,1,1,,\n"
        "alpha,2024-01-01,public,maybe,9,1,1,,\n"
        "nobody,2024-01-01,public,actual,1,1,1,,\n"
    )
    folder = write_dataset(tmp_path / "d", placements=PLACEMENTS + rows)
    problems = load_dataset(folder).problems
    located = {(p.row, p.column) for p in problems}
    assert {(9, "date"), (10, "kind"), (10, "delivery_policy"), (11, "partnership_id")} <= located


def test_invalid_rows_are_dropped_and_valid_rows_kept(tmp_path: Path) -> None:
    folder = write_dataset(
        tmp_path / "d", placements=PLACEMENTS + "alpha,2024-13-01,public,actual,1,1,1,,\n"
    )
    ds = load_dataset(folder)
    assert len(ds.placements) == 7
    assert len(ds.problems) == 1


def test_row_numbers_count_line_breaks_inside_cells_as_one_row(tmp_path: Path) -> None:
    # gamma's note (row 8) spans two lines; the next record is row 9 as a spreadsheet shows it.
    folder = write_dataset(
        tmp_path / "d", placements=PLACEMENTS + "alpha,bad,public,actual,1,1,1,,\n"
    )
    (problem,) = load_dataset(folder).problems
    assert (problem.row, problem.column) == (9, "date")


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    text = (
        PL_HEADER
        + "alpha,2024-01-01,public,actual,1,1,1,,\n\n\nalpha,2024-02-30,public,actual,1,1,1,,\n"
    )
    (problem,) = load_dataset(write_dataset(tmp_path / "d", placements=text)).problems
    assert (problem.row, problem.column) == (5, "date")


def test_not_utf8_is_reported_with_row(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "d")
    data = PARTNERSHIPS.replace("Ministerio de Educación", "Ministerio de Educaci\udce9n")
    (folder / "partnerships.csv").write_bytes(data.encode("utf-8", "surrogateescape"))
    problems = load_dataset(folder).problems
    assert any(
        p.file == "partnerships.csv" and p.row == 4 and "not UTF-8" in p.message for p in problems
    )


def test_utf8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "d")
    (folder / "axes.csv").write_bytes(b"\xef\xbb\xbf" + AXES.encode())
    ds = load_dataset(folder)
    assert ds.problems == []
    assert ds.axis_ids[0] == "delivery_policy"


def test_missing_file_is_reported(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "d")
    (folder / "placements.csv").unlink()
    problems = load_dataset(folder).problems
    assert [(p.file, p.message.split(" ")[0]) for p in problems] == [("placements.csv", "file")]


def test_empty_file_is_reported(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "d", axes="")
    assert any(p.file == "axes.csv" and "empty" in p.message for p in load_dataset(folder).problems)


def test_duplicated_header_is_reported(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "d", axes="axis_id,low_pole,high_pole,low_pole\na,b,c,d\n")
    assert any(
        p.column == "low_pole" and "twice" in p.message for p in load_dataset(folder).problems
    )


def test_extra_partnership_columns_are_kept(tiny: Path) -> None:
    ds = load_dataset(tiny)
    assert "region" in ds.partnerships.columns
    assert "region" in ds.categorical_columns


def test_sample_dataset_is_valid_and_rich() -> None:
    ds = load_dataset(Path(__file__).resolve().parents[2] / "data")
    assert ds.problems == []
    assert 12 <= len(ds.partnerships) <= 20
    assert {"delivery_policy", "regulation_innovation"} <= set(ds.axis_ids) and len(ds.axes) >= 4
    actual = ds.placements[ds.placements["kind"] == "actual"]
    per = actual.groupby("partnership_id").agg(p=("perspective", "nunique"), d=("date", "nunique"))
    assert per["p"].between(3, 4).all() and (per["d"] >= 3).all()
    targets = ds.placements[ds.placements["kind"] == "target"]
    assert set(targets["partnership_id"]) == set(ds.partnerships["partnership_id"])
    for col in ("sector", "country", "arrangement"):
        assert ds.partnerships[col].nunique() >= 3
