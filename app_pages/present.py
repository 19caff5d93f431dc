"""Present: build a deck, run the meeting from it full screen, then hand out the files."""

import datetime as dt
from functools import partial

import plotly.graph_objects as go
import streamlit as st

import plotting as pp
from plotting import deck, export
from plotting.text import markdown_text
from ui import share, state
from ui.exports import download, export_buttons, show_failures

ON = "present_on"
SLIDE = "present_slide"
REVEALED = "present_revealed"
PARTNERSHIPS = "present_partnerships"
TITLE = "present_title"
THEME = "present_theme"
BLIND = "present_blind"
RANKING = "present_ranking"
PERSPECTIVE = "present_perspective"
DATES = "present_dates"
PREVIEW = "present_preview"
#: Setup widgets keep their values while the deck is being presented (they are not drawn).
KEEP = {"persist_state": "session"}
#: Large type for a room: the charts' base font size while presenting (13 elsewhere).
PRESENT_FONT = deck.PRESENT_FONT
#: Height of the chart's stage before the page's CSS sizes it to the screen.
CHART_HEIGHT = 820


def column_key(col: str) -> str:
    return f"present_{col}"


ds = state.dataset()
x_axis, y_axis = state.require_axis_pair(ds)
ids = ds.partnerships["partnership_id"].tolist()
names = dict(zip(ids, ds.partnerships["name"], strict=True))
columns = [c for c in share.FILTER_COLUMNS if c in ds.partnerships.columns]
dates = ds.placements["date"]
first_day = dates.min().date() if len(dates) else dt.date.today()
last_day = dates.max().date() if len(dates) else dt.date.today()

