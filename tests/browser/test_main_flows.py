"""Browser: plot a partnership with the sliders and by clicking the map, save, and find it
on the chart and in the CSV; compare the portfolio and select points."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import Page, expect

from plotting.figures import RANGE
from tests.browser.conftest import Server, main, wait_chart, wait_ready


def trace(page: Page, name: str, chart: int = 0) -> dict | None:
    """A trace of a drawn Plotly chart, read from the live plot (x, y as lists)."""
    return page.evaluate(
        """([name, i]) => {
            const plot = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')[i];
            const t = plot && plot._fullData.find(t => t.name === name);
            return t ? {x: Array.from(t.x), y: Array.from(t.y)} : null;
        }""",
        [name, chart],
    )


def wait_trace(page: Page, name: str, x: list[float], y: list[float], chart: int = 0) -> None:
    """Wait until the drawn chart has a trace with this name at these coordinates."""
    page.wait_for_function(
        """([name, i, x, y]) => {
            const plot = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')[i];
            const t = plot && plot.data && plot._fullData.find(t => t.name === name);
            return !!t && JSON.stringify(Array.from(t.x)) === JSON.stringify(x)
                && JSON.stringify(Array.from(t.y)) === JSON.stringify(y);
        }""",
        arg=[name, chart, x, y],
        timeout=15_000,
    )


def click_map(page: Page, x: float, y: float, chart: int = 0) -> None:
    """Move to a data position on a tension map, wait for Plotly's hover, then click."""
    area = page.locator('[data-testid="stPlotlyChart"]').nth(chart).locator("rect.nsewdrag").first
    box = area.bounding_box()
    lo, hi = RANGE
    px = box["x"] + (x - lo) / (hi - lo) * box["width"]
    py = box["y"] + box["height"] - (y - lo) / (hi - lo) * box["height"]
    page.mouse.move(px, py)
    page.wait_for_timeout(150)
    page.mouse.click(px, py)


def last_csv_row(server: Server) -> dict[str, str]:
    text = (server.data / "placements.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))[-1]


def choose(page: Page, key: str, option: str) -> None:
    """Pick an option in the Streamlit selectbox with this widget key."""
    box = page.locator(f".st-key-{key} [role=combobox]")
    box.click()
    box.fill(option[:20])  # filter first: long option lists render only what is in view
    page.get_by_role("option", name=option, exact=True).click()
    wait_ready(page)


def slider(page: Page, key: str):
    return page.locator(f".st-key-{key} input[type=range]")


def test_place_with_sliders_and_click_then_save(page: Page, server: Server) -> None:
    page.goto(server.url)  # warm-up: the first chart click of a fresh server can be lost
    wait_ready(page, "Plotting Partnerships")
    page.goto(f"{server.url}/plot")
    wait_ready(page, "Plot a partnership")
    wait_chart(page)
    choose(page, "plot_partnership", "Nakuru Informal Settlements Water Kiosk Partnership")
    choose(page, "plot_perspective", "donor")

    # Sliders: to the low pole of delivery/policy, then 10 steps (1.0) toward the high pole.
    handle = slider(page, "plot_pos_delivery_policy")
    handle.focus()
    page.keyboard.press("Home")
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    wait_ready(page)
    expect(handle).to_have_value("-4")
    wait_trace(page, "New: donor · actual", [-4], trace(page, "New: donor · actual")["y"])

    # Click on the map: the vertical axis takes the clicked position.
    click_map(page, -4.0, 3.0)
    wait_ready(page)
    expect(slider(page, "plot_pos_regulation_innovation")).to_have_value("3")
    wait_trace(page, "New: donor · actual", [-4], [3])

    # A second click elsewhere moves it again (the selection does not stick).
    click_map(page, 2.0, -1.6)
    wait_ready(page)
    expect(slider(page, "plot_pos_delivery_policy")).to_have_value("2")
    expect(slider(page, "plot_pos_regulation_innovation")).to_have_value("-1.6")

    main(page).get_by_label("Rationale").fill(
        "Kiosk data now feeds the county's <b>tariff</b> review."
    )
    main(page).get_by_role("button", name="Save placement").click()
    wait_ready(page)
    expect(main(page).get_by_text("Saved:", exact=False)).to_be_visible()

    row = last_csv_row(server)
    assert row["partnership_id"] == "nakuru-water-kiosks"
    assert (row["perspective"], row["kind"]) == ("donor", "actual")
    assert (row["delivery_policy"], row["regulation_innovation"]) == ("2", "-1.6")
    assert row["note"] == "Kiosk data now feeds the county's <b>tariff</b> review."
    wait_trace(page, "donor", [2], [-1.6])
    # The rationale appears in the history table as text, not as bold markup.
    expect(main(page).locator("b", has_text="tariff")).to_have_count(0)


def test_portfolio_filter_and_box_select(page: Page, server: Server) -> None:
    page.goto(server.url)
    wait_ready(page, "Plotting Partnerships")
    page.goto(f"{server.url}/portfolio")
    wait_ready(page, "Portfolio")
    chart = wait_chart(page)
    n_before = page.evaluate(
        "() => document.querySelector('[data-testid=\"stPlotlyChart\"] .js-plotly-plot')._fullData"
        ".filter(t => t.name !== 'balance').reduce((n, t) => n + t.x.length, 0)"
    )
    choose(page, "pf_perspective", "donor")
    n_after = page.evaluate(
        "() => document.querySelector('[data-testid=\"stPlotlyChart\"] .js-plotly-plot')._fullData"
        ".filter(t => t.name !== 'balance').reduce((n, t) => n + t.x.length, 0)"
    )
    assert 0 < n_after < n_before
    # The view's CSV holds every placement shown, under the table's headers (made on click).
    with page.expect_download(timeout=60_000) as info:
        main(page).get_by_role("button", name="This view as CSV").click()
    with open(info.value.path(), encoding="utf-8-sig", newline="") as f:
        view = list(csv.DictReader(f))
    assert len(view) == n_after and {r["Perspective"] for r in view} == {"donor"}
    assert list(view[0])[:2] == ["Partnership", "Country"]
    # Box-select the upper-left quadrant (Delivering services · Stimulating innovation).
    area = chart.locator("rect.nsewdrag").first
    box = area.bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 - 5, box["y"] + box["height"] / 2 - 5, steps=8)
    page.mouse.up()
    wait_ready(page)
    heading = main(page).get_by_text("Selected:", exact=False)
    expect(heading).to_be_visible()
    tables = main(page).locator('[data-testid="stDataFrame"]')
    expect(tables).to_have_count(2)
