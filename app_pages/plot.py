"""Plot a partnership: place it on the axes from a perspective, on a date, and save."""

import datetime as dt

import streamlit as st

import plotting as pp
from plotting.analysis import latest_position, perspective_options, slugify, unique_id
from ui import share, state

NEW = "__new__"
OTHER = "__other__"
PARTNERSHIP = share.PLOT_KEYS[share.PARTNERSHIP]
PERSPECTIVE = share.PLOT_KEYS[share.PERSPECTIVE]
PERSPECTIVE_OTHER = "plot_perspective_other"
DATE = "plot_date"
KIND = share.PLOT_KIND
NOTE = "plot_note"
CHART_GEN = "plot_chart_generation"
SOURCE = "plot_slider_source"


def pos_key(axis_id: str) -> str:
    return f"plot_pos_{axis_id}"


def na_key(axis_id: str) -> str:
    return f"plot_na_{axis_id}"


ds = state.dataset()
st.title("Plot a partnership")
x_axis, y_axis = state.require_axis_pair(ds)

# ---- the partnership --------------------------------------------------------------
share.restore_plot(ds)  # partnership and perspective from a shared link, on the first visit
ids = ds.partnerships["partnership_id"].tolist()
if st.session_state.get(PARTNERSHIP) not in [*ids, NEW]:
    st.session_state[PARTNERSHIP] = ids[0] if ids else NEW
names = dict(zip(ds.partnerships["partnership_id"], ds.partnerships["name"], strict=True))
# Bound dict methods as format_func: session state must stay picklable (no lambdas).
pid = st.selectbox(
    "Partnership",
    [*ids, NEW],
    key=PARTNERSHIP,
    format_func={**names, NEW: "➕ Add a new partnership…"}.get,
)


def _create_partnership() -> None:
    values = {k: st.session_state.get(f"new_{k}") for k in pp.model.PARTNERSHIP_COLUMNS}
    name = (values["name"] or "").strip()
    if not values["partnership_id"]:
        values["partnership_id"] = unique_id(slugify(name), ids) if name else ""
    values["partners"] = (values["partners"] or "").replace("\n", ";")
    try:
        record = pp.add_partnership(state.data_dir(), values, user=state.user())
    except pp.DataError as err:
        st.session_state["new_problems"] = err.problems
        return
    state.refresh()
    st.session_state.pop("new_problems", None)
    st.session_state[PARTNERSHIP] = record["partnership_id"]
    st.session_state["plot_flash"] = f"Added the partnership “{record['name']}”. Now place it."


if pid == NEW:
    st.header("New partnership")
    with st.form("new_partnership", border=True):
        c1, c2 = st.columns(2)
        c1.text_input(
            "Name *", key="new_name", placeholder="Lake Victoria Small Towns Water Alliance"
        )
        c2.text_input(
            "Id",
            key="new_partnership_id",
            placeholder="made from the name if left blank",
            help="Letters, digits, '-', '_' or '.'; used in links and in placements.csv.",
        )
        c1.text_input("Country", key="new_country")
        c2.text_input("Sector", key="new_sector", placeholder="Water supply, Sanitation…")
        c1.selectbox(
            "Arrangement",
            ["", "network", "alliance", "partnership", "joint venture", "contract", "platform"],
            key="new_arrangement",
            accept_new_options=True,
        )
        c2.text_input(
            "Started",
            key="new_started",
            placeholder="2019, 2019-03 or 2019-03-14",
            help="As precisely as you know it: a year, a year and month, or a day.",
        )
        st.text_area("Partners (one per line)", key="new_partners", height=100)
        st.text_area("Description", key="new_description", height=80)
        st.form_submit_button("Add partnership", type="primary", on_click=_create_partnership)
    for problem in st.session_state.get("new_problems", []):
        st.error(pp.markdown_text(f"{problem.column or 'row'}: {problem.message}"), icon="⚠️")
    st.stop()

if flash := st.session_state.pop("plot_flash", None):
    st.success(pp.markdown_text(flash), icon="✅")

# ---- perspective, date, kind ------------------------------------------------------------
options = perspective_options(ds, pid)
c1, c2, c3 = st.columns([2, 1, 1])
if st.session_state.get(PERSPECTIVE) not in [*options, OTHER]:
    st.session_state[PERSPECTIVE] = options[0]
perspective = c1.selectbox(
    "Perspective",
    [*options, OTHER],
    key=PERSPECTIVE,
    format_func={**{o: o for o in options}, OTHER: "Another organisation…"}.get,
    help="Whose view this placement is: a sector, 'joint' for a shared view, or a partner's name.",
)
if perspective == OTHER:
    perspective = c1.text_input("Organisation", key=PERSPECTIVE_OTHER).strip()
c2.date_input(
    "Date", key=DATE, value=dt.date.today(), format="YYYY-MM-DD", min_value=dt.date(1950, 1, 1)
)
st.session_state.setdefault(KIND, "actual")
kind = (
    c3.segmented_control(
        "Kind",
        pp.KINDS,
        key=KIND,
        selection_mode="single",
        format_func={"actual": "Actual", "target": "Target"}.get,
        help="Actual: where the partnership stands on that date. Target: where it wants to be.",
    )
    or "actual"
)

