"""Data that real people write: partial dates, one problem per bad cell, control
characters, files saved with semicolons or tabs, rows longer than their header."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import plotting as pp
from plotting import changes, storage, validation
from plotting.history import Op
from plotting.model import PARTNERSHIPS_FILE, PLACEMENTS_FILE
from tests.conftest import AXES, PARTNERSHIPS, PLACEMENTS, write_dataset

P_HEADER = PARTNERSHIPS.split("\n", 1)[0]
PL_HEADER = PLACEMENTS.split("\n", 1)[0]


def messages(ds: pp.Dataset) -> list[str]:
    return [str(p) for p in ds.problems]


def with_started(value: str) -> str:
    """The tiny partnerships, alpha's `started` replaced (alpha is row 2)."""
    return PARTNERSHIPS.replace(",2020-01-15,", f",{value},", 1)


# ---- partial dates ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2019", "2019-03", "2019-03-14", "2020-02-29", "1987-12", ""])
def test_partial_started_dates_load_as_written(tmp_path: Path, value: str) -> None:
    folder = write_dataset(tmp_path / "d", partnerships=with_started(value))
    ds = pp.load_dataset(folder)
    assert ds.problems == []
    started = ds.partnerships.set_index("partnership_id")["started"]
    assert started["alpha"] == value and isinstance(started["alpha"], str)
    assert (folder / "partnerships.csv").read_text() == with_started(value)


@pytest.mark.parametrize(
    "value",
    [
        "2019-13",
        "2019-00",
        "2019-3",
        "2019-02-30",
        "03/2019",
        "March 2019",
        "19",
        "20190",
        "2019-03-14T10:00",
        "2019-03-",
        " 2019",
        "2019-00-10",
    ],
)
def test_a_bad_started_is_one_problem_and_keeps_its_row_and_placements(
    tmp_path: Path, value: str
) -> None:
    folder = write_dataset(tmp_path / "d", partnerships=with_started(value))
    ds = pp.load_dataset(folder)
    assert messages(ds) == [
        f"partnerships.csv, row 2, column 'started': {value!r} is not a date; "
        "expected YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2019-03"
    ]
    row = ds.partnerships.set_index("partnership_id").loc["alpha"]
    assert row["name"] == "Alpha Water Alliance" and row["started"] == ""
    assert len(ds.placements) == 7
    assert ds.placements["partnership_id"].eq("alpha").sum() == 4


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2019", None),
        ("2019-03", None),
        ("2019-03-14", None),
        ("", None),
        ("2019-13", "'2019-13' is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2019-03"),
        ("2019/03", "'2019/03' is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2019-03"),
    ],
)
def test_partial_date_problem(value: str, problem: str | None) -> None:
    assert validation.partial_date_problem(value) == problem


def test_started_sort_key_orders_partial_dates_by_time_blanks_last() -> None:
    values = pd.Series(["2019-04", "", "2019-03-14", "2018-12-31", "2019", "2019-03"], dtype="str")
    ordered = values.sort_values(key=validation.started_sort_key, kind="stable").tolist()
    assert ordered == ["2018-12-31", "2019", "2019-03", "2019-03-14", "2019-04", ""]


@pytest.mark.parametrize("value", ["2019", "2019-03", "2019-03-14"])
def test_a_new_partnership_keeps_started_as_typed(tiny: Path, value: str) -> None:
    record = pp.add_partnership(tiny, {"partnership_id": "delta", "name": "D", "started": value})
    assert record["started"] == value
    last = (tiny / "partnerships.csv").read_text().splitlines()[-1]
    assert last == f"delta,D,,,,,{value},,"
    assert pp.load_dataset(tiny).partnerships.iloc[-1]["started"] == value


def test_a_new_partnership_with_a_bad_started_is_refused(tiny: Path) -> None:
    with pytest.raises(pp.DataError) as err:
        pp.add_partnership(tiny, {"partnership_id": "delta", "name": "D", "started": "2019-13"})
    assert [str(p) for p in err.value.problems] == [
        "partnerships.csv, row 5, column 'started': '2019-13' is not a date; "
        "expected YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2019-03"
    ]
    assert (tiny / "partnerships.csv").read_text() == PARTNERSHIPS


