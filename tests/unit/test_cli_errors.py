"""The command line never prints a traceback: bad data, bad options, failed exports, closed pipes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PLACEMENTS, run_cli, write_dataset

ROOT = Path(__file__).resolve().parents[2]
ENV = {k: v for k, v in os.environ.items() if k != "PLOTTING_DATA_DIR"}


run = run_cli


def many_problems(folder: Path, n: int = 4000) -> Path:
    """A dataset whose validation prints n lines (far more than a pipe's buffer)."""
    bad = "".join(
        f"alpha,2024-13-{i % 28 + 1:02d},public,actual,9,1,1,,row {i}\n" for i in range(n)
    )
    return write_dataset(folder, placements=PLACEMENTS + bad)


def test_a_pipe_closed_early_ends_quietly(tmp_path: Path) -> None:
    """`python -m plotting validate | head -1`: no BrokenPipeError, no traceback."""
    folder = many_problems(tmp_path / "d")
    proc = subprocess.Popen(
        [sys.executable, "-m", "plotting", "validate", "--data", str(folder)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader stops, as `head -1` does
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    code = proc.wait(timeout=60)
    assert first.startswith(b"placements.csv")
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert code in (0, 1)


@pytest.mark.parametrize(
    "command", [["validate"], ["history"], ["--help"], ["export", "--help"]], ids=" ".join
)
def test_a_pipe_closed_before_anything_is_read(tmp_path: Path, command: list[str]) -> None:
    """The reader is gone before the first line: the flush at exit must not fail loudly."""
    folder = write_dataset(tmp_path / "d")
    data = [] if "--help" in command else ["--data", str(folder)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "plotting", *command, *data],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    proc.wait(timeout=60)
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert "BrokenPipe" not in stderr


def test_a_shell_pipe_into_head(tmp_path: Path) -> None:
    folder = many_problems(tmp_path / "d")
    out = subprocess.run(
        f"'{sys.executable}' -m plotting validate --data '{folder}' | head -1",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=ENV,
    )
    assert out.stdout.count("\n") == 1
    assert "Traceback" not in out.stderr and "Exception ignored" not in out.stderr, out.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["validate", "--data", "/no/such/folder"], 2, "does not exist"),
        (["history", "--data", "/no/such/folder"], 2, "does not exist"),
        (["export", "png", "--out", "x.png", "--data", "/no/such"], 2, "does not exist"),
        (["export", "png", "--out", "x.png", "--width", "wide"], 2, "invalid int value"),
        (["export", "png", "--out", "x.png", "--width", "5"], 2, "outside 200–6000"),
        (["export", "gif", "--out", "x.gif"], 2, "invalid choice"),
        (["export", "png", "--out", "x.png", "--from", "2024-13-01"], 2, "is not a date"),
        (["export", "png", "--out", "x.png", "--axes", "nope,rules_task"], 2, "unknown axis"),
        (["undo", "no-such-change"], 2, "no change"),
        (["frobnicate"], 2, "invalid choice"),
    ],
)
def test_bad_calls_are_one_error_line(args, code, message) -> None:
    out = run(*args)
    assert out.returncode == code, out.stderr
    assert message in out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith(("error:", "python -m plotting"))


@pytest.mark.parametrize(
    "files",
    [
        {"axes.csv": b"axis_id;low_pole;high_pole\nx;a;b\n"},  # semicolons
        {"placements.csv": b"\xff\xfe\x00b\x00a\x00d"},  # not UTF-8
        {"partnerships.csv": b'partnership_id,name\n"alpha,unclosed\n'},
        {"axes.csv": b""},
    ],
)
def test_bad_files_never_print_a_traceback(tmp_path: Path, files) -> None:
    folder = write_dataset(tmp_path / "d")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    out = run("validate", "--data", str(folder))
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Traceback" not in out.stderr, out.stderr
    assert out.stdout.startswith(tuple(files)), out.stdout  # located in the bad file
    # An export goes ahead with the valid rows and says so, or stops with one error line.
    out = run("export", "csv", "--out", str(tmp_path / "o.csv"), "--data", str(folder))
    assert "Traceback" not in out.stderr, out.stderr
    if out.returncode == 0:
        assert out.stderr.startswith("warning:")
    else:
        assert out.stderr.strip().splitlines()[-1].startswith("error:")


def test_an_unwritable_export_target_is_one_error_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    folder = write_dataset(tmp_path / "d")
    out = run("export", "csv", "--out", str(blocker / "x.csv"), "--data", str(folder))
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("error: CSV export to")


def test_an_unexpected_failure_is_one_error_line(monkeypatch, capsys) -> None:
    from plotting import cli

    def boom(args):
        raise KeyError("something nobody planned for")

    monkeypatch.setattr(cli, "_validate", boom)
    assert cli.main(["validate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: validate failed:") and "something nobody planned for" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("name", ["axes.csv", "partnerships.csv", "placements.csv"])
def test_a_folder_in_place_of_a_data_file_is_a_located_problem(tmp_path: Path, name: str) -> None:
    folder = write_dataset(tmp_path / "d")
    (folder / name).unlink()
    (folder / name).mkdir()
    out = run("validate", "--data", str(folder))
    assert out.returncode == 1, out.stdout + out.stderr
    assert out.stdout.splitlines() == [
        f"{name}: {name} is a folder, not a file; put the CSV file there"
    ]
    assert out.stderr == f"{folder}: 1 problem(s) found in {name}\n"


def test_the_summary_names_only_the_files_with_problems(tmp_path: Path) -> None:
    folder = write_dataset(
        tmp_path / "d", placements=PLACEMENTS + "alpha,2024-13-01,public,actual,1,1,1,,x\n"
    )
    out = run("validate", "--data", str(folder))
    assert out.returncode == 1
    assert out.stderr == f"{folder}: 1 problem(s) found in placements.csv\n"
    (folder / "axes.csv").write_text("axis_id,low_pole,high_pole\nBad Id,a,b\n")
    out = run("validate", "--data", str(folder))
    assert out.stderr.endswith("problem(s) found in axes.csv, placements.csv\n"), out.stderr
