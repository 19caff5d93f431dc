"""A download that cannot be made says why, next to its menu, without a traceback."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


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
    assert message == (
        "The PNG of Portfolio could not be made: the export browser could not draw the PNG "
        "(KaleidoError: 525)"
    )
    assert "Traceback" not in message and not at.exception
    at.run()
    assert len(at.error) == 1, "it stays until a later attempt works"
    at.button[1].click().run()
    at.run()
    assert not at.error
