"""`python -m plotting validate`: summary and exit 0, one line per problem and exit 1, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import PLACEMENTS, run_cli, write_dataset

ROOT = Path(__file__).resolve().parents[2]


run = run_cli


def test_validate_sample_data() -> None:
    out = run("validate")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("\n") == 1
    assert "valid" in out.stdout and "16 partnerships" in out.stdout


def test_validate_bad_dataset_lists_each_problem(tmp_path: Path) -> None:
    folder = write_dataset(
        tmp_path / "d", placements=PLACEMENTS + "alpha,2024-13-01,public,actual,9,1,1,,\n"
    )
    out = run("validate", "--data", str(folder))
    assert out.returncode == 1
    assert out.stdout.splitlines() == [
        "placements.csv, row 9, column 'date': '2024-13-01' is not a date; expected YYYY-MM-DD, e.g. 2024-03-15",
        "placements.csv, row 9, column 'delivery_policy': 9 is out of range; expected a position from -5 to 5",
    ]


def test_validate_missing_folder(tmp_path: Path) -> None:
    out = run("validate", "--data", str(tmp_path / "nowhere"))
    assert out.returncode == 2
    assert "does not exist" in out.stderr


def test_validate_uses_environment_variable(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "d")
    out = subprocess.run(
        [sys.executable, "-m", "plotting", "validate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PLOTTING_DATA_DIR": str(folder), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert out.returncode == 0 and "3 partnerships" in out.stdout
