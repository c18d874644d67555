"""The shipped GitHub workflows: valid against the workflow JSON schema, and doing what the README says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def load(name: str) -> dict[Any, Any]:
    return yaml.safe_load((REPO / ".github" / "workflows" / name).read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize("schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"])
def test_workflows_match_the_schema(schema: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(WORKFLOWS) == 3


def steps(workflow: dict[Any, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]  # type: ignore[no-any-return]


def pulumi_step(workflow: dict[Any, Any], job: str) -> dict[str, Any]:
    (step,) = [s for s in steps(workflow, job) if str(s.get("uses", "")).startswith("pulumi/actions@")]
    return step


def test_pull_requests_run_the_ci_test_command_synth_and_a_commented_preview() -> None:
    workflow = load("pull-request.yml")
    assert "pull_request" in workflow[True]  # YAML 1.1 reads `on` as true
    ci_command = (REPO / ".ci" / "run").read_text().strip().splitlines()[-1].removeprefix("exec ")
    assert any(s.get("run") == ci_command for s in steps(workflow, "test"))
    assert any("-m infra synth" in s.get("run", "") for s in steps(workflow, "synth"))
    preview = pulumi_step(workflow, "preview")["with"]
    assert preview["command"] == "preview" and preview["comment-on-pr"] is True and preview["diff"] is True
    assert workflow["jobs"]["preview"]["permissions"]["pull-requests"] == "write"


def test_main_deploys_after_tests() -> None:
    workflow = load("deploy.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
    assert workflow["jobs"]["up"]["needs"] == "test"
    assert pulumi_step(workflow, "up")["with"]["command"] == "up"


def test_scheduled_drift_check_expects_no_changes() -> None:
    workflow = load("drift.yml")
    assert workflow[True]["schedule"][0]["cron"]
    step = pulumi_step(workflow, "drift")["with"]
    assert step["command"] == "preview" and step["expect-no-changes"] is True and step["refresh"] is True


def test_no_secret_is_written_into_a_workflow() -> None:
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            if any(name in line for name in ("PULUMI_ACCESS_TOKEN:", "HEROKU_API_KEY:")):
                assert "${{ secrets." in line, (path.name, line)
