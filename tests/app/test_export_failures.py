"""A download that cannot be made says why, next to its menu, without a traceback."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from plotting.text import markdown_text


def page() -> None:
    import contextlib

    import streamlit as st

    from ui.exports import guarded, show_failures

    def broken() -> bytes:
        raise RuntimeError("the export browser could not draw the PNG\n(KaleidoError: 525)")

    make = guarded(broken, "demo_png", "The PNG of Portfolio")
    fixed = guarded(lambda: b"\x89PNG\r\n\x1a\n", "demo_png", "The PNG of Portfolio")
    # Streamlit calls the deferred download outside the script; the test calls it here.
    if st.button("click"):
        with contextlib.suppress(RuntimeError):
            make()
    if st.button("retry"):
        fixed()
    show_failures("demo_png")


def test_a_failed_download_shows_an_error_until_it_works() -> None:
    at = AppTest.from_function(page).run()
    assert not at.error
    at.button[0].click().run()
    assert len(at.error) == 1
    message = at.error[0].value
    # Shown as text (the reason can quote a user's name): Markdown-escaped.
    assert message == markdown_text(
        "The PNG of Portfolio could not be made: the export browser could not draw the PNG "
        "(KaleidoError: 525)"
    )
    assert "Traceback" not in message and not at.exception
    at.run()
    assert len(at.error) == 1, "it stays until a later attempt works"
    at.button[1].click().run()
    at.run()
    assert not at.error


def test_without_chromium_the_pages_say_so_and_disable_what_needs_it(
    tiny: Path, app, monkeypatch
) -> None:
    from plotting import export

    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    at = app(tiny, "app_pages/present.py")
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("PowerPoint deck and the PDF report cannot be made here" in e for e in errors)
    assert any("apt-get install chromium" in e for e in errors)
    buttons = {b.label: b for b in at.get("download_button")}
    assert buttons["PowerPoint"].proto.disabled and buttons["PDF report"].proto.disabled
    assert not buttons["Offline HTML"].proto.disabled
    for fmt in ("PNG", "SVG", "PDF"):
        assert buttons[fmt].proto.disabled, fmt
    assert not buttons["HTML"].proto.disabled
    at = app(tiny, "app_pages/portfolio.py")
    assert any("PNG, SVG and PDF cannot be made here" in e.value for e in at.error)
    buttons = {b.label: b for b in at.get("download_button")}
    assert not buttons["This view as CSV"].proto.disabled


def test_with_chromium_nothing_is_disabled(tiny: Path, app) -> None:
    at = app(tiny, "app_pages/present.py")
    assert not at.error
    assert not any(b.proto.disabled for b in at.get("download_button"))