# ---- one bad cell is one problem -------------------------------------------------------------

# (case, extra placements row (row 9), the one problem, placements loaded)
ONE_CELL = [
    ("bad spread", "alpha,2024-01-01,public,actual,1,1,1,-1,", "spread", 8),
    ("spread not a number", "alpha,2024-01-01,public,actual,1,1,1,wide,", "spread", 8),
    ("one bad position of three", "alpha,2024-01-01,public,actual,9,1,1,,", "delivery_policy", 8),
    (
        "one position not a number",
        "alpha,2024-01-01,public,actual,1,x,1,,",
        "regulation_innovation",
        8,
    ),
    ("the only position is bad", "alpha,2024-01-01,public,actual,9,,,,", "delivery_policy", 7),
]


@pytest.mark.parametrize(
    ("row", "column", "loaded"), [c[1:] for c in ONE_CELL], ids=[c[0] for c in ONE_CELL]
)
def test_a_bad_optional_cell_is_one_problem(
    tmp_path: Path, row: str, column: str, loaded: int
) -> None:
    folder = write_dataset(tmp_path / "d", placements=PLACEMENTS + row + "\n")
    ds = pp.load_dataset(folder)
    assert [(p.file, p.row, p.column) for p in ds.problems] == [("placements.csv", 9, column)]
    assert len(ds.placements) == loaded
    if loaded == 8:
        kept = ds.placements.set_index("_row").loc[9]
        assert pd.isna(kept[column])
    else:
        assert ds.problems[0].message.endswith("; the row has no other position, so it is left out")


# (case, partnerships.csv with a dropped alpha (4 placements), the problem's column and start)
DROPPED = [
    ("blank name", PARTNERSHIPS.replace("alpha,Alpha Water Alliance,", "alpha,,", 1), "name"),
    (
        "invisible name",
        PARTNERSHIPS.replace("alpha,Alpha Water Alliance,", "alpha,\u200b\ufeff\u00a0,", 1),
        "name",
    ),
]


@pytest.mark.parametrize(("parts", "column"), [c[1:] for c in DROPPED], ids=[c[0] for c in DROPPED])
def test_a_dropped_partnership_takes_its_placements_along_in_one_problem(
    tmp_path: Path, parts: str, column: str
) -> None:
    folder = write_dataset(tmp_path / "d", partnerships=parts)
    ds = pp.load_dataset(folder)
    assert messages(ds) == [
        f"partnerships.csv, row 2, column '{column}': name is blank; every partnership needs "
        "a name; its 4 placements are left out until this is fixed"
    ]
    assert "alpha" not in set(ds.placements["partnership_id"])
    assert len(ds.placements) == 3


def test_a_bad_id_takes_its_placements_along_in_one_problem(tmp_path: Path) -> None:
    parts = PARTNERSHIPS.replace("gamma,Gamma", "gam ma,Gamma", 1)
    places = PLACEMENTS.replace("gamma,", "gam ma,")
    folder = write_dataset(tmp_path / "d", partnerships=parts, placements=places)
    assert messages(pp.load_dataset(folder)) == [
        "partnerships.csv, row 4, column 'partnership_id': 'gam ma' is not a valid partnership "
        "id; expected letters, digits, '-', '_' or '.', with no spaces, e.g. lake-victoria-wash; "
        "its placement is left out until this is fixed"
    ]


def test_placements_of_a_partnership_never_listed_are_still_unknown(tmp_path: Path) -> None:
    parts = PARTNERSHIPS.replace("alpha,Alpha Water Alliance,", "alpha,,", 1)
    folder = write_dataset(
        tmp_path / "d",
        partnerships=parts,
        placements=PLACEMENTS + "zeta,2024-01-01,x,actual,1,,,,\n",
    )
    found = messages(pp.load_dataset(folder))
    assert len(found) == 2
    assert found[0].endswith("its 4 placements are left out until this is fixed")
    assert found[1].startswith(
        "placements.csv, row 9, column 'partnership_id': unknown partnership"
    )


# ---- control and invisible characters ------------------------------------------------------

