"""The environments uv.lock builds: current with pyproject.toml, and the job's is only its run-time set."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

from tests.helpers import REPO, install_like_heroku, runtime_requirements, uv_executable


def _uv(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [uv_executable(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_lock_is_current_with_pyproject() -> None:
    done = _uv("lock", "--check", "--offline", cwd=REPO)
    assert done.returncode == 0, done.stderr


def _runtime_closure() -> set[str]:
    """Package names the lock says the project's own dependencies pull in, transitively."""
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    by_name = {package["name"]: package for package in lock["package"]}
    wanted = [dependency["name"] for dependency in by_name["picletter"].get("dependencies", [])]
    closure: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name not in closure:
            closure.add(name)
            wanted += [dependency["name"] for dependency in by_name[name].get("dependencies", [])]
    return closure


def test_heroku_build_installs_only_the_jobs_runtime_dependencies(tmp_path: Path) -> None:
    """Unpack the tarball HerokuBuild uploads and install it as Heroku's Python buildpack does."""
    app, python = install_like_heroku(tmp_path)
    listed = _uv("pip", "list", "--format", "freeze", "--python", str(python), cwd=app)
    installed = {line.split("==")[0].lower().replace("_", "-") for line in listed.stdout.split()}
    assert installed == _runtime_closure()
    assert {requirement.split("==")[0] for requirement in runtime_requirements()} <= installed
    assert not {"pulumi", "pulumi-azure-native", "pyyaml", "pytest"} & installed

    # And the job runs there: the sample picture into an outbox, no network.
    outbox = tmp_path / "outbox"
    job = subprocess.run(
        [str(python), "-m", "picletter"],
        cwd=app,
        env={"PATH": os.environ["PATH"], "PICLETTER_SOURCE": "sample", "PICLETTER_OUTBOX": str(outbox)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert job.returncode == 0, job.stdout + job.stderr
    assert len(list(outbox.glob("*.eml"))) == 1
