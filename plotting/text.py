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
    return "'" + value if runs_as_formula(value) else value


def runs_as_formula(value: str) -> bool:
    """Whether a spreadsheet would run this text as a formula (not a plain number).

    True for text starting with '=', '+', '-', '@', tab or carriage return, unless it
    is a number such as -2.5.
    """
    return value.startswith(_FORMULA_START) and not _NUMBER.match(value)


# Characters that no spreadsheet user means to type: C0 controls except tab, LF and CR,
# DEL, the non-characters U+FFFE/U+FFFF, and lone surrogates (which cannot be encoded).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
# Characters that show as nothing: a cell made only of these (and white space) is blank.
_INVISIBLE = re.compile(
    "[\\s\u00a0\u00ad\u180e\u200b-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]"
)


def control_characters(value: str) -> list[str]:
    """The control characters in a text, each once, as 'U+0007' names, in order of appearance."""
    seen: dict[str, None] = {}
    for char in _CONTROL.findall(value):
        seen.setdefault(f"U+{ord(char):04X}", None)
    return list(seen)


def without_control_characters(value: str) -> str:
    """The text with every control character removed (tab, line breaks and the rest kept)."""
    return _CONTROL.sub("", value)


def is_blank(value: object) -> bool:
    """True for None and for text made only of white space and invisible characters.

    A name of a zero-width space, a byte-order mark or a non-breaking space looks empty
    in every table and chart, so it is as good as none.
    """
    return value is None or not _INVISIBLE.sub("", str(value))


def control_message(names: list[str]) -> str:
    """What to say about a cell holding these control characters ('U+0007' names)."""
    if len(names) == 1:
        return f"contains a control character {names[0]} that no spreadsheet shows; delete it"
    return f"contains control characters {', '.join(names)} that no spreadsheet shows; delete them"
