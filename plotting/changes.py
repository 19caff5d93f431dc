"""Recorded, undoable edits of a dataset: row-level operations committed all-or-nothing.

Every edit (from the Data page, an import, an undo) becomes a list of `Op`s. `commit`
takes the folder lock, applies the ops to the files' rows as they are now, checks the
result with the same validators as loading, writes every touched file atomically, and
records the change in the history. `undo` commits the inverse of a change.

The check against other people's changes is row by row, so that people working at once
do not get in each other's way: a row that a change adds always goes in (validated
with the rest: two people adding the same partnership id are still caught), and a
change that changes or removes rows is refused only when one of those very rows is no
longer in the file as the editor loaded it (someone else changed or removed it since).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from plotting.history import Change, Op, new_change, read_history, record, undone_ids
from plotting.model import (
    AXES_COLUMNS,
    AXES_FILE,
    DATA_FILES,
    PARTNERSHIP_COLUMNS,
    PARTNERSHIPS_FILE,
    PLACEMENT_KEY,
    PLACEMENT_OPTIONAL,
    PLACEMENTS_FILE,
    Problem,
)
from plotting.storage import DataError, _fsync_dir, folder_lock
from plotting.storage import _encode_rows as encode_rows
from plotting.text import without_control_characters
from plotting.validation import (
    LEFT_OUT_NOTE,
    left_out_axes,
    left_out_partnerships,
    validate_axes,
    validate_partnerships,
    validate_placements,
)


class ConflictError(Exception):
    """An operation's row is no longer there (it changed since), so nothing was written.

    Attributes:
        files: the files whose rows (or columns) changed since, when that is the reason.
        rows: how many of the change's rows are gone.
    """

    def __init__(self, message: str, files: Iterable[str] = (), rows: int = 0) -> None:
        super().__init__(message)
        self.files = sorted(set(files))
        self.rows = rows


class StaleDataError(ConflictError):
    """Rows this edit changes or removes were changed by someone else since it loaded them.

    Reload, then edit again. Rows an edit adds never cause it.
    """

    def __init__(self, files: list[str], rows: int = 0) -> None:
        which = (
            f"someone else changed or removed {rows} of the rows you changed"
            if rows > 1
            else "someone else changed or removed a row you changed"
            if rows == 1
            else "someone else changed its columns"
        )
        super().__init__(
            f"{', '.join(files)} changed since you loaded the data ({which}); "
            "reload to see their change, then edit again",
            files,
            rows,
        )


@dataclass
class Table:
    """A CSV file as text rows, with the file's own header order, line ending and BOM.

    An editor may keep only some rows, as {position in the file: row}.
    """

    header: list[str]
    rows: list[dict[str, str]] | dict[int, dict[str, str]]
    newline: str = "\n"
    bom: bool = False
    #: Rows with more (non-empty) cells than the header, as (spreadsheet row, cells):
    #: their extra cells are not in `rows`, so the file must not be rewritten from it.
    long_rows: list[tuple[int, int]] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        """The rows as a frame of strings; the index is each row's position in the file."""
        if isinstance(self.rows, dict):
            index = list(self.rows)
            rows = list(self.rows.values())
        else:
            index, rows = list(range(len(self.rows))), self.rows
        return pd.DataFrame(rows, columns=self.header, index=index, dtype="str").fillna("")

    def subset(self, positions: Iterable[int]) -> Table:
        """A table holding only these rows (by position), for an editor to keep."""
        assert isinstance(self.rows, list)
        return Table(self.header, {i: self.rows[i] for i in positions}, self.newline, self.bom)

    def encode(self) -> bytes:
        """The file's bytes."""
        rows = self.rows.values() if isinstance(self.rows, dict) else self.rows
        data = encode_rows(
            [self.header] + [[row.get(c, "") for c in self.header] for row in rows], self.newline
        )
        return (b"\xef\xbb\xbf" + data) if self.bom else data


def read_table(path: Path) -> Table:
    """Read a CSV file exactly (all cells as text); wholly blank lines are dropped."""
    data = path.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    newline = "\r\n" if first.endswith("\r") else "\n"
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    rows = []
    long_rows = []
    for row, cells in enumerate(reader, start=2):  # spreadsheet rows, as records
        if not cells or (all(c == "" for c in cells) and len(cells) <= 1):
            continue
        if any(c.strip() for c in cells[len(header) :]):
            long_rows.append((row, len(cells)))
        cells = cells + [""] * (len(header) - len(cells))
        rows.append(dict(zip(header, cells[: len(header)], strict=True)))
    return Table(header, rows, newline, bom, long_rows)


