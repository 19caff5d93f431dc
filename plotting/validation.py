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
result as checking every cell. Numeric columns may arrive already parsed as floats by
the loader's fast path (NaN = blank): it parses them only when every cell is a finite
number or blank, so such a column has nothing to report but ranges.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice

import numpy as np
import pandas as pd

try:
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover - Streamlit and pandas' str dtype bring it
    pa = pc = None

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

AXIS_ID_RE = re.compile(r"^[a-z0-9_]+$")
PARTNERSHIP_ID_RE = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
#: Row numbers as a spreadsheet shows them: the header is row 1, data starts at row 2.
FIRST_DATA_ROW = 2
#: Never list more than this many problems of one kind; a summary line says how many more.
MAX_PROBLEMS_PER_CHECK = 200


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
    chunks = _arrow_text(series)
    if chunks is not None and chunks.null_count == 0 and len(chunks):
        # Arrow encodes each chunk on all cores' worth of C++; same values, any order.
        encoded = pc.dictionary_encode(chunks).unify_dictionaries()
        codes = np.concatenate([c.indices.to_numpy() for c in encoded.chunks])
        distinct = encoded.chunk(0).dictionary.to_pylist()
        return codes.astype(np.intp), pd.Series(distinct, dtype=series.dtype, name=series.name)
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    return codes, pd.Series(uniques, dtype=series.dtype, name=series.name)


