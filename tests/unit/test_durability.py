"""Durability: any text round-trips; concurrent writers lose nothing; SIGKILL never tears a file
(once an interrupted append is undone, by the next writer or a reader's recovery)."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plotting as pp
from plotting.changes import commit
from plotting.history import Op, read_history
from plotting.storage import recover_interrupted_appends
from plotting.text import is_blank
from tests.conftest import write_dataset

# Any Unicode text except control characters (refused with a located problem, see
# test_real_data.py): commas, quotes, line breaks, emoji, right-to-left scripts.
TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters=[
            *(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)),
            "\x7f",
            "\ufffe",
            "\uffff",
        ],
    ),
    max_size=80,
)
SAMPLES = st.sampled_from(
    ['a, "b"\nc', "مرحبا بالعالم", "שלום", "🚰💧👩🏽‍🔧", "=1+1", "\r\n", " x "]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(note=st.one_of(TEXT, SAMPLES), name=st.one_of(TEXT, SAMPLES))
def test_any_text_round_trips(
    tmp_path_factory: pytest.TempPathFactory, note: str, name: str
) -> None:
    folder = write_dataset(tmp_path_factory.mktemp("rt"))
    pp.append_placement(
        folder,
        {
            "partnership_id": "alpha",
            "date": "2025-01-01",
            "perspective": "donor",
            "kind": "actual",
            "delivery_policy": 1,
            "note": note,
        },
    )
    if not is_blank(name):  # a name of invisible characters only is refused as blank
        pp.add_partnership(folder, {"partnership_id": "delta", "name": name})
    ds = pp.load_dataset(folder)
    assert ds.problems == []
    assert ds.placements.iloc[-1]["note"] == note
    if not is_blank(name):
        assert ds.partnerships.iloc[-1]["name"] == name.strip()


def _writer(folder: str, who: int, n: int) -> None:
    for i in range(n):
        pp.append_placement(
            folder,
            {
                "partnership_id": "alpha",
                "date": "2025-01-01",
                "perspective": f"w{who}",
                "kind": "actual",
                "delivery_policy": (i % 10) - 5,
                "note": f"{who}:{i}",
            },
            user=f"w{who}",
        )


@pytest.mark.slow
def test_eight_processes_hundred_writes_each(tiny: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(tiny), w, 100)) for w in range(8)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(300)
        assert p.exitcode == 0
    ds = pp.load_dataset(tiny)
    assert ds.problems == []
    notes = set(ds.placements["note"])
    assert {f"{w}:{i}" for w in range(8) for i in range(100)} <= notes
    assert len(ds.placements) == 7 + 800
    assert len(read_history(tiny)) == 800


def _crash_writer(folder: str, who: int, acked: str) -> None:
    """Write forever; after each write reported as saved, note it (flushed) in `acked`."""
    with open(acked, "a", encoding="utf-8") as log:
        i = 0
        while True:
            note = f"{who}:{i}"
            if i % 5 == 4:  # every fifth write is a multi-file recorded commit
                commit(
                    folder,
                    [Op("partnerships.csv", None, {"partnership_id": f"p{who}-{i}", "name": note})],
                    action="add",
                    user=f"w{who}",
                )
            else:
                pp.append_placement(
                    folder,
                    {
                        "partnership_id": "alpha",
                        "date": "2025-01-01",
                        "perspective": f"w{who}",
                        "kind": "actual",
                        "delivery_policy": 1,
                        "note": note,
                    },
                )
            log.write(note + "\n")
            log.flush()
            os.fsync(log.fileno())
            i += 1


@pytest.mark.slow
def test_sigkill_at_random_moments_never_tears_a_file(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "d")
    rng = random.Random(20261129)
    ctx = multiprocessing.get_context("fork")
    for round_ in range(25):
        acked = [tmp_path / f"acked-{round_}-{w}.txt" for w in range(3)]
        procs = [
            ctx.Process(target=_crash_writer, args=(str(folder), f"r{round_}w{w}", str(acked[w])))
            for w in range(3)
        ]
        for p in procs:
            p.start()
        time.sleep(rng.uniform(0.05, 0.4))
        for p in procs:
            os.kill(p.pid, signal.SIGKILL)
        for p in procs:
            p.join(10)
        recover_interrupted_appends(folder)  # as a reader may, before loading
        assert [p.name for p in folder.iterdir() if p.name.endswith(".journal")] == []
        ds = pp.load_dataset(folder)
        assert ds.problems == [], [str(p) for p in ds.problems[:5]]
        present = set(ds.placements["note"]) | set(ds.partnerships["name"])
        for w, path in enumerate(acked):
            # A writer killed before it opened its log had saved nothing.
            saved = path.read_text(encoding="utf-8").split() if path.exists() else []
            assert set(saved) <= present, f"round {round_}: a write reported as saved was lost"
            who = f"r{round_}w{w}:"
            extra = {n for n in present if n.startswith(who)} - set(saved)
            assert len(extra) <= 1, "only the write in flight may be missing from the log"
    assert len(read_history(folder)) >= 1  # the log stays readable (a torn tail is skipped)
    # Temporary files and append journals of killed writers are cleared by the next writer.
    pp.append_placement(
        folder,
        {
            "partnership_id": "alpha",
            "date": "2025-01-02",
            "perspective": "x",
            "kind": "actual",
            "delivery_policy": 0,
        },
    )
    assert [p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".journal"))] == []
