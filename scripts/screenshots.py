"""Take screenshots of every page in a real browser (for the README and for review).

Usage: python scripts/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    start_server,
    stop_server,
    wait_chart,
    wait_ready,
)

PAGES = [
    ("", "Plotting Partnerships", "overview"),
    ("plot", "Plot a partnership", "plot"),
    ("portfolio", "Portfolio", "portfolio"),
    ("partnership?partnership=dodoma-hygiene-alliance", "Course & perspectives", "course"),
    ("compare", "Compare", "compare"),
]


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", data)
        server = start_server(data, Path(tmp) / "log")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
                page = browser.new_page(viewport={"width": 1440, "height": 1100})
                page.goto(server.url)  # warm-up: the server learns its page list
                wait_ready(page)
                for path, title, name in PAGES:
                    page.goto(f"{server.url}/{path}")
                    wait_ready(page, title)
                    wait_chart(page)
                    page.wait_for_timeout(800)
                    page.screenshot(path=str(out / f"{name}.png"))
                    print(out / f"{name}.png")
                browser.close()
        finally:
            stop_server(server.process)


if __name__ == "__main__":
    main()