def _arrow_text(series: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow strings behind a text column (no copy), or None for other columns."""
    dtype = series.dtype
    if pa is None:  # pragma: no cover
        return None
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return series.array.__arrow_array__()
    if isinstance(dtype, pd.ArrowDtype) and pa.types.is_large_string(dtype.pyarrow_dtype):
        return series.array.__arrow_array__()
    return None


def _blank_perspectives(persp: pd.Series) -> np.ndarray:
    """Which perspectives are blank (nothing but spaces)."""
    first = _first_bytes(persp)
    if first is not None and ((first > 0x20) & (first < 0x7F)).all():
        return np.zeros(len(persp), dtype=bool)  # each starts with a visible ASCII character
    codes, distinct = _distinct(persp)
    return distinct.str.strip().eq("").to_numpy()[codes]


def _first_bytes(series: pd.Series) -> np.ndarray | None:
    """The first UTF-8 byte of each cell (0 for an empty one), from the Arrow buffers.

    None for a column that is not Arrow text or that has missing values.
    """
    chunks = _arrow_text(series)
    if chunks is None or chunks.null_count:
        return None
    out = [np.zeros(0, dtype=np.uint8)]
    for chunk in chunks.chunks:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8) if len(chunk) else None
        if data is None or not len(data):
            out.append(np.zeros(len(chunk), dtype=np.uint8))
            continue
        first = data[np.minimum(offsets[:-1], len(data) - 1)]
        out.append(np.where(offsets[1:] > offsets[:-1], first, 0).astype(np.uint8))
    return np.concatenate(out)


def _isin(series: pd.Series, values: Iterable[object]) -> np.ndarray:
    """`series.isin(values)` as a boolean array; for str columns with Arrow's own kernel.

    pandas builds a scalar per value first, which took most of a second for 40,000 ids.
    """
    chunks = _arrow_text(series)
    known = _arrow_text(values) if isinstance(values, pd.Series) else None
    if chunks is not None and known is not None:
        value_set = known.combine_chunks().cast(chunks.type)
    else:
        values = list(values)
        if chunks is None or not all(isinstance(v, str) for v in values):
            return series.isin(values).to_numpy()
        value_set = pa.array(values, type=chunks.type)
    found = pc.is_in(chunks, value_set=value_set)
    return np.asarray(pc.fill_null(found, False), dtype=bool)


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
    bad = ~ids.str.fullmatch(AXIS_ID_RE.pattern)
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
        valid &= ~bad.to_numpy()
    reserved = ids.isin(PLACEMENT_RESERVED)
    if reserved.any():
        _report(
            problems,
            AXES_FILE,
            rows[reserved],
            "axis_id",
            [f"{_short(v)} is a reserved column name of placements.csv" for v in ids[reserved]],
        )
        valid &= ~reserved.to_numpy()
    dup = ids.duplicated() & ids.ne("")
    if dup.any():
        _report(
            problems,
            AXES_FILE,
            rows[dup],
            "axis_id",
            [f"duplicate axis id {_short(v)}; each axis is listed once" for v in ids[dup]],
        )
        valid &= ~dup.to_numpy()
    for col in ("low_pole", "high_pole"):
        blank = raw[col].str.strip().eq("")
        if blank.any():
            _report(problems, AXES_FILE, rows[blank], col, f"{col} is blank; name the pole")
            valid &= ~blank.to_numpy()
    desc = raw["description"] if "description" in raw.columns else pd.Series([""] * len(raw))
    return [
        Axis(str(a), str(lo), str(hi), str(d))
        for a, lo, hi, d, ok in zip(
            ids, raw["low_pole"], raw["high_pole"], desc, valid, strict=True
        )
        if ok
    ]


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
    codes, distinct = _distinct(series)
    blank = distinct.eq("").to_numpy()
    shaped = distinct.str.fullmatch(DATE_RE).fillna(False).to_numpy(dtype=bool)
    parsed = pd.to_datetime(distinct.where(shaped), format="%Y-%m-%d", errors="coerce")
    good = ~parsed.isna().to_numpy()
    bad = (~good & ~blank if not required else ~good)[codes]
    if bad.any():
        values = distinct.to_numpy()[codes[bad]]
        _report(
            problems,
            file,
            rows[bad],
            column,
            (
                f"{_short(v)} is not a date; expected YYYY-MM-DD, e.g. 2024-03-15"
                if v
                else f"{column} is blank; expected a date as YYYY-MM-DD"
                for v in values
            ),
        )
    dates = pd.Series(parsed.to_numpy()[codes], index=series.index, name=series.name)
    return dates, ~bad


def validate_partnerships(raw: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """Check partnerships.csv and return its valid rows (all columns kept as text)."""
    if not check_columns(problems, PARTNERSHIPS_FILE, raw, PARTNERSHIP_REQUIRED):
        return raw.iloc[0:0].assign(partnership_id="", name="")
    rows = _row_numbers(raw)
    valid = np.ones(len(raw), dtype=bool)
    ids = raw["partnership_id"]
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
    blank_name = raw["name"].str.strip().eq("").to_numpy()
    if blank_name.any():
        _report(
            problems,
            PARTNERSHIPS_FILE,
            rows[blank_name],
            "name",
            "name is blank; every partnership needs a name",
        )
        valid &= ~blank_name
    if "started" in raw.columns:
        _, ok = _check_dates(
            problems, PARTNERSHIPS_FILE, raw["started"], rows, "started", required=False
        )
        valid &= ok
    # All valid (the usual case): a shallow copy, which copy-on-write keeps apart.
    out = (raw.copy(deep=False) if valid.all() else raw.loc[valid]).reset_index(drop=True)
    out["_row"] = rows[valid]
    return out


def validate_placements(
    raw: pd.DataFrame,
    problems: list[Problem],
    axes: list[Axis],
    partnership_ids: Iterable[str] | None,
) -> pd.DataFrame:
    """Check placements.csv and return its valid rows, parsed.

    Args:
        raw: the file as strings, blanks as "".
        problems: where problems are appended.
        axes: the valid axes; every column that is not reserved must be one of them.
        partnership_ids: the known partnerships, or None to skip that check.
    """
    axis_ids = [a.axis_id for a in axes]
    if not check_columns(problems, PLACEMENTS_FILE, raw, PLACEMENT_KEY):
        return _empty_placements(axis_ids)
    for col in raw.columns:
        if col not in PLACEMENT_RESERVED and col not in axis_ids and col != "_row":
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
    if partnership_ids is not None:
        unknown = ~_isin(ids, partnership_ids)
        if unknown.any():
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

    dates, ok = _check_dates(problems, PLACEMENTS_FILE, raw["date"], rows, "date", required=True)
    valid &= ok

    blank_p = _blank_perspectives(persp)
    if blank_p.any():
        _report(
            problems,
            PLACEMENTS_FILE,
            rows[blank_p],
            "perspective",
            "perspective is blank; expected who placed it, e.g. public, private, "
            "civil society, donor, joint or an organisation's name",
        )
        valid &= ~blank_p

    bad_kind = ~_isin(kind, KINDS)
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

    values: dict[str, np.ndarray] = {}
    any_value = np.zeros(n, dtype=bool)
    for col in present_axes:
        v, ok, has = _parse_numbers(
            problems, raw[col], rows, col, POSITION_MIN, POSITION_MAX, "a position"
        )
        values[col] = v
        valid &= ok
        any_value |= has
    no_value = ~any_value
    if no_value.any():
        _report(
            problems,
            PLACEMENTS_FILE,
            rows[no_value],
            None,
            "row has no position on any axis; fill in at least one axis column",
        )
        valid &= ~no_value
    if "spread" in raw.columns:
        spread, ok, _ = _parse_numbers(
            problems, raw["spread"], rows, "spread", 0.0, SPREAD_MAX, "an uncertainty"
        )
        valid &= ok
    else:
        spread = np.full(n, np.nan)

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
            "note": keep(raw["note"]) if "note" in raw.columns else "",
            "_row": keep(rows),
        },
        copy=False,  # fresh arrays, or the raw frame's, which is thrown away
    )
    for col in ("partnership_id", "perspective", "kind", "note"):
        out[col] = out[col].astype("str")
    return out


def _parse_numbers(
    problems: list[Problem],
    series: pd.Series,
    rows: np.ndarray,
    column: str,
    low: float,
    high: float,
    what: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse a numeric column; return (values, valid mask, has-value mask).

    Text is parsed per distinct value. A float column (parsed by the loader's fast
    path, NaN = blank, every other cell a finite number) only needs its ranges checked.
    """
    if pd.api.types.is_float_dtype(series.dtype):
        numbers = series.to_numpy(dtype=float)
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
