"""Browser: every page, in every theme and tab, passes axe-core with no critical or serious
violations (axe-core runs offline from the `axe-playwright-python` wheel)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    PAGES,
    ROOT,
    Server,
    main,
    start_server,
    stop_server,
    wait_chart,
    wait_ready,
    warm_up,
)

#: Impacts that fail the test; "moderate" and "minor" ones are printed but allowed.
BLOCKING = ("critical", "serious")


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


#: A spreadsheet as Excel writes it in many countries (semicolons, decimal commas), with a
#: new partnership: the import preview shows a notice, a mapping and its expanders.
EURO = (
    "partnership_id;name;date;perspective;kind;delivery_policy;regulation_innovation;note\r\n"
    "nakuru-water-kiosks;;15.03.2026;donor;actual;2,5;-1;From Excel\r\n"
).encode("cp1252")


def import_preview(page: Page) -> None:
    open_tab("Import")(page)
    path = tempfile.mkdtemp() + "/euro.csv"
    with open(path, "wb") as out:
        out.write(EURO)
    main(page).locator('input[type="file"]').set_input_files(path)
    wait_ready(page)
    expect(main(page).get_by_role("heading", name="Preview")).to_be_visible(timeout=20_000)
    open_expanders(page)


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
    "data-import-preview": View("data", "Data", import_preview),
}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture(scope="module", autouse=True)
def warm(server: Server, browser) -> None:
    """Open the front page once, so the server knows its page list before deep links."""
    warm_up(server, browser)


@pytest.fixture(scope="module")
def broken_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on sample data with bad rows: problem lists, warnings, the sidebar notice."""
    base = tmp_path_factory.mktemp("broken")
    data = base / "data"
    shutil.copytree(ROOT / "data", data)
    with (data / "placements.csv").open("a", encoding="utf-8") as out:
        out.write("nakuru-water-kiosks,2024-13-01,donor,actual,abc,1,,,,,bad date and value\n")
        out.write("no-such-partnership,2024-01-01,donor,actual,1,1,,,,,unknown id\n")
    srv = start_server(data, base / "streamlit.log")
    yield srv
    stop_server(srv.process)


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


@pytest.mark.parametrize(
    "where", [("", "Plotting Partnerships"), ("data", "Data")], ids=["overview", "data"]
)
def test_no_serious_violations_with_data_problems(
    page: Page, broken_server: Server, axe: Axe, where: tuple[str, str]
) -> None:
    path, title = where
    page.goto(f"{broken_server.url}/{path}")
    wait_ready(page, title)
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("data problem")).to_be_visible()
    open_expanders(page)
    violations = axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, "axe-core found:\n" + describe(blocking)


def test_headings_go_in_order(page: Page, server: Server) -> None:
    """Each page has one h1 and its sections are h2 (no jump from h1 to h3).

    axe-core calls a jump only "moderate", so the scan above lets it pass: this test keeps
    new sections from coming back as st.subheader (h3) straight under the title.
    """
    for path, title in PAGES:
        page.goto(f"{server.url}/{path}")
        wait_ready(page, title)
        levels = (
            main(page)
            .locator("h1, h2, h3, h4")
            .evaluate_all("els => els.map(e => Number(e.tagName[1]))")
        )
        assert levels[0] == 1 and levels.count(1) == 1, (path, levels)
        assert all(b - a <= 1 for a, b in pairwise(levels)), (path, levels)
