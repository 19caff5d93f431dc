"""Data loading with caching, and the app-wide choices (dataset, axis pair)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

import plotting as pp
from plotting.model import Axis


def data_dir() -> Path:
    """The dataset folder for this app process ($PLOTTING_DATA_DIR or data/)."""
    return pp.default_data_dir().resolve()


@st.cache_resource(max_entries=4, show_spinner="Loading the data…")
def _load(folder: str, signature: tuple) -> pp.Dataset:
    """Parse and validate once per file version; shared read-only by all sessions."""
    del signature  # part of the cache key only: a changed file is a new key
    return pp.load_dataset(Path(folder))


def dataset() -> pp.Dataset:
    """The current dataset, re-read when any of its files changed on disk."""
    folder = data_dir()
    return _load(str(folder), pp.data_signature(folder))


def refresh() -> None:
    """Forget cached data (after a save, the signature changes anyway)."""
    _load.clear()


AXIS_X = "axis_x"
AXIS_Y = "axis_y"


def _swap_if_same(changed: str, other: str, ids: list[str]) -> None:
    """Keep the two axes different: when one takes the other's value, move the other."""
    if st.session_state[changed] == st.session_state[other]:
        rest = [a for a in ids if a != st.session_state[changed]]
        if rest:
            st.session_state[other] = rest[0]


def axis_pair_picker(ds: pp.Dataset) -> None:
    """The sidebar's axis pair; the choice persists across pages for the session."""
    ids = ds.axis_ids
    if len(ids) < 2:
        st.sidebar.warning("The map needs at least two valid axes in axes.csv.")
        return
    for key, default in ((AXIS_X, ids[0]), (AXIS_Y, ids[1])):
        if st.session_state.get(key) not in ids:
            st.session_state[key] = default
    labels = {a.axis_id: a.label for a in ds.axes}
    st.sidebar.selectbox(
        "Horizontal axis",
        ids,
        key=AXIS_X,
        format_func=labels.get,
        on_change=_swap_if_same,
        args=(AXIS_X, AXIS_Y, ids),
        help="Which tension runs left to right on every map.",
    )
    st.sidebar.selectbox(
        "Vertical axis",
        ids,
        key=AXIS_Y,
        format_func=labels.get,
        on_change=_swap_if_same,
        args=(AXIS_Y, AXIS_X, ids),
        help="Which tension runs bottom to top on every map.",
    )


def axis_pair(ds: pp.Dataset) -> tuple[Axis, Axis] | None:
    """The chosen (x, y) axes, or None when the dataset has fewer than two."""
    ids = ds.axis_ids
    if len(ids) < 2:
        return None
    x = st.session_state.get(AXIS_X, ids[0])
    y = st.session_state.get(AXIS_Y, ids[1])
    x = x if x in ids else ids[0]
    y = y if y in ids and y != x else next(a for a in ids if a != x)
    return ds.axis(x), ds.axis(y)


def require_axis_pair(ds: pp.Dataset) -> tuple[Axis, Axis]:
    """The chosen (x, y) axes; without two valid axes, say so and stop the page."""
    pair = axis_pair(ds)
    if pair is None:
        st.error("The map needs at least two valid axes in axes.csv: see the problems on Overview.")
        st.stop()
    return pair


def problems_frame(problems: list[pp.Problem]) -> pd.DataFrame:
    """Problems as a table (shown with st.dataframe, so text stays text)."""
    return pd.DataFrame(
        {
            "File": [p.file for p in problems],
            "Row": [p.row if p.row is not None else pd.NA for p in problems],
            "Column": [p.column or "" for p in problems],
            "Problem": [p.message for p in problems],
        }
    ).astype({"Row": "Int64"})


def show_problems(problems: list[pp.Problem], *, expanded: bool = False) -> None:
    """A readable list of problems instead of a traceback."""
    if not problems:
        return
    noun = "problem" if len(problems) == 1 else "problems"
    with st.expander(
        f"⚠️ {len(problems)} {noun} in the data — the app shows what it can read: a bad "
        "cell is left blank, a row without what it needs is left out",
        expanded=expanded,
    ):
        st.dataframe(problems_frame(problems), hide_index=True, width="stretch")


USER_NAME = "user_name"
SESSION_TAG = "session_tag"


def user() -> str:
    """Who is changing data, for the history: the name typed in the sidebar, or a session tag."""
    if SESSION_TAG not in st.session_state:
        import secrets

        st.session_state[SESSION_TAG] = secrets.token_hex(3)
    name = str(st.session_state.get(USER_NAME) or "").strip()
    tag = st.session_state[SESSION_TAG]
    return f"{name} (session {tag})" if name else f"browser session {tag}"


def user_name_input() -> None:
    """The sidebar's name field: changes are recorded in the history under this name."""
    st.sidebar.text_input(
        "Your name",
        key=USER_NAME,
        placeholder="for the change history",
        help="Saved placements, edits and imports are recorded under this name.",
    )
