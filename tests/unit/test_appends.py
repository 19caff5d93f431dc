"""Saving one row: appended in place, byte for byte; undone after a crash; checked cheaply."""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest
from filelock import FileLock

import plotting as pp
from plotting import storage
from plotting.storage import (
    LOCK_NAME,
    DataError,
    append_placement,
    recover_interrupted_appends,
)
from tests.conftest import NEW_PLACEMENT as NEW
from tests.conftest import PLACEMENTS, write_dataset

ROW = b'alpha,2025-03-01,donor,actual,2.5,-1,,,"Moved, clearly"'
JOURNAL = ".placements.csv.journal"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".journal")))


# ---- the bytes written ------------------------------------------------------------------

LF = PLACEMENTS.encode()
CRLF = PLACEMENTS.replace("\n", "\r\n").encode()
BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize(
    ("before", "note", "added"),
    [
        (LF, "Moved, clearly", ROW + b"\n"),
        (CRLF, "Moved, clearly", ROW + b"\r\n"),
        (BOM + CRLF, "Moved, clearly", ROW + b"\r\n"),
        (BOM + LF, "Moved, clearly", ROW + b"\n"),
        (LF.rstrip(b"\n"), "Moved, clearly", b"\n" + ROW + b"\n"),
        (CRLF.rstrip(b"\r\n"), "Moved, clearly", b"\r\n" + ROW + b"\r\n"),
        # Quoted as spreadsheets do; line breaks in a cell stay as they are.
        (LF, 'a, "b"\nc\rd', b'alpha,2025-03-01,donor,actual,2.5,-1,,,"a, ""b""\nc\rd"\n'),
        (CRLF, 'a, "b"\nc\rd', b'alpha,2025-03-01,donor,actual,2.5,-1,,,"a, ""b""\nc\rd"\r\n'),
        (LF, "plain", b"alpha,2025-03-01,donor,actual,2.5,-1,,,plain\n"),
        (LF, "", b"alpha,2025-03-01,donor,actual,2.5,-1,,,\n"),
    ],
    ids=[
        "lf",
        "crlf",
        "bom-crlf",
        "bom-lf",
        "lf-no-final-newline",
        "crlf-no-final-newline",
        "note-lf",
        "note-crlf",
        "plain",
        "blank-note",
    ],
)
def test_append_adds_exactly_one_record_to_the_bytes(
    tiny: Path, before: bytes, note: str, added: bytes
) -> None:
    path = tiny / "placements.csv"
    path.write_bytes(before)
    inode = path.stat().st_ino
    append_placement(tiny, {**NEW, "note": note})
    assert path.read_bytes() == before + added
    assert path.stat().st_ino == inode  # appended in place, not copied
    assert _leftovers(tiny) == []
    ds = pp.load_dataset(tiny)
    assert ds.problems == []
    assert ds.placements.iloc[-1]["note"] == note


def test_add_partnership_appends_in_place(tiny: Path) -> None:
    path = tiny / "partnerships.csv"
    before = path.read_bytes()
    inode = path.stat().st_ino
    pp.add_partnership(tiny, {"partnership_id": "delta", "name": 'Delta, "new"'})
    assert path.read_bytes() == before + b'delta,"Delta, ""new""",,,,,,,\n'
    assert path.stat().st_ino == inode
    assert _leftovers(tiny) == []


def test_a_new_file_is_written_whole(tiny: Path) -> None:
    (tiny / "placements.csv").unlink()
    append_placement(tiny, {**NEW, "note": ""})
    assert (tiny / "placements.csv").read_bytes() == (
        b"partnership_id,date,perspective,kind,spread,note,"
        b"delivery_policy,regulation_innovation,rules_task\n"
        b"alpha,2025-03-01,donor,actual,,,2.5,-1,\n"
    )


