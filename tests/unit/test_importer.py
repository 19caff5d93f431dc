"""Import: files as Excel, LibreOffice and Google Sheets write them, mapping, preview, commit."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

import plotting as pp
from plotting.history import read_history
from plotting.importer import (
    MAX_UPLOAD_BYTES,
    ImportFileError,
    clean_date,
    clean_number,
    commit_import,
    guess_mapping,
    load_mappings,
    plan_import,
    read_source,
    save_mapping,
)

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


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "plotting", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


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
