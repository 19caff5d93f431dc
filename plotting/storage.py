"""Reading and writing a dataset folder of three CSV files.

The CSV files are the source of truth and people also edit them in spreadsheets, so:
every read reports problems instead of failing, and every write holds a lock on the
folder, so concurrent writers never lose each other's rows. Rewrites replace the file
atomically (a temporary file, flushed to disk, renamed over the old one). Saving one
row appends it in place, in time independent of the file's size, behind an undo
journal flushed first: a writer killed mid-append leaves the journal, and the next
writer (or reader) cuts the torn row off. Either way a crash never leaves a
half-written file, and the existing bytes are never rewritten, so rows written by a
spreadsheet keep their exact form.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import ctypes
import io
import os
import re
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from filelock import FileLock, Timeout

try:
    import pyarrow as pa
except ImportError:  # pragma: no cover - Streamlit and pandas' str dtype bring it
    pa = None

from plotting.model import (
    AXES_COLUMNS,
    AXES_FILE,
    PARTNERSHIP_COLUMNS,
    PARTNERSHIPS_FILE,
    PLACEMENT_KEY,
    PLACEMENT_RESERVED,
    PLACEMENTS_FILE,
    Dataset,
    Problem,
)
from plotting.text import control_characters, control_message, without_control_characters
from plotting.validation import (
    DROPPED_ROWS,
    _first_bytes,
    left_out_axes,
    left_out_partnerships,
    validate_axes,
    validate_partnerships,
    validate_placements,
)

LOCK_NAME = ".plotting.lock"
#: How long a writer waits for another writer before giving up.
LOCK_TIMEOUT_S = 30.0
DATA_DIR_ENV = "PLOTTING_DATA_DIR"
#: Text cells are parsed straight into Arrow strings (several times faster than
#: dtype=str, same values), then given pandas' str dtype.
_TEXT_CELLS = pd.ArrowDtype(pa.large_string()) if pa is not None else str
#: Smaller files are read the plain way: the fast path's fixed costs would dominate.
FAST_READ_MIN_BYTES = 1 << 20


class DataError(Exception):
    """A write was refused; `problems` says why. Nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def default_data_dir() -> Path:
    """The dataset folder: $PLOTTING_DATA_DIR, or the sample data next to the package."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "data"


def data_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """(name, mtime_ns, size) of each data file: changes whenever a file changes."""
    out = []
    for name in (AXES_FILE, PARTNERSHIPS_FILE, PLACEMENTS_FILE):
        try:
            st = (folder / name).stat()
            out.append((name, st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            out.append((name, 0, -1))
    return tuple(out)


def _decode(path: Path, problems: list[Problem]) -> str | None:
    """The file's text (UTF-8, a byte-order mark allowed), or None with a problem."""
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(name, None, None, f"file is missing from {path.parent}"))
        return None
    except IsADirectoryError:
        problems.append(
            Problem(name, None, None, f"{name} is a folder, not a file; put the CSV file there")
        )
        return None
    except OSError as err:  # no permission, a device error…
        reason = err.strerror or type(err).__name__
        problems.append(Problem(name, None, None, f"file cannot be read: {reason}"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        row = data.count(b"\n", 0, err.start) + 1
        problems.append(
            Problem(
                name,
                row,
                None,
                f"file is not UTF-8 (byte 0x{data[err.start]:02x} cannot be read); "
                "save it as 'CSV UTF-8' from your spreadsheet program",
            )
        )
        return None


def read_raw(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    """Read a CSV file as text cells (blank = ""), or None with a problem.

    A large, clean file is parsed in one pass (`_read_fast`); anything unusual (not
    UTF-8, empty, blank lines, a bad header, a parser error) goes the precise way,
    which finds and words the problem.
    """
    frame = _read_fast(path)
    if frame is not None:
        return frame
    text = _decode(path, problems)
    if text is None:
        return None
    if not text.strip():
        problems.append(Problem(path.name, 1, None, "file is empty; expected a header row"))
        return None
    problem = separator_problem(path.name, text)
    if problem is not None:
        problems.append(problem)
        return None
    large = len(text) >= FAST_READ_MIN_BYTES
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=_TEXT_CELLS if large else str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, csv.Error) as err:
        if _TOO_MANY_FIELDS.search(str(err)):
            return _read_records(text, path.name, problems)
        match = re.search(r"line (\d+)", str(err))
        row = int(match.group(1)) if match else None
        problems.append(Problem(path.name, row, None, f"cannot be read as CSV: {err}"))
        return None
    if not isinstance(frame.index, pd.RangeIndex):
        # The first row has more cells than the header: pandas took the first
        # column(s) for an index and shifted every cell. Read it record by record.
        return _read_records(text, path.name, problems)
    if large:
        frame = frame.astype("str")
    _check_header(frame, path.name, problems)
    # Spreadsheet rows: blank lines are skipped by the parser, so count them back in.
    frame["_row"] = _physical_rows(text, len(frame))
    return frame


#: pandas' message for a row with more cells than the header.
_TOO_MANY_FIELDS = re.compile(r"Expected \d+ fields in line \d+, saw \d+")
_SEPARATORS = {";": "semicolon", "\t": "tab"}


def separator_problem(name: str, text: str) -> Problem | None:
    """The problem of a data file separated by semicolons or tabs, with advice that works.

    placements.csv and partnerships.csv are brought in by the import, once moved out
    of the folder (the import then writes a new, comma-separated file); axes.csv is
    not imported, so it is saved again as comma-separated.
    """
    separator = _other_separator(text)
    if separator is None:
        return None
    stem = name.rsplit(".", 1)[0]
    if name == AXES_FILE:
        advice = "open it in your spreadsheet program and save it as 'CSV UTF-8 (comma delimited)'"
    else:
        advice = (
            f"move it out of the data folder (or rename it, e.g. to {stem}-{separator}s.csv), "
            "then bring it in with Data → Import (or python -m plotting import), which "
            f"writes a new {name}"
        )
    return Problem(
        name,
        1,
        None,
        f"{name} looks {separator}-separated (as Excel saves in many countries); "
        f"this folder needs comma-separated files: {advice}",
    )


def _other_separator(text: str) -> str | None:
    """'semicolon' or 'tab' when the header is split by that rather than by commas.

    Excel in many countries saves "CSV" with semicolons (a comma is their decimal
    mark), and some tools save tab-separated text; read with commas, such a file is
    one column. A header that splits into more cells at another separator than at
    commas is taken for such a file.
    """
    line = text.split("\n", 1)[0]
    if not any(sep in line for sep in _SEPARATORS):
        return None
    try:
        commas = len(next(csv.reader([line]), []))
        counts = {sep: len(next(csv.reader([line], delimiter=sep), [])) for sep in _SEPARATORS}
    except csv.Error:
        return None
    sep, most = max(counts.items(), key=lambda item: item[1])
    return _SEPARATORS[sep] if most > max(commas, 1) else None


def _read_records(text: str, name: str, problems: list[Problem]) -> pd.DataFrame | None:
    """Read a file whose rows may have more cells than its header, record by record.

    Each such row is a problem (its cells cannot be matched to columns) and is left
    out; extra cells that are all empty (a trailing comma) are dropped, as they hold
    nothing. Rows are numbered as spreadsheets number them, by records.
    """
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        problems.append(Problem(name, None, None, f"cannot be read as CSV: {err}"))
        return None
    while records and (not records[0] or records[0] == [""]):
        records.pop(0)
    if not records:
        problems.append(Problem(name, 1, None, "file is empty; expected a header row"))
        return None
    header = _mangle_header(records[0])
    width = len(header)
    cells, rows = [], []
    dropped: list[tuple[int, dict[str, str]]] = []
    for row, record in enumerate(records[1:], start=2):
        if not record or record == [""]:
            continue
        extra = record[width:]
        if any(c.strip() for c in extra):
            problems.append(
                Problem(
                    name,
                    row,
                    None,
                    f"row has {len(record)} cells but the header has {width} columns "
                    f"(the extra: {', '.join(repr(c) for c in extra[:3])}); a cell may hold "
                    "a comma without quotes around it, or a column lacks its header",
                )
            )
            dropped.append((row, dict(zip(header, record[:width], strict=False))))
            continue
        cells.append(record[:width] + [""] * (width - len(record)))
        rows.append(row)
    frame = pd.DataFrame(cells, columns=header, dtype="str") if cells else None
    if frame is None:
        frame = pd.DataFrame({c: pd.Series([], dtype="str") for c in header})
    _check_header(frame, name, problems)
    frame["_row"] = np.asarray(rows, dtype=np.int64)
    # The rows left out, as far as their cells can be matched to the header: the
    # validators leave out what refers to them (a partnership's placements) quietly.
    frame.attrs[DROPPED_ROWS] = dropped
    return frame


def _mangle_header(cells: list[str]) -> list[str]:
    """Header cells named as pandas names them: 'Unnamed: i' for blanks, 'a.1' for repeats."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = cell if cell else f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


def _check_header(frame: pd.DataFrame, name: str, problems: list[Problem]) -> None:
    """Report bad header cells: blank, duplicated, or holding control characters.

    pandas renames blank and repeated names silently; a control character is named
    with its column (the name without it).
    """
    for col in frame.columns:
        if found := control_characters(str(col)):
            problems.append(
                Problem(
                    name,
                    1,
                    without_control_characters(str(col)),
                    f"the column name {control_message(found)}",
                )
            )
        if str(col).startswith("Unnamed: "):
            problems.append(Problem(name, 1, None, "a header cell is blank; name every column"))
        elif re.fullmatch(r".+\.\d+", str(col)) and str(col).rsplit(".", 1)[0] in frame.columns:
            problems.append(
                Problem(name, 1, str(col).rsplit(".", 1)[0], "column appears twice in the header")
            )


def _physical_rows(text: str, n: int) -> np.ndarray:
    """Spreadsheet row numbers of the n data records, allowing for blank lines.

    Quoted cells may hold line breaks; spreadsheets count such a record as one row,
    so rows are counted by records, and only wholly blank lines are skipped.
    """
    if "\n\n" not in text.replace("\r\n", "\n") and '"' not in text:
        return np.arange(2, n + 2)
    if n and _no_blank_records(text):  # nothing to skip, so records are rows 2, 3, 4…
        return np.arange(2, n + 2)
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    # A record is skipped when it is empty or one empty cell (a wholly blank line).
    rows = [row for row, record in enumerate(reader, start=2) if record and record != [""]]
    if len(rows) != n:  # the parser and csv disagree: fall back to plain numbering
        return np.arange(2, n + 2)
    return np.asarray(rows)


def _no_blank_records(text: str) -> bool:
    """Whether csv reads no blank record before the trailing line ends (conservative).

    True when, ignoring line ends at the very end, there is no empty line, no bare
    CR, no NUL and no line that starts with '""' (the only way to write a record of
    one empty cell): then `_physical_rows` numbers the records 2, 3, 4…
    """
    body = text.rstrip("\r\n")
    if "\r" in body:
        body = body.replace("\r\n", "\n")
        if "\r" in body:
            return False
    return not ("\x00" in body or body.startswith(("\n", '""')) or "\n\n" in body or '\n""' in body)


_BLANK_FIRST_LINE = re.compile(rb"[ \t]*(?:\r|\n|$)")
_LINE_END = re.compile(rb"\r\n|\r|\n")
#: Bytes read from each end of a file to check its first line and its last line ends.
_EDGE = 4096


def _trailing_blank_lines(tail: bytes) -> int | None:
    """How many blank lines end a file, from its last bytes (None: too many to tell)."""
    body = tail.rstrip(b"\r\n")
    if not body:
        return None
    return max(len(_LINE_END.findall(tail, len(body))) - 1, 0)


def _read_fast(path: Path, numeric: Collection[str] = ()) -> pd.DataFrame | None:
    """The file's cells, parsed in one pass, or None when it takes the precise path.

    Returns what `read_raw` returns for a large, clean file: one byte-order mark at
    most, a clean header, no blank line but at the end, parsed without error (pandas
    decodes every cell as strict UTF-8, so bad bytes raise). It is read by path, so
    pandas parses it on all cores. Columns named in `numeric` come back as float
    (NaN = blank) when every cell is a finite number or blank; pandas converts them
    directly instead of as text. Any doubt gives None, and the caller reads the file
    the precise way.
    """
    if pa is None:  # pragma: no cover
        return None
    try:
        with path.open("rb") as fh:
            before = os.fstat(fh.fileno())
            if before.st_size < FAST_READ_MIN_BYTES:
                return None
            head = fh.read(_EDGE)
            fh.seek(max(before.st_size - _EDGE, 0))
            tail = fh.read()
    except OSError:
        return None
    start = 3 if head.startswith(codecs.BOM_UTF8) else 0
    if head.startswith(codecs.BOM_UTF8, start) or _BLANK_FIRST_LINE.match(head, start):
        return None  # two byte-order marks, or blank lines before the header
    blank_tail = _trailing_blank_lines(tail)
    if blank_tail is None:
        return None
    number = set(numeric)
    try:
        frame = _parse(path, number)
        after = path.stat()
    except Exception:  # any parser complaint: the precise path words it
        return None
    if (after.st_ino, after.st_size, after.st_mtime_ns) != (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    ):
        return None  # replaced while reading
    header_problems: list[Problem] = []
    _check_header(frame, path.name, header_problems)
    if header_problems or len(frame.columns) < 2 or len(frame) <= blank_tail:
        return None  # a bad header, or no rows (which the precise path numbers its own way)
    if not isinstance(frame.index, pd.RangeIndex):
        return None  # a first row longer than the header: the precise path says which
    for col, dtype in frame.dtypes.items():
        if col in number:
            if dtype != np.float64:
                return None
            values = frame[col].to_numpy()
            # Infinities are "not a number" (fmin and fmax skip NaN, so they find any),
            # and "-0" may parse as 0 the precise way (-0.0 is the float whose bits
            # are those of the smallest int64).
            if len(values) and (
                np.isinf(np.fmin.reduce(values))
                or np.isinf(np.fmax.reduce(values))
                or (values.view(np.int64) == np.iinfo(np.int64).min).any()
            ):
                return None
        elif dtype != _STR and dtype != _TEXT_CELLS:
            return None
    # Blank lines (empty, or spaces and tabs only) and '""' lines give rows whose first
    # cell is empty or starts with a space or tab. Only the blank lines at the end may:
    # those are dropped, as the plain reader skips them.
    suspect = _starts_blank(frame.iloc[:, 0])
    n = len(frame) - blank_tail
    if suspect.sum() != blank_tail or (blank_tail and not suspect[n:].all()):
        return None
    if blank_tail:
        frame = frame.iloc[:n]
    # Text read explicitly gets pandas' str dtype around the same Arrow strings, wrapped
    # directly: `astype` spends milliseconds on bookkeeping for that.
    columns = {
        col: frame[col].to_numpy() if col in number else _str_array(frame[col])
        for col in frame.columns
    }
    columns["_row"] = np.arange(2, n + 2)
    return pd.DataFrame(columns, copy=False)


def _parse(path: Path, number: set[str]) -> pd.DataFrame:
    """Parse for `_read_fast`: Arrow text, and floats (NaN = blank) in `number`.

    Blank lines are kept as rows (`_read_fast` checks them), so that rows are records.
    (Leaving text to pandas' inference was measured no faster, and would need a
    process-wide warnings filter for mixed columns; asking for pandas' str directly is
    about twice as slow as either.)
    """
    return pd.read_csv(
        path,
        dtype=defaultdict(lambda: _TEXT_CELLS, dict.fromkeys(number, "float64")),
        keep_default_na=False,
        na_values={c: [""] for c in number},
        na_filter=bool(number),
        skip_blank_lines=False,
        encoding="utf-8",
    )


#: pandas' str dtype (Arrow strings, NaN for missing), which text cells are read into.
_STR = pd.StringDtype("pyarrow", na_value=np.nan) if pa is not None else None


def _str_array(cells: pd.Series) -> pd.api.extensions.ExtensionArray:
    """Text cells (str, or Arrow large_string) as pandas' str array, without a copy."""
    if cells.dtype == _STR:
        return cells.array
    return pd.arrays.ArrowStringArray(cells.array.__arrow_array__(), dtype=_STR)


def _starts_blank(cells: pd.Series) -> np.ndarray:
    """Whether each cell is empty (or NaN) or starts with a space or a tab."""
    if cells.dtype == np.float64:
        return np.isnan(cells.to_numpy())
    first = _first_bytes(cells)
    if first is None:  # missing values are not expected: take the precise path
        return np.ones(len(cells), dtype=bool)
    return (first == 0) | (first == 0x20) | (first == 0x09)


def load_dataset(folder: Path | str) -> Dataset:
    """Load and validate a dataset folder; problems are collected, never raised.

    A save that a killed writer left torn is undone first (when no writer is busy).
    """
    folder = Path(folder)
    recover_interrupted_appends(folder)
    problems: list[Problem] = []
    raw_axes = read_raw(folder / AXES_FILE, problems)
    axes = validate_axes(raw_axes, problems) if raw_axes is not None else []
    axes_left_out = left_out_axes(raw_axes, axes) if raw_axes is not None else {}
    raw_parts = read_raw(folder / PARTNERSHIPS_FILE, problems)
    if raw_parts is not None:
        partnerships = validate_partnerships(raw_parts, problems)
    else:
        partnerships = pd.DataFrame(
            {c: pd.Series([], dtype="str") for c in PARTNERSHIP_COLUMNS} | {"_row": []}
        )
    for col in PARTNERSHIP_COLUMNS:
        if col not in partnerships.columns:
            partnerships[col] = ""
    # Positions and spreads are parsed as numbers straight away when the file is clean.
    numeric = [*(a.axis_id for a in axes), "spread"]
    raw_places = _read_fast(folder / PLACEMENTS_FILE, numeric)
    if raw_places is None:
        raw_places = read_raw(folder / PLACEMENTS_FILE, problems)
    known = partnerships["partnership_id"] if raw_parts is not None else None
    left_out = left_out_partnerships(raw_parts, partnerships) if raw_parts is not None else {}
    del raw_parts
    if raw_places is not None and raw_axes is None:
        # No axes could be read: their problem says why; every axis column waits for it.
        axes_left_out = {
            str(c): 0 for c in raw_places.columns if c not in PLACEMENT_RESERVED and c != "_row"
        }
    if raw_places is not None:
        large = len(raw_places) * len(raw_places.columns) >= _TRIM_CELLS
        placements = validate_placements(raw_places, problems, axes, known, left_out, axes_left_out)
        del raw_places
        if large:
            _give_back_freed_memory()
    else:
        placements = validate_placements(
            pd.DataFrame({c: pd.Series([], dtype="str") for c in PLACEMENT_KEY}), [], axes, None
        )
    problems.sort(key=lambda p: (p.file, p.row or 0))
    return Dataset(folder, axes, partnerships, placements, problems)


#: Above this many placement cells, freed parser memory is handed back after loading.
_TRIM_CELLS = 5_000_000


def _give_back_freed_memory() -> None:
    """Return the parser's freed buffers to the system (glibc keeps them otherwise).

    pandas' parser allocates with malloc; once a large file is parsed, glibc holds on
    to the freed space, about 170 MB for 1.2 million placements, for the life of the
    app. malloc_trim hands it back in a few milliseconds; elsewhere this does nothing.
    """
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL(None).malloc_trim(0)


def format_number(value: object) -> str:
    """A position as people write it: 2.5, -3, or blank for none."""
    if value is None or value == "":
        return ""
    number = float(value)  # type: ignore[arg-type]
    if np.isnan(number):
        return ""
    text = f"{round(number, 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _header(path: Path) -> tuple[list[str], str, bool]:
    """The header cells of a CSV file, its line ending, and whether it ends with one."""
    with path.open("rb") as fh:
        first = fh.readline()
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        if size:
            fh.seek(size - 1)
            last = fh.read(1)
        else:
            last = b"\n"
    newline = "\r\n" if first.endswith(b"\r\n") else "\n"
    header = next(csv.reader([first.decode("utf-8-sig").rstrip("\r\n")]))
    return header, newline, last in (b"\n", b"\r")


def _encode_rows(rows: list[list[str]], newline: str) -> bytes:
    """CSV bytes for rows, quoted as spreadsheets do (only where needed).

    The writer's terminator is CRLF so that a cell holding either a lone CR or LF is
    quoted (with LF alone, a CR in a cell would go out bare and split the row on
    reading); each record then ends with the file's own line ending.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    out = []
    for row in rows:
        buf.seek(0)
        buf.truncate()
        writer.writerow(row)
        out.append(buf.getvalue()[:-2] + newline)
    return "".join(out).encode("utf-8")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: temp file in the same folder, fsync, rename."""
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    """Flush the folder entry so that the rename survives a power cut."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the lock every writer to this dataset folder holds.

    Writers create temporary files and append journals only while holding it, so any
    found once it is acquired was left by a writer that was killed: temporary files are
    removed, and an interrupted append is undone (`_recover_append`).
    """
    folder = Path(folder)
    with FileLock(str(folder / LOCK_NAME), timeout=LOCK_TIMEOUT_S):
        _clean_up_killed_writers(folder)
        yield


def recover_interrupted_appends(folder: Path | str) -> bool:
    """Undo an append left unfinished by a killed writer, if the folder is not locked.

    For readers, before reading: when no append journal is there (the usual case) this
    costs three `stat` calls. When one is, the lock is tried once, without waiting: if
    it is held, a live writer may be appending and will clean up after itself or the
    next writer will. Returns whether anything was recovered.
    """
    folder = Path(folder)
    if not any((folder / _journal_name(name)).exists() for name in _APPENDED_FILES):
        return False
    try:
        with FileLock(str(folder / LOCK_NAME), blocking=False):
            return _clean_up_killed_writers(folder)
    except (Timeout, OSError):  # busy, or a folder this process may not write to
        return False


#: The files `_append_bytes` appends to (each may have a journal).
_APPENDED_FILES = (AXES_FILE, PARTNERSHIPS_FILE, PLACEMENTS_FILE)
_JOURNAL_SUFFIX = ".journal"
_JOURNAL_TAG = b"plotting-append-journal-1"


def _journal_name(name: str) -> str:
    """The name of the undo journal of an append to file `name` (a hidden file beside it)."""
    return f".{name}{_JOURNAL_SUFFIX}"


def _clean_up_killed_writers(folder: Path) -> bool:
    """Remove temporary files and undo unfinished appends (call with the lock held).

    Returns whether there was anything to clean up.
    """
    journals = {_journal_name(name): name for name in _APPENDED_FILES}
    with os.scandir(folder) as entries:
        names = [e.name for e in entries if e.name.startswith(".")]
    found = False
    for name in names:
        if name in journals:
            _recover_append(folder / name, folder / journals[name])
            found = True
        elif name.endswith(".tmp") and len(name) >= 5:  # what glob(".*.tmp") matches
            (folder / name).unlink(missing_ok=True)
            found = True
    return found


def _write_fully(fd: int, data: bytes) -> None:
    """Write all of `data` (one call, unless the system writes less)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _append_bytes(path: Path, data: bytes) -> None:
    """Append `data` to an existing file in place, so that a crash can be undone.

    Call with the folder lock held. Copying the file to a temporary one would cost time
    in proportion to its size; instead an undo journal is written beside the file and
    flushed to disk first: the file's size and inode before the append, and the bytes
    to append. The bytes then go in with one write and are flushed, and the journal is
    removed. A writer killed in between leaves the journal behind, and the next holder
    of the lock cuts the file back to its old size unless the append is whole
    (`_recover_append`).

    Removing the journal need not be flushed: a journal that outlives a power cut
    describes an append that is whole on disk, which recovery keeps (and a rewrite of
    the file flushes the folder, and so the removal, before it counts as done).
    """
    journal = path.with_name(_journal_name(path.name))
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        before = os.fstat(fd)
        _write_journal(journal, before.st_size, before.st_ino, data)
        try:
            _write_fully(fd, data)
            os.fsync(fd)
        except BaseException:
            # Undo at once; should that fail too, the journal is left for the next writer.
            with contextlib.suppress(OSError):
                os.ftruncate(fd, before.st_size)
                os.fsync(fd)
                journal.unlink()
            raise
        journal.unlink()
    finally:
        os.close(fd)


def _write_journal(journal: Path, size: int, inode: int, data: bytes) -> None:
    """Write an append's undo journal and flush it, and its folder entry, to disk."""
    fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        _write_fully(fd, b"%s %d %d %d\n%s" % (_JOURNAL_TAG, size, inode, len(data), data))
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        journal.unlink(missing_ok=True)  # the append has not started
        raise
    os.close(fd)
    _fsync_dir(journal.parent)


def _read_journal(journal: Path) -> tuple[int, int, bytes] | None:
    """(size before, inode, bytes appended) from a journal; None if it is incomplete.

    An incomplete journal was being written when its writer was killed, so the append
    it was for had not started.
    """
    try:
        content = journal.read_bytes()
    except FileNotFoundError:
        return None
    head, _, data = content.partition(b"\n")
    fields = head.split(b" ")
    if len(fields) != 4 or fields[0] != _JOURNAL_TAG:
        return None
    try:
        size, inode, length = (int(f) for f in fields[1:])
    except ValueError:
        return None
    if length != len(data) or size < 0:
        return None
    return size, inode, data


def _recover_append(journal: Path, path: Path) -> None:
    """Undo the append a journal describes, unless it is whole (call with the lock held).

    The file is cut back to its size before the append only when what follows that
    size is a part of the bytes being appended, not all of them (a torn append) or
    something else of no greater length (unflushed bytes after a power cut). A whole
    append is kept (its writer may have reported it saved); a file that was replaced
    (another inode), is no longer than before, or has grown beyond the append (someone
    else wrote to it since), is left alone. Then the journal is removed.
    """
    entry = _read_journal(journal)
    if entry is not None:
        size, inode, data = entry
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            fd = None
        if fd is not None:
            try:
                now = os.fstat(fd)
                extra = now.st_size - size
                if now.st_ino == inode and 0 < extra <= len(data):
                    os.lseek(fd, size, os.SEEK_SET)
                    if extra < len(data) or os.read(fd, extra + 1) != data:
                        os.ftruncate(fd, size)
                    os.fsync(fd)
            finally:
                os.close(fd)
    journal.unlink(missing_ok=True)


def _append_record(path: Path, record: Mapping[str, str], default_columns: tuple[str, ...]) -> None:
    """Append one record under the file's own header (call with the lock held)."""
    if not path.exists():
        header = list(default_columns)
        atomic_write_bytes(path, _encode_rows([header, [record.get(c, "") for c in header]], "\n"))
        return
    header, newline, ends_with_newline = _header(path)
    data = _encode_rows([[record.get(c, "") for c in header]], newline)
    if not ends_with_newline:
        data = newline.encode() + data
    _append_bytes(path, data)


def placement_record(placement: Mapping[str, object], axis_ids: list[str]) -> dict[str, str]:
    """The CSV cells of one placement, from a mapping of Python values."""
    date = placement.get("date", "")
    if hasattr(date, "strftime"):
        date = date.strftime("%Y-%m-%d")  # type: ignore[union-attr]
    record = {
        "partnership_id": str(placement.get("partnership_id", "")),
        "date": str(date),
        "perspective": str(placement.get("perspective", "")).strip(),
        "kind": str(placement.get("kind", "")),
        "spread": format_number(placement.get("spread")),
        "note": str(placement.get("note", "") or ""),
    }
    for a in axis_ids:
        record[a] = format_number(placement.get(a))
    return record


def append_placement(
    folder: Path | str, placement: Mapping[str, object], *, user: str = "unknown"
) -> dict[str, str]:
    """Validate one placement and append it to placements.csv; returns the cells written.

    The append is recorded in the history, so that it can be undone.

    Raises:
        DataError: the placement is invalid, or a column it needs is not in the file's
            header; nothing was written.
    """
    folder = Path(folder)
    path = folder / PLACEMENTS_FILE
    with folder_lock(folder):
        axes, partnership_ids = _reference_data(folder)
        axis_ids = [a.axis_id for a in axes]
        record = placement_record(placement, axis_ids)
        problems: list[Problem] = []
        raw = pd.DataFrame([record], dtype=str)
        header_cols = _header(path)[0] if path.exists() else list(record)
        raw = raw[[c for c in raw.columns if c in header_cols or c in PLACEMENT_KEY]]
        # The row number is only needed for messages: found by reading the file if any.
        raw["_row"] = [_PENDING_ROW]
        # The one id to check, as a list: cheaper to match than every known id.
        pid = record["partnership_id"]
        validate_placements(raw, problems, axes, [pid] if pid in partnership_ids else [])
        if problems:
            row_number = _next_row(path)
            problems = [
                Problem(p.file, row_number, p.column, p.message) if p.row == _PENDING_ROW else p
                for p in problems
            ]
        missing = [a for a in axis_ids if record.get(a) and a not in header_cols]
        for a in missing:
            problems.append(
                Problem(
                    PLACEMENTS_FILE,
                    1,
                    a,
                    "the file has no column for this axis; add it to the header",
                )
            )
        if record.get("spread") and "spread" not in header_cols:
            problems.append(
                Problem(PLACEMENTS_FILE, 1, "spread", "the file has no 'spread' column")
            )
        if problems:
            raise DataError(problems)
        written = {c: record.get(c, "") for c in header_cols}
        _append_record(path, record, tuple(header_cols))
        name = written.get("partnership_id", "")
        _record_change(
            folder,
            f"Placed {name} ({written.get('perspective', '')}, {written.get('kind', '')}, "
            f"{written.get('date', '')})",
            user,
            PLACEMENTS_FILE,
            written,
        )
    return record


def _record_change(folder: Path, action: str, user: str, file: str, row: dict[str, str]) -> None:
    """Record an appended row in the history (with the lock held)."""
    from plotting.history import Op, new_change, record

    record(folder, new_change(action, user, [Op(file, None, row)]))


#: The reference data of a few folders, kept while their axes and partnerships files are
#: unchanged: {folder: (files' signatures, axes, partnership ids)}, least recently used first.
_REFERENCE_CACHE: dict[str, tuple[tuple, list, frozenset[str]]] = {}
_REFERENCE_CACHE_FOLDERS = 4
_REFERENCE_CACHE_LOCK = threading.Lock()
#: Files changed less than this long before they were read are read again next time:
#: a change within the file system's clock step could keep their size and times.
_RACY_NS = 1_000_000_000


def _file_signature(path: Path) -> tuple[int, ...] | None:
    """What changes whenever a file is written or replaced (None: no such file)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _reference_data(folder: Path) -> tuple[list, frozenset[str]]:
    """The valid axes and partnership ids, without reading the (large) placements file.

    Kept per folder and used again while axes.csv and partnerships.csv are unchanged:
    same inode, size, modification and change times, checked on every call (a `stat`
    of each). The change time cannot be set back, and files read within `_RACY_NS` of
    their last change are not kept, so any later write shows.
    """
    key = os.path.abspath(folder)
    files = (folder / AXES_FILE, folder / PARTNERSHIPS_FILE)
    signature = tuple(_file_signature(p) for p in files)
    with _REFERENCE_CACHE_LOCK:
        cached = _REFERENCE_CACHE.pop(key, None)
        if cached is not None and cached[0] == signature:
            _REFERENCE_CACHE[key] = cached  # now the most recently used
            return list(cached[1]), cached[2]
    problems: list[Problem] = []
    raw_axes = read_raw(files[0], problems)
    axes = validate_axes(raw_axes, problems) if raw_axes is not None else []
    raw_parts = read_raw(files[1], problems)
    ids = (
        frozenset(validate_partnerships(raw_parts, problems)["partnership_id"])
        if raw_parts is not None
        else frozenset()
    )
    oldest = time.time_ns() - _RACY_NS
    settled = all(s is None or max(s[3], s[4]) < oldest for s in signature)
    if settled and signature == tuple(_file_signature(p) for p in files):
        with _REFERENCE_CACHE_LOCK:
            _REFERENCE_CACHE[key] = (signature, axes, ids)
            while len(_REFERENCE_CACHE) > _REFERENCE_CACHE_FOLDERS:
                del _REFERENCE_CACHE[next(iter(_REFERENCE_CACHE))]
    return list(axes), ids


#: The row number validated placements get until a problem needs the real one.
_PENDING_ROW = 0


def _next_row(path: Path) -> int:
    """The spreadsheet row of a record appended to `path` (the header is row 1).

    Numbered as `load_dataset` numbers rows: by CSV records, blank ones included, so
    that a cell with a line break counts once. Reads the whole file: for messages only.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 2
    if not data:
        return 2
    if b'"' not in data:
        return len(_LINE_END.findall(data)) + (not data.endswith((b"\n", b"\r"))) + 1
    text = data.decode("utf-8-sig", errors="replace")
    try:
        return sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) + 1
    except csv.Error:  # an unclosed quote, say: count lines
        return data.count(b"\n") + (not data.endswith(b"\n")) + 1


def partnership_record(partnership: Mapping[str, object]) -> dict[str, str]:
    """The CSV cells of one partnership, from a mapping of Python values."""
    record = {k: str(v if v is not None else "").strip() for k, v in partnership.items()}
    started = partnership.get("started")
    if hasattr(started, "strftime"):
        record["started"] = started.strftime("%Y-%m-%d")  # type: ignore[union-attr]
    elif isinstance(started, str) and started.strip():
        # Otherwise `started` is kept as typed, spaces too, so that ' 2019 ' is refused
        # with its cell (as placement dates are, and as the Data page's cell check does)
        # rather than changed silently.
        record["started"] = started
    if "partners" in record:
        names = [p.strip() for p in record["partners"].replace("\n", ";").split(";")]
        record["partners"] = "; ".join(p for p in names if p)
    return record


def add_partnership(
    folder: Path | str, partnership: Mapping[str, object], *, user: str = "unknown"
) -> dict[str, str]:
    """Validate a new partnership and append it to partnerships.csv; returns the cells.

    The append is recorded in the history, so that it can be undone.

    Raises:
        DataError: invalid, or the id is taken; nothing was written.
    """
    folder = Path(folder)
    path = folder / PARTNERSHIPS_FILE
    record = partnership_record(partnership)
    with folder_lock(folder):
        header = _header(path)[0] if path.exists() else list(PARTNERSHIP_COLUMNS)
        existing = read_raw(path, []) if path.exists() else None
        problems: list[Problem] = []
        row_number = (len(existing) if existing is not None else 0) + 2
        combined = pd.DataFrame([{c: record.get(c, "") for c in header}], dtype=str)
        combined["_row"] = [row_number]
        if existing is not None:
            combined = pd.concat([existing[[*header, "_row"]], combined], ignore_index=True)
        before = len(problems)
        validate_partnerships(combined, problems)
        problems = [p for p in problems[before:] if p.row == row_number]
        extra = sorted(set(record) - set(header))
        if [k for k in extra if record[k]]:
            problems.append(Problem(PARTNERSHIPS_FILE, 1, extra[0], "the file has no such column"))
        if problems:
            raise DataError(problems)
        _append_record(path, record, tuple(header))
        _record_change(
            folder,
            f"Added partnership {record.get('partnership_id', '')}",
            user,
            PARTNERSHIPS_FILE,
            {c: record.get(c, "") for c in header},
        )
    return record


def write_frame(path: Path, frame: pd.DataFrame, columns: list[str] | None = None) -> None:
    """Write a whole CSV file atomically (used for new datasets and rewrites)."""
    cols = columns or [c for c in frame.columns if c != "_row"]
    rows = [cols] + [
        ["" if v is None else str(v) for v in rec] for rec in frame[cols].itertuples(index=False)
    ]
    atomic_write_bytes(path, _encode_rows(rows, "\n"))


def new_dataset(folder: Path | str, axes_rows: list[Mapping[str, str]]) -> None:
    """Create an empty dataset folder with the given axes (refuses to overwrite)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with folder_lock(folder):
        for name in (AXES_FILE, PARTNERSHIPS_FILE, PLACEMENTS_FILE):
            if (folder / name).exists():
                raise FileExistsError(folder / name)
        axis_ids = [r["axis_id"] for r in axes_rows]
        atomic_write_bytes(
            folder / AXES_FILE,
            _encode_rows(
                [list(AXES_COLUMNS)] + [[r.get(c, "") for c in AXES_COLUMNS] for r in axes_rows],
                "\n",
            ),
        )
        atomic_write_bytes(
            folder / PARTNERSHIPS_FILE, _encode_rows([list(PARTNERSHIP_COLUMNS)], "\n")
        )
        atomic_write_bytes(
            folder / PLACEMENTS_FILE,
            _encode_rows([[*PLACEMENT_KEY, *axis_ids, "spread", "note"]], "\n"),
        )