def _key(row: Mapping[str, str], header: list[str]) -> tuple[str, ...]:
    return tuple(row.get(c, "") for c in header)


def apply_ops(tables: dict[str, Table], ops: Iterable[Op]) -> list[Op]:
    """Apply ops in order to the tables, in place; returns them with row positions filled.

    A row to change or remove is found by its content (as the editor loaded it), first
    at the position it had, so rows that others added or removed elsewhere do not matter.

    Raises:
        ConflictError: rows to change or remove are not there any more (`files` and
            `rows` say which and how many), or a value has no column to go in.
    """
    applied: list[Op] = []
    gone: list[Op] = []
    for op in ops:
        table = tables[op.file]
        if op.header:
            if _apply_header(table, op):
                applied.append(op)
            else:
                gone.append(op)
            continue
        _check_columns(table, op)
        if op.before is None:
            assert isinstance(op.after, dict)
            pos = (
                len(table.rows)
                if op.position is None
                else max(0, min(op.position, len(table.rows)))
            )
            table.rows.insert(pos, {c: op.after.get(c, "") for c in table.header})
            applied.append(replace(op, position=pos))
            continue
        assert isinstance(op.before, dict)
        i = _find(table, op)
        if i < 0:
            gone.append(op)
            continue
        if op.after is None:
            del table.rows[i]
        else:
            assert isinstance(op.after, dict)
            table.rows[i] = {c: op.after.get(c, "") for c in table.header}
        applied.append(replace(op, position=i))
    if gone:
        files = sorted({op.file for op in gone})
        rows = sum(1 for op in gone if not op.header)
        what = f"{rows} row(s) this change needs are" if rows else "the columns it expects are"
        raise ConflictError(
            f"{', '.join(files)}: {what} no longer there (changed or removed since); "
            "reload and try again",
            files,
            rows,
        )
    return applied


def _find(table: Table, op: Op) -> int:
    """Where the row an op changes or removes is now (-1: not there any more)."""
    assert isinstance(op.before, dict)
    if any(v for c, v in op.before.items() if c not in table.header):
        return -1  # a column with a value in it was removed since
    want = _key(op.before, table.header)
    hint = op.position
    if (
        hint is not None
        and 0 <= hint < len(table.rows)
        and _key(table.rows[hint], table.header) == want
    ):
        return hint
    # The last matching row: a later duplicate is the one a user most likely means.
    for i in range(len(table.rows) - 1, -1, -1):
        if _key(table.rows[i], table.header) == want:
            return i
    return -1


def _check_columns(table: Table, op: Op) -> None:
    """Refuse a row value that the file has no column for (it would be dropped silently)."""
    if not isinstance(op.after, dict):
        return
    before = op.before if isinstance(op.before, dict) else {}
    lost = [c for c, v in op.after.items() if v and c not in table.header and before.get(c) != v]
    if lost:
        raise ConflictError(
            f"{op.file} has no column {lost[0]!r} for a value this change writes (its columns "
            "may have changed since the data was loaded); reload and try again"
        )


def _apply_header(table: Table, op: Op) -> bool:
    """Change a file's columns; False (nothing done) when they changed since.

    Columns it drops must be blank by then (an earlier op blanks them, so that an undo
    restores the values): a value someone else wrote there since makes it False too.
    """
    assert isinstance(op.before, list) and isinstance(op.after, list)
    if table.header != op.before:
        return False
    renamed = op.renamed or {}
    dropped = [c for c in op.before if c not in op.after and c not in renamed]
    if any(row.get(c) for row in table.rows for c in dropped):
        return False
    new_rows = []
    for row in table.rows:
        moved = {renamed.get(k, k): v for k, v in row.items()}
        new_rows.append({c: moved.get(c, "") for c in op.after})
    table.header = list(op.after)
    table.rows = new_rows
    return True


