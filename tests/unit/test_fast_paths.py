"""Fast paths give exactly what the plain paths give: loading, latest, joins, escaping.

The loader parses a large clean file in one pass and falls back to the precise,
cell-by-cell path on anything unusual; analysis and figures work on codes and distinct
values. Each test runs both ways on the same input and compares everything.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plotting as pp
from plotting import analysis, figures, storage, validation
from plotting.text import plotly_text
from tests.conftest import AXES, PARTNERSHIPS, PLACEMENTS, write_dataset

HEADER = (
    "partnership_id,date,perspective,kind,delivery_policy,regulation_innovation,rules_task,"
    "spread,note\n"
)


def load_both(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[pp.Dataset, pp.Dataset]:
    """The dataset loaded with every fast path on every file (checks on another thread
    included), and with the precise reader and the general checks only."""
    with monkeypatch.context() as m:
        m.setattr(storage, "FAST_READ_MIN_BYTES", 0)
        m.setattr(validation, "BACKGROUND_MIN_CELLS", 0)
        m.setattr(validation, "RUNS_MIN_CELLS", 0)
        fast = storage.load_dataset(folder)
    with monkeypatch.context() as m:
        m.setattr(storage, "_read_fast", lambda *_args, **_kwargs: None)
        m.setattr(validation, "FAST_CHECKS", False)
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
    (
        "control characters",
        (
            PLACEMENTS
            + "alpha,2024-01-01,pub\x07lic,actual,1,1,1,,bell\x07\nbeta,2024-01-01,x,actual,1,1,1,,"
            "\x1b\ufffe\ufffd\ufeff\n"
        ).encode(),
    ),
    ("invisible perspective", (PLACEMENTS + "alpha,2024-01-01,\u200b,actual,1,1,1,,\n").encode()),
    (
        "semicolons",
        PLACEMENTS.replace(",", ";").replace('"Private sees ""clearly"" innovation"', "x").encode(),
    ),
    (
        "tabs",
        PLACEMENTS.replace(",", "\t")
        .replace('"Private sees ""clearly"" innovation"', "x")
        .encode(),
    ),
    ("long first row", PLACEMENTS.replace("\n", ",extra\n", 2).replace(",extra", "", 1).encode()),
    (
        "trailing commas",
        PLACEMENTS.replace(",Utility runs kiosks\n", ",Utility runs kiosks,\n").encode(),
    ),
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
    *(
        (f"date {date!r}", (PLACEMENTS + f"alpha,{date},public,actual,1,1,1,,\n").encode())
        for date in [
            "1900-01-01",
            "2199-12-31",
            "1899-12-31",
            "2200-01-01",
            "0000-01-01",
            "2000-02-29",
            "2100-02-29",
            "2024-04-31",
            "2024-00-10",
            "2024-13-01",
            "2024-01-00",
            "2024-01-32",
            "2024-17-01",
            "2024-12-63",
            "2024-99-99",
            "2024-1-010",
            "2024_01_01",
            "+024-01-01",
            "2024-01-0a",
            " 2024-01-01",
            "2024-01-01 ",
            "\uff12024-01-01",
            "2024-01-0\u0661",
            "2024-01-01T00",
            "20240101",
        ]
    ),
    (
        "numbers, booleans and blanks as text",
        (
            HEADER
            + "alpha,2024-01-01,1,actual,1,1,1,,2\n"
            + "alpha,2024-01-02,2.5,target,1,1,1,,True\n"
            + "alpha,2024-01-03,3,actual,1,1,1,,\n"
        ).encode(),
    ),
    ("integer positions", (HEADER + "alpha,2024-01-01,public,actual,1,-2,3,1,x\n").encode()),
    ("text column of one short row", (HEADER + "alpha,2024-01-01,public,actual,1\n").encode()),
    *(
        (f"kind {kind!r}", (PLACEMENTS + f"alpha,2024-01-01,public,{kind},1,1,1,,\n").encode())
        for kind in ["ACTUAL", "actua1", "target ", "targe", "actual\t", "tärget", ""]
    ),
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
    assert (frame.dtypes.drop([*numeric, "_row"]) == "str").all()
    assert storage._read_fast(folder / "partnerships.csv") is not None


@pytest.mark.parametrize("late", ["text", "number", "blank"])
def test_fast_and_precise_loads_agree_on_large_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, late: str
) -> None:
    """Files large enough for pandas' parallel reader, whose chunks may infer types each
    their own way: notes and ids that look like numbers for most of the file."""
    rows = [
        f"{i % 3:03d},2024-01-{i % 28 + 1:02d},public,actual,{i % 9 - 4},,0.5,1,{i}\n"
        for i in range(150_000)
    ]
    rows[-7] = {
        "text": "001,2024-02-01,donor,target,1,1,1,,a note\n",
        "number": "002,2024-02-01,donor,target,1,1,1,,1.5\n",
        "blank": "002,2024-02-01,donor,target,1,1,1,,\n",
    }[late]
    parts = "partnership_id,name\n000,Zero\n001,One\n002,Two\n"
    folder = write_dataset(tmp_path / "d", partnerships=parts, placements=HEADER + "".join(rows))
    assert (folder / "placements.csv").stat().st_size > 6 << 20
    numeric = ["delivery_policy", "regulation_innovation", "rules_task", "spread"]
    assert storage._read_fast(folder / "placements.csv", numeric) is not None
    fast, precise = load_both(folder, monkeypatch)
    assert_same(fast, precise)
    assert len(fast.placements) == 150_000 and not fast.problems


def test_fast_and_precise_loads_agree_on_partnership_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [
        PARTNERSHIPS + "\n\n",
        PARTNERSHIPS + "001,Digits only,,,,,,,\n",
        PARTNERSHIPS.replace("\n", "\r\n"),
        PARTNERSHIPS + ",Nameless,,,,,2020-02-30,,\n",
        PARTNERSHIPS + "beta,Again,,,,,,,\n",
        PARTNERSHIPS + "delta, Padded name,,,,,1850-01-01,,\n",
        PARTNERSHIPS + "delta,   ,,,,,2020-1-1,,\n",
        PARTNERSHIPS + "delta,Year,,,,,2019,,\nepsilon,Month,,,,,2019-03,,\n",
        PARTNERSHIPS + "delta,Bad month,,,,,2019-13,,\nepsilon,\u200b,,,,,2019-03-14,,\n",
        PARTNERSHIPS + "delta,Bell\x07,Ke\x1bnya,,,,,\x7f,\uffff\n",
        PARTNERSHIPS.replace("alpha,Alpha Water Alliance", "alpha,"),
        PARTNERSHIPS.replace(",2020-01-15,", ",,").replace(",2021-06-01,", ",,"),
        "partnership_id,name,budget\n001,One,10\n002,Two,2.5\n",
        "partnership_id,name,active\n001,One,True\n002,Two,False\n",
        *(
            PARTNERSHIPS + f"{pid},Name,,,,,,,\n"
            for pid in ["_x", "-x", ".x", "x y", "x/y", "é", "x\u0301", "X.Y_z-1", "a" * 80]
        ),
    ]
    for i, text in enumerate(texts):
        folder = write_dataset(tmp_path / f"d{i}", partnerships=text)
        assert_same(*load_both(folder, monkeypatch))


@pytest.mark.parametrize(
    "extra",
    [
        "",
        "Bad_Axis,a,b,\n",
        "bad axis,a,b,\n",
        ",a,b,\n",
        "rules_task,a,b,\n",
        "note,a,b,\n",
        "x_y,,b,\n",
        "x_y,a,  ,\n",
        "x_y, a,\tb,\n",
        "x_y,a\n",
        "caf\u00e9,a,b,\n",
        "x_y\u00a0,a,b,\n",
        "x_y,a\x07,b,desc\x1f\n",
        "x_y,\u200b,b,\n",
        "rules_task2,\u200b,b,\n",
    ],
)
def test_fast_and_precise_loads_agree_on_axes_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str
) -> None:
    folder = write_dataset(tmp_path / "d", axes=AXES + extra)
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


def both_ways(monkeypatch: pytest.MonkeyPatch, check, *args):
    """A check's result and problems with its fast paths, and with the general way only."""
    out = []
    for fast in (True, False):
        with monkeypatch.context() as m:
            m.setattr(validation, "FAST_CHECKS", fast)
            problems: list[pp.Problem] = []
            out.append((check(problems, *args), [str(p) for p in problems]))
    return out


