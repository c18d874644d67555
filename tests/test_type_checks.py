"""mypy skips azure-native's top-level package (pyproject.toml) but still checks calls into the
service packages the program imports: a deliberate type error in each is still reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO

PROBE = """\
from pulumi_azure_native import logic, monitor, resources

logic.Workflow("w", resource_group_name=1, no_such_argument=True)
resources.ResourceGroup("g", location=3)
monitor.MetricAlert("a", severity="high")
"""


def test_calls_into_azure_native_service_packages_are_still_type_checked(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"), str(probe)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    errors = {line.split(":")[1] for line in done.stdout.splitlines() if ": error:" in line}
    assert errors == {"3", "4", "5"}, done.stdout
