"""Shareable views: the current view kept in the URL, so a copied link reopens it.

A link carries plain values only (ids, names, ISO dates, numbers), and every value is
checked on the way in: an unknown or malformed one falls back to the default with a
short notice (a toast), never an error page. Reading happens once per session and
page (the URL then follows the widgets); the parsing functions are plain functions
of a {name: [values]} mapping, so they are testable without a browser.

Parameters (the page is the address's path): `x`, `y` (axis ids, every page, Overview
included); on Portfolio: the filters below, `kind` and `color`; on Plot: `partnership`,
`perspective`, `kind`; on Course & perspectives: `partnership`, `perspective`, `scale`
(course or full), `shape` (parallel or radar); on Compare: the filters `sector`, `country`,
`arrangement` (repeated), `order` (divided or name), `open` (a partnership), `chosen`
(repeated), `shape`; on Present: `partnership` (repeated, in deck order), `slide`
(1-based; present only while presenting), `preview` (the slide previewed while
setting up), `title`, `theme`, `blind`, `ranking`,
`revealed` (partnership ids), and the filters `sector`, `country`, `arrangement`
(repeated), `perspective`, `from`, `to` (YYYY-MM-DD). Each page's widget keys and
parameter names are defined here once (the `Field`s and `*_KEYS` below).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import streamlit as st

import plotting as pp
from plotting.text import without_control_characters

Params = Mapping[str, Sequence[str]]

X, Y = "x", "y"
PARTNERSHIP = "partnership"
SLIDE = "slide"
#: Present, while setting up: the slide shown in the preview (1-based).
PREVIEW = "preview"
THEME = "theme"
#: Present: the deck's title (free text, at most TITLE_MAX characters).
TITLE, TITLE_MAX = "title", 120
BLIND = "blind"
RANKING = "ranking"
REVEALED = "revealed"
PERSPECTIVE = "perspective"
FROM, TO = "from", "to"
FILTER_COLUMNS = ("sector", "country", "arrangement")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass
class Reading:
    """Values read from a link, and what had to be dropped or corrected (for notices)."""

    values: dict[str, object] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


# ---- parsing: plain functions -----------------------------------------------------------


def _short(value: str, limit: int = 30) -> str:
    """A value quoted for a notice, shortened (a link can carry anything)."""
    value = value.replace("\n", " ")
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _all(params: Params, key: str) -> list[str]:
    """Every value of a parameter, blanks dropped."""
    return [v for v in params.get(key, []) if v.strip()]


def _last(params: Params, key: str) -> str | None:
    """The parameter's last value (what a repeated single-valued parameter means)."""
    values = _all(params, key)
    return values[-1].strip() if values else None


def read_axes(params: Params, ids: Sequence[str], reading: Reading | None = None) -> Reading:
    """The axis pair from `x` and `y`: known, different axis ids."""
    reading = reading or Reading()
    chosen: dict[str, str] = {}
    for key, name in ((X, "horizontal"), (Y, "vertical")):
        value = _last(params, key)
        if value is None:
            continue
        if value not in ids:
            reading.notices.append(
                f"Unknown {name} axis {_short(value)} in the link: kept the default."
            )
        elif key == Y and chosen.get(X) == value:
            reading.notices.append(
                "The link asked for the same axis twice: kept a different vertical axis."
            )
        else:
            chosen[key] = value
    reading.values.update(chosen)
    return reading


def read_choices(
    params: Params, key: str, options: Sequence[str], what: str, reading: Reading
) -> list[str]:
    """The known values of a repeated parameter, in link order, without duplicates."""
    known, out = set(options), []
    for value in _all(params, key):
        value = value.strip()
        if value not in known:
            reading.notices.append(f"Unknown {what} {_short(value)} in the link: left out.")
        elif value not in out:
            out.append(value)
    return out


def read_choice(
    params: Params, key: str, options: Sequence[str], what: str, reading: Reading
) -> str | None:
    """One known value, or None (with a notice when the link's value is unknown)."""
    value = _last(params, key)
    if value is None:
        return None
    if value not in options:
        reading.notices.append(f"Unknown {what} {_short(value)} in the link: kept the default.")
        return None
    return value


