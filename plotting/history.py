"""The change history of a dataset: an append-only JSON Lines log beside the CSV files.

Each line is one change (who, when, what, and the row-level operations that make it
up), so that any change can be listed and undone. Lines are appended and flushed to
disk while the folder lock is held; a torn last line (a crash mid-append) is detected
and ignored on reading, so the log never blocks the data.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HISTORY_FILE = "history.jsonl"


@dataclass(frozen=True)
class Op:
    """One row-level operation on one file.

    Rows are dicts of the file's cells. `before` None = a row was added; `after` None =
    a row was removed; both = a row was changed. With `header`, the op changes the
    file's columns instead: `before`/`after` are then the old and new header lists,
    and `renamed` maps old to new column names.
    """

    file: str
    before: dict[str, str] | list[str] | None = None
    after: dict[str, str] | list[str] | None = None
    header: bool = False
    renamed: dict[str, str] | None = None
    #: Where the row was (removed) or went (added): an undo puts it back in its place.
    position: int | None = None

    def inverse(self) -> Op:
        """The op that undoes this one."""
        renamed = {v: k for k, v in self.renamed.items()} if self.renamed else None
        return Op(self.file, self.after, self.before, self.header, renamed, self.position)


@dataclass(frozen=True)
class Change:
    """One recorded change: what a user did, as operations on the files."""

    change_id: str
    time: str
    user: str
    action: str
    ops: tuple[Op, ...] = field(default_factory=tuple)
    undoes: str | None = None

    @property
    def files(self) -> list[str]:
        """The files this change touched."""
        return sorted({op.file for op in self.ops})

    def summary(self) -> str:
        """A short line for lists: counts of rows added, removed and changed."""
        added = sum(1 for o in self.ops if not o.header and o.before is None)
        removed = sum(1 for o in self.ops if not o.header and o.after is None)
        changed = sum(
            1 for o in self.ops if o.header or (o.before is not None and o.after is not None)
        )
        parts = [
            f"{n} {w}"
            for n, w in ((added, "added"), (removed, "removed"), (changed, "changed"))
            if n
        ]
        return ", ".join(parts) or "no rows"


def new_change(action: str, user: str, ops: list[Op], undoes: str | None = None) -> Change:
    """A change stamped with a fresh id and the current time (UTC, ISO 8601)."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Change(uuid.uuid4().hex[:10], now, user or "unknown", action, tuple(ops), undoes)


def _to_json(change: Change) -> str:
    data: dict[str, Any] = asdict(change)
    data["ops"] = [
        {k: v for k, v in asdict(o).items() if v is not None and v is not False} for o in change.ops
    ]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _from_json(line: str) -> Change:
    data = json.loads(line)
    ops = tuple(
        Op(
            o["file"],
            o.get("before"),
            o.get("after"),
            o.get("header", False),
            o.get("renamed"),
            o.get("position"),
        )
        for o in data.get("ops", [])
    )
    return Change(
        data["change_id"], data["time"], data["user"], data["action"], ops, data.get("undoes")
    )


def record(folder: Path, change: Change) -> None:
    """Append a change to the log and flush it to disk (call with the folder lock held)."""
    path = Path(folder) / HISTORY_FILE
    line = (_to_json(change) + "\n").encode("utf-8")
    with path.open("ab") as fh:
        # A torn tail from an earlier crash would glue onto this line: start afresh.
        if fh.tell() > 0 and not _ends_with_newline(path):
            fh.write(b"\n")
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def read_history(folder: Path) -> list[Change]:
    """Every recorded change, oldest first; unreadable (torn) lines are skipped."""
    path = Path(folder) / HISTORY_FILE
    if not path.exists():
        return []
    changes = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            changes.append(_from_json(line))
        except (ValueError, KeyError, TypeError):
            continue
    return changes


def undone_ids(changes: list[Change]) -> set[str]:
    """Ids of changes that a later change undid (and that undo was not itself undone)."""
    undid = {c.change_id: c.undoes for c in changes if c.undoes}
    undone: set[str] = set()
    for change in changes:
        if change.undoes:
            undone.add(change.undoes)
            # Undoing an undo redoes what that undo had undone.
            if undid.get(change.undoes):
                undone.discard(undid[change.undoes])
    return undone
