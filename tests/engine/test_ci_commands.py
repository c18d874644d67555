"""Scenario 10 of issue 18: the Pulumi commands of .github/workflows, as written there, against the
file backend and the fakes (a stack of the test's own: Pulumi.prod.yaml's ESC import is never read).

pulumi/actions turns its inputs into the Automation API's options (github:pulumi/actions
src/main.ts): `command: up` runs `pulumi up --yes --skip-preview`, and `diff`, `refresh` and
`expect-no-changes` add `--diff`, `--refresh` and `--expect-no-changes`.
"""

from __future__ import annotations

from typing import Any

import yaml

from tests.engine.harness import REPO, Engine

FLAGS = {"diff": "--diff", "refresh": "--refresh", "expect-no-changes": "--expect-no-changes"}


def pulumi_commands(workflow: str) -> list[list[str]]:
    """The CLI command each pulumi/actions step of WORKFLOW runs."""
    jobs: dict[str, Any] = yaml.safe_load((REPO / ".github" / "workflows" / workflow).read_text())["jobs"]
    commands = []
    for job in jobs.values():
        for step in job["steps"]:
            if not str(step.get("uses", "")).startswith("pulumi/actions@"):
                continue
            inputs = step["with"]
            command = [inputs["command"], *(["--yes", "--skip-preview"] if inputs["command"] == "up" else [])]
            command += [flag for key, flag in FLAGS.items() if inputs.get(key) is True]
            commands.append(command)
    return commands


def test_the_workflow_commands_run_as_written(engine: Engine) -> None:
    # Pull request, then deploy on main, then the daily drift check.
    commands = pulumi_commands("pull-request.yml") + pulumi_commands("deploy.yml") + pulumi_commands("drift.yml")
    assert commands == [
        ["preview", "--diff"],
        ["up", "--yes", "--skip-preview", "--diff"],
        ["preview", "--diff", "--refresh", "--expect-no-changes"],
    ]
    engine.configure_like_the_readme()
    for command in commands:
        engine.pulumi(*command)
    assert engine.heroku.apps["picletter-test"].config_vars["PICLETTER_TO"] == "me@example.com"

    # The drift check fails when someone changed what the stack owns.
    engine.heroku.apps["picletter-test"].config_vars["PICLETTER_TO"] = "drifted@example.com"
    drifted = engine.pulumi(*commands[-1], check=False)
    assert drifted.returncode != 0
