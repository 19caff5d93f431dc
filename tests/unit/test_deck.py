"""Decks: which slides, in which order, what they draw, and the PPTX, PDF and HTML files."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

import plotting as pp
from plotting import deck, export
from tests.conftest import PARTNERSHIPS, PLACEMENTS, write_dataset
from tests.unit.test_export import export_browser  # noqa: F401  (the shared export browser)

DP, RI = "delivery_policy", "regulation_innovation"
EVIL = "<b>Evil</b> [x](javascript:alert(1))"


@pytest.fixture
def ds(tiny: Path) -> pp.Dataset:
    """The tiny dataset: alpha (two perspectives and a target), beta, gamma."""
    return pp.load_dataset(tiny)


@pytest.fixture
def spec() -> deck.DeckSpec:
    """A deck of alpha then beta, with the ranking."""
    return deck.DeckSpec(x=DP, y=RI, partnership_ids=("alpha", "beta"), ranking=True)


def kinds(slides: list[deck.Slide]) -> list[tuple[str, str | None]]:
    return [(s.kind, s.partnership_id) for s in slides]


def trace_names(fig: go.Figure) -> set[str]:
    return {t.name for t in fig.data if t.name}


# ---- which slides ------------------------------------------------------------------------


def test_the_deck_is_the_portfolio_then_each_partnership_then_the_ranking(ds, spec) -> None:
    slides = deck.build_deck(ds, spec)
    assert kinds(slides) == [
        ("portfolio", None),
        ("course", "alpha"),
        ("perspectives", "alpha"),
        ("course", "beta"),
        ("perspectives", "beta"),
        ("ranking", None),
    ]
    assert [s.title for s in slides] == [
        "The portfolio",
        "Alpha Water Alliance: its course",
        "Alpha Water Alliance: perspectives",
        "Beta Sanitation Platform: its course",
        "Beta Sanitation Platform: perspectives",
        "Where partners disagree most",
    ]
    assert not any(s.blind for s in slides)


def test_the_facilitators_order_is_kept_and_unknown_ids_are_left_out(ds, spec) -> None:
    slides = deck.build_deck(
        ds, replace(spec, partnership_ids=("beta", "nope", "alpha"), ranking=False)
    )
    assert kinds(slides)[1::2] == [("course", "beta"), ("course", "alpha")]
    assert len(slides) == 5


def test_blind_decks_open_each_partnership_on_its_hidden_perspectives(ds, spec) -> None:
    slides = deck.build_deck(ds, replace(spec, blind=True))
    assert kinds(slides)[1:5] == [
        ("perspectives", "alpha"),
        ("course", "alpha"),
        ("perspectives", "beta"),
        ("course", "beta"),
    ]
    assert [s.blind for s in slides] == [False, True, False, True, False, False]


def test_an_empty_selection_is_just_the_portfolio(ds) -> None:
    slides = deck.build_deck(ds, deck.DeckSpec(x=DP, y=RI))
    assert kinds(slides) == [("portfolio", None)]
    assert slides[0].subtitle == "2 partnerships, each at the median of its partners' latest views"


@pytest.mark.parametrize(
    ("index", "delta", "expected"),
    [
        (0, 1, ["b", "a", "c"]),
        (2, -1, ["a", "c", "b"]),
        (0, -1, ["a", "b", "c"]),
        (2, 1, ["a", "b", "c"]),
        (1, 5, ["a", "c", "b"]),
        (7, 1, ["a", "b", "c"]),
    ],
)
def test_move(index, delta, expected) -> None:
    assert deck.move(["a", "b", "c"], index, delta) == expected


def test_filters_in_words() -> None:
    import datetime as dt

    spec = deck.DeckSpec(
        x=DP,
        y=RI,
        columns={"sector": ("Sanitation", "Water supply"), "country": ()},
        perspective="donor",
        end=dt.date(2024, 5, 1),
    )
    assert deck.describe_filter(spec) == (
        "Sector: Sanitation, Water supply · as seen by donor · placements up to 2024-05-01"
    )
    assert deck.describe_filter(deck.DeckSpec(x=DP, y=RI)) == ""


# ---- notes: the rationales -----------------------------------------------------------------


def test_notes_carry_the_rationales(ds, spec) -> None:
    slides = {(s.kind, s.partnership_id): s for s in deck.build_deck(ds, spec)}
    perspectives = slides[("perspectives", "alpha")].notes
    assert "2024-03-01 · public (actual)" in perspectives and "Moving to policy" in perspectives
    assert 'Private sees "clearly" innovation' in perspectives
    assert "Targets:" in perspectives and "Where we want to be" in perspectives
    course = slides[("course", "alpha")].notes
    assert course.index("Utility runs kiosks") < course.index("Moving to policy"), "oldest first"
    assert "1.5 toward Delivering services" in course
    portfolio = slides[("portfolio", None)].notes
    assert (
        "- Alpha Water Alliance: 1.2 toward Delivering services; 0.5 toward Stimulating"
        in portfolio
    )
    assert "Alpha Water Alliance" in slides[("ranking", None)].notes


def test_the_course_follows_the_chosen_perspective_when_it_placed_the_partnership(ds, spec) -> None:
    alpha = pp.partnership_placements(ds, "alpha")
    assert deck.course_perspective(alpha, spec) == deck.CONSENSUS
    assert deck.course_perspective(alpha, replace(spec, perspective="private")) == "private"
    assert deck.course_perspective(alpha, replace(spec, perspective="donor")) == deck.CONSENSUS
    slides = deck.build_deck(ds, replace(spec, perspective="private"))
    course = next(s for s in slides if s.kind == "course" and s.partnership_id == "alpha")
    on_chart, _, elsewhere = course.notes.partition("Not on this chart")
    assert "Moving to policy" not in on_chart and "Private sees" in on_chart
    # The other perspectives' rationales still follow, so the notes are complete.
    assert "Moving to policy" in elsewhere


# ---- figures ---------------------------------------------------------------------------------


def test_a_blind_slide_hides_positions_until_revealed(ds, spec) -> None:
    blind = replace(spec, blind=True)
    slide = next(s for s in deck.build_deck(ds, blind) if s.blind)
    hidden = deck.slide_figure(ds, blind, slide, revealed=False)
    notes = [a.text for a in hidden.layout.annotations if a.name == "blind"]
    assert notes and "Perspectives hidden" in notes[0] and "public, private" in notes[0]
    assert not {"public", "private"} & trace_names(hidden)
    assert all(len(t.x or ()) <= 1 for t in hidden.data), "only the balance marker"
    shown = deck.slide_figure(ds, blind, slide, revealed=True)
    assert {"public", "private"} <= trace_names(shown)
    assert not [a for a in shown.layout.annotations if a.name == "blind"]


def test_blind_annotation_escapes_perspective_names(tiny) -> None:
    placements = PLACEMENTS.replace("alpha,2023-03-01,private", f"alpha,2023-03-01,{EVIL}")
    ds = pp.load_dataset(write_dataset(tiny.parent / "evil", placements=placements))
    spec = deck.DeckSpec(x=DP, y=RI, partnership_ids=("alpha",), blind=True)
    slide = next(s for s in deck.build_deck(ds, spec) if s.blind)
    text = next(
        a.text
        for a in deck.slide_figure(ds, spec, slide, revealed=False).layout.annotations
        if a.name == "blind"
    )
    assert "&lt;b&gt;Evil&lt;/b&gt;" in text and "<b>Evil" not in text


@pytest.mark.parametrize("kind", ["portfolio", "course", "perspectives", "ranking"])
def test_every_kind_of_slide_draws(ds, spec, kind) -> None:
    slide = next(s for s in deck.build_deck(ds, spec) if s.kind == kind)
    fig = deck.slide_figure(ds, spec, slide, font_size=19, height=800)
    assert fig.layout.height == 800
    assert fig.data, "something is drawn"
    assert fig.layout.font.size == 19


def test_the_high_contrast_theme_is_white_on_black(ds, spec) -> None:
    slide = deck.build_deck(ds, spec)[0]
    light = deck.slide_figure(ds, spec, slide)
    dark = deck.slide_figure(ds, spec, slide, theme="contrast")
    assert light.layout.paper_bgcolor == "white"
    assert dark.layout.paper_bgcolor == "#000000" and dark.layout.plot_bgcolor == "#000000"
    assert dark.layout.font.color == "#FFFFFF"
    assert [t.marker.color for t in light.data][1:] != [t.marker.color for t in dark.data][1:]
    assert "#0072B2" not in str(dark.to_plotly_json()), "dark blue is swapped for sky blue"
    assert [t.name for t in light.data] == [t.name for t in dark.data], "names are untouched"
    with pytest.raises(ValueError, match="unknown theme"):
        deck.apply_theme(light, "neon")


def test_large_type_and_markers_scale_every_font_and_marker() -> None:
    fig = go.Figure(go.Scatter(x=[0], y=[0], marker={"size": 10}, textfont={"size": 11}))
    fig.add_annotation(text="a", font={"size": 14})
    fig.update_layout(font={"size": 13}, legend={"font": {"size": 12}})
    big = deck.apply_theme(fig, font_scale=1.5, marker_scale=2)
    assert big.data[0].marker.size == 20 and big.data[0].textfont.size == 16.5
    assert big.layout.annotations[0].font.size == 21 and big.layout.font.size == 19.5
    assert big.layout.legend.font.size == 18
    assert deck.apply_theme(fig) is fig


def test_slide_tables(ds, spec) -> None:
    slides = deck.build_deck(ds, spec)
    portfolio = deck.slide_table(ds, spec, slides[0])
    assert list(portfolio.columns[:2]) == ["Partnership", "Country"]
    assert "Delivering services ↔ Informing policy" in portfolio.columns
    course = deck.slide_table(ds, spec, slides[1])
    assert set(course["Perspective"]) == {"public", "private"}
    assert len(deck.slide_table(ds, spec, slides[-1])) == 3


# ---- files -------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.usefixtures("export_browser")
def test_pptx_has_a_title_slide_then_one_slide_per_chart_with_notes(ds, spec) -> None:
    slides = deck.build_deck(ds, replace(spec, title="Review <2024> & next steps"))
    data = deck.deck_pptx(ds, replace(spec, title="Review <2024> & next steps"), slides)
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) == len(slides) + 1
    title_slide, *pages = prs.slides
    assert title_slide.shapes.title.text == "Review <2024> & next steps"
    assert "Delivering services ↔ Informing policy" in title_slide.placeholders[1].text
    assert title_slide.notes_slide.notes_text_frame.text.startswith("1. The portfolio")
    for page, slide in zip(pages, slides, strict=True):
        assert page.shapes.title.text == slide.title
        pictures = [s for s in page.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        assert pictures[0].image.content_type == "image/png"
        assert pictures[0].left >= 0 and pictures[0].left + pictures[0].width <= prs.slide_width
        assert pictures[0].top + pictures[0].height <= prs.slide_height
        assert page.notes_slide.notes_text_frame.text == slide.notes
    assert prs.core_properties.title == "Review <2024> & next steps"


@pytest.mark.slow
@pytest.mark.usefixtures("export_browser")
def test_pptx_in_high_contrast_has_black_slides(ds, spec) -> None:
    slides = deck.build_deck(ds, replace(spec, partnership_ids=()))
    prs = Presentation(io.BytesIO(deck.deck_pptx(ds, spec, slides, theme="contrast")))
    for page in prs.slides:
        assert str(page.background.fill.fore_color.rgb) == "000000"


@pytest.mark.slow
@pytest.mark.usefixtures("export_browser")
def test_pdf_report_has_a_cover_then_one_page_per_slide(ds, spec) -> None:
    slides = deck.build_deck(ds, spec)
    pdf = deck.deck_pdf(ds, spec, slides)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == len(slides) + 1
    assert len(pdf) > 50_000


def test_the_report_page_is_self_contained_and_escaped(ds, spec) -> None:
    evil = replace(spec, title=EVIL)
    slides = deck.build_deck(ds, evil)
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>'
    page = deck.report_html(ds, evil, slides, [svg] * len(slides))
    assert export.external_references(page) == []
    assert "<b>Evil" not in page and "&lt;b&gt;Evil&lt;/b&gt;" in page
    assert page.count("<section") == len(slides) + 1
    assert page.count("<svg") == len(slides) and "<?xml" not in page
    with pytest.raises(ValueError, match="network"):
        deck.print_pdf('<img src="https://example.org/x.png">')


def test_deck_html_is_one_offline_page_with_every_chart(ds, spec) -> None:
    evil = replace(spec, title=EVIL)
    slides = deck.build_deck(ds, evil)
    page = deck.deck_html(ds, evil, slides)
    assert export.plotly_js_inline(page)
    assert page.count("plotly.js v") == 1, "plotly.js once, shared by every chart"
    assert page.count('class="plotly-graph-div"') == len(slides)
    assert export.external_references(page) == []
    assert "<b>Evil" not in page and "&lt;b&gt;Evil&lt;/b&gt;" in page
    assert "Utility runs kiosks" in page


def test_partnership_names_in_titles_are_plain_text(tiny) -> None:
    parts = PARTNERSHIPS.replace("Alpha Water Alliance", "<i>Alpha</i> *Water*")
    ds = pp.load_dataset(write_dataset(tiny.parent / "names", partnerships=parts))
    slides = deck.build_deck(ds, deck.DeckSpec(x=DP, y=RI, partnership_ids=("alpha",)))
    assert slides[1].title == "<i>Alpha</i> *Water*: its course"


def test_the_deck_uses_issue_3s_consensus_and_falls_back_without_it(ds, spec, monkeypatch) -> None:
    from plotting import course

    assert deck.CONSENSUS == course.CONSENSUS
    rich = deck.build_deck(ds, spec)
    assert any("consensus" in name for name in trace_names(deck.slide_figure(ds, spec, rich[2])))
    monkeypatch.setattr(deck, "_issue3", lambda: None)
    plain = deck.build_deck(ds, spec)
    assert kinds(plain) == kinds(rich)[:-1], "no ranking without issue 3's modules"
    assert "Moving to policy" in plain[2].notes
    assert {"public", "private"} <= trace_names(deck.slide_figure(ds, spec, plain[2]))


# ---- text agrees with the chart --------------------------------------------------------------

#: civil society places alpha on delivery ↔ policy only: regulation ↔ innovation is blank.
NOT_APPLICABLE = "alpha,2024-06-01,civil society,actual,2,,1,,Only delivery assessed\n"


def drawn_perspectives(fig: go.Figure, ds: pp.Dataset) -> list[str]:
    """The perspectives a perspectives map draws as points."""
    return [t.name for t in fig.data if t.name in ds.perspectives and len(t.x or ())]


def test_the_perspective_count_in_words_is_the_one_on_the_chart(tmp_path: Path) -> None:
    ds = pp.load_dataset(write_dataset(tmp_path / "d", placements=PLACEMENTS + NOT_APPLICABLE))
    assert ds.ok
    spec = deck.DeckSpec(x=DP, y=RI, partnership_ids=("alpha",))
    slide = next(s for s in deck.build_deck(ds, spec) if s.kind == "perspectives")
    drawn = drawn_perspectives(deck.slide_figure(ds, spec, slide), ds)
    assert sorted(drawn) == ["private", "public"]
    # The subtitle counts what is drawn…
    n = int(re.match(r"(\d+) perspectives?", slide.subtitle).group(1))
    assert n == len(drawn) == 2
    # …and the summary, which counts every perspective, says how many the map shows and why.
    summary = slide.notes.split("\n")[0]
    assert summary.startswith("3 perspectives have placed Alpha Water Alliance")
    shown = int(re.search(r"this map shows (\d+) of them", summary).group(1))
    assert shown == len(drawn)
    assert "civil society left Regulating delivery ↔ Stimulating innovation blank" in summary
    # The partnership page's "In words" (and the chart's alt text, its first sentence) agree.
    placements = pp.partnership_placements(ds, "alpha")
    views = pp.course.latest_views(placements, ds.axis_ids)
    text = pp.course.perspectives_summary(
        views,
        pp.course.divergence(views, ds.axes),
        ds.axes,
        name="Alpha",
        map_positions=pp.course.perspective_positions(placements, [DP, RI]),
        map_axes=(ds.axis(DP), ds.axis(RI)),
    )
    first = text.split(". ")[0]
    assert "this map shows 2 of them" in first


def test_when_every_perspective_is_drawn_the_text_says_nothing_extra(ds, spec) -> None:
    slide = next(
        s
        for s in deck.build_deck(ds, spec)
        if s.kind == "perspectives" and s.partnership_id == "alpha"
    )
    drawn = drawn_perspectives(deck.slide_figure(ds, spec, slide), ds)
    assert slide.subtitle.startswith(f"{len(drawn)} perspectives")
    assert slide.notes.startswith(f"{len(drawn)} perspectives have placed")
    assert "this map shows" not in slide.notes


def test_the_course_text_counts_the_placements_the_chart_draws(tmp_path: Path) -> None:
    ds = pp.load_dataset(write_dataset(tmp_path / "d", placements=PLACEMENTS + NOT_APPLICABLE))
    spec = deck.DeckSpec(x=DP, y=RI, partnership_ids=("alpha",), perspective="civil society")
    slide = next(s for s in deck.build_deck(ds, spec) if s.kind == "course")
    # civil society has no placement on both axes: the chart and the words say so alike.
    assert slide.subtitle == "No placements on these axes yet"
    fig = deck.slide_figure(ds, spec, slide)
    points = sum(len(t.x or ()) for t in fig.data if t.name == "civil society")
    assert points == 0
    on_chart, _, elsewhere = slide.notes.partition("Not on this chart")
    assert "Only delivery assessed" not in on_chart and "Only delivery assessed" in elsewhere


@pytest.mark.slow
def test_the_report_lists_every_rationale_of_every_partnership(export_browser) -> None:  # noqa: F811
    from pypdf import PdfReader

    sample = pp.load_dataset(pp.default_data_dir())
    counts = sample.placements.groupby("partnership_id").size()
    busiest = tuple(counts.sort_values(ascending=False).index[:3])
    spec = deck.DeckSpec(x=DP, y=RI, partnership_ids=busiest)
    slides = deck.build_deck(sample, spec)
    report = deck.deck_pdf(sample, spec, slides)
    pages = PdfReader(io.BytesIO(report)).pages
    assert len(pages) > 1 + len(slides), "long notes continue on further pages"
    # Every page after the cover carries its slide's title and number, continued or not.
    n = len(slides)
    for page in pages[1:]:
        assert re.search(rf"\b\d+ / {n}\b", page.extract_text()), page.extract_text()[:200]

    def norm(text: str) -> str:  # pdf text wraps lines and breaks words after hyphens
        return re.sub(r"-\s+", "-", " ".join(text.split()))

    text = norm(" ".join(page.extract_text() for page in pages))
    for pid in busiest:
        notes = sample.placements.loc[sample.placements["partnership_id"].eq(pid), "note"]
        notes = [norm(n) for n in notes.dropna() if n.strip()]
        assert len(notes) >= 17
        missing = [n for n in notes if n not in text]
        assert not missing, f"{pid}: {len(notes) - len(missing)} of {len(notes)} rationales"


@pytest.mark.slow
@pytest.mark.usefixtures("export_browser")
def test_a_long_unbroken_word_wraps_in_the_report(ds, spec) -> None:
    from pypdf import PdfReader

    def pages(dataset: pp.Dataset) -> list:
        slides = deck.build_deck(dataset, spec)
        return PdfReader(io.BytesIO(deck.deck_pdf(dataset, spec, slides))).pages

    plain = pages(ds)
    word = "https://example.org/" + "x" * 3000
    ds.partnerships.loc[ds.partnerships["partnership_id"].eq("alpha"), "description"] = word
    ds.placements.loc[ds.placements.index[0], "note"] = word
    long = pages(ds)
    # The word wraps inside the page: no page widens, and it adds at most a page of notes.
    assert len(long) <= len(plain) + 1
    assert {(p.mediabox.width, p.mediabox.height) for p in long} == {
        (p.mediabox.width, p.mediabox.height) for p in plain
    }
    assert "x" * 40 in " ".join(p.extract_text() for p in long)


def _numbers(values: object) -> list[float]:
    """A trace's coordinates, also when a themed figure holds them base64-encoded."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), values["dtype"]).tolist()
    return list(values)


