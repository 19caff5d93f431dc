"""In-browser measurements: filter change to chart redrawn, and the app's memory.

Playwright drives Debian's Chromium (Playwright's own browser download does not work on
these machines). Times come from the browser's own clock: from the pointer press that
changes the filter to the end of the first frame rendered after the chart's last
`plotly_afterplot` (or `plotly_react`), once the app has finished its rerun. "End of the
frame" is a message posted from that frame's animation callback: it runs once the frame's
rendering task is done, which for a WebGL chart drawn in software takes 0.1-0.7 s more.

Why those events and not the chart's data: Streamlit gives a changed figure a new element
id, so its config (with a fresh fullscreen-button callback) differs and `Plotly.react`
falls back to `newPlot` and then `react`: two full draws, new WebGL canvases included.
`gd.data` is swapped at the start of the first draw, so timing to the data swap missed
most of the drawing, and whether a frame slipped in before the drawing made the old
measure bimodal (about 0.2 s or 1 s for the same change). Plotly's `emit` is an own
property it sets on each graph div; an accessor on `HTMLElement.prototype` sees every
assignment, so every chart's events are seen, a chart mounted anew included.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import server
from bench.timing import Timing, interleave
from plotting.export import CHROMIUM_ARGS

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1440, "height": 1800}
TIMEOUT_MS = 180_000

#: Installed in every page: remembers the last pointer press and the end of the frame
#: after the last finished Plotly draw (`change`).
_WATCH = """
() => {
  if (window.__bench) return;
  // pending: a draw finished, its frame not yet rendered; busy: pending or frame not done
  const bench = window.__bench = {t0: 0, change: 0, pending: false, busy: false};
  Object.defineProperty(HTMLElement.prototype, 'emit', {
    configurable: true,
    get() { return this.__benchEmit; },
    set(emit) {
      this.__benchEmit = function (name, data) {
        const out = emit.call(this, name, data);
        if (name === 'plotly_afterplot' || name === 'plotly_react') {
          bench.pending = bench.busy = true;
        }
        return out;
      };
    },
  });
  document.addEventListener('pointerdown', (e) => { bench.t0 = e.timeStamp; }, true);
  const after = new MessageChannel();  // runs once the frame's rendering is done
  after.port1.onmessage = () => { bench.change = performance.now(); bench.busy = bench.pending; };
  const tick = () => {
    if (bench.pending) { bench.pending = false; after.port2.postMessage(0); }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""
_IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


def available() -> bool:
    """Whether Chromium and Playwright are there."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists()


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium browser (Playwright)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


def _settle(page, quiet_s: float = 0.6) -> None:  # noqa: ANN001
    """Wait until the app is idle and no chart has been drawn for `quiet_s` seconds."""
    while True:
        page.wait_for_function(_IDLE, timeout=TIMEOUT_MS)
        before = page.evaluate("() => window.__bench.change")
        time.sleep(quiet_s)
        quiet = "(before) => !window.__bench.busy && window.__bench.change === before"
        if page.evaluate(quiet, before) and page.evaluate(_IDLE):
            return


def open_app(browser, url: str, text: str | None = None):  # noqa: ANN001, ANN201
    """A page on `url`, with the watcher installed, once a chart is drawn."""
    page = browser.new_page(viewport=VIEWPORT)
    page.bring_to_front()
    page.add_init_script(f"({_WATCH})()")
    page.goto(url, timeout=TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_MS)
    if text:
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text(text, exact=True).first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=TIMEOUT_MS)
    _settle(page)
    return page


@dataclass
class SectorToggle:
    """Selects and clears one value of a page's 'Sector' multiselect, in turns."""

    page: object
    value: str
    selected: bool = False

    def __call__(self) -> float:
        """One filter change; seconds from the pointer press to the chart redrawn."""
        page = self.page
        page.bring_to_front()  # a page in the background gets no animation frames
        page.evaluate("() => { window.__bench.t0 = 0; window.__bench.change = 0; }")
        box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Sector").first
        if self.selected:
            box.get_by_role("button", name="Clear all", exact=True).click()
        else:
            box.get_by_role("combobox").click()
            page.get_by_role("option", name=self.value, exact=True).click()
        self.selected = not self.selected
        page.wait_for_function(
            "() => window.__bench.t0 > 0 && window.__bench.change > window.__bench.t0",
            timeout=TIMEOUT_MS,
        )
        _settle(page)
        if self.selected:
            page.keyboard.press("Escape")  # close the option list (after the timing)
        t0, change = page.evaluate("() => [window.__bench.t0, window.__bench.change]")
        return (change - t0) / 1000.0


def redraw(
    app_url: str,
    app_page_text: str,
    baseline_url: str,
    sector: str,
    *,
    repeats: int,
    warmup: int = 1,
    browser: object | None = None,
) -> Timing:
    """Filter change to chart redrawn, the app's Portfolio page against the bare app.

    `browser`: a Playwright browser to use (tests pass theirs); by default a new Chromium.
    """
    if browser is None:
        with chromium() as own:
            return redraw(
                app_url, app_page_text, baseline_url, sector,
                repeats=repeats, warmup=warmup, browser=own,
            )  # fmt: skip
    warm = browser.new_page(viewport=VIEWPORT)  # a first visit wakes each server up
    for url in (app_url, baseline_url):
        warm.goto(url, timeout=TIMEOUT_MS)
        warm.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=TIMEOUT_MS)
    warm.close()
    pages = [open_app(browser, baseline_url), open_app(browser, app_url, app_page_text)]
    try:
        return interleave(
            SectorToggle(pages[0], sector), SectorToggle(pages[1], sector),
            repeats=repeats, warmup=warmup,
        )  # fmt: skip
    finally:
        for page in pages:
            page.close()


def server_memory(start: Callable[[], server.Server], page_path: str, text: str) -> dict[str, int]:
    """VmRSS and VmHWM (KiB) of an app server once a browser has shown `page_path`."""
    srv = start()
    try:
        with chromium() as browser:
            page = open_app(browser, srv.url + page_path, text)
            page.close()
        return server.memory_kib(srv.process.pid)
    finally:
        server.stop(srv.process)
