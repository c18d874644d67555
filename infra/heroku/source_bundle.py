"""The job's source tarball for a Heroku build: deterministic, and only what the job runs.

Holds the Procfile, the `picletter/` and `netkit/` packages and what Heroku's Python buildpack needs to install the
job with uv: pyproject.toml, uv.lock and .python-version (the buildpack requires .python-version with
uv, and refuses a second package manager's files, so no requirements.txt). The buildpack runs
`uv sync --locked --no-default-groups` (heroku-buildpack-python, lib/uv.sh), which installs the
project's dependencies only: the Pulumi and dev groups stay out of the slug. No infra code or tests.

Entries are sorted with fixed owners, modes and mtimes, and gzip carries no timestamp, so the same
files give the same bytes and checksum: a build happens only when the job's code or the lock changed.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jinja2 import FileSystemLoader

from infra.job_command import WRAPPER
from picletter.render import COMPILED_TEMPLATES, TEMPLATES, template_environment

__all__ = ["BUNDLED_PACKAGES", "BUNDLED_ROOT_FILES", "SourceBundle", "bundle_files", "make_bundle"]

# The job's package and the one it stands on (pyproject.toml's import contracts keep infra out of both).
BUNDLED_PACKAGES = ("picletter", "netkit")
BUNDLED_ROOT_FILES = ("Procfile", "pyproject.toml", "uv.lock", ".python-version", WRAPPER)
# Files that must stay executable on the dyno.
_EXECUTABLE = {WRAPPER}

FIXED_MTIME = 1_577_836_800  # 2020-01-01: Python wheels refuse zip timestamps before 1980
_SKIP_DIRS = {"__pycache__"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}


@dataclass(frozen=True)
class SourceBundle:
    data: bytes
    sha256: str
    files: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.data)


def bundle_files(root: Path) -> dict[str, bytes]:
    """Archive name -> content, for the files the job needs at run time."""
    files = {name: (root / name).read_bytes() for name in BUNDLED_ROOT_FILES}
    for path in sorted(path for package in BUNDLED_PACKAGES for path in (root / package).rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not (_SKIP_DIRS & set(relative.parts)) and path.suffix not in _SKIP_SUFFIXES:
            files[relative.as_posix()] = path.read_bytes()
    files.update(_compiled_templates(root / "picletter" / TEMPLATES.name))
    return files


def _compiled_templates(templates: Path) -> dict[str, bytes]:
    """The email templates compiled to Python modules, as picletter.render loads them on a dyno."""
    with tempfile.TemporaryDirectory() as folder:
        environment = template_environment(FileSystemLoader(str(templates)))
        environment.compile_templates(folder, zip=None)
        return {
            f"picletter/{COMPILED_TEMPLATES.name}/{path.name}": path.read_bytes()
            for path in sorted(Path(folder).iterdir())
        }


def make_bundle(root: Path) -> SourceBundle:
    files = bundle_files(root)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size = len(files[name])
            info.mtime = FIXED_MTIME
            info.mode = 0o755 if name in _EXECUTABLE else 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(files[name]))
    compressed = gzip.compress(raw.getvalue(), compresslevel=9, mtime=0)
    return SourceBundle(data=compressed, sha256=hashlib.sha256(compressed).hexdigest(), files=tuple(sorted(files)))