CONTROLS = [
    *(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)),
    "\x7f",
    "\ufffe",
    "\uffff",
]
#: (file, column, the row to put it in, whether the row stays, loaded value of the cell)
TEXT_FIELDS = [
    ("axes.csv", "low_pole"),
    ("axes.csv", "high_pole"),
    ("axes.csv", "description"),
    ("partnerships.csv", "name"),
    ("partnerships.csv", "country"),
    ("partnerships.csv", "sector"),
    ("partnerships.csv", "arrangement"),
    ("partnerships.csv", "partners"),
    ("partnerships.csv", "description"),
    ("partnerships.csv", "region"),
    ("placements.csv", "perspective"),
    ("placements.csv", "note"),
]


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def with_cell(file: str, column: str, value: str) -> dict[str, str]:
    """The tiny dataset's texts with one cell of the first data row replaced."""
    text = {"axes.csv": AXES, "partnerships.csv": PARTNERSHIPS, "placements.csv": PLACEMENTS}[file]
    header, first, rest = text.split("\n", 2)
    frame = pd.read_csv(pd.io.common.StringIO(header + "\n" + first + "\n"), dtype=str)
    frame = frame.fillna("")
    frame.loc[0, column] = value
    line = ",".join(_csv_cell(v) for v in frame.iloc[0])
    key = {"axes.csv": "axes", "partnerships.csv": "partnerships", "placements.csv": "placements"}
    return {key[file]: f"{header}\n{line}\n{rest}"}


@pytest.mark.parametrize("char", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
@pytest.mark.parametrize(("file", "column"), TEXT_FIELDS, ids=[f"{f}:{c}" for f, c in TEXT_FIELDS])
def test_a_control_character_in_a_text_cell_is_one_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, file: str, column: str, char: str
) -> None:
    value = f"Water{char} works"
    folder = write_dataset(tmp_path / "d", **with_cell(file, column, value))
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    datasets = {}
    for fast in (True, False):
        with monkeypatch.context() as m:
            m.setattr(storage, "FAST_READ_MIN_BYTES", 0 if fast else 1 << 40)
            m.setattr(validation, "BACKGROUND_MIN_CELLS", 0 if fast else 1 << 40)
            m.setattr(validation, "FAST_CHECKS", fast)
            datasets[fast] = pp.load_dataset(folder)
    ds = datasets[True]
    assert messages(ds) == messages(datasets[False])
    assert messages(ds) == [
        f"{file}, row 2, column '{column}': contains a control character U+{ord(char):04X} "
        "that no spreadsheet shows; delete it"
    ]
    # The row stays, with the character removed in memory; the file is untouched.
    if file == "axes.csv":
        axis = ds.axis("delivery_policy")
        assert getattr(axis, column) == "Water works"
    elif file == "partnerships.csv":
        assert ds.partnerships.set_index("partnership_id").loc["alpha", column] == "Water works"
    else:
        first = ds.placements.loc[ds.placements["_row"].eq(2)].iloc[0]
        assert first[column] == "Water works"
        assert len(ds.placements) == 7
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_several_control_characters_are_named_once_each(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "d", **with_cell("placements.csv", "note", "a\x07b\x1bc\x07"))
    assert messages(pp.load_dataset(folder)) == [
        "placements.csv, row 2, column 'note': contains control characters U+0007, U+001B "
        "that no spreadsheet shows; delete them"
    ]


@pytest.mark.parametrize(
    ("file", "column", "fragment"),
    [
        ("partnerships.csv", "partnership_id", "not a valid partnership id"),
        ("partnerships.csv", "started", "is not a date"),
        ("axes.csv", "axis_id", "not a valid axis id"),
        ("placements.csv", "date", "is not a date"),
        ("placements.csv", "kind", "is not a kind"),
    ],
)
def test_a_control_character_in_an_id_kind_or_date_makes_it_invalid(
    tmp_path: Path, file: str, column: str, fragment: str
) -> None:
    original = {
        "partnership_id": "alpha",
        "started": "2020-01-15",
        "axis_id": "delivery_policy",
        "date": "2023-03-01",
        "kind": "actual",
    }[column]
    folder = write_dataset(tmp_path / "d", **with_cell(file, column, original + "\x07"))
    found = [p for p in pp.load_dataset(folder).problems if p.file == file and p.row == 2]
    assert found and found[0].column == column and fragment in found[0].message
    assert "\\x07" in found[0].message


