"""Interleaved timing: baseline, subject, baseline, subject…, medians and their ratio.

Other work on a shared machine slows both sides of a pair alike, so the ratio of the
medians is steadier than either time. Each side gets warm-up calls first (imports,
caches, the operating system's file cache), which are not counted.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Timing:
    """Seconds per repeat for a subject and its baseline, measured in turns."""

    subject: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    #: Repeats that alternate between this many states (say, a filter set and cleared)
    #: are summarised per state, and the states weighed alike (see `_median`).
    states: int = 1

    @property
    def subject_median(self) -> float:
        """Median seconds of the subject (the mean of per-state medians)."""
        return _median(self.subject, self.states)

    @property
    def baseline_median(self) -> float:
        """Median seconds of the baseline (the mean of per-state medians)."""
        return _median(self.baseline, self.states)

    @property
    def ratio(self) -> float:
        """Subject median over baseline median."""
        return self.subject_median / self.baseline_median


def _median(samples: list[float], states: int) -> float:
    """The median, or with alternating states the mean of each state's median.

    A plain median of two interleaved states (one fast, one slow) lands on whichever
    state has more samples, or, with as many of each, between the two: neither says
    how either state compares with its baseline.
    """
    if states <= 1 or len(samples) < states:
        return statistics.median(samples)
    return statistics.fmean(statistics.median(samples[i::states]) for i in range(states))


def clock(fn: Callable[[], object]) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleave(
    baseline: Callable[[], object],
    subject: Callable[[], object],
    *,
    repeats: int,
    warmup: int = 1,
) -> Timing:
    """Time baseline and subject in turns, `repeats` times each, after `warmup` turns.

    Either callable may return a float instead of None: then that is its time (for
    measurements timed inside, e.g. by the browser), not the call's duration.
    """
    out = Timing()
    for i in range(warmup + repeats):
        for side, fn in (("baseline", baseline), ("subject", subject)):
            start = time.perf_counter()
            result = fn()
            seconds = result if isinstance(result, float) else time.perf_counter() - start
            if i >= warmup:
                getattr(out, side).append(seconds)
    return out
