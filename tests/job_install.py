"""Installing the job's tarball as Heroku does, for the tests and the benchmarks.

Light on purpose (nothing of Pulumi or azure-native is imported): bench/job_end_to_end.py measures
its children's peak memory, and Linux carries a parent's size into a child's peak (ru_maxrss)
across fork and exec.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from tests import REPO

__all__ = ["install_like_heroku", "uv_executable"]


def uv_executable() -> str:
    """The uv that ./dev uses: on PATH, or the copy ./dev installed into .tools/."""
    found = shutil.which("uv") or str(REPO / ".tools" / "uv" / "bin" / "uv")
    assert Path(found).exists(), "uv not found: run the tests through ./dev test"
    return found


def install_like_heroku(folder: Path) -> tuple[Path, Path]:
    """The job's tarball unpacked into FOLDER/app and installed as Heroku's Python buildpack does
    (`uv sync --locked --no-default-groups --compile-bytecode`, heroku-buildpack-python lib/uv.sh)
    into FOLDER/python, from uv's cache: only the job's run-time packages. (app folder, its python)."""
    from infra.heroku.source_bundle import make_bundle

    app, environment = folder / "app", folder / "python"
    with tarfile.open(fileobj=io.BytesIO(make_bundle(REPO).data)) as tar:
        tar.extractall(app, filter="data")
    done = subprocess.run(
        [uv_executable(), "sync", "--locked", "--no-default-groups", "--compile-bytecode", "--offline", "--quiet"],
        cwd=app,
        env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(environment), "UV_PYTHON_DOWNLOADS": "never"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return app, environment / "bin" / "python"
