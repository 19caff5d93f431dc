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
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from plotting.analysis import slugify, unique_id
from plotting.changes import Op, Table, commit, load_tables
from plotting.history import Change
from plotting.model import (
    KINDS,
    PARTNERSHIP_COLUMNS,
    PARTNERSHIPS_FILE,
    PLACEMENT_KEY,
    PLACEMENTS_FILE,
    Problem,
)
from plotting.storage import folder_lock, format_number

#: Largest upload accepted (also Streamlit's server.maxUploadSize, in MB).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAPPINGS_FILE = "import-mappings.json"
SKIP = ""  # mapping value: this field is not in the source
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
    "started": ("started", "start", "start date", "since"),
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


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


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
    if b"\x00" in data[:4096]:
        raise ImportFileError(f"{name} is not a text (CSV) file; save it as CSV or .xlsx")
    return _read_csv(name, data)


def _decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 with byte-order mark"
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
        records.append([c.strip() for c in cells])
        rows.append(line)
    if not records:
        raise ImportFileError(f"{name} is empty")
    names = {",": "comma", ";": "semicolon", "\t": "tab"}
    notes = [f"Read as {encoding}, {names[delimiter]}-separated."]
    return _source(name, records, rows, notes, decimal_comma=delimiter != ",")


def _read_xlsx(name: str, data: bytes) -> Source:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise ImportFileError(f"{name} cannot be read as .xlsx: {err}") from err
    sheet = book.worksheets[0]
    records: list[list[str]] = []
    rows: list[int] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_xlsx_cell(v) for v in values]
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
    return _source(name, records, rows, notes, decimal_comma=True)


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format_number(value)
    return str(value).strip()


def _source(
    name: str, records: list[list[str]], rows: list[int], notes: list[str], *, decimal_comma: bool
) -> Source:
    header = [h or f"column {i + 1}" for i, h in enumerate(records[0])]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in records[1:]]
    frame = pd.DataFrame(body, columns=header, dtype="str")
    source = Source(name, frame, notes, rows[1:])
    source.notes.append(f"{len(frame)} data rows, {width} columns.")
    if decimal_comma:
        source.notes.append("Decimal commas (2,5) are read as decimal points.")
    return source


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
    if "partnership_id" not in mapping and "name" not in mapping:
        for col in columns:
            if col not in mapping.values():
                mapping["name"] = col
                break
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


def clean_date(value: str, *, dayfirst: bool = True) -> str | None:
    """A date as YYYY-MM-DD from the common spreadsheet forms, or None if unreadable."""
    text = str(value).strip().replace(",", "")
    if not text:
        return None
    if text.endswith("00:00:00"):
        text = text[:-8].strip()
    m = _NUMERIC_DATE.match(text)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y += 2000 if y < 100 else 0
        day, month = (a, b) if dayfirst else (b, a)
        try:
            return dt.date(y, month, day).isoformat()
        except ValueError:
            return None
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # an Excel serial day number
        serial = int(float(text))
        if 20000 < serial < 80000:
            return (dt.date(1899, 12, 30) + dt.timedelta(days=serial)).isoformat()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


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


