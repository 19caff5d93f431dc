"""Course and perspectives: where a partnership has moved, where it wants to go, who disagrees.

Plain functions on pandas frames, never Streamlit. Two rules for "where a perspective
stands", both taken from `analysis`:

- On a map of two axes, a perspective stands at its latest actual placement that has a
  value on both axes (`analysis.latest`), and the consensus is the per-axis median of
  those positions: exactly `analysis.consensus_points`.
- Across all axes, each axis takes the perspective's own latest value, so an axis left
  blank in the last round keeps its earlier value (as `analysis.latest_position` does).

Divergence is the mean absolute deviation from that median, in axis units: the average
distance of the perspectives from their consensus along an axis. The median is the
centre that minimises that average, so the two belong together, and both shrug off one
outlying view better than a mean and standard deviation would.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from plotting.analysis import ALL, PortfolioFilter, filter_partnerships, latest
from plotting.model import STANDARD_PERSPECTIVES, Axis, Dataset

#: The pseudo-perspective whose course is the consensus of all perspectives over time.
CONSENSUS = "consensus"
#: The perspective whose target stands for the partnership when a perspective has none.
JOINT = "joint"
#: Changes smaller than this read as "no change" (positions are given to one decimal).
NO_CHANGE = 0.05
#: Divergence below this reads as close agreement, at or above STRONG as strong disagreement.
CLOSE = 0.5
STRONG = 1.5
#: At most this many frames in a time animation; longer histories are sampled by period.
MAX_FRAMES = 24
DATE_FORMAT = "%Y-%m-%d"


# ---- small helpers -----------------------------------------------------------------------


def _chronological(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows oldest first; on the same date, file order (a later row supersedes)."""
    keys = ["date", "_row"] if "_row" in rows.columns else ["date"]
    return rows.sort_values(keys, kind="stable")


def _day(value: object) -> str:
    """A date as YYYY-MM-DD."""
    return pd.Timestamp(value).strftime(DATE_FORMAT)


def _missing(value: object) -> bool:
    """True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def order_perspectives(names: Iterable[str]) -> list[str]:
    """Perspectives in the app's order: standard ones first, then the rest by name."""
    used = list(dict.fromkeys(str(n) for n in names))
    standard = [p for p in STANDARD_PERSPECTIVES if p in used]
    return standard + sorted(set(used) - set(standard), key=str.casefold)


def perspective_label(perspective: str) -> str:
    """How a perspective is named in sentences: 'the public perspective', 'the consensus…'."""
    if perspective == CONSENSUS:
        return "the consensus of all perspectives"
    return f"the {perspective} perspective" if perspective in STANDARD_PERSPECTIVES else perspective


def position_phrase(axis: Axis, value: float) -> str:
    """Where a value lies on an axis, in the poles' words: '1.5 toward Informing policy'."""
    if _missing(value):
        return f"not placed on {axis.label}"
    if abs(value) < NO_CHANGE:
        return f"balanced between {axis.low_pole} and {axis.high_pole}"
    return f"{abs(value):.1f} toward {axis.pole(value)}"


def agreement_phrase(divergence: float) -> str:
    """Divergence in words: agree closely, differ somewhat, or disagree strongly."""
    if _missing(divergence):
        return "cannot be compared (fewer than two perspectives)"
    if divergence < CLOSE:
        return "agree closely"
    if divergence < STRONG:
        return "differ somewhat"
    return "disagree strongly"


def _ends(axis: Axis, row: pd.Series) -> str:
    """Who stands at each end of an axis: '<high> places it at …, <low> at …'."""
    return (
        f"{row['high']} places it at {position_phrase(axis, row['high_value'])}, "
        f"{row['low']} at {position_phrase(axis, row['low_value'])}"
    )


def _count(n: int, noun: str) -> str:
    """'1 partnership', '3 partnerships'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _names(names: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# ---- where each perspective stands ------------------------------------------------------------


def perspective_positions(
    placements: pd.DataFrame, axes: Sequence[str], kind: str = "actual"
) -> pd.DataFrame:
    """Each perspective's latest placement with a value on every axis in `axes`.

    The rule `analysis.consensus_points` uses, so the consensus drawn here is the one
    the other pages show. Rows come in the app's perspective order.
    """
    rows = latest(placements.loc[placements["kind"].eq(kind)], list(axes), by=("perspective",))
    if rows.empty:
        return rows.reset_index(drop=True)
    order = {p: i for i, p in enumerate(order_perspectives(rows["perspective"]))}
    return rows.sort_values("perspective", key=lambda s: s.map(order)).reset_index(drop=True)


def latest_views(
    placements: pd.DataFrame,
    axes: Sequence[str],
    by: Sequence[str] = ("perspective",),
    kind: str = "actual",
) -> pd.DataFrame:
    """Each group's own latest value on every axis (NaN where it never placed one).

    Indexed by `by`; `date` is the group's latest placement and `spread` that
    placement's stated uncertainty. Used wherever all axes are shown at once.
    """
    by = list(by)
    rows = _chronological(placements.loc[placements["kind"].eq(kind)])
    if rows.empty:
        empty = {
            **{b: pd.Series([], dtype=str) for b in by},
            **{a: pd.Series([], dtype=float) for a in axes},
            "date": pd.Series([], dtype="datetime64[us]"),
            "spread": pd.Series([], dtype=float),
        }
        return pd.DataFrame(empty).set_index(by)
    last = rows.drop_duplicates(by, keep="last").set_index(by)
    columns = {}
    for axis in axes:
        valued = rows.dropna(subset=[axis]).drop_duplicates(by, keep="last")
        columns[axis] = valued.set_index(by)[axis]
    out = pd.DataFrame(columns, index=last.index).reindex(columns=list(axes))
    out["date"] = last["date"]
    out["spread"] = last["spread"] if "spread" in last.columns else np.nan
    out = out.dropna(how="all", subset=list(axes))
    if by == ["perspective"]:
        out = out.reindex(order_perspectives(out.index))
    return out


def consensus(positions: pd.DataFrame, axes: Sequence[str]) -> pd.Series:
    """The consensus: per axis, the median of the perspectives' positions (NaN if none)."""
    return (
        positions[list(axes)].median().astype(float)
        if len(positions)
        else pd.Series(np.nan, index=list(axes))
    )


