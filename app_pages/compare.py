"""Compare: where partners disagree most, each partnership at a glance, and the portfolio median."""

import pandas as pd
import streamlit as st

import plotting as pp
from plotting import course as cr
from plotting import views
from plotting.analysis import consensus_points, portfolio_points
from ui import share, state

PAGE = "compare"
ORDER_BY = share.COMPARE_ORDER.key
CHOSEN = share.COMPARE_CHOSEN.key
ALL_AXES_VIEW = share.COMPARE_SHAPE.key
OPEN = share.COMPARE_OPEN.key
#: Widget values left out of the link.
DEFAULTS = {ORDER_BY: share.ORDERS["divided"], ALL_AXES_VIEW: share.SHAPES["parallel"]}
CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}

ds = state.dataset()
st.title("Compare")
x_axis, y_axis = state.require_axis_pair(ds)
xs, ys = x_axis.axis_id, y_axis.axis_id
parts = ds.partnerships

with st.container(border=True):
    cols = st.columns(3)
    chosen_filters: dict[str, list[str]] = {}
    for col, box in zip(share.FILTER_COLUMNS, cols, strict=True):
        values = pp.analysis.choices(parts[col]) if col in parts else []
        field = share.COMPARE_FILTERS[col]
        share.restore_field(PAGE, field, values)
        chosen_filters[col] = box.multiselect(
            col.capitalize(), values, key=field.key, placeholder="All"
        )
share.publish_fields(PAGE, share.COMPARE_FILTERS.values(), DEFAULTS)
flt = pp.PortfolioFilter(columns=chosen_filters)
shown = pp.filter_partnerships(parts, chosen_filters)
if shown.empty:
    st.info("No partnership matches these filters: clear one to see more.")
    st.stop()
if not ds.placements["partnership_id"].isin(shown["partnership_id"]).any():
    st.info(
        "Nothing has been placed yet for these partnerships: place them on **Plot a partnership**."
    )
    st.stop()
names = dict(zip(shown["partnership_id"], shown["name"], strict=True))
axis_names = {a.axis_id: a.label for a in ds.axes}


def first_sentence(text: str) -> str:
    """A chart's short description for screen readers: its summary's first sentence."""
    return text.split(". ", 1)[0].rstrip(".") + "."


def in_words(text: str) -> None:
    """The chart's one-paragraph summary, shown as plain text."""
    st.markdown("**In words.** " + pp.markdown_text(text))


# ---- disagreement ranking --------------------------------------------------------------------
st.header("Where partners disagree most")
ranking = cr.disagreement_ranking(ds, flt)
by_axis = cr.divergence_by_axis(ds, flt)
summary = cr.ranking_summary(ranking, ds.axes)
st.caption(
    "Divergence is how far, on average, the partners' latest views are from their consensus "
    "(the median) on an axis, in axis units. The bar is the mean over all axes; the marks "
    "show each axis, so one sharp split stands out even when the rest agree."
)
fig = views.disagreement_chart(ranking, by_axis, ds.axes)
st.plotly_chart(fig, key="cmp_ranking_chart", config=CHART_CONFIG, alt=first_sentence(summary))
in_words(summary)
with st.expander("Table: the ranking", expanded=False):
    table = ranking.drop(columns=["partnership_id", "axis_id"]).rename(
        columns={
            "rank": "Rank",
            "name": "Partnership",
            "n_perspectives": "Perspectives",
            "divergence": "Divergence (all axes)",
            "axis": "Most divided on",
            "axis_divergence": "Divergence there",
            "low": "Furthest toward left pole",
            "low_value": "Left value",
            "high": "Furthest toward right pole",
            "high_value": "Right value",
            "agreement": "In words",
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "Divergence (all axes)": st.column_config.NumberColumn(format="%.2f"),
            "Divergence there": st.column_config.NumberColumn(format="%.2f"),
        },
    )
ranked_ids = ranking["partnership_id"].tolist()
c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
share.restore_field(PAGE, share.COMPARE_OPEN, ranked_ids)
target = c1.selectbox(
    "Open a partnership's course and perspectives", ranked_ids, key=OPEN, format_func=names.get
)
if target:
    c2.page_link(
        "app_pages/partnership.py",
        label="Open Course & perspectives",
        icon=":material/timeline:",
        query_params={"partnership": target},
    )

# ---- small multiples -------------------------------------------------------------------------
st.header("Each partnership at a glance")
share.restore_field(PAGE, share.COMPARE_ORDER, list(share.ORDERS.values()))
st.session_state.setdefault(ORDER_BY, DEFAULTS[ORDER_BY])
order_by = (
    st.segmented_control(
        "Order",
        list(share.ORDERS.values()),
        key=ORDER_BY,
        required=True,
    )
    or "Most divided first"
)
centres = consensus_points(ds, xs, ys, flt)
placed = portfolio_points(ds, xs, ys, flt)
if order_by == "Most divided first" and len(centres):
    rank_of = {pid: i for i, pid in enumerate(ranked_ids)}
    centres = centres.sort_values(
        "partnership_id", key=lambda s: s.map(rank_of).fillna(len(rank_of)), kind="stable"
    ).reset_index(drop=True)
