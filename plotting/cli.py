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


def _folder(args: argparse.Namespace) -> Path | None:
    folder = Path(args.data) if args.data else default_data_dir()
    if not folder.is_dir():
        print(f"error: data folder {folder} does not exist", file=sys.stderr)
        return None
    return folder


def _user() -> str:
    import getpass

    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):
        return "command line"


def _import(args: argparse.Namespace) -> int:
    from plotting.changes import ConflictError, StaleDataError
    from plotting.importer import (
        ImportFileError,
        commit_import,
        guess_mapping,
        load_mappings,
        plan_import,
        read_source,
    )
    from plotting.storage import DataError

    folder = _folder(args)
    if folder is None:
        return 2
    path = Path(args.file)
    if not path.is_file():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 2
    try:
        source = read_source(path.name, path.read_bytes())
    except ImportFileError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    dataset = load_dataset(folder)
    if args.mapping:
        saved = load_mappings(folder)
        if args.mapping in saved:
            mapping = saved[args.mapping]
        elif Path(args.mapping).is_file():
            import json

            mapping = json.loads(Path(args.mapping).read_text(encoding="utf-8"))
        else:
            print(f"error: no saved mapping or file named {args.mapping!r}", file=sys.stderr)
            return 2
    else:
        mapping = guess_mapping(list(source.frame.columns), dataset.axes)
    plan = plan_import(folder, source, mapping, default_kind=args.kind,
                       default_perspective=args.perspective or "")
    for note in plan.notes:
        print(f"note: {note}", file=sys.stderr)
    if not plan.ok:
        for problem in plan.problems:
            print(problem)
        print(f"{path.name}: {len(plan.problems)} problem(s); nothing was written", file=sys.stderr)
        return 1
    try:
        change = commit_import(folder, plan, on_duplicate=args.on_duplicate, user=_user())
    except (DataError, StaleDataError, ConflictError) as err:
        problems = getattr(err, "problems", None) or [err]
        for problem in problems:
            print(problem)
        print("nothing was written", file=sys.stderr)
        return 1
    print(f"{path.name}: {plan.summary(args.on_duplicate)} (change {change.change_id})")
    return 0


def _history(args: argparse.Namespace) -> int:
    from plotting.changes import change_history

    folder = _folder(args)
    if folder is None:
        return 2
    table = change_history(folder)
    if table.empty:
        print("no changes recorded yet")
        return 0
    for row in table.itertuples():
        mark = " (undone)" if row.undone else ""
        print(f"{row.change}  {row.time}  {row.user}  {row.action} [{row.rows}]{mark}")
    return 0


def _undo(args: argparse.Namespace) -> int:
    from plotting.changes import ConflictError, undo
    from plotting.storage import DataError

    folder = _folder(args)
    if folder is None:
        return 2
    try:
        change = undo(folder, args.change, user=_user())
    except KeyError:
        print(f"error: no change {args.change!r}; see `python -m plotting history`", file=sys.stderr)
        return 2
    except (ConflictError, DataError) as err:
        print(f"error: cannot undo: {err}", file=sys.stderr)
        return 1
    print(f"undone: {args.change} (as change {change.change_id})")
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

    imp = sub.add_parser("import", help="import a CSV or XLSX file into a dataset")
    imp.add_argument("file", metavar="FILE", help="a .csv or .xlsx file")
    imp.add_argument("--data", metavar="DIR", help="dataset folder (default: $PLOTTING_DATA_DIR or data/)")
    imp.add_argument("--mapping", metavar="NAME|FILE", help="a saved mapping's name, or a JSON file {field: column}")
    imp.add_argument("--on-duplicate", choices=("skip", "replace"), default="skip",
                     help="what to do with placements already in the data (default: skip)")
    imp.add_argument("--kind", choices=("actual", "target"), default="actual",
                     help="kind for rows without one (default: actual)")
    imp.add_argument("--perspective", help="perspective for rows without one")
    imp.set_defaults(func=_import)

    his = sub.add_parser("history", help="list the recorded changes, newest first")
    his.add_argument("--data", metavar="DIR", help="dataset folder")
    his.set_defaults(func=_history)

    und = sub.add_parser("undo", help="undo a recorded change")
    und.add_argument("change", metavar="CHANGE", help="the change id from `history`")
    und.add_argument("--data", metavar="DIR", help="dataset folder")
    und.set_defaults(func=_undo)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))
