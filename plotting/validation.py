"""Validation of the three CSV files, vectorised so that it stays fast on large datasets.

Every check reports `Problem`s that name the file, the spreadsheet row (header = row 1),
the column, what is wrong and what was expected. Checks work on frames of raw strings
(as read from the CSV) and return the parsed, valid rows, so that the app can keep
working on whatever is valid. One validator serves both loading and single-row writes
(a new placement or partnership is validated as a one-row frame), so the rules cannot
drift apart; per-row model libraries (pydantic, pandera) were slower by orders of
magnitude on a million placements and gave no better messages.

Text checks run on each column's distinct values (a million placements hold a few
thousand distinct dates and ids) and are mapped back to the rows, which gives the same
result as checking every cell. Before that, the usual, valid data is recognised in
place, from the Arrow buffers: dates of ten bytes read as digits, kinds compared as
integers, ids and names checked byte by byte. Each shortcut gives what the general
check gives, or gives up (`FAST_CHECKS` turns them off, for tests to compare). On a
large file the text columns are checked on a second thread while the dates are read.
Numeric columns may arrive already parsed as floats by the loader's fast path (NaN =
blank): it parses them only when every cell is a finite number or blank, so such a
column has nothing to report but ranges.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import TypeVar

import numpy as np
import pandas as pd

try:
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover - Streamlit and pandas' str dtype bring it
    pa = pc = None

from plotting.kept import arrow_text
from plotting.model import (
    AXES_FILE,
    AXES_REQUIRED,
    KINDS,
    PARTNERSHIP_REQUIRED,
    PARTNERSHIPS_FILE,
    PLACEMENT_KEY,
    PLACEMENT_RESERVED,
    PLACEMENTS_FILE,
    POSITION_MAX,
    POSITION_MIN,
    SPREAD_MAX,
    Axis,
    Problem,
)
from plotting.text import control_characters, control_message, is_blank, without_control_characters

AXIS_ID_RE = re.compile(r"^[a-z0-9_]+$")
PARTNERSHIP_ID_RE = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
#: A partnership's `started`: a year, a year and month, or a full day.
PARTIAL_DATE_RE = r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$"
#: The same, or blank, for an editor's cells (JavaScript reads it too).
PARTIAL_DATE_INPUT_RE = r"^(?:\d{4}(?:-\d{2}(?:-\d{2})?)?)?$"
#: What a partial date should look like, for messages and forms.
PARTIAL_DATE_HINT = "YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2019-03"
#: The years a date may have, in a file and in an import alike (`started` and placement
#: dates): a four-digit number outside is taken for a typing mistake, not a year.
YEARS = range(1800, 2201)
#: The note added to a dropped partnership's problem when placements refer to it.
LEFT_OUT_NOTE = re.compile(
    r"; (?:its|their) (?:\d+ )?placements? (?:is|are) left out until this is fixed$"
)
#: Key of a raw frame's `attrs` listing rows the reader left out (too many cells), as
#: (spreadsheet row, {column: cell}): what refers to them is left out quietly.
DROPPED_ROWS = "dropped_rows"
#: Row numbers as a spreadsheet shows them: the header is row 1, data starts at row 2.
FIRST_DATA_ROW = 2
#: Never list more than this many problems of one kind; a summary line says how many more.
MAX_PROBLEMS_PER_CHECK = 200
#: Whether checks may take their fast paths (shortcuts for the usual, valid data, which
#: give None whenever in doubt). Tests turn this off to compare against the general way.
FAST_CHECKS = True
#: pandas' text dtype, which every text column of a validated frame has.
_STR = pd.Series([], dtype="str").dtype


def _short(value: str, limit: int = 40) -> str:
    """A value quoted for a message, shortened when long."""
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(text)


def _report(
    problems: list[Problem],
    file: str,
    rows: pd.Series | np.ndarray,
    column: str | None,
    messages: Iterable[str] | str,
) -> None:
    """Append one problem per row (capped), with a summary line when capped."""
    rows = np.asarray(rows)
    if isinstance(messages, str):
        messages = [messages] * min(len(rows), MAX_PROBLEMS_PER_CHECK)
    # Only the listed messages are built: a generator is consumed no further.
    messages = list(islice(messages, MAX_PROBLEMS_PER_CHECK))
    for row, message in zip(rows[:MAX_PROBLEMS_PER_CHECK], messages, strict=False):
        problems.append(Problem(file, int(row), column, message))
    if len(rows) > MAX_PROBLEMS_PER_CHECK:
        extra = len(rows) - MAX_PROBLEMS_PER_CHECK
        problems.append(
            Problem(file, None, column, f"{extra} more rows have the same kind of problem")
        )


def _distinct(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct values): `distinct.to_numpy()[codes]` gives the column back.

    Elementwise checks on the distinct values, mapped back through `codes`, equal the
    same checks on every cell, at the cost of one hashing pass.
    """
    chunks = arrow_text(series)
    if chunks is not None and chunks.null_count == 0 and len(chunks):
        # Arrow encodes each chunk on all cores' worth of C++; same values, any order.
        encoded = pc.dictionary_encode(chunks).unify_dictionaries()
        codes = np.concatenate([c.indices.to_numpy() for c in encoded.chunks])
        distinct = encoded.chunk(0).dictionary.to_pylist()
        return codes.astype(np.intp), pd.Series(distinct, dtype=series.dtype, name=series.name)
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    return codes, pd.Series(uniques, dtype=series.dtype, name=series.name)


def _start_visible(series: pd.Series) -> bool:
    """Whether every cell starts with a visible ASCII character, so none is blank.

    False when some cell does not, or when it cannot be told cheaply.
    """
    first = _first_bytes(series) if FAST_CHECKS else None
    return first is not None and bool(((first > 0x20) & (first < 0x7F)).all())


#: Byte ranges (first, last), as a pattern's character classes: ASCII letters, digits…
_Ranges = tuple[tuple[int, int], ...]
_DIGITS: _Ranges = ((0x30, 0x39),)
_LETTERS: _Ranges = ((0x41, 0x5A), (0x61, 0x7A))
#: The bytes an id may start with, and the bytes it may hold (PARTNERSHIP_ID_RE, AXIS_ID_RE).
_PARTNERSHIP_ID_BYTES = (
    (*_DIGITS, *_LETTERS),
    (*_DIGITS, *_LETTERS, (0x2D, 0x2E), (0x5F, 0x5F)),  # and - . _
)
_AXIS_ID_BYTES = ((*_DIGITS, (0x5F, 0x5F), (0x61, 0x7A)),) * 2  # digits, _ and a-z