def _validate(tables: dict[str, Table]) -> list[Problem]:
    """Problems of a dataset given as tables (same validators as loading)."""
    problems: list[Problem] = []

    def raw(name: str) -> pd.DataFrame:
        try:
            frame = tables[name].frame()
        except UnicodeEncodeError:
            frame = _frame_without_surrogates(tables[name], name, problems)
        frame["_row"] = range(2, len(frame) + 2)
        return frame

    raw_axes = raw(AXES_FILE)
    axes = validate_axes(raw_axes, problems)
    raw_parts = raw(PARTNERSHIPS_FILE)
    parts = validate_partnerships(raw_parts, problems)
    validate_placements(
        raw(PLACEMENTS_FILE),
        problems,
        axes,
        parts["partnership_id"],
        left_out_partnerships(raw_parts, parts),
        left_out_axes(raw_axes, axes),
    )
    return problems


def _frame_without_surrogates(table: Table, name: str, problems: list[Problem]) -> pd.DataFrame:
    """The table's frame, each cell holding a lone surrogate reported and cleaned.

    A lone surrogate (half of a character, which no file can hold) cannot even be put
    in a text column, so it is found here, cell by cell, rather than by the validators.
    """
    from plotting.text import control_characters, control_message

    rows = table.rows.values() if isinstance(table.rows, dict) else table.rows
    cleaned = []
    for row, cells in enumerate(rows, start=2):
        fixed = {}
        for col, value in cells.items():
            if any("\ud800" <= ch <= "\udfff" for ch in value):
                problems.append(Problem(name, row, col, control_message(control_characters(value))))
                value = without_control_characters(value)
            fixed[col] = value
        cleaned.append(fixed)
    index = list(table.rows) if isinstance(table.rows, dict) else list(range(len(cleaned)))
    return pd.DataFrame(cleaned, columns=table.header, index=index, dtype="str").fillna("")


def _kind(problem: Problem) -> tuple[str, str | None, str]:
    """What a problem is, wherever it is: rows move as rows are added and removed.

    The count of placements a dropped partnership takes along is left out, so that
    adding a placement to an already broken partnership is no new problem.
    """
    return (problem.file, problem.column, LEFT_OUT_NOTE.sub("", problem.message))


def commit(
    folder: Path | str,
    ops: list[Op],
    *,
    action: str,
    user: str,
    expected: tuple | None = None,
    undoes: str | None = None,
) -> Change:
    """Apply ops to the dataset all-or-nothing, and record them as one change.

    The ops apply to the files as they are when the lock is taken, so changes saved by
    others since the editor loaded the data are kept: rows added are always added; rows
    changed or removed must still be in the file exactly as the editor loaded them.

    Args:
        expected: given (the `data_signature` the editor or import loaded), the change is
            an edit of loaded data: rows of it that someone else changed or removed since
            raise StaleDataError. Without it (an undo), ConflictError.

    Raises:
        StaleDataError, ConflictError, or DataError (the result would be invalid: its
        problems are listed); in every case nothing was written. ValueError: no ops, as
        an empty change would only clutter the history.
    """
    if not ops:
        raise ValueError(f"nothing to change: {action!r} has no rows to write")
    folder = Path(folder)
    touched = sorted({op.file for op in ops})
    with folder_lock(folder):
        tables = load_tables(folder)
        _refuse_cutting_rows(tables, touched)
        before_problems = _validate(tables)
        before = Counter(_kind(p) for p in before_problems)
        try:
            ops = apply_ops(tables, ops)
        except ConflictError as err:
            if expected is not None and err.files:
                raise StaleDataError(err.files, err.rows) from None
            raise
        after_problems = _validate(tables)
        after = Counter(_kind(p) for p in after_problems)
        new_kinds = {k for k in after if after[k] > before.get(k, 0)}
        if new_kinds:
            raise DataError(_new_problems(before_problems, after_problems, new_kinds))
        _write_all({folder / name: tables[name].encode() for name in touched})
        change = new_change(action, user, ops, undoes)
        record(folder, change)
    return change


def _refuse_cutting_rows(tables: dict[str, Table], touched: list[str]) -> None:
    """Refuse to rewrite a file that has rows longer than its header.

    Their extra cells would be lost. The loader reports each such row; it is fixed in
    the file first.

    Raises:
        DataError: with a problem per long row of the files to be written.
    """
    problems = [
        Problem(
            name,
            row,
            None,
            f"row has {cells} cells but the header has {len(tables[name].header)} columns; "
            "fix it in the file first, or this change would lose its extra cells",
        )
        for name in touched
        for row, cells in tables[name].long_rows
    ]
    if problems:
        raise DataError(problems)


