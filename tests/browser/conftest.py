"""Real-browser fixtures: a `streamlit run` server on a private copy of the data, and
Playwright driving Debian's Chromium (Playwright's own browser download does not work
on these machines)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench import server as bench_server
from plotting.export import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """Launch Debian's Chromium, headless, with the flags this machine needs."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (as root).")
    return {"executable_path": CHROMIUM, "headless": True, "args": list(CHROMIUM_ARGS)}


@pytest.fixture(scope="session")
def browser_context_args() -> dict:
    """A tall viewport: Streamlit scrolls an inner container, so full-page shots miss content."""
    return {"viewport": {"width": 1440, "height": 1800}, "device_scale_factor": 1}


#: Every page of the app: (URL path, its title), in the order of the navigation.
PAGES = (
    ("", "Plotting Partnerships"),
    ("plot", "Plot a partnership"),
    ("portfolio", "Portfolio"),
    ("partnership", "Course & perspectives"),
    ("compare", "Compare"),
    ("present", "Present"),
    ("data", "Data"),
)


@dataclass
class Server:
    """A running app: its URL and the data folder it serves."""

    url: str
    data: Path
    process: subprocess.Popen


def start_server(data: Path, log: Path) -> Server:
    """Start `streamlit run app.py` on `data` and wait until it answers."""
    srv = bench_server.start(ROOT / "app.py", {"PLOTTING_DATA_DIR": str(data)}, log)
    return Server(srv.url, data, srv.process)


stop_server = bench_server.stop


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on a private copy of the sample data (one server per test module)."""
    base = tmp_path_factory.mktemp("app")
    data = base / "data"
    shutil.copytree(ROOT / "data", data)
    srv = start_server(data, base / "streamlit.log")
    yield srv
    stop_server(srv.process)


def wait_ready(page, text: str | None = None, timeout: float = 30_000) -> None:
    """Wait until the app has rendered (and shows `text` in the main area) and is idle."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    if text:
        page.locator('[data-testid="stMain"]').get_by_text(text, exact=True).first.wait_for(
            timeout=timeout
        )
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout
    )
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout
    )


def wait_chart(page, index: int = 0, timeout: float = 30_000):
    """The index-th Plotly chart, once drawn."""
    chart = page.locator('[data-testid="stPlotlyChart"]').nth(index)
    chart.locator(".main-svg").first.wait_for(timeout=timeout)
    return chart


def main(page):
    """The page's main area (the sidebar repeats page titles: look things up in here)."""
    return page.locator('[data-testid="stMain"]')


def warm_up(server: Server, browser) -> None:
    """Open the front page once in a throw-away context.

    A fresh server learns its page list from the entry point (deep links before that are
    taken for legacy pages), and the first chart click of a fresh server can be lost.
    """
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url)
    wait_ready(page, "Plotting Partnerships")
    page.locator('[data-testid="stSidebar"]').get_by_text("Map axes").wait_for()
    context.close()
