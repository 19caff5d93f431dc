"""`python -m plotting export`: every format end to end, on copies of real datasets."""

from __future__ import annotations

import csv
import html
import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

import plotting as pp
from plotting import export
from plotting.figures import short_label
from tests.conftest import PARTNERSHIPS, PLACEMENTS, write_dataset

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "plotting", "export", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def ok(*args: str) -> subprocess.CompletedProcess:
    out = run(*args)
    assert out.returncode == 0, out.stdout + out.stderr
    return out


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_png_of_the_portfolio_at_a_chosen_size(sample_copy: Path, tmp_path: Path) -> None:
    out = ok(
        "png",
        "--out",
        str(tmp_path / "map.png"),
        "--data",
        str(sample_copy),
        "--width",
        "1200",
        "--height",
        "800",
        "--scale",
        "2",
    )
    png = (tmp_path / "map.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 50_000
    assert export.image_dimensions(png) == (2400, 1600)
    assert f"{tmp_path / 'map.png'}: " in out.stdout


def test_svg_names_the_partnerships_that_fit_and_both_poles(
    sample_copy: Path, tmp_path: Path
) -> None:
    ok(
        "svg",
        "--out",
        str(tmp_path / "map.svg"),
        "--data",
        str(sample_copy),
        "--axes",
        "outputs_systems,external_local",
    )
    svg = (tmp_path / "map.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    # Each text element's lines (tspans) joined by spaces, as a reader sees them.
    drawn = "\n".join(
        " ".join(s.text or "" for s in t if s.tag.endswith("tspan")) or "".join(t.itertext())
        for t in root.iter()
        if t.tag.endswith("}text")
    )
    ds = pp.load_dataset(sample_copy)
    # Labels go only where they fit (the rest is named in the app's hover): fitted to the
    # image's width (1600 px), most partnerships are named, each in full short form.
    named = [
        name
        for name in ds.partnerships["name"]
        if html.unescape(short_label(name)).replace("<br>", " ") in drawn
    ]
    assert len(named) >= len(ds.partnerships) // 2, named
    assert "Systemic change" in drawn and "Locally owned" in drawn


def test_one_file_per_partnership(sample_copy: Path, tmp_path: Path) -> None:
    ok(
        "png",
        "--out",
        str(tmp_path / "p.png"),
        "--data",
        str(sample_copy),
        "--partnership",
        "dhaka-fsm-venture",
        "lake-victoria-small-towns",
        "--chart",
        "course",
    )
    written = sorted(p.name for p in tmp_path.glob("p-*.png"))
    assert written == ["p-dhaka-fsm-venture.png", "p-lake-victoria-small-towns.png"]
    assert not (tmp_path / "p.png").exists()


def test_html_is_offline_and_interactive(sample_copy: Path, tmp_path: Path) -> None:
    ok(
        "html",
        "--out",
        str(tmp_path / "map.html"),
        "--data",
        str(sample_copy),
        "--partnership",
        "dhaka-fsm-venture",
    )
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert export.plotly_js_inline(page)
    assert export.external_references(page) == []
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=[\"']?(https?:)?//", page)
    assert "<title>Dhaka Peri-Urban Faecal Sludge Joint Venture: perspectives</title>" in page


def test_html_deck(sample_copy: Path, tmp_path: Path) -> None:
    ok(
        "html",
        "--deck",
        "--out",
        str(tmp_path / "deck.html"),
        "--data",
        str(sample_copy),
        "--partnership",
        "dhaka-fsm-venture",
        "cuenca-viva-water-fund",
        "--ranking",
    )
    page = (tmp_path / "deck.html").read_text(encoding="utf-8")
    assert page.count('class="plotly-graph-div"') == 6
    assert export.external_references(page) == []


def test_pdf_and_pptx_without_a_partnership_are_the_whole_deck(tiny: Path, tmp_path: Path) -> None:
    ok("pdf", "--out", str(tmp_path / "deck.pdf"), "--data", str(tiny))
    ok(
        "pptx",
        "--out",
        str(tmp_path / "deck.pptx"),
        "--data",
        str(tiny),
        "--ranking",
        "--title",
        "Annual review",
    )
    pdf = (tmp_path / "deck.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    # A cover, the portfolio, then course and perspectives of alpha, beta and gamma.
    assert pages(pdf) == 1 + 1 + 2 * 3
    prs = Presentation(tmp_path / "deck.pptx")
    assert len(prs.slides) == 1 + 1 + 2 * 3 + 1
    assert prs.slides[0].shapes.title.text == "Annual review"
    assert [s.shapes.title.text for s in prs.slides][1:4] == [
        "The portfolio",
        "Alpha Water Alliance: its course",
        "Alpha Water Alliance: perspectives",
    ]
    for slide in list(prs.slides)[1:]:
        assert sum(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in slide.shapes) == 1
        assert slide.notes_slide.notes_text_frame.text.strip()


def test_decks_follow_the_filters_and_the_given_order(sample_copy: Path, tmp_path: Path) -> None:
    ok(
        "pptx",
        "--out",
        str(tmp_path / "a.pptx"),
        "--data",
        str(sample_copy),
        "--partnership",
        "lake-victoria-small-towns",
        "dhaka-fsm-venture",
    )
    titles = [s.shapes.title.text for s in Presentation(tmp_path / "a.pptx").slides]
    assert titles[2].startswith("Lake Victoria") and titles[4].startswith("Dhaka")
    ok(
        "pdf",
        "--out",
        str(tmp_path / "b.pdf"),
        "--data",
        str(sample_copy),
        "--sector",
        "Hygiene",
        "--to",
        "2024-12-31",
    )
    ds = pp.load_dataset(sample_copy)
    hygiene = int(ds.partnerships["sector"].eq("Hygiene").sum())
    assert hygiene >= 1
    # The cover, the portfolio and two slides per partnership; long rationales continue on
    # further pages, so there may be more pages than slides, but every slide is there.
    n_slides = 1 + 2 * hygiene
    report = (tmp_path / "b.pdf").read_bytes()
    assert pages(report) >= 1 + n_slides
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(report)).pages)
    assert all(f"{k} / {n_slides}" in text for k in range(1, n_slides + 1))


def test_csv_neutralises_formulas_and_keeps_numbers(tiny: Path, tmp_path: Path) -> None:
    parts = PARTNERSHIPS.replace("Alpha Water Alliance", '=HYPERLINK("http://evil.example")')
    notes = PLACEMENTS.replace("Moving to policy", "+cmd|' /C calc'!A0")
    folder = write_dataset(tmp_path / "evil", partnerships=parts, placements=notes)
    ok("csv", "--out", str(tmp_path / "view.csv"), "--data", str(folder), "--perspective", "public")
    ok("csv", "--out", str(tmp_path / "alpha.csv"), "--data", str(folder), "--partnership", "alpha")
    view = list(csv.DictReader(io.StringIO((tmp_path / "view.csv").read_text("utf-8-sig"))))
    assert view[0]["Partnership"] == '\'=HYPERLINK("http://evil.example")'
    assert view[0]["Rationale"] == "'+cmd|' /C calc'!A0"
    assert view[0]["Delivering services ↔ Informing policy"] == "-1.5"
    rows = list(csv.DictReader(io.StringIO((tmp_path / "alpha.csv").read_text("utf-8-sig"))))
    assert {r["Date"] for r in rows} == {"2023-03-01", "2024-03-01"}
    assert all(not r["Partnership"].startswith("=") for r in rows)
    assert "-3.0" in {r["Delivering services ↔ Informing policy"] for r in rows}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--axes", "nope,delivery_policy"], "unknown axis 'nope'"),
        (["--axes", "delivery_policy,delivery_policy"], "two different axes"),
        (["--partnership", "nope"], "unknown partnership 'nope'"),
        (["--sector", "Mining"], "no partnership has sector 'Mining'"),
        (["--perspective", "martians"], "unknown perspective 'martians'"),
        (["--from", "2025-01-01", "--to", "2024-01-01"], "--from is after --to"),
        (["--to", "2024-13-01"], "is not a date"),
        (["--width", "20"], "outside 200–6000 px"),
    ],
)
def test_bad_requests_exit_2_with_a_message(sample_copy, tmp_path, args, message) -> None:
    out = run("png", "--out", str(tmp_path / "x.png"), "--data", str(sample_copy), *args)
    assert out.returncode == 2
    assert message in out.stderr
    assert not (tmp_path / "x.png").exists()


