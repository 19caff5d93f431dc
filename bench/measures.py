"""The six measurements of issue 6, each against a baseline measured in the same run.

1. `load`: load and validate a dataset in-process, against pandas.read_csv of the files.
2. `load_process`: `python -m plotting validate` against a bare Python reading the files.
3. `save`: append one placement, against rewriting placements.csv with pandas.
4. `rerun`: a Portfolio page rerun after a filter change (AppTest), against a bare app.
5. `figure`: build and serialise the portfolio figure, against plotly.express.scatter.
6. `redraw` (browser.py) and `memory`: in Chromium, and the app server's peak memory.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from bench.data import AXIS_IDS, Synthetic
from bench.timing import Timing, clock, interleave

ROOT = Path(__file__).resolve().parent.parent
BASELINE_APP = Path(__file__).resolve().parent / "baseline_app.py"
DATA_FILES = ("axes.csv", "partnerships.csv", "placements.csv")
#: The widget and colouring the rerun and redraw measurements use on the Portfolio page.
SECTOR_KEY = "pf_sector"
PAGE_TITLE = "Portfolio"
MIB = 1024


@dataclass
class Result:
    """One line of the table: a subject, its baseline, their ratio and the target."""

    measure: str
    title: str
    partnerships: int
    placements: int
    unit: str
    subject: float
    baseline: float
    ratio: float
    target: str
    passed: bool | None
    subject_samples: list[float] = field(default_factory=list)
    baseline_samples: list[float] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict:
        """For the JSON results."""
        return asdict(self)


@dataclass
class Case:
    """A generated dataset and what the measurements need to know about it."""

    data: Synthetic
    work: Path
    x: str = AXIS_IDS[0]
    y: str = AXIS_IDS[1]
    _points: pd.DataFrame | None = None

    @property
    def folder(self) -> Path:
        """The dataset folder."""
        return self.data.folder

    @property
    def files(self) -> list[Path]:
        """The three CSV files."""
        return [self.folder / name for name in DATA_FILES]

    def points(self) -> pd.DataFrame:
        """What the Portfolio page shows by default (computed once)."""
        if self._points is None:
            import plotting as pp

            self._points = pp.portfolio_points(pp.load_dataset(self.folder), self.x, self.y)
        return self._points

    def points_csv(self) -> Path:
        """The same points as x, y, sector: the bare app's data."""
        path = self.work / f"points-{self.data.partnerships}.csv"
        if not path.exists():
            frame = self.points()[[self.x, self.y, "sector"]]
            frame.set_axis(["x", "y", "sector"], axis=1).to_csv(path, index=False)
        return path

    def busiest_sector(self) -> str:
        """The sector with most points: the value the filter measurements toggle."""
        return str(self.points()["sector"].value_counts().idxmax())


def _result(
    measure: str,
    title: str,
    case: Case,
    timing: Timing,
    *,
    limit: float | None,
    applies: bool,
    target_text: str,
    note: str = "",
) -> Result:
    ratio = timing.ratio
    return Result(
        measure=measure,
        title=title,
        partnerships=case.data.partnerships,
        placements=case.data.placements,
        unit="s",
        subject=timing.subject_median,
        baseline=timing.baseline_median,
        ratio=ratio,
        target=target_text if applies else "—",
        passed=(ratio <= limit) if applies and limit is not None else None,
        subject_samples=timing.subject,
        baseline_samples=timing.baseline,
        note=note,
    )


# ---- 1. load and validate -------------------------------------------------------------


def load(case: Case, repeats: int) -> Result:
    """load_dataset against pandas.read_csv of the same three files."""
    from plotting.storage import load_dataset

    def baseline() -> None:
        for path in case.files:
            pd.read_csv(path)

    def subject() -> None:
        ds = load_dataset(case.folder)
        if ds.problems:
            raise RuntimeError(f"the synthetic dataset has problems: {ds.problems[:3]}")

    timing = interleave(baseline, subject, repeats=repeats)
    return _result(
        "load", "Load and validate (in-process)", case, timing,
        limit=1.5, applies=case.data.placements >= 300_000, target_text="≤ 1.5× (≥ 300k)",
    )  # fmt: skip


