"""Results kept for data that never changes, by the data's identity.

A loaded dataset is shared read-only between sessions, and pandas shares column data
between copies of a frame (and copies it when it changes). So a result worked out from
some Arrow column or dataset object can be kept for as long as that very object lives:
every Streamlit rerun asks again about the same partnership ids, names and portfolio.
Identity is checked through weak references, so that a reused `id()` cannot match.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

import pandas as pd

try:
    import pyarrow as pa
except ImportError:  # pragma: no cover - pyarrow comes with pandas 3 here
    pa = None

T = TypeVar("T")


class Kept:
    """The latest `most` results, each for a key and the objects it was worked out from."""

    def __init__(self, most: int) -> None:
        self._most = most
        self._items: OrderedDict[tuple, tuple[list[weakref.ref], object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, owners: Sequence[object], key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, or what it gave before for the same key and the same owners."""
        full = (tuple(id(o) for o in owners), key)
        with self._lock:
            hit = self._items.get(full)
            if hit is not None and all(r() is o for r, o in zip(hit[0], owners, strict=True)):
                self._items.move_to_end(full)
                return hit[1]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            self._items[full] = ([weakref.ref(o) for o in owners], value)
            while len(self._items) > self._most:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything (for benchmarks of the cold path)."""
        with self._lock:
            self._items.clear()


def arrow_text(series: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow strings behind a text column (no copy), or None for other columns."""
    dtype = series.dtype
    if pa is None:  # pragma: no cover
        return None
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return series.array.__arrow_array__()
    if isinstance(dtype, pd.ArrowDtype) and pa.types.is_large_string(dtype.pyarrow_dtype):
        return series.array.__arrow_array__()
    return None