def read_flag(params: Params, key: str, what: str, reading: Reading) -> bool | None:
    """A yes/no parameter (1/0, true/false, yes/no, on/off), or None when absent."""
    value = _last(params, key)
    if value is None:
        return None
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    reading.notices.append(
        f"{what} {_short(value)} in the link is not yes or no: kept the default."
    )
    return None


def read_date(params: Params, key: str, what: str, reading: Reading) -> dt.date | None:
    """A YYYY-MM-DD date, or None (with a notice when malformed)."""
    value = _last(params, key)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        reading.notices.append(
            f"{what} {_short(value)} in the link is not a YYYY-MM-DD date: ignored."
        )
        return None


def read_number(params: Params, key: str, what: str, reading: Reading) -> int | None:
    """A positive whole number, or None (with a notice when malformed).

    Only ASCII digits, at most six: str.isdigit() also accepts '²' (which int() refuses),
    and int() refuses more than 4,300 digits; no deck has a million slides.
    """
    value = _last(params, key)
    if value is None:
        return None
    if not re.fullmatch(r"[0-9]{1,6}", value) or int(value) < 1:
        reading.notices.append(
            f"{what} {_short(value)} in the link is not a number from 1: ignored."
        )
        return None
    return int(value)


def read_filters(params: Params, ds: pp.Dataset, reading: Reading) -> Reading:
    """Partnership column filters, perspective and period, as the Portfolio page uses them."""
    parts = ds.partnerships
    for col in FILTER_COLUMNS:
        if col in parts.columns:
            options = pp.analysis.choices(parts[col])
            chosen = read_choices(params, col, options, col, reading)
            if chosen or _all(params, col):
                reading.values[col] = chosen
    perspective = read_choice(params, PERSPECTIVE, ds.perspectives, "perspective", reading)
    if perspective:
        reading.values[PERSPECTIVE] = perspective
    start = read_date(params, FROM, "The start date", reading)
    end = read_date(params, TO, "The end date", reading)
    if start and end and start > end:
        reading.notices.append("The link's period ended before it started: swapped the dates.")
        start, end = end, start
    if start:
        reading.values[FROM] = start
    if end:
        reading.values[TO] = end
    return reading


def read_present(params: Params, ds: pp.Dataset) -> Reading:
    """Everything the Present page takes from a link (the deck, the slide, the options)."""
    from plotting.deck import THEMES

    reading = Reading()
    ids = ds.partnerships["partnership_id"].tolist()
    chosen = read_choices(params, PARTNERSHIP, ids, "partnership", reading)
    if chosen or _all(params, PARTNERSHIP):
        reading.values[PARTNERSHIP] = chosen
    read_filters(params, ds, reading)
    theme = read_choice(params, THEME, list(THEMES), "theme", reading)
    if theme:
        reading.values[THEME] = theme
    for key, what in ((BLIND, "Blind"), (RANKING, "Ranking")):
        flag = read_flag(params, key, what, reading)
        if flag is not None:
            reading.values[key] = flag
    revealed = read_choices(params, REVEALED, ids, "partnership", reading)
    if revealed:
        reading.values[REVEALED] = revealed
    title = _last(params, TITLE)
    if title:
        # Text from a link is data: control characters out, a title's length at most.
        reading.values[TITLE] = " ".join(without_control_characters(title).split())[:TITLE_MAX]
    preview = read_number(params, PREVIEW, "Preview slide", reading)
    if preview is not None:
        reading.values[PREVIEW] = preview
    slide = read_number(params, SLIDE, "Slide", reading)
    if slide is not None:
        reading.values[SLIDE] = slide
    return reading


def clamp_slide(slide: int, n_slides: int, reading: Reading | None = None) -> int:
    """A 1-based slide number within the deck (with a notice when it was outside)."""
    if 1 <= slide <= n_slides:
        return slide
    fixed = min(max(slide, 1), max(n_slides, 1))
    if reading is not None:
        reading.notices.append(
            f"The deck has {n_slides} slides, not {slide}: showing slide {fixed}."
        )
    return fixed