# ---- messages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape",
    ["as is", "no final newline", "crlf", "blank lines", "trailing blank lines", "no quotes"],
)
def test_refused_placement_names_file_row_and_column(tiny: Path, shape: str) -> None:
    """The row named is the one the placement would have had (as loading numbers it)."""
    path = tiny / "placements.csv"
    text = PLACEMENTS
    if shape == "no final newline":
        text = text.rstrip("\n")
    elif shape == "crlf":
        text = text.replace("\n", "\r\n")
    elif shape == "blank lines":
        text = text.replace("Advocacy focus\n", "Advocacy focus\n\n\n")
    elif shape == "trailing blank lines":
        text += "\n\n"
    elif shape == "no quotes":
        text = "\n".join(line for line in text.splitlines() if '"' not in line) + "\n"
    path.write_text(text, encoding="utf-8", newline="")
    before = path.read_bytes()
    with pytest.raises(DataError) as err:
        append_placement(tiny, {**NEW, "partnership_id": "nope", "delivery_policy": 9})
    assert path.read_bytes() == before
    with pytest.raises(DataError) as blank:
        append_placement(tiny, {**NEW, "partnership_id": " ", "kind": "maybe"})
    append_placement(tiny, NEW)
    row = int(pp.load_dataset(tiny).placements["_row"].iloc[-1])
    assert [str(p) for p in err.value.problems] == [
        f"placements.csv, row {row}, column 'partnership_id': unknown partnership 'nope'; "
        "expected an id from partnerships.csv",
        f"placements.csv, row {row}, column 'delivery_policy': 9 is out of range; expected "
        "a position from -5 to 5",
    ]
    assert [(p.row, p.column) for p in blank.value.problems] == [
        (row, "partnership_id"),
        (row, "kind"),
    ]


def test_header_problems_stay_on_row_1(tiny: Path) -> None:
    path = tiny / "placements.csv"
    path.write_text(
        "partnership_id,date,perspective,kind,delivery_policy,note\n"
        "alpha,2023-03-01,public,actual,1,x\n"
    )
    with pytest.raises(DataError) as err:
        append_placement(tiny, {**NEW, "regulation_innovation": None, "spread": 1})
    assert [(p.row, p.column) for p in err.value.problems] == [(1, "spread")]
    with pytest.raises(DataError) as err:
        append_placement(tiny, {**NEW, "kind": "x"})
    assert [(p.row, p.column) for p in err.value.problems] == [
        (3, "kind"),
        (1, "regulation_innovation"),
    ]


# ---- reference data: cached, and never stale ------------------------------------------


@pytest.fixture
def cache_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep reference data even when the files were just written (as tests write them)."""
    monkeypatch.setattr(storage, "_RACY_NS", 0)
    storage._REFERENCE_CACHE.clear()


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    real = storage.read_raw

    def counting(path: Path, problems: list) -> object:
        reads.append(path.name)
        return real(path, problems)

    monkeypatch.setattr(storage, "read_raw", counting)
    return reads


def test_reference_data_is_read_once_while_unchanged(
    tiny: Path, cache_at_once: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = _count_reads(monkeypatch)
    for i in range(3):
        append_placement(tiny, {**NEW, "note": str(i)})
    assert reads == ["axes.csv", "partnerships.csv"]


def test_reference_data_of_fresh_files_is_read_again(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files changed within the clock's step could change again unseen: not kept."""
    storage._REFERENCE_CACHE.clear()
    reads = _count_reads(monkeypatch)
    append_placement(tiny, NEW)
    append_placement(tiny, NEW)
    assert reads == ["axes.csv", "partnerships.csv"] * 2


def test_new_partnership_is_accepted_at_once(tiny: Path, cache_at_once: None) -> None:
    append_placement(tiny, NEW)
    with pytest.raises(DataError):
        append_placement(tiny, {**NEW, "partnership_id": "delta"})
    pp.add_partnership(tiny, {"partnership_id": "delta", "name": "Delta"})  # in place
    append_placement(tiny, {**NEW, "partnership_id": "delta"})
    # A rewrite (temporary file renamed over it), as the Data page makes.
    path = tiny / "partnerships.csv"
    storage.atomic_write_bytes(path, path.read_bytes() + b"eps,Eps,,,,,,,\n")
    append_placement(tiny, {**NEW, "partnership_id": "eps"})