def test_a_cell_of_only_control_characters_is_one_problem(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "d", **with_cell("partnerships.csv", "name", "\x07\x08"))
    found = messages(pp.load_dataset(folder))
    assert found == [
        "partnerships.csv, row 2, column 'name': contains control characters U+0007, U+0008 "
        "that no spreadsheet shows; delete them; its 4 placements are left out until this is "
        "fixed"
    ]


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u00a0", " \u2060 ", "\u3000"])
@pytest.mark.parametrize(
    ("file", "column", "message"),
    [
        ("axes.csv", "low_pole", "low_pole is blank; name the pole"),
        ("placements.csv", "perspective", "perspective is blank"),
    ],
)
def test_invisible_only_text_is_blank(
    tmp_path: Path, file: str, column: str, message: str, invisible: str
) -> None:
    folder = write_dataset(tmp_path / "d", **with_cell(file, column, invisible))
    found = pp.load_dataset(folder).problems
    assert [(p.file, p.row, p.column) for p in found] == [(file, 2, column)]
    assert found[0].message.startswith(message)


# ---- files that are not comma-separated; rows longer than the header ---------------------------


@pytest.mark.parametrize(("sep", "word"), [(";", "semicolon"), ("\t", "tab")])
@pytest.mark.parametrize("large", [False, True], ids=["small", "fast path"])
def test_a_semicolon_or_tab_file_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sep: str, word: str, large: bool
) -> None:
    if large:
        monkeypatch.setattr(storage, "FAST_READ_MIN_BYTES", 0)
    text = PLACEMENTS.replace(",", sep).replace('"Private sees ""clearly"" innovation"', "x")
    folder = write_dataset(tmp_path / "d", placements=text)
    assert messages(pp.load_dataset(folder)) == [
        f"placements.csv, row 1: placements.csv looks {word}-separated (as Excel saves in many "
        "countries); this folder needs comma-separated files: move it out of the data folder "
        f"(or rename it, e.g. to placements-{word}s.csv), then bring it in with Data → Import "
        "(or python -m plotting import), which writes a new placements.csv"
    ]


def test_a_semicolon_file_with_decimal_commas_says_so(tmp_path: Path) -> None:
    text = "partnership_id;name;started\nalpha;Alpha, the first;2019\nbeta;Beta;2020-01\n"
    folder = write_dataset(tmp_path / "d", partnerships=text)
    found = [p for p in pp.load_dataset(folder).problems if p.file == "partnerships.csv"]
    assert len(found) == 1 and "looks semicolon-separated" in found[0].message


@pytest.mark.parametrize("large", [False, True], ids=["small", "fast path"])
@pytest.mark.parametrize("where", ["first row", "later row"])
def test_a_row_longer_than_the_header_is_located_never_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, large: bool, where: str
) -> None:
    if large:
        monkeypatch.setattr(storage, "FAST_READ_MIN_BYTES", 0)
    long_row = "delta,Delta,Chile,Water,network,A; B,2019,Pipes, and more,South America"
    lines = PARTNERSHIPS.splitlines()
    at = 1 if where == "first row" else 3
    lines.insert(at, long_row)
    folder = write_dataset(tmp_path / "d", partnerships="\n".join(lines) + "\n")
    ds = pp.load_dataset(folder)
    assert messages(ds) == [
        f"partnerships.csv, row {at + 1}: row has 10 cells but the header has 9 columns (the "
        "extra: 'South America'); a cell may hold a comma without quotes around it, or a "
        "column lacks its header"
    ]
    table = ds.partnerships.set_index("partnership_id")
    assert sorted(table.index) == ["alpha", "beta", "gamma"]
    assert table.loc["alpha", "name"] == "Alpha Water Alliance"
    assert table.loc["gamma", "region"] == "Latin America"
    assert sorted(ds.partnerships["_row"]) == [r for r in (2, 3, 4, 5) if r != at + 1]


def test_trailing_empty_cells_are_no_problem(tmp_path: Path) -> None:
    """Some tools end every row with a comma: the empty cell it adds holds nothing."""
    header, *rows = PARTNERSHIPS.splitlines()
    text = "\n".join([header, *(row + "," for row in rows)]) + "\n"
    ds = pp.load_dataset(write_dataset(tmp_path / "d", partnerships=text))
    assert ds.problems == []
    table = ds.partnerships.set_index("partnership_id")
    assert table.loc["alpha", "name"] == "Alpha Water Alliance"
    assert table.loc["gamma", "region"] == "Latin America"


