"""Export buttons for any chart: PNG (size and scale), SVG, PDF, offline HTML, CSV.

Files are made only when a button is clicked (Streamlit's deferred downloads), by the
shared export browser, so a page with many charts stays fast. Clicks do not rerun the
page (`on_click="ignore"`): a rerun between the click and the browser fetching the file
could otherwise drop the file it asked for.

A file that cannot be made never fails silently: Streamlit shows a short note under the
button at once, and the reason (`guarded`) shows as an error next to the menu from the
next rerun on, until a later attempt succeeds.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from plotting import export
from plotting.text import markdown_text

#: Session-state key of the failures of this session's downloads: {button key: message}.
FAILURES = "_export_failures"


def _failures() -> dict[str, str]:
    """This session's download failures (a plain dict the download thread can fill)."""
    return st.session_state.setdefault(FAILURES, {})


def failure_message(what: str, err: BaseException) -> str:
    """A user's message for a failed download, in one line, without a traceback."""
    reason = " ".join(str(err).split())[:300] or type(err).__name__
    return f"{what} could not be made: {reason}"


def guarded(make: Callable[[], bytes], key: str, what: str) -> Callable[[], bytes]:
    """`make`, recording why it failed (or that it worked) for `show_failures`.

    Streamlit runs a deferred download outside the page script, where st.error cannot
    draw: the failure is kept in the session, and the page shows it on its next run.
    """
    box = _failures()

    def run() -> bytes:
        try:
            data = make()
        except Exception as err:
            box[key] = failure_message(what, err)
            raise
        box.pop(key, None)
        return data

    return run


def show_failures(*keys: str) -> None:
    """An error for each of these downloads that failed on its last attempt."""
    box = _failures()
    for key in keys:
        if message := box.get(key):
            st.error(markdown_text(message), icon=":material/error:")


def download(
    label: str,
    make: Callable[[], bytes],
    *,
    file_name: str,
    mime: str,
    key: str,
    what: str,
    icon: str = ":material/download:",
    help: str | None = None,
    disabled: bool = False,
) -> None:
    """A deferred download button that never reruns the page and reports its failures."""
    st.download_button(
        label,
        data=guarded(make, key, what),
        file_name=file_name,
        mime=mime,
        key=key,
        on_click="ignore",
        icon=icon,
        help=help,
        disabled=disabled,
    )


def _key(name: str) -> str:
    """Widget key prefix for a chart's export menu."""
    return "export_" + export.file_name(name, "x")[:-2]


def export_buttons(
    fig: go.Figure, name: str, *, table: pd.DataFrame | None = None, key: str | None = None
) -> None:
    """A small Export menu under a chart; `name` titles the files, `table` adds a CSV."""
    key = key or _key(name)
    show_failures(*(f"{key}_{fmt}" for fmt in (*export.IMAGE_FORMATS, "html", "csv")))
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
        if problem := export.chromium_problem():
            st.error(f"PNG, SVG and PDF cannot be made here. {markdown_text(problem)}.")
        base = export.SIZE_PRESETS[preset or presets[0]][1]
        size = export.ImageSize(base.width, base.height, float(scale))
        vector = export.ImageSize(base.width, base.height, 1.0)
        with st.container(horizontal=True, gap="small"):
            off = problem is not None
            _button("PNG", partial(export.to_image, fig, "png", size), name, "png", key, off=off)
            _button("SVG", partial(export.to_image, fig, "svg", vector), name, "svg", key, off=off)
            _button("PDF", partial(export.to_image, fig, "pdf", vector), name, "pdf", key, off=off)
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
    label: str,
    data: partial,
    name: str,
    fmt: str,
    key: str,
    help: str | None = None,
    off: bool = False,
) -> None:
    """One deferred download button (the file is made on click, no rerun)."""
    download(
        label,
        data,
        file_name=export.file_name(name, fmt),
        mime=export.MIME_TYPES[fmt],
        key=f"{key}_{fmt}",
        what=f"The {label} of {name}",
        help=help,
        disabled=off,
    )
