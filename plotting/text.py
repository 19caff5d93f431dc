"""Making user text safe to show: it is data, never markup.

Plotly renders a subset of HTML in hover text, labels and titles, and Streamlit renders
Markdown; spreadsheets run cells that start with '=' as formulas. Everything a user typed
goes through one of these functions on its way out.
"""

from __future__ import annotations

import html
import re
import textwrap

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def plotly_text(value: object, width: int | None = None) -> str:
    """Text for Plotly hover, labels or titles: HTML escaped, line breaks kept.

    Plotly decodes &lt; &gt; &amp; back to characters and draws them as text, so
    '<b>' shows as '<b>' instead of turning bold (or running a link).
    """
    text = "" if value is None else str(value)
    lines = text.splitlines() or [""]
    if width:
        lines = [wrapped for line in lines for wrapped in (textwrap.wrap(line, width) or [""])]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def markdown_text(value: object) -> str:
    """Text for st.markdown/st.caption: every Markdown and HTML character escaped."""
    text = "" if value is None else str(value)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def spreadsheet_safe(value: object) -> object:
    """A cell that no spreadsheet will run as a formula; numbers stay numbers.

    Text starting with '=', '+', '-', '@', tab or carriage return gets a leading
    apostrophe (the OWASP advice for CSV injection), unless it is a plain number.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value