# ---- once per session: defaults, then whatever a shared link says -----------------------
notices: list[str] | None = None  # a list only when this run read a link
if share.first_visit("present"):
    reading = share.read_present(share.url_params(), ds)
    link = reading.values
    defaults = {
        TITLE: "Plotting Partnerships",
        THEME: "light",
        BLIND: False,
        RANKING: False,
        PARTNERSHIPS: [],
        PERSPECTIVE: pp.ALL,
        DATES: (first_day, last_day),
        **{column_key(c): [] for c in columns},
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    from_link = {
        TITLE: share.TITLE,
        PARTNERSHIPS: share.PARTNERSHIP,
        THEME: share.THEME,
        BLIND: share.BLIND,
        RANKING: share.RANKING,
        PERSPECTIVE: share.PERSPECTIVE,
        **{column_key(c): c for c in columns},
    }
    for key, param in from_link.items():
        if param in link:
            st.session_state[key] = link[param]
    if share.FROM in link or share.TO in link:
        asked = (link.get(share.FROM, first_day), link.get(share.TO, last_day))
        # The date picker refuses a value outside the data's dates: keep the period to them.
        kept = tuple(min(max(day, first_day), last_day) for day in asked)
        if kept != asked:
            reading.notices.append(
                f"The link's period reaches beyond the placements' dates ({first_day} to "
                f"{last_day}): kept to them."
            )
        st.session_state[DATES] = kept
    st.session_state[REVEALED] = list(link.get(share.REVEALED, []))
    st.session_state[ON] = share.SLIDE in link
    st.session_state[SLIDE] = link.get(share.SLIDE, 1)
    if share.PREVIEW in link:
        st.session_state[PREVIEW] = link[share.PREVIEW]
    notices = reading.notices
st.session_state.setdefault(REVEALED, [])
st.session_state.setdefault(ON, False)
st.session_state.setdefault(SLIDE, 1)

# ---- the deck the choices describe ---------------------------------------------------------
period = st.session_state.get(DATES) or (first_day, last_day)
start, end = (*tuple(period), None, None)[:2]
spec = deck.DeckSpec(
    x=x_axis.axis_id,
    y=y_axis.axis_id,
    partnership_ids=tuple(p for p in st.session_state.get(PARTNERSHIPS, []) if p in names),
    columns={c: tuple(st.session_state.get(column_key(c)) or ()) for c in columns},
    perspective=st.session_state.get(PERSPECTIVE) or pp.ALL,
    start=start if start and start != first_day else None,
    end=end if end and end != last_day else None,
    ranking=bool(st.session_state.get(RANKING)),
    blind=bool(st.session_state.get(BLIND)),
    title=(st.session_state.get(TITLE) or "").strip() or "Plotting Partnerships",
)
slides = deck.build_deck(ds, spec)
theme = st.session_state.get(THEME) or "light"
# A slide number from a link that is past the end gets a notice; later (a shorter deck
# after editing it) the number is simply kept in range.
reading = share.Reading(notices=notices) if notices is not None else None
st.session_state[SLIDE] = share.clamp_slide(int(st.session_state[SLIDE]), len(slides), reading)
share.show_notices(notices or [])


def is_revealed(slide: deck.Slide) -> bool:
    return not slide.blind or slide.partnership_id in st.session_state[REVEALED]


def go_to(number: int) -> None:
    st.session_state[SLIDE] = min(max(number, 1), len(slides))


def step(delta: int) -> None:
    go_to(st.session_state[SLIDE] + delta)


def reveal(pid: str) -> None:
    if pid not in st.session_state[REVEALED]:
        st.session_state[REVEALED] = [*st.session_state[REVEALED], pid]


def start_presenting(number: int = 1) -> None:
    st.session_state[ON] = True
    go_to(number)


def stop_presenting() -> None:
    st.session_state[ON] = False


def move(index: int, delta: int) -> None:
    st.session_state[PARTNERSHIPS] = deck.move(st.session_state[PARTNERSHIPS], index, delta)


def remove(pid: str) -> None:
    st.session_state[PARTNERSHIPS] = [p for p in st.session_state[PARTNERSHIPS] if p != pid]


def add_all(pids: list[str]) -> None:
    chosen = list(st.session_state.get(PARTNERSHIPS, []))
    st.session_state[PARTNERSHIPS] = chosen + [p for p in pids if p not in chosen]


def figure_for(
    slide: deck.Slide,
    *,
    revealed: bool,
    font_size: int = 13,
    height: int = 620,
    width: int | None = None,
    marker_scale: float = 1.0,
):
    return deck.slide_figure(
        ds,
        spec,
        slide,
        revealed=revealed,
        theme=theme,
        font_size=font_size,
        height=height,
        width=width,
        marker_scale=marker_scale,
    )


def share_values() -> dict[str, object]:
    """What the URL should say about this page."""
    values: dict[str, object] = {
        share.PARTNERSHIP: list(spec.partnership_ids),
        **{c: list(spec.columns.get(c, ())) for c in columns},
        share.PERSPECTIVE: spec.perspective if spec.perspective != pp.ALL else None,
        share.FROM: spec.start,
        share.TO: spec.end,
        share.TITLE: spec.title if spec.title != "Plotting Partnerships" else None,
        share.THEME: theme if theme != "light" else None,
        share.BLIND: spec.blind,
        share.RANKING: spec.ranking,
        share.REVEALED: [p for p in st.session_state[REVEALED] if p in spec.partnership_ids]
        if spec.blind
        else [],
        share.SLIDE: st.session_state[SLIDE] if st.session_state[ON] else None,
        share.PREVIEW: None
        if st.session_state[ON] or st.session_state.get(PREVIEW, 1) == 1
        else st.session_state.get(PREVIEW),
    }
    return values


PRESENT_KEYS = [
    share.TITLE,
    share.PARTNERSHIP,
    *columns,
    share.PERSPECTIVE,
    share.FROM,
    share.TO,
    share.THEME,
    share.BLIND,
    share.RANKING,
    share.REVEALED,
    share.SLIDE,
    share.PREVIEW,
]


def link_to_this_view() -> str:
    """The shareable link (the address bar says the same)."""
    from urllib.parse import urlencode

    # st.context.url may or may not end with this page's path, depending on how the
    # page was reached: drop it, then add it back once.
    base = (st.context.url or "").rstrip("/").removesuffix("/present")
    query = urlencode(
        share.encode({share.X: x_axis.axis_id, share.Y: y_axis.axis_id, **share_values()}),
        doseq=True,
    )
    return f"{base}/present?{query}" if base else f"/present?{query}"


# ---- presenting ----------------------------------------------------------------------------
PRESENT_CSS = """
<style>
header[data-testid="stHeader"] { background: transparent; }
[data-testid="stToolbarActions"], [data-testid="stMainMenu"], [data-testid="stDecoration"],
[data-testid="stAppDeployButton"] { display: none; }
[data-testid="stMainBlockContainer"] { padding: 1.1rem 3rem 0.4rem 4.5rem; max-width: 100%; }
.st-key-present_heading h1 { font-size: 2.8rem; line-height: 1.2; font-weight: 700;
  padding: 0; margin: 0; }
.st-key-present_heading [data-testid="stHeading"] [data-testid="stMarkdownContainer"] {
  margin-bottom: 0 !important; }
.st-key-present_heading [data-testid="stCaptionContainer"] { font-size: 1.45rem;
  line-height: 1.3; margin: 0.35rem 0 0 !important; opacity: 1; }
/* opacity 1: Streamlit's 0.6 caption opacity would bring the subtitle to 2.9:1 on white */
.st-key-present_heading [data-testid="stCaptionContainer"] p { color: #4B5563; }
div:has(> .st-key-present_stage) { flex: 0 0 calc(100vh - 13.25rem) !important;
  height: calc(100vh - 13.25rem) !important; min-height: 360px; }
@media (max-height: 1000px) {
  [data-testid="stMainBlockContainer"] { padding-top: 0.4rem; padding-bottom: 0; }
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] { gap: 0.35rem; }
  .st-key-present_heading h1 { font-size: 1.9rem; }
  .st-key-present_heading [data-testid="stCaptionContainer"] { font-size: 1.05rem;
    margin-top: 0.15rem !important; }
  div:has(> .st-key-present_stage) { flex-basis: calc(100vh - 8.9rem) !important;
    height: calc(100vh - 8.9rem) !important; }
}
.st-key-present_nav { gap: 0.75rem; }
.st-key-present_nav [data-testid="stMarkdownContainer"] p { font-size: 1.2rem;
  font-variant-numeric: tabular-nums; margin: 0; }
</style>
"""
#: Collapses the sidebar when presenting starts (st.set_page_config from a page would reset
#: the sidebar the entry point drew). It runs once, when the presentation view mounts.
COLLAPSE_SIDEBAR = """
<script>
(function collapse(tries) {
  const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (button && button.getAttribute('aria-expanded') === 'true') { button.click(); return; }
  if (!button && tries > 0) { setTimeout(function () { collapse(tries - 1); }, 100); }
})(30);
</script>
"""
CONTRAST_CSS = """
<style>
[data-testid="stApp"], [data-testid="stMain"] { background: #000000; color: #FFFFFF; }
.st-key-present_heading h1 { color: #FFFFFF; }
.st-key-present_heading [data-testid="stCaptionContainer"] p { color: #E5E7EB; }
.st-key-present_nav [data-testid="stMarkdownContainer"] p { color: #FFFFFF; }
.st-key-present_nav button { background: #000000; border: 2px solid #FFFFFF; }
.st-key-present_nav button, .st-key-present_nav button * { color: #FFFFFF; }
.st-key-present_nav button:disabled { border-color: #4B5563; }
.st-key-present_nav button:disabled * { color: #6B7280; }
.st-key-present_nav button[kind="primary"] { background: #F0E442; border-color: #F0E442; }
.st-key-present_nav button[kind="primary"] * { color: #000000; }
[data-testid="stExpandSidebarButton"] * { color: #FFFFFF; }
</style>
"""


def presenting() -> None:
    st.html(PRESENT_CSS + (CONTRAST_CSS if theme == "contrast" else ""))
    number = st.session_state[SLIDE]
    slide = slides[number - 1]
    revealed = is_revealed(slide)
    with st.container(key="present_heading", gap=None):
        st.title(markdown_text(slide.title), anchor=False)
        hidden = " · perspectives hidden until revealed" if not revealed else ""
        st.caption(markdown_text(slide.subtitle) + hidden)
    width, height = deck.PRESENT_CHART  # the smallest presenting screen's chart
    fig = figure_for(
        slide,
        revealed=revealed,
        font_size=PRESENT_FONT,
        height=height,
        width=width,
        marker_scale=deck.PRESENT_MARKERS,
    )
    screen = go.Figure(fig).update_layout(height=None, autosize=True)
    if slide.kind != "ranking":
        # Pin the legend to the top of the chart: resizing to the screen must not push it
        # onto the map.
        screen.update_layout(legend={"yref": "container", "y": 1, "yanchor": "top"})
    # A fixed-height stage lets the chart stretch; the CSS then sizes it to the screen.
    with st.container(key="present_stage", height=CHART_HEIGHT - 100, border=False):
        st.plotly_chart(
            screen,
            key="present_chart",
            theme=None,
            height="stretch",
            config={"displayModeBar": False, "displaylogo": False, "responsive": True},
        )
    with st.container(
        key="present_nav",
        horizontal=True,
        horizontal_alignment="center",
        vertical_alignment="center",
    ):
        st.button(
            "Previous",
            icon=":material/arrow_back:",
            key="present_prev",
            shortcut="Left",
            on_click=step,
            args=(-1,),
            disabled=number == 1,
        )
        st.markdown(f"**{number} / {len(slides)}**")
        if not revealed:
            st.button(
                "Reveal",
                icon=":material/visibility:",
                key="present_reveal",
                shortcut="V",
                type="primary",
                on_click=reveal,
                args=(slide.partnership_id,),
            )
        st.button(
            "Next",
            icon=":material/arrow_forward:",
            key="present_next",
            shortcut="Right",
            on_click=step,
            args=(1,),
            disabled=number == len(slides),
        )
    with st.sidebar:
        st.html(COLLAPSE_SIDEBAR, unsafe_allow_javascript=True)
        st.divider()
        st.markdown("### Presenting")
        st.button(
            "End the presentation",
            icon=":material/close:",
            key="present_end",
            shortcut="Esc",
            on_click=stop_presenting,
            width="stretch",
        )
        st.caption("Keys: ← and → move, V reveals, Esc ends.")
        st.markdown("**This slide**")
        export_buttons(fig, f"{number:02d} {slide.title}", key="present_slide_export")
        st.markdown("**Link to this slide**")
        st.code(link_to_this_view(), language=None, wrap_lines=True)


# ---- setting up ----------------------------------------------------------------------------


def outline_line(number: int, slide: deck.Slide) -> str:
    hidden = " — *hidden until revealed*" if slide.blind else ""
    return f"{number}. {markdown_text(slide.title)}{hidden}"


def setting_up() -> None:
    st.title("Present")
    st.caption(
        "Build a deck from the portfolio, present it full screen, and hand out the slides "
        "afterwards. The link in the address bar reopens exactly this deck."
    )
    left, right = st.columns([5, 7], gap="large")
    with left:
        st.header("1. The deck")
        st.text_input("Title", key=TITLE, max_chars=share.TITLE_MAX, **KEEP)
        st.multiselect(
            "Partnerships, in the order you will discuss them",
            ids,
            key=PARTNERSHIPS,
            format_func=names.get,
            placeholder="Choose partnerships…",
            **KEEP,
            help="Each gets two slides: its course over time and its partners' perspectives.",
        )
        chosen = list(spec.partnership_ids)
        if len(chosen) > 1:
            with st.container(border=True, key="present_order"):
                for i, pid in enumerate(chosen):
                    row = st.columns([10, 1, 1, 1], vertical_alignment="center", gap="small")
                    row[0].markdown(f"{i + 1}. {markdown_text(names[pid])}")
                    row[1].button(
                        "",
                        icon=":material/arrow_upward:",
                        key=f"present_up_{i}",
                        on_click=move,
                        args=(i, -1),
                        disabled=i == 0,
                        help="Earlier in the deck",
                    )
                    row[2].button(
                        "",
                        icon=":material/arrow_downward:",
                        key=f"present_down_{i}",
                        on_click=move,
                        args=(i, 1),
                        disabled=i == len(chosen) - 1,
                        help="Later in the deck",
                    )
                    row[3].button(
                        "",
                        icon=":material/close:",
                        key=f"present_remove_{i}",
                        on_click=remove,
                        args=(pid,),
                        help="Leave out",
                    )
        shown = sorted(
            {
                p
                for p in pp.filter_partnerships(ds.partnerships, spec.filter.columns)[
                    "partnership_id"
                ]
            },
            key=lambda p: names[p].casefold(),
        )
        missing = [p for p in shown if p not in chosen]
        st.button(
            f"Add the {len(missing)} other partnerships on the map"
            if chosen
            else f"Add all {len(missing)} partnerships on the map",
            icon=":material/playlist_add:",
            key="present_add_all",
            on_click=add_all,
            args=(missing,),
            disabled=not missing,
        )
        st.toggle(
            "Blind, then reveal",
            key=BLIND,
            **KEEP,
            help="Each partnership opens on its perspectives, hidden until you reveal them, "
            "so partners discuss before they anchor on each other; its course follows.",
        )
        st.toggle("End with where partners disagree most", key=RANKING, **KEEP)
        st.segmented_control(
            "Theme",
            list(deck.THEMES),
            key=THEME,
            format_func=deck.THEMES.get,
            required=True,
            help="High contrast: white on black, for washed-out projectors.",
            **KEEP,
        )
        with st.expander("Which placements the portfolio map shows"):
            for col in columns:
                values = pp.analysis.choices(ds.partnerships[col])
                st.multiselect(
                    col.capitalize(), values, key=column_key(col), placeholder="All", **KEEP
                )
            st.selectbox(
                "Perspective",
                [pp.ALL, *ds.perspectives],
                key=PERSPECTIVE,
                **KEEP,
                help="All: each partnership at the median of its partners' views.",
            )
            st.date_input(
                "Placements dated",
                key=DATES,
                min_value=first_day,
                max_value=last_day,
                format="YYYY-MM-DD",
                **KEEP,
            )
    with right:
        st.header(f"2. The slides ({len(slides)})")
        st.markdown("\n".join(outline_line(i, s) for i, s in enumerate(slides, start=1)))
        numbers = list(range(1, len(slides) + 1))
        if st.session_state.get(PREVIEW) not in numbers:
            st.session_state[PREVIEW] = 1
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.button(
                "Start presenting",
                type="primary",
                icon=":material/slideshow:",
                key="present_start",
                on_click=start_presenting,
            )
            preview = st.selectbox(
                "Preview slide",
                numbers,
                key=PREVIEW,
                format_func={
                    i: f"{i}. {s.title}" for i, s in zip(numbers, slides, strict=True)
                }.get,
            )
            st.button(
                "Start here",
                icon=":material/play_arrow:",
                key="present_start_here",
                on_click=start_presenting,
                args=(preview,),
                disabled=preview == 1,
            )
        slide = slides[preview - 1]
        fig = figure_for(slide, revealed=True, height=560)
        st.plotly_chart(
            fig,
            key="present_preview_chart",
            theme=None,
            config={"displaylogo": False, "displayModeBar": False},
        )
        export_buttons(fig, f"{preview:02d} {slide.title}", key="present_preview_export")

    st.header("3. Take it away")
    st.caption(
        "The whole deck as files: every perspective revealed, rationales in the notes. "
        "Files are made when you click (a few seconds for a long deck)."
    )
    stem = export.file_name(spec.title, "x")[:-2]
    show_failures("present_pptx", "present_pdf", "present_html")
    no_chromium = export.chromium_problem()
    if no_chromium:
        st.error(
            "The PowerPoint deck and the PDF report cannot be made here. "
            f"{markdown_text(no_chromium)}."
        )
    with st.container(horizontal=True):
        download(
            "PowerPoint",
            partial(deck.deck_pptx, ds, spec, slides, theme=theme),
            file_name=f"{stem}.pptx",
            mime=export.MIME_TYPES["pptx"],
            icon=":material/co_present:",
            key="present_pptx",
            what="The PowerPoint deck",
            disabled=bool(no_chromium),
            help="A title slide, then one slide per chart; rationales in the speaker notes.",
        )
        download(
            "PDF report",
            partial(deck.deck_pdf, ds, spec, slides),
            file_name=f"{stem}.pdf",
            mime=export.MIME_TYPES["pdf"],
            icon=":material/picture_as_pdf:",
            key="present_pdf",
            what="The PDF report",
            disabled=bool(no_chromium),
            help="A cover page, then one page per slide with all its rationales.",
        )
        download(
            "Offline HTML",
            partial(deck_html_bytes, spec, slides),
            file_name=f"{stem}.html",
            mime=export.MIME_TYPES["html"],
            icon=":material/language:",
            key="present_html",
            what="The offline HTML deck",
            help="Every chart, interactive, in one file that opens without a network.",
        )
    st.markdown("**Link to this deck**")
    st.code(link_to_this_view(), language=None, wrap_lines=True)


def deck_html_bytes(spec: deck.DeckSpec, slides: list[deck.Slide]) -> bytes:
    return deck.deck_html(ds, spec, slides).encode("utf-8")


if st.session_state[ON]:
    presenting()
else:
    setting_up()
share.publish(share_values(), PRESENT_KEYS)
