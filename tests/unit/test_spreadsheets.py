"""Exports that spreadsheets open safely: no formulas, numbers stay numbers."""

from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd
from openpyxl import load_workbook

from plotting.spreadsheets import to_csv_bytes, to_xlsx_bytes, to_zip_of_csv

FRAME = pd.DataFrame(
    {
        "name": [
            '=HYPERLINK("http://evil","x")',
            "+SUM(A1)",
            "-cmd|' /C calc'!A0",
            "@A1",
            "\tx",
            'ok, "quoted"',
        ],
        "value": [-2.5, 3.0, 0.0, 1.5, -5.0, 2.0],
        "text_number": ["-2.5", "+3", "0", "1", "-5", "2"],
        "date": pd.to_datetime(["2024-01-01"] * 6),
    }
)


def test_csv_neutralises_formulas_and_keeps_numbers() -> None:
    rows = list(csv.reader(io.StringIO(to_csv_bytes(FRAME).decode("utf-8-sig"))))
    names = [r[0] for r in rows[1:]]
    assert names == [
        '\'=HYPERLINK("http://evil","x")',
        "'+SUM(A1)",
        "'-cmd|' /C calc'!A0",
        "'@A1",
        "'\tx",
        'ok, "quoted"',
    ]
    assert [r[1] for r in rows[1:]] == ["-2.5", "3.0", "0.0", "1.5", "-5.0", "2.0"]
    assert [r[2] for r in rows[1:]] == ["-2.5", "+3", "0", "1", "-5", "2"]
    assert rows[1][3] == "2024-01-01"


def test_xlsx_has_no_formula_cells_and_numbers_stay_numbers() -> None:
    book = load_workbook(io.BytesIO(to_xlsx_bytes({"View": FRAME})))
    sheet = book["View"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert sheet["A2"].value == '\'=HYPERLINK("http://evil","x")'
    assert sheet["B2"].value == -2.5 and sheet["B2"].data_type == "n"


def test_zip_of_csv() -> None:
    data = to_zip_of_csv({"a.csv": FRAME, "b.csv": FRAME.head(1)})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["a.csv", "b.csv"]
        rows = list(csv.reader(io.StringIO(archive.read("b.csv").decode("utf-8-sig"))))
        assert rows[1][0].startswith("'=HYPERLINK")
