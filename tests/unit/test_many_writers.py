"""Many people at once: additions never conflict; only rows changed by someone else do.

The row-level rule itself (add+add, add+edit, different rows, the same row, delete,
undo) is tested in test_changes.py; here are imports, and 200 command-line imports at
once.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import plotting as pp
from plotting.changes import StaleDataError, commit, load_tables, table_ops
from plotting.history import read_history
from plotting.importer import commit_import, guess_mapping, plan_import, read_source
from plotting.storage import data_signature

ROOT = Path(__file__).resolve().parents[2]


def _plan(folder: Path, text: str):
    source = read_source("x.csv", text.encode())
    return plan_import(
        folder, source, guess_mapping(list(source.frame.columns), pp.load_dataset(folder).axes)
    )


def test_an_import_goes_in_after_others_saved_since_its_preview(tiny: Path) -> None:
    plan = _plan(
        tiny, "partnership_id,date,perspective,delivery_policy\nalpha,2025-01-01,donor,1\n"
    )
    pp.append_placement(
        tiny,
        {
            "partnership_id": "beta",
            "date": "2025-02-02",
            "perspective": "x",
            "kind": "actual",
            "delivery_policy": 2,
        },
    )
    pp.add_partnership(tiny, {"partnership_id": "delta", "name": "Delta"})
    tables = load_tables(tiny)
    frame = tables["placements.csv"].frame()
    frame.loc[0, "note"] = "edited meanwhile"
    commit(tiny, table_ops("placements.csv", tables["placements.csv"], frame), action="e", user="e")
    commit_import(tiny, plan, user="t")
    ds = pp.load_dataset(tiny)
    assert ds.problems == []
    assert len(ds.placements) == 9 and ds.placements.iloc[0]["note"] == "edited meanwhile"
    assert ds.placements.iloc[-1]["perspective"] == "donor"


DUPLICATE = (
    "partnership_id,date,perspective,kind,delivery_policy,regulation_innovation,note\n"
    "beta,2023-05-01,civil society,actual,4,3,again\n"
)


def _edit_beta_2023(folder: Path) -> None:
    tables = load_tables(folder)
    frame = tables["placements.csv"].frame()
    frame.loc[4, "delivery_policy"] = "-4"
    commit(
        folder, table_ops("placements.csv", tables["placements.csv"], frame), action="e", user="e"
    )


def test_an_import_replacing_a_row_someone_changed_since_is_refused(tiny: Path) -> None:
    plan = _plan(tiny, DUPLICATE)
    assert len(plan.duplicates) == 1
    _edit_beta_2023(tiny)
    before = (tiny / "placements.csv").read_bytes()
    with pytest.raises(StaleDataError, match=r"placements\.csv changed since you loaded"):
        commit_import(tiny, plan, on_duplicate="replace", user="t")
    assert (tiny / "placements.csv").read_bytes() == before
    # Skipping the duplicate changes no existing row: nothing stale, and nothing to write.
    with pytest.raises(ValueError, match="nothing to import"):
        commit_import(tiny, plan, on_duplicate="skip", user="t")
    assert (tiny / "placements.csv").read_bytes() == before


def test_an_import_changing_a_partnership_someone_changed_since_is_refused(tiny: Path) -> None:
    plan = _plan(tiny, "partnership_id,name,country\nbeta,Beta Sanitation Platform,Togo\n")
    assert len(plan.changed_partnerships) == 1
    loaded = data_signature(tiny)
    tables = load_tables(tiny)
    frame = tables["partnerships.csv"].frame()
    frame.loc[1, "sector"] = "Sanitation and hygiene"
    commit(
        tiny,
        table_ops("partnerships.csv", tables["partnerships.csv"], frame),
        action="e",
        user="e",
        expected=loaded,
    )
    with pytest.raises(StaleDataError, match="someone else changed or removed a row you changed"):
        commit_import(tiny, plan, user="t")
    parts = pp.load_dataset(tiny).partnerships.set_index("partnership_id")
    assert parts.loc["beta", "country"] == "Ghana"


def _import(folder: Path, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plotting", "import", str(path), "--data", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
@pytest.mark.timeout(1800)  # 200 Python start-ups: minutes on a busy two-core machine
def test_200_command_line_imports_at_once_none_refused_none_lost(
    tiny: Path, tmp_path: Path
) -> None:
    files = []
    for i in range(200):
        path = tmp_path / f"import-{i:03}.csv"
        if i % 4 == 0:  # a new partnership with its first placement
            text = (
                "partnership_id,name,date,perspective,kind,delivery_policy\n"
                f"new-{i},New partnership {i},2025-01-01,p{i},actual,{i % 11 - 5}\n"
            )
        else:
            text = (
                "partnership_id,date,perspective,kind,delivery_policy\n"
                f"alpha,2025-01-01,p{i},actual,{i % 11 - 5}\n"
            )
        path.write_text(text, encoding="utf-8")
        files.append(path)
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda p: _import(tiny, p), files))
    refused = [(r.stdout, r.stderr) for r in results if r.returncode != 0]
    assert refused == []
    assert all("1 new placement(s)" in r.stdout for r in results)
    ds = pp.load_dataset(tiny)
    assert ds.problems == []
    assert len(ds.placements) == 7 + 200
    assert {f"p{i}" for i in range(200)} <= set(ds.placements["perspective"])
    assert {f"new-{i}" for i in range(0, 200, 4)} <= set(ds.partnerships["partnership_id"])
    history = read_history(tiny)
    assert len(history) == 200
    assert sorted(c.action.split(":")[0] for c in history) == sorted(
        f"Imported {p.name}" for p in files
    )
