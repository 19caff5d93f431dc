"""Exports of one chart: PNG, SVG and PDF (kaleido), offline HTML, and CSV of its table.

Static images come from one long-lived export browser (kaleido's sync server on the
system Chromium, MathJax off), started on first use and stopped at exit: a fresh
browser per image costs about two seconds, a warm one a few tenths of a second.
Nothing here reaches the network: kaleido uses the plotly.js bundled with plotly.py,
and the HTML embeds it.
"""

from __future__ import annotations

import atexit
import html
import io
import os
import re
import shutil
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from plotting.text import spreadsheet_safe

IMAGE_FORMATS = ("png", "svg", "pdf")
FORMATS = (*IMAGE_FORMATS, "html", "csv")
MIME_TYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "html": "text/html",
    "csv": "text/csv",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


@dataclass(frozen=True)
class ImageSize:
    """The size of a static image in layout pixels, and the pixel density (scale)."""

    width: int = 1600
    height: int = 900
    scale: float = 1.0

    def __post_init__(self) -> None:
        """Refuse sizes no slide or page needs (and that would exhaust memory)."""
        if not (200 <= self.width <= 6000 and 200 <= self.height <= 6000):
            raise ValueError(f"image size {self.width}×{self.height} is outside 200–6000 px")
        if not 0.25 <= self.scale <= 6:
            raise ValueError(f"scale {self.scale} is outside 0.25–6")


#: Named sizes offered in the app: (label, size).
SIZE_PRESETS: dict[str, tuple[str, ImageSize]] = {
    "slide": ("Slide 16:9 (1600×900)", ImageSize(1600, 900)),
    "wide": ("Widescreen HD (1920×1080)", ImageSize(1920, 1080)),
    "document": ("Document (1200×800)", ImageSize(1200, 800)),
    "square": ("Square (1200×1200)", ImageSize(1200, 1200)),
}

_lock = threading.Lock()
_started = False
_atexit_registered = False


#: Flags for headless Chromium here: no sandbox (root, containers), no GPU, and nothing
#: that reaches the network, which this machine's closed network refuses.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
)


def chromium_path() -> str:
    """The Chromium exports use: $BROWSER_PATH (as kaleido reads it), else one on PATH."""
    found = os.environ.get("BROWSER_PATH") or next(
        (
            path
            for name in ("chromium", "chromium-browser", "google-chrome", "chrome")
            if (path := shutil.which(name))
        ),
        None,
    )
    if not found:
        raise RuntimeError("Exports need Chromium: install it with `apt-get install chromium`")
    return found


def _start() -> None:
    """Start the export browser if it is not running (the caller holds the lock)."""
    global _started, _atexit_registered
    if _started:
        return
    chromium_path()  # a clear error now, instead of a render that never returns
    import kaleido  # here, not at the top: only exports need the browser

    # mathjax=False: kaleido would otherwise load MathJax from a CDN for every page.
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    _started = True
    if not _atexit_registered:
        atexit.register(stop_export_browser)
        _atexit_registered = True


def _stop() -> None:
    """Stop the export browser if it is running (the caller holds the lock)."""
    global _started
    if _started:
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
        _started = False


def start_export_browser() -> None:
    """Start the shared export browser once per process (later calls do nothing)."""
    with _lock:
        _start()


def stop_export_browser() -> None:
    """Stop the shared export browser (it starts again on the next export)."""
    with _lock:
        _stop()


def export_browser_running() -> bool:
    """True while the shared export browser is up."""
    return _started


def to_image(fig: go.Figure, fmt: str = "png", size: ImageSize | None = None) -> bytes:
    """A PNG, SVG or PDF of a figure, drawn by the shared export browser.

    If the browser has died (a crash, a killed process), it is restarted once.
    """
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; use one of {', '.join(IMAGE_FORMATS)}")
    size = size or ImageSize()
    opts = {"format": fmt, "width": size.width, "height": size.height, "scale": size.scale}
    spec = fig.to_dict()
    import kaleido

    # The sync server answers calls in order through one queue: the lock keeps two
    # sessions from picking up each other's image.
    with _lock:
        _start()
        try:
            data = kaleido.calc_fig_sync(spec, opts=opts)
        except Exception:  # any failure: once more, with a fresh browser
            _stop()
            _start()
            data = kaleido.calc_fig_sync(spec, opts=opts)
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