def test_a_missing_data_folder_exits_2(tmp_path: Path) -> None:
    out = run("csv", "--out", str(tmp_path / "x.csv"), "--data", str(tmp_path / "nowhere"))
    assert out.returncode == 2 and "does not exist" in out.stderr


def test_validate_still_works(sample_copy: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "plotting", "validate", "--data", str(sample_copy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0 and "valid" in out.stdout


def test_out_dash_writes_the_export_to_stdout(tiny: Path) -> None:
    out = ok("csv", "--out", "-", "--data", str(tiny))
    rows = list(csv.DictReader(io.StringIO(out.stdout.lstrip("\ufeff"))))
    assert {r["Partnership"] for r in rows} >= {"Alpha Water Alliance"}
    assert "stdout:" in out.stderr and "bytes" in out.stderr, "the summary is not in the CSV"
    many = run("csv", "--out", "-", "--data", str(tiny), "--partnership", "alpha", "beta")
    assert many.returncode == 2 and "--out - writes one file" in many.stderr


def test_out_a_symlink_writes_its_target(tiny: Path, tmp_path: Path) -> None:
    target = tmp_path / "shared" / "view.csv"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    ok("csv", "--out", str(link), "--data", str(tiny))
    assert link.is_symlink()
    assert "Alpha Water Alliance" in target.read_text("utf-8-sig")


def test_out_a_fifo_is_written_into(tiny: Path, tmp_path: Path) -> None:
    """Like --out /dev/stdout: the pipe is written to, not replaced (and the summary
    goes to stderr)."""
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    out = ok("csv", "--out", str(fifo), "--data", str(tiny))
    reader.join(timeout=60)
    assert got and b"Alpha Water Alliance" in got[0]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert out.stdout == "" and f"{fifo}: " in out.stderr


def test_out_a_folder_is_a_clear_error(tiny: Path, tmp_path: Path) -> None:
    out = run("csv", "--out", str(tmp_path), "--data", str(tiny))
    assert out.returncode == 2
    assert f"--out {tmp_path} is a folder; give a file name" in out.stderr
    assert ".tmp" not in out.stderr
