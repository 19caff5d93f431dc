"""The command line: `python -m plotting validate|export ...`.

`validate [--data DIR]` checks a dataset folder. `export FORMAT --out PATH` writes the
same files as the app's export buttons, for batch reports (see `export --help`).

It never ends in a traceback: a problem is one line on stderr starting with "error:",
with exit code 1 (the data or an export) or 2 (how it was called), and output piped
into a program that stops reading (`validate | head -1`) ends quietly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from dataclasses import replace
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
        # Only the files that have problems, in their usual order.
        with_problems = {p.file for p in dataset.problems}
        files = [f for f in DATA_FILES if f in with_problems] + sorted(
            with_problems.difference(DATA_FILES)
        )
        print(
            f"{folder}: {len(dataset.problems)} problem(s) found in {', '.join(files)}",
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
        EXTRA,
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
    if path.is_dir():
        print(f"error: {path} is a folder; give a .csv or .xlsx file", file=sys.stderr)
        return 2
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
    mapping = dict(mapping)
    mapped = {c for f, c in mapping.items() if c}
    keep = list(args.keep or [])
    if args.keep_unmapped:
        keep += [c for c in source.frame.columns if c not in mapped]
    for item in keep:
        column, _, name = (
            item.partition("=") if item not in source.frame.columns else (item, "", "")
        )
        if column not in source.frame.columns:
            print(f"error: {path.name} has no column {column!r} to keep", file=sys.stderr)
            return 2
        mapping[EXTRA + (name or column)] = column
    plan = plan_import(
        folder, source, mapping, default_kind=args.kind, default_perspective=args.perspective or ""
    )
    for note in plan.notes:
        print(f"note: {note}", file=sys.stderr)
    for warning in plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if plan.not_imported:
        print(
            f"note: not imported: {', '.join(plan.not_imported)} "
            "(keep them as columns of partnerships.csv with --keep COLUMN or --keep-unmapped)",
            file=sys.stderr,
        )
    if not plan.ok:
        for problem in plan.problems:
            print(problem)
        if not mapping.get("partnership_id") and not mapping.get("name"):
            print(
                f"{path.name}: no column header reads as the partnership id or name "
                f"(columns: {', '.join(source.frame.columns)}); give --mapping FILE, a JSON "
                'file such as {"name": "Project", "partnership_id": "Code"}',
                file=sys.stderr,
            )
        print(f"{path.name}: {len(plan.problems)} problem(s); nothing was written", file=sys.stderr)
        return 1
    nothing = plan.nothing_to_import(args.on_duplicate)
    if nothing:
        print(f"nothing to import: {nothing}", file=sys.stderr)
        if plan.duplicates and args.on_duplicate == "skip":
            print(
                "  (to overwrite the stored placements with the file's values, run again "
                "with --on-duplicate replace)",
                file=sys.stderr,
            )
        return 1
    changed = plan.cell_changes(args.on_duplicate)
    how = (
        "run again with --confirm to import anyway, or with a --mapping (a JSON file "
        "{field: column}) that maps the partnership id differently, or not at all to match "
        "rows by name"
    )
    if args.dry_run:
        for text in plan.confirmations:
            print(f"check: {text}")
        print(
            f"{path.name}: would write {plan.summary(args.on_duplicate)} (dry run, nothing written)"
        )
        _print_changes(changed)
        if plan.confirmations:
            print(f"{path.name}: the import needs a check: {how}", file=sys.stderr)
        return 0
    if plan.confirmations and not args.confirm:
        for text in plan.confirmations:
            print(f"check: {text}")
        _print_changes(changed)
        print(
            f"{path.name}: nothing was written; check the above, then {how}",
            file=sys.stderr,
        )
        return 1
    try:
        change = commit_import(
            folder, plan, on_duplicate=args.on_duplicate, user=_user(), confirmed=args.confirm
        )
    except (DataError, StaleDataError, ConflictError) as err:
        problems = getattr(err, "problems", None) or [err]
        for problem in problems:
            print(problem)
        print("nothing was written", file=sys.stderr)
        return 1
    print(f"{path.name}: {plan.summary(args.on_duplicate)} (change {change.change_id})")
    _print_changes(changed)
    return 0


def _print_changes(changed: list) -> None:
    """Each changed cell of an existing row, as before → after."""
    for c in changed:
        print(f"  {c.file} {c.row}, {c.column}: {c.before!r} → {c.after!r}")


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
        print(
            f"error: no change {args.change!r}; see `python -m plotting history`", file=sys.stderr
        )
        return 2
    except (ConflictError, DataError) as err:
        print(f"error: cannot undo: {err}", file=sys.stderr)
        return 1
    print(f"undone: {args.change} (as change {change.change_id})")
    return 0


EXPORT_FORMATS = ("png", "svg", "pdf", "html", "csv", "pptx")
FILTER_COLUMNS = ("sector", "country", "arrangement")


def _date(value: str) -> dt.date:
    """An argparse type: a YYYY-MM-DD date."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; use YYYY-MM-DD") from None