def encode(values: Mapping[str, object]) -> dict[str, str | list[str]]:
    """URL values from plain ones: dates as YYYY-MM-DD, flags as 1, lists repeated.

    Empty values (None, False, [], '') are left out, so links stay short.
    """
    out: dict[str, str | list[str]] = {}
    for key, value in values.items():
        if value is None or value is False or value == "" or value == [] or value == ():
            continue
        if value is True:
            out[key] = "1"
        elif isinstance(value, dt.date):
            out[key] = value.isoformat()
        elif isinstance(value, list | tuple):
            out[key] = [str(v) for v in value]
        else:
            out[key] = str(value)
    return out


# ---- Streamlit side ------------------------------------------------------------------------


def url_params() -> dict[str, list[str]]:
    """The current URL's parameters as {name: [values]}."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def first_visit(page: str) -> bool:
    """True the first time this session runs `page` (when a link is read); marks it seen."""
    flag = f"_share_seen_{page}"
    if st.session_state.get(flag):
        return False
    st.session_state[flag] = True
    return True


def show_notices(notices: Iterable[str]) -> None:
    """A short toast per corrected value (never an error page)."""
    for notice in notices:
        st.toast(pp.markdown_text(notice), icon=":material/link_off:", duration="long")


def publish(values: Mapping[str, object], keys: Iterable[str]) -> None:
    """Make the URL say `values` for the parameters in `keys` (others are left alone).

    Only differences are written, so an unchanged view sends nothing to the browser.
    """
    wanted = encode(values)
    updates: dict[str, str | list[str]] = {}
    for key in keys:
        if key in wanted:
            new = wanted[key]
            if st.query_params.get_all(key) != (new if isinstance(new, list) else [new]):
                updates[key] = new
        elif key in st.query_params:
            del st.query_params[key]
    if updates:
        st.query_params.update(updates)


# ---- the axis pair (every page, from app.py) ---------------------------------------------

AXIS_X, AXIS_Y = "axis_x", "axis_y"


def restore_axes(ds: pp.Dataset) -> None:
    """On a session's first run, take the axis pair from the link (call before the picker)."""
    ids = ds.axis_ids
    if not first_visit("axes") or len(ids) < 2:
        return
    reading = read_axes(url_params(), ids)
    show_notices(reading.notices)
    if not reading.values:
        return
    x, y = reading.values.get(X), reading.values.get(Y)
    # Fill in the other axis so that the pair stays two different axes.
    x = x or next(a for a in ids if a != y)
    y = y or next(a for a in ids if a != x)
    st.session_state[AXIS_X], st.session_state[AXIS_Y] = x, y


def publish_axes(ds: pp.Dataset) -> None:
    """Keep `x` and `y` in the URL in step with the axis picker (call after it)."""
    x, y = st.session_state.get(AXIS_X), st.session_state.get(AXIS_Y)
    if x in ds.axis_ids and y in ds.axis_ids:
        publish({X: x, Y: y}, (X, Y))


# ---- bindings for other pages (wired by their owners) -------------------------------------

#: Portfolio page: URL parameter -> widget key.
PORTFOLIO_KEYS = {
    "sector": "pf_sector",
    "country": "pf_country",
    "arrangement": "pf_arrangement",
    PERSPECTIVE: "pf_perspective",
}
PORTFOLIO_DATES = "pf_dates"
#: Portfolio page: where they are (actual, the default) or their targets.
KIND, PORTFOLIO_KIND = "kind", "pf_kind"
#: Portfolio page: what colours the points.
COLOR, PORTFOLIO_COLOR = "color", "pf_color"
#: Plot page: URL parameter -> widget key.
PLOT_KEYS = {PARTNERSHIP: "plot_partnership", PERSPECTIVE: "plot_perspective"}
#: Plot page: an actual position (the default) or a target.
PLOT_KIND = "plot_kind"


def portfolio_colours(ds: pp.Dataset) -> tuple[list[str], str]:
    """The Portfolio's colour-by options, and the default (sector, when there is one)."""
    options = ["perspective", *ds.categorical_columns]
    return options, "sector" if "sector" in options else options[0]


