"""Import: files as Excel, LibreOffice and Google Sheets write them, mapping, preview, commit."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

import plotting as pp
from plotting.history import read_history
from plotting.importer import (
    MAX_UPLOAD_BYTES,
    ImportFileError,
    changes_table,
    clean_date,
    clean_number,
    clean_partial_date,
    commit_import,
    guess_mapping,
    load_mappings,
    plan_import,
    read_source,
    save_mapping,
)
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
ROWS = [
    # partnership, date (ISO), perspective, kind, delivery_policy, regulation_innovation, note
    ("alpha", "2025-03-15", "donor", "actual", 2.5, -1.0, 'Donor, now "convinced"'),
    ("beta", "2025-04-02", "public", "target", -0.5, 3.0, "Ministère: plus d'innovation"),
]


def excel_utf8_csv() -> bytes:
    """Excel's 'CSV UTF-8': byte-order mark, CRLF, dd/mm/yyyy dates (UK locale)."""
    lines = [
        "Partnership,Date,Perspective,Kind,Delivering services ↔ Informing policy,"
        "Regulating delivery ↔ Stimulating innovation,Rationale"
    ]
    for p, d, who, k, x, y, note in ROWS:
        day = dt.date.fromisoformat(d).strftime("%d/%m/%Y")
        lines.append(
            f'{p},{day},{who},{k.capitalize()},{x},{y},"{note.replace(chr(34), chr(34) * 2)}"'
        )
    return b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8")


def excel_european_csv() -> bytes:
    """Excel in a French/German locale: Windows-1252, semicolons, decimal commas,
    dd.mm.yyyy dates, a stray blank row and trailing spaces."""
    lines = ["partnership_id;date;perspective;kind;delivery_policy;regulation_innovation;note"]
    for p, d, who, k, x, y, note in ROWS:
        day = dt.date.fromisoformat(d).strftime("%d.%m.%Y")
        lines.append(
            f"{p} ;{day};{who} ;{k};{str(x).replace('.', ',')};{str(y).replace('.', ',')};{note.replace(chr(34), '')}"
        )
        lines.append(";;;;;;")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def google_sheets_csv() -> bytes:
    """Google Sheets (US locale): UTF-8 without BOM, m/d/yyyy dates, quoted commas."""
    lines = ["Partnership ID,When,Who,Type,delivery_policy,regulation_innovation,Notes"]
    for p, d, who, k, x, y, note in ROWS:
        date = dt.date.fromisoformat(d)
        lines.append(
            f'{p},{date.month}/{date.day}/{date.year},{who},{k},{x},{y},"{note.replace(chr(34), chr(34) * 2)}"'
        )
    return ("\r\n".join(lines)).encode("utf-8")