@pytest.mark.parametrize("racy", [False, True])
def test_changed_partnerships_are_seen_with_same_size_and_mtime(
    tiny: Path, monkeypatch: pytest.MonkeyPatch, racy: bool
) -> None:
    """Same inode, size and modification time: the change time still tells."""
    storage._REFERENCE_CACHE.clear()
    if not racy:
        monkeypatch.setattr(storage, "_RACY_NS", 0)
    path = tiny / "partnerships.csv"
    append_placement(tiny, {**NEW, "partnership_id": "gamma"})
    st = path.stat()
    if not racy:
        time.sleep(0.05)  # past the clock step of the change time
    text = path.read_bytes().replace(b"\ngamma,", b"\ngammb,")
    with path.open("r+b") as fh:  # in place, as some editors save
        fh.write(text)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        st.st_ino,
        st.st_size,
        st.st_mtime_ns,
    )
    with pytest.raises(DataError) as err:
        append_placement(tiny, {**NEW, "partnership_id": "gamma"})
    assert [p.column for p in err.value.problems] == ["partnership_id"]
    append_placement(tiny, {**NEW, "partnership_id": "gammb"})


def test_changed_axes_are_seen(tiny: Path, cache_at_once: None) -> None:
    renamed = {**NEW, "delivery_polisy": 1}
    append_placement(tiny, renamed)  # not an axis: ignored
    axes = tiny / "axes.csv"
    storage.atomic_write_bytes(
        axes, axes.read_bytes().replace(b"\ndelivery_policy,", b"\ndelivery_polisy,")
    )
    with pytest.raises(DataError) as err:
        append_placement(tiny, renamed)
    assert [(p.row, p.column) for p in err.value.problems] == [(1, "delivery_polisy")]


def test_reference_cache_keeps_a_few_folders(tmp_path: Path, cache_at_once: None) -> None:
    for i in range(storage._REFERENCE_CACHE_FOLDERS + 3):
        append_placement(write_dataset(tmp_path / str(i)), NEW)
    assert len(storage._REFERENCE_CACHE) == storage._REFERENCE_CACHE_FOLDERS


# ---- crash safety: the undo journal ---------------------------------------------------


def _torn_append(folder: Path, data: bytes, written: int) -> bytes:
    """Leave placements.csv as a writer killed mid-append would; return the bytes before."""
    path = folder / "placements.csv"
    before = path.read_bytes()
    storage._write_journal(folder / JOURNAL, len(before), path.stat().st_ino, data)
    with path.open("ab") as fh:
        fh.write(data[:written])
    return before


TORN = b'alpha,2025-01-01,x,actual,1,,,,"half a note\nand'


@pytest.mark.parametrize("written", [1, 20, len(TORN) - 1])
def test_torn_append_is_undone_by_the_next_save(tiny: Path, written: int) -> None:
    before = _torn_append(tiny, TORN + b' more"\n', written)
    append_placement(tiny, NEW)
    assert (tiny / "placements.csv").read_bytes() == before + ROW + b"\n"
    assert _leftovers(tiny) == []
    assert pp.load_dataset(tiny).problems == []


def test_torn_append_is_undone_by_recover_interrupted_appends(tiny: Path) -> None:
    before = _torn_append(tiny, TORN + b' more"\n', len(TORN))
    assert (tiny / "placements.csv").read_bytes() != before  # torn, until recovered
    assert recover_interrupted_appends(tiny) is True
    assert (tiny / "placements.csv").read_bytes() == before
    assert _leftovers(tiny) == []
    assert recover_interrupted_appends(tiny) is False


