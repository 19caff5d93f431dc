"""Browser: every page, in every theme and tab, passes axe-core with no critical or serious
violations (axe-core runs offline from the `axe-playwright-python` wheel)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, wait_chart, wait_ready

#: Impacts that fail the test; "moderate" and "minor" ones are printed but allowed.
BLOCKING = ("critical", "serious")


def main(page: Page):
    return page.locator('[data-testid="stMain"]')


def open_expanders(page: Page) -> None:
    """Open every closed expander, so the scan covers what is inside."""
    closed = main(page).locator('[data-testid="stExpander"] details:not([open]) > summary')
    for _ in range(closed.count()):
        closed.first.click()
    wait_ready(page)


def open_tab(name: str) -> Callable[[Page], None]:
    def action(page: Page) -> None:
        main(page).get_by_role("tab", name=name, exact=True).click()
        wait_ready(page)
        expect(main(page).get_by_role("tab", name=name, exact=True)).to_have_attribute(
            "aria-selected", "true"
        )
        open_expanders(page)

    return action


def new_partnership_form(page: Page) -> None:
    box = page.locator(".st-key-plot_partnership [role=combobox]")
    box.click()
    page.get_by_role("option", name="➕ Add a new partnership…", exact=True).click()
    wait_ready(page, "New partnership")


def presenting(page: Page) -> None:
    page.locator(".st-key-present_nav").wait_for()
    wait_chart(page)
    # The sidebar collapses itself when presenting starts (a script): let it finish.
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stSidebar\"]')"
        ".getBoundingClientRect().right <= 0"
    )


@dataclass(frozen=True)
class View:
    """One state of one page to scan: where to go, what shows it is there, what to open."""

    path: str
    ready: str | None
    then: Callable[[Page], None] = open_expanders


VIEWS = {
    "overview": View("", "Plotting Partnerships"),
    "plot": View("plot", "Plot a partnership"),
    "plot-new-partnership": View("plot", "Plot a partnership", new_partnership_form),
    "course-and-perspectives": View("partnership", "Course & perspectives"),
    "portfolio": View("portfolio", "Portfolio"),
    "compare": View("compare", "Compare"),
    "present-setup-light": View("present", "Present"),
    "present-setup-high-contrast": View("present?theme=contrast", "Present"),
    "presenting-light": View("present?slide=1", None, presenting),
    "presenting-high-contrast": View("present?slide=1&theme=contrast", None, presenting),
    "data-import": View("data", "Data", open_tab("Import")),
    "data-edit": View("data", "Data", open_tab("Edit")),
    "data-history": View("data", "Data", open_tab("History")),
    "data-export": View("data", "Data", open_tab("Export")),
}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture(scope="module", autouse=True)
def warm(server: Server, browser) -> None:
    """Open the front page once, so the server knows its page list before deep links."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url)
    wait_ready(page, "Plotting Partnerships")
    context.close()


def describe(violations: list[dict]) -> str:
    """One line per failing element: rule id, impact, target, axe's summary."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            summary = " ".join((node.get("failureSummary") or v["help"]).split())
            lines.append(f"{v['id']} [{v['impact']}] {node['target']}: {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("view", list(VIEWS.values()), ids=list(VIEWS))
def test_no_serious_accessibility_violations(
    page: Page, server: Server, axe: Axe, view: View
) -> None:
    page.goto(f"{server.url}/{view.path}")
    wait_ready(page, view.ready)
    view.then(page)
    violations = axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    others = [v for v in violations if v["impact"] not in BLOCKING]
    if others:
        print("Allowed (moderate/minor):\n" + describe(others))
    assert not blocking, "axe-core found:\n" + describe(blocking)


def test_headings_go_in_order(page: Page, server: Server) -> None:
    """Each page has one h1 and its sections are h2 (no jump from h1 to h3)."""
    for path, title in [("", "Plotting Partnerships"), ("partnership", "Course & perspectives")]:
        page.goto(f"{server.url}/{path}")
        wait_ready(page, title)
        levels = (
            main(page)
            .locator("h1, h2, h3, h4")
            .evaluate_all("els => els.map(e => Number(e.tagName[1]))")
        )
        assert levels[0] == 1 and levels.count(1) == 1, levels
        assert all(b - a <= 1 for a, b in pairwise(levels)), levels
        assert 2 in levels, levels
