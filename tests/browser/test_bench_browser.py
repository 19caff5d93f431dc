"""The benchmark's browser measure, and the dense map's canvas, in Debian's Chromium.

No timed assertion: these check that the redraw measure sees every chart draw (it would
wait until its timeout otherwise) and that a dense Portfolio map draws its WebGL canvas
at one device pixel per CSS pixel, as `plotting.display_config` asks.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page

from bench import browser as bench_browser
from bench import data, measures
from tests.browser.conftest import start_server, stop_server

#: 400 partnerships × 3 perspectives: 1,200 points, above the WebGL threshold.
PARTNERSHIPS = 400


def test_redraw_measure_times_each_change_on_both_apps(browser: Browser, tmp_path: Path) -> None:
    case = measures.Case(data.make_dataset(tmp_path / "d", PARTNERSHIPS), tmp_path)
    result = measures.redraw(case, repeats=2, chromium=browser)
    assert len(result.subject_samples) == len(result.baseline_samples) == 2
    # Each sample runs from the pointer press to a frame after the chart was drawn: it
    # takes at least a server round trip and a draw, and far less than the timeout.
    for seconds in result.subject_samples + result.baseline_samples:
        assert 0.02 < seconds < bench_browser.TIMEOUT_MS / 1000
    assert result.ratio == result.subject / result.baseline


def test_dense_portfolio_map_draws_webgl_at_one_pixel_per_css_pixel(
    page: Page, tmp_path: Path
) -> None:
    made = data.make_dataset(tmp_path / "d", PARTNERSHIPS)
    srv = start_server(made.folder, tmp_path / "app.log")
    try:
        page.goto(f"{srv.url}/{measures.portfolio_url_path()}")
        canvas = page.locator('[data-testid="stPlotlyChart"] canvas.gl-canvas-context').first
        canvas.wait_for(state="attached", timeout=60_000)
        size = canvas.evaluate(
            "c => [c.width, c.height, parseFloat(c.style.width), parseFloat(c.style.height)]"
        )
        assert size[0] == size[2] and size[1] == size[3] and size[0] > 500
    finally:
        stop_server(srv.process)
