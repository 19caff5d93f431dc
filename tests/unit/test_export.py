"""Exports of one chart, checked as files: PNG, SVG, PDF, offline HTML and CSV."""

from __future__ import annotations

import csv
import html
import io
import os
import re
import stat
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import plotting as pp
from plotting import export
from plotting.figures import short_label

DP, RI = "delivery_policy", "regulation_innovation"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="session")
def export_browser() -> Iterator[None]:
    """One shared export browser for every export test of the session, stopped at the end."""
    export.start_export_browser()
    yield
    export.stop_export_browser()


@pytest.fixture
def sample() -> pp.Dataset:
    """The sample dataset (read only)."""
    return pp.load_dataset(pp.default_data_dir())


@pytest.fixture
def portfolio(sample: pp.Dataset) -> go.Figure:
    """The sample portfolio map (named where the names fit)."""
    points = pp.analysis.consensus_points(sample, DP, RI)
    return pp.portfolio_map(points, sample.axis(DP), sample.axis(RI), color_by="sector")


def svg_texts(svg: bytes) -> list[str]:
    """Every piece of text an SVG draws (its <text> and <tspan> contents)."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    return [
        "".join(node.itertext())
        for node in root.iter()
        if node.tag in (f"{SVG_NS}text", f"{SVG_NS}tspan")
    ]


# ---- static images -----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("size", "pixels"),
    [
        (export.ImageSize(1600, 900, 1.0), (1600, 900)),
        (export.ImageSize(800, 450, 2.0), (1600, 900)),
        (export.ImageSize(1200, 1200, 3.0), (3600, 3600)),
    ],
)
def test_png_has_the_chosen_size_and_scale(export_browser, portfolio, size, pixels) -> None:
    png = export.to_image(portfolio, "png", size)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert export.image_dimensions(png) == pixels
    assert len(png) > 30_000, "a drawn map, not an empty canvas"


@pytest.mark.slow
@pytest.mark.parametrize("many", [False, True])
def test_portfolio_map_needs_no_plotly_template(export_browser, sample, many) -> None:
    """The map leaves plotly's default template out: the image is the same pixels."""
    points = pp.portfolio_points(sample, DP, RI)
    if many:  # WebGL traces and the compact hover
        points = points.loc[np.repeat(points.index, 20)].reset_index(drop=True)
    fig = pp.portfolio_map(points, sample.axis(DP), sample.axis(RI), color_by="sector")
    assert fig.to_dict()["layout"]["template"] == {"data": {"scatter": [{"type": "scatter"}]}}
    templated = go.Figure(fig).update_layout(template="plotly")
    size = export.ImageSize(900, 700, 1.0)
    assert export.to_image(fig, "png", size) == export.to_image(templated, "png", size)


@pytest.mark.slow
def test_svg_parses_and_names_every_partnership(export_browser, sample, portfolio) -> None:
    svg = export.to_image(portfolio, "svg", export.ImageSize(1600, 900))
    drawn = "\n".join(svg_texts(svg))
    # Names are written beside the markers where they fit (the rest are in the hover):
    # each one labelled is drawn, shortened and wrapped, line by line.
    labelled = [t for trace in portfolio.data[1:] for t in trace.text if t]
    assert len(labelled) >= len(sample.partnerships) // 3
    for name in sample.partnerships["name"]:
        if short_label(name) not in labelled:
            continue
        for line in html.unescape(short_label(name)).split("<br>"):
            assert line in drawn, (name, line)
    assert "Delivering services" in drawn and "Stimulating innovation" in drawn


@pytest.mark.slow
def test_pdf_is_a_one_page_vector_pdf(export_browser, portfolio) -> None:
    pdf = export.to_image(portfolio, "pdf", export.ImageSize(1600, 900))
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert 10_000 < len(pdf) < 2_000_000
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1


@pytest.mark.slow
def test_one_browser_is_reused(export_browser, portfolio, monkeypatch) -> None:
    import kaleido

    export.to_image(portfolio, "svg")
    starts = []
    monkeypatch.setattr(kaleido, "start_sync_server", lambda *a, **k: starts.append(k))
    for fmt in ("png", "svg", "pdf"):
        export.to_image(portfolio, fmt, export.ImageSize(400, 300))
    assert starts == [] and export.export_browser_running()


def test_the_export_browser_starts_without_mathjax(monkeypatch) -> None:
    import kaleido

    export.stop_export_browser()
    calls = []
    monkeypatch.setattr(kaleido, "start_sync_server", lambda *a, **k: calls.append(k))
    monkeypatch.setattr(kaleido, "stop_sync_server", lambda **k: None)
    export.start_export_browser()
    export.start_export_browser()
    assert len(calls) == 1 and calls[0]["mathjax"] is False
    export.stop_export_browser()
    assert not export.export_browser_running()


