"""Browser: present a deck (forward and back, by button and by key), blind then reveal,
and a share link opened in a new browser context shows the same view."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect
from pptx import Presentation

from plotting import export
from tests.browser.conftest import Server, main, wait_chart, wait_ready, warm_up

DHAKA = "dhaka-fsm-venture"
LAKE = "lake-victoria-small-towns"
DHAKA_NAME = "Dhaka Peri-Urban Faecal Sludge Joint Venture"
LAKE_NAME = "Lake Victoria Small Towns Water Alliance"


@pytest.fixture(scope="module", autouse=True)
def warm(server: Server, browser: Browser) -> None:
    """Open the app's front page once, so the server knows its page list.

    On a server that has never run the entry point, Streamlit treats a deep link into
    the `pages/` folder as a legacy page (see the report on issue 5).
    """
    warm_up(server, browser)


def heading(page: Page) -> str:
    return main(page).locator("h1").first.inner_text().strip()


def wait_heading(page: Page, text: str, number: str | None = None) -> None:
    """Wait for a slide: its title, its number in the counter ('2 / 5'), its chart."""
    expect(main(page).locator("h1").first).to_have_text(text, timeout=30_000)
    if number:
        expect(page.locator(".st-key-present_nav").get_by_text(" / ")).to_have_text(number)
    wait_ready(page)
    wait_chart(page)


def press(page: Page, key: str) -> None:
    """Press a key as a presenter does, with the page (not a vanished button) in focus."""
    page.locator(".st-key-present_nav").get_by_text(" / ").click()
    page.keyboard.press(key)


def counter(page: Page) -> str:
    return page.locator(".st-key-present_nav").get_by_text(" / ").inner_text()


def annotations(page: Page) -> list[str]:
    """The texts written on the drawn chart (poles, quadrants, notes), lines joined by spaces."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(
                 '[data-testid="stPlotlyChart"] .annotation-text')).map(e => {
                   const lines = Array.from(e.querySelectorAll('tspan.line'));
                   return lines.length ? lines.map(t => t.textContent).join(' ') : e.textContent;
                 })"""
    )


def drawn_names(page: Page) -> list[str]:
    """Trace names of the drawn chart, from the live plot."""
    return page.evaluate(
        """() => { const p = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
                   return p ? p._fullData.map(t => t.name).filter(Boolean) : []; }"""
    )


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_present_steps_forward_and_back(server: Server, page: Page) -> None:
    page.goto(f"{server.url}/present?partnership={DHAKA}&partnership={LAKE}")
    wait_ready(page, "Present")
    main(page).get_by_role("button", name="Start presenting").click()
    wait_heading(page, "The portfolio", "1 / 5")
    # The sidebar folds away while presenting.
    expect(page.get_by_role("button", name="Expand sidebar")).to_be_visible(timeout=10_000)
    link = page.locator('[data-testid="stSidebar"] [data-testid="stCode"] code').text_content()
    assert link.startswith(f"{server.url}/present?") and "slide=1" in link
    main(page).get_by_role("button", name="Next").click()
    wait_heading(page, f"{DHAKA_NAME}: its course", "2 / 5")
    assert query(page)["slide"] == ["2"]
    press(page, "ArrowRight")
    wait_heading(page, f"{DHAKA_NAME}: perspectives", "3 / 5")
    assert {"public", "private", "donor", "civil society"} <= set(drawn_names(page))
    press(page, "ArrowRight")
    wait_heading(page, f"{LAKE_NAME}: its course")
    main(page).get_by_role("button", name="Previous").click()
    wait_heading(page, f"{DHAKA_NAME}: perspectives")
    press(page, "ArrowLeft")
    wait_heading(page, f"{DHAKA_NAME}: its course", "2 / 5")
    assert query(page)["slide"] == ["2"]
    # Nothing on screen but the chart, the title and the small controls.
    assert main(page).locator('[data-testid="stMultiSelect"]').count() == 0
    assert main(page).get_by_role("button").count() == 2
    # Esc ends the presentation, even with the sidebar (where its button is) folded away.
    press(page, "Escape")
    expect(main(page).locator("h1").first).to_have_text("Present", timeout=30_000)
    page.wait_for_url(lambda url: "slide=" not in url)


def test_blind_then_reveal(server: Server, page: Page) -> None:
    page.goto(f"{server.url}/present?partnership={LAKE}&blind=1&slide=2")
    wait_heading(page, f"{LAKE_NAME}: perspectives")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    expect(chart.get_by_text("Perspectives hidden")).to_be_visible()
    assert not {"public", "donor", "joint"} & set(drawn_names(page))
    main(page).get_by_role("button", name="Reveal").click()
    expect(chart.get_by_text("Perspectives hidden")).to_have_count(0, timeout=30_000)
    wait_ready(page)
    assert {"public", "donor", "joint", "civil society"} <= set(drawn_names(page))
    assert query(page)["revealed"] == [LAKE]
    expect(main(page).get_by_role("button", name="Reveal")).to_have_count(0)
    # The next slide (its course) and back: the reveal holds.
    press(page, "ArrowRight")
    wait_heading(page, f"{LAKE_NAME}: its course")
    press(page, "ArrowLeft")
    wait_heading(page, f"{LAKE_NAME}: perspectives")
    assert "public" in drawn_names(page)


def test_a_shared_link_shows_the_same_view(server: Server, page: Page, browser: Browser) -> None:
    page.goto(f"{server.url}/present")
    wait_ready(page, "Present")
    # Choose what to show through the widgets, as a facilitator would.
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Horizontal axis").click()
    page.get_by_role("option", name="Project outputs ↔ Systemic change").click()
    wait_ready(page)
    choose = main(page).locator('[data-testid="stMultiSelect"]').first
    choose.click()
    page.get_by_role("option", name=LAKE_NAME).click()
    page.keyboard.press("Escape")
    wait_ready(page)
    main(page).get_by_text("High contrast", exact=True).click()
    wait_ready(page)
    main(page).get_by_role("button", name="Start presenting").click()
    wait_heading(page, "The portfolio")
    press(page, "ArrowRight")
    wait_heading(page, f"{LAKE_NAME}: its course", "2 / 3")
    link = page.url
    assert query(page)["x"] == ["outputs_systems"] and query(page)["theme"] == ["contrast"]
    shown = {
        "heading": heading(page),
        "counter": counter(page),
        "traces": drawn_names(page),
        "poles": annotations(page),
        "background": page.evaluate(
            "getComputedStyle(document.querySelector('[data-testid=stMain]')).backgroundColor"
        ),
    }
    assert "◀ Project outputs" in shown["poles"] and shown["background"] == "rgb(0, 0, 0)"

    colleague = browser.new_context(viewport={"width": 1440, "height": 1800})
    other = colleague.new_page()
    other.goto(link)
    wait_heading(other, f"{LAKE_NAME}: its course", "2 / 3")
    assert {
        "heading": heading(other),
        "counter": counter(other),
        "traces": drawn_names(other),
        "poles": annotations(other),
        "background": other.evaluate(
            "getComputedStyle(document.querySelector('[data-testid=stMain]')).backgroundColor"
        ),
    } == shown
    colleague.close()


def test_a_bad_link_shows_a_notice_not_an_error(server: Server, page: Page) -> None:
    page.goto(f"{server.url}/present?partnership={LAKE}&slide=42&theme=neon")
    wait_heading(page, f"{LAKE_NAME}: perspectives")
    expect(page.locator('[data-testid="stToast"]').filter(has_text="not 42")).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert query(page)["slide"] == ["3"] and "theme" not in query(page)


def download(page: Page, button) -> bytes:
    """Click a download button and return the file the browser receives."""
    with page.expect_download(timeout=120_000) as info:
        button.click()
    return Path(info.value.path()).read_bytes()


def test_the_deck_and_a_slide_download_as_files(server: Server, page: Page) -> None:
    page.goto(f"{server.url}/present?partnership={LAKE}")
    wait_ready(page, "Present")
    wait_chart(page)
    deck = download(page, main(page).get_by_role("button", name="PowerPoint"))
    prs = Presentation(io.BytesIO(deck))
    assert [s.shapes.title.text for s in prs.slides] == [
        "Plotting Partnerships",
        "The portfolio",
        f"{LAKE_NAME}: its course",
        f"{LAKE_NAME}: perspectives",
    ]
    page_html = download(page, main(page).get_by_role("button", name="Offline HTML")).decode()
    assert export.plotly_js_inline(page_html) and export.external_references(page_html) == []
    main(page).get_by_role("button", name="Export").click()
    popover = page.locator('[data-testid="stPopoverBody"]')
    png = download(page, popover.get_by_role("button", name="PNG", exact=True))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and export.image_dimensions(png) == (3200, 1800)