def divergence(
    positions: pd.DataFrame, axes: Sequence[Axis], label: str = "perspective"
) -> pd.DataFrame:
    """Per axis, how far the perspectives are from their consensus, and who is at each end.

    `divergence` is the mean absolute deviation from the median (axis units); `range`
    the distance between the two outermost views. Both are NaN with fewer than two
    views. `low`/`high` name the perspective(s) furthest toward each pole (ties are
    named together), and `spread` is the mean stated uncertainty of the views, so a
    divergence no bigger than it (`within_uncertainty`) is not a real disagreement.

    Args:
        positions: one row per perspective (a `perspective` column or index) with a
            column per axis id, and optionally `spread`.
        axes: the axes to compare.
        label: the column (or index) that names the rows, e.g. `name` for partnerships.
    """
    frame = positions.reset_index() if label not in positions.columns else positions
    names = frame[label].astype(str).to_numpy() if len(frame) else np.array([], str)
    records = []
    for axis in axes:
        values = frame[axis.axis_id] if len(frame) else pd.Series([], dtype=float)
        valued = values.notna().to_numpy()
        v = values.to_numpy(dtype=float)[valued]
        who = names[valued]
        n = len(v)
        median = float(np.median(v)) if n else np.nan
        mad = float(np.mean(np.abs(v - median))) if n >= 2 else np.nan
        spreads = frame.loc[valued, "spread"].dropna() if "spread" in frame.columns else []
        spread = float(np.mean(spreads)) if len(spreads) else np.nan
        records.append(
            {
                "axis_id": axis.axis_id,
                "axis": axis.label,
                "n": n,
                "consensus": median,
                "divergence": mad,
                "range": float(v.max() - v.min()) if n >= 2 else np.nan,
                "low": _names(who[v == v.min()].tolist()) if n >= 2 else "",
                "low_value": float(v.min()) if n >= 2 else np.nan,
                "high": _names(who[v == v.max()].tolist()) if n >= 2 else "",
                "high_value": float(v.max()) if n >= 2 else np.nan,
                "spread": spread,
                "within_uncertainty": bool(n >= 2 and not np.isnan(spread) and mad <= spread),
            }
        )
    return pd.DataFrame.from_records(
        records,
        columns=[
            "axis_id",
            "axis",
            "n",
            "consensus",
            "divergence",
            "range",
            "low",
            "low_value",
            "high",
            "high_value",
            "spread",
            "within_uncertainty",
        ],
    )


def overall_divergence(per_axis: pd.DataFrame) -> float:
    """Overall divergence: the mean of the per-axis divergences that can be computed."""
    values = per_axis["divergence"].dropna()
    return float(values.mean()) if len(values) else float("nan")


def distances_to(positions: pd.DataFrame, centre: pd.Series, axes: Sequence[str]) -> pd.Series:
    """Straight-line distance of each row from `centre` on `axes` (the lines on the map)."""
    if positions.empty:
        return pd.Series([], dtype=float, index=positions.index)
    diff = positions[list(axes)].astype(float) - centre[list(axes)].astype(float)
    return np.sqrt((diff**2).sum(axis=1, min_count=1))


# ---- course over time -----------------------------------------------------------------------


def positions_over_time(
    placements: pd.DataFrame,
    axes: Sequence[str],
    dates: Iterable[object],
    by: Sequence[str] = ("perspective",),
) -> pd.DataFrame:
    """Each group's latest placement on or before each date (values on all `axes`).

    One row per date (`frame`) and group that had been placed by then; `placed` is
    the date of the placement used. Groups not yet placed on a date are absent.
    """
    by = list(by)
    rows = _chronological(placements.dropna(subset=list(axes)))
    rows = rows.drop_duplicates([*by, "date"], keep="last")
    frames = sorted({pd.Timestamp(d) for d in dates})
    columns = ["frame", *by, *axes, "placed"]
    if rows.empty or not frames:
        return pd.DataFrame({c: [] for c in columns}).astype(
            {"frame": "datetime64[us]", "placed": "datetime64[us]", **dict.fromkeys(axes, float)}
        )
    frame_col = pd.Series(frames, name="frame").astype(rows["date"].dtype)
    left = rows[by].drop_duplicates().merge(frame_col.to_frame(), how="cross")
    left = left.sort_values("frame", kind="stable")
    right = rows.drop(columns=[c for c in ("frame", "placed") if c in rows.columns])
    right = right.rename(columns={"date": "placed"}).sort_values("placed", kind="stable")
    out = pd.merge_asof(
        left, right, left_on="frame", right_on="placed", by=by, direction="backward"
    )
    out = out.dropna(subset=["placed"])
    return out.sort_values(["frame", *by], kind="stable").reset_index(drop=True)


def consensus_course(placements: pd.DataFrame, axes: Sequence[str]) -> pd.DataFrame:
    """The consensus as it stood on each date any perspective placed the partnership.

    On each date every perspective counts with its latest placement so far, so the
    last row equals `analysis.consensus_points` for that partnership.
    """
    actual = placements.loc[placements["kind"].eq("actual")].dropna(subset=list(axes))
    pos = positions_over_time(actual, axes, actual["date"].unique(), by=("perspective",))
    if pos.empty:
        return pd.DataFrame(
            {
                "date": pd.Series([], dtype="datetime64[us]"),
                **{a: pd.Series([], dtype=float) for a in axes},
                "perspective": pd.Series([], dtype=str),
                "n_perspectives": pd.Series([], dtype=int),
                "spread": pd.Series([], dtype=float),
                "note": pd.Series([], dtype=str),
            }
        )
    grouped = pos.groupby("frame", sort=True)
    out = grouped[list(axes)].median()
    out["n_perspectives"] = grouped["perspective"].nunique()
    out = out.reset_index().rename(columns={"frame": "date"})
    out["perspective"] = CONSENSUS
    out["spread"] = np.nan
    out["note"] = "Median of " + out["n_perspectives"].astype(str) + " perspectives"
    return out


def perspective_course(
    placements: pd.DataFrame, perspective: str, axes: Sequence[str]
) -> pd.DataFrame:
    """One perspective's actual placements with values on all `axes`, oldest first.

    One row per date: of two placements on the same day, the later row in the file
    counts. `perspective` may be `CONSENSUS` for the course of the consensus.
    """
    if perspective == CONSENSUS:
        return consensus_course(placements, axes)
    rows = placements.loc[
        placements["kind"].eq("actual") & placements["perspective"].eq(perspective)
    ].dropna(subset=list(axes))
    rows = _chronological(rows).drop_duplicates("date", keep="last")
    return rows.reset_index(drop=True)


