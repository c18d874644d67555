"""Pins agree: every requirements file's pin is the version the constraints file installs."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)$")


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found[match[1].lower().replace("_", "-")] = match[2]
    return found


def test_requirement_pins_match_the_constraints() -> None:
    constraints = pins(REPO / "constraints.txt")
    for name in ("requirements-job.txt", "requirements.txt", "requirements-dev.txt"):
        for package, version in pins(REPO / name).items():
            assert constraints.get(package) == version, (name, package, version)


def test_every_line_of_a_requirements_file_is_pinned_or_an_include() -> None:
    for name in ("requirements-job.txt", "requirements.txt", "requirements-dev.txt"):
        for line in (REPO / name).read_text().splitlines():
            line = line.strip()
            assert not line or line.startswith(("#", "-r ")) or PIN.match(line), (name, line)
