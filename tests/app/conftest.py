"""AppTest fixtures: the app on a private copy of a dataset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Open a page of the app on a data folder: app(folder, "app_pages/plot.py")."""

    def open_page(folder: Path, page: str | None = None) -> AppTest:
        monkeypatch.setenv("PLOTTING_DATA_DIR", str(folder))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_page
