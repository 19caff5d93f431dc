"""Plotting Partnerships: the library behind the app (never imports Streamlit).

Layers: `model` (vocabulary) ← `validation` ← `storage` (CSV files) ← `analysis`
(computations on frames) ← `figures` (Plotly builders); `text` makes user text safe.
"""

from plotting.analysis import (
    ALL,
    PortfolioFilter,
    filter_partnerships,
    latest,
    partnership_placements,
    portfolio_points,
    summary,
)
from plotting.figures import (
    CLICK_GRID_NAME,
    GRID_STEP,
    SLIDER_STEP,
    grid_point_from_selection,
    partnership_map,
    portfolio_map,
    tension_map,
)
from plotting.model import KINDS, STANDARD_PERSPECTIVES, Axis, Dataset, Problem
from plotting.storage import (
    DataError,
    add_partnership,
    append_placement,
    data_signature,
    default_data_dir,
    load_dataset,
)
from plotting.text import markdown_text, plotly_text, spreadsheet_safe

__all__ = [
    "ALL",
    "CLICK_GRID_NAME",
    "GRID_STEP",
    "SLIDER_STEP",
    "KINDS",
    "STANDARD_PERSPECTIVES",
    "Axis",
    "DataError",
    "Dataset",
    "PortfolioFilter",
    "Problem",
    "add_partnership",
    "append_placement",
    "data_signature",
    "default_data_dir",
    "filter_partnerships",
    "grid_point_from_selection",
    "latest",
    "load_dataset",
    "markdown_text",
    "partnership_map",
    "partnership_placements",
    "plotly_text",
    "portfolio_map",
    "portfolio_points",
    "spreadsheet_safe",
    "summary",
    "tension_map",
]