def _target_rows(placements: pd.DataFrame, perspective: str) -> pd.DataFrame:
    """The targets that stand for this perspective: its own, else the joint ones."""
    targets = placements.loc[placements["kind"].eq("target")]
    own = targets.loc[targets["perspective"].eq(perspective)]
    if perspective != CONSENSUS and len(own):
        return own
    return targets.loc[targets["perspective"].eq(JOINT)]


def course_target(
    placements: pd.DataFrame, perspective: str, axes: Sequence[str]
) -> pd.Series | None:
    """The latest target with values on all `axes`: the perspective's own, else the joint one.

    Its `perspective` field says whose target it is. None when there is no target.
    """
    rows = _target_rows(placements, perspective).dropna(subset=list(axes))
    if rows.empty:
        return None
    return _chronological(rows).iloc[-1]


def _axis_values(placements: pd.DataFrame, perspective: str, axis_id: str) -> pd.DataFrame:
    """One axis' values of a perspective over time: date, value, spread (one per date)."""
    if perspective == CONSENSUS:
        rows = consensus_course(placements, [axis_id])
    else:
        rows = placements.loc[
            placements["kind"].eq("actual") & placements["perspective"].eq(perspective)
        ].dropna(subset=[axis_id])
        rows = _chronological(rows).drop_duplicates("date", keep="last")
    spread = rows["spread"] if "spread" in rows.columns else pd.Series(np.nan, index=rows.index)
    return pd.DataFrame({"date": rows["date"], "value": rows[axis_id], "spread": spread})


CHANGE_COLUMNS = [
    "axis_id",
    "axis",
    "n",
    "first_date",
    "first",
    "previous_date",
    "previous",
    "latest_date",
    "latest",
    "spread",
    "since_previous",
    "since_first",
    "target_perspective",
    "target_date",
    "target",
    "to_target",
]


def axis_changes(placements: pd.DataFrame, perspective: str, axes: Sequence[Axis]) -> pd.DataFrame:
    """Per axis: first, previous and latest values, the changes, and the gap to the target.

    Each axis uses its own values (a blank cell is "not assessed", not a move), so the
    dates may differ between axes. `since_previous` = latest - previous and
    `to_target` = target - latest: positive means toward the high pole.
    """
    targets = _target_rows(placements, perspective)
    records = []
    for axis in axes:
        values = _axis_values(placements, perspective, axis.axis_id)
        n = len(values)
        first = values.iloc[0] if n else None
        prev = values.iloc[-2] if n >= 2 else None
        last = values.iloc[-1] if n else None
        goal_rows = _chronological(targets.dropna(subset=[axis.axis_id]))
        goal = goal_rows.iloc[-1] if len(goal_rows) else None
        latest_value = float(last["value"]) if last is not None else np.nan
        target_value = float(goal[axis.axis_id]) if goal is not None else np.nan
        records.append(
            {
                "axis_id": axis.axis_id,
                "axis": axis.label,
                "n": n,
                "first_date": first["date"] if first is not None else pd.NaT,
                "first": float(first["value"]) if first is not None else np.nan,
                "previous_date": prev["date"] if prev is not None else pd.NaT,
                "previous": float(prev["value"]) if prev is not None else np.nan,
                "latest_date": last["date"] if last is not None else pd.NaT,
                "latest": latest_value,
                "spread": float(last["spread"]) if last is not None else np.nan,
                "since_previous": latest_value - float(prev["value"])
                if prev is not None
                else np.nan,
                "since_first": latest_value - float(first["value"]) if n >= 2 else np.nan,
                "target_perspective": str(goal["perspective"]) if goal is not None else "",
                "target_date": goal["date"] if goal is not None else pd.NaT,
                "target": target_value,
                "to_target": target_value - latest_value,
            }
        )
    out = pd.DataFrame.from_records(records, columns=CHANGE_COLUMNS)
    for col in ("first_date", "previous_date", "latest_date", "target_date"):
        out[col] = pd.to_datetime(out[col])
    return out


@dataclass(frozen=True)
class Distance:
    """A straight-line distance across several axes, and how many axes it rests on."""

    value: float
    n_axes: int

    def __str__(self) -> str:
        if self.n_axes == 0:
            return "–"
        return f"{self.value:.1f}"


def overall_change(changes: pd.DataFrame, column: str) -> Distance:
    """The straight-line length of a per-axis change column, over the axes that have one."""
    values = changes[column].dropna().to_numpy(dtype=float)
    return Distance(float(np.sqrt(np.sum(values**2))) if len(values) else float("nan"), len(values))


def movement_phrase(axis: Axis, change: float, since: object) -> str:
    """A change on one axis in the poles' words: 'moved 1.5 toward Informing policy since …'."""
    if _missing(since) or pd.isna(since):
        return "placed only once"
    if _missing(change) or abs(change) < NO_CHANGE:
        return f"no change since {_day(since)}"
    return f"moved {abs(change):.1f} toward {axis.pole(change)} since {_day(since)}"


def target_phrase(axis: Axis, row: pd.Series, *, name_axis: bool = True) -> str:
    """The gap to the target on one axis: '2.0 short of the target on <axis>, toward <pole>'.

    'past the target' when the last move went beyond it. `name_axis=False` leaves the
    axis out, for sentences that already start with it.
    """
    gap = row["to_target"]
    on = f" on {axis.label}" if name_axis else ""
    if _missing(gap):
        return f"no target{on}"
    if abs(gap) < NO_CHANGE:
        return f"on target{on}"
    prev, latest_value, target = row["previous"], row["latest"], row["target"]
    if not _missing(prev) and (target - prev) * (target - latest_value) < 0:
        return f"{abs(gap):.1f} past the target{on}, having moved beyond it"
    return f"{abs(gap):.1f} short of the target{on}, toward {axis.pole(gap)}"