BARE_READ = "import sys, pandas as pd\nfor p in sys.argv[1:]:\n    pd.read_csv(p)\n"


def load_process(case: Case, repeats: int) -> Result:
    """`python -m plotting validate` against a bare Python process reading the files."""

    def run(cmd: list[str]) -> Callable[[], None]:
        def call() -> None:
            done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"{cmd[1:4]} failed: {done.stdout[-500:]}{done.stderr[-500:]}")

        return call

    baseline = run([sys.executable, "-c", BARE_READ, *map(str, case.files)])
    subject = run([sys.executable, "-m", "plotting", "validate", "--data", str(case.folder)])
    timing = interleave(baseline, subject, repeats=repeats)
    return _result(
        "load_process", "Load and validate (whole process)", case, timing,
        limit=1.5, applies=case.data.placements >= 300_000, target_text="≤ 1.5× (≥ 300k)",
    )  # fmt: skip


# ---- 2. save one placement ------------------------------------------------------------


def save(case: Case, repeats: int) -> Result:
    """append_placement against pandas writing the whole placements file.

    Works on a copy of the dataset; the baseline writes the file read by pandas (as
    text, unchanged) to a file beside it, as a rewrite-on-save design would.
    """
    from plotting.storage import append_placement

    copy = case.work / f"save-{case.data.partnerships}"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(case.folder, copy)
    frame = pd.read_csv(copy / "placements.csv", dtype=str, keep_default_na=False)
    rewrite = copy / ".rewrite.csv"
    counter = iter(range(10**9))

    def baseline() -> None:
        frame.to_csv(rewrite, index=False)

    def subject() -> None:
        append_placement(
            copy,
            {
                "partnership_id": "partnership-00000",
                "date": dt.date(2026, 1, 1),
                "perspective": "donor",
                "kind": "actual",
                case.x: 1.5,
                case.y: -2.0,
                "note": f"benchmark placement {next(counter)}",
            },
        )

    timing = interleave(baseline, subject, repeats=repeats)
    rewrite.unlink(missing_ok=True)
    return _result(
        "save", "Save one placement", case, timing,
        limit=0.05, applies=case.data.placements >= 300_000, target_text="≤ 0.05× (≥ 300k)",
    )  # fmt: skip


# ---- 3. Portfolio rerun (AppTest) ------------------------------------------------------


def portfolio_page(root: Path = ROOT) -> str:
    """The Portfolio page's script, as app.py lists it (wherever the pages folder is)."""
    text = (root / "app.py").read_text(encoding="utf-8")
    for call in re.finditer(r"st\.Page\((.*?)\)", text, flags=re.S):
        args = call.group(1)
        path = re.match(r"\s*[\"']([^\"']+)[\"']", args)
        if path and (Path(path.group(1)).stem == "portfolio" or 'url_path="portfolio"' in args):
            return path.group(1)
    raise RuntimeError("app.py lists no Portfolio page (st.Page(...portfolio.py...))")


@dataclass
class Rerun:
    """An AppTest of a script whose sector multiselect is toggled, one rerun per call."""

    at: object
    key: str
    value: str
    env: dict[str, str]
    selected: bool = False

    def __call__(self) -> float:
        """Change the filter (not timed) and time the rerun."""
        widget = self.at.multiselect(key=self.key)
        widget.set_value([] if self.selected else [self.value])
        self.selected = not self.selected
        with environ(self.env):
            seconds = clock(self.at.run)
        if self.at.exception:
            raise RuntimeError([e.value for e in self.at.exception])
        return seconds


