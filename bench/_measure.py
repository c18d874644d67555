"""Small helpers: run a command many times, keep its wall time and peak memory per run; and the
repository's root, REPO, the one home of that path for every benchmark.

A benchmark runs as a script (`./dev py bench/x.py`), so bench/ leads its sys.path and
`from _measure import REPO` finds this module; importing it puts REPO on sys.path, so the
benchmark's imports of infra, tests and bench that follow resolve.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

__all__ = ["REPO", "Sample", "run_child", "summarize"]


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_rss_kib: int


# Runs the measured command and reports its wall time and peak memory, and its own size. Linux
# carries a parent's size into a child's peak (ru_maxrss) across fork and exec, so the command is
# started from this small process (python -S), never from the benchmark with all it imported.
_LAUNCHER = """
import os, sys, time
report, argv = int(sys.argv[1]), sys.argv[2:]
# Resident now (its own ru_maxrss still holds what it inherited): what a child forked here starts at.
own = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(argv[0], argv)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - started
os.write(report, f"{elapsed} {usage.ru_maxrss} {own} {os.waitstatus_to_exitcode(status)}".encode())
"""


def run_child(argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: str | None = None) -> Sample:
    """One run of ARGV: its wall time and its own peak resident memory (wait4, not ps sampling), as
    measured by a small launcher; a peak no larger than the launcher's is refused, not reported."""
    read, write = os.pipe()
    launcher = subprocess.Popen(
        [sys.executable, "-S", "-c", _LAUNCHER, str(write), *argv],
        env=dict(env) if env is not None else None,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        pass_fds=(write,),
    )
    os.close(write)
    launcher.wait()
    with os.fdopen(read) as report:
        elapsed, peak, own, code = report.read().split()
    if int(code) != 0:
        raise SystemExit(f"{' '.join(argv)} exited {code}")
    if int(peak) <= int(own):
        raise SystemExit(f"{' '.join(argv)}: its peak memory ({peak} KiB) is only its launcher's ({own} KiB)")
    return Sample(float(elapsed), int(peak))


def summarize(samples: Sequence[Sample]) -> tuple[float, int]:
    """Median seconds and median peak RSS (KiB)."""
    return statistics.median(s.seconds for s in samples), int(statistics.median(s.peak_rss_kib for s in samples))
