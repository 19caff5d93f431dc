"""Browser: pick a partnership, read its course and perspectives, press play and see the
frame change; on Compare, find the most divided partnership and open it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

import plotting as pp
from plotting import course as cr
from tests.browser.conftest import Server, main, wait_ready

DODOMA = "dodoma-hygiene-alliance"
DODOMA_NAME = "Dodoma Handwashing Behaviour Change Alliance"
NAKURU_NAME = "Nakuru Informal Settlements Water Kiosk Partnership"


def chart(page: Page, key: str):
    """The drawn Plotly chart with this widget key."""
    box = page.locator(f".st-key-{key}")
    box.locator(".main-svg").first.wait_for(timeout=30_000)
    return box


def wait_trace(page: Page, key: str, name: str, x: list[float], y: list[float]) -> None:
    """Wait until the chart shows a trace with this name at these coordinates (to 0.01)."""
    page.wait_for_function(
        """([key, name, x, y]) => {
            const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
            const t = gd && gd._fullData && gd._fullData.find(t => t.name === name);
            const near = (a, b) => a.length === b.length
                && a.every((v, i) => Math.abs(v - b[i]) < 0.01);
            return !!t && near(Array.from(t.x), x) && near(Array.from(t.y), y);
        }""",
        arg=[key, name, x, y],
        timeout=20_000,
    )


def annotations(page: Page, key: str, name: str) -> list[dict]:
    return page.evaluate(
        """([key, name]) => {
            const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
            return gd.layout.annotations.filter(a => a.name === name);
        }""",
        [key, name],
    )


def choose(page: Page, key: str, option: str) -> None:
    """Pick an option in the Streamlit selectbox with this widget key."""
    box = page.locator(f".st-key-{key} [role=combobox]")
    box.click()
    box.fill(option[:20])  # filter first: long option lists render only what is in view
    page.get_by_role("option", name=option, exact=True).click()
    wait_ready(page)


def slider_label(page: Page, key: str) -> str:
    return page.locator(f".st-key-{key} .slider-label").first.text_content() or ""


def press_play_and_see_the_frame_change(page: Page, key: str) -> None:
    """Press ▶ Play and wait until the slider has left its first date and the points moved."""
    first = slider_label(page, key)
    start = page.evaluate(
        """key => {
            const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
            return gd._fullData.filter(t => t.ids).map(t => Array.from(t.x || []));
        }""",
        key,
    )
    chart(page, key).locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_function(
        """([key, first]) => {
            const label = document.querySelector(`.st-key-${key} .slider-label`);
            return label && label.textContent !== first;
        }""",
        arg=[key, first],
        timeout=20_000,
    )
    # The points are where the new date puts them.
    page.wait_for_function(
        """([key, start]) => {
            const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
            const now = gd._fullData.filter(t => t.ids).map(t => Array.from(t.x || []));
            return JSON.stringify(now) !== JSON.stringify(start);
        }""",
        arg=[key, start],
        timeout=20_000,
    )
    assert slider_label(page, key) != first


def test_course_perspectives_and_time_of_a_partnership(page: Page, server: Server) -> None:
    ds = pp.load_dataset(server.data)
    x, y = ds.axis_ids[:2]
    placements = pp.partnership_placements(ds, DODOMA)
    course = cr.perspective_course(placements, "civil society", [x, y])
    positions = cr.perspective_positions(placements, [x, y])
    centre = cr.consensus(positions, [x, y])
    changes = cr.axis_changes(placements, "civil society", ds.axes)
    assert len(course) >= 3  # the sample story has several rounds

    page.goto(server.url)  # warm-up: a fresh server's first visit can race the navigation
    wait_ready(page, "Plotting Partnerships")
    page.goto(f"{server.url}/partnership")
    wait_ready(page, "Course & perspectives")
    chart(page, "cp_course_chart")

    choose(page, "cp_partnership", DODOMA_NAME)
    choose(page, "cp_perspective", "civil society")

    # Its course: the dated path, an arrow per step, the target star.
    wait_trace(page, "cp_course_chart", "civil society", course[x].tolist(), course[y].tolist())
    arrows = annotations(page, "cp_course_chart", "arrow")
    assert len(arrows) == len(course) - 1
    assert page.evaluate(
        """() => {
            const gd = document.querySelector('.st-key-cp_course_chart .js-plotly-plot');
            return gd._fullData.some(t => t.name.startsWith('target') && t.marker.symbol === 'star');
        }"""
    )
    label, words = cr.course_points(changes, ds.axes)[0]
    expect(main(page).get_by_text(f"{words}.", exact=False).first).to_be_visible()
    expect(main(page).get_by_text(label).first).to_be_visible()

    # Its perspectives: each view and the consensus between them.
    wait_trace(page, "cp_perspectives_chart", "consensus (median)", [centre[x]], [centre[y]])
    for row in positions.itertuples():
        wait_trace(
            page, "cp_perspectives_chart", row.perspective, [getattr(row, x)], [getattr(row, y)]
        )
    views = cr.latest_views(placements, ds.axis_ids)
    overall = cr.overall_divergence(cr.divergence(views, ds.axes))
    expect(
        main(page).locator('[data-testid="stMetricValue"]', has_text=f"{overall:.2f}")
    ).to_be_visible()

    # Over time: press play and the animation moves on from its first date.
    time_chart = chart(page, "cp_time_chart")
    time_chart.scroll_into_view_if_needed()
    assert slider_label(page, "cp_time_chart") == f"As of {course['date'].min():%Y-%m-%d}"
    press_play_and_see_the_frame_change(page, "cp_time_chart")

    # All axes: the radar replaces the parallel axes.
    page.locator(".st-key-cp_all_axes_view").get_by_text("Radar", exact=True).click()
    wait_ready(page)
    chart(page, "cp_all_axes_chart").locator(".polarlayer").first.wait_for(timeout=20_000)


def test_compare_finds_the_most_divided_and_opens_it(page: Page, server: Server) -> None:
    ds = pp.load_dataset(server.data)
    ranking = cr.disagreement_ranking(ds)
    page.goto(server.url)
    wait_ready(page, "Plotting Partnerships")
    page.goto(f"{server.url}/compare")
    wait_ready(page, "Compare")
    chart(page, "cmp_ranking_chart")
    first_label = page.evaluate(
        """() => document.querySelector('.st-key-cmp_ranking_chart .js-plotly-plot')
                    .layout.yaxis.ticktext[0]"""
    )
    assert first_label == f"1. {ranking['name'].iloc[0]}" == f"1. {DODOMA_NAME}"
    expect(chart(page, "cmp_ranking_chart").get_by_text(f"1. {DODOMA_NAME}")).to_be_visible()

    # The portfolio through time: play moves it on.
    chart(page, "cmp_time_chart").scroll_into_view_if_needed()
    press_play_and_see_the_frame_change(page, "cmp_time_chart")

    # Open another partnership's course from here.
    choose(page, "cmp_open", NAKURU_NAME)
    main(page).get_by_role("link", name="Open Course & perspectives").click()
    wait_ready(page, "Course & perspectives")
    expect(page.locator(".st-key-cp_partnership [role=combobox]")).to_have_value(NAKURU_NAME)
    assert "partnership=nakuru-water-kiosks" in page.url
