"""AppTest: what users type is shown as text, never run as Markdown.

A partnership name or a perspective holding Markdown (bold, a link, an image that would
make the page fetch from outside) or HTML is added and placed on the Plot page, then
viewed on Portfolio. Every text that Streamlit renders as Markdown (element bodies,
widget labels and help, radio and pill options) must carry it escaped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from plotting.text import markdown_text
from ui import share

PLOT = "app_pages/plot.py"
PORTFOLIO = "app_pages/portfolio.py"
NAME = "**x** ![i](http://example.com/a.png) <b>y</b>"
PERSPECTIVE = "_p_ [l](http://example.com/) ![j](http://example.com/b.png) <i>z</i>"
#: Fields of element protos that Streamlit renders as Markdown.
MARKDOWN_FIELDS = {"body", "label", "help", "caption"}
#: Elements whose options are Markdown too (st.radio, st.pills, st.segmented_control).
MARKDOWN_OPTIONS = {"radio", "button_group"}
#: Raw pieces of the two texts, any of which in a Markdown field means it ran as markup.
RAW = ["**x**", "![i]", "<b>y</b>", "_p_", "[l](", "![j]", "<i>z</i>"]
#: Markdown left live: an image, a link, or an HTML tag whose opening is not escaped.
LIVE = [
    re.compile(r"(?<!\\)!\["),
    re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\("),
    re.compile(r"(?<!\\)<(?:b|i)>"),
]


def _strings(message: Message, markdown_options: bool) -> Iterator[str]:
    """The Markdown-rendered strings of a proto, nested messages included."""
    for field, value in message.ListFields():
        values = value if field.is_repeated else [value]
        for item in values:
            if isinstance(item, Message):
                yield from _strings(item, markdown_options)
            elif isinstance(item, str) and (
                field.name in MARKDOWN_FIELDS or (markdown_options and field.name == "options")
            ):
                yield item


def markdown_texts(at: AppTest) -> list[str]:
    """Every Markdown-rendered text on the page as last run (main area and sidebar)."""
    found: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            found.extend(_strings(proto, node.type in MARKDOWN_OPTIONS))
        children = getattr(node, "children", {})
        for child in children.values() if isinstance(children, dict) else children:
            walk(child)

    walk(at._tree)
    return found


def assert_no_live_markup(at: AppTest) -> list[str]:
    texts = markdown_texts(at)
    for text in texts:
        for raw in RAW:
            assert raw not in text, f"{raw!r} reached the page unescaped in {text!r}"
        for live in LIVE:
            assert not live.search(text), f"live markup in {text!r}"
    return texts


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_names_and_perspectives_are_never_markdown(app, tiny: Path) -> None:
    at = app(tiny, PLOT)
    at.selectbox(key="plot_partnership").set_value("__new__").run()
    at.text_input(key="new_name").input(NAME)
    _button(at, "Add partnership").click().run()
    assert not at.exception, [e.value for e in at.exception]
    # The flash names the new partnership: escaped.
    added = " ".join(s.value for s in at.success)
    assert markdown_text(NAME) in added
    assert_no_live_markup(at)

    at.selectbox(key="plot_perspective").set_value("__other__").run()
    at.text_input(key="plot_perspective_other").input(PERSPECTIVE).run()
    at.date_input(key="plot_date").set_value(dt.date(2025, 6, 30)).run()
    at.slider(key="plot_pos_delivery_policy").set_value(2.0).run()
    _button(at, "Save placement").click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = " ".join(s.value for s in at.success)
    assert saved.startswith("Saved"), saved
    assert markdown_text(NAME) in saved and markdown_text(PERSPECTIVE) in saved
    assert_no_live_markup(at)

    at.switch_page(PORTFOLIO).run()
    at.selectbox(key=share.PORTFOLIO_KEYS[share.PERSPECTIVE]).set_value(PERSPECTIVE).run()
    assert not at.exception, [e.value for e in at.exception]
    texts = assert_no_live_markup(at)
    assert any(f"as seen by {markdown_text(PERSPECTIVE)}" in t for t in texts), texts


def test_a_refused_value_is_quoted_as_text(app, tiny: Path) -> None:
    """A problem message quotes what was typed: shown escaped."""
    at = app(tiny, PLOT)
    at.selectbox(key="plot_partnership").set_value("__new__").run()
    at.text_input(key="new_name").input("Echo")
    at.text_input(key="new_started").input("![s](http://example.com/s.png)")
    _button(at, "Add partnership").click().run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert errors, "the bad start date was not refused"
    assert any(markdown_text("![s](http://example.com/s.png)") in e for e in errors), errors
    for text in markdown_texts(at):
        assert not LIVE[0].search(text), f"live image in {text!r}"
