"""Browser: the app fetches nothing from outside its own host at run time — not the tab's
icon, not fonts, not scripts — on every page and through the main tabs and slides."""

from __future__ import annotations

from urllib.parse import urlparse

from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import PAGES, Server, main, wait_chart, wait_ready


def test_every_request_goes_to_the_app_itself(page: Page, server: Server) -> None:
    requests: list[str] = []

    def record(request: Request) -> None:
        requests.append(request.url)

    page.on("request", record)
    page.context.on("request", record)  # also workers and prefetches of the context
    own = urlparse(server.url).netloc

    for path, title in PAGES:
        page.goto(f"{server.url}/{path}")
        wait_ready(page, title)
        expanders = main(page).locator('[data-testid="stExpander"] details:not([open]) > summary')
        for _ in range(expanders.count()):
            expanders.first.click()
        if path == "data":
            for tab in ("Edit", "History", "Export", "Import"):
                main(page).get_by_role("tab", name=tab, exact=True).click()
                wait_ready(page)
    # Through a presentation: slides, and the high-contrast theme.
    page.goto(f"{server.url}/present?partnership=lake-victoria-small-towns&slide=1&theme=contrast")
    page.locator(".st-key-present_nav").wait_for()
    wait_chart(page)
    page.locator(".st-key-present_nav").get_by_role("button", name="Next").click()
    expect(page.locator(".st-key-present_nav").get_by_text(" / ")).to_contain_text("2 /")
    wait_chart(page)
    page.wait_for_load_state("networkidle")

    # The tab's icon is the app's own (inline or from the app), never a font host's.
    icons = page.evaluate(
        "() => Array.from(document.querySelectorAll('link[rel~=icon]')).map(l => l.href)"
    )
    assert icons, "the page has a tab icon"
    outside = [
        url
        for url in [*requests, *icons]
        if urlparse(url).scheme not in ("data", "blob") and urlparse(url).netloc != own
    ]
    assert requests, "requests were recorded"
    assert not outside, f"fetched from outside {own}: {sorted(set(outside))}"