def restore_portfolio(ds: pp.Dataset) -> None:
    """Portfolio page, before its filters: take filters, period and kind from a link, once."""
    if not first_visit("portfolio"):
        return
    params = url_params()
    reading = read_filters(params, ds, Reading())
    kind = read_choice(params, KIND, pp.KINDS, "kind", reading)
    if kind:
        st.session_state[PORTFOLIO_KIND] = kind
    colour = read_choice(params, COLOR, portfolio_colours(ds)[0], "colour", reading)
    if colour:
        st.session_state[PORTFOLIO_COLOR] = colour
    for param, key in PORTFOLIO_KEYS.items():
        if param in reading.values:
            st.session_state[key] = reading.values[param]
    start, end = reading.values.get(FROM), reading.values.get(TO)
    if start or end:
        dates = ds.placements["date"]
        first = dates.min().date() if len(dates) else dt.date.today()
        last = dates.max().date() if len(dates) else dt.date.today()
        st.session_state[PORTFOLIO_DATES] = (start or first, end or last)
    show_notices(reading.notices)


def publish_portfolio(ds: pp.Dataset) -> None:
    """Portfolio page, after its filters: the filters and period into the URL."""
    values: dict[str, object] = {
        param: st.session_state.get(key) for param, key in PORTFOLIO_KEYS.items()
    }
    if values.get(PERSPECTIVE) == pp.ALL:
        values[PERSPECTIVE] = None
    period = st.session_state.get(PORTFOLIO_DATES)
    dates = ds.placements["date"]
    if isinstance(period, tuple) and len(period) == 2 and len(dates):
        first, last = dates.min().date(), dates.max().date()
        values[FROM] = period[0] if period[0] != first else None
        values[TO] = period[1] if period[1] != last else None
    kind = st.session_state.get(PORTFOLIO_KIND)
    values[KIND] = kind if kind and kind != pp.KINDS[0] else None
    colour = st.session_state.get(PORTFOLIO_COLOR)
    values[COLOR] = colour if colour != portfolio_colours(ds)[1] else None
    publish(values, [*PORTFOLIO_KEYS, FROM, TO, KIND, COLOR])


def restore_plot(ds: pp.Dataset) -> None:
    """Plot page, before its widgets: the partnership and perspective from a link, once."""
    if not first_visit("plot"):
        return
    params, reading = url_params(), Reading()
    ids = ds.partnerships["partnership_id"].tolist()
    pid = read_choice(params, PARTNERSHIP, ids, "partnership", reading)
    if pid:
        st.session_state[PLOT_KEYS[PARTNERSHIP]] = pid
        options = pp.analysis.perspective_options(ds, pid)
        perspective = read_choice(params, PERSPECTIVE, options, "perspective", reading)
        if perspective:
            st.session_state[PLOT_KEYS[PERSPECTIVE]] = perspective
    kind = read_choice(params, KIND, pp.KINDS, "kind", reading)
    if kind:
        st.session_state[PLOT_KIND] = kind
    show_notices(reading.notices)


def publish_plot() -> None:
    """Plot page, after its widgets: the partnership and perspective into the URL."""
    pid = st.session_state.get(PLOT_KEYS[PARTNERSHIP])
    perspective = st.session_state.get(PLOT_KEYS[PERSPECTIVE])
    values = {
        PARTNERSHIP: pid if pid and not str(pid).startswith("__") else None,
        PERSPECTIVE: perspective if perspective and not str(perspective).startswith("__") else None,
        KIND: None if st.session_state.get(PLOT_KIND) in (None, pp.KINDS[0]) else "target",
    }
    publish(values, [*PLOT_KEYS, KIND])


# ---- fields: one widget, one link parameter ------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A widget whose value a link carries: its URL parameter and its widget key, once.

    `many`: a repeated parameter (a multiselect). `values`: link value -> widget value,
    for widgets whose values are labels (the link then says `radar`, not `Radar`).
    """

    param: str
    key: str
    what: str
    many: bool = False
    values: Mapping[str, str] | None = None

    def to_link(self, value: object) -> object:
        """The widget's value as the link writes it."""
        if self.values is None:
            return value
        back = {v: k for k, v in self.values.items()}
        return back.get(value, value)