def _in_ranges(data: np.ndarray, ranges: _Ranges) -> bool:
    """Whether every byte is in one of the ranges (a few vectorised comparisons)."""
    ok = np.zeros(len(data), dtype=bool)
    for first, last in ranges:
        ok |= (data - np.uint8(first)) <= np.uint8(last - first)  # wraps below `first`
    return bool(ok.all())


def _all_match(series: pd.Series, byte_sets: tuple[_Ranges, _Ranges]) -> bool:
    """Whether every cell matches an id pattern, read from the bytes.

    That is: each is non-empty, starts with a byte of the first set and holds only
    bytes of the second. False when some cell does not, or when it cannot be told
    cheaply: the regular expression then finds which.
    """
    first_bytes, all_bytes = byte_sets
    buffers = _text_buffers(series) if FAST_CHECKS else None
    if buffers is None:
        return False
    for offsets, data in buffers:
        starts = offsets[:-1]
        if not len(starts):
            continue
        if not (offsets[1:] > starts).all():  # a blank cell
            return False
        if not _in_ranges(data[offsets[0] : offsets[-1]], all_bytes):
            return False
        if not _in_ranges(np.take(data, starts), first_bytes):
            return False
    return True


def _no_duplicates(series: pd.Series) -> bool:
    """Whether the cells are all different (False: some are not, or it cannot be told).

    Cells in strictly increasing order (ids are often listed sorted) are all different,
    which takes one comparison each instead of hashing them all.
    """
    chunks = arrow_text(series) if FAST_CHECKS else None
    if chunks is None:
        return False
    if len(chunks) > 1 and not chunks.null_count:
        cells = chunks.combine_chunks()
        if pc.all(pc.less(cells[:-1], cells[1:])).as_py():
            return True
    return len(pc.unique(chunks)) == len(chunks)