def _drawn_labels(fig: go.Figure) -> tuple[list, list, list, list]:
    """(x, y, text, textposition) of every point drawn with a label."""
    out: tuple[list, list, list, list] = ([], [], [], [])
    for t in fig.data[1:]:
        xs, ys = _numbers(t.x), _numbers(t.y)
        where = t.textposition if isinstance(t.textposition, tuple) else [t.textposition] * len(xs)
        for row in zip(xs, ys, t.text or [""] * len(xs), where, strict=True):
            if row[2] and "text" in (t.mode or ""):
                for column, value in zip(out, row, strict=True):
                    column.append(value)
    return out


def test_the_presented_portfolio_names_more_partnerships_without_overlap() -> None:
    """Fitted to the chart on the smallest presenting screen (1280 × 720), the portfolio
    slide names more partnerships than at the default width, and no two labels meet."""
    ds = pp.load_dataset(Path(__file__).resolve().parents[2] / "data")
    ids = tuple(ds.partnerships["partnership_id"][:2])
    spec = deck.DeckSpec(x=DP, y=RI, partnership_ids=ids)
    slide = deck.build_deck(ds, spec)[0]
    assert slide.kind == "portfolio"
    big = {"font_size": deck.PRESENT_FONT, "marker_scale": deck.PRESENT_MARKERS}
    width, height = deck.PRESENT_CHART
    default = deck.slide_figure(ds, spec, slide, height=height, **big)
    screen = deck.slide_figure(ds, spec, slide, height=height, width=width, **big)
    assert screen.layout.height == height
    named = _drawn_labels(screen)
    assert len(named[2]) > len(_drawn_labels(default)[2]) >= 2
    m = screen.layout.margin
    area = pp.figures.plot_area(height, width=width, margin=(m.l, m.r, m.t, m.b))
    boxes = pp.figures.label_boxes(
        *named, area, font_size=deck.PRESENT_FONT - 2, marker_px=13 * deck.PRESENT_MARKERS
    )
    assert not pp.figures.boxes_overlap(boxes)
    w, h = area.size
    assert all(b[0] >= 0 and b[1] <= w and b[2] >= 0 and b[3] <= h for b in boxes)
    # The plot area measured in Chromium at 1280 × 720 (413 px square) is the one fitted.
    assert abs(area.size[1] - 413) <= 2
