"""Import from real spreadsheets, mapped onto the data format, previewed, then committed.

Files come as Excel, LibreOffice and Google Sheets write them, and are committed
all-or-nothing.

Reading copes with what those programs produce: comma, semicolon or tab delimiters,
UTF-8 with or without a byte-order mark, Windows-1252/Latin-1, decimal commas, dates in
common formats, stray blank rows and trailing spaces. A mapping says which source column
is which field; a single "flat" sheet with partnership details and placements in one
table is split into both files. Nothing is written until `commit_import`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from plotting.analysis import slugify, unique_id
from plotting.changes import Op, Table, commit, load_tables
from plotting.history import Change
from plotting.model import (
    DATA_FILES,
    KINDS,
    PARTNERSHIP_COLUMNS,
    PARTNERSHIPS_FILE,
    PLACEMENT_KEY,
    PLACEMENT_RESERVED,
    PLACEMENTS_FILE,
    Problem,
)
from plotting.storage import folder_lock, format_number, separator_problem
from plotting.text import (
    control_characters,
    is_blank,
    runs_as_formula,
    without_control_characters,
)

# Years accepted in dates people write: the validator's, so that what is imported loads.
from plotting.validation import YEARS

#: Largest upload accepted (also Streamlit's server.maxUploadSize, in MB).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAPPINGS_FILE = "import-mappings.json"
SKIP = ""  # mapping value: this field is not in the source
#: Mapping keys that start with this keep a source column as an extra column of
#: partnerships.csv: {"+Budget": "Budget"} keeps the column Budget under that name.
EXTRA = "+"
PLACEMENT_FIELDS = ("partnership_id", "date", "perspective", "kind", "spread", "note")
DETAIL_FIELDS = tuple(c for c in PARTNERSHIP_COLUMNS if c != "partnership_id")

#: Header spellings people use, by field (compared lowercased, without punctuation).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "partnership_id": (
        "partnership id",
        "partnership",
        "id",
        "partnership code",
        "code",
        "project id",
    ),
    "name": ("name", "partnership name", "title", "project", "project name"),
    "date": ("date", "when", "assessment date", "placed on", "round date", "datum", "fecha"),
    "perspective": (
        "perspective",
        "who",
        "view",
        "viewpoint",
        "stakeholder",
        "respondent",
        "placed by",
    ),
    "kind": ("kind", "type", "actual or target", "actual target"),
    "note": ("note", "notes", "rationale", "comment", "comments", "why", "reason"),
    "spread": ("spread", "uncertainty", "error", "range"),
    "country": ("country", "pays", "pais"),
    "sector": ("sector", "subsector"),
    "arrangement": ("arrangement", "partnership type", "relationship", "form"),
    "partners": ("partners", "members", "organisations", "organizations"),
    "started": (
        "started",
        "start",
        "start date",
        "since",
        "start year",
        "year started",
        "started on",
        "founded",
        "established",
        "date de debut",
        "debut",
        "fecha de inicio",
        "inicio",
        "data de inicio",
    ),
    "description": ("description", "about", "summary"),
}


class ImportFileError(Exception):
    """The upload cannot be read at all (too large, wrong type, unreadable)."""


@dataclass
class Source:
    """An uploaded table: its cells as text, and notes on how it was read."""

    name: str
    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # spreadsheet row of each frame row
    #: Cells changed on reading (control characters removed), each located.
    warnings: list[Problem] = field(default_factory=list)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", _fold(str(text))).strip()


def read_source(name: str, data: bytes) -> Source:
    """Read an uploaded CSV or XLSX file into text cells (blank rows dropped, cells trimmed).

    Raises:
        ImportFileError: too large, not CSV/XLSX, or unreadable; with a clear message.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            f"{name} is {len(data) / 2**20:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB. "
            "Split the file, or import placements and partnerships separately."
        )
    lower = name.lower()
    if data[:4] == b"PK\x03\x04":
        if not lower.endswith((".xlsx", ".xlsm")):
            raise ImportFileError(
                f"{name} is a zip or Office file but not .xlsx; save it as .xlsx or .csv"
            )
        return _read_xlsx(name, data)
    if lower.endswith((".xls", ".ods", ".numbers", ".xlsx", ".xlsm")):
        raise ImportFileError(
            f"{name}: only .csv and .xlsx can be imported; save the sheet as .xlsx or CSV first"
        )
    head = data[:4096]
    if head.count(b"\x00") * 10 > len(head) and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(f"{name} is not a text (CSV) file; save it as CSV or .xlsx")
    return _read_csv(name, data)


def _decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 with byte-order mark"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text"
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as err:
            raise ImportFileError(f"this UTF-16 file cannot be read: {err}") from err
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding.replace("_", "").lower() in {"latin1", "iso88591", "ascii"}:
        encoding = "cp1252"  # a superset that spreadsheets on Windows actually write
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return data.decode("cp1252", errors="replace"), "cp1252"


