"""The README stays honest: every page, CSV column and command is documented."""

from __future__ import annotations

import re
from pathlib import Path

from plotting.cli import build_parser
from plotting.model import AXES_COLUMNS, PARTNERSHIP_COLUMNS, PLACEMENT_RESERVED

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_two_commands_on_top() -> None:
    top = README[: README.index("## The pages")]
    assert "make run" in top and "make test" in top


def test_every_page_is_documented() -> None:
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    titles = re.findall(r'st\.Page\([^)]*?title="([^"]+)"', app, flags=re.S)
    assert titles, "app.py lists its pages"
    for title in titles:
        assert f"**{title}**" in README, f"page {title!r} is not in the README's table"


def test_every_csv_column_is_documented() -> None:
    for column in (*AXES_COLUMNS, *PARTNERSHIP_COLUMNS, *PLACEMENT_RESERVED):
        assert f"| `{column}` |" in README, f"column {column!r} is not documented"


def test_every_command_is_documented() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        assert f"python -m plotting {name}" in README, f"command {name!r} is not documented"


def test_no_placeholders_left() -> None:
    assert not re.search(r"\b[A-Z]+_SECTION\b", README)


def test_screenshots_exist() -> None:
    for image in re.findall(r"\]\((docs/[^)]+\.png)\)", README):
        assert (ROOT / image).is_file(), image
