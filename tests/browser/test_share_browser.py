"""Browser: a share link (the address bar, or Present's link box) opened in a fresh
browser shows the same widget values, slide and theme; the course chart's scale toggle."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

from plotting.figures import RANGE
from tests.browser.conftest import Server, main, wait_chart, wait_ready, warm_up

LAKE = "lake-victoria-small-towns"
LAKE_NAME = "Lake Victoria Small Towns Water Alliance"
DHAKA_NAME = "Dhaka Peri-Urban Faecal Sludge Joint Venture"


@pytest.fixture(scope="module", autouse=True)
def warm(server: Server, browser: Browser) -> None:
    """Open the front page once, so the server knows its pages (see test_present_browser)."""
    warm_up(server, browser)


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def choose(page: Page, key: str, option: str) -> None:
    """Pick an option of the selectbox or multiselect with this widget key."""
    page.locator(f".st-key-{key} [role=combobox]").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    wait_ready(page)


def widgets(page: Page) -> dict[str, object]:
    """What every keyed selectbox, multiselect, segmented control, toggle and text input
    on the page shows, by widget key (read from the page, as a user sees it)."""
    return page.evaluate(
        """() => {
            const out = {};
            for (const el of document.querySelectorAll('[class*="st-key-"]')) {
                const key = [...el.classList].find(c => c.startsWith('st-key-')).slice(7);
                const q = (sel) => el.querySelector(sel);
                if (q('[data-testid="stMultiSelect"]')) {
                    out[key] = [...el.querySelectorAll('[data-tag] [title]')].map(t => t.title);
                } else if (q('[data-testid="stSelectbox"]')) {
                    out[key] = q('input[role="combobox"]').value;
                } else if (q('[data-testid="stButtonGroup"]')) {
                    out[key] = [...el.querySelectorAll('button[aria-checked="true"]')]
                        .map(b => b.innerText.trim());
                } else if (q('[data-testid="stTextInputField"]')) {
                    out[key] = q('[data-testid="stTextInputField"]').value;
                } else if (q('input[type="checkbox"]')) {
                    out[key] = q('input[type="checkbox"]').checked;
                }
            }
            return out;
        }"""
    )


def wait_widgets(page: Page, keys) -> None:
    """Wait until each of these widgets is drawn (not a placeholder)."""
    for key in keys:
        page.locator(f".st-key-{key} :is(input, button)").first.wait_for(state="attached")


def open_fresh(browser: Browser, link: str, text: str) -> tuple[object, Page]:
    """The link in a new browser context (a colleague's browser), once it has rendered."""
    context = browser.new_context(viewport={"width": 1440, "height": 1800})
    page = context.new_page()
    page.goto(link)
    wait_ready(page, text)
    wait_chart(page)
    return context, page


def test_a_portfolio_link_reopens_the_same_view(
    server: Server, page: Page, browser: Browser
) -> None:
    page.goto(f"{server.url}/portfolio")
    wait_ready(page, "Portfolio")
    wait_chart(page)
    choose(page, "pf_sector", "Water supply")
    choose(page, "pf_sector", "Sanitation")
    choose(page, "pf_perspective", "donor")
    choose(page, "pf_color", "country")
    main(page).locator(".st-key-pf_kind").get_by_role("radio", name="Targets").click()
    wait_ready(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator(".st-key-axis_y [role=combobox]").click()
    page.get_by_role("option", name="Project outputs ↔ Systemic change").click()
    wait_ready(page)
    wait_widgets(page, ["pf_sector", "pf_color", "pf_kind", "pf_country", "user_name"])
    shown = widgets(page)
    assert shown["pf_sector"] == ["Water supply", "Sanitation"]
    assert shown["pf_color"] == "country" and shown["pf_kind"] == ["Targets"]
    said = query(page)
    assert said["color"] == ["country"] and said["kind"] == ["target"]
    assert said["y"] == ["outputs_systems"]

    context, other = open_fresh(browser, page.url, "Portfolio")
    try:
        assert urlparse(other.url).path.endswith("/portfolio")
        wait_widgets(other, shown)
        assert widgets(other) == shown
        # ...and the same chart: the legend names the same countries.
        names = (
            "() => document.querySelector('[data-testid=stPlotlyChart] .js-plotly-plot')"
            "._fullData.map(t => t.name)"
        )
        assert other.evaluate(names) == page.evaluate(names)
    finally:
        context.close()


def test_a_present_link_reopens_the_same_slide_theme_and_deck(
    server: Server, page: Page, browser: Browser
) -> None:
    page.goto(f"{server.url}/present")
    wait_ready(page, "Present")
    title = main(page).locator(".st-key-present_title input")
    title.fill("Board meeting, June")
    title.press("Enter")
    wait_ready(page)
    choose(page, "present_partnerships", LAKE_NAME)
    choose(page, "present_partnerships", DHAKA_NAME)
    main(page).get_by_text("High contrast", exact=True).click()
    wait_ready(page)
    main(page).locator(".st-key-present_ranking").get_by_text(
        "End with where partners disagree most"
    ).click()
    wait_ready(page)
    setup = widgets(page)
    assert setup["present_title"] == "Board meeting, June"
    assert setup["present_partnerships"] == [LAKE_NAME, DHAKA_NAME]
    assert setup["present_theme"] == ["High contrast"] and setup["present_ranking"] is True
    main(page).get_by_role("button", name="Start presenting").click()
    expect(main(page).locator("h1").first).to_have_text("The portfolio", timeout=30_000)
    main(page).get_by_role("button", name="Next").click()
    expect(main(page).locator("h1").first).to_have_text(f"{LAKE_NAME}: its course")
    expect(page.locator(".st-key-present_nav").get_by_text(" / ")).to_have_text("2 / 6")
    wait_ready(page)
    link = page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').inner_text().strip()
    assert parse_qs(urlparse(link).query)["title"] == ["Board meeting, June"]

    def view(p: Page) -> dict[str, str]:
        return {
            "heading": main(p).locator("h1").first.inner_text().strip(),
            "counter": p.locator(".st-key-present_nav").get_by_text(" / ").inner_text(),
            "background": p.evaluate(
                "getComputedStyle(document.querySelector('[data-testid=stMain]')).backgroundColor"
            ),
        }

    shown = view(page)
    assert shown == {
        "heading": f"{LAKE_NAME}: its course",
        "counter": "2 / 6",
        "background": "rgb(0, 0, 0)",
    }
    context, other = open_fresh(browser, link, f"{LAKE_NAME}: its course")
    try:
        expect(other.locator(".st-key-present_nav").get_by_text(" / ")).to_have_text("2 / 6")
        assert view(other) == shown
        # Ending the presentation shows the same deck in the builder's widgets.
        # (Esc, as a presenter does: the sidebar with its button is collapsed.)
        other.locator(".st-key-present_nav").get_by_text(" / ").click()
        other.keyboard.press("Escape")
        expect(main(other).locator("h1").first).to_have_text("Present", timeout=30_000)
        wait_ready(other)
        wait_widgets(other, [k for k in setup if k.startswith("present_")])
        again = widgets(other)
        assert {k: again[k] for k in setup if k.startswith("present_")} == {
            k: v for k, v in setup.items() if k.startswith("present_")
        }
    finally:
        context.close()


def test_the_course_chart_zooms_with_the_full_scale_one_click_away(
    server: Server, page: Page, browser: Browser
) -> None:
    page.goto(f"{server.url}/partnership?partnership={LAKE}&perspective=public")
    wait_ready(page, "Course & perspectives")
    wait_chart(page)
    ranges = (
        "() => { const l = document.querySelector("
        "'[data-testid=stPlotlyChart] .js-plotly-plot')._fullLayout;"
        " return [l.xaxis.range, l.yaxis.range]; }"
    )
    (x0, x1), (y0, y1) = page.evaluate(ranges)
    assert x1 - x0 < RANGE[1] - RANGE[0] and x1 - x0 == pytest.approx(y1 - y0)
    main(page).get_by_role("radio", name="Full scale −5…+5").click()
    wait_ready(page)
    page.wait_for_function(
        f"() => {{ const r = ({ranges})(); return r[0][0] === {RANGE[0]} && "
        f"r[0][1] === {RANGE[1]} && r[1][0] === {RANGE[0]}; }}",
        timeout=15_000,
    )
    assert query(page)["scale"] == ["full"]
    # The link keeps the full scale for a colleague.
    context, other = open_fresh(browser, page.url, "Course & perspectives")
    try:
        assert other.evaluate(ranges) == [list(RANGE), list(RANGE)]
        wait_widgets(other, ["cp_scale"])
        assert widgets(other)["cp_scale"] == ["Full scale −5…+5"]
    finally:
        context.close()
    main(page).get_by_role("radio", name="Zoom to course").click()
    wait_ready(page)
    page.wait_for_function(
        f"() => ({ranges})()[0][0] === {x0}",
        timeout=15_000,
    )
    assert "scale" not in query(page)
