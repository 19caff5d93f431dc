"""The library never imports Streamlit, and its public surface is what __init__ names."""

from __future__ import annotations

import ast
from pathlib import Path

import plotting

PACKAGE = Path(plotting.__file__).parent


def test_plotting_never_imports_streamlit_or_the_app() -> None:
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top not in {"streamlit", "ui", "app_pages", "pages"}, (
                    f"{path.name} imports {name}"
                )


def test_public_names_exist_and_are_listed() -> None:
    assert len(plotting.__all__) == len(set(plotting.__all__))
    for name in plotting.__all__:
        assert hasattr(plotting, name), name