@dataclass
class ImportPlan:
    """What an import would add and change, and every problem, before anything is written."""

    source: str
    new_partnerships: list[dict[str, str]] = field(default_factory=list)
    changed_partnerships: list[tuple[dict[str, str], dict[str, str]]] = field(default_factory=list)
    new_placements: list[dict[str, str]] = field(default_factory=list)
    duplicates: list[tuple[dict[str, str], dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    expected: tuple = ()

    @property
    def ok(self) -> bool:
        """True when the import can be committed."""
        return not self.problems

    def ops(self, on_duplicate: str = "skip") -> list[Op]:
        """The ops that carry out this plan (duplicates skipped or replaced)."""
        ops = [Op(PARTNERSHIPS_FILE, None, r) for r in self.new_partnerships]
        ops += [Op(PARTNERSHIPS_FILE, old, new) for old, new in self.changed_partnerships]
        ops += [Op(PLACEMENTS_FILE, None, r) for r in self.new_placements]
        if on_duplicate == "replace":
            ops += [Op(PLACEMENTS_FILE, old, new) for old, new in self.duplicates if old != new]
        return ops

    def summary(self, on_duplicate: str = "skip") -> str:
        """One line: what would be written."""
        dup = len(self.duplicates)
        dup_text = (
            f"; {dup} duplicate placement(s) "
            f"{'replaced' if on_duplicate == 'replace' else 'skipped'}"
            if dup
            else ""
        )
        return (
            f"{len(self.new_partnerships)} new partnership(s), {len(self.changed_partnerships)} "
            f"changed, {len(self.new_placements)} new placement(s){dup_text}"
        )


def plan_import(
    folder: Path | str,
    source: Source,
    mapping: Mapping[str, str],
    *,
    default_kind: str = "actual",
    default_perspective: str = "",
) -> ImportPlan:
    """Work out what importing `source` with `mapping` would do, without writing anything."""
    from plotting.storage import data_signature

    folder = Path(folder)
    tables = load_tables(folder)
    plan = ImportPlan(source.name, notes=list(source.notes), expected=data_signature(folder))
    frame = source.frame
    col = {f: c for f, c in mapping.items() if c and c in frame.columns}
    axes_header = [
        c for c in tables[PLACEMENTS_FILE].header if c not in (*PLACEMENT_KEY, "spread", "note")
    ]
    axis_ids = [r["axis_id"] for r in tables["axes.csv"].rows]
    rows = source.rows or list(range(2, len(frame) + 2))

    def problem(i: int, column: str | None, message: str) -> None:
        plan.problems.append(Problem(source.name, rows[i], column, message))

    def get(i: int, fld: str) -> str:
        return str(frame.iat[i, frame.columns.get_loc(col[fld])]).strip() if fld in col else ""

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

    existing = {r["partnership_id"]: r for r in tables[PARTNERSHIPS_FILE].rows}
    by_name = {r["name"].casefold(): r["partnership_id"] for r in tables[PARTNERSHIPS_FILE].rows}
    part_header = tables[PARTNERSHIPS_FILE].header
    seen_new: dict[str, dict[str, str]] = {}
    new_by_name: dict[str, dict[str, str]] = {}
    first_row: dict[str, int] = {}
    dayfirst = day_first(frame[col["date"]]) if "date" in col else True
    place_header = tables[PLACEMENTS_FILE].header
    existing_keys: dict[tuple[str, ...], dict[str, str]] = {
        tuple(r.get(k, "") for k in PLACEMENT_KEY): r for r in tables[PLACEMENTS_FILE].rows
    }
    batch_keys: dict[tuple[str, ...], int] = {}
    taken = list(existing)

    for i in range(len(frame)):
        pid = get(i, "partnership_id")
        name = get(i, "name")
        if not pid and name:
            pid = by_name.get(name.casefold()) or new_by_name.get(name.casefold(), {}).get(
                "partnership_id", ""
            )
            if not pid:
                pid = unique_id(slugify(name), taken)
        if not pid:
            problem(i, col.get("partnership_id") or col.get("name"), "no partnership id or name")
            continue
        details = {f: get(i, f) for f in DETAIL_FIELDS if f in col}
        if details.get("started"):
            started = clean_date(details["started"], dayfirst=dayfirst)
            if started is None:
                problem(i, col["started"], f"{details['started']!r} is not a date")
                continue
            details["started"] = started
        if "partners" in details:
            details["partners"] = "; ".join(
                p.strip() for p in re.split(r"[;\n]", details["partners"]) if p.strip()
            )
        if pid in existing:
            old = existing[pid]
            new = {**old, **{k: v for k, v in details.items() if v and k in part_header}}
            if new != old and all(new != n for _, n in plan.changed_partnerships):
                plan.changed_partnerships.append((dict(old), new))
                existing[pid] = new
        elif pid not in seen_new:
            record = {c: "" for c in part_header}
            record.update({k: v for k, v in details.items() if k in part_header})
            record["partnership_id"] = pid
            record["name"] = record.get("name") or name or pid
            seen_new[pid] = record
            new_by_name[record["name"].casefold()] = record
            first_row[pid] = i
            taken.append(pid)
            plan.new_partnerships.append(record)
        else:
            record = seen_new[pid]
            for k, v in details.items():
                if v and record.get(k) and record[k] != v:
                    problem(
                        i,
                        col[k],
                        f"{k} {v!r} differs from {record[k]!r} on row "
                        f"{rows[first_row[pid]]} for the same partnership",
                    )
                elif v and k in part_header:
                    record[k] = v
        if not has_placements:
            continue
        cells: dict[str, str] = {c: "" for c in place_header}
        cells["partnership_id"] = pid
        date = clean_date(get(i, "date"), dayfirst=dayfirst)
        if date is None:
            problem(
                i,
                col["date"],
                f"{get(i, 'date')!r} is not a date; expected e.g. 2024-03-15 or 15/03/2024",
            )
            continue
        cells["date"] = date
        cells["perspective"] = get(i, "perspective") or default_perspective
        if not cells["perspective"]:
            problem(
                i,
                col.get("perspective"),
                "perspective is blank; map a perspective column or choose a default",
            )
            continue
        kind = (get(i, "kind") or default_kind).lower()
        kind = {"goal": "target", "aim": "target", "current": "actual", "now": "actual"}.get(
            kind, kind
        )
        if kind not in KINDS:
            problem(
                i, col.get("kind"), f"{get(i, 'kind')!r} is not a kind; expected actual or target"
            )
            continue
        cells["kind"] = kind
        bad = False
        for a in axis_ids:
            if a not in col or a not in place_header:
                continue
            number = clean_number(get(i, a))
            if number is None:
                problem(
                    i, col[a], f"{get(i, a)!r} is not a number; expected a position from -5 to 5"
                )
                bad = True
            elif number and not -5 <= float(number) <= 5:
                problem(i, col[a], f"{number} is out of range; expected a position from -5 to 5")
                bad = True
            else:
                cells[a] = number
        if "spread" in col and "spread" in place_header:
            spread = clean_number(get(i, "spread"))
            if spread is None or (spread and not 0 <= float(spread) <= 5):
                problem(i, col["spread"], f"{get(i, 'spread')!r} is not an uncertainty from 0 to 5")
                bad = True
            else:
                cells["spread"] = spread
        if "note" in col:
            cells["note"] = get(i, "note")
        if bad:
            continue
        if not any(cells.get(a) for a in axis_ids):
            problem(i, None, "no position on any axis")
            continue
        key = tuple(cells[k] for k in PLACEMENT_KEY)
        if key in batch_keys:
            problem(
                i,
                None,
                "the same placement (partnership, date, perspective, kind) is also on row "
                f"{rows[batch_keys[key]]}",
            )
            continue
        batch_keys[key] = i
        if key in existing_keys:
            plan.duplicates.append((dict(existing_keys[key]), cells))
        else:
            plan.new_placements.append(cells)
    if not dayfirst:
        plan.notes.append(
            "Dates were read month first (e.g. 03/15/2024), as the file's dates show."
        )
    return plan


def commit_import(
    folder: Path | str, plan: ImportPlan, *, on_duplicate: str = "skip", user: str
) -> Change:
    """Write a planned import all-or-nothing, refusing if the data changed since the plan.

    Raises:
        ValueError: the plan has problems. StaleDataError, ConflictError, DataError: as
            `changes.commit`; nothing was written.
    """
    if not plan.ok:
        raise ValueError("the import has problems; fix them first")
    ops = plan.ops(on_duplicate)
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


__all__ = [
    "ImportFileError",
    "ImportPlan",
    "Source",
    "Table",
    "clean_date",
    "clean_number",
    "commit_import",
    "guess_mapping",
    "load_mappings",
    "plan_import",
    "read_source",
    "save_mapping",
]
