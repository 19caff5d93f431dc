"""The command line: `python -m plotting validate [--data DIR]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from plotting.model import DATA_FILES
from plotting.storage import default_data_dir, load_dataset


def _validate(args: argparse.Namespace) -> int:
    folder = Path(args.data) if args.data else default_data_dir()
    if not folder.is_dir():
        print(f"error: data folder {folder} does not exist", file=sys.stderr)
        return 2
    dataset = load_dataset(folder)
    if dataset.problems:
        for problem in dataset.problems:
            print(problem)
        print(
            f"{folder}: {len(dataset.problems)} problem(s) found in "
            f"{', '.join(DATA_FILES)}",
            file=sys.stderr,
        )
        return 1
    n_dates = dataset.placements["date"].nunique()
    print(
        f"{folder}: valid — {len(dataset.axes)} axes, {len(dataset.partnerships)} partnerships, "
        f"{len(dataset.placements)} placements from {len(dataset.perspectives)} perspectives "
        f"on {n_dates} dates"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one sub-command per chore."""
    parser = argparse.ArgumentParser(
        prog="python -m plotting", description="Plotting Partnerships on the command line."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    val = sub.add_parser("validate", help="check a dataset folder and list every problem")
    val.add_argument("--data", metavar="DIR", help="dataset folder (default: $PLOTTING_DATA_DIR or data/)")
    val.set_defaults(func=_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))
