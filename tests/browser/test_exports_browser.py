"""Downloads that survive reruns, and Present slides whose chart fills a 16:9 screen."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, main, wait_chart, wait_ready


def choose(page: Page, key: str, option: str, wait: bool = True) -> None:
    box = page.locator(f".st-key-{key} [role=combobox]")
    box.click()
    box.fill(option[:20])
    page.get_by_role("option", name=option, exact=True).click()
    if wait:
        wait_ready(page)


def download(page: Page, name: str) -> bytes:
    with page.expect_download(timeout=60_000) as info:
        main(page).get_by_role("button", name=name).click()
    with open(info.value.path(), "rb") as f:
        return f.read()


def view_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_view_downloads_answer_after_intervening_reruns(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/portfolio")
    wait_ready(page, "Portfolio")
    wait_chart(page)
    everyone = view_rows(download(page, "This view as CSV"))
    # A rerun between render and click (another filter): the file is the new view's.
    choose(page, "pf_color", "country")
    choose(page, "pf_perspective", "donor")
    donor = view_rows(download(page, "This view as CSV"))
    assert 0 < len(donor) < len(everyone) and {r["Perspective"] for r in donor} == {"donor"}
    # The click itself does not rerun the page: a second download right after works too,
    # and so does one clicked while a rerun is still running.
    assert view_rows(download(page, "This view as CSV")) == donor
    choose(page, "pf_perspective", "public", wait=False)
    late = view_rows(download(page, "This view as CSV"))
    assert {r["Perspective"] for r in late} <= {"donor", "public"} and late
    wait_ready(page)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(download(page, "This view as Excel"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Partnership", "Country")
    assert {r[4] for r in rows[1:]} == {"public"}
    # No download left an error behind.
    expect(main(page).locator('[data-testid="stDownloadButtonError"]')).to_have_count(0)
    expect(main(page).locator('[data-testid="stAlertContentError"]')).to_have_count(0)


@pytest.mark.parametrize(
    ("width", "height", "query"),
    [
        (1920, 1080, "slide=3"),
        (1600, 900, "slide=2"),
        (1280, 720, "slide=3"),
        (1280, 720, "slide=1&theme=contrast"),
    ],
)
def test_the_present_chart_fills_a_16_9_screen(
    page: Page, server: Server, width: int, height: int, query: str, tmp_path_factory
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server.url}/present?partnership=nakuru-water-kiosks&{query}")
    wait_ready(page)
    chart = page.locator(".st-key-present_stage [data-testid='stPlotlyChart']")
    chart.locator(".main-svg").first.wait_for()
    page.wait_for_timeout(500)  # the sidebar folds away
    wait_ready(page)
    shot = tmp_path_factory.mktemp("present") / f"present-{width}x{height}.png"
    page.screenshot(path=str(shot))
    box = chart.bounding_box()
    assert box is not None
    area = box["width"] * box["height"] / (width * height)
    print(f"{width}×{height}: chart {box} covers {area:.0%} of the screen; {shot}")
    assert area >= 0.6, f"the chart covers {area:.0%} of the screen"
    assert box["height"] >= 0.8 * height, f"the chart is {box['height'] / height:.0%} as tall"
    # Nothing of the slide is cut off: the chart and the navigation are inside the screen.
    assert box["y"] >= 0 and box["y"] + box["height"] <= height
    nav = page.locator(".st-key-present_nav").bounding_box()
    assert nav is not None and nav["y"] + nav["height"] <= height + 1


def test_the_dataset_downloads_twice_in_a_row(page: Page, server: Server) -> None:
    import zipfile

    from openpyxl import load_workbook

    page.goto(f"{server.url}/data")
    wait_ready(page, "Data")
    main(page).get_by_role("tab", name="Export").click()
    for _ in range(2):  # the first click must not leave the second without a file
        with zipfile.ZipFile(io.BytesIO(download(page, "Dataset as CSV files (.zip)"))) as z:
            assert sorted(z.namelist()) == ["axes.csv", "partnerships.csv", "placements.csv"]
        book = load_workbook(io.BytesIO(download(page, "Dataset as Excel (.xlsx)")))
        assert len(book.sheetnames) == 3
    expect(main(page).locator('[data-testid="stDownloadButtonError"]')).to_have_count(0)
