"""Fast paths give exactly what the plain paths give: loading, latest, joins, escaping.

The loader parses a large clean file in one pass and falls back to the precise,
cell-by-cell path on anything unusual; analysis and figures work on codes and distinct
values. Each test runs both ways on the same input and compares everything.
"""

from __future__ import annotations

import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plotting as pp
from plotting import analysis, figures, storage
from plotting.text import plotly_text
from tests.conftest import AXES, PARTNERSHIPS, PLACEMENTS, write_dataset

HEADER = (
    "partnership_id,date,perspective,kind,delivery_policy,regulation_innovation,rules_task,"
    "spread,note\n"
)


def load_both(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[pp.Dataset, pp.Dataset]:
    """The dataset loaded with the fast path on every file, and with the precise path only."""
    with monkeypatch.context() as m:
        m.setattr(storage, "FAST_READ_MIN_BYTES", 0)
        fast = storage.load_dataset(folder)
    with monkeypatch.context() as m:
        m.setattr(storage, "_read_fast", lambda *_args, **_kwargs: None)
        precise = storage.load_dataset(folder)
    return fast, precise


def assert_same(fast: pp.Dataset, precise: pp.Dataset) -> None:
    assert fast.axes == precise.axes
    assert [str(p) for p in fast.problems] == [str(p) for p in precise.problems]
    pd.testing.assert_frame_equal(fast.partnerships, precise.partnerships, check_exact=True)
    pd.testing.assert_frame_equal(fast.placements, precise.placements, check_exact=True)


# (case id, placements.csv bytes)
PLACEMENT_FILES = [
    ("tiny sample", PLACEMENTS.encode()),
    ("crlf", PLACEMENTS.replace("\n", "\r\n").encode()),
    ("byte-order mark", b"\xef\xbb\xbf" + PLACEMENTS.encode()),
    ("two byte-order marks", b"\xef\xbb\xbf\xef\xbb\xbf" + PLACEMENTS.encode()),
    ("no final newline", PLACEMENTS.rstrip("\n").encode()),
    ("one blank line at the end", (PLACEMENTS + "\n").encode()),
    ("blank lines at the end", (PLACEMENTS + "\n\n\r\n").encode()),
    (
        "blank line inside",
        (
            HEADER
            + "alpha,2024-01-01,public,actual,1,1,1,,\n\nbeta,2024-02-30,public,actual,1,1,1,,\n"
        ).encode(),
    ),
    (
        "spaces line inside",
        (
            HEADER
            + "alpha,2024-01-01,public,actual,1,1,1,,\n   \nbeta,2024-01-02,x,actual,1,1,1,,\n"
        ).encode(),
    ),
    (
        "quoted empty line",
        (
            HEADER
            + 'alpha,2024-01-01,public,actual,1,1,1,,\n""\nbeta,2024-01-02,x,actual,1,1,1,,\n'
        ).encode(),
    ),
    ("blank first line", ("\n" + PLACEMENTS).encode()),
    ("bare carriage returns", PLACEMENTS.replace("\n", "\r").encode()),
    ("not a number", (PLACEMENTS + "alpha,2024-01-01,public,actual,high,1,1,,\n").encode()),
    ("decimal comma", (PLACEMENTS + 'alpha,2024-01-01,public,actual,"1,5",1,1,,\n').encode()),
    ("infinity", (PLACEMENTS + "alpha,2024-01-01,public,actual,inf,1,1,,\n").encode()),
    ("nan text", (PLACEMENTS + "alpha,2024-01-01,public,actual,nan,1,1,,\n").encode()),
    ("minus zero", (PLACEMENTS + "alpha,2024-01-01,public,actual,-0,1,1,,\n").encode()),
    ("padded number", (PLACEMENTS + "alpha,2024-01-01,public,actual, 1.5 ,1,1,,\n").encode()),
    ("spaces as a number", (PLACEMENTS + "alpha,2024-01-01,public,actual,  ,1,1,,\n").encode()),
    ("out of range", (PLACEMENTS + "alpha,2024-01-01,public,actual,9,-7,1,6,\n").encode()),
    (
        "bad dates",
        (
            PLACEMENTS
            + "alpha,2024-02-30,public,actual,1,1,1,,\nalpha,,public,actual,1,1,1,,\nalpha,2024-1-1,public,actual,1,1,1,,\n"
        ).encode(),
    ),
    (
        "blank and unicode perspectives",
        (
            PLACEMENTS
            + "alpha,2024-01-01,  ,actual,1,1,1,,\nbeta,2024-01-01,Água Viva,actual,1,1,1,,\nbeta,2024-01-01, donor,actual,1,1,1,,\n"
        ).encode(),
    ),
    (
        "unknown partnership and bad kind",
        (
            PLACEMENTS
            + "zeta,2024-01-01,public,actual,1,1,1,,\nalpha,2024-01-01,public,Actual,1,1,1,,\n"
        ).encode(),
    ),
    ("no value at all", (PLACEMENTS + "alpha,2024-01-01,public,actual,,,,,\n").encode()),
    ("short row", (PLACEMENTS + "alpha,2024-01-01\n").encode()),
    ("long row", (PLACEMENTS + "alpha,2024-01-01,public,actual,1,1,1,,,extra\n").encode()),
    ("unknown axis column", PLACEMENTS.replace("rules_task", "rules_tusk", 1).encode()),
    ("duplicate header", PLACEMENTS.replace("rules_task", "delivery_policy", 1).encode()),
    ("blank header cell", PLACEMENTS.replace(",note", ",", 1).encode()),
    (
        "missing kind column",
        b"partnership_id,date,perspective,delivery_policy\nalpha,2024-01-01,public,1\n",
    ),
    ("header only", HEADER.encode()),
    ("header and blank lines", (HEADER + "\n\n").encode()),
    ("empty", b""),
    ("spaces only", b"   \n  \n"),
    ("not utf-8", (PLACEMENTS + "alpha,2024-01-01,caf\xe9,actual,1,1,1,,\n").encode("latin-1")),
    ("nul byte", (PLACEMENTS + "alpha,2024-01-01,public,actual,1,1,1,,a\x00b\n").encode()),
    (
        "NA text and quotes",
        (PLACEMENTS + 'alpha,2024-01-01,NA,actual,1,1,1,,"NA ""quoted"", fine"\n').encode(),
    ),
    (
        "carriage return in a cell",
        (PLACEMENTS + 'alpha,2024-01-01,public,actual,1,1,1,,"a\rb"\n').encode(),
    ),
    ("unterminated quote", (PLACEMENTS + 'alpha,2024-01-01,public,actual,1,1,1,,"open\n').encode()),
]


@pytest.mark.parametrize(
    "data", [c[1] for c in PLACEMENT_FILES], ids=[c[0] for c in PLACEMENT_FILES]
)
def test_fast_and_precise_loads_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    folder = write_dataset(tmp_path / "d")
    (folder / "placements.csv").write_bytes(data)
    assert_same(*load_both(folder, monkeypatch))


@pytest.mark.parametrize(
    "text",
    [PLACEMENTS, PLACEMENTS.replace("\n", "\r\n"), PLACEMENTS + "\n\n", PLACEMENTS.rstrip("\n")],
    ids=["plain", "crlf", "blank tail", "no final newline"],
)
def test_clean_files_take_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    folder = write_dataset(tmp_path / "d", placements=text)
    monkeypatch.setattr(storage, "FAST_READ_MIN_BYTES", 0)
    numeric = ["delivery_policy", "regulation_innovation", "rules_task", "spread"]
    frame = storage._read_fast(folder / "placements.csv", numeric)
    assert frame is not None and frame["delivery_policy"].dtype == np.float64
    assert frame["_row"].tolist() == list(range(2, 9))
    assert storage._read_fast(folder / "partnerships.csv") is not None


def test_fast_and_precise_loads_agree_on_partnership_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [
        PARTNERSHIPS + "\n\n",
        PARTNERSHIPS + "001,Digits only,,,,,,,\n",
        PARTNERSHIPS.replace("\n", "\r\n"),
        PARTNERSHIPS + ",Nameless,,,,,2020-02-30,,\n",
    ]
    for i, text in enumerate(texts):
        folder = write_dataset(tmp_path / f"d{i}", partnerships=text)
        assert_same(*load_both(folder, monkeypatch))


def cells(common: list[str], rare: list[str]) -> st.SearchStrategy[str]:
    """Mostly ordinary values of a column, now and then a tricky one."""
    return st.sampled_from(common * 12 + rare)


NUMBERS = cells(
    ["1", "-2.5", "0", "4.99", ""], ["-0", "5.01", "1e0", "inf", "nan", "x", " 2 ", '"1,5"']
)
COLUMNS = [
    cells(["alpha", "beta", "gamma"], ["zeta", "", " ", "001"]),
    cells(["2024-01-01", "2023-05-01"], ["2023-02-29", "2024-02-29", "2024-1-01", ""]),
    cells(["public", "private", "Água"], ["", " ", " donor", "NA"]),
    cells(["actual", "target"], ["Actual", ""]),
    NUMBERS,
    NUMBERS,
    NUMBERS,
    cells(["", "1"], ["-1", "6"]),
    cells(["", "note", '"a, b"'], ['"say ""hi"""', '"two\nlines"', '"\r"', "NA", " lead"]),
]


@st.composite
def placement_files(draw: st.DrawFn) -> str:
    """A placements.csv: column-wise cells, some tricky, random line ends, blank tails."""
    n = draw(st.integers(0, 12))
    rows = [[draw(column) for column in COLUMNS] for _ in range(n)]
    ends = draw(st.lists(st.sampled_from(["\n", "\r\n"]), min_size=n + 1, max_size=n + 1))
    blank_tail = draw(st.sampled_from(["", "", "\n", "\n\n"]))
    lines = [HEADER.rstrip("\n")] + [",".join(r) for r in rows]
    return "".join(line + end for line, end in zip(lines, ends, strict=True)) + blank_tail


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=placement_files())
def test_fast_and_precise_loads_agree_on_random_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    folder = write_dataset(tmp_path / "random", axes=AXES)
    (folder / "placements.csv").write_text(text, encoding="utf-8", newline="")
    assert_same(*load_both(folder, monkeypatch))