overall = ranking.set_index("partnership_id")["divergence"]
subtitles = {
    pid: f"{n} perspective{'s' if n != 1 else ''}"
    + ("" if pd.isna(overall.get(pid)) else f" · divergence {overall.get(pid):.2f}")
    for pid, n in zip(centres["partnership_id"], centres["n_perspectives"], strict=True)
}
summary = cr.small_multiples_summary(centres, placed, x_axis, y_axis)
fig = views.small_multiples(
    centres,
    placed,
    x_axis,
    y_axis,
    order=ds.perspectives,
    subtitles=subtitles,
    width=pp.figures.FULL_WIDTH,
)
st.plotly_chart(fig, key="cmp_small_chart", config=CHART_CONFIG, alt=first_sentence(summary))
in_words(summary)
with st.expander("Table: each perspective's latest placement on these axes"):
    if len(placed):
        table = placed[["name", "perspective", "date", xs, ys]].copy()
        table["date"] = table["date"].dt.date
        st.dataframe(
            table.rename(
                columns={
                    **axis_names,
                    "name": "Partnership",
                    "perspective": "Perspective",
                    "date": "Date",
                }
            ),
            hide_index=True,
            width="stretch",
        )

# ---- portfolio median ------------------------------------------------------------------------
st.header("Compared with the portfolio median")
comparison = cr.median_comparison(ds, flt)
summary = cr.median_comparison_summary(comparison, ds.axes)
st.caption(
    "Each partnership's consensus on every axis, against the median of all partnerships "
    "shown (the dashed line). Triangles point the way it leans."
)
fig = views.median_comparison_chart(comparison, ds.axes)
st.plotly_chart(fig, key="cmp_median_chart", config=CHART_CONFIG, alt=first_sentence(summary))
in_words(summary)
with st.expander("Table: difference from the portfolio median"):
    if len(comparison):
        wide = comparison.pivot_table(index="name", columns="axis", values="difference", sort=False)
        st.dataframe(
            wide,
            width="stretch",
            column_config={c: st.column_config.NumberColumn(format="%+.1f") for c in wide.columns},
        )
        st.caption("Positive: further toward the axis' right-hand pole than the portfolio median.")

# ---- portfolio over time ---------------------------------------------------------------------
st.header("The portfolio over time")
frames = cr.portfolio_over_time(ds, xs, ys, flt)
summary = cr.portfolio_animation_summary(frames, x_axis, y_axis)
group = (
    "sector"
    if "sector" in frames.columns and frames["sector"].replace("", pd.NA).notna().any()
    else None
)
st.markdown(
    "Press **▶ Play** to watch each partnership's consensus move through time"
    + (", coloured by sector" if group else "")
    + "; the faint lines are their trails."
)
fig = views.time_animation(
    frames, x_axis, y_axis, group=group, label="name", height=640, width=pp.figures.FULL_WIDTH
)
st.plotly_chart(fig, key="cmp_time_chart", config=CHART_CONFIG, alt=first_sentence(summary))
in_words(summary)
with st.expander("Table: positions on each date"):
    if len(frames):
        table = frames[["frame", "name", xs, ys, "n_perspectives"]].copy()
        table["frame"] = table["frame"].dt.date
        st.dataframe(
            table.rename(
                columns={
                    **axis_names,
                    "frame": "Date",
                    "name": "Partnership",
                    "n_perspectives": "Perspectives",
                }
            ),
            hide_index=True,
            width="stretch",
        )

# ---- all axes for a chosen set ---------------------------------------------------------------
st.header("All axes for a chosen set")
consensus_all = cr.partnership_consensus(ds, flt)
available = consensus_all.index.tolist()
share.restore_field(PAGE, share.COMPARE_CHOSEN, available)
if CHOSEN not in st.session_state:
    st.session_state[CHOSEN] = [p for p in ranked_ids if p in available][:3]
else:
    st.session_state[CHOSEN] = [p for p in st.session_state[CHOSEN] if p in available]
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
chosen = c1.multiselect(
    "Partnerships",
    available,
    key=CHOSEN,
    format_func=names.get,
    max_selections=8,
    help="Up to eight: each gets its own colour and marker.",
)
share.restore_field(PAGE, share.COMPARE_SHAPE, list(share.SHAPES.values()))
st.session_state.setdefault(ALL_AXES_VIEW, DEFAULTS[ALL_AXES_VIEW])
shape = (
    c2.segmented_control("Show as", list(share.SHAPES.values()), key=ALL_AXES_VIEW, required=True)
    or "Parallel axes"
)
share.publish_fields(PAGE, share.COMPARE_FIELDS, DEFAULTS)
profiles = (
    consensus_all.loc[chosen, ds.axis_ids].reset_index().rename(columns={"partnership_id": "key"})
)
profiles["label"] = [names.get(k, k) for k in profiles["key"]]
summary = cr.profiles_summary(profiles, ds.axes, label="label", what="the chosen partnerships")
build = views.parallel_chart if shape == "Parallel axes" else views.radar_chart
fig = build(profiles, ds.axes, order=chosen, height=560)
st.plotly_chart(fig, key="cmp_all_axes_chart", config=CHART_CONFIG, alt=first_sentence(summary))
if chosen:
    in_words(summary)
else:
    st.info("Choose one or more partnerships to compare them on every axis.")
with st.expander("Table: every axis, by partnership"):
    st.dataframe(
        profiles.drop(columns=["key"]).set_index("label").rename(columns=axis_names),
        width="stretch",
    )
