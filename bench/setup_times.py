"""The README's two commands on a fresh clone, timed, against a baseline measured in the same run:
`git clone` plus `python3 -m venv` (the least any Python set-up does).

    ./dev py bench/setup_times.py [--fresh-uv-cache]

Clone A runs `./dev run` (cold: no .venv); clone B runs `./dev test` twice (cold, then warm). Both
see shared/ beside them, as CI does. uv is hidden from PATH, so ./dev installs its own as on a new
machine; --fresh-uv-cache also empties uv's download cache (every package fetched from the index).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _measure import REPO

SHARED = REPO.parent / "shared"


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} in {cwd} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def clone(folder: Path, name: str, env: dict[str, str]) -> tuple[Path, float]:
    target = folder / name / "main"
    target.parent.mkdir(parents=True)
    seconds = timed(["git", "clone", "--quiet", str(REPO), str(target)], folder, env)
    if SHARED.is_dir():
        (target.parent / "shared").symlink_to(SHARED)
    return target, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fresh-uv-cache", action="store_true", help="start from an empty uv download cache")
    fresh = parser.parse_args().fresh_uv_cache
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        uv_dirs = {str(Path(found).parent) for found in [shutil.which("uv")] if found}
        path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p not in uv_dirs)
        env = {**os.environ, "PATH": path}
        if fresh:
            env["UV_CACHE_DIR"] = str(folder / "uv-cache")

        _, clone_s = clone(folder, "baseline", env)
        venv_s = timed([sys.executable, "-m", "venv", str(folder / "bare-venv")], folder, env)
        baseline = clone_s + venv_s

        run_clone, run_clone_s = clone(folder, "run", env)
        run_s = run_clone_s + timed(["./dev", "run"], run_clone, env)
        test_clone, test_clone_s = clone(folder, "test", env)
        test_cold = test_clone_s + timed(["./dev", "test"], test_clone, env)
        test_warm = timed(["./dev", "test"], test_clone, env)

    cache = "an empty uv cache" if fresh else "this machine's uv cache"
    print(f"fresh clones, uv installed by ./dev, {cache}")
    print(f"baseline (git clone + python -m venv): {baseline:6.1f} s")
    print(f"clone + ./dev run                    : {run_s:6.1f} s  (x{run_s / baseline:.1f} the baseline)")
    print(f"clone + ./dev test, cold             : {test_cold:6.1f} s  (x{test_cold / baseline:.1f} the baseline)")
    print(f"./dev test again, warm               : {test_warm:6.1f} s  (x{test_warm / baseline:.1f} the baseline)")


if __name__ == "__main__":
    main()
