"""Control characters in every text field, through every export: a valid file each time.

The dataset is built in memory (a valid one, then every text field given control
characters), so the test does not depend on validation refusing them on load.
"""

from __future__ import annotations

import dataclasses
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import plotting as pp
from plotting import deck, export, spreadsheets
from tests.conftest import write_dataset

DP, RI = "delivery_policy", "regulation_innovation"
#: Every character exports must cope with: C0 controls but tab, LF and CR; DEL; U+FFFE/FFFF.
CONTROLS = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]] + [
    "\ufffe",
    "\uffff",
]
ALL = "".join(CONTROLS)
PARTNERSHIP_TEXT = ("name", "country", "sector", "arrangement", "partners", "description", "region")
PLACEMENT_TEXT = ("perspective", "note")
AXIS_TEXT = ("low_pole", "high_pole", "description")
RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def poisoned(folder: Path, chars: str = ALL) -> pp.Dataset:
    """The tiny dataset with `chars` inside every text field (in the middle of each)."""
    ds = pp.load_dataset(write_dataset(folder))
    assert ds.ok
    parts = ds.partnerships.copy()
    for col in PARTNERSHIP_TEXT:
        parts[col] = parts[col].fillna("").astype(str).map(lambda v: f"{v[:3]}{chars}{v[3:]}x")
    places = ds.placements.copy()
    for col in PLACEMENT_TEXT:
        places[col] = places[col].fillna("").astype(str).map(lambda v: f"{v[:3]}{chars}{v[3:]}y")
    axes = [
        dataclasses.replace(
            a, **{f: f"{getattr(a, f)[:4]}{chars}{getattr(a, f)[4:]}" for f in AXIS_TEXT}
        )
        for a in ds.axes
    ]
    return pp.Dataset(folder=ds.folder, axes=axes, partnerships=parts, placements=places)


@pytest.fixture(scope="module")
def export_browser() -> Iterator[None]:
    export.start_export_browser()
    yield
    export.stop_export_browser()


@pytest.fixture
def bad(tmp_path: Path) -> pp.Dataset:
    return poisoned(tmp_path / "d")


@pytest.fixture
def spec() -> deck.DeckSpec:
    return deck.DeckSpec(x=DP, y=RI, partnership_ids=("alpha", "beta"), ranking=True)


def strings(node: object) -> list[str]:
    """Every text inside a figure's JSON."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [t for v in node.values() for t in strings(v)]
    if isinstance(node, list | tuple):
        return [t for v in node for t in strings(v)]
    return []


def well_formed_svg(data: bytes) -> ET.Element:
    root = ET.fromstring(data)  # raises on ill-formed XML
    assert root.tag.endswith("svg")
    return root


# ---- fast: the cleaning itself ------------------------------------------------------------


@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_every_control_character_is_removed_from_figures_and_tables(char) -> None:
    import plotly.graph_objects as go

    fig = go.Figure(
        go.Scatter(x=[1], y=[2], text=[f"a{char}b"], name=f"n{char}", customdata=[[f"c{char}"]])
    ).update_layout(title=f"t{char}")
    raw = fig.to_dict()
    assert any(RAW.search(t) for t in strings(raw))
    spec = export.clean_spec(raw)
    assert not any(RAW.search(t) for t in strings(spec))
    assert spec["data"][0]["text"] == ["ab"] and spec["layout"]["title"]["text"] == "t"
    frame = pd.DataFrame({"Name": [f"=x{char}y"], "n": [1.5]})
    csv = export.table_csv(frame).decode("utf-8-sig")
    assert not RAW.search(csv) and "'=xy" in csv
    book = spreadsheets.to_xlsx_bytes({f"S{char}": frame})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(book)).active
    assert sheet["A2"].value == "'=xy" and sheet["B2"].value == 1.5


def test_each_poisoned_cell_is_named_with_its_partnership_and_field(tmp_path: Path) -> None:
    cells = export.control_character_cells(poisoned(tmp_path / "d", "\x07"))
    alpha = "partnership 'Alpha Water Alliancex' (alpha)"
    for field in PARTNERSHIP_TEXT:
        assert f"{alpha}, field '{field}': U+0007" in cells
    assert f"{alpha}, field 'note' of the placement of 2023-03-01 by publicy: U+0007" in cells
    assert "axis 'delivery_policy', field 'low_pole': U+0007" in cells
    joined = "\n".join(cells)
    assert not RAW.search(joined), "the message itself carries no control character"
    clean = pp.load_dataset(write_dataset(tmp_path / "ok"))
    assert export.control_character_cells(clean) == []


# ---- slow: every format, as files ---------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_each_control_character_gives_a_well_formed_svg(export_browser, tmp_path, char) -> None:
    ds = poisoned(tmp_path / "d", char)
    spec = deck.DeckSpec(x=DP, y=RI, partnership_ids=("alpha",))
    for slide in deck.build_deck(ds, spec):
        svg = export.to_image(deck.slide_figure(ds, spec, slide), "svg")
        texts = " ".join("".join(n.itertext()) for n in well_formed_svg(svg).iter())
        assert not RAW.search(texts)


@pytest.mark.slow
def test_every_format_is_a_valid_file(export_browser, bad, spec) -> None:
    from openpyxl import load_workbook
    from pptx import Presentation
    from pypdf import PdfReader

    slides = deck.build_deck(bad, spec)
    assert [s.kind for s in slides] == [
        "portfolio",
        "course",
        "perspectives",
        "course",
        "perspectives",
        "ranking",
    ]
    size = export.ImageSize(800, 500)
    for slide in slides:
        fig = deck.slide_figure(bad, spec, slide)
        png = export.to_image(fig, "png", size)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and export.image_dimensions(png) == (800, 500)
        well_formed_svg(export.to_image(fig, "svg", size))
        pdf = export.to_image(fig, "pdf", size)
        assert pdf.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(pdf)).pages) == 1
        page = export.to_html(fig, slide.title)
        assert "<html" in page[:200] and export.plotly_js_inline(page)
        assert not RAW.search(page), "no raw control character in the HTML"
        table = deck.slide_table(bad, spec, slide)
        csv = export.export(fig, "csv", table=table).decode("utf-8-sig")
        assert not RAW.search(csv) and len(csv.splitlines()) >= 2
        xlsx = spreadsheets.to_xlsx_bytes({"Slide": table})
        sheet = load_workbook(io.BytesIO(xlsx)).active
        assert sheet.max_row == len(table) + 1
        assert not any(
            RAW.search(str(c.value)) for row in sheet.iter_rows() for c in row if c.value
        )

    pptx = deck.deck_pptx(bad, spec, slides)
    prs = Presentation(io.BytesIO(pptx))
    assert len(prs.slides) == 1 + len(slides)
    assert "Alpha Water Alliancex" not in pptx.decode("latin-1")  # the name was poisoned…
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[2].startswith("Alp")  # …and comes out cleaned
    assert all(not RAW.search(s.notes_slide.notes_text_frame.text) for s in prs.slides)
    with zipfile.ZipFile(io.BytesIO(pptx)) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                ET.fromstring(z.read(name))

    report = deck.deck_pdf(bad, spec, slides)
    assert report.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report)).pages)
    assert "Alpha Water Alliancex: its course" in " ".join(text.split())

    page = deck.deck_html(bad, spec, slides)
    assert not RAW.search(page)
    assert page.count("<section>") == len(slides)

    zipped = spreadsheets.to_zip_of_csv({"placements.csv": bad.placements.drop(columns="_row")})
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        assert not RAW.search(z.read("placements.csv").decode("utf-8-sig"))
