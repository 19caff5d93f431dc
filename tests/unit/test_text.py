"""User text is data: escaping for Plotly and Markdown, formula neutralisation."""

import pytest

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
