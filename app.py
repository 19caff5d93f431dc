"""Plotting Partnerships — entry point: page config, shared sidebar, navigation."""

import streamlit as st

from ui import state

st.set_page_config(
    page_title="Plotting Partnerships",
    page_icon=":material/explore:",
    layout="wide",
    initial_sidebar_state="expanded",
)

ds = state.dataset()

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/explore:", default=True),
    st.Page("pages/plot.py", title="Plot a partnership", icon=":material/add_location_alt:", url_path="plot"),
    st.Page("pages/portfolio.py", title="Portfolio", icon=":material/scatter_plot:", url_path="portfolio"),
]
nav = st.navigation(pages)

with st.sidebar:
    st.markdown("### Map axes")
state.axis_pair_picker(ds)
with st.sidebar:
    st.divider()
    st.caption(f"Data folder: `{state.data_dir()}`")
    if ds.problems:
        st.caption(f"⚠️ {len(ds.problems)} data problem(s): see Overview")

nav.run()
