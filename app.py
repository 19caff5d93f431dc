"""Plotting Partnerships — entry point: page config, shared sidebar, navigation."""

from pathlib import Path

import streamlit as st

from ui import share, state, style

#: The browser tab's icon, served by the app itself: an emoji or ":material/…:" page icon
#: makes the browser fetch it from Google's font host, and the app fetches nothing from outside.
ICON = Path(__file__).parent / "assets" / "icon.svg"

st.set_page_config(
    page_title="Plotting Partnerships",
    page_icon=str(ICON),
    layout="wide",
    # "auto": open on a desktop, collapsed on a phone, where it would cover the page.
    initial_sidebar_state="auto",
)

ds = state.dataset()

pages = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/explore:", default=True),
    st.Page(
        "app_pages/plot.py",
        title="Plot a partnership",
        icon=":material/add_location_alt:",
        url_path="plot",
    ),
    st.Page(
        "app_pages/portfolio.py",
        title="Portfolio",
        icon=":material/scatter_plot:",
        url_path="portfolio",
    ),
    st.Page(
        "app_pages/partnership.py",
        title="Course & perspectives",
        icon=":material/timeline:",
        url_path="partnership",
    ),
    st.Page(
        "app_pages/compare.py",
        title="Compare",
        icon=":material/compare_arrows:",
        url_path="compare",
    ),
    st.Page(
        "app_pages/present.py", title="Present", icon=":material/slideshow:", url_path="present"
    ),
    st.Page("app_pages/data.py", title="Data", icon=":material/table_edit:", url_path="data"),
]
nav = st.navigation(pages)

with st.sidebar:
    st.markdown("### Map axes")
share.restore_axes(ds)
state.axis_pair_picker(ds)
share.publish_axes(ds)
with st.sidebar:
    st.divider()
state.user_name_input()
with st.sidebar:
    st.caption(f"Data folder: `{state.data_dir()}`")
    if ds.problems:
        st.caption(f"⚠️ {len(ds.problems)} data problem(s): see Overview")
style.apply()

nav.run()