DATES = st.one_of(
    st.builds(
        "{:04d}-{:02d}-{:02d}".format,
        st.integers(1890, 2210),
        st.integers(0, 13),
        st.integers(0, 32),
    ),
    st.builds(
        "{:04d}-{:02d}-{:02d}".format,
        st.one_of(st.integers(1890, 2210), st.integers(0, 9999)),
        st.integers(0, 99),
        st.integers(0, 99),
    ),
    st.sampled_from(["", "2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "2024-01-01"]),
    st.text(alphabet="0123456789- ", min_size=9, max_size=11),
    st.text(max_size=11),
)


#: A partnership's `started`: partial dates and near misses, besides full days.
PARTIAL_DATES = st.one_of(
    DATES,
    st.builds("{:04d}".format, st.integers(0, 9999)),
    st.builds("{:04d}-{:02d}".format, st.integers(1890, 2210), st.integers(0, 13)),
    st.sampled_from(["2019", "2019-03", "2019-3", "19", "2019-", "03/2019", "2019-03-1"]),
    st.text(alphabet="0123456789-", max_size=8),
)
#: Names people write, blank-looking ones included.
NAMES = ["Name", "", " ", " Name", "\tx", "Água", "\u3000x", "\u200b", "\ufeff\u00a0", "x\u200b"]
#: Text with control characters and their UTF-8 neighbours (U+FFFD, U+FEFF, U+FF01 also
#: start with byte 0xEF; U+0085 and U+00A0 are no control characters here).
TRICKY_TEXT = st.text(
    alphabet="ab \t\n\r\x00\x07\x1b\x1f\x7f\x85\xa0\ufffe\uffff\ufffd\ufeff\uff01\u200b",
    max_size=6,
)


@settings(max_examples=500, deadline=None)
@given(cells=st.lists(TRICKY_TEXT, max_size=10))
def test_control_characters_read_from_bytes_agree_with_the_text_helper(cells: list[str]) -> None:
    from plotting.text import control_characters

    series = pd.Series(cells, dtype="str")
    expected = [i for i, c in enumerate(cells) if control_characters(c)]
    assert validation._control_cells(series).tolist() == expected


def _bad_partial_date(value: str) -> bool:
    """The plain way: not blank, and not a year, year-month or day that exists."""
    import datetime as dt

    if value == "":
        return False
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return True
    if int(value[:4]) not in validation.YEARS:  # 1800 to 2200, as the importer reads
        return True
    try:
        dt.date.fromisoformat({4: value + "-01-01", 7: value + "-01"}.get(len(value), value))
    except ValueError:
        return True
    return False


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(dates=st.lists(PARTIAL_DATES, max_size=8))
def test_partial_dates_agree_with_checking_each_distinct_value(
    monkeypatch: pytest.MonkeyPatch, dates: list[str]
) -> None:
    series = pd.Series(dates, dtype="str")
    rows = np.arange(2, len(dates) + 2)

    def check(problems: list[pp.Problem]) -> np.ndarray:
        return validation._check_partial_dates(problems, "f.csv", series, rows, "started")

    (fast, fast_problems), (general, general_problems) = both_ways(monkeypatch, check)
    assert fast.tolist() == general.tolist()
    assert fast_problems == general_problems
    expected = [_bad_partial_date(d) for d in dates]
    assert fast.tolist() == expected


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(dates=st.lists(DATES, max_size=8), required=st.booleans())
def test_fast_dates_agree_with_parsing_each_distinct_date(
    monkeypatch: pytest.MonkeyPatch, dates: list[str], required: bool
) -> None:
    series = pd.Series(dates, dtype="str")
    rows = np.arange(2, len(dates) + 2)

    def check(problems: list[pp.Problem]) -> tuple[pd.Series, np.ndarray]:
        return validation._check_dates(problems, "f.csv", series, rows, "date", required=required)

    (fast, fast_problems), (general, general_problems) = both_ways(monkeypatch, check)
    pd.testing.assert_series_equal(fast[0], general[0], check_exact=True)
    assert fast[1].tolist() == general[1].tolist()
    assert fast_problems == general_problems


def test_fast_dates_know_every_month_and_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each two-digit month and day, alone in a column: read exactly as parsed, or not."""
    dates = [f"2024-{m:02d}-15" for m in range(100)] + [
        f"{y}-{m:02d}-{d:02d}"
        for y in (1900, 2000, 2023, 2199)
        for m in (1, 2, 4)
        for d in range(100)
    ]
    for date in dates:
        series = pd.Series([date], dtype="str")
        (fast, _), (general, _) = both_ways(
            monkeypatch,
            lambda problems, s=series: validation._check_dates(
                problems, "f.csv", s, np.array([2]), "date", required=True
            ),
        )
        assert fast[1].tolist() == general[1].tolist(), date
        pd.testing.assert_series_equal(fast[0], general[0], check_exact=True)


def test_usual_dates_take_the_fast_path() -> None:
    dates = pd.Series(["1900-01-01", "2024-02-29", "2199-12-31", "2026-07-31"], dtype="str")
    got = validation._fast_dates(dates, required=True)
    assert got is not None and got.dtype == np.dtype("M8[us]")
    assert got.tolist() == pd.to_datetime(dates, format="%Y-%m-%d").tolist()
    with_blank = pd.Series(["", "2024-03-15"], dtype="str")
    assert validation._fast_dates(with_blank, required=True) is None
    assert np.isnat(validation._fast_dates(with_blank, required=False)).tolist() == [True, False]


@settings(max_examples=300, deadline=None)
@given(
    cells=st.lists(
        st.one_of(
            st.sampled_from(["actual", "target"]), st.text(alphabet="actuglre\x00 ", max_size=7)
        ),
        max_size=8,
    )
)
def test_kinds_compared_in_place_agree_with_arrow(cells: list[str]) -> None:
    series = pd.Series(cells, dtype="str")
    expected = [c in ("actual", "target") for c in cells]
    assert validation._isin(series, ("actual", "target")).tolist() == expected
    same_length = validation._isin_same_length(series, ["actual", "target"])
    assert same_length is None or same_length.tolist() == expected


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(st.sampled_from(["a", "b", "bb", "", "é", None]), max_size=12),
    known=st.lists(st.sampled_from(["a", "bb", "é", "", None]), max_size=4),
)
def test_ids_looked_up_run_by_run_agree(
    monkeypatch: pytest.MonkeyPatch, cells: list[str | None], known: list[str | None]
) -> None:
    series = pd.Series(cells, dtype="str")
    known_ids = pd.Series(known, dtype="str")
    expected = validation._isin(series, known_ids)
    monkeypatch.setattr(validation, "RUNS_MIN_CELLS", 0)
    assert validation._isin(series, known_ids).tolist() == expected.tolist()
    if all(c is not None for c in cells):
        assert expected.tolist() == series.isin(known_ids).tolist()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ids=st.lists(
        st.one_of(
            st.sampled_from(["alpha", "beta", "b-2.x_y", "001"]),
            st.text(alphabet="aZ9_.- é\n", max_size=5),
        ),
        max_size=6,
    ),
    names=st.lists(st.one_of(st.sampled_from(NAMES), TRICKY_TEXT), max_size=6),
    started=st.lists(PARTIAL_DATES, max_size=6),
    country=st.lists(TRICKY_TEXT, max_size=6),
)
def test_partnership_checks_agree_with_the_general_way(
    monkeypatch: pytest.MonkeyPatch,
    ids: list[str],
    names: list[str],
    started: list[str],
    country: list[str],
) -> None:
    n = min(len(ids), len(names), len(started), len(country))
    raw = pd.DataFrame(
        {
            "partnership_id": ids[:n],
            "name": names[:n],
            "started": started[:n],
            "country": country[:n],
        },
        dtype="str",
    )
    (fast, fast_problems), (general, general_problems) = both_ways(
        monkeypatch, lambda problems: validation.validate_partnerships(raw, problems)
    )
    pd.testing.assert_frame_equal(fast, general, check_exact=True)
    assert fast_problems == general_problems


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(st.text(alphabet="ab\u00e9", max_size=3), max_size=8), sort=st.booleans())
def test_duplicates_found_as_pandas_finds_them(cells: list[str], sort: bool) -> None:
    series = pd.Series(sorted(cells) if sort else cells, dtype="str")
    assert validation._no_duplicates(series) == (not series.duplicated().any())


@settings(max_examples=500, deadline=None)
@given(cells=st.lists(st.text(alphabet=string.printable + "\u00e9\u0661", max_size=4), max_size=4))
def test_id_patterns_read_from_bytes_agree_with_the_regex(cells: list[str]) -> None:
    series = pd.Series(cells, dtype="str")
    for byte_sets, pattern in [
        (validation._PARTNERSHIP_ID_BYTES, validation.PARTNERSHIP_ID_RE),
        (validation._AXIS_ID_BYTES, validation.AXIS_ID_RE.pattern),
    ]:
        expected = all(re.fullmatch(pattern, c) for c in cells)
        assert validation._all_match(series, byte_sets) == expected


def test_clean_files_skip_the_general_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Usual data never goes through the per-distinct-value checks or a regex."""
    folder = write_dataset(tmp_path / "d")
    monkeypatch.setattr(storage, "FAST_READ_MIN_BYTES", 0)
    monkeypatch.setattr(validation, "BACKGROUND_MIN_CELLS", 0)
    axes = validation.validate_axes(storage.read_raw(folder / "axes.csv", []), [])
    raw_parts = storage.read_raw(folder / "partnerships.csv", [])
    numeric = [*(a.axis_id for a in axes), "spread"]
    raw_places = storage._read_fast(folder / "placements.csv", numeric)

    def general(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("took the general way")

    monkeypatch.setattr(validation, "_distinct", general)
    monkeypatch.setattr(pd.Series, "str", property(general))
    problems: list[pp.Problem] = []
    parts = validation.validate_partnerships(raw_parts, problems)
    places = validation.validate_placements(raw_places, problems, axes, parts["partnership_id"])
    assert not problems and len(parts) == 3 and len(places) == 7


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