def _text_buffers(series: pd.Series) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Each Arrow chunk's (offsets, bytes) of a text column, without copying.

    Cell i of a chunk is `data[offsets[i]:offsets[i + 1]]`. None for a column that is
    not Arrow text or that has missing values.
    """
    chunks = arrow_text(series)
    if chunks is None or chunks.null_count:
        return None
    offset_type = np.int64 if pa.types.is_large_string(chunks.type) else np.int32
    out = []
    for chunk in chunks.chunks:
        _, offsets, data = chunk.buffers()
        offsets = np.frombuffer(offsets, dtype=offset_type)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
        out.append((offsets, data))
    return out


def _first_bytes(series: pd.Series) -> np.ndarray | None:
    """The first UTF-8 byte of each cell (0 for an empty one), from the Arrow buffers.

    None for a column that is not Arrow text or that has missing values.
    """
    buffers = _text_buffers(series)
    if buffers is None:
        return None
    out = [np.zeros(0, dtype=np.uint8)]
    for offsets, data in buffers:
        starts = offsets[:-1]
        if not len(data):
            out.append(np.zeros(len(starts), dtype=np.uint8))
            continue
        first = np.take(data, starts, mode="clip")  # clip: empty cells at the very end
        empty = offsets[1:] == starts
        if empty.any():
            first[empty] = 0
        out.append(first)
    return np.concatenate(out) if len(out) > 2 else out[-1]


def _fixed_width(
    series: pd.Series, width: int, *, blank_ok: bool = False
) -> list[tuple[np.ndarray, np.ndarray | None]] | None:
    """Each Arrow chunk's cells as the rows of a byte matrix, when each is `width` long.

    The matrices are views of the Arrow buffers. With `blank_ok`, empty cells are
    allowed too: a chunk's matrix then holds its other cells, and a mask says which
    cells they are (None when it has no empty cell). None when a cell has another
    length, or the column is not Arrow text.
    """
    buffers = _text_buffers(series)
    if buffers is None or width <= 0:
        return None
    out = []
    for offsets, data in buffers:
        lengths = np.diff(offsets)
        full = lengths == width
        if full.all():
            filled = None
        elif blank_ok and (full | (lengths == 0)).all():
            filled = full
        else:
            return None
        # Cells are stored back to back, so the non-empty ones fill this span.
        out.append((data[offsets[0] : offsets[-1]].reshape(-1, width), filled))
    return out


def _uint_view(matrix: np.ndarray, at: int, size: int) -> np.ndarray:
    """Bytes `at` to `at + size` of each row of a byte matrix, as little-endian integers."""
    if not len(matrix):
        return np.zeros(0, dtype=f"<u{size}")
    return np.ndarray(
        (len(matrix),), dtype=f"<u{size}", buffer=matrix, offset=at, strides=(matrix.shape[1],)
    )


def _isin(series: pd.Series, values: Iterable[object]) -> np.ndarray:
    """`series.isin(values)` as a boolean array; for str columns with Arrow's own kernel.

    pandas builds a scalar per value first, which took most of a second for 40,000 ids.
    """
    chunks = arrow_text(series)
    known = arrow_text(values) if isinstance(values, pd.Series) else None
    if chunks is not None and known is not None:
        value_set = known.combine_chunks().cast(chunks.type)
    else:
        values = list(values)
        if chunks is None or not all(isinstance(v, str) for v in values):
            return series.isin(values).to_numpy()
        found = _isin_same_length(series, values)
        if found is not None:
            return found
        value_set = pa.array(values, type=chunks.type)
    runs = _runs(chunks)
    if runs is not None:  # look up each run's value once
        values_of_runs = pa.chunked_array([run.values for run in runs.chunks], type=chunks.type)
        found = np.asarray(pc.fill_null(pc.is_in(values_of_runs, value_set=value_set), False))
        lengths = [np.diff(run.run_ends.to_numpy(), prepend=0) for run in runs.chunks]
        if found.all():
            return np.ones(len(chunks), dtype=bool)
        return np.repeat(found, np.concatenate(lengths))
    found = pc.is_in(chunks, value_set=value_set)
    return np.asarray(pc.fill_null(found, False), dtype=bool)


#: Columns this long are looked up run by run when equal values tend to come together.
RUNS_MIN_CELLS = 50_000
_RUNS_SAMPLE = 4096


def _runs(chunks: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """The column run-length encoded, when its first cells come in runs; else None.

    Placements of one partnership tend to be listed together (a sheet sorted by
    partnership, several perspectives placed at once): then looking up one value per
    run beats looking up every cell. A sample decides, so that a column without runs
    costs little more.
    """
    if not FAST_CHECKS or len(chunks) < RUNS_MIN_CELLS:
        return None
    sample = chunks.slice(0, _RUNS_SAMPLE).combine_chunks()
    if len(pc.run_end_encode(sample).values) > len(sample) // 2:
        return None
    return pc.run_end_encode(chunks)


def _isin_same_length(series: pd.Series, values: list[str]) -> np.ndarray | None:
    """`_isin` for a few values of one length (such as the kinds), or None.

    When every cell has that length in bytes, each is compared in place, as a few
    integers, with each value: no hashing. None when a cell has another length.
    """
    if not FAST_CHECKS or not 0 < len(values) <= 4:
        return None
    encoded = {v.encode() for v in values}
    width = len(next(iter(encoded)))
    if not 0 < width <= 16 or any(len(v) != width for v in encoded):
        return None
    chunks = _fixed_width(series, width)
    if chunks is None:
        return None
    pieces, at = [], 0  # (offset, size) of the integers that cover a cell
    while at < width:
        size = next(s for s in (8, 4, 2, 1) if s <= width - at)
        pieces.append((at, size))
        at += size
    wanted = [[int.from_bytes(v[at : at + size], "little") for at, size in pieces] for v in encoded]
    found = np.zeros(len(series), dtype=bool)
    start = 0
    for matrix, _ in chunks:
        views = [_uint_view(matrix, at, size) for at, size in pieces]
        here = found[start : start + len(matrix)]
        for value in wanted:
            same = views[0] == value[0]
            for view, part in zip(views[1:], value[1:], strict=True):
                same &= view == part
            here |= same
        start += len(matrix)
    return found


#: Below this many cells, work is not worth handing to another thread.
BACKGROUND_MIN_CELLS = 100_000


_T = TypeVar("_T")


def _in_background(cells: int, func: Callable[[], _T]) -> Callable[[], _T]:
    """Start `func()` on another thread when there are many cells to check.

    Returns a function that waits for the result (or raises its exception). Fewer
    cells are checked right here: a thread would cost more than it saves.
    """
    if cells < BACKGROUND_MIN_CELLS or not FAST_CHECKS:
        result = func()
        return lambda: result
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plotting-check")
    future = pool.submit(func)
    pool.shutdown(wait=False)
    return future.result


def check_columns(
    problems: list[Problem], file: str, frame: pd.DataFrame, required: Iterable[str]
) -> bool:
    """Report required columns that are missing; True when all are there."""
    ok = True
    for col in required:
        if col not in frame.columns:
            problems.append(Problem(file, 1, col, f"missing column; the header needs '{col}'"))
            ok = False
    return ok


def _row_numbers(frame: pd.DataFrame) -> np.ndarray:
    """Spreadsheet row numbers of a frame read with a default index."""
    if "_row" in frame.columns:
        return frame["_row"].to_numpy()
    return frame.index.to_numpy() + FIRST_DATA_ROW


def validate_axes(raw: pd.DataFrame, problems: list[Problem]) -> list[Axis]:
    """Check axes.csv and return its valid axes in file order."""
    if not check_columns(problems, AXES_FILE, raw, AXES_REQUIRED):
        return []
    rows = _row_numbers(raw)
    valid = np.ones(len(raw), dtype=bool)
    ids = raw["axis_id"]
    if _all_match(ids, _AXIS_ID_BYTES):
        bad = np.zeros(len(ids), dtype=bool)
    else:
        bad = ~ids.str.fullmatch(AXIS_ID_RE.pattern).to_numpy(dtype=bool)
    if bad.any():
        _report(
            problems,
            AXES_FILE,
            rows[bad],
            "axis_id",
            [
                f"{_short(v)} is not a valid axis id; expected lowercase letters, digits "
                "and underscores, e.g. delivery_policy"
                if v
                else "axis_id is blank; every axis needs an id"
                for v in ids[bad]
            ],
        )
        valid &= ~bad
    reserved = _isin(ids, PLACEMENT_RESERVED)
    if reserved.any():
        _report(
            problems,
            AXES_FILE,
            rows[reserved],
            "axis_id",
            [f"{_short(v)} is a reserved column name of placements.csv" for v in ids[reserved]],
        )
        valid &= ~reserved
    if _no_duplicates(ids):
        dup = np.zeros(len(ids), dtype=bool)
    else:
        dup = (ids.duplicated() & ids.ne("")).to_numpy()
    if dup.any():
        _report(
            problems,
            AXES_FILE,
            rows[dup],
            "axis_id",
            [f"duplicate axis id {_short(v)}; each axis is listed once" for v in ids[dup]],
        )
        valid &= ~dup
    poles = {}
    for col in ("low_pole", "high_pole"):
        poles[col], blank = _required_text(
            problems, AXES_FILE, raw, rows, col, f"{col} is blank; name the pole"
        )
        valid &= ~blank
    table = _optional_text(problems, AXES_FILE, raw, rows, ("axis_id", "low_pole", "high_pole"))
    desc = table["description"] if "description" in raw.columns else pd.Series([""] * len(raw))
    return [
        Axis(str(a), str(lo), str(hi), str(d))
        for a, lo, hi, d, ok in zip(
            ids, poles["low_pole"], poles["high_pole"], desc, valid, strict=True
        )
        if ok
    ]


#: Years whose dates `_fast_dates` reads; others take the general path.
_FAST_YEARS = (1900, 2199)
_NAT = np.datetime64("NaT", "us").view(np.int64)


@functools.cache
def _date_tables() -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Lookup tables for `_read_dates`.

    For the century, year, month and day, each two ASCII digits read as a
    little-endian uint16 → their share of an index into the dates table, or a number
    too large for it; the dates table: (year - first fast year, month, day) packed as
    `(y * 16 + m) * 32 + d` → the date as microseconds since 1970, NaT where there is
    no such date.
    """
    first, last = _FAST_YEARS

    def digits(shares: dict[int, int]) -> np.ndarray:
        table = np.full(1 << 16, 1 << 24, dtype=np.int32)
        for value, share in shares.items():
            tens, ones = divmod(value, 10)
            table[(0x30 + tens) | (0x30 + ones) << 8] = share
        return table

    parts = (
        digits({c: (c * 100 - first) * 512 for c in range(first // 100, last // 100 + 1)}),
        digits({y: y * 512 for y in range(100)}),
        digits({m: m * 32 for m in range(1, 13)}),
        digits({d: d for d in range(1, 32)}),
    )
    months = np.arange((first - 1970) * 12, (last + 1 - 1970) * 12 + 1).astype("M8[M]")
    starts = months.astype("M8[D]").astype(np.int64)
    lengths = np.diff(starts)
    table = np.full((last + 1 - first, 16, 32), _NAT, dtype=np.int64)
    for day in range(1, 32):
        ok = day <= lengths
        days = np.where(ok, starts[:-1] + day - 1, 0)
        us = np.where(ok, days * 86_400_000_000, _NAT).reshape(-1, 12)
        table[:, 1:13, day] = us
    return parts, table.reshape(-1)


def _fast_dates(series: pd.Series, *, required: bool) -> np.ndarray | None:
    """The dates of a column whose every cell is a valid YYYY-MM-DD date, or None.

    Blank cells are allowed (as NaT) unless `required`. Reads the cells' bytes in
    place, ten at a time, instead of parsing each distinct value; anything else (an
    invalid or unusual date, a year outside `_FAST_YEARS`, no date at all) gives None,
    and `_check_dates` takes the general path, which finds and words the problems.
    The result is what that path returns: datetime64[us], NaT for blank cells.
    """
    chunks = _fixed_width(series, 10, blank_ok=not required) if FAST_CHECKS else None
    if chunks is None or not any(len(matrix) for matrix, _ in chunks):
        return None
    out = np.empty(len(series), dtype=np.int64)
    start = 0
    for matrix, filled in chunks:
        size = len(matrix) if filled is None else len(filled)
        here = out[start : start + size]
        if filled is None:
            if not _read_dates(matrix, here):
                return None
        else:
            here[:] = _NAT
            dates = np.empty(len(matrix), dtype=np.int64)
            if not _read_dates(matrix, dates):
                return None
            here[filled] = dates
        start += size
    return out.view("M8[us]")


def _read_dates(matrix: np.ndarray, out: np.ndarray) -> bool:
    """Read rows of ten bytes as dates into `out` (microseconds since 1970).

    False when a row is not a date YYYY-MM-DD of the fast years.
    """
    if not len(matrix):
        return True
    if (matrix[:, 4] != 0x2D).any() or (matrix[:, 7] != 0x2D).any():  # the dashes
        return False
    parts, table = _date_tables()
    index = np.take(parts[0], _uint_view(matrix, 0, 2))  # century
    for part, at in zip(parts[1:], (2, 5, 8), strict=True):  # year, month, day
        index += np.take(part, _uint_view(matrix, at, 2))
    if index.max() >= len(table):  # not digits, or out of range
        return False
    np.take(table, index, out=out)
    return bool(out.min() != _NAT)  # NaT: no such day


def _check_dates(
    problems: list[Problem],
    file: str,
    series: pd.Series,
    rows: np.ndarray,
    column: str,
    *,
    required: bool,
) -> tuple[pd.Series, np.ndarray]:
    """Parse YYYY-MM-DD dates; return (datetimes, valid mask) and report bad ones."""
    fast = _fast_dates(series, required=required)
    if fast is not None:
        return pd.Series(fast, index=series.index, name=series.name), np.ones(len(fast), bool)
    codes, distinct = _distinct(series)
    blank = distinct.eq("").to_numpy()
    shaped = distinct.str.fullmatch(DATE_RE).fillna(False).to_numpy(dtype=bool)
    parsed = pd.to_datetime(distinct.where(shaped), format="%Y-%m-%d", errors="coerce")
    good = ~parsed.isna().to_numpy() & _in_years(distinct)
    parsed = parsed.where(good)
    bad = (~good & ~blank if not required else ~good)[codes]
    if bad.any():
        values = distinct.to_numpy()[codes[bad]]
        _report(
            problems,
            file,
            rows[bad],
            column,
            (
                _not_a_date(v, "YYYY-MM-DD, e.g. 2024-03-15")
                if v
                else f"{column} is blank; expected a date as YYYY-MM-DD"
                for v in values
            ),
        )
    dates = pd.Series(parsed.to_numpy()[codes], index=series.index, name=series.name)
    return dates, ~bad


def _in_years(values: pd.Series) -> np.ndarray:
    """Which values start with a four-digit year in `YEARS` (the rest of them unchecked)."""
    years = pd.to_numeric(values.str.slice(0, 4).where(values.str.match(r"\d{4}")), "coerce")
    return years.between(YEARS.start, YEARS.stop - 1).fillna(False).to_numpy(dtype=bool)


def _not_a_date(value: str, expected: str) -> str:
    """Why a value is no date: its year is out of `YEARS`, or it is no date at all."""
    if re.fullmatch(r"\d{4}(?:-\d{2}){0,2}", value) and int(value[:4]) not in YEARS:
        return (
            f"{_short(value)} is not a date: the year is not from {YEARS.start} to "
            f"{YEARS.stop - 1}; expected {expected}"
        )
    return f"{_short(value)} is not a date; expected {expected}"


# ---- partial dates (a partnership's `started`) -------------------------------------------


def _partial_dates(values: pd.Series) -> np.ndarray:
    """Which values are valid partial dates (2019, 2019-03 or 2019-03-14); blank is not."""
    shaped = values.str.fullmatch(PARTIAL_DATE_RE).fillna(False).to_numpy(dtype=bool)
    if not shaped.any():
        return shaped
    text = values.to_numpy(dtype=object)
    # A year or a month stands for its first day, which exists when the month does.
    full = [
        (v + "-01-01" if len(v) == 4 else v + "-01" if len(v) == 7 else v) if ok else None
        for v, ok in zip(text, shaped, strict=True)
    ]
    parsed = pd.to_datetime(pd.Series(full, dtype=object), format="%Y-%m-%d", errors="coerce")
    return shaped & ~parsed.isna().to_numpy() & _in_years(values.astype("str"))


def partial_date_problem(value: str) -> str | None:
    """Why a `started` value is not a partial date (None: it is, or it is blank)."""
    value = value.strip()
    if not value or _partial_dates(pd.Series([value], dtype="str"))[0]:
        return None
    return _not_a_date(value, PARTIAL_DATE_HINT)


def _check_partial_dates(
    problems: list[Problem], file: str, series: pd.Series, rows: np.ndarray, column: str
) -> np.ndarray:
    """Report cells that are neither blank nor a partial date; returns which they are.

    Full days are read in place (`_fast_dates`); anything else is checked per
    distinct value.
    """
    if _fast_dates(series, required=False) is not None:
        return np.zeros(len(series), dtype=bool)
    codes, distinct = _distinct(series)
    bad_d = ~(distinct.eq("").to_numpy() | _partial_dates(distinct))
    bad = bad_d[codes]
    if bad.any():
        _report(
            problems,
            file,
            rows[bad],
            column,
            (_not_a_date(v, PARTIAL_DATE_HINT) for v in distinct.to_numpy()[codes[bad]]),
        )
    return bad


def started_sort_key(values: pd.Series) -> pd.Series:
    """A key for `sort_values` that orders partial dates sensibly, blanks last.

    As text, valid partial dates already sort by time, a coarser one first:
    2019 < 2019-03 < 2019-03-14 < 2019-04. Blank (or missing) values get '~', which
    sorts after every digit.
    """
    text = values.fillna("").astype("str").str.strip()
    return text.where(text.ne(""), "~")


# ---- control characters and blank text -----------------------------------------------------

#: C0 control bytes that are no control character here: tab, LF and CR.
_ALLOWED_CONTROL_BYTES = np.array([0x09, 0x0A, 0x0D], dtype=np.uint8)


def _control_bytes(span: np.ndarray) -> np.ndarray:
    """Offsets in UTF-8 bytes where a control character (`text.control_characters`) starts.

    Such a character is one byte in UTF-8 (a C0 control or DEL), or three for U+FFFE
    and U+FFFF (EF BF BE and EF BF BF); lone surrogates cannot be stored at all. Each
    test is one vectorised pass that finds nothing in usual text.
    """
    found: list[np.ndarray] = []
    if not len(span):
        return np.zeros(0, dtype=np.intp)
    # The smallest and largest byte (fast reductions) rule out most tests: plain text
    # has no byte below 0x20 but line breaks, and no byte from 0xEF up.
    if span.min() < 0x20:
        at = np.flatnonzero(span < 0x20)
        found.append(at[~np.isin(span[at], _ALLOWED_CONTROL_BYTES)])
    top = span.max()
    if top >= 0x7F and (span == 0x7F).any():
        found.append(np.flatnonzero(span == 0x7F))
    if top >= 0xEF:
        at = np.flatnonzero(span[:-2] == 0xEF)
        at = at[(span[at + 1] == 0xBF) & ((span[at + 2] == 0xBE) | (span[at + 2] == 0xBF))]
        found.append(at)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.intp)


def _control_cells(series: pd.Series) -> np.ndarray:
    """The positions of the cells that hold a control character (`text.control_characters`).

    Read from the Arrow bytes when it can be (`_control_bytes`); otherwise each
    distinct value is searched.
    """
    buffers = _text_buffers(series) if FAST_CHECKS else None
    if buffers is not None:
        found = []
        start = 0
        for offsets, data in buffers:
            at = _control_bytes(data[offsets[0] : offsets[-1]])
            if len(at):
                cells = np.searchsorted(offsets, at + offsets[0], side="right") - 1
                found.append(np.unique(cells) + start)
            start += len(offsets) - 1
        return np.concatenate(found) if found else np.zeros(0, dtype=np.intp)
    codes, distinct = _distinct(series)
    has = np.fromiter(
        (bool(control_characters(v)) if isinstance(v, str) else False for v in distinct),
        dtype=bool,
        count=len(distinct),
    )
    return np.flatnonzero(has[codes])


def _check_control(
    problems: list[Problem], file: str, series: pd.Series, rows: np.ndarray, column: str
) -> tuple[pd.Series, np.ndarray]:
    """Report cells holding control characters; return the column without them.

    Also returns the positions of those cells. The cells are cleaned in memory only
    (the file is never rewritten): the row still loads.
    """
    at = _control_cells(series)
    if not len(at):
        return series, at
    values = series.iloc[at].to_numpy(dtype=object)
    _report(
        problems,
        file,
        rows[at],
        column,
        (control_message(control_characters(v)) for v in values),
    )
    cleaned = series.copy()
    cleaned.iloc[at] = [without_control_characters(v) for v in values]
    return cleaned, at


def _blank_cells(series: pd.Series) -> np.ndarray:
    """Which cells are blank (`text.is_blank`: white space and invisible characters only).

    A cell that starts with a visible ASCII character is not; only the others are
    looked at, one by one.
    """
    first = _first_bytes(series) if FAST_CHECKS else None
    if first is not None:
        maybe = np.flatnonzero(~((first > 0x20) & (first < 0x7F)))
        out = np.zeros(len(series), dtype=bool)
        if len(maybe):
            out[maybe] = [is_blank(v) for v in series.to_numpy(dtype=object)[maybe]]
        return out
    codes, distinct = _distinct(series)
    blank = np.fromiter(
        (is_blank(v) for v in distinct.to_numpy(dtype=object)), dtype=bool, count=len(distinct)
    )
    return blank[codes]


def _required_text(
    problems: list[Problem], file: str, raw: pd.DataFrame, rows: np.ndarray, column: str, blank: str
) -> tuple[pd.Series, np.ndarray]:
    """Check a required text column: control characters (removed), then blank cells.

    Returns the cleaned column and which rows are blank. A cell that was nothing but
    control characters is reported once, as such, not as blank too.
    """
    cleaned, control = _check_control(problems, file, raw[column], rows, column)
    empty = _blank_cells(cleaned)
    report = empty.copy()
    report[control] = False
    if report.any():
        _report(problems, file, rows[report], column, blank)
    return cleaned, empty


def _optional_text(
    problems: list[Problem], file: str, raw: pd.DataFrame, rows: np.ndarray, skip: Iterable[str]
) -> pd.DataFrame:
    """Check every other text column for control characters; the frame without them."""
    out = raw
    for col in raw.columns:
        if col in skip or col == "_row" or raw[col].dtype != _STR:
            continue
        cleaned, at = _check_control(problems, file, raw[col], rows, str(col))
        if len(at):
            if out is raw:
                out = raw.copy(deep=False)
            out[col] = cleaned
    return out


# ---- dropped partnerships and their placements -----------------------------------------------


def left_out_partnerships(raw: pd.DataFrame, valid: pd.DataFrame) -> dict[str, int]:
    """{id: spreadsheet row} of partnerships left out for a bad required cell.

    Their placements are left out with them, without a problem each: the
    partnership's own problem says how many (`note_left_out`).
    """
    dropped = _dropped_rows(raw, "partnership_id")
    if (len(raw) == len(valid) and not dropped) or "partnership_id" not in raw.columns:
        return {}
    known = set(valid["partnership_id"])
    out: dict[str, int] = {}
    pairs = [*zip(raw["partnership_id"], _row_numbers(raw), strict=True), *dropped]
    for pid, row in sorted(pairs, key=lambda pair: pair[1]):
        if pid and pid not in known:
            out.setdefault(str(pid), int(row))
    return out


def _dropped_rows(raw: pd.DataFrame, column: str) -> list[tuple[str, int]]:
    """(cell of `column`, spreadsheet row) of each row the reader left out (`DROPPED_ROWS`)."""
    return [
        (cells[column], row) for row, cells in raw.attrs.get(DROPPED_ROWS, ()) if cells.get(column)
    ]


def left_out_axes(raw: pd.DataFrame, axes: list[Axis]) -> dict[str, int]:
    """{axis id: spreadsheet row} of axes left out for a problem of their own.

    Their columns in placements.csv are left out with them, quietly: the axis' own
    problem says so.
    """
    dropped = _dropped_rows(raw, "axis_id")
    if "axis_id" not in raw.columns or (len(raw) == len(axes) and not dropped):
        return {}
    known = {a.axis_id for a in axes}
    out: dict[str, int] = {}
    pairs = [*zip(raw["axis_id"], _row_numbers(raw), strict=True), *dropped]
    for axis_id, row in sorted(pairs, key=lambda pair: pair[1]):
        if axis_id and axis_id not in known and axis_id not in PLACEMENT_RESERVED:
            out.setdefault(str(axis_id), int(row))
    return out


def _note_left_out(problems: list[Problem], counts: dict[str, int], rows: dict[str, int]) -> None:
    """Add to each dropped partnership's first problem how many placements it takes along."""
    first: dict[int | None, int] = {}
    for i, p in enumerate(problems):
        if p.file == PARTNERSHIPS_FILE:
            first.setdefault(p.row, i)
    unlisted = 0  # placements of partnerships whose problem is only counted in a summary
    for pid, n in counts.items():
        i = first.get(rows[pid])
        if i is None:
            unlisted += n
            continue
        what = "its placement is" if n == 1 else f"its {n} placements are"
        p = problems[i]
        problems[i] = Problem(
            p.file, p.row, p.column, f"{p.message}; {what} left out until this is fixed"
        )
    if unlisted and None in first:
        p = problems[first[None]]
        what = "their placement is" if unlisted == 1 else f"their {unlisted} placements are"
        problems[first[None]] = Problem(
            p.file, p.row, p.column, f"{p.message}; {what} left out until this is fixed"
        )


def _add_note(problems: list[Problem], file: str, row: int, note: str) -> None:
    """Add a note to the first problem of a row of a file."""
    for i, p in enumerate(problems):
        if p.file == file and p.row == row:
            problems[i] = Problem(p.file, p.row, p.column, f"{p.message}; {note}")
            return


def validate_partnerships(raw: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """Check partnerships.csv and return its rows that can be used (all columns as text).

    A row is left out only for a bad id or a blank name. A bad optional cell is one
    problem and the row stays: an unreadable `started` is loaded as blank, and control
    characters are removed from text cells (in memory; the file is not rewritten).
    """
    if not check_columns(problems, PARTNERSHIPS_FILE, raw, PARTNERSHIP_REQUIRED):
        return raw.iloc[0:0].assign(partnership_id="", name="")
    rows = _row_numbers(raw)
    valid = np.ones(len(raw), dtype=bool)
    ids = raw["partnership_id"]
    if _all_match(ids, _PARTNERSHIP_ID_BYTES):
        bad = np.zeros(len(ids), dtype=bool)
    else:
        bad = ~ids.str.fullmatch(PARTNERSHIP_ID_RE).to_numpy(dtype=bool)
    if bad.any():
        _report(
            problems,
            PARTNERSHIPS_FILE,
            rows[bad],
            "partnership_id",
            [
                f"{_short(v)} is not a valid partnership id; expected letters, digits, '-', "
                "'_' or '.', with no spaces, e.g. lake-victoria-wash"
                if v
                else "partnership_id is blank; every partnership needs an id"
                for v in ids.to_numpy()[bad]
            ],
        )
        valid &= ~bad
    if _no_duplicates(ids):
        dup = np.zeros(len(ids), dtype=bool)
    else:
        dup = (ids.duplicated() & ids.ne("")).to_numpy()
    if dup.any():
        _report(
            problems,
            PARTNERSHIPS_FILE,
            rows[dup],
            "partnership_id",
            [
                f"duplicate partnership id {_short(v)}; each partnership is listed once"
                for v in ids.to_numpy()[dup]
            ],
        )
        valid &= ~dup
    names, blank_name = _required_text(
        problems,
        PARTNERSHIPS_FILE,
        raw,
        rows,
        "name",
        "name is blank; every partnership needs a name",
    )
    valid &= ~blank_name
    table = _optional_text(
        problems, PARTNERSHIPS_FILE, raw, rows, ("partnership_id", "name", "started")
    )
    if names is not raw["name"]:
        table = table.copy(deep=False) if table is raw else table
        table["name"] = names
    if "started" in raw.columns:
        bad_start = _check_partial_dates(
            problems, PARTNERSHIPS_FILE, raw["started"], rows, "started"
        )
        if bad_start.any():
            table = table.copy(deep=False) if table is raw else table
            table["started"] = raw["started"].where(~bad_start, "")
    # All valid (the usual case): a shallow copy, which copy-on-write keeps apart.
    out = (table.copy(deep=False) if valid.all() else table.loc[valid]).reset_index(drop=True)
    out["_row"] = rows[valid]
    return out


def validate_placements(
    raw: pd.DataFrame,
    problems: list[Problem],
    axes: list[Axis],
    partnership_ids: Iterable[str] | None,
    left_out: Mapping[str, int] | None = None,
    axes_left_out: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Check placements.csv and return its rows that can be used, parsed.

    A row is left out for a bad required cell (partnership, date, perspective, kind) or
    when it has no position left. A bad position or spread is one problem and is
    loaded as blank; control characters are removed from the perspective and note.

    Args:
        raw: the file as strings, blanks as "".
        problems: where problems are appended.
        axes: the valid axes; every column that is not reserved must be one of them.
        partnership_ids: the known partnerships, or None to skip that check.
        left_out: partnerships left out for a problem of their own, {id: row in
            partnerships.csv} (`left_out_partnerships`). Their placements are left out
            without a problem each; the partnership's problem (in `problems`) says how many.
        axes_left_out: axes left out for a problem of their own, {id: row in axes.csv}
            (`left_out_axes`). Their columns are left out quietly, and so are rows with
            positions on those axes only; the axis' problem says so.
    """
    axis_ids = [a.axis_id for a in axes]
    if not check_columns(problems, PLACEMENTS_FILE, raw, PLACEMENT_KEY):
        return _empty_placements(axis_ids)
    quiet = [c for c in raw.columns if axes_left_out and c in axes_left_out]
    for col in quiet:
        _add_note(
            problems,
            AXES_FILE,
            axes_left_out[col],  # type: ignore[index]
            "its column in placements.csv is left out until this is fixed",
        )
    for col in raw.columns:
        if (
            col not in PLACEMENT_RESERVED
            and col not in axis_ids
            and col != "_row"
            and col not in quiet
        ):
            hint = ", ".join(axis_ids) if axis_ids else "none defined in axes.csv"
            problems.append(
                Problem(
                    PLACEMENTS_FILE,
                    1,
                    col,
                    f"unknown axis column {_short(col)}; expected an axis id from "
                    f"axes.csv ({hint}) or one of {', '.join(PLACEMENT_RESERVED)}",
                )
            )
    present_axes = [a for a in axis_ids if a in raw.columns]
    if not present_axes and quiet:
        return _empty_placements(axis_ids)
    if not present_axes:
        problems.append(
            Problem(
                PLACEMENTS_FILE,
                1,
                None,
                "no axis columns; add at least one column named after an axis id",
            )
        )
        return _empty_placements(axis_ids)
    rows = _row_numbers(raw)
    n = len(raw)
    valid = np.ones(n, dtype=bool)

    ids, persp, kind = raw["partnership_id"], raw["perspective"], raw["kind"]

    def check_text() -> tuple[np.ndarray | None, pd.Series, np.ndarray, list[Problem], np.ndarray]:
        """Rows with an unknown partnership; perspectives, checked; rows with a wrong kind.

        The perspectives come without control characters, with which are blank and
        the problems found (kept apart: this may run on another thread).
        """
        unknown = None if partnership_ids is None else ~_isin(ids, partnership_ids)
        found: list[Problem] = []
        cleaned, blank = _required_text(
            found,
            PLACEMENTS_FILE,
            raw,
            rows,
            "perspective",
            "perspective is blank; expected who placed it, e.g. public, private, "
            "civil society, donor, joint or an organisation's name",
        )
        return unknown, cleaned, blank, found, ~_isin(kind, KINDS)

    # On a large file the text columns are checked on another core (Arrow and numpy let
    # go of the GIL) while the dates and numbers are read here. Problems are reported
    # once both are done, in the order of the columns.
    text_checks = _in_background(n, check_text)
    date_problems: list[Problem] = []
    dates, dates_ok = _check_dates(
        date_problems, PLACEMENTS_FILE, raw["date"], rows, "date", required=True
    )
    valid &= dates_ok
    values: dict[str, np.ndarray] = {}
    any_value = np.zeros(n, dtype=bool)
    number_problems: list[Problem] = []
    # A bad number is loaded as blank: the row stays, unless no position is left.
    bad_number = np.zeros(n, dtype=bool)
    for col in present_axes:
        v, ok, has = _parse_numbers(
            number_problems, raw[col], rows, col, POSITION_MIN, POSITION_MAX, "a position"
        )
        values[col] = v
        if ok is not None:
            bad_number |= ~ok
        any_value |= has
    spread_problems: list[Problem] = []
    if "spread" in raw.columns:
        spread, _, _ = _parse_numbers(
            spread_problems, raw["spread"], rows, "spread", 0.0, SPREAD_MAX, "an uncertainty"
        )
    else:
        spread = np.full(n, np.nan)
    note = raw["note"] if "note" in raw.columns else None
    note_problems: list[Problem] = []
    if note is not None:
        note, _ = _check_control(note_problems, PLACEMENTS_FILE, note, rows, "note")

    unknown, persp, blank_p, persp_problems, bad_kind = text_checks()
    if unknown is not None and unknown.any() and left_out:
        orphan = unknown & _isin(ids, list(left_out))
        if orphan.any():
            counts = ids[orphan].value_counts(sort=False)
            _note_left_out(problems, {str(k): int(v) for k, v in counts.items()}, left_out)
            valid &= ~orphan
            unknown = unknown & ~orphan
    if unknown is not None and unknown.any():
        _report(
            problems,
            PLACEMENTS_FILE,
            rows[unknown],
            "partnership_id",
            (
                f"unknown partnership {_short(v)}; expected an id from partnerships.csv"
                if v
                else "partnership_id is blank; expected an id from partnerships.csv"
                for v in ids.to_numpy()[unknown][:MAX_PROBLEMS_PER_CHECK]
            ),
        )
        valid &= ~unknown
    problems.extend(date_problems)
    problems.extend(persp_problems)
    valid &= ~blank_p
    if bad_kind.any():
        _report(
            problems,
            PLACEMENTS_FILE,
            rows[bad_kind],
            "kind",
            (
                f"{_short(v)} is not a kind; expected actual or target"
                for v in kind.to_numpy()[bad_kind][:MAX_PROBLEMS_PER_CHECK]
            ),
        )
        valid &= ~bad_kind
    no_value = ~any_value
    if no_value.any() and quiet:
        # Rows placed only on axes that are left out go with them, quietly.
        elsewhere = np.zeros(n, dtype=bool)
        for col in quiet:
            cells = raw[col]
            if pd.api.types.is_float_dtype(cells.dtype):
                elsewhere |= cells.notna().to_numpy()
            else:
                elsewhere |= ~_blank_cells(cells)
        valid &= ~(no_value & elsewhere)
        no_value &= ~elsewhere
    if no_value.any():
        # Rows whose only positions are bad: their problems say so, and nothing else does.
        emptied = no_value & bad_number
        if emptied.any():
            _note_no_position_left(number_problems, rows[emptied])
        _report(
            problems,
            PLACEMENTS_FILE,
            rows[no_value & ~bad_number],
            None,
            "row has no position on any axis; fill in at least one axis column",
        )
        valid &= ~no_value
    problems.extend(number_problems)
    problems.extend(spread_problems)
    problems.extend(note_problems)

    def keep(values: pd.Series | np.ndarray) -> object:
        """The valid rows of a column (the column itself when all are valid)."""
        array = values.array if isinstance(values, pd.Series) else values
        return array if all_valid else array[valid]

    all_valid = bool(valid.all())
    n_valid = n if all_valid else int(valid.sum())
    out = pd.DataFrame(
        {
            "partnership_id": keep(ids),
            "date": keep(dates.to_numpy()),
            "perspective": keep(persp),
            "kind": keep(kind),
            **{a: keep(values[a]) if a in values else np.full(n_valid, np.nan) for a in axis_ids},
            "spread": keep(spread),
            "note": keep(note) if note is not None else "",
            "_row": keep(rows),
        },
        copy=False,  # fresh arrays, or the raw frame's, which is thrown away
    )
    dtypes = out.dtypes
    for col in ("partnership_id", "perspective", "kind", "note"):
        if dtypes[col] != _STR:
            out[col] = out[col].astype(_STR)
    return out


def _note_no_position_left(problems: list[Problem], rows: np.ndarray) -> None:
    """Add to the last problem of each row that the row is left out: no position is left."""
    wanted = set(rows.tolist())
    last: dict[int, int] = {}
    for i, p in enumerate(problems):
        if p.row in wanted:
            last[p.row] = i
    for i in last.values():
        p = problems[i]
        message = f"{p.message}; the row has no other position, so it is left out"
        problems[i] = Problem(p.file, p.row, p.column, message)


def _parse_numbers(
    problems: list[Problem],
    series: pd.Series,
    rows: np.ndarray,
    column: str,
    low: float,
    high: float,
    what: str,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Parse a numeric column; return (values, valid mask or None if all are, has-value mask).

    Text is parsed per distinct value. A float column (parsed by the loader's fast
    path, NaN = blank, every other cell a finite number) only needs its ranges checked.
    """
    if pd.api.types.is_float_dtype(series.dtype):
        numbers = series.to_numpy(dtype=float)
        # fmin and fmax skip NaN: when both ends are in range, so is every number.
        if len(numbers) and low <= np.fmin.reduce(numbers) and np.fmax.reduce(numbers) <= high:
            has = np.isnan(numbers)
            return numbers, None, np.logical_not(has, out=has)
        blank = np.isnan(numbers)
        not_number = np.zeros(len(numbers), dtype=bool)
        text = None
    else:
        codes, distinct = _distinct(series)
        stripped = distinct.str.strip()
        blank_d = stripped.eq("").to_numpy()
        numbers_d = pd.to_numeric(stripped.where(~blank_d), errors="coerce").to_numpy(dtype=float)
        numbers, blank = numbers_d[codes], blank_d[codes]
        not_number = ~blank & ~np.isfinite(numbers)
        text = distinct.to_numpy()
    out_of_range = np.isfinite(numbers) & ((numbers < low) | (numbers > high))
    if not_number.any():
        assert text is not None
        _report(
            problems,
            PLACEMENTS_FILE,
            rows[not_number],
            column,
            (
                f"{_short(v)} is not a number; expected {what} from {low:g} to {high:g} "
                "with a decimal point, or blank"
                for v in text[codes[not_number][:MAX_PROBLEMS_PER_CHECK]]
            ),
        )
    if out_of_range.any():
        _report(
            problems,
            PLACEMENTS_FILE,
            rows[out_of_range],
            column,
            (
                f"{v:g} is out of range; expected {what} from {low:g} to {high:g}"
                for v in numbers[out_of_range][:MAX_PROBLEMS_PER_CHECK]
            ),
        )
    if not_number.any() or out_of_range.any():
        numbers = np.where(not_number | out_of_range, np.nan, numbers)
    return numbers, ~(not_number | out_of_range), ~blank & ~not_number & ~out_of_range


def _empty_placements(axis_ids: list[str]) -> pd.DataFrame:
    """A placements frame with no rows and the parsed dtypes."""
    return pd.DataFrame(
        {
            "partnership_id": pd.Series([], dtype="str"),
            "date": pd.Series([], dtype="datetime64[ns]"),
            "perspective": pd.Series([], dtype="str"),
            "kind": pd.Series([], dtype="str"),
            **{a: pd.Series([], dtype=float) for a in axis_ids},
            "spread": pd.Series([], dtype=float),
            "note": pd.Series([], dtype="str"),
            "_row": pd.Series([], dtype=int),
        }
    )
