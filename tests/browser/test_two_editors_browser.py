"""Browser: two people edit the same table at once, in two sessions of the real app.

Different rows: both saves go in. The same row: the second is refused with the message and
the Reload button, and nothing of it is written.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Server, wait_ready
from tests.browser.test_data_browser import edit_cell, main


def names(server: Server) -> list[str]:
    text = (server.data / "partnerships.csv").read_text(encoding="utf-8")
    return [r["name"] for r in csv.DictReader(io.StringIO(text))]


def open_editor(page: Page, server: Server, who: str):
    page.goto(server.url)
    wait_ready(page, "Plotting Partnerships")
    page.goto(f"{server.url}/data")
    wait_ready(page, "Data")
    page.get_by_role("textbox", name="Your name").fill(who)
    page.keyboard.press("Enter")
    wait_ready(page)
    return edit_tab(page)


def edit_tab(page: Page):
    """The table editor, on the Edit tab (a save's rerun may show another tab)."""
    page.get_by_role("tab", name="Edit").click()
    grid = page.locator('[role="tabpanel"]:visible [data-testid="stDataFrame"]').first
    grid.wait_for()
    return grid


def save(page: Page) -> None:
    button = main(page).get_by_role("button", name="Save 1 change(s)")
    expect(button).to_be_enabled(timeout=10_000)
    button.click()
    wait_ready(page)


def test_two_people_edit_the_same_table(
    page: Page, browser: Browser, browser_context_args: dict, server: Server, tmp_path: Path
) -> None:
    first = names(server)
    other = browser.new_context(**browser_context_args)
    try:
        bob = other.new_page()
        ann_grid = open_editor(page, server, "Ann")
        bob_grid = open_editor(bob, server, "Bob")

        # Different rows of one file: both go in, whoever saves second.
        edit_cell(page, ann_grid, 0, 500, "Ann's alliance")
        save(page)
        expect(main(page).get_by_text("Saved 1 change(s)", exact=False)).to_be_visible()
        edit_cell(bob, bob_grid, 1, 500, "Bob's venture")
        expect(main(bob).get_by_text("Someone else", exact=False)).to_have_count(0)
        save(bob)
        expect(main(bob).get_by_text("Saved 1 change(s)", exact=False)).to_be_visible()
        assert names(server)[:3] == ["Ann's alliance", "Bob's venture", first[2]]

        # The same row: Ann saves first; Bob, who loaded it before, is warned and refused.
        edit_cell(page, edit_tab(page), 2, 500, "Ann's programme")
        save(page)
        edit_cell(bob, edit_tab(bob), 2, 500, "Bob's programme")
        wait_ready(bob)
        expect(
            main(bob).get_by_text("Someone else changed or removed 1 of the rows you edited")
        ).to_be_visible(timeout=10_000)
        bob.screenshot(path=str(tmp_path / "refused.png"))
        save(bob)
        expect(
            main(bob).get_by_text(
                "partnerships.csv changed since you loaded the data (someone else changed or "
                "removed a row you changed)",
                exact=False,
            )
        ).to_be_visible()
        assert names(server)[2] == "Ann's programme"
        main(bob).get_by_role("button", name="Reload / discard").click()
        wait_ready(bob)
        expect(main(bob).get_by_text("Someone else", exact=False)).to_have_count(0)

        # The history says who did what.
        bob.get_by_role("tab", name="History").click()
        wait_ready(bob)
        history = (server.data / "history.jsonl").read_text(encoding="utf-8")
        assert history.count('"user":"Ann (session') == 2
        assert history.count('"user":"Bob (session') == 1
    finally:
        other.close()
