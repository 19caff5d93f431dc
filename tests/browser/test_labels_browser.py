"""Browser: nothing written on a tension map piles up, measured on the drawn chart.

On a 390×844 touch phone (the Plot page) and on the Present page at 1280×720 and
1920×1080 in both themes: the two pole names of each axis stay apart, no pole name runs
into the tick labels, and no two point labels overlap.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import Server, wait_chart, wait_ready, warm_up

LAKE = "lake-victoria-small-towns"
DHAKA = "dhaka-fsm-venture"

#: Bounding boxes (left, right, top, bottom) of what the first chart draws.
DRAWN = """() => {
  const chart = document.querySelector('[data-testid="stPlotlyChart"]');
  const box = (e) => { const r = e.getBoundingClientRect();
                       return [r.left, r.right, r.top, r.bottom, e.textContent]; };
  const texts = (sel) => Array.from(chart.querySelectorAll(sel))
      .filter(e => e.textContent.trim() && e.getBoundingClientRect().width > 0).map(box);
  return {
    poles: texts('.annotation-text').filter(b => b[4].startsWith('◀') || b[4].endsWith('▶')),
    ticks: texts('.xtick text, .ytick text'),
    labels: texts('.textpoint text'),
  };
}"""


def _overlap(a: list, b: list, slack: float = 1.0) -> bool:
    return min(a[1], b[1]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[2], b[2]) > slack


def _clashes(boxes: list[list]) -> list[tuple[str, str]]:
    return [(a[4], b[4]) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if _overlap(a, b)]


def _check(drawn: dict) -> None:
    poles, ticks = drawn["poles"], drawn["ticks"]
    assert len(poles) == 4, poles
    assert len(ticks) >= 20, "tick labels are drawn"
    assert not _clashes(poles), _clashes(poles)
    assert not [(p[4], t[4]) for p in poles for t in ticks if _overlap(p, t)]
    assert not _clashes(drawn["labels"]), _clashes(drawn["labels"])


@pytest.fixture(scope="module", autouse=True)
def warm(server: Server, browser: Browser) -> None:
    """Open the front page once, so the server knows its page list."""
    warm_up(server, browser)


def test_pole_names_stay_apart_on_a_phone(server: Server, browser: Browser) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"{server.url}/plot")
    wait_ready(page, "Plot a partnership")
    chart = wait_chart(page)
    chart.scroll_into_view_if_needed()
    area = chart.locator("rect.nsewdrag").first.bounding_box()
    assert area["width"] < 300, "a phone-sized map"
    drawn = page.evaluate(DRAWN)
    _check({**drawn, "labels": []})  # perspective labels are fitted to a laptop's map
    # Wrapped onto two lines each, the names are no longer than half the map's side.
    for left, right, top, bottom, _ in drawn["poles"]:
        assert max(right - left, bottom - top) <= area["width"] / 2
    context.close()


@pytest.mark.parametrize("theme", ["light", "contrast"])
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_present_slides_do_not_pile_up(server: Server, browser: Browser, size, theme) -> None:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    for slide in (1, 2, 3):
        page.goto(
            f"{server.url}/present?partnership={LAKE}&partnership={DHAKA}"
            f"&slide={slide}&theme={theme}"
        )
        wait_ready(page)
        wait_chart(page)
        page.wait_for_timeout(500)  # the chart settles to the screen's size
        drawn = page.evaluate(DRAWN)
        _check(drawn)
        if slide == 1:  # the portfolio names more than the deck's two partnerships
            assert len(drawn["labels"]) >= 4, drawn["labels"]
    context.close()