def to_html(fig: go.Figure, title: str = "Plotting Partnerships") -> str:
    """A standalone interactive HTML page with plotly.js inside: it opens offline."""
    body = pio.to_html(
        fig,
        include_plotlyjs=True,
        include_mathjax=False,
        full_html=True,
        config={"displaylogo": False, "responsive": True},
    )
    return _with_title(body, title)


def _with_title(page: str, title: str) -> str:
    """The page with a <title> after its charset (escaped: the title may be user text)."""
    tag = f"<title>{html.escape(title)}</title>"
    charset = re.search(r"<meta charset=[^>]*>", page)
    if charset:
        return page[: charset.end()] + tag + page[charset.end() :]
    return page.replace("<head>", "<head>" + tag, 1)


def table_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes of a table no spreadsheet will run formulas from (numbers stay numbers).

    UTF-8 with a byte-order mark, so that spreadsheets read accented names correctly;
    internal columns (named with a leading underscore) are left out.
    """
    out = frame.loc[:, [not str(c).startswith("_") for c in frame.columns]].copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[col] = series.dt.strftime("%Y-%m-%d")
        elif not pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            out[col] = series.map(spreadsheet_safe, na_action="ignore").astype(object)
    out.columns = [spreadsheet_safe(str(c)) for c in out.columns]
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def export(
    fig: go.Figure,
    fmt: str,
    *,
    size: ImageSize | None = None,
    title: str = "",
    table: pd.DataFrame | None = None,
) -> bytes:
    """The bytes of one chart in any of FORMATS (CSV needs the chart's table)."""
    if fmt in IMAGE_FORMATS:
        return to_image(fig, fmt, size)
    if fmt == "html":
        return to_html(fig, title or "Plotting Partnerships").encode("utf-8")
    if fmt == "csv":
        if table is None:
            raise ValueError("a CSV export needs the table behind the chart")
        return table_csv(table)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def write(data: bytes, path: Path | str) -> Path:
    """Write export bytes to a file, creating its folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def file_name(title: str, fmt: str) -> str:
    """A portable file name for an export, from its title."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", _ascii(title)).strip("-").lower()[:60].rstrip("-")
    return f"{stem or 'chart'}.{fmt}"


def _ascii(text: str) -> str:
    """Text without accents (file names travel through e-mail and old file systems)."""
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


_URL_ATTRS = {"src", "href", "srcset", "action", "poster", "data", "xlink:href", "formaction"}
_CSS_URL = re.compile(r"""(?:url\(|@import)\s*['"]?\s*((?:https?:)?//[^'")\s]+)""", re.I)


class _References(HTMLParser):
    """Collects every URL an HTML page's elements and styles would load or link to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record URL attributes (and remember when a <style> starts)."""
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in _URL_ATTRS and value:
                self.urls.append(value.strip())
            if name == "style" and value:
                self.urls.extend(_CSS_URL.findall(value))

    def handle_endtag(self, tag: str) -> None:
        """Leave a <style>."""
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        """Record url(...) and @import inside <style>."""
        if self._in_style:
            self.urls.extend(_CSS_URL.findall(data))


def external_references(page: str) -> list[str]:
    """The network URLs an HTML page would fetch or link to (empty = works offline)."""
    parser = _References()
    parser.feed(page)
    parser.close()
    return [u for u in parser.urls if _is_external(u)]


def _is_external(url: str) -> bool:
    """True for http(s), protocol-relative and other non-local URLs."""
    lowered = url.lower()
    return lowered.startswith(("http:", "https:", "//", "ftp:", "ws:", "wss:"))


def plotly_js_inline(page: str) -> bool:
    """True when the page carries the plotly.js library itself in a <script>."""
    return "plotly.js v" in page and "Plotly.newPlot" in page


def image_dimensions(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels of a PNG, read from its header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
