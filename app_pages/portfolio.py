"""Portfolio: many partnerships on one map, filtered and coloured, with a table."""

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

import plotting as pp
from plotting import spreadsheets
from ui import share, state
from ui.exports import download, export_buttons, show_failures

ds = state.dataset()
st.title("Portfolio")
x_axis, y_axis = state.require_axis_pair(ds)
parts = ds.partnerships

# ---- filters -------------------------------------------------------------------------
share.restore_portfolio(ds)  # filters from a shared link, on the first visit
with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    chosen: dict[str, list[str]] = {}
    for col, box in (("sector", c1), ("country", c2), ("arrangement", c3)):
        values = pp.analysis.choices(parts[col])
        chosen[col] = box.multiselect(
            col.capitalize(), values, key=share.PORTFOLIO_KEYS[col], placeholder="All"
        )
    perspectives = [pp.ALL, *ds.perspectives]
    perspective = c4.selectbox(
        "Perspective", perspectives, key=share.PORTFOLIO_KEYS[share.PERSPECTIVE]
    )
    c5, c6, c7 = st.columns([2, 1, 1])
    first, last = (d.date() for d in ds.period) if ds.period else (dt.date.today(),) * 2
    period = c5.date_input(
        "Placements dated",
        value=(first, last),
        min_value=first,
        max_value=last,
        key=share.PORTFOLIO_DATES,
        format="YYYY-MM-DD",
        help="Each partnership is shown at its latest placement within this period.",
    )
    colour_options, colour_default = share.portfolio_colours(ds)
    if st.session_state.get(share.PORTFOLIO_COLOR) not in colour_options:
        st.session_state[share.PORTFOLIO_COLOR] = colour_default
    color_by = c6.selectbox("Colour by", colour_options, key=share.PORTFOLIO_COLOR)
    st.session_state.setdefault(share.PORTFOLIO_KIND, "actual")
    kind = (
        c7.segmented_control(
            "Show",
            pp.KINDS,
            key=share.PORTFOLIO_KIND,
            format_func={"actual": "Where they are", "target": "Targets"}.get,
        )
        or "actual"
    )

share.publish_portfolio(ds)
start, end = (*period, None, None)[:2] if isinstance(period, tuple) else (period, None)
flt = pp.PortfolioFilter(
    columns=chosen,
    perspective=perspective,
    kind=kind,
    start=pd.Timestamp(start) if start else None,
    end=pd.Timestamp(end) if end else None,
)
points = pp.portfolio_points(ds, x_axis.axis_id, y_axis.axis_id, flt)
n_parts = points["partnership_id"].nunique()
st.caption(
    f"{n_parts} of {len(parts)} partnerships, {len(points)} placements shown"
    + ("" if perspective == pp.ALL else f", as seen by {pp.markdown_text(perspective)}")
    + ". Drag a box or lasso, or click points, to list them below."
)

fig = pp.portfolio_map(
    points, x_axis, y_axis, color_by=color_by, height=680, width=pp.figures.FULL_WIDTH
)
event = st.plotly_chart(
    fig,
    key="portfolio_chart",
    on_select="rerun",
    selection_mode=("points", "box", "lasso"),
    config=pp.display_config(fig),
)
export_buttons(fig, f"Portfolio {x_axis.label} x {y_axis.label}")

selected = pp.analysis.selected_rows(points, event.selection.points if event else [])
table_cols = [
    "name",
    "country",
    "sector",
    "arrangement",
    "perspective",
    "date",
    x_axis.axis_id,
    y_axis.axis_id,
    "note",
]
labels = {
    x_axis.axis_id: x_axis.label,
    y_axis.axis_id: y_axis.label,
    "name": "Partnership",
    "country": "Country",
    "sector": "Sector",
    "arrangement": "Arrangement",
    "perspective": "Perspective",
    "note": "Rationale",
}


#: Rows shown per page of a table: enough to scan, few enough to send on every rerun.
PAGE_ROWS = 1_000


def as_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with the table's columns, under their labels."""
    return frame[[c for c in table_cols if c in frame.columns]].rename(columns=labels)


def view_csv(frame: pd.DataFrame) -> bytes:
    """The table's columns of all the rows, as a download."""
    return spreadsheets.to_csv_bytes(as_table(frame))


def view_xlsx(frame: pd.DataFrame) -> bytes:
    """The table's columns of all the rows, as an Excel download."""
    return spreadsheets.to_xlsx_bytes({"Portfolio": as_table(frame)})


def show(frame: pd.DataFrame, key: str) -> None:
    """The rows as a table, a page of PAGE_ROWS at a time (the downloads hold them all)."""
    pages = max((len(frame) - 1) // PAGE_ROWS + 1, 1)
    if st.session_state.get(f"{key}_page", 1) > pages:  # the filters left fewer pages
        st.session_state[f"{key}_page"] = pages
    if pages > 1:
        c1, c2 = st.columns([1, 4], vertical_alignment="center")
        page = c1.number_input(
            "Page", min_value=1, max_value=pages, value=1, step=1, key=f"{key}_page"
        )
        first = (int(page) - 1) * PAGE_ROWS
        c2.caption(
            f"Rows {first + 1:,}–{min(first + PAGE_ROWS, len(frame)):,} of {len(frame):,}, "
            "in the order of the chart's names. Download the view for every row, or narrow "
            "the filters or select on the map."
        )
        frame = frame.iloc[first : first + PAGE_ROWS]
    out = as_table(frame)
    st.dataframe(
        out,
        hide_index=True,
        width="stretch",
        column_config={"date": st.column_config.DateColumn("Date", format="YYYY-MM-DD")},
    )


if len(selected):
    st.header(f"Selected: {len(selected)} placement(s)")
    show(selected, "pf_selected")
st.header("What the map shows")
if points.empty:
    st.info("No placements match these filters. Widen the period or clear a filter.")
else:
    show(points, "pf_table")
    # Made on click, not on every rerun; a click does not rerun the page, so no rerun can
    # drop the file between the click and the download (see ui/exports.py).
    show_failures("pf_csv", "pf_xlsx")
    c1, c2, _ = st.columns([1, 1, 3])
    with c1:
        download(
            "This view as CSV",
            partial(view_csv, points),
            file_name="portfolio-view.csv",
            mime="text/csv",
            key="pf_csv",
            what="The view's CSV",
        )
    with c2:
        download(
            "This view as Excel",
            partial(view_xlsx, points),
            file_name="portfolio-view.xlsx",
            icon=":material/table:",
            key="pf_xlsx",
            what="The view's Excel file",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