# Start the sliders from this perspective's latest placement of this kind.
share.publish_plot()
source = (pid, perspective, kind)
if st.session_state.get(SOURCE) != source:
    start = latest_position(ds, pid, perspective, kind) or latest_position(ds, pid, perspective)
    for a in ds.axis_ids:
        st.session_state[pos_key(a)] = start.get(a, 0.0)
        st.session_state[na_key(a)] = bool(start) and a not in start
    st.session_state[SOURCE] = source

# ---- the sliders, and the chart ------------------------------------------------------
# The map's column comes first, so on a phone (columns stacked) the map is on screen
# before the form; ui/style.py puts the form back on the left on wider screens.
with st.container(key="plot_workspace"):
    right, left = st.columns([7, 5], gap="large")
with left:
    st.markdown("**Position** — from −5 (left pole) to +5 (right pole); 0 is balanced.")
    for axis in ds.axes:
        on_map = axis.axis_id in (x_axis.axis_id, y_axis.axis_id)
        s_col, na_col = st.columns([4, 1], vertical_alignment="bottom")
        s_col.slider(
            pp.markdown_text(f"{axis.low_pole} ↔ {axis.high_pole}")
            + ("  · on the map" if on_map else ""),
            min_value=pp.model.POSITION_MIN,
            max_value=pp.model.POSITION_MAX,
            step=pp.SLIDER_STEP,
            key=pos_key(axis.axis_id),
            help=pp.markdown_text(axis.description) or None,
            disabled=st.session_state.get(na_key(axis.axis_id), False),
        )
        na_col.checkbox(
            "n/a", key=na_key(axis.axis_id), help="Not assessed: leave this axis blank."
        )
    note = st.text_area(
        "Rationale",
        key=NOTE,
        height=110,
        placeholder="Why here? e.g. The utility now runs the kiosks itself; "
        "the NGO has stepped back to advocacy.",
    )


def current_position() -> dict[str, float]:
    """The slider values of the axes that are assessed."""
    return {
        a: float(st.session_state[pos_key(a)])
        for a in ds.axis_ids
        if not st.session_state.get(na_key(a), False)
    }


position = current_position()


def _on_chart_click() -> None:
    key = f"plot_chart_{st.session_state.get(CHART_GEN, 0)}"
    event = st.session_state.get(key)
    points = event["selection"]["points"] if event else []
    hit = pp.grid_point_from_selection(points, st.session_state.get("plot_grid_curve"))
    if hit is None:
        return
    st.session_state[pos_key(x_axis.axis_id)] = hit[0]
    st.session_state[pos_key(y_axis.axis_id)] = hit[1]
    st.session_state[na_key(x_axis.axis_id)] = False
    st.session_state[na_key(y_axis.axis_id)] = False
    # A new chart key clears the selection, so the same spot can be clicked again.
    st.session_state[CHART_GEN] = st.session_state.get(CHART_GEN, 0) + 1


placements = pp.partnership_placements(ds, pid)
with right:
    fig = pp.partnership_map(
        placements,
        x_axis,
        y_axis,
        name=names.get(pid, pid),
        preview=position,
        preview_label=f"New: {perspective or '?'} · {kind}",
        clickable=True,
        perspectives=ds.perspectives,
        height=600,
    )
    st.session_state["plot_grid_curve"] = pp.figures.trace_index(fig, pp.CLICK_GRID_NAME)
    st.plotly_chart(
        fig,
        key=f"plot_chart_{st.session_state.get(CHART_GEN, 0)}",
        on_select=_on_chart_click,
        selection_mode="points",
        config={"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]},
    )
    st.caption(
        "Click anywhere on the map to put the partnership there, then fine-tune with the sliders. "
        "Stars are targets; the red ring is what you are about to save."
    )


# ---- save --------------------------------------------------------------------------
def _save() -> None:
    placement = {
        "partnership_id": pid,
        "date": st.session_state[DATE],
        "perspective": perspective,
        "kind": kind,
        "note": st.session_state.get(NOTE, ""),
        **current_position(),
    }
    try:
        pp.append_placement(state.data_dir(), placement, user=state.user())
    except pp.DataError as err:
        st.session_state["plot_save_problems"] = err.problems
        return
    state.refresh()
    st.session_state.pop("plot_save_problems", None)
    st.session_state[NOTE] = ""
    st.session_state[SOURCE] = None
    st.session_state["plot_flash"] = (
        f"Saved: {names.get(pid, pid)} — {perspective}, {kind}, {st.session_state[DATE]:%Y-%m-%d}."
    )


with left:
    disabled = not perspective or not position
    st.button(
        "Save placement",
        icon=":material/save:",
        type="primary",
        on_click=_save,
        disabled=disabled,
        width="stretch",
    )
    if not position:
        st.caption("Assess at least one axis to save.")
    for problem in st.session_state.get("plot_save_problems", []):
        st.error(pp.markdown_text(f"{problem.column or 'row'}: {problem.message}"), icon="⚠️")

st.header("All placements of this partnership")
if placements.empty:
    st.info("No placements yet: the one you save will be the first.")
else:
    table = placements.sort_values(["date", "_row"], ascending=False).rename(
        columns={a.axis_id: a.label for a in ds.axes}
    )
    table["date"] = table["date"].dt.date
    st.dataframe(
        table.drop(columns=["partnership_id", "_row"]),
        hide_index=True,
        width="stretch",
    )