# ---- edits list only the real problem ---------------------------------------------------------


def _edit_alpha(folder: Path, **cells: str) -> list[str]:
    """Commit an edit of alpha's row; the refusal's problems (empty when it was saved)."""
    tables = changes.load_tables(folder)
    old = tables[PARTNERSHIPS_FILE].rows[0]
    try:
        changes.commit(
            folder,
            [Op(PARTNERSHIPS_FILE, dict(old), {**old, **cells})],
            action="Edited partnerships.csv",
            user="tester",
        )
    except pp.DataError as err:
        return [str(p) for p in err.problems]
    return []


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            {"started": "2019-13"},
            [
                "partnerships.csv, row 2, column 'started': '2019-13' is not a date; expected "
                "YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2019-03"
            ],
        ),
        (
            {"name": ""},
            [
                "partnerships.csv, row 2, column 'name': name is blank; every partnership needs "
                "a name; its 4 placements are left out until this is fixed"
            ],
        ),
        (
            {"name": "\u200b"},
            [
                "partnerships.csv, row 2, column 'name': name is blank; every partnership needs "
                "a name; its 4 placements are left out until this is fixed"
            ],
        ),
        (
            {"description": "bell\x07"},
            [
                "partnerships.csv, row 2, column 'description': contains a control character "
                "U+0007 that no spreadsheet shows; delete it"
            ],
        ),
        ({"started": "2019"}, []),
        ({"started": "2019-03"}, []),
    ],
    ids=["bad started", "blank name", "invisible name", "control character", "year", "month"],
)
def test_a_refused_edit_lists_only_its_real_problem(
    tiny: Path, cells: dict[str, str], expected: list[str]
) -> None:
    before = (tiny / "partnerships.csv").read_bytes()
    assert _edit_alpha(tiny, **cells) == expected
    if expected:
        assert (tiny / "partnerships.csv").read_bytes() == before
    else:
        assert pp.load_dataset(tiny).partnerships.iloc[0]["started"] == cells["started"]


def test_an_existing_problem_does_not_block_other_edits(tmp_path: Path) -> None:
    parts = with_started("2019-13").replace("gamma,Gamma", "gamma,", 1)
    folder = write_dataset(tmp_path / "d", partnerships=parts)
    tables = changes.load_tables(folder)
    beta = tables[PARTNERSHIPS_FILE].rows[1]
    changes.commit(
        folder,
        [Op(PARTNERSHIPS_FILE, dict(beta), {**beta, "country": "Togo"})],
        action="Edited partnerships.csv",
        user="tester",
    )
    placement = tables[PLACEMENTS_FILE].rows[-1]
    changes.commit(
        folder,
        [Op(PLACEMENTS_FILE, None, {**placement, "date": "2025-01-01"})],
        action="Added a placement of a left-out partnership",
        user="tester",
    )
    assert (
        pp.load_dataset(folder).partnerships.set_index("partnership_id").loc["beta", "country"]
        == "Togo"
    )


def test_a_lone_surrogate_in_an_edit_is_refused(tiny: Path) -> None:
    assert _edit_alpha(tiny, country="Kenya\ud800") == [
        "partnerships.csv, row 2, column 'country': contains a control character U+D800 that "
        "no spreadsheet shows; delete it"
    ]


def test_a_dropped_axis_takes_its_column_along_in_one_problem(tmp_path: Path) -> None:
    axes = AXES.replace("rules_task,Rules-oriented,", "rules_task,\u200b,", 1)
    placements = PLACEMENTS + "alpha,2024-06-01,public,actual,,,1,,only on rules_task\n"
    folder = write_dataset(tmp_path / "d", axes=axes, placements=placements)
    ds = pp.load_dataset(folder)
    assert messages(ds) == [
        "axes.csv, row 4, column 'low_pole': low_pole is blank; name the pole; its column in "
        "placements.csv is left out until this is fixed"
    ]
    assert ds.axis_ids == ["delivery_policy", "regulation_innovation"]
    assert len(ds.placements) == 7  # the row placed only on rules_task goes with it