@contextmanager
def environ(env: dict[str, str]) -> Iterator[None]:
    """Environment variables set for a while (the apps read their data folder from it)."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _apptest(script: Path, env: dict[str, str], page: str | None = None) -> object:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=600)
    with environ(env):
        at.run()
        if page:
            at.switch_page(page).run()
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    return at


def rerun(case: Case, repeats: int) -> Result:
    """The Portfolio page's rerun after a filter change, against the bare app's."""
    sector = case.busiest_sector()
    app_env = {"PLOTTING_DATA_DIR": str(case.folder)}
    base_env = {"BENCH_POINTS": str(case.points_csv())}
    app = _apptest(ROOT / "app.py", app_env, portfolio_page())
    base = _apptest(BASELINE_APP, base_env)
    timing = interleave(
        Rerun(base, "sector", sector, base_env), Rerun(app, SECTOR_KEY, sector, app_env),
        repeats=repeats,
    )  # fmt: skip
    timing.states = 2  # one sector, then all sectors: weighed alike
    return _result(
        "rerun", "Portfolio rerun after a filter change (AppTest)", case, timing,
        limit=1.5, applies=case.data.partnerships == 10_000, target_text="≤ 1.5× (at 10k)",
        note=f"toggles sector {sector!r}",
    )  # fmt: skip


# ---- 4. the figure ----------------------------------------------------------------------


def serialise(figure: object) -> str:
    """The figure's JSON exactly as st.plotly_chart makes it."""
    import plotly.io
    import plotly.tools

    as_dict = plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True)
    return plotly.io.to_json(as_dict, validate=False)


def figure(case: Case, repeats: int) -> Result:
    """portfolio_map + serialisation against plotly.express.scatter + serialisation."""
    import plotly.express as px

    import plotting as pp

    points = case.points()
    ds_axes = {a.axis_id: a for a in pp.load_dataset(case.folder).axes}
    x_axis, y_axis = ds_axes[case.x], ds_axes[case.y]

    def baseline() -> None:
        serialise(px.scatter(points, x=case.x, y=case.y, color="sector"))

    def subject() -> None:
        # Cold: the map keeps hover texts for the same data, which the Portfolio rerun
        # measure shows in use; here they are built every time.
        pp.figures._HOVER_KEPT.clear()
        serialise(pp.portfolio_map(points, x_axis, y_axis, color_by="sector", height=680))

    timing = interleave(baseline, subject, repeats=repeats)
    return _result(
        "figure", "Build and serialise the portfolio figure", case, timing,
        limit=None, applies=False, target_text="—", note=f"{len(points)} points",
    )  # fmt: skip


# ---- 5. the browser -------------------------------------------------------------------


def redraw(case: Case, repeats: int, *, chromium: object | None = None) -> Result:
    """Filter change to redrawn chart in Chromium: Portfolio page against the bare app.

    `chromium`: a Playwright browser to use (tests pass theirs); by default a new one.
    """
    from bench import browser, server

    sector = case.busiest_sector()
    logs = case.work / "logs"
    logs.mkdir(exist_ok=True)
    n = case.data.partnerships
    app = server.start(
        ROOT / "app.py", {"PLOTTING_DATA_DIR": str(case.folder)}, logs / f"app-{n}.log"
    )
    try:
        base = server.start(
            BASELINE_APP, {"BENCH_POINTS": str(case.points_csv())}, logs / f"baseline-{n}.log"
        )
        try:
            url_path = "/" + portfolio_url_path()
            timing = browser.redraw(
                app.url + url_path, PAGE_TITLE, base.url, sector, repeats=repeats,
                browser=chromium,
            )  # fmt: skip
            timing.states = 2  # one sector, then all sectors: weighed alike
        finally:
            server.stop(base.process)
    finally:
        server.stop(app.process)
    return _result(
        "redraw", "Browser: filter change to chart redrawn", case, timing,
        limit=1.5, applies=case.data.partnerships == 10_000, target_text="≤ 1.5× (at 10k)",
        note=f"toggles sector {sector!r}",
    )  # fmt: skip