def _new_problems(
    before: list[Problem], after: list[Problem], new_kinds: set[tuple[str, str | None, str]]
) -> list[Problem]:
    """The problems an edit brings: of a new kind, and not found as such before.

    A problem of the same kind that was already in the data at the same row is not
    listed again; when rows moved so that none can be told apart, all of the kind are.
    """
    old = {(p.file, p.row, p.column, LEFT_OUT_NOTE.sub("", p.message)) for p in before}
    of_kind = [p for p in after if _kind(p) in new_kinds]
    fresh = [
        p for p in of_kind if (p.file, p.row, p.column, LEFT_OUT_NOTE.sub("", p.message)) not in old
    ]
    return fresh or of_kind


def _write_all(files: Mapping[Path, bytes]) -> None:
    """Write several files: every temp file is complete on disk before any is renamed."""
    temps: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            tmp = Path(name)
            temps.append((tmp, path))
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            if path.exists():
                os.chmod(tmp, path.stat().st_mode & 0o7777)
        for tmp, path in temps:
            os.replace(tmp, path)
    finally:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
    for folder in {path.parent for path in files}:
        _fsync_dir(folder)


def undo(folder: Path | str, change_id: str, *, user: str) -> Change:
    """Undo a recorded change by committing its inverse (itself a recorded change).

    Raises:
        KeyError: no such change. ConflictError: its rows changed since.
    """
    changes = read_history(Path(folder))
    target = next((c for c in changes if c.change_id == change_id), None)
    if target is None:
        raise KeyError(change_id)
    if change_id in undone_ids(changes):
        raise ConflictError(f"change {change_id} is already undone")
    inverse = [op.inverse() for op in reversed(target.ops)]
    return commit(folder, inverse, action=f"Undo: {target.action}", user=user, undoes=change_id)


def conflict(folder: Path | str, ops: list[Op]) -> ConflictError | None:
    """Why `commit` would refuse these ops now (None: it would not, validation aside).

    For an editor to warn before saving: rows it changes or removes that someone else
    changed or removed since it loaded them. Reads the files without the lock, so
    `commit` checks again.
    """
    try:
        apply_ops(load_tables(folder), ops)
    except ConflictError as err:
        return StaleDataError(err.files, err.rows) if err.files else err
    return None


# ---- edits expressed as ops ------------------------------------------------------------


def load_tables(folder: Path | str) -> dict[str, Table]:
    """The three files as text tables, for an editor.

    A missing file is an empty table under the usual header (placements.csv: with a
    column for each axis), so that an import or an edit creates it: a file moved out
    of the folder (say, a semicolon-separated one, to be imported) can come back.
    """
    folder = Path(folder)
    tables: dict[str, Table] = {}
    for name in DATA_FILES:
        try:
            tables[name] = read_table(folder / name)
        except FileNotFoundError:
            tables[name] = Table(_usual_header(name, tables.get(AXES_FILE)), [])
    return tables


def _usual_header(name: str, axes: Table | None) -> list[str]:
    """The header a new data file gets (placements.csv's axes from the axes table)."""
    if name == AXES_FILE:
        return list(AXES_COLUMNS)
    if name == PARTNERSHIPS_FILE:
        return list(PARTNERSHIP_COLUMNS)
    axis_ids = [r.get("axis_id", "") for r in axes.rows] if axes is not None else []
    return [*PLACEMENT_KEY, *(a for a in axis_ids if a), *PLACEMENT_OPTIONAL]


def table_ops(
    file: str, table: Table, edited: pd.DataFrame, *, shown: Iterable[int] | None = None
) -> list[Op]:
    """Ops that turn the shown rows of a table into an edited frame.

    Args:
        table: the file as loaded; `edited`'s index refers to positions in `table.rows`
            (new rows have any other index).
        shown: positions that were in the editor (default: all); a shown row missing
            from `edited` was deleted.
    """
    if shown is not None:
        positions = list(shown)
    elif isinstance(table.rows, dict):
        positions = list(table.rows)
    else:
        positions = list(range(len(table.rows)))
    ops: list[Op] = []
    cols = [c for c in edited.columns if c in table.header]
    kept = set()
    for idx, values in edited.iterrows():
        # `started` is kept as typed (spaces too): ' 2019 ' is refused, as on load.
        cells = {c: _cell(values[c], strip=c != "started") for c in cols}
        if isinstance(idx, int) and idx in positions:
            kept.add(idx)
            old = table.rows[idx]
            new = {**old, **cells}
            if new != old:
                ops.append(Op(file, dict(old), new, position=idx))
        elif any(cells.values()):
            ops.append(Op(file, None, {c: cells.get(c, "") for c in table.header}))
    for pos in positions:
        if pos not in kept:
            ops.append(Op(file, dict(table.rows[pos]), None, position=pos))
    return ops


