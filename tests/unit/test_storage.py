"""Storage: appends keep existing bytes, round-trip any text, and never tear a file."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path

import pytest

from plotting import DataError, add_partnership, append_placement, load_dataset
from plotting.storage import atomic_write_bytes, format_number
from tests.conftest import NEW_PLACEMENT as NEW


def test_append_placement_writes_one_row_and_keeps_the_rest(tiny: Path) -> None:
    before = (tiny / "placements.csv").read_bytes()
    record = append_placement(tiny, NEW)
    after = (tiny / "placements.csv").read_bytes()
    assert after.startswith(before)
    assert after[len(before) :] == b'alpha,2025-03-01,donor,actual,2.5,-1,,,"Moved, clearly"\n'
    assert record["delivery_policy"] == "2.5"
    ds = load_dataset(tiny)
    assert ds.problems == []
    row = ds.placements.iloc[-1]
    assert (row["perspective"], row["delivery_policy"], row["regulation_innovation"]) == (
        "donor",
        2.5,
        -1.0,
    )
    assert row["_row"] == 9  # a record with a line break in a cell is still one row


@pytest.mark.parametrize(
    "text",
    [
        'comma, "quotes" and\nline breaks',
        "Ünïcödé — 水 — مرحبا — שלום — 🚰💧",
        "<script>alert(1)</script><b>bold</b>",
        '=HYPERLINK("http://x")',
        "  leading and trailing spaces  ",
        "NA",
    ],
)
def test_any_text_round_trips_unchanged(tiny: Path, text: str) -> None:
    append_placement(tiny, {**NEW, "note": text, "perspective": "donor"})
    ds = load_dataset(tiny)
    assert ds.problems == []
    assert ds.placements.iloc[-1]["note"] == text


def test_invalid_placement_is_refused_and_file_untouched(tiny: Path) -> None:
    before = (tiny / "placements.csv").read_bytes()
    with pytest.raises(DataError) as err:
        append_placement(tiny, {**NEW, "partnership_id": "nope", "delivery_policy": 9})
    columns = {p.column for p in err.value.problems}
    assert {"partnership_id", "delivery_policy"} <= columns
    assert all(p.file == "placements.csv" for p in err.value.problems)
    assert (tiny / "placements.csv").read_bytes() == before


def test_append_keeps_crlf_bom_and_adds_missing_final_newline(tiny: Path) -> None:
    path = tiny / "placements.csv"
    original = path.read_text().rstrip("\n").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + original.encode())
    append_placement(tiny, NEW)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + original.encode() + b"\r\n")
    assert data.endswith(b"\r\n")
    assert load_dataset(tiny).problems == []
    assert len(load_dataset(tiny).placements) == 8


def test_append_follows_the_files_own_column_order(tiny: Path) -> None:
    path = tiny / "placements.csv"
    lines = path.read_text().splitlines()
    header = "note,kind,perspective,date,partnership_id,rules_task,regulation_innovation,delivery_policy,spread"
    path.write_text(header + "\nfirst,actual,public,2023-01-01,alpha,1,1,1,\n")
    append_placement(tiny, NEW)
    assert (
        path.read_text().splitlines()[-1]
        == '"Moved, clearly",actual,donor,2025-03-01,alpha,,-1,2.5,'
    )
    del lines


def test_add_partnership_validates_and_appends(tiny: Path) -> None:
    record = add_partnership(
        tiny,
        {
            "partnership_id": "delta",
            "name": 'Delta, "new"',
            "partners": "A\nB; C",
            "started": dt.date(2024, 5, 1),
            "region": "Asia",
        },
    )
    assert record["partners"] == "A; B; C"
    ds = load_dataset(tiny)
    assert ds.problems == []
    row = ds.partnerships.set_index("partnership_id").loc["delta"]
    assert (row["name"], row["started"], row["region"]) == ('Delta, "new"', "2024-05-01", "Asia")


@pytest.mark.parametrize(
    ("record", "column"),
    [
        ({"partnership_id": "alpha", "name": "Taken"}, "partnership_id"),
        ({"partnership_id": "has space", "name": "X"}, "partnership_id"),
        ({"partnership_id": "ok", "name": " "}, "name"),
    ],
)
def test_add_partnership_refuses_bad_records(tiny: Path, record: dict, column: str) -> None:
    before = (tiny / "partnerships.csv").read_bytes()
    with pytest.raises(DataError) as err:
        add_partnership(tiny, record)
    assert [p.column for p in err.value.problems] == [column]
    assert err.value.problems[0].row == 5
    assert (tiny / "partnerships.csv").read_bytes() == before


def test_atomic_write_leaves_no_temp_file_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new"
    assert (path.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["f.csv"]


def test_failed_write_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f.csv"
    path.write_text("old")

    def boom(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("plotting.storage.os.replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(path, b"new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.csv"]


def _writer(folder: str, who: int, n: int) -> None:
    for i in range(n):
        append_placement(folder, {**NEW, "perspective": f"writer {who}", "note": f"{who}-{i}"})


def test_concurrent_writers_keep_every_row(tiny: Path) -> None:
    ctx = multiprocessing.get_context("fork")  # spawn would re-run __main__, which AppTest replaces
    procs = [ctx.Process(target=_writer, args=(str(tiny), w, 15)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    ds = load_dataset(tiny)
    assert ds.problems == []
    notes = set(ds.placements["note"])
    assert {f"{w}-{i}" for w in range(4) for i in range(15)} <= notes
    assert len(ds.placements) == 7 + 60


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2.5, "2.5"),
        (-3.0, "-3"),
        (0.0, "0"),
        (-0.0, "0"),
        (1 / 3, "0.3333"),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_format_number(value: object, text: str) -> None:
    assert format_number(value) == text