def course_points(changes: pd.DataFrame, axes: Sequence[Axis]) -> list[tuple[str, str]]:
    """Per axis, (axis label, where it is, its latest move and its gap to the target).

    e.g. ('Delivering services ↔ Informing policy', 'now 2.5 toward Informing policy;
    moved 1.5 toward Informing policy since 2025-03-18 (5.9 since 2022-03-14); 1.5 short
    of the target, toward Informing policy').
    """
    by_id = {a.axis_id: a for a in axes}
    out = []
    for row in changes.itertuples(index=False):
        axis = by_id[row.axis_id]
        if row.n == 0:
            out.append((axis.label, "not assessed yet"))
            continue
        move = movement_phrase(axis, row.since_previous, row.previous_date)
        if row.n >= 3 and not _missing(row.since_first):
            if abs(row.since_first) < NO_CHANGE:
                move += f", back where it was on {_day(row.first_date)}"
            else:
                same_way = not _missing(row.since_previous) and (
                    np.sign(row.since_first) == np.sign(row.since_previous)
                    and abs(row.since_previous) >= NO_CHANGE
                )
                way = "" if same_way else f" toward {axis.pole(row.since_first)}"
                move += f" ({abs(row.since_first):.1f}{way} since {_day(row.first_date)})"
        if (
            not _missing(row.since_previous)
            and not _missing(row.spread)
            and NO_CHANGE <= abs(row.since_previous) <= row.spread
        ):
            move += f", within the stated uncertainty of ±{row.spread:.1f}"
        gap = target_phrase(axis, pd.Series(row._asdict()), name_axis=False)
        out.append((axis.label, f"now {position_phrase(axis, row.latest)}; {move}; {gap}"))
    return out


def course_sentences(changes: pd.DataFrame, axes: Sequence[Axis]) -> list[str]:
    """One sentence per axis: '<axis>: now …; moved … since …; … short of the target, …'."""
    return [f"{label}: {text}." for label, text in course_points(changes, axes)]


def course_summary(
    course: pd.DataFrame,
    target: pd.Series | None,
    x_axis: Axis,
    y_axis: Axis,
    *,
    name: str,
    perspective: str,
) -> str:
    """A paragraph that says what the course map shows, for readers who cannot see it."""
    xs, ys = x_axis.axis_id, y_axis.axis_id
    who = perspective_label(perspective)
    axes_words = f"{x_axis.label} and {y_axis.label}"
    if course.empty:
        text = f"Seen from {who}, {name} has not been placed on both {axes_words} yet."
        if target is not None:
            text += (
                f" Its target ({target['perspective']}, {_day(target['date'])}) is "
                f"{position_phrase(x_axis, target[xs])} and {position_phrase(y_axis, target[ys])}."
            )
        return text
    last = course.iloc[-1]
    now = f"{position_phrase(x_axis, last[xs])} and {position_phrase(y_axis, last[ys])}"
    if len(course) == 1:
        text = (
            f"Seen from {who}, {name} has one placement on these two axes, on "
            f"{_day(last['date'])}: {now}. With a single placement there is no course yet."
        )
    else:
        first, prev = course.iloc[0], course.iloc[-2]
        step = math.hypot(last[xs] - prev[xs], last[ys] - prev[ys])
        total = math.hypot(last[xs] - first[xs], last[ys] - first[ys])
        text = (
            f"Seen from {who}, {name} has {len(course)} placements on these two axes, from "
            f"{_day(first['date'])} to {_day(last['date'])}. It started at "
            f"{position_phrase(x_axis, first[xs])} and {position_phrase(y_axis, first[ys])}, "
            f"and now stands at {now}: {total:.1f} from where it started"
            + (
                f" and {step:.1f} from its previous placement on {_day(prev['date'])}."
                if len(course) > 2
                else "."
            )
        )
    if target is None:
        return text + " No target has been set on these axes."
    dx, dy = target[xs] - last[xs], target[ys] - last[ys]
    gap = math.hypot(dx, dy)
    whose = "its own" if target["perspective"] == perspective else f"the {target['perspective']}"
    if gap < NO_CHANGE:
        return text + f" It has reached {whose} target (set {_day(target['date'])})."
    moves = [
        f"{abs(d):.1f} toward {a.pole(d)}"
        for d, a in ((dx, x_axis), (dy, y_axis))
        if abs(d) >= NO_CHANGE
    ]
    return text + (
        f" {whose.capitalize()} target (set {_day(target['date'])}) is {gap:.1f} away: "
        f"{' and '.join(moves)}."
    )


# ---- perspectives ---------------------------------------------------------------------------


def _on_this_map(
    views: pd.DataFrame,
    map_positions: pd.DataFrame | None,
    map_axes: tuple[Axis, Axis] | None,
) -> str:
    """'; this map shows 2 of them: civil society left <axis> blank' (or '' when all show).

    The map draws only perspectives with a value on both of its axes, so a perspective
    that marked one of them not applicable (blank) is counted in words but not drawn:
    the text says so, and the numbers agree with the chart.
    """
    if map_positions is None or map_axes is None:
        return ""
    shown = set(map_positions["perspective"]) if len(map_positions) else set()
    missing = [str(p) for p in views.index if p not in shown]
    if not missing:
        return ""
    reasons = []
    for who in missing:
        blank = [
            a.label
            for a in map_axes
            if a.axis_id not in views.columns or _missing(views.loc[who, a.axis_id])
        ]
        reasons.append(
            f"{who} left {' and '.join(blank)} blank"
            if blank
            else f"{who} has no single placement on both"
        )
    n = len(shown)
    if len(views) == 1:
        head = "not on this map"
    else:
        head = "this map shows none of them" if n == 0 else f"this map shows {n} of them"
    return f"; {head}: {'; '.join(reasons)}"


