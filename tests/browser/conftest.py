"""Real-browser fixtures: a `streamlit run` server on a private copy of the data, and
Playwright driving Debian's Chromium (Playwright's own browser download does not work
on these machines)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
]


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
    return {"executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args() -> dict:
    """A tall viewport: Streamlit scrolls an inner container, so full-page shots miss content."""
    return {"viewport": {"width": 1440, "height": 1800}, "device_scale_factor": 1}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running app: its URL and the data folder it serves."""

    url: str
    data: Path
    process: subprocess.Popen


def start_server(data: Path, log: Path) -> Server:
    """Start `streamlit run app.py` on `data` and wait until it answers."""
    port = _free_port()
    env = {**os.environ, "PLOTTING_DATA_DIR": str(data)}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return Server(url, data, proc)
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("streamlit did not answer within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    """End the server's whole process group."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


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