def test_an_edit_never_rewrites_a_file_with_a_long_row(tiny: Path) -> None:
    """The extra cells of a long row are not in the editor's table: writing the file
    from it would cut them, so the edit is refused until the row is fixed."""
    text = PARTNERSHIPS + "delta,Delta,Chile,,,,,Pipes, and more,South America\n"
    (tiny / "partnerships.csv").write_text(text)
    assert _edit_alpha(tiny, country="Uganda") == [
        "partnerships.csv, row 5: row has 10 cells but the header has 9 columns; fix it in "
        "the file first, or this change would lose its extra cells"
    ]
    assert (tiny / "partnerships.csv").read_text() == text


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\ufffe"])
def test_saving_a_control_character_is_refused_and_writes_nothing(tiny: Path, char: str) -> None:
    before = {p.name: p.read_bytes() for p in tiny.iterdir()}
    name = f"U+{ord(char):04X}"
    with pytest.raises(pp.DataError) as err:
        pp.append_placement(
            tiny,
            {
                "partnership_id": "alpha",
                "date": "2025-01-01",
                "perspective": "donor",
                "kind": "actual",
                "delivery_policy": 1,
                "note": f"a{char}b",
            },
        )
    assert [str(p) for p in err.value.problems] == [
        f"placements.csv, row 9, column 'note': contains a control character {name} that no "
        "spreadsheet shows; delete it"
    ]
    with pytest.raises(pp.DataError) as err:
        pp.add_partnership(tiny, {"partnership_id": "delta", "name": f"D{char}"})
    assert [str(p) for p in err.value.problems] == [
        f"partnerships.csv, row 5, column 'name': contains a control character {name} that no "
        "spreadsheet shows; delete it"
    ]
    after = {p.name: p.read_bytes() for p in tiny.iterdir() if p.name != ".plotting.lock"}
    assert after == before


@pytest.mark.parametrize("name", ["axes.csv", "partnerships.csv"])
def test_an_unreadable_reference_file_is_the_only_problem(tmp_path: Path, name: str) -> None:
    """Placements are not checked against axes or partnerships that could not be read."""
    texts = {"axes.csv": AXES, "partnerships.csv": PARTNERSHIPS}
    key = name.removesuffix(".csv")
    folder = write_dataset(tmp_path / "d", **{key: texts[name].replace(",", ";")})
    advice = {
        "axes.csv": "open it in your spreadsheet program and save it as 'CSV UTF-8 (comma "
        "delimited)'",
        "partnerships.csv": "move it out of the data folder (or rename it, e.g. to "
        "partnerships-semicolons.csv), then bring it in with Data → Import (or python -m "
        "plotting import), which writes a new partnerships.csv",
    }[name]
    assert messages(pp.load_dataset(folder)) == [
        f"{name}, row 1: {name} looks semicolon-separated (as Excel saves in many countries); "
        f"this folder needs comma-separated files: {advice}"
    ]


@pytest.mark.parametrize(
    ("value", "fits"),
    [
        ("", True),
        ("2019", True),
        ("2019-03", True),
        ("2019-03-14", True),
        ("2019-13", True),  # the shape fits; the validator finds the month impossible
        ("03/2019", False),
        ("2019-3", False),
        (" 2019", False),
        ("March 2019", False),
    ],
)
def test_the_editors_pattern_checks_the_shape_as_typed(value: str, fits: bool) -> None:
    import re

    assert (re.fullmatch(validation.PARTIAL_DATE_INPUT_RE, value) is not None) == fits


def test_placements_of_partnerships_only_counted_in_a_summary_are_counted_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validation, "MAX_PROBLEMS_PER_CHECK", 1)
    parts = PARTNERSHIPS.replace("alpha,Alpha Water Alliance,", "alpha,,", 1).replace(
        "beta,Beta Sanitation Platform,", "beta,,", 1
    )
    folder = write_dataset(tmp_path / "d", partnerships=parts)
    assert messages(pp.load_dataset(folder)) == [
        "partnerships.csv, column 'name': 1 more rows have the same kind of problem; their 2 "
        "placements are left out until this is fixed",
        "partnerships.csv, row 2, column 'name': name is blank; every partnership needs a name; "
        "its 4 placements are left out until this is fixed",
    ]


