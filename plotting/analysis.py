"""Analysis of placements: latest positions, portfolios, filters.

Plain functions on pandas frames, vectorised (no per-row Python loops) so that they stay
fast on large portfolios: selections work on row positions, and whole rows are copied
once, for the rows that are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from plotting.kept import Kept, arrow_text
from plotting.model import Dataset

try:
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover - Streamlit and pandas' str dtype bring it
    pa = pc = None

ALL = "All perspectives"
T = TypeVar("T")


@dataclass(frozen=True)
class PortfolioFilter:
    """What the portfolio shows: partnership column filters, perspective and dates."""

    columns: Mapping[str, Sequence[str]] | None = None
    perspective: str | None = None
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    kind: str = "actual"


def filter_partnerships(
    partnerships: pd.DataFrame, columns: Mapping[str, Sequence[str]] | None
) -> pd.DataFrame:
    """Partnerships whose columns take one of the chosen values (an empty choice = all)."""
    if not columns:
        return partnerships
    mask = pd.Series(True, index=partnerships.index)
    for col, values in columns.items():
        if values and col in partnerships.columns:
            mask &= partnerships[col].isin(list(values))
    return partnerships.loc[mask]


def latest(
    placements: pd.DataFrame,
    axes: Sequence[str],
    by: Sequence[str] = ("partnership_id", "perspective"),
) -> pd.DataFrame:
    """The latest placement per group among rows that have a value on every axis in `axes`.

    Ties on the same date go to the row further down the file, the way a later entry
    in a spreadsheet supersedes an earlier one.
    """
    positions = _latest_positions(placements, np.arange(len(placements)), axes, by)
    if positions is None:
        return _latest_plain(placements, axes, by)
    return placements.iloc[positions]


def _latest_plain(placements: pd.DataFrame, axes: Sequence[str], by: Sequence[str]) -> pd.DataFrame:
    """`latest` the straightforward way (for frames the fast way does not cover)."""
    rows = placements.dropna(subset=list(axes)) if axes else placements
    if rows.empty:
        return rows
    rows = rows.sort_values(["date", "_row"], kind="stable")
    return rows.drop_duplicates(subset=list(by), keep="last")


def _latest_positions(
    placements: pd.DataFrame, positions: np.ndarray, axes: Sequence[str], by: Sequence[str]
) -> np.ndarray | None:
    """Positions of `latest(placements.iloc[positions], axes, by)`'s rows, in its order.

    Works on integer keys instead of whole rows: each group keeps its row with the
    latest (date, row number, position), which is the last one after a stable sort,
    and only the kept rows are sorted. None when the frame is not the usual kind
    (dates with gaps, row numbers not integers, no rows left), for the plain way.
    """
    needed = ["date", "_row", *axes, *by]
    if any(c not in placements.columns for c in needed):
        return None
    date, row = placements["date"], placements["_row"]
    if not (
        pd.api.types.is_datetime64_dtype(date.dtype) and pd.api.types.is_integer_dtype(row.dtype)
    ):
        return None
    for axis in axes:
        positions = positions[placements[axis].notna().to_numpy()[positions]]
    if not len(positions):
        return None
    dates = date.to_numpy()[positions]
    if np.isnat(dates).any():
        return None
    dates, rows = dates.view(np.int64), row.to_numpy()[positions].astype(np.int64)
    key, span = np.zeros(len(positions), dtype=np.int64), 1
    for col in by:
        codes, distinct = _codes(placements[col])
        span *= len(distinct) + 1
        if span > max(4 * len(positions), 1 << 20):  # too sparse for a table per group
            return None
        key = key * (len(distinct) + 1) + codes[positions]
    # Per group: the latest date, then the highest row number among those rows.
    lowest = np.iinfo(np.int64).min
    latest_date = np.full(span, lowest)
    np.maximum.at(latest_date, key, dates)
    kept = np.flatnonzero(dates == latest_date[key])
    highest_row = np.full(span, lowest)
    np.maximum.at(highest_row, key[kept], rows[kept])
    kept = kept[rows[kept] == highest_row[key[kept]]]
    if len(kept) > np.count_nonzero(latest_date != lowest):  # a date and row twice: last wins
        kept = kept[~pd.Series(key[kept]).duplicated(keep="last").to_numpy()]
    # In the order a stable sort by (date, row) gives: equal ones stay in position order.
    return positions[kept[np.lexsort((rows[kept], dates[kept]))]]


def portfolio_points(
    dataset: Dataset, x: str, y: str, flt: PortfolioFilter | None = None
) -> pd.DataFrame:
    """One row per partnership and perspective: its latest placement on x and y.

    Only placements of `flt.kind` dated within [start, end] count, so the end date gives
    the portfolio as it stood on that day. Partnership columns are joined on.

    The rows for every partnership are worked out once per dataset, axes, perspective,
    kind and period (kept, for the latest few); the column filters (sector, country…)
    then pick rows from them, so changing those filters costs a mask, not a regrouping.
    """
    flt = flt or PortfolioFilter()
    key = (x, y, flt.kind, flt.perspective, _stamp(flt.start), _stamp(flt.end))
    base = _BASES.get([dataset], key, lambda: _portfolio_base(dataset, x, y, flt))
    if not flt.columns or not any(flt.columns.values()):
        return base.copy(deep=False)
    chosen = filter_partnerships(dataset.partnerships, flt.columns)["partnership_id"]
    return base.loc[_isin(base["partnership_id"], chosen)].reset_index(drop=True)


def _stamp(value: object) -> pd.Timestamp | None:
    return None if value is None else pd.Timestamp(value)


#: Portfolio rows for every partnership, kept per dataset object (datasets never change).
_BASES = Kept(most=8)


def _portfolio_base(dataset: Dataset, x: str, y: str, flt: PortfolioFilter) -> pd.DataFrame:
    """`portfolio_points` for every partnership (no column filters)."""
    parts = dataset.partnerships
    p = dataset.placements
    mask = p["kind"].eq(flt.kind).to_numpy() & _isin(p["partnership_id"], parts["partnership_id"])
    if flt.perspective and flt.perspective != ALL:
        mask &= p["perspective"].eq(flt.perspective).to_numpy()
    if flt.start is not None:
        mask &= (p["date"] >= pd.Timestamp(flt.start)).to_numpy()
    if flt.end is not None:
        mask &= (p["date"] <= pd.Timestamp(flt.end)).to_numpy()
    by = ("partnership_id", "perspective")
    positions = _latest_positions(p, np.flatnonzero(mask), [x, y], by)
    info = parts.drop(columns=["_row"], errors="ignore")
    if positions is not None:
        out = _joined_by_name(p, positions, info)
        if out is not None:
            return out
    points = latest(p.loc[mask], [x, y]) if positions is None else p.iloc[positions]
    out = points.merge(info, on="partnership_id", how="left", validate="many_to_one")
    return out.sort_values(["name", "perspective"], key=lambda s: s.str.casefold()).reset_index(
        drop=True
    )


def _joined_by_name(
    placements: pd.DataFrame, positions: np.ndarray, info: pd.DataFrame
) -> pd.DataFrame | None:
    """The rows at `positions` joined to `info` and sorted as `portfolio_points` does.

    That is a left merge on partnership_id (many to one), then a stable sort by name and
    perspective, case-folded. Here the order is worked out on codes first, and every
    row is copied once. None when that would not give the same frame (a column name
    in both, an unknown or repeated partnership, a missing name), for the plain way.
    """
    ids = pd.Index(info["partnership_id"])
    shared = (set(placements.columns) & set(info.columns)) - {"partnership_id"}
    if shared or not ids.is_unique or not len(positions):
        return None
    codes, distinct = _codes(placements["partnership_id"])
    rows = ids.get_indexer(distinct)[codes[positions]]  # each point's row in `info`
    name_rank = _folded_ranks(info["name"])
    perspective_rank = _folded_ranks(placements["perspective"])
    if (rows < 0).any() or name_rank is None or perspective_rank is None:
        return None
    order = np.lexsort((perspective_rank[positions], name_rank[rows]))
    return pd.concat(
        [
            placements.iloc[positions[order]].reset_index(drop=True),
            info.drop(columns=["partnership_id"]).iloc[rows[order]].reset_index(drop=True),
        ],
        axis=1,
    )


def _folded_ranks(column: pd.Series) -> np.ndarray | None:
    """Each cell's rank among the column's values case-folded (None: not plain text)."""

    def ranks() -> np.ndarray | None:
        codes, distinct = _codes(column)
        if distinct.dtype != "str" or distinct.isna().any():
            return None
        rank, _ = pd.factorize(pd.Series(distinct, dtype="str").str.casefold(), sort=True)
        return rank[codes]

    return _kept(column, "folded ranks", ranks)


#: Results worked out from text columns lately, by the identity of their Arrow data.
_TEXT_RESULTS = Kept(most=16)


def _kept(column: pd.Series, what: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept for the column's Arrow data (which never changes).

    Every rerun asks again about the same dataset's partnership ids, perspectives and
    names: the answers are kept for the latest 16 (column, question) pairs.
    """
    arrow = arrow_text(column)
    return compute() if arrow is None else _TEXT_RESULTS.get([arrow], what, compute)


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(codes, distinct values) of a column: `distinct[codes]` is the column (NaN too)."""
    return _kept(column, "codes", lambda: pd.factorize(column, use_na_sentinel=False))


def _isin(values: pd.Series, known: pd.Series) -> np.ndarray:
    """`values.isin(known)` as an array; for Arrow-backed text with Arrow's own kernel.

    pandas first builds a Python scalar per known value, which costs more than the
    look-up itself on thousands of partnerships.
    """
    arrow = [arrow_text(s) for s in (values, known)]
    if arrow[0] is None or arrow[1] is None:
        return values.isin(known).to_numpy()
    found = pc.is_in(arrow[0], value_set=arrow[1].combine_chunks().cast(arrow[0].type))
    return np.asarray(pc.fill_null(found, False), dtype=bool)


def choices(column: pd.Series) -> list[str]:
    """The distinct non-blank texts of a column, sorted regardless of case (for filters).

    Worked out once per column's data: filter widgets ask on every rerun, and looping
    over 10,000 Arrow-backed cells in Python took about 10 ms a column.
    """

    def compute() -> list[str]:
        return sorted((v for v in pd.unique(column) if isinstance(v, str) and v), key=str.casefold)

    return _kept(column, "choices", compute)


def partnership_placements(dataset: Dataset, partnership_id: str) -> pd.DataFrame:
    """All placements of one partnership, oldest first."""
    p = dataset.placements
    return p.loc[p["partnership_id"].eq(partnership_id)].sort_values(
        ["date", "_row"], kind="stable"
    )


def summary(dataset: Dataset) -> dict[str, object]:
    """Headline numbers of a dataset for the overview."""
    p = dataset.placements
    return {
        "partnerships": len(dataset.partnerships),
        "placements": int(p["kind"].eq("actual").sum()),
        "targets": int(p["kind"].eq("target").sum()),
        "perspectives": len(dataset.perspectives),
        "axes": len(dataset.axes),
        "first_date": p["date"].min() if len(p) else None,
        "last_date": p["date"].max() if len(p) else None,
        "countries": int(dataset.partnerships["country"].replace("", pd.NA).nunique()),
    }


def consensus_points(
    dataset: Dataset, x: str, y: str, flt: PortfolioFilter | None = None
) -> pd.DataFrame:
    """One row per partnership: the median of its perspectives' latest placements.

    The median, per axis, because one outlying partner should not drag the shared
    picture; `n_perspectives` says how many views it rests on.
    """
    points = portfolio_points(dataset, x, y, flt)
    if points.empty:
        return points.assign(n_perspectives=pd.Series([], dtype=int))
    grouped = points.groupby("partnership_id", sort=False)
    centre = grouped[[x, y]].median()
    last = grouped.agg(date=("date", "max"), n_perspectives=("perspective", "nunique"))
    info = dataset.partnerships.drop(columns=["_row"], errors="ignore").set_index("partnership_id")
    out = centre.join(last).join(info, how="left").reset_index()
    out["perspective"] = "consensus of " + out["n_perspectives"].astype(str)
    out["kind"] = "actual"
    out["note"] = ""
    return out.sort_values("name", key=lambda s: s.str.casefold()).reset_index(drop=True)


def latest_position(
    dataset: Dataset, partnership_id: str, perspective: str, kind: str = "actual"
) -> dict[str, float]:
    """The latest value on each axis from one perspective ({} if never placed).

    Each axis takes its own latest value, so an axis left blank in the last round
    keeps the value from the round before: the natural starting point for a new one.
    """
    p = dataset.placements
    rows = p.loc[
        p["partnership_id"].eq(partnership_id)
        & p["perspective"].eq(perspective)
        & p["kind"].eq(kind)
    ].sort_values(["date", "_row"], kind="stable")
    out: dict[str, float] = {}
    for axis_id in dataset.axis_ids:
        values = rows[axis_id].dropna()
        if len(values):
            out[axis_id] = float(values.iloc[-1])
    return out


def perspective_options(dataset: Dataset, partnership_id: str | None) -> list[str]:
    """Perspectives to offer: standard ones, the partnership's partners, and those used."""
    from plotting.model import STANDARD_PERSPECTIVES

    options = list(STANDARD_PERSPECTIVES)
    if partnership_id is not None:
        row = dataset.partnerships.loc[dataset.partnerships["partnership_id"].eq(partnership_id)]
        if len(row):
            for name in str(row["partners"].iloc[0]).split(";"):
                name = name.strip()
                if name and name not in options:
                    options.append(name)
    for p in dataset.perspectives:
        if p not in options:
            options.append(p)
    return options


def slugify(name: str) -> str:
    """A partnership id from a name: lowercase ASCII words joined by '-'."""
    import re
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:48].rstrip("-") or "partnership"


def unique_id(base: str, taken: Sequence[str]) -> str:
    """`base`, or `base-2`, `base-3`… whichever is not taken yet."""
    used = set(taken)
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


def selected_rows(points: pd.DataFrame, selection: Sequence[Mapping]) -> pd.DataFrame:
    """The rows of `points` picked on a chart, from Streamlit's selection points.

    Figure builders put each row's index label in customdata (the portfolio map) or in
    customdata[0] (maps with more hover fields); points without it (the balance
    marker, the click grid) are ignored.
    """
    labels = []
    for point in selection:
        custom = point.get("customdata")
        if isinstance(custom, list | tuple):
            custom = custom[0] if custom else None
        if custom is None or isinstance(custom, bool):
            continue
        try:
            labels.append(int(custom))
        except (TypeError, ValueError):
            continue
    labels = [i for i in dict.fromkeys(labels) if i in points.index]
    return points.loc[labels]
