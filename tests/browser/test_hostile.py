"""Hostile input: a dataset full of HTML, JavaScript and Markdown payloads, opened on every
page; nothing may run, and nothing may render as markup."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ROOT, Server, start_server, stop_server, wait_ready

PAYLOADS = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=1</script>",
    '"><svg onload="window.__pwned=1">',
    '<b>bold</b><a href="javascript:window.__pwned=1">link</a>',
    "[click](javascript:window.__pwned=1) **strong** $x^2$",
    '=HYPERLINK("http://example.invalid")',
    # Markdown that would make the page fetch from outside, or link out.
    "![pwned](http://example.invalid/pwned.png) [out](http://example.invalid/out)",
]
#: The host of every outside address in the payloads: the page must never ask it for anything.
OUTSIDE = "example.invalid"
MARKDOWN_IMAGE = PAYLOADS[-1]


def url_paths() -> list[str]:
    """Every page's URL path, read from app.py's navigation."""
    text = (ROOT / "app.py").read_text()
    return ["", *re.findall(r'url_path="([a-z_-]+)"', text)]


def hostile_dataset(folder: Path) -> Path:
    """The sample data with payloads in names, notes, perspectives, poles and categories."""
    shutil.copytree(ROOT / "data", folder)
    for name in ("axes.csv", "partnerships.csv", "placements.csv"):
        text = (folder / name).read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        out = [lines[0]]
        import csv
        import io

        rows = list(csv.reader(io.StringIO(text)))
        header, body = rows[0], rows[1:]
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        for i, row in enumerate(body):
            cells = dict(zip(header, row, strict=True))
            p = PAYLOADS[i % len(PAYLOADS)]
            if name == "axes.csv":
                cells["low_pole"] = f"{cells['low_pole']} {p}"
                cells["description"] = p
            elif name == "partnerships.csv":
                cells["name"] = f"{p} {cells['name']}"
                for col in ("country", "sector", "partners", "description"):
                    cells[col] = f"{cells[col]} {p}" if col != "sector" or i % 2 else p
            else:
                cells["note"] = p
                if cells["perspective"] == "donor":
                    cells["perspective"] = "donor " + PAYLOADS[0]
                elif cells["perspective"] == "private":
                    cells["perspective"] = "private " + MARKDOWN_IMAGE
            writer.writerow([cells[h] for h in header])
        del out
        (folder / name).write_text(buf.getvalue(), encoding="utf-8")
    return folder


def settled(page: Page) -> None:
    """Wait until the page has stopped adding elements and its script is idle.

    A long page (Compare) can still be streaming its last sections when the status
    widget first looks idle; the user text in them must be checked too.
    """
    page.wait_for_function(
        """() => {
            const n = document.querySelectorAll(
                '[data-testid="stMain"] [data-testid="stElementContainer"]').length;
            const same = n > 0 && n === window.__settleCount;
            window.__settleCount = n;
            return same && !document.querySelector('[data-testid="stStatusWidget"]');
        }""",
        polling=1000,
        timeout=60_000,
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("hostile")
    data = hostile_dataset(base / "data")
    srv = start_server(data, base / "streamlit.log")
    yield srv
    stop_server(srv.process)


def test_payload_dataset_is_valid(hostile: Server) -> None:
    import plotting as pp

    assert pp.load_dataset(hostile.data).problems == []


@pytest.mark.parametrize("path", url_paths())
def test_nothing_runs_or_renders_as_markup(page: Page, hostile: Server, path: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if OUTSIDE in r.url else None)
    page.goto(hostile.url)
    wait_ready(page)
    page.goto(f"{hostile.url}/{path}")
    wait_ready(page)
    settled(page)
    # Hover every chart's points, so that hover labels with user text are drawn too.
    for chart in page.locator('[data-testid="stPlotlyChart"]').all()[:3]:
        box = chart.bounding_box()
        if box:
            for fx, fy in ((0.3, 0.3), (0.5, 0.5), (0.7, 0.6), (0.4, 0.7)):
                page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
                page.wait_for_timeout(60)
    state = page.evaluate(
        """() => ({
            pwned: window.__pwned === 1,
            imgs: document.querySelectorAll('img[src="x"]').length,
            svgs: document.querySelectorAll('svg[onload]').length,
            outsideImgs: Array.from(document.querySelectorAll('img')).filter(i =>
                (i.getAttribute('src') || '').includes('example.invalid')).length,
            // A Markdown link shows other text than where it goes. (A bare address that
            // a user typed is linked as itself, as GitHub's Markdown does: not hidden.)
            hiddenLinks: Array.from(document.querySelectorAll('a')).filter(a =>
                (a.getAttribute('href') || '').includes('example.invalid')
                && a.textContent.trim() !== a.getAttribute('href')).length,
            scripts: Array.from(document.scripts).filter(s => s.textContent.includes('__pwned')).length,
            jsLinks: Array.from(document.querySelectorAll('a')).filter(a =>
                ((a.getAttribute('href') || '') + (a.getAttribute('xlink:href') || ''))
                    .toLowerCase().includes('javascript')).length,
            bold: Array.from(document.querySelectorAll('b, strong')).filter(b => b.textContent === 'bold').length,
            // Plotly draws <b> as a bold tspan: user text must never become one.
            boldSvg: Array.from(document.querySelectorAll('svg tspan')).filter(t =>
                (t.getAttribute('style') || '').includes('bold') && t.textContent === 'bold').length,
        })"""
    )
    assert state == {
        "pwned": False,
        "imgs": 0,
        "outsideImgs": 0,
        "hiddenLinks": 0,
        "svgs": 0,
        "scripts": 0,
        "jsLinks": 0,
        "bold": 0,
        "boldSvg": 0,
    }
    assert dialogs == []
    assert outside == []
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert "Traceback" not in text