def _fail(message: str) -> int:
    """Print a usage problem and return exit code 2."""
    print(f"error: {message}", file=sys.stderr)
    return 2


def _export(args: argparse.Namespace) -> int:
    """Write a chart, a table or a deck to a file."""
    from plotting import deck, export  # imported here: `validate` needs no browser
    from plotting.analysis import ALL, filter_partnerships

    folder = Path(args.data) if args.data else default_data_dir()
    if not folder.is_dir():
        return _fail(f"data folder {folder} does not exist")
    dataset = load_dataset(folder)
    if dataset.problems:
        print(
            f"warning: {len(dataset.problems)} problem(s) in {folder}; exporting what can be "
            "read: bad cells left blank, rows without what they need left out "
            "(run `python -m plotting validate` for the list)",
            file=sys.stderr,
        )
    for cell in export.control_character_cells(dataset):
        print(f"warning: control characters left out of the export: {cell}", file=sys.stderr)
    ids = dataset.axis_ids
    if len(ids) < 2:
        return _fail("the map needs at least two valid axes in axes.csv")
    x, y = (*args.axes.split(",", 1), "")[:2] if args.axes else (ids[0], ids[1])
    for axis_id in (x, y):
        if axis_id not in ids:
            return _fail(f"unknown axis {axis_id!r}; choose from {', '.join(ids)}")
    if x == y:
        return _fail("--axes needs two different axes")
    columns: dict[str, tuple[str, ...]] = {}
    for col in FILTER_COLUMNS:
        chosen = getattr(args, col) or []
        known = set(dataset.partnerships[col]) if col in dataset.partnerships else set()
        for value in chosen:
            if value not in known:
                return _fail(f"no partnership has {col} {value!r}")
        columns[col] = tuple(chosen)
    if args.perspective and args.perspective not in dataset.perspectives:
        return _fail(
            f"unknown perspective {args.perspective!r}; choose from "
            f"{', '.join(dataset.perspectives)}"
        )
    if args.start and args.end and args.start > args.end:
        return _fail("--from is after --to")
    known_ids = dataset.partnerships["partnership_id"].tolist()
    for pid in args.partnership or []:
        if pid not in known_ids:
            return _fail(f"unknown partnership {pid!r}; see partnerships.csv for the ids")
    spec = deck.DeckSpec(
        x=x,
        y=y,
        partnership_ids=tuple(args.partnership or ()),
        columns=columns,
        perspective=args.perspective or ALL,
        start=args.start,
        end=args.end,
        ranking=args.ranking,
        title=args.title,
    )
    fmt, out = args.format, Path(args.out)
    to_stdout = args.out == "-"
    if out.is_dir() and not to_stdout:
        return _fail(f"--out {out} is a folder; give a file name, e.g. {out / ('chart.' + fmt)}")
    try:
        size = export.ImageSize(args.width, args.height, args.scale)
    except ValueError as err:
        return _fail(str(err))

    def put(data: bytes, path: Path) -> tuple[Path, int]:
        """Write one export: to stdout for `--out -`, else to the file (or device)."""
        if to_stdout:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            export.write(data, path)
        return path, len(data)

    began = time.perf_counter()
    try:
        if fmt in ("pptx", "pdf") or (fmt == "html" and args.deck):
            if not spec.partnership_ids:
                shown = filter_partnerships(dataset.partnerships, spec.filter.columns)
                spec = replace(spec, partnership_ids=tuple(shown["partnership_id"]))
            slides = deck.build_deck(dataset, spec)
            if fmt == "pptx":
                data = deck.deck_pptx(dataset, spec, slides, theme=args.theme)
            elif fmt == "pdf":
                data = deck.deck_pdf(dataset, spec, slides)
            else:
                data = deck.deck_html(dataset, spec, slides).encode("utf-8")
            written = [put(data, out)]
        else:
            slides = deck.build_deck(dataset, spec)
            if spec.partnership_ids:
                kind = "course" if args.chart == "course" else "perspectives"
                chosen = [s for s in slides if s.kind == kind]
            else:
                chosen = slides[:1]
            if to_stdout and len(chosen) > 1:
                return _fail(
                    f"--out - writes one file, and this export makes {len(chosen)}; give "
                    "a file name, or one --partnership"
                )
            written = []
            for slide in chosen:
                fig = deck.slide_figure(
                    dataset,
                    spec,
                    slide,
                    theme=args.theme,
                    height=size.height,
                    width=size.width,  # labels fitted to the image drawn
                    font_size=16,
                )
                data = export.export(
                    fig,
                    fmt,
                    size=size,
                    title=slide.title,
                    table=deck.slide_table(dataset, spec, slide) if fmt == "csv" else None,
                )
                path = out
                if len(chosen) > 1:
                    path = out.with_name(f"{out.stem}-{slide.partnership_id}{out.suffix}")
                written.append(put(data, path))
    except BrokenPipeError:
        raise  # the reader of `--out -` stopped: main ends quietly
    except (RuntimeError, ValueError, OSError) as err:
        print(f"error: {fmt.upper()} export to {out} failed: {one_line(err)}", file=sys.stderr)
        return 1
    finally:
        export.stop_export_browser()
    seconds = time.perf_counter() - began
    # The export itself may be on stdout (`--out -`, /dev/stdout, a pipe): the summary
    # goes to stderr then, so that it never mixes with the file's bytes.
    regular = not to_stdout and not any(export.is_stream(p) for p, _ in written)
    for path, size_written in written:
        where = "stdout" if to_stdout else path
        print(f"{where}: {size_written:,} bytes", file=sys.stdout if regular else sys.stderr)
    print(f"{len(written)} file(s) in {seconds:.1f} s", file=sys.stderr)
    return 0


