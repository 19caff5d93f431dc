"""`python -m bench`: generate the datasets, run the measurements, print and save them."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import measures, report
from bench.data import SIZES, make_dataset
from bench.measures import Case, Result

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
MEASURES = ("load", "load_process", "save", "figure", "rerun", "redraw", "memory")
#: The Portfolio rerun and the browser run at these sizes only, unless --sizes names
#: others: their target is at 10,000, and a page rerun at 40,000 takes minutes.
PAGE_SIZES = (1_000, 10_000)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="sizes 1,000 and 10,000, 3 repeats")
    parser.add_argument(
        "--sizes", help="comma-separated numbers of partnerships (default 1000,10000,40000)"
    )
    parser.add_argument("--repeats", type=int, help="repeats per measurement (default 3–7)")
    parser.add_argument(
        "--only", help=f"comma-separated measures to run, from {', '.join(MEASURES)}"
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="skip Chromium (memory via AppTest)"
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=RESULTS,
        help="results file (default bench/results/latest.json)",
    )
    parser.add_argument(
        "--data-dir", type=Path, help="write the generated datasets here (default: a temp folder)"
    )
    return parser.parse_args(argv)


def repeats_for(name: str, n: int, args: argparse.Namespace) -> int:
    """How many interleaved repeats a measurement gets at a size."""
    if args.repeats:
        return args.repeats
    if args.quick:
        return 3
    big = n >= 40_000
    return {
        "load": 5 if big else 7,
        "load_process": 3 if big else 5,
        "save": 5,
        "figure": 3 if big else 5,
        # Reruns and redraws alternate between the sector chosen and all sectors: an
        # even number weighs both the same (an odd one let the median fall in one).
        "rerun": 4 if big else 16,
        "redraw": 16,
    }[name]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit code (0 even when a target is missed)."""
    args = parse_args(argv)
    if args.sizes:
        sizes = tuple(int(s.replace("_", "")) for s in args.sizes.split(","))
    else:
        sizes = (1_000, 10_000) if args.quick else SIZES
    only = set(args.only.split(",")) if args.only else set(MEASURES)
    unknown = only - set(MEASURES)
    if unknown:
        print(f"unknown measures: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    from bench import browser

    use_browser = not args.no_browser and browser.available()
    if not args.no_browser and not use_browser:
        print("No Chromium or Playwright: skipping the browser (make chromium)", file=sys.stderr)
    work = measures.workdir()
    data_root = args.data_dir or work
    results: list[Result] = []
    started = time.monotonic()

    def run(name: str, fn: Callable[..., Result], *fn_args: object, **kwargs: object) -> None:
        if name not in only:
            return
        t = time.monotonic()
        result = fn(*fn_args, **kwargs)
        results.append(result)
        print(
            f"  {result.title}: {report.value(result, result.subject)} vs "
            f"{report.value(result, result.baseline)} → {result.ratio:.2f}× "
            f"({time.monotonic() - t:.0f} s)",
            flush=True,
        )

    try:
        cases = []
        for n in sizes:
            folder = data_root / f"partnerships-{n}"
            t = time.monotonic()
            synthetic = make_dataset(folder, n)
            print(f"{n:,} partnerships, {synthetic.placements:,} placements "
                  f"(generated in {time.monotonic() - t:.0f} s)", flush=True)  # fmt: skip
            case = Case(synthetic, work)
            cases.append(case)
            for name in ("load", "load_process", "save", "figure", "rerun", "redraw"):
                if name in ("rerun", "redraw") and not (n in PAGE_SIZES or args.sizes):
                    continue
                if name == "redraw" and not use_browser:
                    continue
                run(name, getattr(measures, name), case, repeats_for(name, n, args))
        if cases:
            largest = max(cases, key=lambda c: c.data.partnerships)
            run("memory", measures.memory, largest, use_browser=use_browser)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(report.table(results))
    print(f"\n{len(results)} measurements in {time.monotonic() - started:.0f} s")
    settings = {"sizes": list(sizes), "quick": args.quick, "repeats": args.repeats,
                "browser": use_browser, "only": sorted(only)}  # fmt: skip
    report.write_json(args.json, results, settings)
    print(f"results written to {args.json}")
    return 0
