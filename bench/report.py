"""The printed table, the machine's description and the JSON results."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from bench.measures import ROOT, Result

PACKAGES = ("pandas", "numpy", "pyarrow", "plotly", "streamlit", "playwright")


def value(result: Result, value: float) -> str:
    if result.unit == "MiB":
        return f"{value:,.0f} MiB"
    return f"{value * 1000:,.1f} ms" if value < 10 else f"{value:,.1f} s"


def table(results: list[Result]) -> str:
    """The results as a fixed-width table."""
    head = ("Measure", "Partnerships", "Placements", "Median", "Baseline", "Ratio", "Target", "")
    rows = [
        (
            r.title,
            f"{r.partnerships:,}",
            f"{r.placements:,}",
            value(r, r.subject),
            value(r, r.baseline),
            f"{r.ratio:.2f}×",
            r.target,
            {True: "pass", False: "FAIL", None: ""}[r.passed],
        )
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in [head, *rows]) for i in range(len(head))]
    right = {1, 2, 3, 4, 5}

    def line(cells: tuple) -> str:
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(head), line(tuple("-" * w for w in widths)), *map(line, rows)])


def markdown(results: list[Result]) -> str:
    """The results as a Markdown table (for the README)."""
    out = [
        "| Measure | Partnerships | Placements | Median | Baseline | Ratio | Target | |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in results:
        out.append(
            f"| {r.title} | {r.partnerships:,} | {r.placements:,} | {value(r, r.subject)} | "
            f"{value(r, r.baseline)} | {r.ratio:.2f}× | {r.target} | "
            f"{ {True: 'pass', False: 'FAIL', None: ''}[r.passed] } |"
        )
    return "\n".join(out)


def _run(cmd: list[str]) -> str:
    try:
        done = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip()


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kib = 0
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    chromium = _run(["/usr/bin/chromium", "--version"]).splitlines()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024**2, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
        "chromium": chromium[-1] if chromium else None,
        "load_average": os.getloadavg(),
    }


def commit() -> dict[str, object]:
    """The commit the code was at, and whether the working tree had changes."""
    return {
        "commit": _run(["git", "rev-parse", "HEAD"]) or None,
        "dirty": bool(_run(["git", "status", "--porcelain"])),
    }


def write_json(path: Path, results: list[Result], settings: dict[str, object]) -> None:
    """Write the results (with machine, commit and settings) for comparing runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "git": commit(),
        "settings": settings,
        "results": [r.as_dict() for r in results],
    }
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