def perspectives_summary(
    views: pd.DataFrame,
    per_axis: pd.DataFrame,
    axes: Sequence[Axis],
    *,
    name: str,
    map_positions: pd.DataFrame | None = None,
    map_axes: tuple[Axis, Axis] | None = None,
) -> str:
    """A paragraph on how the perspectives see the partnership and where they differ.

    Args:
        views: `latest_views` of the partnership (one row per perspective).
        per_axis: `divergence` of those views.
        axes: the axes of `per_axis`, for their poles' names.
        name: the partnership's name.
        map_positions: the perspectives drawn on the map (`perspective_positions`), to
            name the one furthest from the consensus there.
        map_axes: the map's (x, y) axes.
    """
    if views.empty:
        return f"No perspective has placed {name} yet."
    names = [str(p) for p in views.index]
    if len(names) == 1:
        return (
            f"Only {names[0]} has placed {name} so far (latest {_day(views['date'].max())})"
            f"{_on_this_map(views, map_positions, map_axes)}: "
            "there is nothing to compare yet. Add another partner's view to see where they differ."
        )
    by_id = {a.axis_id: a for a in axes}
    text = (
        f"{len(names)} perspectives have placed {name} ({_names(names)}; latest "
        f"{_day(views['date'].max())}){_on_this_map(views, map_positions, map_axes)}. "
    )
    centre = [
        position_phrase(by_id[r.axis_id], r.consensus)
        for r in per_axis.itertuples()
        if not _missing(r.consensus)
    ]
    if centre:
        text += f"Their consensus (the median on each axis) is {'; '.join(centre)}. "
    ranked = per_axis.dropna(subset=["divergence"]).sort_values(
        "divergence", ascending=False, kind="stable"
    )
    if ranked.empty:
        return text + "No axis has been placed by two perspectives yet."
    top = ranked.iloc[0]
    axis = by_id[top["axis_id"]]
    overall = overall_divergence(per_axis)
    text += (
        f"Overall they {agreement_phrase(overall)} (divergence {overall:.2f}: on an average "
        f"axis a perspective stands {overall:.2f} from the consensus; {len(ranked)} axes "
        f"compared). They differ most on {axis.label} (divergence "
        f"{top['divergence']:.2f}, so they {agreement_phrase(top['divergence'])} there): "
        f"{_ends(axis, top)}."
    )
    if top["within_uncertainty"]:
        text += " That difference is within the uncertainty the partners stated."
    if map_positions is not None and map_axes is not None and len(map_positions) >= 2:
        ids = [a.axis_id for a in map_axes]
        dist = distances_to(map_positions, consensus(map_positions, ids), ids)
        far = map_positions.loc[dist.idxmax()]
        text += (
            f" On this map, {far['perspective']} is furthest from the consensus "
            f"({dist.max():.1f} away)."
        )
    return text


# ---- the portfolio -------------------------------------------------------------------------


def _actual(dataset: Dataset, flt: PortfolioFilter | None = None) -> pd.DataFrame:
    """Actual placements of the partnerships that pass the filter's columns."""
    p = dataset.placements
    mask = p["kind"].eq("actual")
    if flt is not None and flt.columns:
        parts = filter_partnerships(dataset.partnerships, flt.columns)
        mask &= p["partnership_id"].isin(parts["partnership_id"])
    return p.loc[mask]


def divergence_by_axis(dataset: Dataset, flt: PortfolioFilter | None = None) -> pd.DataFrame:
    """Divergence of every partnership on every axis (rows: partnership ids; NaN < 2 views)."""
    axes = dataset.axis_ids
    views = latest_views(_actual(dataset, flt), axes, by=("partnership_id", "perspective"))
    if views.empty:
        return pd.DataFrame(columns=axes, dtype=float)
    grouped = views[axes].groupby(level="partnership_id")
    dev = (views[axes] - grouped.transform("median")).abs()
    out = dev.groupby(level="partnership_id").mean()
    return out.where(grouped.count() >= 2)


RANKING_COLUMNS = [
    "rank",
    "partnership_id",
    "name",
    "n_perspectives",
    "divergence",
    "axis_id",
    "axis",
    "axis_divergence",
    "low",
    "low_value",
    "high",
    "high_value",
    "agreement",
]


def disagreement_ranking(dataset: Dataset, flt: PortfolioFilter | None = None) -> pd.DataFrame:
    """Partnerships ranked by how much their partners disagree, most first.

    `divergence` is the overall divergence (mean over axes of the per-axis mean absolute
    deviation from the median), `axis` the axis they differ most on (`axis_divergence`),
    `low`/`high` who stands furthest toward each of its poles, and `agreement` that
    axis' divergence in words. Equal divergences share a rank and are listed by name;
    partnerships with a single perspective come last, unranked.
    """
    axes = dataset.axis_ids
    actual = _actual(dataset, flt)
    views = latest_views(actual, axes, by=("partnership_id", "perspective"))
    if views.empty:
        return pd.DataFrame({c: [] for c in RANKING_COLUMNS})
    by_axis = divergence_by_axis(dataset, flt)
    overall = by_axis.mean(axis=1, skipna=True)
    has_axis = by_axis.notna().any(axis=1)
    top_axis = by_axis.loc[has_axis].idxmax(axis=1).reindex(by_axis.index)
    n_persp = views.reset_index().groupby("partnership_id")["perspective"].nunique()
    names = dataset.partnerships.set_index("partnership_id")["name"]
    records = []
    for pid in by_axis.index:
        axis_id = top_axis.get(pid)
        rec = {
            "partnership_id": pid,
            "name": str(names.get(pid, pid)),
            "n_perspectives": int(n_persp.get(pid, 0)),
            "divergence": float(overall[pid]),
        }
        if isinstance(axis_id, str):
            sub = views.xs(pid, level="partnership_id")[[axis_id]].dropna()
            values = sub[axis_id]
            rec |= {
                "axis_id": axis_id,
                "axis": dataset.axis(axis_id).label,
                "axis_divergence": float(by_axis.at[pid, axis_id]),
                "low": _names(order_perspectives(values.index[values == values.min()])),
                "low_value": float(values.min()),
                "high": _names(order_perspectives(values.index[values == values.max()])),
                "high_value": float(values.max()),
            }
        records.append(rec)
    out = pd.DataFrame.from_records(records).reindex(columns=RANKING_COLUMNS)
    # Words from the most divided axis: one sharp split matters even when the rest agree.
    out["agreement"] = [agreement_phrase(d) for d in out["axis_divergence"]]
    out["_name"] = out["name"].str.casefold()
    out = out.sort_values(
        ["divergence", "_name"], ascending=[False, True], na_position="last", kind="stable"
    ).drop(columns="_name")
    out["rank"] = out["divergence"].rank(method="min", ascending=False).astype("Int64")
    return out.reset_index(drop=True)