def _reference_rows(text: str, n: int) -> np.ndarray:
    """_physical_rows the plain way: csv records, skipping wholly blank ones."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    rows = [row for row, record in enumerate(reader, start=2) if record and record != [""]]
    return np.arange(2, n + 2) if len(rows) != n else np.asarray(rows)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet='ab,"\n\r \x00', max_size=40), n=st.integers(0, 8))
def test_physical_rows_shortcut_agrees(text: str, n: int) -> None:
    expected = (
        np.arange(2, n + 2)
        if "\n\n" not in text.replace("\r\n", "\n") and '"' not in text
        else _reference_rows(text, n)
    )
    got = storage._physical_rows(text, n)
    assert (got.tolist(), got.dtype) == (expected.tolist(), expected.dtype)


@settings(max_examples=400, deadline=None)
@given(
    values=st.lists(
        st.text(alphabet=string.ascii_letters + " <>&\t\n\r\x0b\xa0\u3000\u2028é水", max_size=70),
        max_size=20,
    ),
    width=st.sampled_from([None, 28, 60]),
)
def test_escaping_per_distinct_value_is_plotly_text(values: list[str], width: int | None) -> None:
    got = figures._escaped(pd.Series(values, dtype="str"), width)
    assert list(got) == [plotly_text(v, width) for v in values]


@st.composite
def placement_frames(draw: st.DrawFn) -> pd.DataFrame:
    """Placements with repeated keys, ties on dates, missing values and shuffled rows."""
    n = draw(st.integers(1, 40))
    ints = st.integers(0, 3)
    frame = pd.DataFrame(
        {
            "partnership_id": pd.Series(
                [draw(st.sampled_from(["a", "b", "B", "c"])) for _ in range(n)], dtype="str"
            ),
            "perspective": pd.Series(
                [draw(st.sampled_from(["public", "Public", "donor"])) for _ in range(n)],
                dtype="str",
            ),
            "date": pd.to_datetime([f"2024-01-0{draw(ints) + 1}" for _ in range(n)]).as_unit("us"),
            "x": [draw(st.sampled_from([1.0, -2.0, np.nan])) for _ in range(n)],
            "y": [draw(st.sampled_from([0.5, np.nan, 3.0])) for _ in range(n)],
            "_row": np.array([draw(st.integers(2, 9)) for _ in range(n)], dtype=np.int64),
        }
    )
    return frame.sample(frac=1, random_state=draw(st.integers(0, 9))).set_axis(
        draw(st.permutations(list(range(100, 100 + n)))), axis=0
    )


@settings(max_examples=200, deadline=None)
@given(frame=placement_frames(), axes=st.sampled_from([["x", "y"], ["x"], []]))
def test_latest_by_positions_is_latest_by_sorting(frame: pd.DataFrame, axes: list[str]) -> None:
    by = ("partnership_id", "perspective")
    pd.testing.assert_frame_equal(
        analysis.latest(frame, axes, by), analysis._latest_plain(frame, axes, by), check_exact=True
    )


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(frame=placement_frames())
def test_portfolio_points_join_and_sort_agree(frame: pd.DataFrame, tiny: Path) -> None:
    parts = pd.DataFrame(
        {
            "partnership_id": pd.Series(["a", "b", "B", "c"], dtype="str"),
            "name": pd.Series(["Zed", "alpha", "Alpha", "zed"], dtype="str"),
            "_row": [2, 3, 4, 5],
        }
    )
    frame = frame.assign(kind=pd.Series(["actual"] * len(frame), dtype="str", index=frame.index))
    ds = pp.Dataset(tiny, [], parts, frame.reset_index(drop=True))
    got = pp.portfolio_points(ds, "x", "y")
    points = analysis._latest_plain(ds.placements, ["x", "y"], ("partnership_id", "perspective"))
    info = parts.drop(columns=["_row"])
    merged = points.merge(info, on="partnership_id", how="left", validate="many_to_one")
    expected = merged.sort_values(["name", "perspective"], key=lambda s: s.str.casefold())
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True), check_exact=True)
