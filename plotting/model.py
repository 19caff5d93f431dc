"""Domain model: axes, the column vocabulary of the three CSV files, and the dataset."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

#: Positions run from -5 (all the way to the low pole) to +5 (all the way to the high pole).
POSITION_MIN = -5.0
POSITION_MAX = 5.0
#: An uncertainty ("spread") is a radius in axis units.
SPREAD_MAX = 5.0

AXES_FILE = "axes.csv"
PARTNERSHIPS_FILE = "partnerships.csv"
PLACEMENTS_FILE = "placements.csv"
DATA_FILES = (AXES_FILE, PARTNERSHIPS_FILE, PLACEMENTS_FILE)

AXES_COLUMNS = ("axis_id", "low_pole", "high_pole", "description")
AXES_REQUIRED = ("axis_id", "low_pole", "high_pole")

PARTNERSHIP_COLUMNS = (
    "partnership_id",
    "name",
    "country",
    "sector",
    "arrangement",
    "partners",
    "started",
    "description",
)
PARTNERSHIP_REQUIRED = ("partnership_id", "name")

#: Placement columns that are not axes. `spread` and `note` are optional.
PLACEMENT_KEY = ("partnership_id", "date", "perspective", "kind")
PLACEMENT_OPTIONAL = ("spread", "note")
PLACEMENT_RESERVED = PLACEMENT_KEY + PLACEMENT_OPTIONAL

KINDS = ("actual", "target")
#: Perspectives suggested in the app; any organisation's name is also a valid perspective.
STANDARD_PERSPECTIVES = ("public", "private", "civil society", "donor", "joint")


@dataclass(frozen=True)
class Axis:
    """One tension between two poles, e.g. Delivering services ↔ Informing policy."""

    axis_id: str
    low_pole: str
    high_pole: str
    description: str = ""

    @property
    def label(self) -> str:
        """Both poles, low first: the axis' name in the users' language."""
        return f"{self.low_pole} ↔ {self.high_pole}"

    def pole(self, value: float) -> str:
        """The pole a position leans toward (or 'balance' at 0)."""
        if value > 0:
            return self.high_pole
        if value < 0:
            return self.low_pole
        return "balance"


@dataclass(frozen=True)
class Problem:
    """One validation problem, located as a spreadsheet shows it (the header is row 1)."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Dataset:
    """A loaded dataset: the valid rows of the three files, and every problem found.

    Treat it as read-only: the app caches and shares one instance between sessions.
    `placements` has `date` as datetime64, axis columns and `spread` as float (NaN =
    blank), and a `row` column with each placement's spreadsheet row number.
    """

    folder: Path
    axes: list[Axis]
    partnerships: pd.DataFrame
    placements: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)

    @property
    def axis_ids(self) -> list[str]:
        """Axis ids in file order."""
        return [a.axis_id for a in self.axes]

    def axis(self, axis_id: str) -> Axis:
        """The axis with this id (KeyError if unknown)."""
        for a in self.axes:
            if a.axis_id == axis_id:
                return a
        raise KeyError(axis_id)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def partnership_name(self, partnership_id: str) -> str:
        """The display name of a partnership (its id when unknown)."""
        hit = self.partnerships.loc[self.partnerships["partnership_id"] == partnership_id, "name"]
        return str(hit.iloc[0]) if len(hit) else partnership_id

    @cached_property
    def perspectives(self) -> list[str]:
        """Perspectives used in the placements: standard ones first, then the rest (kept)."""
        used = set(self.placements["perspective"].unique()) if len(self.placements) else set()
        standard = [p for p in STANDARD_PERSPECTIVES if p in used]
        return standard + sorted(used - set(standard), key=str.casefold)

    @cached_property
    def period(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """The first and last placement dates (None without placements; kept)."""
        dates = self.placements["date"]
        if not len(dates) or dates.isna().all():
            return None
        return dates.min(), dates.max()

    @cached_property
    def categorical_columns(self) -> list[str]:
        """Partnership columns worth filtering or colouring by (few distinct values; kept)."""
        skip = {"partnership_id", "name", "partners", "description", "started"}
        out = []
        for col in self.partnerships.columns:
            if col in skip:
                continue
            values = self.partnerships[col].replace("", pd.NA).dropna()
            if 0 < values.nunique() <= max(12, len(self.partnerships) // 2):
                out.append(col)
        return out