def ranking_summary(ranking: pd.DataFrame, axes: Sequence[Axis]) -> str:
    """A paragraph on where partners disagree most across the portfolio."""
    ranked = ranking.dropna(subset=["divergence"])
    if ranked.empty:
        return (
            "No partnership has been placed by two perspectives yet, so there is no "
            "disagreement to rank."
        )
    by_id = {a.axis_id: a for a in axes}
    top = ranked.iloc[0]
    axis = by_id[top["axis_id"]]
    text = (
        f"Partners disagree most about {top['name']} (divergence {top['divergence']:.2f}), "
        f"above all on {axis.label}: {_ends(axis, top)}."
    )
    nxt = ranked.iloc[1:3]
    if len(nxt):
        text += (
            " Next come "
            + _names(
                [
                    f"{r.name} ({r.divergence:.2f}, on {by_id[r.axis_id].label})"
                    for r in nxt.itertuples()
                ]
            )
            + "."
        )
    strong = int((ranked["axis_divergence"] >= STRONG).sum())
    close = int((ranked["axis_divergence"] < CLOSE).sum())
    text += (
        f" Of {_count(len(ranked), 'partnership')} with two or more perspectives, {strong} "
        f"{'disagrees' if strong == 1 else 'disagree'} strongly on at least one axis (divergence "
        f"{STRONG} or more) and {close} {'agrees' if close == 1 else 'agree'} closely on every "
        f"axis (below {CLOSE})."
    )
    single = len(ranking) - len(ranked)
    if single:
        text += (
            f" {_count(single, 'partnership')} {'has' if single == 1 else 'have'} a single "
            "perspective and cannot be compared."
        )
    return text


def partnership_consensus(dataset: Dataset, flt: PortfolioFilter | None = None) -> pd.DataFrame:
    """Each partnership's consensus on every axis: the median of its perspectives' views.

    Each perspective counts with its own latest value per axis (`latest_views`).
    Indexed by partnership id, with `name` and `n_perspectives`.
    """
    axes = dataset.axis_ids
    views = latest_views(_actual(dataset, flt), axes, by=("partnership_id", "perspective"))
    if views.empty:
        return pd.DataFrame(
            columns=[*axes, "n_perspectives", "name"],
            index=pd.Index([], name="partnership_id", dtype=str),
        )
    grouped = views.groupby(level="partnership_id")
    out = grouped[axes].median()
    out["n_perspectives"] = grouped.size()
    names = dataset.partnerships.set_index("partnership_id")["name"]
    out["name"] = [str(names.get(pid, pid)) for pid in out.index]
    return out.sort_values("name", key=lambda s: s.str.casefold())


def median_comparison(dataset: Dataset, flt: PortfolioFilter | None = None) -> pd.DataFrame:
    """Each partnership's consensus per axis beside the portfolio median, and the difference.

    Long format: one row per partnership and axis. The portfolio median is the median of
    the partnerships' consensus positions, so each partnership counts once however many
    perspectives placed it. `difference` > 0 means further toward the high pole.
    """
    wide = partnership_consensus(dataset, flt)
    axes = dataset.axis_ids
    columns = [
        "partnership_id",
        "name",
        "axis_id",
        "axis",
        "value",
        "portfolio_median",
        "difference",
    ]
    if wide.empty:
        return pd.DataFrame({c: [] for c in columns})
    medians = wide[axes].median()
    long = wide.reset_index().melt(
        id_vars=["partnership_id", "name"], value_vars=axes, var_name="axis_id", value_name="value"
    )
    long = long.dropna(subset=["value"])
    labels = {a.axis_id: a.label for a in dataset.axes}
    long["axis"] = long["axis_id"].map(labels)
    long["portfolio_median"] = long["axis_id"].map(medians)
    long["difference"] = long["value"] - long["portfolio_median"]
    order = {a: i for i, a in enumerate(axes)}
    long = long.sort_values(
        ["axis_id", "name"],
        key=lambda s: s.map(order) if s.name == "axis_id" else s.str.casefold(),
        kind="stable",
    )
    return long[columns].reset_index(drop=True)


def median_comparison_summary(comparison: pd.DataFrame, axes: Sequence[Axis]) -> str:
    """A paragraph on the portfolio median and who stands furthest from it on each axis."""
    if comparison.empty:
        return "No partnership has been placed yet, so there is no portfolio median."
    parts = []
    for axis in axes:
        rows = comparison.loc[comparison["axis_id"].eq(axis.axis_id)]
        if rows.empty:
            continue
        median = float(rows["portfolio_median"].iloc[0])
        hi = rows.loc[rows["difference"].idxmax()]
        lo = rows.loc[rows["difference"].idxmin()]
        sentence = f"On {axis.label} the median is {position_phrase(axis, median)}"
        ends = []
        if hi["difference"] >= NO_CHANGE:
            ends.append(
                f"{hi['name']} is furthest toward {axis.high_pole} (+{hi['difference']:.1f})"
            )
        if lo["difference"] <= -NO_CHANGE:
            ends.append(f"{lo['name']} toward {axis.low_pole} (−{-lo['difference']:.1f})")
        parts.append(sentence + ("; " + ", ".join(ends) if ends else "") + ".")
    return "Differences are from the portfolio median, in axis units. " + " ".join(parts)


def compared_with_median(
    comparison: pd.DataFrame, partnership_id: str, axes: Sequence[Axis], *, top: int = 2
) -> str:
    """Where one partnership's consensus stands out from the portfolio median, in a sentence.

    Names the `top` axes with the largest differences of at least `CLOSE`; otherwise
    says it is close to the median everywhere.
    """
    by_id = {a.axis_id: a for a in axes}
    rows = comparison.loc[comparison["partnership_id"].eq(partnership_id)]
    if rows.empty:
        return ""
    rows = rows.loc[rows["difference"].abs() >= CLOSE]
    rows = rows.reindex(
        rows["difference"].abs().sort_values(ascending=False, kind="stable").index
    ).head(top)
    if rows.empty:
        return f"Its consensus is within {CLOSE} of the portfolio median on every axis."
    phrases = [
        f"{by_id[r.axis_id].label} ({abs(r.difference):.1f} further toward "
        f"{by_id[r.axis_id].pole(r.difference)})"
        for r in rows.itertuples()
    ]
    return f"Compared with the portfolio median, its consensus stands out on {_names(phrases)}."


# ---- time animation ------------------------------------------------------------------------


def timeline_dates(dates: Iterable[object], max_frames: int = MAX_FRAMES) -> list[pd.Timestamp]:
    """The dates an animation steps through: every placement date, or period ends.

    With more distinct dates than `max_frames`, the finest of months, quarters, half
    years and years that fits is used, plus the first and last date, so the animation
    starts with the first placement and ends with the portfolio as it stands.
    """
    unique = sorted({pd.Timestamp(d).normalize() for d in dates if not pd.isna(d)})
    if len(unique) <= max_frames:
        return unique
    first, last = unique[0], unique[-1]
    for freq in ("ME", "QE", "6ME", "YE", "5YE"):
        # Period ends within a fortnight of the first or last date would be a near-repeat.
        ends = [
            e
            for e in pd.date_range(first, last, freq=freq)
            if e - first > pd.Timedelta(days=14) and last - e > pd.Timedelta(days=14)
        ]
        out = sorted({first, *ends, last})
        if len(out) <= max_frames:
            return out
    return [first, last]


