"""Browser: import a spreadsheet through the real uploader, see it in the history, undo it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, wait_ready

EURO = (
    "partnership_id;date;perspective;kind;delivery_policy;regulation_innovation;note\r\n"
    "nakuru-water-kiosks ;15.03.2026;donor;actual;2,5;-1;Imported from Excel\r\n"
).encode("cp1252")


def main(page: Page):
    return page.locator('[data-testid="stMain"]')


def rows(server: Server, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((server.data / name).read_text(encoding="utf-8"))))


def test_import_then_undo(page: Page, server: Server, tmp_path: Path) -> None:
    before = (server.data / "placements.csv").read_bytes()
    page.goto(server.url)
    wait_ready(page, "Plotting Partnerships")
    page.goto(f"{server.url}/data")
    wait_ready(page, "Data")

    path = tmp_path / "euro.csv"
    path.write_bytes(EURO)
    main(page).locator('input[type="file"]').set_input_files(str(path))
    wait_ready(page)
    expect(main(page).get_by_text("semicolon-separated", exact=False)).to_be_visible()
    button = main(page).get_by_role(
        "button", name="Import: 0 new partnership(s), 0 changed, 1 new placement(s)"
    )
    expect(button).to_be_enabled(timeout=20_000)
    button.click()
    wait_ready(page)
    expect(main(page).get_by_text("Imported euro.csv", exact=False)).to_be_visible()
    last = rows(server, "placements.csv")[-1]
    assert (last["partnership_id"], last["date"], last["delivery_policy"], last["note"]) == (
        "nakuru-water-kiosks",
        "2026-03-15",
        "2.5",
        "Imported from Excel",
    )

    page.get_by_role("tab", name="History").click()
    wait_ready(page)
    main(page).get_by_role("button", name="Undo this change").click()
    wait_ready(page)
    expect(main(page).get_by_text("Undone (recorded as change", exact=False)).to_be_visible()
    assert (server.data / "placements.csv").read_bytes() == before
