"""Browser: the app on a 390×844 touch phone — the Plot page is usable (sidebar out of the
way, map before the form, a tap on the map places the partnership), and no page is wider
than the screen. Plus the wide-screen layout the phone layout must not disturb."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from plotting.figures import RANGE
from tests.browser.conftest import Server, main, wait_chart, wait_ready, warm_up

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}


@pytest.fixture(scope="module", autouse=True)
def warm(server: Server, browser: Browser) -> None:
    """Open the front page once: the first chart click of a fresh server can be lost."""
    warm_up(server, browser)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def slider(page: Page, key: str):
    return page.locator(f".st-key-{key} input[type=range]")


def preview(page: Page) -> dict | None:
    """The unsaved placement's marker on the drawn map (x, y)."""
    return page.evaluate(
        """() => { const p = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
                   const t = p && p._fullData.find(t => (t.name || '').startsWith('New: '));
                   return t ? {x: Array.from(t.x), y: Array.from(t.y)} : null; }"""
    )


def tap_map(page: Page, x: float, y: float) -> None:
    """Tap a data position on the map, as a finger does (no mouse, no hover first)."""
    area = page.locator('[data-testid="stPlotlyChart"] rect.nsewdrag').first
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    lo, hi = RANGE
    page.touchscreen.tap(
        box["x"] + (x - lo) / (hi - lo) * box["width"],
        box["y"] + box["height"] - (y - lo) / (hi - lo) * box["height"],
    )
    wait_ready(page)


def test_plot_page_on_a_phone(phone: Page, server: Server) -> None:
    page = phone
    page.goto(f"{server.url}/plot")
    wait_ready(page, "Plot a partnership")
    wait_chart(page)

    # The sidebar starts collapsed: it does not cover the page.
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.evaluate("e => e.getBoundingClientRect().right") <= 0

    # The map comes before the sliders and the Save button, and starts on the first screen.
    chart = page.locator('[data-testid="stPlotlyChart"]').first.bounding_box()
    area = page.locator('[data-testid="stPlotlyChart"] rect.nsewdrag').first.bounding_box()
    first_slider = slider(page, "plot_pos_delivery_policy").bounding_box()
    save = main(page).get_by_role("button", name="Save placement").bounding_box()
    assert chart["y"] + chart["height"] <= first_slider["y"] < save["y"]
    assert area["y"] < PHONE["viewport"]["height"], "the map should start on the first screen"
    assert area["width"] >= 240  # the map itself, not a sliver

    # Tapping the map places the partnership there, each time (not where the last tap was).
    tap_map(page, -4.0, 3.0)
    expect(slider(page, "plot_pos_delivery_policy")).to_have_value("-4")
    expect(slider(page, "plot_pos_regulation_innovation")).to_have_value("3")
    page.wait_for_function(
        """() => { const p = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
                   const t = p && p._fullData.find(t => (t.name || '').startsWith('New: '));
                   return !!t && t.x[0] === -4 && t.y[0] === 3; }"""
    )
    tap_map(page, 2.0, -1.6)
    expect(slider(page, "plot_pos_delivery_policy")).to_have_value("2")
    expect(slider(page, "plot_pos_regulation_innovation")).to_have_value("-1.6")
    page.wait_for_function(
        """() => { const p = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
                   const t = p && p._fullData.find(t => (t.name || '').startsWith('New: '));
                   return !!t && t.x[0] === 2 && t.y[0] === -1.6; }"""
    )
    assert preview(page) == {"x": [2], "y": [-1.6]}
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


PAGES = {
    "overview": ("", "Plotting Partnerships"),
    "plot": ("plot", "Plot a partnership"),
    "portfolio": ("portfolio", "Portfolio"),
    "course-and-perspectives": ("partnership", "Course & perspectives"),
    "compare": ("compare", "Compare"),
    "present": ("present", "Present"),
    "presenting": ("present?slide=1", None),
    "data": ("data", "Data"),
}


@pytest.mark.parametrize("where", list(PAGES.values()), ids=list(PAGES))
def test_pages_fit_a_phone_screen(phone: Page, server: Server, where: tuple) -> None:
    path, title = where
    phone.goto(f"{server.url}/{path}")
    wait_ready(phone, title)
    if path.startswith("present?"):
        wait_chart(phone)
    widths = phone.evaluate(
        """() => [document.documentElement.scrollWidth,
                  document.querySelector('[data-testid="stMain"]').scrollWidth]"""
    )
    assert max(widths) <= 390, f"wider than the phone: {widths}"


def test_plot_page_keeps_the_form_left_of_the_map_on_a_wide_screen(
    page: Page, server: Server
) -> None:
    page.goto(f"{server.url}/plot")
    wait_ready(page, "Plot a partnership")
    chart = wait_chart(page).bounding_box()
    save = main(page).get_by_role("button", name="Save placement").bounding_box()
    first_slider = slider(page, "plot_pos_delivery_policy").bounding_box()
    # Side by side: the form (sliders, Save) on the left, the map on the right, same band.
    assert save["x"] + save["width"] < chart["x"]
    assert first_slider["x"] + first_slider["width"] < chart["x"]
    assert abs(first_slider["y"] - chart["y"]) < chart["height"]
    assert (
        page.locator('[data-testid="stSidebar"]').evaluate("e => e.getBoundingClientRect().width")
        > 200
    ), "the sidebar starts open on a wide screen"