def partnership_over_time(
    placements: pd.DataFrame, x: str, y: str, dates: Sequence[object] | None = None
) -> pd.DataFrame:
    """Each perspective, and their consensus, as they stood on each date: animation frames.

    Columns: frame, key (the perspective, or `CONSENSUS`), x, y, placed. Dates default to
    every date the partnership was placed (sampled down to `MAX_FRAMES`).
    """
    actual = placements.loc[placements["kind"].eq("actual")].dropna(subset=[x, y])
    frames = timeline_dates(actual["date"] if dates is None else dates)
    pos = positions_over_time(actual, [x, y], frames, by=("perspective",))
    if pos.empty:
        return pd.DataFrame(
            {
                "frame": pd.Series([], dtype="datetime64[us]"),
                "key": pd.Series([], dtype=str),
                x: pd.Series([], dtype=float),
                y: pd.Series([], dtype=float),
                "placed": pd.Series([], dtype="datetime64[us]"),
            }
        )
    views = pos.rename(columns={"perspective": "key"})[["frame", "key", x, y, "placed"]]
    grouped = pos.groupby("frame")
    centre = grouped[[x, y]].median()
    centre["placed"] = grouped["placed"].max()
    centre = centre.reset_index().assign(key=CONSENSUS)
    centre = centre.loc[grouped["perspective"].nunique().to_numpy() >= 2]
    return pd.concat([views, centre[["frame", "key", x, y, "placed"]]], ignore_index=True)


def portfolio_over_time(
    dataset: Dataset,
    x: str,
    y: str,
    flt: PortfolioFilter | None = None,
    max_frames: int = MAX_FRAMES,
) -> pd.DataFrame:
    """Each partnership's consensus as it stood on each date: frames for the portfolio.

    Columns: frame, key (partnership id), x, y, n_perspectives, placed, and the
    partnership's columns (name, sector…). On each date every perspective counts with
    its latest placement so far, so the last frame matches `consensus_points`.
    """
    actual = _actual(dataset, flt).dropna(subset=[x, y])
    if flt is not None and flt.perspective and flt.perspective != ALL:
        actual = actual.loc[actual["perspective"].eq(flt.perspective)]
    frames = timeline_dates(actual["date"], max_frames)
    pos = positions_over_time(actual, [x, y], frames, by=("partnership_id", "perspective"))
    if pos.empty:
        return pd.DataFrame(
            {
                "frame": pd.Series([], dtype="datetime64[us]"),
                "key": pd.Series([], dtype=str),
                x: pd.Series([], dtype=float),
                y: pd.Series([], dtype=float),
                "n_perspectives": pd.Series([], dtype=int),
                "placed": pd.Series([], dtype="datetime64[us]"),
                "name": pd.Series([], dtype=str),
            }
        )
    grouped = pos.groupby(["frame", "partnership_id"])
    out = grouped[[x, y]].median()
    out["n_perspectives"] = grouped["perspective"].nunique()
    out["placed"] = grouped["placed"].max()
    out = out.reset_index()
    info = dataset.partnerships.drop(columns=["_row"], errors="ignore")
    out = out.merge(info, on="partnership_id", how="left", validate="many_to_one")
    return out.rename(columns={"partnership_id": "key"})


