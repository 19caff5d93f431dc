"""Export buttons for any chart: PNG (size and scale), SVG, PDF, offline HTML, CSV.

Files are made only when a button is clicked (Streamlit's deferred downloads), by the
shared export browser, so a page with many charts stays fast.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from plotting import export


def _key(name: str) -> str:
    """Widget key prefix for a chart's export menu."""
    return "export_" + export.file_name(name, "x")[:-2]


def export_buttons(
    fig: go.Figure, name: str, *, table: pd.DataFrame | None = None, key: str | None = None
) -> None:
    """A small Export menu under a chart; `name` titles the files, `table` adds a CSV."""
    key = key or _key(name)
    with st.popover("Export", icon=":material/download:"):
        presets = list(export.SIZE_PRESETS)
        preset = st.selectbox(
            "Image size",
            presets,
            key=f"{key}_size",
            format_func={k: label for k, (label, _) in export.SIZE_PRESETS.items()}.get,
            help="Layout size of PNG, SVG and PDF files; 16:9 fits a slide.",
        )
        scale = (
            st.segmented_control(
                "PNG sharpness",
                [1, 2, 3],
                default=2,
                key=f"{key}_scale",
                format_func="{}×".format,
                help="2× or 3× stays sharp on projectors and in print.",
            )
            or 2
        )
        base = export.SIZE_PRESETS[preset or presets[0]][1]
        size = export.ImageSize(base.width, base.height, float(scale))
        vector = export.ImageSize(base.width, base.height, 1.0)
        with st.container(horizontal=True, gap="small"):
            _button("PNG", partial(export.to_image, fig, "png", size), name, "png", key)
            _button("SVG", partial(export.to_image, fig, "svg", vector), name, "svg", key)
            _button("PDF", partial(export.to_image, fig, "pdf", vector), name, "pdf", key)
            _button(
                "HTML",
                partial(_html, fig, name),
                name,
                "html",
                key,
                help="Interactive, works offline: plotly.js is inside the file.",
            )
            if table is not None:
                _button(
                    "CSV",
                    partial(export.table_csv, table),
                    name,
                    "csv",
                    key,
                    help="The table behind the chart, safe to open in a spreadsheet.",
                )


def _html(fig: go.Figure, name: str) -> bytes:
    """Offline HTML bytes of a chart."""
    return export.to_html(fig, name).encode("utf-8")


def _button(
    label: str, data: partial, name: str, fmt: str, key: str, help: str | None = None
) -> None:
    """One deferred download button (the file is made on click, no rerun)."""
    st.download_button(
        label,
        data=data,
        file_name=export.file_name(name, fmt),
        mime=export.MIME_TYPES[fmt],
        key=f"{key}_{fmt}",
        on_click="ignore",
        icon=":material/download:",
        help=help,
    )