# ---- rows left out for too many cells take along what refers to them ---------------------------


@pytest.mark.parametrize("large", [False, True], ids=["small", "fast path"])
def test_a_long_partnership_row_takes_its_placements_along_in_one_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, large: bool
) -> None:
    if large:
        monkeypatch.setattr(storage, "FAST_READ_MIN_BYTES", 0)
    lines = PARTNERSHIPS.splitlines()
    lines[1] += ",one cell too many"  # alpha, row 2: four placements refer to it
    folder = write_dataset(tmp_path / "d", partnerships="\n".join(lines) + "\n")
    ds = pp.load_dataset(folder)
    assert messages(ds) == [
        "partnerships.csv, row 2: row has 10 cells but the header has 9 columns (the extra: "
        "'one cell too many'); a cell may hold a comma without quotes around it, or a column "
        "lacks its header; its 4 placements are left out until this is fixed"
    ]
    assert sorted(ds.partnerships["partnership_id"]) == ["beta", "gamma"]
    assert sorted(set(ds.placements["partnership_id"])) == ["beta", "gamma"]


def test_a_long_row_in_the_sample_data_is_its_only_problem(tmp_path: Path) -> None:
    """The reviewer's case: one extra cell in row 3 of the sample's partnerships.csv."""
    folder = tmp_path / "d"
    folder.mkdir()
    sample = Path(__file__).resolve().parents[2] / "data"
    for name in ("axes.csv", "partnerships.csv", "placements.csv"):
        (folder / name).write_bytes((sample / name).read_bytes())
    lines = (folder / "partnerships.csv").read_text().split("\n")
    lines[2] += ",extra"
    (folder / "partnerships.csv").write_text("\n".join(lines))
    ds = pp.load_dataset(folder)
    assert len(ds.problems) == 1
    assert ds.problems[0].row == 3
    assert ds.problems[0].message.endswith("placements are left out until this is fixed")


def test_a_long_axis_row_takes_its_column_along_in_one_problem(tmp_path: Path) -> None:
    axes = AXES.replace("How partners work together", "How partners work, together", 1)
    ds = pp.load_dataset(write_dataset(tmp_path / "d", axes=axes))
    assert messages(ds) == [
        "axes.csv, row 4: row has 5 cells but the header has 4 columns (the extra: "
        "' together'); a cell may hold a comma without quotes around it, or a column lacks "
        "its header; its column in placements.csv is left out until this is fixed"
    ]
    assert ds.axis_ids == ["delivery_policy", "regulation_innovation"]


@pytest.mark.parametrize("large", [False, True], ids=["small", "fast path"])
@pytest.mark.parametrize("char", ["\x07", "\x00", "\x7f", "\ufffe"])
def test_a_control_character_in_a_header_cell_is_one_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, char: str, large: bool
) -> None:
    if large:
        monkeypatch.setattr(storage, "FAST_READ_MIN_BYTES", 0)
    header, rest = PARTNERSHIPS.split("\n", 1)
    text = f"{header},no{char}tes\n" + "".join(line + ",x\n" for line in rest.splitlines())
    ds = pp.load_dataset(write_dataset(tmp_path / "d", partnerships=text))
    assert messages(ds) == [
        "partnerships.csv, row 1, column 'notes': the column name contains a control "
        f"character U+{ord(char):04X} that no spreadsheet shows; delete it"
    ]
    assert len(ds.partnerships) == 3


# ---- a started with surrounding spaces is refused everywhere, never changed ---------------------

SPACED = [" 2019 ", "2019 ", " 2019-03", "2019-03-14\t"]


def _spaced_problem(value: str, row: int) -> list[str]:
    return [
        f"partnerships.csv, row {row}, column 'started': {value!r} is not a date; "
        "expected YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2019-03"
    ]


@pytest.mark.parametrize("value", SPACED)
def test_a_spaced_started_is_refused_on_load(tmp_path: Path, value: str) -> None:
    folder = write_dataset(tmp_path / "d", partnerships=with_started(value))
    assert messages(pp.load_dataset(folder)) == _spaced_problem(value, 2)


