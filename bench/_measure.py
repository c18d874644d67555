"""Small helpers: run a command many times, keep its wall time and peak memory per run."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Sample", "run_child", "summarize"]


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_rss_kib: int


def run_child(argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: str | None = None) -> Sample:
    """One run of ARGV; its own peak resident memory comes from wait4, not from ps sampling."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=dict(env) if env is not None else None, cwd=cwd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {process.returncode}")
    return Sample(elapsed, usage.ru_maxrss)


def summarize(samples: Sequence[Sample]) -> tuple[float, int]:
    """Median seconds and median peak RSS (KiB)."""
    return statistics.median(s.seconds for s in samples), int(statistics.median(s.peak_rss_kib for s in samples))
