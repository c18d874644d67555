"""Small helpers: run a command many times, keep its wall time and peak memory per run."""

from __future__ import annotations

import io
import os
import shutil
import statistics
import subprocess
import tarfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

__all__ = ["Sample", "job_environment", "run_child", "summarize"]


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


def job_environment(folder: Path) -> tuple[Path, Path]:
    """The job's tarball unpacked into FOLDER/app and installed the way Heroku's Python buildpack does
    (`uv sync --locked --no-default-groups`) into FOLDER/python: only the job's run-time packages.
    Returns (the app folder, its python)."""
    from infra.heroku.source_bundle import make_bundle

    app, environment = folder / "app", folder / "python"
    with tarfile.open(fileobj=io.BytesIO(make_bundle(REPO).data)) as tar:
        tar.extractall(app, filter="data")
    uv = shutil.which("uv") or str(REPO / ".tools" / "uv" / "bin" / "uv")
    subprocess.run(
        # --compile-bytecode as the buildpack passes it: a dyno starts from compiled modules.
        [uv, "sync", "--locked", "--no-default-groups", "--compile-bytecode", "--quiet"],
        cwd=app,
        env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(environment), "UV_PYTHON_DOWNLOADS": "never"},
        check=True,
    )
    return app, environment / "bin" / "python"
