"""Shared timing helper of the bench scripts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timeit_ms(fn: Callable[[], object], repeat: int = 50) -> tuple[float, float]:
    """Median and best wall time of ``fn`` in milliseconds (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), min(times)