def libreoffice_tab_csv() -> bytes:
    """LibreOffice 'Text CSV' with tab separators, all text cells quoted, LF endings."""
    lines = [
        '"partnership_id"\t"date"\t"perspective"\t"kind"\t"delivery_policy"\t"regulation_innovation"\t"note"'
    ]
    for p, d, who, k, x, y, note in ROWS:
        lines.append(
            f'"{p}"\t"{d}"\t"{who}"\t"{k}"\t{x}\t{y}\t"{note.replace(chr(34), chr(34) * 2)}"'
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def excel_xlsx() -> bytes:
    """An .xlsx with real date cells and numbers, as Excel saves it (openpyxl-made)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Placements"
    sheet.append(
        [
            "Partnership",
            "Date",
            "Perspective",
            "Kind",
            "delivery_policy",
            "regulation_innovation",
            "Note",
        ]
    )
    for p, d, who, k, x, y, note in ROWS:
        sheet.append([p, dt.datetime.fromisoformat(d), who, k, x, y, note])
    sheet.append([None] * 7)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


FILES = {
    "excel-utf8.csv": excel_utf8_csv,
    "excel-european.csv": excel_european_csv,
    "google-sheets.csv": google_sheets_csv,
    "libreoffice.tsv.csv": libreoffice_tab_csv,
    "excel.xlsx": excel_xlsx,
}


@pytest.mark.parametrize("name", FILES)
def test_spreadsheet_files_import_correctly(tiny: Path, name: str) -> None:
    source = read_source(name, FILES[name]())
    ds = pp.load_dataset(tiny)
    mapping = guess_mapping(list(source.frame.columns), ds.axes)
    assert {
        "partnership_id",
        "date",
        "perspective",
        "kind",
        "delivery_policy",
        "regulation_innovation",
        "note",
    } <= set(mapping)
    plan = plan_import(tiny, source, mapping)
    assert plan.problems == []
    assert len(plan.new_placements) == 2
    commit_import(tiny, plan, user="test")
    ds = pp.load_dataset(tiny)
    assert ds.problems == []
    new = ds.placements.iloc[-2:]
    got = [
        (
            r.partnership_id,
            r.date.date().isoformat(),
            r.perspective,
            r.kind,
            r.delivery_policy,
            r.regulation_innovation,
        )
        for r in new.itertuples()
    ]
    assert got == [row[:6] for row in ROWS]
    notes = new["note"].tolist()
    assert notes[1] == "Ministère: plus d'innovation"


def test_flat_sheet_is_split_into_partnerships_and_placements(tiny: Path) -> None:
    text = (
        "Name,Country,Sector,Partners,Date,Perspective,delivery_policy,regulation_innovation\n"
        "Delta Water Fund,Peru,Water resources,Fund; Utility,2025-01-10,donor,1,2\n"
        "Delta Water Fund,Peru,Water resources,Fund; Utility,2025-01-10,public,-1,0\n"
        "Alpha Water Alliance,,,,2025-01-10,public,3,3\n"
    )
    source = read_source("flat.csv", text.encode())
    plan = plan_import(
        tiny, source, guess_mapping(list(source.frame.columns), pp.load_dataset(tiny).axes)
    )
    assert plan.problems == []
    assert [p["partnership_id"] for p in plan.new_partnerships] == ["delta-water-fund"]
    assert plan.new_partnerships[0]["partners"] == "Fund; Utility"
    assert [(p["partnership_id"], p["perspective"]) for p in plan.new_placements] == [
        ("delta-water-fund", "donor"),
        ("delta-water-fund", "public"),
        ("alpha", "public"),
    ]
    commit_import(tiny, plan, user="t")
    ds = pp.load_dataset(tiny)
    assert ds.problems == [] and len(ds.partnerships) == 4


def test_conflicting_details_in_a_flat_sheet_are_reported(tiny: Path) -> None:
    text = "Name,Country,Date,Perspective,delivery_policy\nD,Peru,2025-01-01,a,1\nD,Chile,2025-01-02,a,1\n"
    source = read_source("flat.csv", text.encode())
    plan = plan_import(
        tiny,
        source,
        guess_mapping(list(source.frame.columns), []) | {"delivery_policy": "delivery_policy"},
    )
    assert [(p.row, p.column) for p in plan.problems] == [(3, "Country")]


def test_preview_reports_every_problem_row_by_row_and_writes_nothing(tiny: Path) -> None:
    before = {n: (tiny / n).read_bytes() for n in ("partnerships.csv", "placements.csv")}
    text = (
        "partnership_id,date,perspective,kind,delivery_policy,regulation_innovation\n"
        "alpha,2025-13-45,donor,actual,1,1\n"
        "\n"
        "beta,2025-01-01,donor,maybe,1,1\n"
        "beta,2025-01-01,donor,actual,seven,9\n"
        "beta,2025-01-02,,actual,1,1\n"
    )
    source = read_source("bad.csv", text.encode())
    plan = plan_import(
        tiny, source, guess_mapping(list(source.frame.columns), pp.load_dataset(tiny).axes)
    )
    located = [(p.file, p.row, p.column) for p in plan.problems]
    assert located == [
        ("bad.csv", 2, "date"),
        ("bad.csv", 4, "kind"),
        ("bad.csv", 5, "delivery_policy"),
        ("bad.csv", 5, "regulation_innovation"),
        ("bad.csv", 6, "perspective"),
    ]
    with pytest.raises(ValueError):
        commit_import(tiny, plan, user="t")
    assert {n: (tiny / n).read_bytes() for n in before} == before


@pytest.mark.parametrize(("choice", "value"), [("skip", 3.0), ("replace", 4.0)])
def test_duplicates_are_reported_then_skipped_or_replaced(
    tiny: Path, choice: str, value: float
) -> None:
    text = (
        "partnership_id,date,perspective,kind,delivery_policy,regulation_innovation,note\n"
        "beta,2023-05-01,civil society,actual,4,3,again\n"
    )
    source = read_source("dup.csv", text.encode())
    plan = plan_import(
        tiny, source, guess_mapping(list(source.frame.columns), pp.load_dataset(tiny).axes)
    )
    assert len(plan.duplicates) == 1 and plan.new_placements == []
    if choice == "skip":  # nothing to write: refused, and no empty change is recorded
        assert plan.nothing_to_import("skip") == (
            "its placement is already there, and no partnership details change"
        )
        with pytest.raises(ValueError, match="nothing to import"):
            commit_import(tiny, plan, on_duplicate=choice, user="t")
        assert read_history(tiny) == []
    else:
        commit_import(tiny, plan, on_duplicate=choice, user="t")
    ds = pp.load_dataset(tiny)
    row = ds.placements[
        (ds.placements["partnership_id"] == "beta") & (ds.placements["date"] == "2023-05-01")
    ]
    assert row["delivery_policy"].tolist() == [1.0 if choice == "skip" else value]


def test_import_is_one_undoable_change(tiny: Path) -> None:
    before = (tiny / "placements.csv").read_bytes()
    source = read_source("e.csv", excel_utf8_csv())
    plan = plan_import(
        tiny, source, guess_mapping(list(source.frame.columns), pp.load_dataset(tiny).axes)
    )
    change = commit_import(tiny, plan, user="t")
    assert read_history(tiny)[-1].action.startswith(
        "Imported e.csv: 0 new partnership(s), 0 changed, 2 new"
    )
    from plotting.changes import undo

    undo(tiny, change.change_id, user="t")
    assert (tiny / "placements.csv").read_bytes() == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("big.csv", b"a" * (MAX_UPLOAD_BYTES + 1), "the limit is 20 MB"),
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "only .csv and .xlsx"),
        ("sheet.ods", b"PK\x03\x04rest", "not .xlsx"),
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "not a text"),
        ("broken.xlsx", b"PK\x03\x04garbage", "cannot be read as .xlsx"),
        ("empty.csv", b"\n\n", "empty"),
    ],
)
def test_unreadable_uploads_get_a_clear_error(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_source(name, data)


@pytest.mark.parametrize(
    ("text", "dayfirst", "iso"),
    [
        ("15/03/2024", True, "2024-03-15"),
        ("03/15/2024", False, "2024-03-15"),
        ("15.3.24", True, "2024-03-15"),
        ("2024/03/15", True, "2024-03-15"),
        ("15 Mar 2024", True, "2024-03-15"),
        ("March 15, 2024", True, "2024-03-15"),
        ("45366", True, "2024-03-15"),
        ("2024-03-15 00:00:00", True, "2024-03-15"),
        ("31/02/2024", True, None),
        ("soon", True, None),
    ],
)
def test_clean_date(text: str, dayfirst: bool, iso: str | None) -> None:
    assert clean_date(text, dayfirst=dayfirst) == iso


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("2,5", "2.5"),
        (" -3 ", "-3"),
        ("+1.50", "1.5"),
        ("\u22122", "-2"),
        ("", ""),
        ("x", None),
        ("nan", None),
    ],
)
def test_clean_number(text: str, out: str | None) -> None:
    assert clean_number(text) == out


def test_mappings_are_saved_and_reused(tiny: Path) -> None:
    save_mapping(
        tiny, "county survey", {"partnership_id": "Partnership", "date": "Date", "note": ""}
    )
    assert load_mappings(tiny) == {
        "county survey": {"partnership_id": "Partnership", "date": "Date"}
    }


cli = run_cli


def test_cli_import_writes_and_reports(tiny: Path, tmp_path: Path) -> None:
    path = tmp_path / "euro.csv"
    path.write_bytes(excel_european_csv())
    out = cli("import", str(path), "--data", str(tiny))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("euro.csv: 0 new partnership(s), 0 changed, 2 new placement(s)")
    assert len(pp.load_dataset(tiny).placements) == 9
    history = cli("history", "--data", str(tiny))
    assert "Imported euro.csv" in history.stdout
    change_id = history.stdout.split()[0]
    undone = cli("undo", change_id, "--data", str(tiny))
    assert undone.returncode == 0 and len(pp.load_dataset(tiny).placements) == 7


def test_cli_import_with_problems_writes_nothing(tiny: Path, tmp_path: Path) -> None:
    before = (tiny / "placements.csv").read_bytes()
    path = tmp_path / "bad.csv"
    path.write_text(
        "partnership_id,date,perspective,delivery_policy\nalpha,nope,donor,1\nzzz,2024-01-01,donor,99\n"
    )
    out = cli("import", str(path), "--data", str(tiny))
    assert out.returncode == 1
    assert out.stdout.splitlines() == [
        "bad.csv, row 2, column 'date': 'nope' is not a date; expected e.g. 2024-03-15 or 15/03/2024",
        "bad.csv, row 3, column 'delivery_policy': 99 is out of range; expected a position from -5 to 5",
    ]
    assert (tiny / "placements.csv").read_bytes() == before


# ---- partial start dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2019", "2019"),
        ("2019-03", "2019-03"),
        ("2019/3", "2019-03"),
        ("2019-03-14", "2019-03-14"),
        ("03/2019", "2019-03"),
        ("3/2019", "2019-03"),
        ("3.2019", "2019-03"),
        ("March 2019", "2019-03"),
        ("Mar 2019", "2019-03"),
        ("mar. 2019", "2019-03"),
        ("Sept 2019", "2019-09"),
        ("mars 2019", "2019-03"),
        ("février 2019", "2019-02"),
        ("févr. 2019", "2019-02"),
        ("août 2019", "2019-08"),
        ("marzo 2019", "2019-03"),
        ("marzo de 2019", "2019-03"),
        ("diciembre 2019", "2019-12"),
        ("março 2019", "2019-03"),
        ("Março de 2019", "2019-03"),
        ("outubro 2019", "2019-10"),
        ("Mar-19", "2019-03"),
        ("43538", "2019-03-14"),
        ("14/03/2019", "2019-03-14"),
        ("14 mars 2019", "2019-03-14"),
        ("14 de marzo de 2019", "2019-03-14"),
        ("March 14, 2019", "2019-03-14"),
        ("1er mars 2019", "2019-03-01"),
        (" 2019 ", "2019"),
        ("13/2019", None),
        ("2019-13", None),
        ("Smarch 2019", None),
        ("12345678", None),
        ("0999", None),
        ("soon", None),
        ("", None),
    ],
)
def test_start_dates_as_people_write_them(text: str, iso: str | None) -> None:
    assert clean_partial_date(text) == iso


def test_partial_start_dates_are_planned_as_written(tiny: Path) -> None:
    forms = ["2019", "03/2019", "März 2019", "mars 2019", "marzo 2019", "2019-03-14", "45366"]
    lines = ["Name,Started"] + [f"P{i},{f}" for i, f in enumerate(forms)]
    source = read_source("starts.csv", "\n".join(lines).encode())
    plan = plan_import(tiny, source, {"name": "Name", "started": "Started"})
    # "März" is German: not one of the four languages, so it is a located problem.
    assert [(p.row, p.column) for p in plan.problems] == [(4, "Started")]
    assert "expected e.g. 2019, 2019-03" in plan.problems[0].message
    assert [p["started"] for p in plan.new_partnerships] == [
        "2019",
        "2019-03",
        "",
        "2019-03",
        "2019-03",
        "2019-03-14",
        "2024-03-15",
    ]


def test_placement_dates_stay_full_days(tiny: Path) -> None:
    source = read_source(
        "p.csv", b"partnership_id,date,perspective,delivery_policy\nalpha,March 2024,donor,1\n"
    )
    plan = plan_import(tiny, source, guess_mapping(list(source.frame.columns), []) | AXIS_MAP)
    (problem,) = plan.problems
    assert (problem.row, problem.column) == (2, "date")
    assert "has no day" in problem.message and "2024-03-01" in problem.message


AXIS_MAP = {"delivery_policy": "delivery_policy"}


def test_xlsx_date_shown_as_month_and_year_stays_partial(tiny: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Started"])
    for name, fmt in (("A", "mmm yyyy"), ("B", "yyyy"), ("C", "dd/mm/yyyy"), ("D", "mmm-yy")):
        sheet.append([name, dt.datetime(2019, 3, 14)])
        sheet.cell(sheet.max_row, 2).number_format = fmt
    buf = io.BytesIO()
    book.save(buf)
    source = read_source("s.xlsx", buf.getvalue())
    assert source.frame["Started"].tolist() == ["2019-03", "2019", "2019-03-14", "2019-03"]


# ---- control and invisible characters ---------------------------------------------------


def test_control_characters_are_removed_with_a_warning_naming_each_cell(tiny: Path) -> None:
    text = (
        b"partnership_id,date,perspective,delivery_policy,note\n"
        b"alpha,2025-01-01,donor\x00,1,ok\n"
        b"alpha,2025-01-02,donor,1,bell\x07 and escape\x1b\x07\n"
        b'alpha,2025-01-03,donor,1,"tab\tand line\nbreak kept"\n'
    )
    source = read_source("ctl.csv", text)
    plan = plan_import(tiny, source, guess_mapping(list(source.frame.columns), []) | AXIS_MAP)
    assert plan.problems == []
    assert [(w.file, w.row, w.column, w.message) for w in plan.warnings] == [
        ("ctl.csv", 2, "perspective", "removed control character(s) U+0000"),
        ("ctl.csv", 3, "note", "removed control character(s) U+0007, U+001B"),
    ]
    assert [p["perspective"] for p in plan.new_placements] == ["donor"] * 3
    assert [p["note"] for p in plan.new_placements] == [
        "ok",
        "bell and escape",
        "tab\tand line\nbreak kept",
    ]
    commit_import(tiny, plan, user="t")
    assert "\x07" not in (tiny / "placements.csv").read_text()


def test_control_characters_in_headers_and_xlsx_cells(tiny: Path) -> None:
    book = Workbook()
    sheet = book.active
    # Excel writes characters that XML cannot hold as _xHHHH_.
    sheet.append(["Name_x000B_", "Country"])
    sheet.append(["Delta_x001F_ Fund", "Peru_x007F_"])
    buf = io.BytesIO()
    book.save(buf)
    source = read_source("s.xlsx", buf.getvalue())
    assert list(source.frame.columns) == ["Name", "Country"]
    assert [(w.row, w.column) for w in source.warnings] == [
        (1, "Name"),
        (2, "Name"),
        (2, "Country"),
    ]
    assert source.frame.iloc[0].tolist() == ["Delta Fund", "Peru"]


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u00a0\u200b", "\u2060"])
def test_a_name_or_perspective_of_invisible_characters_is_blank_and_a_problem(
    tiny: Path, invisible: str
) -> None:
    text = (
        "Name,Date,Perspective,delivery_policy,Country\n"
        f"{invisible},2025-01-01,donor,1,Peru\n"
        f"Delta,2025-01-01,{invisible},1,Peru\n"
        f"Echo,2025-01-01,donor,1,{invisible}\n"
    )
    source = read_source("inv.csv", text.encode())
    plan = plan_import(tiny, source, guess_mapping(list(source.frame.columns), []) | AXIS_MAP)
    assert [(p.row, p.column) for p in plan.problems] == [(2, "Name"), (3, "Perspective")]
    assert "only invisible characters" in plan.problems[0].message
    assert [(w.row, w.column) for w in plan.warnings] == [(4, "Country")]
    assert [p["country"] for p in plan.new_partnerships if p["name"] == "Echo"] == [""]


# ---- no guessing into renames or overwrites ---------------------------------------------


def test_id_column_matching_no_id_while_names_match_needs_confirmation(tiny: Path) -> None:
    before = {n: (tiny / n).read_bytes() for n in ("partnerships.csv", "placements.csv")}
    text = (
        "Code,Name,Date,Perspective,delivery_policy\n"
        "P-001,Alpha Water Alliance,2025-01-01,donor,1\n"
        "P-002,Beta Sanitation Platform,2025-01-01,donor,2\n"
    )
    source = read_source("codes.csv", text.encode())
    mapping = guess_mapping(list(source.frame.columns), []) | AXIS_MAP
    assert mapping["partnership_id"] == "Code"  # the guess that would surprise
    plan = plan_import(tiny, source, mapping)
    assert plan.ok
    (warning,) = plan.confirmations
    assert "'Code', mapped to the partnership id, matches none of the 3 existing" in warning
    assert "2 names in the file match existing partnerships" in warning
    assert "Alpha Water Alliance, Beta Sanitation Platform" in warning
    with pytest.raises(ValueError, match="needs confirmation"):
        commit_import(tiny, plan, user="t")
    assert {n: (tiny / n).read_bytes() for n in before} == before
    # Changing the mapping (no id column): rows are matched by name, no warning.
    plan = plan_import(tiny, source, {**mapping, "partnership_id": ""})
    assert plan.confirmations == [] and plan.new_partnerships == []
    assert [p["partnership_id"] for p in plan.new_placements] == ["alpha", "beta"]
    # Or confirming: these are new partnerships.
    plan = plan_import(tiny, source, mapping)
    commit_import(tiny, plan, user="t", confirmed=True)
    ids = pp.load_dataset(tiny).partnerships["partnership_id"].tolist()
    assert ids[-2:] == ["P-001", "P-002"]


def test_renaming_an_existing_partnership_needs_confirmation(tiny: Path) -> None:
    text = "partnership_id,name,country\nalpha,Alpha WASH Alliance,Kenya\nbeta,,Togo\n"
    source = read_source("r.csv", text.encode())
    plan = plan_import(tiny, source, guess_mapping(list(source.frame.columns), []))
    (warning,) = plan.confirmations
    assert warning.startswith("1 existing partnership would be renamed: ")
    assert "alpha: “Alpha Water Alliance” → “Alpha WASH Alliance”" in warning
    with pytest.raises(ValueError, match="needs confirmation"):
        commit_import(tiny, plan, user="t")
    commit_import(tiny, plan, user="t", confirmed=True)
    names = pp.load_dataset(tiny).partnerships.set_index("partnership_id")["name"]
    assert names["alpha"] == "Alpha WASH Alliance" and names["beta"] == "Beta Sanitation Platform"


def test_a_new_partnership_named_like_an_existing_one_needs_confirmation(tiny: Path) -> None:
    text = "partnership_id,name\nalpha,Alpha Water Alliance\nbeta-2,beta sanitation platform\n"
    source = read_source("n.csv", text.encode())
    plan = plan_import(tiny, source, guess_mapping(list(source.frame.columns), []))
    (warning,) = plan.confirmations
    assert "1 new partnership would have the name of an existing one" in warning
    assert "new id beta-2, existing id beta" in warning


def test_preview_lists_each_changed_cell_before_and_after_with_counts(tiny: Path) -> None:
    text = (
        "partnership_id,country,sector,started,description\n"
        "alpha,Tanzania,Water supply,2020-01-15,Kiosks\n"  # country and description change
        "beta,,Hygiene,2021-06,\n"  # sector changes; blank cells erase nothing; the
        # less precise start (2021-06 for 2021-06-01) keeps the stored day
        "gamma,Peru,WASH in schools,March 2019,\n"  # started filled in
    )
    source = read_source("c.csv", text.encode())
    plan = plan_import(tiny, source, guess_mapping(list(source.frame.columns), []))
    assert plan.ok and plan.confirmations == []
    changes = [(c.row, c.column, c.before, c.after) for c in plan.cell_changes()]
    assert changes == [
        ("alpha", "country", "Kenya", "Tanzania"),
        ("alpha", "description", 'Kiosks, pipes and "policy" work', "Kiosks"),
        ("beta", "sector", "Sanitation", "Hygiene"),
        ("gamma", "started", "", "2019-03"),
    ]
    assert plan.change_summary() == "3 existing partnerships change: 4 cells."
    assert plan.summary() == "0 new partnership(s), 3 changed, 0 new placement(s)"
    table = changes_table(plan.cell_changes())
    assert table.columns.tolist() == ["File", "Row", "Column", "Before", "After"]
    assert table.iloc[0].tolist() == ["partnerships.csv", "alpha", "country", "Kenya", "Tanzania"]


def test_one_change_is_counted_in_the_singular(tiny: Path) -> None:
    source = read_source("c.csv", b"partnership_id,country\nalpha,Tanzania\n")
    plan = plan_import(tiny, source, guess_mapping(list(source.frame.columns), []))
    assert plan.change_summary() == "1 existing partnership changes: 1 cell."
    source = read_source("c.csv", b"partnership_id,country\nalpha,Kenya\n")
    plan = plan_import(tiny, source, guess_mapping(list(source.frame.columns), []))
    assert plan.change_summary() == "No existing row changes." and plan.ops() == []


def test_replacing_duplicates_changes_only_the_files_cells_and_renames_nothing(
    tiny: Path,
) -> None:
    names = (tiny / "partnerships.csv").read_bytes()
    text = (
        "partnership_id,name,date,perspective,kind,delivery_policy,note\n"
        "alpha,Alpha Water Alliance,2023-03-01,public,actual,-2,\n"
    )
    source = read_source("d.csv", text.encode())
    plan = plan_import(tiny, source, guess_mapping(list(source.frame.columns), []) | AXIS_MAP)
    assert plan.confirmations == [] and plan.changed_partnerships == []
    assert plan.cell_changes("skip") == []
    assert [(c.file, c.column, c.before, c.after) for c in plan.cell_changes("replace")] == [
        ("placements.csv", "delivery_policy", "-3", "-2")
    ]
    assert plan.change_summary("replace") == "1 existing placement changes: 1 cell."
    commit_import(tiny, plan, on_duplicate="replace", user="t")
    row = pp.load_dataset(tiny).placements.iloc[0]
    # The file's blank note and missing axes erase nothing; partnerships are untouched.
    assert (row["delivery_policy"], row["regulation_innovation"], row["note"]) == (
        -2.0,
        -2.0,
        "Utility runs kiosks",
    )
    assert (tiny / "partnerships.csv").read_bytes() == names


# ---- unmapped columns: listed, and kept on request --------------------------------------


def test_unmapped_columns_are_listed_and_can_be_kept_as_extra_columns(tiny: Path) -> None:
    before = (tiny / "partnerships.csv").read_bytes()
    text = (
        "Name,Country,Budget,Lead officer,Region\n"
        "Delta Fund,Peru,1200,Ana\x07,Latin America\n"
        "Alpha Water Alliance,Kenya,800,=cmd(),East Africa\n"
    )
    source = read_source("extra.csv", text.encode())
    mapping = guess_mapping(list(source.frame.columns), [])
    plan = plan_import(tiny, source, mapping)
    assert plan.not_imported == ["Budget", "Lead officer", "Region"]
    keep = {"+Budget": "Budget", "+Lead officer": "Lead officer", "+Region": "Region"}
    plan = plan_import(tiny, source, mapping | keep)
    assert plan.ok and plan.not_imported == []
    assert plan.extra_columns == ["Budget", "Lead officer", "region"]  # Region fills region
    assert plan.new_columns == ["Budget", "Lead officer"]
    # A control character removed, and a cell a spreadsheet would run: kept as written.
    assert [(w.row, w.column) for w in plan.warnings] == [(2, "Lead officer"), (3, "Lead officer")]
    assert "would run it as a formula; imported as written" in plan.warnings[1].message
    assert plan.new_partnerships[0] | {} == {
        "partnership_id": "delta-fund",
        "name": "Delta Fund",
        "country": "Peru",
        "sector": "",
        "arrangement": "",
        "partners": "",
        "started": "",
        "description": "",
        "region": "Latin America",
        "Budget": "1200",
        "Lead officer": "Ana",
    }
    assert [(c.row, c.column, c.after) for c in plan.cell_changes()] == [
        ("alpha", "Budget", "800"),
        ("alpha", "Lead officer", "=cmd()"),
    ]
    assert plan.summary().endswith("; 2 new column(s)")
    change = commit_import(tiny, plan, user="t")
    ds = pp.load_dataset(tiny)
    assert ds.problems == []
    assert (
        (tiny / "partnerships.csv")
        .read_text()
        .splitlines()[0]
        .endswith(",description,region,Budget,Lead officer")
    )
    assert ds.partnerships.set_index("partnership_id").loc["alpha", "Lead officer"] == "=cmd()"
    from plotting.changes import undo

    undo(tiny, change.change_id, user="t")
    assert (tiny / "partnerships.csv").read_bytes() == before


@pytest.mark.parametrize(
    ("keep", "message"),
    [
        ({"+name": "Budget"}, "standard column"),
        ({"+delivery_policy": "Budget"}, "standard column or axis"),
        ({"+_row": "Budget"}, "starting with '_' are reserved"),
        ({"+\u200b": "Budget"}, "needs a name"),
        ({"+Budget": "Budget", "+budget": "Lead"}, "also named 'budget'"),
        ({"+Country": "Country"}, "is mapped to country"),
        ({"+Cost": "Missing"}, "no such column"),
    ],
)
def test_kept_column_names_must_be_valid_and_not_clash(
    tiny: Path, keep: dict[str, str], message: str
) -> None:
    source = read_source("x.csv", b"Name,Country,Budget,Lead\nDelta,Peru,1,Ana\n")
    plan = plan_import(tiny, source, guess_mapping(list(source.frame.columns), []) | keep)
    (problem,) = plan.problems
    assert problem.row == 1 and message in problem.message


def test_kept_values_that_differ_within_one_partnership_are_a_problem(tiny: Path) -> None:
    text = "Name,Date,Perspective,delivery_policy,Budget\nD,2025-01-01,a,1,5\nD,2025-01-02,a,1,6\n"
    source = read_source("flat.csv", text.encode())
    mapping = guess_mapping(list(source.frame.columns), []) | AXIS_MAP | {"+Budget": "Budget"}
    plan = plan_import(tiny, source, mapping)
    assert [(p.row, p.column) for p in plan.problems] == [(3, "Budget")]
    assert "differs from '5' on row 2" in plan.problems[0].message


def test_cli_refuses_a_surprising_import_unless_confirmed(tiny: Path, tmp_path: Path) -> None:
    before = (tiny / "partnerships.csv").read_bytes()
    path = tmp_path / "codes.csv"
    path.write_text("Code,Name,Budget\nP-1,Alpha Water Alliance,5\n")
    dry = cli("import", str(path), "--data", str(tiny), "--dry-run")
    assert dry.returncode == 0
    assert dry.stdout.splitlines()[1] == (
        "codes.csv: would write 1 new partnership(s), 0 changed, 0 new placement(s) "
        "(dry run, nothing written)"
    )
    assert (tiny / "partnerships.csv").read_bytes() == before
    out = cli("import", str(path), "--data", str(tiny))
    assert out.returncode == 1
    assert out.stdout.startswith("check: The column 'Code', mapped to the partnership id")
    assert "nothing was written" in out.stderr and "--confirm" in out.stderr
    assert "note: not imported: Budget" in out.stderr
    assert (tiny / "partnerships.csv").read_bytes() == before
    out = cli("import", str(path), "--data", str(tiny), "--confirm", "--keep", "Budget=budget")
    assert out.returncode == 0, out.stdout + out.stderr
    parts = pp.load_dataset(tiny).partnerships.set_index("partnership_id")
    assert parts.loc["P-1", "budget"] == "5"


def test_cli_prints_cleaned_cells_and_changes(tiny: Path, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"partnership_id,country,Lead\nalpha,Tanza\x07nia,Ann\n")
    out = cli("import", str(path), "--data", str(tiny), "--keep-unmapped")
    assert out.returncode == 0, out.stderr
    assert (
        "warning: c.csv, row 2, column 'country': removed control character(s) U+0007" in out.stderr
    )
    assert out.stdout.splitlines()[1:] == [
        "  partnerships.csv alpha, country: 'Kenya' → 'Tanzania'",
        "  partnerships.csv alpha, Lead: '' → 'Ann'",
    ]


@pytest.mark.parametrize("header", ["Started", "Start year", "Date de début", "Início", "Since"])
def test_start_date_columns_are_guessed_in_several_languages(header: str) -> None:
    assert guess_mapping(["Name", header], [])["started"] == header


def test_cli_replace_never_renames_silently(tiny: Path, tmp_path: Path) -> None:
    before = {n: (tiny / n).read_bytes() for n in ("partnerships.csv", "placements.csv")}
    path = tmp_path / "again.csv"
    path.write_text(
        "partnership_id,name,date,perspective,kind,delivery_policy\n"
        "alpha,Alpha Renamed,2023-03-01,public,actual,-2\n"
    )
    out = cli("import", str(path), "--data", str(tiny), "--on-duplicate", "replace")
    assert out.returncode == 1
    assert out.stdout.splitlines() == [
        "check: 1 existing partnership would be renamed: alpha: “Alpha Water Alliance” → "
        "“Alpha Renamed”. Check that the column mapped to the partnership id holds these "
        "partnerships' ids.",
        "  partnerships.csv alpha, name: 'Alpha Water Alliance' → 'Alpha Renamed'",
        "  placements.csv alpha · 2023-03-01 · public · actual, delivery_policy: '-3' → '-2'",
    ]
    assert {n: (tiny / n).read_bytes() for n in before} == before


def test_partial_start_dates_are_written_as_iso_and_load(tiny: Path) -> None:
    text = "Name,Started\nDelta,mars 2019\nEcho,2019\nFoxtrot,14/03/2019\n"
    source = read_source("s.csv", text.encode())
    commit_import(tiny, plan_import(tiny, source, {"name": "Name", "started": "Started"}), user="t")
    lines = (tiny / "partnerships.csv").read_text().splitlines()[-3:]
    assert [line.split(",")[6] for line in lines] == ["2019-03", "2019", "2019-03-14"]
    assert pp.load_dataset(tiny).problems == []


# ---- imports that never surprise (review of issue #12) -----------------------------------


def test_unrecognised_headers_are_never_guessed_as_the_name(tiny: Path, tmp_path: Path) -> None:
    """A file with headers nobody recognises must not create partnerships "1" and "3"."""
    assert guess_mapping(["foo", "bar"], []) == {}
    before = {n: (tiny / n).read_bytes() for n in ("partnerships.csv", "placements.csv")}
    junk = tmp_path / "junk.csv"
    junk.write_text("foo,bar\n1,2\n3,4\n")
    out = cli("import", str(junk), "--data", str(tiny))
    assert out.returncode == 1
    assert "map a column to the partnership id or name" in out.stdout
    assert "no column header reads as the partnership id or name (columns: foo, bar)" in (
        out.stderr
    )
    assert "--mapping" in out.stderr
    assert {n: (tiny / n).read_bytes() for n in before} == before
    assert read_history(tiny) == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"partnership_id,name\n", "has no data rows, only a header"),
        (
            b"partnership_id,date,perspective,kind,delivery_policy\n"
            b"beta,2023-05-01,civil society,actual,1\n",
            "its placement is already there, and no partnership details change",
        ),
        (b"partnership_id,name\nalpha,Alpha Water Alliance\n", "already there with the same"),
    ],
    ids=["header-only", "duplicate", "unchanged"],
)
def test_cli_import_that_writes_nothing_says_so(
    tiny: Path, tmp_path: Path, content: bytes, reason: str
) -> None:
    before = {n: (tiny / n).read_bytes() for n in ("partnerships.csv", "placements.csv")}
    path = tmp_path / "same.csv"
    path.write_bytes(content)
    for extra in ((), ("--dry-run",)):
        out = cli("import", str(path), "--data", str(tiny), *extra)
        assert out.returncode == 1, out.stdout
        assert "nothing to import: " in out.stderr and reason in out.stderr
        assert "change" not in out.stdout
    assert {n: (tiny / n).read_bytes() for n in before} == before
    assert read_history(tiny) == []


def test_binary_file_is_refused_without_recording_a_change(tiny: Path, tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(bytes(range(256)) * 4)
    out = cli("import", str(path), "--data", str(tiny))
    assert out.returncode == 1
    assert "nothing was written" in out.stderr or "error:" in out.stderr
    assert read_history(tiny) == []


def test_commit_never_records_an_empty_change(tiny: Path) -> None:
    from plotting.changes import commit

    with pytest.raises(ValueError, match="nothing to change"):
        commit(tiny, [], action="Edited partnerships.csv", user="t")
    assert read_history(tiny) == []


def test_cells_a_spreadsheet_would_run_are_warned_about_and_kept(
    tiny: Path, tmp_path: Path
) -> None:
    path = tmp_path / "formula.csv"
    path.write_text("Name,Country,Total,Note2\nDelta Fund,Peru,=SUM(A1),-3\nEcho Fund,@risk,+1,-\n")
    out = cli("import", str(path), "--data", str(tiny), "--keep-unmapped")
    assert out.returncode == 0, out.stderr
    warnings = [line for line in out.stderr.splitlines() if "formula" in line]
    assert len(warnings) == 2  # -3, +1 are numbers and a lone '-' is a placeholder
    assert "row 2" in warnings[0] and "Total" in warnings[0] and "'=SUM(A1)'" in warnings[0]
    assert "row 3" in warnings[1] and "Country" in warnings[1] and "'@risk'" in warnings[1]
    # Not silently changed: stored exactly as written.
    assert "=SUM(A1)" in (tiny / "partnerships.csv").read_text(encoding="utf-8")


def test_decimal_comma_note_only_when_one_was_read(tiny: Path) -> None:
    head = "partnership_id;date;perspective;kind;delivery_policy\n"
    plain = read_source("p.csv", (head + "alpha;2025-01-02;donor;actual;2\n").encode())
    plan = plan_import(tiny, plain, guess_mapping(list(plain.frame.columns), []) | AXIS_MAP)
    assert plan.ok and not any("Decimal comma" in n for n in plan.notes)
    comma = read_source("c.csv", (head + "alpha;2025-01-02;donor;actual;2,5\n").encode())
    plan = plan_import(tiny, comma, guess_mapping(list(comma.frame.columns), []) | AXIS_MAP)
    assert plan.new_placements[0]["delivery_policy"] == "2.5"
    assert "Decimal commas (2,5) were read as decimal points in 1 cell." in plan.notes
    book = Workbook()
    book.active.append(["partnership_id", "date", "perspective", "kind", "delivery_policy"])
    book.active.append(["alpha", "2025-01-02", "donor", "actual", 2.5])
    data = io.BytesIO()
    book.save(data)
    xlsx = read_source("b.xlsx", data.getvalue())
    plan = plan_import(tiny, xlsx, guess_mapping(list(xlsx.frame.columns), []) | AXIS_MAP)
    assert plan.ok and not any("Decimal comma" in n for n in plan.notes)


def test_cli_import_of_a_folder_says_it_is_a_folder(tiny: Path, tmp_path: Path) -> None:
    out = cli("import", str(tmp_path), "--data", str(tiny))
    assert out.returncode == 2
    assert f"error: {tmp_path} is a folder; give a .csv or .xlsx file" in out.stderr


def test_cli_check_speaks_command_line(tiny: Path, tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text(
        "Code,Name,date,perspective,kind,delivery_policy\n"
        "X1,Alpha Water Alliance,2025-01-02,donor,actual,1\n"
    )
    out = cli("import", str(path), "--data", str(tiny), "--dry-run")
    assert "check: The column 'Code'" in out.stdout
    assert "not in the file" not in out.stdout + out.stderr
    assert "--confirm" in out.stderr and "--mapping" in out.stderr


# ---- the importer and the validator agree on dates --------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2019-03-14T00:00:00",
        "2019-03-14 00:00:00",
        "2019-03-14T00:00:00.000",
        "2019-03-14 00:00",
        "14/03/2019 00:00:00",
    ],
)
def test_a_date_written_as_a_midnight_timestamp_is_that_day(text: str) -> None:
    """pandas writes a date column of timestamps so ('2019-03-14 00:00:00'), as do
    JSON-minded tools with a 'T'."""
    assert clean_date(text) == "2019-03-14"
    assert clean_partial_date(text) == "2019-03-14"


@pytest.mark.parametrize("text", ["2019-03-14T10:30:00", "2019-03-14 12:00"])
def test_a_timestamp_with_a_time_of_day_is_not_taken_for_a_day(text: str) -> None:
    assert clean_date(text) is None
    assert clean_partial_date(text) is None


def test_the_importer_takes_the_validators_years() -> None:
    assert pp.importer.YEARS is pp.validation.YEARS


@pytest.mark.parametrize(
    "year", [1500, 1799, 1800, 1899, 1900, 2026, 2199, 2200, 2201, 2262, 2263, 9999]
)
def test_importer_and_validator_agree_on_which_years_are_dates(tiny: Path, year: int) -> None:
    """A year the importer reads loads without a problem; one it refuses, the file refuses."""
    from plotting.validation import partial_date_problem

    for written in (f"{year}", f"{year}-03", f"{year}-03-14", f"14/03/{year}"):
        imported = clean_partial_date(written)
        stored = written if "/" not in written else f"{year}-03-14"
        assert (imported is not None) == (partial_date_problem(stored) is None), written
    lines = ["Name,Started", f"Then,{year}-03"]
    source = read_source("starts.csv", "\n".join(lines).encode())
    plan = plan_import(tiny, source, {"name": "Name", "started": "Started"})
    if year in pp.validation.YEARS:
        assert plan.problems == []
        commit_import(tiny, plan, user="tester")
        assert pp.load_dataset(tiny).problems == []
    else:
        assert [(p.row, p.column) for p in plan.problems] == [(2, "Started")]
    # Placement dates: the same years.
    folder_date = f"{year}-03-14"
    (tiny / "placements.csv").write_text(
        (tiny / "placements.csv").read_text() + f"alpha,{folder_date},public,actual,1,1,1,,\n"
    )
    problems = pp.load_dataset(tiny).problems
    assert (problems == []) == (clean_date(folder_date) is not None)
    if problems:
        assert [str(p) for p in problems] == [
            f"placements.csv, row 9, column 'date': '{folder_date}' is not a date: the year "
            "is not from 1800 to 2200; expected YYYY-MM-DD, e.g. 2024-03-15"
        ]