def _read_csv(name: str, data: bytes) -> Source:
    text, encoding = _decode(data)
    sample = text[:20000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = max(",;\t", key=lambda d: sample.split("\n", 1)[0].count(d))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    rows: list[int] = []
    line = 0
    for cells in reader:
        line += 1
        if all(not c.strip() for c in cells):
            continue
        records.append(cells)  # trimmed once control characters are found (in _source)
        rows.append(line)
    if not records:
        raise ImportFileError(f"{name} is empty")
    names = {",": "comma", ";": "semicolon", "\t": "tab"}
    notes = [f"Read as {encoding}, {names[delimiter]}-separated."]
    return _source(name, records, rows, notes)


def _read_xlsx(name: str, data: bytes) -> Source:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise ImportFileError(f"{name} cannot be read as .xlsx: {err}") from err
    sheet = book.worksheets[0]
    records: list[list[str]] = []
    rows: list[int] = []
    for number, cells_in in enumerate(sheet.iter_rows(), start=1):
        cells = [
            _xlsx_cell(getattr(c, "value", None), getattr(c, "number_format", "")) for c in cells_in
        ]
        if all(not c for c in cells):
            continue
        records.append(cells)
        rows.append(number)
    book.close()
    if not records:
        raise ImportFileError(f"{name}: the first sheet is empty")
    notes = [f"Read the first sheet, '{sheet.title}', of the workbook."]
    if len(book.sheetnames) > 1:
        notes.append(f"Other sheets ({', '.join(book.sheetnames[1:])}) were not read.")
    return _source(name, records, rows, notes)


def _xlsx_cell(value: object, number_format: str = "") -> str:
    """A cell as text; a date shown without its day (e.g. 'mmm yyyy') stays partial."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        shown = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", str(number_format or "")).lower()
        if "y" in shown and "d" not in shown:  # written as a month or a year, not a day
            return f"{value:%Y-%m}" if "m" in shown else f"{value:%Y}"
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float):
        return format_number(value)
    # Excel stores characters XML cannot hold as _xHHHH_ (ECMA-376 ST_Xstring): decode
    # them, so that a control character is seen (and removed with a warning).
    return _XSTRING.sub(lambda m: chr(int(m.group(1), 16)), str(value))


_XSTRING = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _source(name: str, records: list[list[str]], rows: list[int], notes: list[str]) -> Source:
    warnings: list[Problem] = []
    header = _unique_headers(
        [
            without_control_characters(h).strip() or f"column {i + 1}"
            for i, h in enumerate(records[0])
        ]
    )
    for h, column in zip(records[0], header, strict=False):
        _clean_cell(h, name, 1, column, warnings)
    width = len(header)
    body = []
    for record, row in zip(records[1:], rows[1:], strict=True):
        cells = (record + [""] * width)[:width]
        body.append([_clean_cell(c, name, row, header[j], warnings) for j, c in enumerate(cells)])
    frame = pd.DataFrame(body, columns=header, dtype="str")
    source = Source(name, frame, notes, rows[1:], warnings)
    source.notes.append(f"{len(frame)} data rows, {width} columns.")
    if warnings:
        source.notes.append(
            f"Removed control characters from {len(warnings)} cell(s); see the warnings."
        )
    return source


def _clean_cell(value: str, file: str, row: int, column: str, warnings: list[Problem]) -> str:
    """A cell without control characters; each cell that had some is one located warning."""
    found = control_characters(value)
    if not found:
        return value.strip()
    warnings.append(Problem(file, row, column, f"removed control character(s) {', '.join(found)}"))
    return without_control_characters(value).strip()


def _unique_headers(header: list[str]) -> list[str]:
    """Headers made unique ('Note', 'Note (2)'), so that no column hides another."""
    seen: dict[str, int] = {}
    out = []
    for h in header:
        n = seen.get(h.casefold(), 0) + 1
        seen[h.casefold()] = n
        out.append(h if n == 1 else f"{h} ({n})")
    return out


def guess_mapping(columns: list[str], axes: list) -> dict[str, str]:  # axes: list[Axis]
    """Which source column is which field, guessed from the headers ({field: column})."""
    normalised = {_norm(c): c for c in columns}
    mapping: dict[str, str] = {}
    for fld, words in SYNONYMS.items():
        for word in (fld.replace("_", " "), *words):
            if word in normalised and normalised[word] not in mapping.values():
                mapping[fld] = normalised[word]
                break
    for axis in axes:
        for word in (
            axis.axis_id,
            axis.label,
            f"{axis.low_pole} {axis.high_pole}",
            f"{axis.low_pole} vs {axis.high_pole}",
            axis.high_pole,
            axis.low_pole,
        ):
            col = normalised.get(_norm(word))
            if col and col not in mapping.values():
                mapping[axis.axis_id] = col
                break
    # No positional fallback: a column is guessed only by its header, so that a file with
    # unrecognised headers never creates or renames partnerships from whatever comes first.
    return mapping


def load_mappings(folder: Path | str) -> dict[str, dict[str, str]]:
    """Saved column mappings of a dataset, by name."""
    path = Path(folder) / MAPPINGS_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}
    return {
        str(k): {str(f): str(c) for f, c in v.items()}
        for k, v in data.items()
        if isinstance(v, dict)
    }


def save_mapping(folder: Path | str, name: str, mapping: Mapping[str, str]) -> None:
    """Save a column mapping under a name, to reuse for the next file of the same shape."""
    from plotting.storage import atomic_write_bytes

    folder = Path(folder)
    with folder_lock(folder):
        data = load_mappings(folder)
        data[name] = {k: v for k, v in mapping.items() if v}
        atomic_write_bytes(
            folder / MAPPINGS_FILE, json.dumps(data, ensure_ascii=False, indent=2).encode()
        )


# ---- cleaning cells ---------------------------------------------------------------------

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%Y%m%d",
)
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")


def day_first(values: pd.Series) -> bool:
    """Whether d/m/y dates in a column put the day first (True unless a month > 12 says not)."""
    for value in values:
        m = _NUMERIC_DATE.match(str(value).strip())
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if a > 12:
                return True
            if b > 12:
                return False
    return True


#: Month names and abbreviations in English, French, Spanish and Portuguese, compared
#: lowercased and without accents ('février' → 'fevrier', 'março' → 'marco').
MONTHS: dict[str, int] = {
    word: number
    for number, words in enumerate(
        (
            "january jan janvier janv enero ene janeiro",
            "february feb fevrier fevr fev febrero fevereiro",
            "march mar mars marzo marco",
            "april apr avril avr abril abr",
            "may mai mayo maio",
            "june jun juin junio junho",
            "july jul juillet juil julio julho",
            "august aug aout agosto ago",
            "september sep sept septembre septiembre setiembre set setembro",
            "october oct octobre octubre outubro out",
            "november nov novembre noviembre novembro",
            "december dec decembre diciembre dic dezembro dez",
        ),
        start=1,
    )
    for word in words.split()
}
_YEAR = r"(\d{4})"
_MONTH_WORD = r"([^\W\d_]+)\.?"
_SEP = r"(?:\s*[-/.,]\s*|\s+)"
_DE = r"(?:de\s+)?"  # 'marzo de 2019', '14 de março de 2019'
_DAY = r"(\d{1,2})(?:st|nd|rd|th|er|º|°)?"
_DAY_MONTH_YEAR = re.compile(rf"^{_DAY}{_SEP}{_DE}{_MONTH_WORD}{_SEP}{_DE}{_YEAR}$")
_MONTH_DAY_YEAR = re.compile(rf"^{_MONTH_WORD}{_SEP}{_DAY}{_SEP}{_YEAR}$")
_MONTH_YEAR = re.compile(rf"^{_MONTH_WORD}{_SEP}{_DE}{_YEAR}$")
_MONTH_YY = re.compile(rf"^{_MONTH_WORD}-(\d{{2}})$")  # Excel's 'mmm-yy': Mar-19
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_SLASH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_ONLY_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
#: A midnight time after a date, as pandas and spreadsheets write a date stored as a
#: timestamp: '2019-03-14 00:00:00', '2019-03-14T00:00:00', '2019-03-14T00:00:00.000'.
_MIDNIGHT = re.compile(r"[T ]00:00(?::00(?:\.0+)?)?$")


def _fold(text: str) -> str:
    """Lowercased, without accents: how month names are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _month(word: str) -> int | None:
    return MONTHS.get(_fold(word).rstrip("."))


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat() if year in YEARS else None
    except ValueError:
        return None


def clean_date(value: str, *, dayfirst: bool = True) -> str | None:
    """A full date as YYYY-MM-DD from the common spreadsheet forms, or None if unreadable.

    Month names may be English, French, Spanish or Portuguese ('14 mars 2019',
    '14 de marzo de 2019', 'March 14, 2019').
    """
    text = " ".join(str(value).split())
    if not text:
        return None
    text = _MIDNIGHT.sub("", text)
    m = _NUMERIC_DATE.match(text)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y += 2000 if y < 100 else 0
        day, month = (a, b) if dayfirst else (b, a)
        return _iso(y, month, day)
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # an Excel serial day number
        serial = int(float(text))
        if 20000 < serial < 80000:
            return (dt.date(1899, 12, 30) + dt.timedelta(days=serial)).isoformat()
    m = _DAY_MONTH_YEAR.match(text)
    if m and (month := _month(m.group(2))):
        return _iso(int(m.group(3)), month, int(m.group(1)))
    m = _MONTH_DAY_YEAR.match(text)
    if m and (month := _month(m.group(1))):
        return _iso(int(m.group(3)), month, int(m.group(2)))
    for fmt in _DATE_FORMATS:
        try:
            return _iso(*dt.datetime.strptime(text, fmt).date().timetuple()[:3])
        except ValueError:
            continue
    return None


def clean_partial_date(value: str, *, dayfirst: bool = True) -> str | None:
    """A start date as people write it, as ISO: '2019', '2019-03' or '2019-03-14'.

    Reads '2019', '2019-03', '03/2019', '3/2019', 'March 2019', 'Mar 2019',
    'mars 2019', 'marzo de 2019', 'março 2019', Excel's 'Mar-19', Excel serial day
    numbers and every full date `clean_date` reads. None if unreadable. A value
    written without its day is kept without a day: nothing is made up.
    """
    text = " ".join(str(value).split())
    if not text:
        return None
    if m := _ONLY_YEAR.match(text):
        return m.group(1) if int(m.group(1)) in YEARS else None
    for pattern, year_group, month_group in (
        (_YEAR_MONTH, 1, 2),
        (_MONTH_SLASH_YEAR, 2, 1),
    ):
        if m := pattern.match(text):
            year, month = int(m.group(year_group)), int(m.group(month_group))
            return f"{year:04d}-{month:02d}" if year in YEARS and 1 <= month <= 12 else None
    if (m := _MONTH_YEAR.match(text)) and (month := _month(m.group(1))):
        year = int(m.group(2))
        return f"{year:04d}-{month:02d}" if year in YEARS else None
    if (m := _MONTH_YY.match(text)) and (month := _month(m.group(1))):
        return f"{2000 + int(m.group(2)):04d}-{month:02d}"
    return clean_date(text, dayfirst=dayfirst)


def clean_number(value: str) -> str | None:
    """A number as CSV text ('2,5' → '2.5', '+3' → '3'), '' for blank, None if not a number."""
    text = str(value).strip().replace("\u2212", "-").replace(" ", "")
    if not text:
        return ""
    if re.fullmatch(r"[+-]?\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return format_number(number)


# ---- the plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CellChange:
    """One cell of an existing row that an import would change, as before → after."""

    file: str
    row: str  # the partnership id, or a placement's 'id · date · perspective · kind'
    column: str
    before: str
    after: str


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


@dataclass
class ImportPlan:
    """What an import would add and change, and every problem, before anything is written.

    `warnings` are located notes on cells that were cleaned (nothing blocks);
    `confirmations` are surprises a person must confirm before the import is written
    (renaming existing partnerships, or new partnerships named like existing ones);
    `problems` block the import until the file or the mapping is fixed.
    """

    source: str
    new_partnerships: list[dict[str, str]] = field(default_factory=list)
    changed_partnerships: list[tuple[dict[str, str], dict[str, str]]] = field(default_factory=list)
    new_placements: list[dict[str, str]] = field(default_factory=list)
    duplicates: list[tuple[dict[str, str], dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    expected: tuple = ()
    warnings: list[Problem] = field(default_factory=list)
    confirmations: list[str] = field(default_factory=list)
    #: Source columns that are neither mapped nor kept: their cells are not imported.
    not_imported: list[str] = field(default_factory=list)
    #: Kept source columns, as the partnerships.csv columns they fill.
    extra_columns: list[str] = field(default_factory=list)
    #: Of those, the columns partnerships.csv does not have yet (added at its end).
    new_columns: list[str] = field(default_factory=list)
    #: partnerships.csv's header when planned.
    header: list[str] = field(default_factory=list)
    #: Data rows in the source file.
    rows: int = 0
    #: Numbers read with a decimal comma ('2,5' → 2.5).
    decimal_commas: int = 0

    @property
    def ok(self) -> bool:
        """True when the import can be committed (once confirmed, if it asks to be)."""
        return not self.problems

    def ops(self, on_duplicate: str = "skip") -> list[Op]:
        """The ops that carry out this plan (duplicates skipped or replaced)."""
        ops = []
        if self.new_columns:
            ops.append(
                Op(PARTNERSHIPS_FILE, list(self.header), [*self.header, *self.new_columns], True)
            )
        ops += [Op(PARTNERSHIPS_FILE, None, r) for r in self.new_partnerships]
        ops += [Op(PARTNERSHIPS_FILE, old, new) for old, new in self.changed_partnerships]
        ops += [Op(PLACEMENTS_FILE, None, r) for r in self.new_placements]
        if on_duplicate == "replace":
            ops += [Op(PLACEMENTS_FILE, old, new) for old, new in self.duplicates if old != new]
        return ops

    def cell_changes(self, on_duplicate: str = "skip") -> list[CellChange]:
        """Every cell of an existing row that the import would change."""
        out: list[CellChange] = []
        for old, new in self.changed_partnerships:
            out += [
                CellChange(PARTNERSHIPS_FILE, new["partnership_id"], c, old.get(c, ""), v)
                for c, v in new.items()
                if old.get(c, "") != v
            ]
        if on_duplicate == "replace":
            for old, new in self.duplicates:
                key = " · ".join(new[k] for k in PLACEMENT_KEY)
                out += [
                    CellChange(PLACEMENTS_FILE, key, c, old.get(c, ""), v)
                    for c, v in new.items()
                    if old.get(c, "") != v
                ]
        return out

    def change_summary(self, on_duplicate: str = "skip") -> str:
        """How many existing rows and cells change: '3 existing partnerships change: 5 cells'."""
        changes = self.cell_changes(on_duplicate)
        if not changes:
            return "No existing row changes."
        parts = []
        for file, noun in ((PARTNERSHIPS_FILE, "partnership"), (PLACEMENTS_FILE, "placement")):
            mine = [c for c in changes if c.file == file]
            if mine:
                rows = len({c.row for c in mine})
                verb = "changes" if rows == 1 else "change"
                parts.append(
                    f"{_plural(rows, 'existing ' + noun)} {verb}: {_plural(len(mine), 'cell')}"
                )
        return "; ".join(parts) + "."

    def nothing_to_import(self, on_duplicate: str = "skip") -> str:
        """Why this plan would write nothing ('' when it writes something)."""
        if self.ops(on_duplicate):
            return ""
        if not self.rows:
            return f"{self.source} has no data rows, only a header"
        if self.duplicates:
            n = len(self.duplicates)
            every = "its placement is" if n == 1 else f"all {n} of its placements are"
            same = " with the same values" if on_duplicate == "replace" else ""
            return f"{every} already there{same}, and no partnership details change"
        return "every partnership in it is already there with the same details"

    def summary(self, on_duplicate: str = "skip") -> str:
        """One line: what would be written."""
        dup = len(self.duplicates)
        dup_text = (
            f"; {dup} duplicate placement(s) "
            f"{'replaced' if on_duplicate == 'replace' else 'skipped'}"
            if dup
            else ""
        )
        cols = f"; {len(self.new_columns)} new column(s)" if self.new_columns else ""
        return (
            f"{len(self.new_partnerships)} new partnership(s), {len(self.changed_partnerships)} "
            f"changed, {len(self.new_placements)} new placement(s){dup_text}{cols}"
        )


def _invisible(value: str) -> str:
    """The code points of a text that shows as nothing, e.g. 'U+200B, U+FEFF'."""
    return ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in value if c != " "))


def _quote(items: list[str], most: int = 5) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def plan_import(
    folder: Path | str,
    source: Source,
    mapping: Mapping[str, str],
    *,
    default_kind: str = "actual",
    default_perspective: str = "",
) -> ImportPlan:
    """Work out what importing `source` with `mapping` would do, without writing anything.

    `mapping` is {field: source column}; a key `"+NAME"` keeps a source column as the
    extra partnerships.csv column NAME. Existing partnerships are matched by id, or by
    name when no id is mapped; blank cells never erase what is stored.
    """
    from plotting.storage import data_signature
    from plotting.validation import PARTNERSHIP_ID_RE

    folder = Path(folder)
    tables = load_tables(folder)
    plan = ImportPlan(
        source.name,
        notes=list(source.notes),
        expected=data_signature(folder),
        warnings=list(source.warnings),
        rows=len(source.frame),
    )
    # A data file that is itself semicolon- or tab-separated cannot take rows: say how
    # to bring it in (move it out first) rather than refusing every row.
    for name in DATA_FILES:
        header = tables[name].header
        if len(header) == 1 and (found := separator_problem(name, header[0])):
            plan.problems.append(found)
    if plan.problems:
        return plan
    frame = source.frame
    col = {f: c for f, c in mapping.items() if c and c in frame.columns and not f.startswith(EXTRA)}
    axes_header = [
        c for c in tables[PLACEMENTS_FILE].header if c not in (*PLACEMENT_KEY, "spread", "note")
    ]
    axis_ids = [r["axis_id"] for r in tables["axes.csv"].rows]
    rows = source.rows or list(range(2, len(frame) + 2))
    part_header = list(tables[PARTNERSHIPS_FILE].header)
    plan.header = list(part_header)

    def problem(i: int, column: str | None, message: str) -> None:
        plan.problems.append(Problem(source.name, rows[i], column, message))

    def warn(i: int, column: str | None, message: str) -> None:
        plan.warnings.append(Problem(source.name, rows[i], column, message))

    # Kept columns: valid names that clash with nothing.
    extras = _extra_columns(plan, mapping, col, frame, part_header, axis_ids)
    source_of = {**col, **extras}  # field or extra column → source column
    used = set(source_of.values())
    plan.not_imported = [c for c in frame.columns if c not in used]

    def get(i: int, fld: str) -> str:
        if fld not in source_of:
            return ""
        return str(frame.iat[i, frame.columns.get_loc(source_of[fld])]).strip()

    has_placements = any(a in col for a in axis_ids)
    if "partnership_id" not in col and "name" not in col:
        plan.problems.append(
            Problem(source.name, 1, None, "map a column to the partnership id or name")
        )
        return plan
    if has_placements and "date" not in col:
        plan.problems.append(
            Problem(source.name, 1, None, "map a column to the date of each placement")
        )
        return plan
    missing_axes = [a for a in axis_ids if a in col and a not in axes_header]
    for a in missing_axes:
        plan.problems.append(
            Problem(source.name, 1, col[a], f"placements.csv has no column for axis {a}")
        )

    out_header = [*part_header, *plan.new_columns]
    existing = {r["partnership_id"]: r for r in tables[PARTNERSHIPS_FILE].rows}
    by_name = {r["name"].casefold(): r["partnership_id"] for r in tables[PARTNERSHIPS_FILE].rows}
    merged: dict[str, dict[str, str]] = {}  # every partnership the file touches
    origin: dict[str, dict[str, int]] = {}  # where each of its values came from
    new_order: list[str] = []
    new_by_name: dict[str, str] = {}
    ids_in_file: set[str] = set()
    names_matching: dict[str, str] = {}  # name in the file → existing id
    dayfirst = day_first(frame[col["date"]]) if "date" in col else True
    started_dayfirst = day_first(frame[col["started"]]) if "started" in col else True
    place_header = tables[PLACEMENTS_FILE].header
    existing_keys: dict[tuple[str, ...], dict[str, str]] = {
        tuple(r.get(k, "") for k in PLACEMENT_KEY): r for r in tables[PLACEMENTS_FILE].rows
    }
    batch_keys: dict[tuple[str, ...], int] = {}
    taken = list(existing)
    text_fields = [f for f in (*DETAIL_FIELDS, "note", *extras) if f in source_of and f != "name"]

    for i in range(len(frame)):
        raw_id = get(i, "partnership_id")
        name = get(i, "name")
        if name and is_blank(name):
            problem(
                i,
                col["name"],
                f"the name holds only invisible characters ({_invisible(name)}), so it is "
                "blank; type the name or leave the cell empty",
            )
            name = ""
            if not raw_id:
                continue
        if raw_id and not re.fullmatch(PARTNERSHIP_ID_RE, raw_id):
            problem(
                i,
                col["partnership_id"],
                f"{raw_id!r} is not a valid partnership id; expected letters, digits, '-', "
                "'_' or '.', with no spaces, e.g. lake-victoria-wash",
            )
            continue
        pid = raw_id
        if name and name.casefold() in by_name:
            names_matching.setdefault(name, by_name[name.casefold()])
        matched_by_name = False
        if not pid and name:
            pid = by_name.get(name.casefold()) or new_by_name.get(name.casefold(), "")
            matched_by_name = bool(pid)
            if not pid:
                pid = unique_id(slugify(name), taken)
        if not pid:
            problem(i, col.get("partnership_id") or col.get("name"), "no partnership id or name")
            continue
        if raw_id:
            ids_in_file.add(raw_id)
        values = {f: get(i, f) for f in text_fields}
        for f, v in values.items():
            if v and is_blank(v):
                warn(
                    i,
                    source_of[f],
                    f"held only invisible characters ({_invisible(v)}); imported as blank",
                )
                values[f] = ""
        details = {f: v for f, v in values.items() if f in DETAIL_FIELDS or f in extras}
        if name and not matched_by_name:
            details["name"] = name
        if details.get("started"):
            started = clean_partial_date(details["started"], dayfirst=started_dayfirst)
            if started is None:
                problem(
                    i,
                    col["started"],
                    f"{details['started']!r} is not a date; expected e.g. 2019, 2019-03, "
                    "03/2019, March 2019 or 2019-03-14",
                )
                details.pop("started")
            else:
                details["started"] = started
        if details.get("partners"):
            details["partners"] = "; ".join(
                p.strip() for p in re.split(r"[;\n]", details["partners"]) if p.strip()
            )
        record = merged.get(pid)
        if record is None:
            if pid in existing:
                record = {c: existing[pid].get(c, "") for c in out_header}
            else:
                record = {c: "" for c in out_header}
                record["partnership_id"] = pid
                new_order.append(pid)
                taken.append(pid)
            merged[pid] = record
            origin[pid] = {}
        for k, v in details.items():
            if not v:
                continue
            if k in origin[pid]:
                if record[k] != v:
                    problem(
                        i,
                        source_of.get(k),
                        f"{k} {v!r} differs from {record[k]!r} on row "
                        f"{rows[origin[pid][k]]} for the same partnership",
                    )
            else:
                if k == "started" and record[k].startswith(v) and pid in existing:
                    v = record[k]  # '2019-03' in the file: keep the stored '2019-03-14'
                record[k] = v
                origin[pid][k] = i
        if pid not in existing and record["name"]:
            new_by_name.setdefault(record["name"].casefold(), pid)
        if not has_placements:
            continue
        _plan_placement(
            plan,
            i,
            pid,
            get,
            col,
            axis_ids,
            place_header,
            existing_keys,
            batch_keys,
            rows,
            values.get("note", ""),
            dayfirst=dayfirst,
            default_kind=default_kind,
            default_perspective=default_perspective,
        )

    for pid in new_order:
        record = merged[pid]
        record["name"] = record["name"] or pid
        plan.new_partnerships.append(record)
    for pid, record in merged.items():
        if pid in existing:
            old = existing[pid]
            if record != {c: old.get(c, "") for c in out_header}:
                plan.changed_partnerships.append((dict(old), record))
    _confirmations(plan, col, existing, ids_in_file, names_matching)
    _warn_formulas(plan, frame, rows, source_of, axis_ids)
    if plan.decimal_commas:
        plan.notes.append(
            f"Decimal commas (2,5) were read as decimal points in "
            f"{_plural(plan.decimal_commas, 'cell')}."
        )
    if not dayfirst:
        plan.notes.append(
            "Dates were read month first (e.g. 03/15/2024), as the file's dates show."
        )
    return plan


def _warn_formulas(
    plan: ImportPlan,
    frame: pd.DataFrame,
    rows: list[int],
    source_of: Mapping[str, str],
    axis_ids: list[str],
) -> None:
    """Warn, cell by cell, about text a spreadsheet would run as a formula.

    The data files are opened in spreadsheets, where a cell such as `=SUM(A1)` is run,
    not shown. Such text is imported as written (it is the user's data, and the app
    shows it as text); the warning names each cell so that it can be checked.
    """
    cleaned = {"date", "started", "kind", "spread", *axis_ids}  # refused unless valid
    columns = {c for f, c in source_of.items() if f not in cleaned}
    for i in range(len(frame)):
        for column in (c for c in frame.columns if c in columns):
            text = str(frame.iat[i, frame.columns.get_loc(column)]).strip()
            if len(text) > 1 and runs_as_formula(text):  # a lone '-' is a placeholder
                plan.warnings.append(
                    Problem(
                        plan.source,
                        rows[i],
                        column,
                        f"{text[:40]!r} starts with {text[0]!r}: a spreadsheet opening the "
                        "data file would run it as a formula; imported as written",
                    )
                )


def _extra_columns(
    plan: ImportPlan,
    mapping: Mapping[str, str],
    col: Mapping[str, str],
    frame: pd.DataFrame,
    part_header: list[str],
    axis_ids: list[str],
) -> dict[str, str]:
    """The kept source columns, as {partnerships.csv column: source column}.

    A bad or clashing name is a problem; a name matching an existing column (ignoring
    case) fills that column.
    """
    reserved = {c.casefold() for c in (*PARTNERSHIP_COLUMNS, *PLACEMENT_RESERVED, *axis_ids)}
    present = {c.casefold(): c for c in part_header}
    extras: dict[str, str] = {}
    for key, source_col in mapping.items():
        if not key.startswith(EXTRA) or not source_col:
            continue
        if source_col not in frame.columns:
            plan.problems.append(
                Problem(plan.source, 1, source_col, "the file has no such column to keep")
            )
            continue
        name = " ".join(without_control_characters(key[len(EXTRA) :]).split())
        where = Problem(plan.source, 1, source_col, "")
        if is_blank(name):
            message = "a kept column needs a name; give the column a header"
        elif source_col in col.values():
            field_name = next(f for f, c in col.items() if c == source_col)
            message = f"is mapped to {field_name}; it cannot also be kept as an extra column"
        elif name.startswith("_"):
            message = f"{name!r} cannot be a column name: names starting with '_' are reserved"
        elif name.casefold() in reserved:
            message = (
                f"{name!r} is the name of a standard column or axis; map the column to that "
                "field instead, or keep it under another name"
            )
        elif any(name.casefold() == k.casefold() for k in extras):
            message = f"another kept column is also named {name!r}; column names must differ"
        else:
            name = present.get(name.casefold(), name)
            extras[name] = source_col
            if name not in part_header:
                plan.new_columns.append(name)
            continue
        plan.problems.append(replace_message(where, message))
    plan.extra_columns = list(extras)
    if plan.new_columns:
        plan.notes.append(
            f"New column(s) of partnerships.csv: {', '.join(plan.new_columns)} "
            "(one value per partnership; they can colour the maps)."
        )
    return extras


def replace_message(problem: Problem, message: str) -> Problem:
    """The same located problem with another message."""
    return Problem(problem.file, problem.row, problem.column, message)


def _plan_placement(
    plan: ImportPlan,
    i: int,
    pid: str,
    get,  # noqa: ANN001 - the row reader of plan_import
    col: Mapping[str, str],
    axis_ids: list[str],
    place_header: list[str],
    existing_keys: dict[tuple[str, ...], dict[str, str]],
    batch_keys: dict[tuple[str, ...], int],
    rows: list[int],
    note: str,
    *,
    dayfirst: bool,
    default_kind: str,
    default_perspective: str,
) -> None:
    """Plan the placement on row i of the source (or report its problems)."""

    def problem(column: str | None, message: str) -> None:
        plan.problems.append(Problem(plan.source, rows[i], column, message))

    cells: dict[str, str] = {c: "" for c in place_header}
    cells["partnership_id"] = pid
    written = get(i, "date")
    date = clean_date(written, dayfirst=dayfirst)
    if date is None:
        partial = clean_partial_date(written, dayfirst=dayfirst)
        problem(
            col["date"],
            f"{written!r} has no day; a placement date needs one, e.g. {partial}-01"
            if partial and len(partial) == 7
            else f"{written!r} is not a date; expected e.g. 2024-03-15 or 15/03/2024",
        )
        return
    cells["date"] = date
    perspective = get(i, "perspective")
    if perspective and is_blank(perspective):
        problem(
            col["perspective"],
            f"the perspective holds only invisible characters ({_invisible(perspective)}), "
            "so it is blank; type it or leave the cell empty",
        )
        return
    cells["perspective"] = perspective or (
        "" if is_blank(default_perspective) else default_perspective.strip()
    )
    if not cells["perspective"]:
        problem(
            col.get("perspective"),
            "perspective is blank; map a perspective column or choose a default",
        )
        return
    kind = (get(i, "kind") or default_kind).lower()
    kind = {"goal": "target", "aim": "target", "current": "actual", "now": "actual"}.get(kind, kind)
    if kind not in KINDS:
        problem(col.get("kind"), f"{get(i, 'kind')!r} is not a kind; expected actual or target")
        return
    cells["kind"] = kind
    bad = False
    for a in axis_ids:
        if a not in col or a not in place_header:
            continue
        number = clean_number(get(i, a))
        if number and "," in get(i, a):
            plan.decimal_commas += 1
        if number is None:
            problem(col[a], f"{get(i, a)!r} is not a number; expected a position from -5 to 5")
            bad = True
        elif number and not -5 <= float(number) <= 5:
            problem(col[a], f"{number} is out of range; expected a position from -5 to 5")
            bad = True
        else:
            cells[a] = number
    if "spread" in col and "spread" in place_header:
        spread = clean_number(get(i, "spread"))
        if spread and "," in get(i, "spread"):
            plan.decimal_commas += 1
        if spread is None or (spread and not 0 <= float(spread) <= 5):
            problem(col["spread"], f"{get(i, 'spread')!r} is not an uncertainty from 0 to 5")
            bad = True
        else:
            cells["spread"] = spread
    if "note" in col and "note" in place_header:
        cells["note"] = note
    if bad:
        return
    if not any(cells.get(a) for a in axis_ids):
        problem(None, "no position on any axis")
        return
    key = tuple(cells[k] for k in PLACEMENT_KEY)
    if key in batch_keys:
        problem(
            None,
            "the same placement (partnership, date, perspective, kind) is also on row "
            f"{rows[batch_keys[key]]}",
        )
        return
    batch_keys[key] = i
    if key in existing_keys:
        old = existing_keys[key]
        # Replacing takes the file's values; a blank cell in the file never erases one.
        plan.duplicates.append((dict(old), {**old, **{k: v for k, v in cells.items() if v}}))
    else:
        plan.new_placements.append(cells)


def _confirmations(
    plan: ImportPlan,
    col: Mapping[str, str],
    existing: Mapping[str, Mapping[str, str]],
    ids_in_file: set[str],
    names_matching: Mapping[str, str],
) -> None:
    """What a person must confirm: renames, and new partnerships named like existing ones."""
    renames = [
        f"{new['partnership_id']}: “{old['name']}” → “{new['name']}”"
        for old, new in plan.changed_partnerships
        if old.get("name", "") != new["name"]
    ]
    if renames:
        plan.confirmations.append(
            f"{_plural(len(renames), 'existing partnership')} would be renamed: "
            f"{_quote(renames)}. Check that the column mapped to the partnership id holds "
            "these partnerships' ids."
        )
    by_name = {r["name"].casefold(): pid for pid, r in existing.items()}
    twins = [
        f"“{r['name']}” (new id {r['partnership_id']}, existing id {by_name[r['name'].casefold()]})"
        for r in plan.new_partnerships
        if r["name"].casefold() in by_name
    ]
    if (
        "partnership_id" in col
        and ids_in_file
        and not ids_in_file & set(existing)
        and names_matching
    ):
        plan.confirmations.append(
            f"The column '{col['partnership_id']}', mapped to the partnership id, matches none "
            f"of the {len(existing)} existing partnership ids, but "
            f"{_plural(len(names_matching), 'name')} in the file "
            f"{'matches' if len(names_matching) == 1 else 'match'} existing partnerships "
            f"({_quote(list(names_matching))}). Importing would add them as new partnerships "
            "with the same names. To add to the existing ones, match rows by name instead "
            "(map no column to the partnership id); or confirm that these are new "
            "partnerships."
        )
    elif twins:
        plan.confirmations.append(
            f"{_plural(len(twins), 'new partnership')} would have the name of an existing "
            f"one: {_quote(twins)}. Confirm that they are different partnerships."
        )


def commit_import(
    folder: Path | str,
    plan: ImportPlan,
    *,
    on_duplicate: str = "skip",
    user: str,
    confirmed: bool = False,
) -> Change:
    """Write a planned import all-or-nothing, refusing if the data changed since the plan.

    Raises:
        ValueError: the plan has problems, asks for a confirmation not given, or would
            write nothing.
            StaleDataError, ConflictError, DataError: as `changes.commit`; nothing was
            written.
    """
    if not plan.ok:
        raise ValueError("the import has problems; fix them first")
    if plan.confirmations and not confirmed:
        raise ValueError("the import needs confirmation: " + " ".join(plan.confirmations))
    ops = plan.ops(on_duplicate)
    if not ops:
        raise ValueError("nothing to import: " + plan.nothing_to_import(on_duplicate))
    return commit(
        folder,
        ops,
        action=f"Imported {plan.source}: {plan.summary(on_duplicate)}",
        user=user,
        expected=plan.expected,
    )


def table_of(rows: list[dict[str, str]]) -> pd.DataFrame:
    """Rows as a frame for previews."""
    return pd.DataFrame(rows, dtype="str") if rows else pd.DataFrame()


def changes_table(changes: list[CellChange]) -> pd.DataFrame:
    """Changed cells as a frame for previews: which row, which column, before → after."""
    return pd.DataFrame(
        [(c.file, c.row, c.column, c.before, c.after) for c in changes],
        columns=["File", "Row", "Column", "Before", "After"],
        dtype="str",
    )


__all__ = [
    "EXTRA",
    "CellChange",
    "ImportFileError",
    "ImportPlan",
    "Source",
    "Table",
    "changes_table",
    "clean_date",
    "clean_number",
    "clean_partial_date",
    "commit_import",
    "guess_mapping",
    "load_mappings",
    "plan_import",
    "read_source",
    "save_mapping",
]