def test_torn_partnerships_append_is_undone(tiny: Path) -> None:
    path = tiny / "partnerships.csv"
    before = path.read_bytes()
    storage._write_journal(
        tiny / ".partnerships.csv.journal", len(before), path.stat().st_ino, b"delta,Del,,\n"
    )
    with path.open("ab") as fh:
        fh.write(b"delta,De")
    pp.add_partnership(tiny, {"partnership_id": "eps", "name": "Eps"})
    assert path.read_bytes() == before + b"eps,Eps,,,,,,,\n"


def test_whole_append_left_with_its_journal_is_kept(tiny: Path) -> None:
    """Killed after writing, before removing the journal: the row may have been reported."""
    data = b"alpha,2025-01-01,x,actual,1,,,,whole\n"
    before = _torn_append(tiny, data, len(data))
    assert recover_interrupted_appends(tiny) is True
    assert (tiny / "placements.csv").read_bytes() == before + data
    assert _leftovers(tiny) == []


def test_journal_of_a_file_not_larger_does_nothing(tiny: Path) -> None:
    path = tiny / "placements.csv"
    before = _torn_append(tiny, b"alpha,2025-01-01,x,actual,1,,,,n\n", 0)
    assert recover_interrupted_appends(tiny) is True
    assert path.read_bytes() == before
    # A file now shorter than the journal says (cut by someone else) is left alone too.
    storage._write_journal(tiny / JOURNAL, len(before) + 10, path.stat().st_ino, b"x" * 20)
    append_placement(tiny, NEW)
    assert path.read_bytes() == before + ROW + b"\n"
    assert _leftovers(tiny) == []


def test_journal_of_a_replaced_or_grown_file_does_nothing(tiny: Path) -> None:
    path = tiny / "placements.csv"
    # Replaced (another inode) since: the journal no longer applies.
    before = _torn_append(tiny, b"alpha,2025-01-01,x,actual,1,,,,n\n", 5)
    storage.atomic_write_bytes(path, path.read_bytes())
    recover_interrupted_appends(tiny)
    assert path.read_bytes() == before + b"alpha"
    # Grown beyond the append (someone else wrote after it): nothing is cut.
    path.write_bytes(before)
    grown = _torn_append(tiny, b"ab\n", 3) + b"ab\nmore,rows\n"
    with path.open("ab") as fh:
        fh.write(b"more,rows\n")
    recover_interrupted_appends(tiny)
    assert path.read_bytes() == grown
    assert _leftovers(tiny) == []


def test_incomplete_journal_is_removed_and_the_file_kept(tiny: Path) -> None:
    path = tiny / "placements.csv"
    before = path.read_bytes()
    (tiny / JOURNAL).write_bytes(b"plotting-append-journal-1 12 34 100\nonly part")
    (tiny / ".partnerships.csv.journal").write_bytes(b"")
    assert recover_interrupted_appends(tiny) is True
    assert path.read_bytes() == before
    assert _leftovers(tiny) == []


def test_recovery_waits_for_no_one(tiny: Path) -> None:
    """A reader never blocks: with the lock held (a live writer), it does nothing."""
    _torn_append(tiny, b"alpha,2025-01-01,x,actual,1,,,,n\n", 5)
    with FileLock(str(tiny / LOCK_NAME)):
        start = time.perf_counter()
        assert recover_interrupted_appends(tiny) is False
        assert time.perf_counter() - start < 1
    assert (tiny / JOURNAL).exists()
    assert recover_interrupted_appends(tiny) is True
    assert _leftovers(tiny) == []


def test_failed_append_is_undone_at_once(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tiny / "placements.csv"
    before = path.read_bytes()
    real = storage._write_fully
    calls: list[int] = []

    def half_then_full_disk(fd: int, data: bytes) -> None:
        calls.append(fd)
        if len(calls) == 1:  # the journal
            return real(fd, data)
        os.write(fd, data[:10])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "_write_fully", half_then_full_disk)
    with pytest.raises(OSError, match="No space"):
        append_placement(tiny, NEW)
    assert path.read_bytes() == before
    assert _leftovers(tiny) == []