@pytest.mark.parametrize("value", SPACED)
def test_a_new_partnership_with_a_spaced_started_is_refused(tiny: Path, value: str) -> None:
    with pytest.raises(pp.DataError) as err:
        pp.add_partnership(tiny, {"partnership_id": "delta", "name": "D", "started": value})
    assert [str(p) for p in err.value.problems] == _spaced_problem(value, 5)
    assert (tiny / "partnerships.csv").read_text() == PARTNERSHIPS


@pytest.mark.parametrize("value", SPACED)
def test_an_edit_to_a_spaced_started_is_refused(tiny: Path, value: str) -> None:
    assert _edit_alpha(tiny, started=value) == _spaced_problem(value, 2)
    # The Data page's way: its edited table turned into ops, as the page does.
    table = changes.load_tables(tiny)[PARTNERSHIPS_FILE]
    edited = table.frame()
    edited.loc[0, "started"] = value
    ops = changes.table_ops(PARTNERSHIPS_FILE, table, edited)
    assert [op.after["started"] for op in ops] == [value]
    with pytest.raises(pp.DataError) as err:
        changes.commit(tiny, ops, action="Edited partnerships.csv", user="tester")
    assert [str(p) for p in err.value.problems] == _spaced_problem(value, 2)
    assert (tiny / "partnerships.csv").read_text() == PARTNERSHIPS


def test_a_blank_started_of_spaces_is_blank(tiny: Path) -> None:
    record = pp.add_partnership(tiny, {"partnership_id": "delta", "name": "D", "started": "  "})
    assert record["started"] == ""


# ---- a semicolon-separated data file: the advice, followed literally, brings it in -------------


def _semicolons(text: str) -> str:
    """A CSV text as Excel saves it where the comma is the decimal mark."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(csv.reader(io.StringIO(text)))
    return out.getvalue().replace("1.5", "1,5").replace("2.5", "2,5")


@pytest.mark.parametrize("name", [PLACEMENTS_FILE, PARTNERSHIPS_FILE])
def test_following_the_separator_advice_loads_the_data(tmp_path: Path, name: str) -> None:
    from plotting.importer import EXTRA, commit_import, guess_mapping, plan_import, read_source

    original = {PLACEMENTS_FILE: PLACEMENTS, PARTNERSHIPS_FILE: PARTNERSHIPS}[name]
    key = name.removesuffix(".csv")
    folder = write_dataset(tmp_path / "d", **{key: _semicolons(original)})
    before = pp.load_dataset(folder)
    (problem,) = before.problems
    # Importing the file where it is cannot work: the import says what to do instead.
    source = read_source(name, (folder / name).read_bytes())
    mapping = guess_mapping(list(source.frame.columns), before.axes)
    plan = plan_import(folder, source, mapping)
    assert [str(p) for p in plan.problems] == [str(problem)]
    # "move it out of the data folder (or rename it …)"
    moved = folder / f"{key}-semicolons.csv"
    (folder / name).rename(moved)
    # "then bring it in with Data → Import", keeping its extra columns (region)
    source = read_source(moved.name, moved.read_bytes())
    mapping = guess_mapping(list(source.frame.columns), before.axes)
    mapping |= {f"{EXTRA}{c}": c for c in source.frame.columns if c not in mapping.values()}
    plan = plan_import(folder, source, mapping)
    assert plan.problems == []
    commit_import(folder, plan, user="tester")
    after = pp.load_dataset(folder)
    assert after.problems == []
    assert len(after.placements) == 7 and len(after.partnerships) == 3
    expected = pp.load_dataset(write_dataset(tmp_path / "e"))
    columns = [c for c in expected.placements.columns if c != "_row"]
    pd.testing.assert_frame_equal(
        after.placements[columns]
        .sort_values(["partnership_id", "date", "perspective", "kind"])
        .reset_index(drop=True),
        expected.placements[columns]
        .sort_values(["partnership_id", "date", "perspective", "kind"])
        .reset_index(drop=True),
        check_like=True,
    )
    if name == PARTNERSHIPS_FILE:
        table = after.partnerships.set_index("partnership_id")
        assert table.loc["alpha", "region"] == "East Africa"
        assert table.loc["alpha", "description"] == 'Kiosks, pipes and "policy" work'
