"""Exporting tables as CSV or XLSX that spreadsheets open safely.

Text cells that start with '=', '+', '-', '@', tab or carriage return are neutralised
(a leading apostrophe) so that no spreadsheet runs them as formulas; numbers stay
numbers. XLSX cells are written as typed values, never as formulas. Control characters
are removed: spreadsheets do not show them, and an XLSX file may not hold them at all.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

import pandas as pd

from plotting.text import spreadsheet_safe, without_control_characters


def _cell(value: object) -> object:
    """A text cell without control characters, never run as a formula (others as they are)."""
    if isinstance(value, str):
        return spreadsheet_safe(without_control_characters(value))
    return value


def _missing(value: object) -> bool:
    """True for every kind of blank pandas writes: None, NaN, NaT and pd.NA."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array in a cell is not blank
        return False


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralised and cleaned; dates as YYYY-MM-DD."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[col] = series.dt.strftime("%Y-%m-%d").fillna("")
        elif not pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            out[col] = series.map(_cell)
    out.columns = [_cell(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV (UTF-8 with a byte-order mark, so Excel reads the accents right)."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An XLSX workbook, one sheet per frame; text is never stored as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    book = Workbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        sheet = book.create_sheet(title=without_control_characters(str(title))[:31])
        safe = safe_frame(frame)
        sheet.append([str(c) for c in safe.columns])
        for record in safe.itertuples(index=False):
            sheet.append([None if _missing(v) else v for v in record])
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING  # openpyxl would make '=…' a formula
        for i, col in enumerate(safe.columns, start=1):
            width = min(60, max([len(str(col))] + [len(str(v)) for v in safe[col].head(200)]) + 2)
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = width
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def to_zip_of_csv(files: Mapping[str, pd.DataFrame]) -> bytes:
    """A zip of CSV files (a whole dataset), each neutralised."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, frame in files.items():
            archive.writestr(name, to_csv_bytes(frame))
    return buf.getvalue()


def dataset_frames(folder: object) -> dict[str, pd.DataFrame]:
    """The three files of a dataset as frames of their exact text, by file name."""
    from pathlib import Path

    from plotting.changes import load_tables

    return {name: table.frame() for name, table in load_tables(Path(str(folder))).items()}
