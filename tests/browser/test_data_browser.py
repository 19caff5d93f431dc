"""Browser: import a spreadsheet through the real uploader, see it in the history, undo it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import Server, main, wait_ready

EURO = (
    "partnership_id;date;perspective;kind;delivery_policy;regulation_innovation;note\r\n"
    "nakuru-water-kiosks ;15.03.2026;donor;actual;2,5;-1;Imported from Excel\r\n"
).encode("cp1252")


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


KIOSK = (
    b"partnership_id,date,perspective,kind,delivery_policy,note\n"
    b"nakuru-water-kiosks,2026-04-01,county,actual,1.5,Imported just before an edit\n"
)

# Notes, the moment the import's success message enters the page, whether the table
# editor that was on the page before the import is still there.
WATCH_SUCCESS = """grid => {
    window.__oldEditorAtSuccess = undefined;
    new MutationObserver((_, observer) => {
        const alerts = [...document.querySelectorAll('[data-testid="stAlert"]')];
        if (alerts.some(a => a.textContent.includes("Imported kiosk.csv"))) {
            window.__oldEditorAtSuccess = grid.isConnected;
            observer.disconnect();
        }
    }).observe(document.body, {childList: true, subtree: true, characterData: true});
}"""


def edit_cell(page: Page, grid, row: int, x: float, text: str) -> str:
    """Double-click a cell of a glide data grid (row 0 = first data row, x from the grid's
    left edge), type text and press Enter; returns the cell's value before."""
    box = grid.bounding_box()
    editor = page.locator("textarea.gdg-input")
    for _ in range(20):  # the grid may still be laying out just after a tab switch
        page.mouse.dblclick(box["x"] + x, box["y"] + 35 * (row + 1) + 17)
        try:
            editor.wait_for(timeout=500)
            break
        except PlaywrightTimeout:
            continue
    before = editor.input_value()
    editor.fill(text)
    page.keyboard.press("Enter")
    expect(editor).to_have_count(0)
    return before


def test_edit_right_after_import_is_kept(page: Page, server: Server, tmp_path: Path) -> None:
    """The first edit made as soon as an import says it is done goes to the table as it is
    after the import, and is saved (it used to go to the table being replaced, and vanish)."""
    page.goto(server.url)
    wait_ready(page, "Plotting Partnerships")
    page.goto(f"{server.url}/data")
    wait_ready(page, "Data")
    page.get_by_role("tab", name="Edit").click()
    shown = page.locator('[role="tabpanel"]:visible [data-testid="stDataFrame"]').first
    shown.wait_for()
    old_editor = shown.element_handle()
    page.get_by_role("tab", name="Import").click()

    path = tmp_path / "kiosk.csv"
    path.write_bytes(KIOSK)
    main(page).locator('input[type="file"]').set_input_files(str(path))
    wait_ready(page)
    button = main(page).get_by_role("button", name="Import: 0 new partnership(s), 0 changed")
    expect(button).to_be_enabled(timeout=20_000)
    page.evaluate(WATCH_SUCCESS, old_editor)
    button.click()
    expect(main(page).get_by_text("Imported kiosk.csv", exact=False)).to_be_visible(timeout=20_000)
    assert page.evaluate("window.__oldEditorAtSuccess") is False, (
        "the import said it was done while the editor of the old data was still on the page"
    )

    page.get_by_role("tab", name="Edit").click()
    grid = page.locator('[role="tabpanel"]:visible [data-testid="stDataFrame"]').first
    before = edit_cell(page, grid, 1, 500, "Dhaka FSM Joint Venture")
    assert before == "Dhaka Peri-Urban Faecal Sludge Joint Venture"
    save = main(page).get_by_role("button", name="Save 1 change(s)")
    expect(save).to_be_enabled(timeout=10_000)
    expect(main(page).get_by_text("Someone else", exact=False)).to_have_count(0)
    save.click()
    wait_ready(page)
    expect(main(page).get_by_text("Saved 1 change(s)", exact=False)).to_be_visible(timeout=20_000)
    names = {r["partnership_id"]: r["name"] for r in rows(server, "partnerships.csv")}
    assert names["dhaka-fsm-venture"] == "Dhaka FSM Joint Venture"
    last = rows(server, "placements.csv")[-1]
    assert (last["partnership_id"], last["note"]) == (
        "nakuru-water-kiosks",
        "Imported just before an edit",
    )


CODES = (
    b"Code,Name,Date,Perspective,delivery_policy,Budget,Lead officer\n"
    b"P-17,Lake Victoria Small Towns Water Alliance,2026-05-01,donor,1,1200,<b>Ana</b>\x07\n"
)


def test_import_warns_about_a_guessed_id_then_keeps_an_extra_column(
    page: Page, server: Server, tmp_path: Path
) -> None:
    """A guessed id column that matches no id, while a name matches, stops the import;
    mapping by name instead adds to the existing partnership, keeping the Budget column."""
    before = {n: (server.data / n).read_bytes() for n in ("partnerships.csv", "placements.csv")}
    page.goto(server.url)
    wait_ready(page, "Plotting Partnerships")
    page.goto(f"{server.url}/data")
    wait_ready(page, "Data")
    path = tmp_path / "codes.csv"
    path.write_bytes(CODES)
    main(page).locator('input[type="file"]').set_input_files(str(path))
    wait_ready(page)
    warning = main(page).get_by_text("The column 'Code', mapped to the partnership id", exact=False)
    expect(warning).to_be_visible(timeout=20_000)
    button = main(page).get_by_role("button", name="Import: 1 new partnership(s)")
    expect(button).to_be_disabled()
    expect(main(page).get_by_text("Budget, Lead officer", exact=False)).to_be_visible()
    expect(main(page).get_by_text("removed control character(s) U+0007")).to_have_count(1)
    expect(main(page).get_by_text("1 cell(s) cleaned or to check", exact=True)).to_be_visible()
    page.screenshot(path=str(tmp_path / "import-warning.png"))

    main(page).get_by_role("combobox", name="Partnership id").click()
    page.get_by_role("option", name="— not in the file —").click()
    wait_ready(page)
    expect(warning).to_have_count(0)
    keep = main(page).get_by_role("combobox", name="Keep as extra columns of partnerships.csv")
    keep.click()
    page.get_by_role("option", name="Budget").click()
    page.keyboard.press("Escape")
    wait_ready(page)
    expect(
        main(page).get_by_text("1 existing partnership changes: 1 cell.", exact=False)
    ).to_be_visible(timeout=20_000)
    page.screenshot(path=str(tmp_path / "import-preview.png"))
    button = main(page).get_by_role(
        "button",
        name="Import: 0 new partnership(s), 1 changed, 1 new placement(s); 1 new column(s)",
    )
    expect(button).to_be_enabled()
    button.click()
    wait_ready(page)
    expect(main(page).get_by_text("Imported codes.csv", exact=False)).to_be_visible()
    parts = {r["partnership_id"]: r for r in rows(server, "partnerships.csv")}
    assert parts["lake-victoria-small-towns"]["Budget"] == "1200"
    assert "Lead officer" not in parts["lake-victoria-small-towns"]
    last = rows(server, "placements.csv")[-1]
    assert (last["partnership_id"], last["date"]) == ("lake-victoria-small-towns", "2026-05-01")

    page.get_by_role("tab", name="History").click()
    wait_ready(page)
    main(page).get_by_role("button", name="Undo this change").click()
    wait_ready(page)
    expect(main(page).get_by_text("Undone (recorded as change", exact=False)).to_be_visible()
    assert {n: (server.data / n).read_bytes() for n in before} == before
