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

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from plotting.model import Dataset
from plotting.text import control_characters, spreadsheet_safe, without_control_characters

#: The characters exports remove (as plotting.text defines them), as a regex for pandas;
#: lone surrogates are left out, as pandas' text columns cannot hold them at all.
_CONTROL_PATTERN = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\ufffe\\uffff]"

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


def chromium_problem() -> str | None:
    """Why image exports cannot work here (no Chromium), or None when they can."""
    try:
        chromium_path()
    except RuntimeError as err:
        return str(err)
    return None


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


class ExportError(RuntimeError):
    """An export that could not be made, with a message a user can act on."""


def clean_text(value: str) -> str:
    """Text as exports write it: without the control characters no file format accepts."""
    return without_control_characters(value)


def clean_spec(node: object) -> object:
    """A figure's JSON (or any part of it) with control characters removed from every text.

    Plotly passes text through to SVG and to Chromium's JSON parser as it is; a bell or
    NUL character in a name makes the SVG ill-formed and the PNG/PDF render fail.
    """
    if isinstance(node, str):
        return without_control_characters(node)
    if isinstance(node, dict):
        return {k: clean_spec(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [clean_spec(v) for v in node]
    if isinstance(node, np.ndarray) and node.dtype.kind in "OUS":
        return [clean_spec(v) for v in node.tolist()]
    return node


def clean_figure(fig: go.Figure) -> go.Figure:
    """A copy of a figure whose texts carry no control characters."""
    return go.Figure(clean_spec(fig.to_dict()), skip_invalid=True)


#: The first bytes every file of a format starts with (SVG is checked by parsing it).
_MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}


def check_image(data: bytes, fmt: str) -> None:
    """Raise ExportError unless `data` is a valid file of `fmt` (SVG: well-formed XML)."""
    if fmt in _MAGIC and not data.startswith(_MAGIC[fmt]):
        raise ExportError(f"the export browser returned something that is not a {fmt.upper()}")
    if fmt == "svg":
        from xml.etree import ElementTree

        try:
            ElementTree.fromstring(data)  # noqa: S314 (our own export, no DOCTYPE)
        except ElementTree.ParseError as err:
            raise ExportError(f"the SVG came out ill-formed ({err})") from None


def to_image(fig: go.Figure, fmt: str = "png", size: ImageSize | None = None) -> bytes:
    """A PNG, SVG or PDF of a figure, drawn by the shared export browser.

    Texts are cleaned of control characters first, and the result is checked (PNG and
    PDF headers, SVG parsed as XML), so a file is valid or an ExportError says why. If
    the browser has died (a crash, a killed process), it is restarted once.
    """
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; use one of {', '.join(IMAGE_FORMATS)}")
    size = size or ImageSize()
    opts = {"format": fmt, "width": size.width, "height": size.height, "scale": size.scale}
    spec = clean_spec(fig.to_dict())
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
            try:
                data = kaleido.calc_fig_sync(spec, opts=opts)
            except Exception as err:
                raise ExportError(
                    f"the export browser could not draw the {fmt.upper()} "
                    f"({type(err).__name__}: {str(err)[:200]})"
                ) from err
    data = data if isinstance(data, bytes) else str(data).encode("utf-8")
    check_image(data, fmt)
    return data


def to_html(fig: go.Figure, title: str = "Plotting Partnerships") -> str:
    """A standalone interactive HTML page with plotly.js inside: it opens offline.

    Texts are cleaned of control characters (HTML may not carry them).
    """
    body = pio.to_html(
        clean_figure(fig),
        include_plotlyjs=True,
        include_mathjax=False,
        full_html=True,
        config={"displaylogo": False, "responsive": True},
    )
    return escape_raw_controls(_with_title(body, title))


_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def escape_raw_controls(page: str) -> str:
    """The page with its remaining raw control characters written as JavaScript escapes.

    User text is cleaned before it gets here; what is left sits in plotly.js itself, in
    string and template literals (e.g. the PNG signature), where an escape means the same.
    An HTML file then holds no character that HTML forbids.
    """
    return _RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", page)


def _with_title(page: str, title: str) -> str:
    """The page with a <title> after its charset (escaped: the title may be user text)."""
    tag = f"<title>{html.escape(clean_text(title))}</title>"
    charset = re.search(r"<meta charset=[^>]*>", page)
    if charset:
        return page[: charset.end()] + tag + page[charset.end() :]
    return page.replace("<head>", "<head>" + tag, 1)


def table_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes of a table no spreadsheet will run formulas from (numbers stay numbers).

    UTF-8 with a byte-order mark, so that spreadsheets read accented names correctly;
    internal columns (named with a leading underscore) are left out, and control
    characters are removed (no spreadsheet shows them, and some refuse the file).
    """
    out = frame.loc[:, [not str(c).startswith("_") for c in frame.columns]].copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[col] = series.dt.strftime("%Y-%m-%d")
        elif not pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            out[col] = series.map(_safe_cell, na_action="ignore").astype(object)
    out.columns = [_safe_cell(str(c)) for c in out.columns]
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def _safe_cell(value: object) -> object:
    """A table cell without control characters, that no spreadsheet runs as a formula."""
    if isinstance(value, str):
        value = without_control_characters(value)
    return spreadsheet_safe(value)


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


def is_stream(path: Path | str) -> bool:
    """Whether a path is a stream to write into, not a file to replace.

    True for what exists and is not a regular file (a FIFO, a terminal), and for paths
    under /dev and /proc (/dev/stdout is a regular file when the shell redirects it).
    """
    import stat

    path = Path(path)
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) or str(path.absolute()).startswith(("/dev/", "/proc/"))


def write(data: bytes, path: Path | str) -> Path:
    """Write export bytes to a file, creating its folder; atomic (never half a file).

    A symbolic link stays a link: its target is replaced, atomically. A path that exists
    but is not a regular file (a FIFO, a terminal, /dev/stdout) is written to directly,
    since replacing it would destroy the device node or pipe instead of writing to it.

    Raises:
        IsADirectoryError: the path is a folder (the message names it).
        OSError: the file cannot be written.
    """
    import stat
    import tempfile

    path = Path(path)
    try:
        mode = path.stat().st_mode  # through symbolic links
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(f"{path} is a folder; give a file name, e.g. {path / 'chart'}")
    if mode is not None and (not stat.S_ISREG(mode) or is_stream(path)):
        # A device or a pipe: nothing to replace. Opened by the path given, since
        # /dev/stdout -> /proc/self/fd/1 resolves to no real path for a pipe.
        with open(path, "wb") as f:
            f.write(data)
        return path
    target = Path(os.path.realpath(path))  # a link's target, even a file yet to be made
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            # mkstemp makes the file private (0600); an export is an ordinary file.
            os.fchmod(f.fileno(), mode & 0o777 if mode is not None else 0o644)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
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


def control_character_cells(dataset: Dataset) -> list[str]:
    """Every text in a dataset that holds control characters, named for a user.

    E.g. "partnership 'Alpha' (alpha), field 'note' of the placement of 2024-03-01 by
    public: U+0007". Exports remove these characters; this says where they were, so
    that the source can be corrected. Validation refuses them on load; the check here
    covers a dataset built some other way.
    """
    found: list[str] = []
    for axis in dataset.axes:
        for name in ("axis_id", "low_pole", "high_pole", "description"):
            if codes := control_characters(str(getattr(axis, name) or "")):
                found.append(f"axis {axis.axis_id!r}, field '{name}': {', '.join(codes)}")
    names = dict(
        zip(dataset.partnerships["partnership_id"], dataset.partnerships["name"], strict=False)
    )
    for _, row in dataset.partnerships.iterrows():
        for col, value in row.items():
            if isinstance(value, str) and (codes := control_characters(value)):
                pid = row["partnership_id"]
                who = f"partnership {clean_text(str(names.get(pid, pid)))!r} ({clean_text(pid)})"
                found.append(f"{who}, field '{col}': {', '.join(codes)}")
    frame = dataset.placements
    text_cols = [
        c
        for c in frame.columns
        if c not in ("date", "row") and not pd.api.types.is_numeric_dtype(frame[c])
    ]
    if len(frame) and text_cols:
        texts = frame[text_cols].astype("string").fillna("")
        hit = texts.apply(lambda s: s.str.contains(_CONTROL_PATTERN, regex=True)).any(axis=1)
        for _, row in frame.loc[hit].iterrows():
            pid = str(row["partnership_id"])
            who = f"partnership {clean_text(str(names.get(pid, pid)))!r} ({clean_text(pid)})"
            when = row["date"].strftime("%Y-%m-%d") if pd.notna(row["date"]) else "no date"
            what = f"the placement of {when} by {clean_text(str(row['perspective']))}"
            for col in text_cols:
                value = row[col]
                if isinstance(value, str) and (codes := control_characters(value)):
                    found.append(f"{who}, field '{col}' of {what}: {', '.join(codes)}")
    return found