def portfolio_url_path(root: Path = ROOT) -> str:
    """The Portfolio page's URL path as app.py sets it (url_path=…, else the file stem)."""
    text = (root / "app.py").read_text(encoding="utf-8")
    page = portfolio_page(root)
    for call in re.finditer(r"st\.Page\((.*?)\)", text, flags=re.S):
        if page in call.group(1):
            found = re.search(r"url_path\s*=\s*[\"']([^\"']+)[\"']", call.group(1))
            if found:
                return found.group(1)
    return Path(page).stem


# ---- 6. memory ------------------------------------------------------------------------

_BARE_MEMORY = (
    "import sys, pandas as pd\n"
    "frames = [pd.read_csv(p) for p in sys.argv[1:]]\n"
    "status = open('/proc/self/status').read()\n"
    "print(*(l.split()[1] for l in status.splitlines() if l.startswith(('VmHWM', 'VmRSS'))))\n"
)
_APPTEST_MEMORY = (
    "import os, sys\n"
    "from streamlit.testing.v1 import AppTest\n"
    "at = AppTest.from_file(sys.argv[1], default_timeout=600)\n"
    "at.run()\n"
    "at.switch_page(sys.argv[2]).run()\n"
    "assert not at.exception, [e.value for e in at.exception]\n"
    "status = open('/proc/self/status').read()\n"
    "print(*(l.split()[1] for l in status.splitlines() if l.startswith(('VmHWM', 'VmRSS'))))\n"
)


def _child_memory(code: str, args: list[str], env: dict[str, str] | None = None) -> tuple[int, int]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, check=True,
    )  # fmt: skip
    hwm, rss = (int(v) for v in done.stdout.split()[-2:])
    return hwm, rss  # /proc lists VmHWM before VmRSS


def memory(case: Case, *, use_browser: bool) -> Result:
    """Peak resident memory of the app with the dataset loaded and the Portfolio shown.

    With a browser: the `streamlit run` server process after Chromium showed the
    Portfolio page. Without: a process running the page through AppTest. The baseline
    is a bare Python process that reads the same files with pandas.
    """
    env = {"PLOTTING_DATA_DIR": str(case.folder)}
    if use_browser:
        from bench import browser, server

        log = case.work / "logs"
        log.mkdir(exist_ok=True)
        mem = browser.server_memory(
            lambda: server.start(ROOT / "app.py", env, log / "memory.log"),
            "/" + portfolio_url_path(), PAGE_TITLE,
        )  # fmt: skip
        peak, rss = mem["VmHWM"], mem["VmRSS"]
        how = "streamlit server after Chromium showed Portfolio"
    else:
        peak, rss = _child_memory(_APPTEST_MEMORY, [str(ROOT / "app.py"), portfolio_page()], env)
        how = "AppTest process showing Portfolio"
    base_peak, _ = _child_memory(_BARE_MEMORY, [str(p) for p in case.files])
    peak_mib, base_mib = peak / MIB, base_peak / MIB
    return Result(
        measure="memory",
        title="Peak memory, dataset loaded (MiB)",
        partnerships=case.data.partnerships,
        placements=case.data.placements,
        unit="MiB",
        subject=peak_mib,
        baseline=base_mib,
        ratio=peak_mib / base_mib,
        target="< 1024 MiB" if case.data.placements >= 1_200_000 else "—",
        passed=(peak_mib < 1024) if case.data.placements >= 1_200_000 else None,
        subject_samples=[peak_mib],
        baseline_samples=[base_mib],
        note=f"{how}; resident after: {rss / MIB:.0f} MiB; baseline: bare pandas.read_csv",
    )


def workdir(parent: Path | None = None) -> Path:
    """A temporary working folder for copies, points files and logs."""
    return Path(tempfile.mkdtemp(prefix="bench-", dir=parent))
