"""User text is data: escaping for Plotly and Markdown, formula neutralisation."""

import pytest

from plotting import text
from plotting.text import markdown_text, plotly_text, spreadsheet_safe


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ("a & b", "a &amp; b"),
        ('say "hi"', 'say "hi"'),
        ("line1\nline2", "line1<br>line2"),
        (None, ""),
    ],
)
def test_plotly_text(raw: object, safe: str) -> None:
    assert plotly_text(raw) == safe


def test_plotly_text_wraps() -> None:
    assert plotly_text("one two three", width=7) == "one two<br>three"


def test_markdown_text_escapes_markup() -> None:
    out = markdown_text("**bold** [link](javascript:x) <img>")
    assert "**" not in out.replace("\\*", "")
    assert out.startswith("\\*\\*bold\\*\\*")
    assert "\\<img\\>" in out


@pytest.mark.parametrize(
    ("value", "out"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-2.5", "-2.5"),
        ("+3", "+3"),
        ("plain", "plain"),
        (-2.5, -2.5),
    ],
)
def test_spreadsheet_safe(value: object, out: object) -> None:
    assert spreadsheet_safe(value) == out


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("plain", []),
        ("tab\tand\r\nbreaks", []),
        ("bell\x07here\x07", ["U+0007"]),
        ("nul\x00 del\x7f", ["U+0000", "U+007F"]),
        ("non\ufffechar\uffff", ["U+FFFE", "U+FFFF"]),
        ("lone \ud800 surrogate", ["U+D800"]),
    ],
)
def test_control_characters(value, names):
    assert text.control_characters(value) == names
    cleaned = text.without_control_characters(value)
    assert text.control_characters(cleaned) == []
    assert len(cleaned) == len(value) - sum(value.count(chr(int(n[2:], 16))) for n in names)


@pytest.mark.parametrize(
    ("value", "blank"),
    [
        (None, True),
        ("", True),
        ("  \t", True),
        ("\u200b", True),
        ("\ufeff", True),
        ("\u00a0\u200b\ufeff ", True),
        ("a\u200b", False),
        ("Ω", False),
    ],
)
def test_is_blank(value, blank):
    assert text.is_blank(value) is blank