def _cell(value: object, *, strip: bool = True) -> str:
    """An editor cell as CSV text (None/NaN = blank, whole floats without .0).

    Text is stripped of surrounding spaces unless `strip` is False (a cell of only
    spaces is blank either way).
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")  # type: ignore[union-attr]
    text = str(value)
    return text.strip() if strip or not text.strip() else text


def partnership_cascade(tables: dict[str, Table], ops: list[Op]) -> list[Op]:
    """Placement ops that keep references consistent with partnership ops.

    A renamed partnership id is renamed in every placement; a removed partnership's
    placements are removed.
    """
    extra: list[Op] = []
    placements = tables[PLACEMENTS_FILE]
    for op in ops:
        if op.file != PARTNERSHIPS_FILE or op.before is None or op.header:
            continue
        assert isinstance(op.before, dict)
        old_id = op.before.get("partnership_id", "")
        new_id = op.after.get("partnership_id", "") if isinstance(op.after, dict) else None
        if new_id == old_id:
            continue
        for row in placements.rows:
            if row.get("partnership_id") == old_id:
                extra.append(
                    Op(
                        PLACEMENTS_FILE,
                        dict(row),
                        None if new_id is None else {**row, "partnership_id": new_id},
                    )
                )
    return extra


def axis_cascade(tables: dict[str, Table], ops: list[Op]) -> list[Op]:
    """Header ops on placements.csv that follow renamed, added or removed axes.

    A renamed axis renames its column; a removed axis first blanks its values (so that
    an undo restores them), then drops the column; a new axis gets a blank column.
    """
    placements = tables[PLACEMENTS_FILE]
    header = list(placements.header)
    renamed: dict[str, str] = {}
    removed: list[str] = []
    added: list[str] = []
    for op in ops:
        if op.file != AXES_FILE or op.header:
            continue
        old = op.before.get("axis_id") if isinstance(op.before, dict) else None
        new = op.after.get("axis_id") if isinstance(op.after, dict) else None
        if old and new and old != new and old in header:
            renamed[old] = new
        elif old and not new and old in header:
            removed.append(old)
        elif new and not old and new not in header:
            added.append(new)
    if not (renamed or removed or added):
        return []
    extra: list[Op] = []
    for axis_id in removed:
        for row in placements.rows:
            if row.get(axis_id, ""):
                extra.append(Op(PLACEMENTS_FILE, dict(row), {**row, axis_id: ""}))
    new_header = [renamed.get(c, c) for c in header if c not in removed]
    insert_at = new_header.index("spread") if "spread" in new_header else len(new_header)
    for axis_id in added:
        new_header.insert(insert_at, axis_id)
        insert_at += 1
    extra.append(Op(PLACEMENTS_FILE, header, new_header, header=True, renamed=renamed or None))
    return extra


def placements_of(tables: dict[str, Table], partnership_id: str) -> int:
    """How many placements a partnership has (to ask before deleting it)."""
    return sum(1 for r in tables[PLACEMENTS_FILE].rows if r.get("partnership_id") == partnership_id)


def change_history(folder: Path | str) -> pd.DataFrame:
    """The history as a table, newest first (for the app and the command line)."""
    changes = read_history(Path(folder))
    undone = undone_ids(changes)
    return (
        pd.DataFrame(
            {
                "change": [c.change_id for c in changes],
                "time": [c.time for c in changes],
                "user": [c.user for c in changes],
                "action": [c.action for c in changes],
                "files": [", ".join(c.files) for c in changes],
                "rows": [c.summary() for c in changes],
                "undone": [c.change_id in undone for c in changes],
            }
        )
        .iloc[::-1]
        .reset_index(drop=True)
    )