@pytest.mark.slow
def test_concurrent_exports_each_get_their_own_image(export_browser, portfolio) -> None:
    sizes = [export.ImageSize(400 + 100 * i, 300 + 50 * i) for i in range(4)]
    results: dict[int, bytes] = {}

    def work(i: int) -> None:
        results[i] = export.to_image(portfolio, "png", sizes[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, size in enumerate(sizes):
        assert export.image_dimensions(results[i]) == (size.width, size.height)


@pytest.mark.parametrize(
    ("width", "height", "scale"), [(10, 900, 1), (1600, 9000, 1), (1600, 900, 0), (1600, 900, 9)]
)
def test_unreasonable_sizes_are_refused(width, height, scale) -> None:
    with pytest.raises(ValueError, match="outside"):
        export.ImageSize(width, height, scale)


def test_unknown_formats_are_refused(portfolio) -> None:
    with pytest.raises(ValueError, match="unknown image format"):
        export.to_image(portfolio, "gif")
    with pytest.raises(ValueError, match="unknown format"):
        export.export(portfolio, "docx")
    with pytest.raises(ValueError, match="needs the table"):
        export.export(portfolio, "csv")


# ---- offline HTML --------------------------------------------------------------------------


def test_html_embeds_plotly_and_loads_nothing_from_the_network(portfolio) -> None:
    page = export.to_html(portfolio, 'Evil <script>alert("x")</script> & co')
    assert export.plotly_js_inline(page)
    assert len(page) > 3_000_000, "plotly.js itself is inside"
    assert export.external_references(page) == []
    assert "<title>Evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</title>" in page
    assert not re.search(r"<script[^>]+src=", page), "every script is inline"
    assert not re.search(r"<link[^>]+href=", page), "no stylesheet or font to fetch"


@pytest.mark.parametrize(
    "page",
    [
        '<script src="https://cdn.plot.ly/plotly-3.0.0.min.js"></script>',
        '<link rel="stylesheet" href="//fonts.example.org/x.css">',
        '<img srcset="http://example.org/a.png 2x">',
        "<style>@import 'https://example.org/a.css';</style>",
        '<div style="background: url(https://example.org/bg.png)"></div>',
    ],
)
def test_external_references_are_found(page) -> None:
    assert len(export.external_references(f"<html><body>{page}</body></html>")) == 1


def test_local_references_are_fine() -> None:
    page = '<a href="#slide-2">next</a><img src="data:image/png;base64,AAAA">'
    assert export.external_references(page) == []


# ---- CSV -----------------------------------------------------------------------------------


def read_csv(data: bytes) -> list[list[str]]:
    """Rows of CSV bytes, as a spreadsheet reads them."""
    assert data.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so accents survive Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-3.5", "-3.5"),
        ("Água para Todos", "Água para Todos"),
        ("a=b", "a=b"),
    ],
)
def test_csv_neutralises_formulas(cell, written) -> None:
    rows = read_csv(export.table_csv(pd.DataFrame({"Name": [cell]})))
    assert rows == [["Name"], [written]]


def test_csv_keeps_numbers_numbers_and_dates_iso() -> None:
    frame = pd.DataFrame(
        {
            "Partnership": ["=1+1", "Beta"],
            "x": [-3.0, 2.5],
            "n": [-1, 4],
            "date": pd.to_datetime(["2024-03-01", "2025-12-31"]),
            "_row": [2, 3],
            "=bad header": ["a", "b"],
        }
    )
    rows = read_csv(export.table_csv(frame))
    assert rows == [
        ["Partnership", "x", "n", "date", "'=bad header"],
        ["'=1+1", "-3.0", "-1", "2024-03-01", "a"],
        ["Beta", "2.5", "4", "2025-12-31", "b"],
    ]


def test_file_names_are_portable() -> None:
    assert (
        export.file_name("Água para Todos: perspectives", "png")
        == "agua-para-todos-perspectives.png"
    )
    assert export.file_name("<script>", "svg") == "script.svg"
    assert export.file_name("↔", "pdf") == "chart.pdf"


def test_write_creates_the_folder(tmp_path: Path) -> None:
    path = export.write(b"x", tmp_path / "a" / "b" / "c.png")
    assert path.read_bytes() == b"x"


def test_write_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real" / "chart.png"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "latest.png"
    link.symlink_to(target)
    assert export.write(b"new", link) == link
    assert link.is_symlink(), "the link is not replaced by a regular file"
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["chart.png"]  # no temp left
    dangling = tmp_path / "next.png"
    dangling.symlink_to(tmp_path / "real" / "next.png")
    export.write(b"made", dangling)
    assert dangling.is_symlink() and (tmp_path / "real" / "next.png").read_bytes() == b"made"


def test_write_to_a_fifo_writes_into_it(tmp_path: Path) -> None:
    """A pipe (like /dev/stdout) is written to, not replaced by a file."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    export.write(b"through the pipe", fifo)
    reader.join(timeout=30)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode), "the FIFO is still a FIFO"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_write_to_a_folder_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError) as err:
        export.write(b"x", tmp_path)
    assert str(err.value).startswith(f"{tmp_path} is a folder; give a file name")
    assert ".tmp" not in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_a_dead_browser_is_restarted_once(monkeypatch, portfolio) -> None:
    import kaleido

    export.stop_export_browser()
    events: list[str] = []
    monkeypatch.setattr(kaleido, "start_sync_server", lambda *a, **k: events.append("start"))
    monkeypatch.setattr(kaleido, "stop_sync_server", lambda **k: events.append("stop"))

    def calc(spec, opts):
        events.append("calc")
        if events.count("calc") == 1:
            raise RuntimeError("browser closed")
        return b"\x89PNG\r\n\x1a\n fake"

    monkeypatch.setattr(kaleido, "calc_fig_sync", calc)
    assert export.to_image(portfolio, "png") == b"\x89PNG\r\n\x1a\n fake"
    assert events == ["start", "calc", "stop", "start", "calc"]
    export.stop_export_browser()


def test_exports_without_chromium_say_how_to_get_it(monkeypatch) -> None:
    export.stop_export_browser()
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="apt-get install chromium"):
        export.start_export_browser()
    assert not export.export_browser_running()