def _seen(page: str) -> dict[str, list[str]]:
    """What the URL said for this page's parameters when the page last wrote or read it."""
    return st.session_state.setdefault(f"_share_url_{page}", {})


def restore_field(
    page: str, field: Field, options: Sequence[str], reading: Reading | None = None
) -> None:
    """Set the widget from the link, before it is drawn, when the link says something new.

    New means: present in the URL and not what this page last wrote there, so a link
    opened in a fresh session, or one from another page (Compare opens a partnership on
    Course & perspectives), takes effect, while the page's own address never overrides
    the widgets. An unknown value is left out with a notice (in `reading`, or a toast).
    """
    params = url_params()
    said = _all(params, field.param)
    seen = _seen(page)
    if not said or said == seen.get(field.param):
        return
    seen[field.param] = said
    own = reading or Reading()
    link_options = list(field.values) if field.values else list(options)
    if field.many:
        chosen = read_choices(params, field.param, link_options, field.what, own)
        value: object = [field.values[v] for v in chosen] if field.values else chosen
        value = [v for v in value if v in options]
    else:
        one = read_choice(params, field.param, link_options, field.what, own)
        value = field.values[one] if field.values and one else one
        if value is not None and value not in options:
            own.notices.append(
                f"{field.what.capitalize()} {_short(str(one))} is not on offer here."
            )
            value = None
    if value is not None:
        st.session_state[field.key] = value
    if reading is None:
        show_notices(own.notices)


def publish_fields(page: str, fields: Iterable[Field], defaults: Mapping[str, object]) -> None:
    """The widgets' values into the URL (a value equal to its default is left out)."""
    fields = list(fields)
    values: dict[str, object] = {}
    for f in fields:
        value = st.session_state.get(f.key)
        if value is None or value == defaults.get(f.key) or str(value).startswith("__"):
            values[f.param] = None
        else:
            values[f.param] = [f.to_link(v) for v in value] if f.many else f.to_link(value)
    publish(values, [f.param for f in fields])
    seen = _seen(page)
    for key, value in encode(values).items():
        seen[key] = value if isinstance(value, list) else [value]
    for f in fields:
        if values.get(f.param) in (None, [], ""):
            seen.pop(f.param, None)


#: Course & perspectives page.
SCALE = "scale"
COURSE_PARTNERSHIP = Field(PARTNERSHIP, "cp_partnership", "partnership")
COURSE_PERSPECTIVE = Field(PERSPECTIVE, "cp_perspective", "perspective")
#: Zoomed to the course (the default) or the full −5…+5 scale.
SCALES = {"course": "Zoom to course", "full": "Full scale −5…+5"}
COURSE_SCALE = Field(SCALE, "cp_scale", "scale", values=SCALES)
SHAPES = {"parallel": "Parallel axes", "radar": "Radar"}
COURSE_SHAPE = Field("shape", "cp_all_axes_view", "chart", values=SHAPES)
COURSE_FIELDS = (COURSE_PARTNERSHIP, COURSE_PERSPECTIVE, COURSE_SCALE, COURSE_SHAPE)

#: Compare page.
ORDERS = {"divided": "Most divided first", "name": "By name"}
COMPARE_FILTERS = {col: Field(col, f"cmp_{col}", col, many=True) for col in FILTER_COLUMNS}
COMPARE_ORDER = Field("order", "cmp_order", "order", values=ORDERS)
COMPARE_OPEN = Field("open", "cmp_open", "partnership")
COMPARE_CHOSEN = Field("chosen", "cmp_chosen", "partnership", many=True)
COMPARE_SHAPE = Field("shape", "cmp_all_axes_view", "chart", values=SHAPES)
COMPARE_FIELDS = (
    *COMPARE_FILTERS.values(),
    COMPARE_ORDER,
    COMPARE_OPEN,
    COMPARE_CHOSEN,
    COMPARE_SHAPE,
)