def test_failed_journal_write_leaves_nothing(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tiny / "placements.csv"
    before = path.read_bytes()

    def full_disk(fd: int, data: bytes) -> None:
        os.write(fd, data[:10])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "_write_fully", full_disk)
    with pytest.raises(OSError, match="No space"):
        append_placement(tiny, NEW)
    assert path.read_bytes() == before
    assert _leftovers(tiny) == []


def _big_appender(folder: str, acked: str, size: int, short_writes: bool) -> None:
    """Append placements with large notes forever; log each size reported as saved.

    With `short_writes`, every write stores at most 64 KiB and takes a while (as the
    system may: writers loop), so that kills land inside journal and row writes too.
    """
    if short_writes:
        real = os.write

        def short_write(fd: int, data: bytes) -> int:
            time.sleep(0.002)
            return real(fd, memoryview(data)[: 1 << 16])

        os.write = short_write  # this child process only
    with open(acked, "a", encoding="utf-8") as log:
        for i in range(10**6):
            pp.append_placement(folder, {**NEW, "note": f"{i}:" + "x" * size})
            log.write(f"{i} {(Path(folder) / 'placements.csv').stat().st_size}\n")
            log.flush()
            os.fsync(log.fileno())


@pytest.mark.slow
def test_sigkill_mid_append_leaves_exactly_the_saved_rows(tmp_path: Path) -> None:
    """Killed at random moments, also inside the journal's or the row's writes: once
    recovered, the file is its old bytes plus exactly the rows reported saved (and
    the row in flight only if it is whole), with no torn line and no leftover file."""
    rng = random.Random(20260301)
    ctx = multiprocessing.get_context("fork")
    size = 1 << 20
    torn = 0
    for round_ in range(40):  # until enough kills tore a row (a few rounds in three)
        if round_ >= 10 and torn >= 2:
            break
        folder = write_dataset(tmp_path / f"r{round_}")
        path = folder / "placements.csv"
        original = path.read_bytes()
        acked = tmp_path / f"acked-{round_}.txt"
        args = (str(folder), str(acked), size, round_ % 4 != 0)
        proc = ctx.Process(target=_big_appender, args=args)
        proc.start()
        time.sleep(rng.uniform(0.05, 0.5))
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(10)
        lines = acked.read_text(encoding="utf-8").splitlines() if acked.exists() else []
        n = len(lines)
        rows = [
            f"alpha,2025-03-01,donor,actual,2.5,-1,,,{i}:{'x' * size}\n".encode()
            for i in range(n + 1)
        ]
        saved = original + b"".join(rows[:n])
        if lines:
            assert int(lines[-1].split()[1]) == len(saved)
        torn += len(saved) < path.stat().st_size < len(saved) + len(rows[n])
        if round_ % 2:
            recover_interrupted_appends(folder)
            tail = b""
        else:  # the next writer recovers
            append_placement(folder, {**NEW, "note": "after"})
            tail = ROW.replace(b'"Moved, clearly"', b"after") + b"\n"
        assert path.read_bytes() in (saved + tail, saved + rows[n] + tail), f"round {round_}"
        assert _leftovers(folder) == []
        assert pp.load_dataset(folder).problems == []
        shutil.rmtree(folder)
    assert torn  # some kills did land inside a row's write


def test_loading_undoes_a_torn_append(tmp_path: Path) -> None:
    """A reader after a killed writer sees the file as it was, not half a row."""
    folder = write_dataset(tmp_path / "d")
    path = folder / "placements.csv"
    before = path.read_bytes()
    line = b"alpha,2025-01-01,public,actual,1,1,,,torn\n"
    storage._write_journal(
        folder / storage._journal_name("placements.csv"),
        len(before),
        path.stat().st_ino,
        line,
    )
    with path.open("ab") as fh:
        fh.write(line[:12])  # the writer was killed mid-write
    ds = pp.load_dataset(folder)
    assert path.read_bytes() == before and not ds.problems
    assert not (folder / storage._journal_name("placements.csv")).exists()
