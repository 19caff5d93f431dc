"""The benchmark code runs end to end on a tiny dataset (no browser, no timed assertion)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import plotting as pp
from bench import data, measures, run
from bench.timing import Timing, interleave


def test_generated_dataset_is_valid_and_has_the_promised_shape(tmp_path: Path) -> None:
    made = data.make_dataset(tmp_path / "d", 20)
    ds = pp.load_dataset(made.folder)
    assert ds.problems == []
    assert (len(ds.partnerships), len(ds.placements)) == (20, made.placements) == (20, 600)
    assert ds.axis_ids == list(data.AXIS_IDS)
    assert ds.placements.groupby("partnership_id")["date"].nunique().eq(data.N_DATES).all()
    again = data.make_dataset(tmp_path / "d", 20)  # kept: not written again
    assert again == made


def test_portfolio_page_is_found_through_app_py() -> None:
    page = measures.portfolio_page()
    assert page.endswith("portfolio.py") and (measures.ROOT / page).exists()
    assert measures.portfolio_url_path() == "portfolio"


def test_interleave_takes_turns_and_skips_warmup() -> None:
    calls: list[str] = []
    timing = interleave(lambda: calls.append("b"), lambda: calls.append("s") or 0.5, repeats=2)
    assert calls == ["b", "s"] * 3
    assert timing.subject == [0.5, 0.5] and len(timing.baseline) == 2


@pytest.mark.slow
def test_benchmark_runs_end_to_end_without_a_browser(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    import streamlit  # noqa: F401  (its first import sets MPLBACKEND, which is not ours)

    out = tmp_path / "results.json"
    environment = dict(os.environ)
    code = run.main(
        ["--sizes", "20", "--repeats", "1", "--no-browser", "--json", str(out),
         "--data-dir", str(tmp_path / "data")]
    )  # fmt: skip
    assert code == 0
    assert dict(os.environ) == environment  # PLOTTING_DATA_DIR was set only for a while
    printed = capsys.readouterr().out
    assert "Load and validate (in-process)" in printed and "Peak memory" in printed
    results = json.loads(out.read_text())
    measured = {r["measure"] for r in results["results"]}
    assert measured == {"load", "load_process", "save", "figure", "rerun", "memory"}
    assert all(r["subject"] > 0 and r["baseline"] > 0 for r in results["results"])
    assert results["machine"]["cores"] and results["settings"]["browser"] is False


def test_alternating_states_are_weighed_alike() -> None:
    """Two interleaved states: each state's median, then their mean."""
    timing = Timing(subject=[1.0, 3.0, 1.2, 3.2, 1.1, 9.0], baseline=[1.0, 2.0] * 3, states=2)
    assert timing.subject_median == pytest.approx((1.1 + 3.2) / 2)
    assert timing.baseline_median == pytest.approx(1.5)
    assert Timing(subject=[1.0, 3.0, 2.0]).subject_median == 2.0