def travel(frames: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    """Per key: where it stood in its first and last frame, and the distance between."""
    if frames.empty:
        return pd.DataFrame(columns=["key", "start_x", "start_y", "end_x", "end_y", "distance"])
    ordered = frames.sort_values("frame", kind="stable").groupby("key", sort=False)
    first, last = ordered[[x, y]].first(), ordered[[x, y]].last()
    out = pd.DataFrame(
        {"start_x": first[x], "start_y": first[y], "end_x": last[x], "end_y": last[y]}
    )
    out["distance"] = np.hypot(out["end_x"] - out["start_x"], out["end_y"] - out["start_y"])
    return out.reset_index()


def partnership_animation_summary(
    frames: pd.DataFrame, x_axis: Axis, y_axis: Axis, *, name: str
) -> str:
    """A paragraph on how the perspectives and their consensus moved through time."""
    xs, ys = x_axis.axis_id, y_axis.axis_id
    dates = sorted(frames["frame"].unique()) if len(frames) else []
    if not dates:
        return f"{name} has no placement on both {x_axis.label} and {y_axis.label} yet."
    if len(dates) == 1:
        return (
            f"{name} was placed on one date only ({_day(dates[0])}), so there is no "
            "movement to play yet."
        )
    text = (
        f"The animation steps through {len(dates)} dates, from {_day(dates[0])} to "
        f"{_day(dates[-1])}."
    )
    centre = frames.loc[frames["key"].eq(CONSENSUS)].sort_values("frame")
    if len(centre) >= 2:
        a, b = centre.iloc[0], centre.iloc[-1]
        text += (
            f" The consensus moved {math.hypot(b[xs] - a[xs], b[ys] - a[ys]):.1f}, from "
            f"{position_phrase(x_axis, a[xs])} and {position_phrase(y_axis, a[ys])} to "
            f"{position_phrase(x_axis, b[xs])} and {position_phrase(y_axis, b[ys])}."
        )
        views = frames.loc[~frames["key"].eq(CONSENSUS)]
        spread = []
        for when in (a["frame"], b["frame"]):
            at = views.loc[views["frame"].eq(when)]
            c = centre.loc[centre["frame"].eq(when)].iloc[0]
            spread.append(float(np.hypot(at[xs] - c[xs], at[ys] - c[ys]).mean()))
        trend = (
            "converging"
            if spread[1] < spread[0] - NO_CHANGE
            else "drifting apart"
            if spread[1] > spread[0] + NO_CHANGE
            else "as far apart as before"
        )
        text += (
            f" The perspectives were on average {spread[0]:.1f} from their consensus at the "
            f"start and {spread[1]:.1f} at the end: {trend}."
        )
    else:
        moved = travel(frames, xs, ys)
        row = moved.iloc[0]
        text += f" {row['key']} moved {row['distance']:.1f} in that time."
    return text


def portfolio_animation_summary(frames: pd.DataFrame, x_axis: Axis, y_axis: Axis) -> str:
    """A paragraph on how the portfolio moved through time, and who travelled furthest."""
    xs, ys = x_axis.axis_id, y_axis.axis_id
    dates = sorted(frames["frame"].unique()) if len(frames) else []
    if not dates:
        return f"No partnership has been placed on both {x_axis.label} and {y_axis.label} yet."
    if len(dates) == 1:
        return (
            f"All placements share one date ({_day(dates[0])}): there is no movement to play yet."
        )
    first = frames.loc[frames["frame"].eq(dates[0])]
    last = frames.loc[frames["frame"].eq(dates[-1])]
    text = (
        f"The animation steps through {len(dates)} dates from {_day(dates[0])} to "
        f"{_day(dates[-1])}; {len(last)} partnerships are on the map by the end. The "
        f"portfolio median moved from {position_phrase(x_axis, first[xs].median())} and "
        f"{position_phrase(y_axis, first[ys].median())} to "
        f"{position_phrase(x_axis, last[xs].median())} and "
        f"{position_phrase(y_axis, last[ys].median())}."
    )
    moved = travel(frames, xs, ys).sort_values("distance", ascending=False, kind="stable")
    moved = moved.loc[moved["distance"] >= NO_CHANGE].head(3)
    if len(moved):
        names = frames.drop_duplicates("key").set_index("key")["name"]
        text += (
            " Travelled furthest: "
            + _names(
                [
                    f"{names.get(k, k)} ({d:.1f})"
                    for k, d in zip(moved["key"], moved["distance"], strict=True)
                ]
            )
            + "."
        )
    return text


# ---- summaries of the portfolio views ------------------------------------------------------


def profiles_summary(
    profiles: pd.DataFrame, axes: Sequence[Axis], *, label: str = "perspective", what: str
) -> str:
    """A paragraph on an all-axes chart: on each axis, the range of the lines and who is where.

    Args:
        profiles: one row per line (named by `label`, a column or the index) with a
            column per axis id.
        axes: the axes shown.
        label: the column that names the rows.
        what: how to call the rows in the text, e.g. "the perspectives".
    """
    if profiles.empty:
        return f"Nothing to show: {what} have no placements yet."
    per_axis = divergence(profiles, axes, label=label)
    if len(profiles) == 1:
        frame = profiles.reset_index() if label not in profiles.columns else profiles
        row = frame.iloc[0]
        where = [
            f"{a.label}: {position_phrase(a, row[a.axis_id])}"
            for a in axes
            if not _missing(row[a.axis_id])
        ]
        return f"Only {row[label]} is shown. " + "; ".join(where) + "."
    parts = []
    for axis, r in zip(axes, per_axis.itertuples(index=False), strict=True):
        if r.n < 2:
            continue
        parts.append(f"{axis.label}: {_range_phrase(axis, r)}")
    text = f"Each line is one of {what} ({len(profiles)}), across {len(axes)} axes. "
    if not parts:
        return text + "No axis has two values to compare yet."
    text += "Their range on " + "; ".join(parts) + "."
    widest = per_axis.dropna(subset=["range"]).sort_values("range", ascending=False).iloc[0]
    text += f" They are furthest apart on {widest['axis']} ({widest['range']:.1f} between ends)."
    return text


def _range_phrase(axis: Axis, row: tuple) -> str:
    """The span of values on an axis, with who is at each end, in the poles' words."""
    lo, hi = row.low_value, row.high_value
    if lo >= NO_CHANGE:
        return f"{lo:.1f} ({row.low}) to {hi:.1f} ({row.high}) toward {axis.high_pole}"
    if hi <= -NO_CHANGE:
        return f"{-hi:.1f} ({row.high}) to {-lo:.1f} ({row.low}) toward {axis.low_pole}"
    return (
        f"from {position_phrase(axis, lo)} ({row.low}) to {position_phrase(axis, hi)} ({row.high})"
    )


def quadrant(x_axis: Axis, y_axis: Axis, x: float, y: float) -> str:
    """The quadrant a position lies in, named by its two poles (as on the map)."""
    if abs(x) < NO_CHANGE or abs(y) < NO_CHANGE:
        return "on a balance line"
    return f"{y_axis.pole(y)} · {x_axis.pole(x)}"


def small_multiples_summary(
    centres: pd.DataFrame, views: pd.DataFrame, x_axis: Axis, y_axis: Axis
) -> str:
    """A paragraph on the small multiples: where the partnerships stand and who is spread widest.

    Args:
        centres: `analysis.consensus_points` rows (one per partnership).
        views: `analysis.portfolio_points` rows (one per partnership and perspective).
        x_axis: the horizontal axis.
        y_axis: the vertical axis.
    """
    xs, ys = x_axis.axis_id, y_axis.axis_id
    if centres.empty:
        return f"No partnership has been placed on both {x_axis.label} and {y_axis.label} yet."
    where = pd.Series(
        [quadrant(x_axis, y_axis, x, y) for x, y in zip(centres[xs], centres[ys], strict=True)]
    )
    counts = where.value_counts()
    text = (
        f"{len(centres)} partnerships, each on its own map with the same scales. By their "
        f"consensus, {counts.iloc[0]} {'stands' if counts.iloc[0] == 1 else 'stand'} in "
        f"{counts.index[0]}"
    )
    rest = [f"{n} in {q}" for q, n in counts.iloc[1:].items()]
    text += (", " + _names(rest) if rest else "") + "."
    merged = views.merge(
        centres[["partnership_id", xs, ys]], on="partnership_id", suffixes=("", "_c")
    )
    merged["d"] = np.hypot(merged[xs] - merged[f"{xs}_c"], merged[ys] - merged[f"{ys}_c"])
    spread = merged.groupby("partnership_id")["d"].mean()
    counted = merged.groupby("partnership_id")["perspective"].nunique()
    spread = spread.loc[counted >= 2]
    if len(spread):
        names = centres.set_index("partnership_id")["name"]
        top = spread.idxmax()
        text += (
            f" The perspectives are spread widest for {names[top]}: on average "
            f"{spread.max():.1f} from their consensus on this map."
        )
    single = int((counted < 2).sum()) + len(set(centres["partnership_id"]) - set(counted.index))
    if single:
        text += (
            f" {_count(single, 'partnership')} {'has' if single == 1 else 'have'} a single "
            "perspective on these axes."
        )
    return text
