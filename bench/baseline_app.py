"""The bare baseline app: `plotly.express.scatter` of the same points, with one filter.

Run by the benchmark (`streamlit run bench/baseline_app.py`, or AppTest) with
BENCH_POINTS naming a CSV file of the points (columns x, y, sector) that the Portfolio
page shows by default. It is what any Streamlit app pays to show these points.
"""

import os

import pandas as pd
import plotly.express as px
import streamlit as st


@st.cache_resource
def points(path: str) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False)


df = points(os.environ["BENCH_POINTS"])
sectors = sorted(df["sector"].unique())
chosen = st.multiselect("Sector", sectors, key="sector", placeholder="All")
shown = df[df["sector"].isin(chosen)] if chosen else df
st.plotly_chart(px.scatter(shown, x="x", y="y", color="sector"))
