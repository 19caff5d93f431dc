"""Overview: what the tool is for, the portfolio at a glance, the dataset's health."""

import streamlit as st

import plotting as pp
from ui import state
from ui.exports import export_buttons

ds = state.dataset()
st.title("Plotting Partnerships")
st.markdown(
    "Multi-sector partnerships are pulled between goals — **delivering services or informing "
    "policy**, **regulating delivery or stimulating innovation**. Plot where each partnership "
    "stands on these tensions, from each partner's perspective and over time, so that partners "
    "can see where they disagree and agree where to go next."
)

facts = pp.summary(ds)
cols = st.columns(5)
cols[0].metric("Partnerships", facts["partnerships"])
cols[1].metric(
    "Placements", facts["placements"], help="Actual positions; targets are counted apart."
)
cols[2].metric("Targets", facts["targets"])
cols[3].metric("Perspectives", facts["perspectives"])
cols[4].metric("Countries", facts["countries"])
if facts["first_date"] is not None:
    st.caption(
        f"Placements from {facts['first_date']:%d %b %Y} to {facts['last_date']:%d %b %Y}, "
        f"on {facts['axes']} tension axes."
    )

state.show_problems(ds.problems, expanded=True)

x_axis, y_axis = state.require_axis_pair(ds)
points = pp.analysis.consensus_points(ds, x_axis.axis_id, y_axis.axis_id)
color_by = "sector" if "sector" in ds.categorical_columns else None
st.header("The portfolio at a glance")
st.caption(
    "Each partnership at the median of its partners' latest views. Hover for details; "
    "open **Portfolio** to filter and compare, or **Plot a partnership** to add a placement."
)
fig = pp.portfolio_map(
    points, x_axis, y_axis, color_by=color_by, height=640, width=pp.figures.FULL_WIDTH
)
fig.update_layout(dragmode=False)
st.plotly_chart(fig, key="overview_chart", config=pp.display_config(fig))
export_buttons(fig, "Portfolio at a glance", table=points)

with st.expander("The tension axes"):
    st.dataframe(
        [
            {
                "Axis": a.axis_id,
                "Low pole (−5)": a.low_pole,
                "High pole (+5)": a.high_pole,
                "What it means": a.description,
            }
            for a in ds.axes
        ],
        hide_index=True,
        width="stretch",
    )
