"""Helpers the tests share: import them from here, never from a conftest module or another test."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def runtime_requirements() -> list[str]:
    """The job's run-time dependencies as pyproject.toml declares them (`name==version`)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return list(project["dependencies"])


def uv_executable() -> str:
    """The uv that ./dev uses: on PATH, or the copy ./dev installed into .tools/."""
    found = shutil.which("uv") or str(REPO / ".tools" / "uv" / "bin" / "uv")
    assert Path(found).exists(), "uv not found: run the tests through ./dev test"
    return found