def _add_export(sub: argparse._SubParsersAction) -> None:
    """The `export` sub-command's arguments."""
    exp = sub.add_parser(
        "export",
        help="write a chart, table or deck to a file (PNG, SVG, PDF, HTML, CSV, PPTX)",
        description=(
            "Without --partnership: the portfolio map (CSV: its table); for PPTX and PDF the "
            "whole deck, the portfolio and then every partnership the filters keep. With "
            "--partnership: each partnership's perspectives (or --chart course), one file each "
            "(named PATH-ID when there are several); for PPTX and PDF the portfolio, then "
            "those partnerships in the order given."
        ),
    )
    exp.add_argument(
        "format",
        choices=EXPORT_FORMATS,
        metavar="FORMAT",
        help=f"one of {', '.join(EXPORT_FORMATS)}",
    )
    exp.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="the file to write (a symbolic link writes its target); - writes to stdout",
    )
    exp.add_argument(
        "--data", metavar="DIR", help="dataset folder (default: $PLOTTING_DATA_DIR or data/)"
    )
    exp.add_argument(
        "--partnership", nargs="+", metavar="ID", help="partnership ids, in deck order"
    )
    exp.add_argument(
        "--axes", metavar="X,Y", help="the map's two axis ids (default: the first two)"
    )
    for col in FILTER_COLUMNS:
        exp.add_argument(
            f"--{col}",
            action="append",
            metavar=col.upper(),
            help=f"keep partnerships of this {col} (repeat for several)",
        )
    exp.add_argument("--perspective", help="the portfolio as one perspective sees it")
    exp.add_argument(
        "--from",
        dest="start",
        type=_date,
        metavar="YYYY-MM-DD",
        help="only placements from this date",
    )
    exp.add_argument(
        "--to",
        dest="end",
        type=_date,
        metavar="YYYY-MM-DD",
        help="only placements up to this date (the portfolio as it stood then)",
    )
    exp.add_argument(
        "--chart",
        choices=("perspectives", "course"),
        default="perspectives",
        help="with --partnership, for PNG/SVG/HTML/CSV: which chart (default: perspectives)",
    )
    exp.add_argument("--deck", action="store_true", help="HTML: the whole deck in one file")
    exp.add_argument("--ranking", action="store_true", help="decks: end with the ranking")
    exp.add_argument("--title", default="Plotting Partnerships", help="the deck's title")
    exp.add_argument("--theme", choices=("light", "contrast"), default="light")
    exp.add_argument("--width", type=int, default=1600, help="image width, px (default 1600)")
    exp.add_argument("--height", type=int, default=900, help="image height, px (default 900)")
    exp.add_argument("--scale", type=float, default=1.0, help="PNG pixel density (default 1)")
    exp.set_defaults(func=_export)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one sub-command per chore."""
    parser = argparse.ArgumentParser(
        prog="python -m plotting", description="Plotting Partnerships on the command line."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    val = sub.add_parser("validate", help="check a dataset folder and list every problem")
    val.add_argument(
        "--data", metavar="DIR", help="dataset folder (default: $PLOTTING_DATA_DIR or data/)"
    )
    val.set_defaults(func=_validate)

    imp = sub.add_parser("import", help="import a CSV or XLSX file into a dataset")
    imp.add_argument("file", metavar="FILE", help="a .csv or .xlsx file")
    imp.add_argument(
        "--data", metavar="DIR", help="dataset folder (default: $PLOTTING_DATA_DIR or data/)"
    )
    imp.add_argument(
        "--mapping",
        metavar="NAME|FILE",
        help="a saved mapping's name, or a JSON file {field: column}",
    )
    imp.add_argument(
        "--on-duplicate",
        choices=("skip", "replace"),
        default="skip",
        help="what to do with placements already in the data (default: skip)",
    )
    imp.add_argument(
        "--kind",
        choices=("actual", "target"),
        default="actual",
        help="kind for rows without one (default: actual)",
    )
    imp.add_argument("--perspective", help="perspective for rows without one")
    imp.add_argument(
        "--keep",
        action="append",
        metavar="COLUMN[=NAME]",
        help="keep an unmapped column of the file as an extra column of partnerships.csv "
        "(optionally under another name); placements.csv takes only axis columns",
    )
    imp.add_argument(
        "--keep-unmapped",
        action="store_true",
        help="keep every unmapped column as an extra column of partnerships.csv",
    )
    imp.add_argument(
        "--dry-run",
        action="store_true",
        help="show what the import would add and change (each changed cell, before → after) "
        "without writing anything",
    )
    imp.add_argument(
        "--confirm",
        action="store_true",
        help="write even though the import would rename existing partnerships or add new "
        "ones named like existing ones (without it, such an import is refused)",
    )
    imp.set_defaults(func=_import)

    his = sub.add_parser("history", help="list the recorded changes, newest first")
    his.add_argument("--data", metavar="DIR", help="dataset folder")
    his.set_defaults(func=_history)

    und = sub.add_parser("undo", help="undo a recorded change")
    und.add_argument("change", metavar="CHANGE", help="the change id from `history`")
    und.add_argument("--data", metavar="DIR", help="dataset folder")
    und.set_defaults(func=_undo)

    _add_export(sub)
    return parser


def one_line(err: BaseException) -> str:
    """An exception as one line of text for a user (its type when it has no message)."""
    text = " ".join(str(err).split())
    return text[:500] or type(err).__name__


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code. Never raises, never prints a traceback.

    argparse reports bad options itself (usage and one error line, exit code 2).
    """
    command = "command"
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as stop:  # --help, or a usage error argparse has reported
            sys.stdout.flush()
            return stop.code if isinstance(stop.code, int) else 2
        command = args.command
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, inside the try
    except BrokenPipeError:
        # The reader stopped (`| head`): the Python docs' recipe. Point stdout at devnull
        # so that the flush at exit does not fail again, and end quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # the last resort: one line, never a traceback
        print(f"error: {command} failed: {one_line(err)}", file=sys.stderr)
        return 1
    return code
