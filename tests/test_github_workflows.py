"""The shipped GitHub workflows: valid against the workflow JSON schema, and doing what
docs/how-to/ci-and-esc.md says."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.settings import settings_from_config
from tests import REPO

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


# The majors the workflows use (current in 2026); one place, so an upgrade changes them together.
ACTION_MAJORS = {
    "actions/checkout": "v6",
    "actions/setup-python": "v6",
    "actions/upload-artifact": "v6",
    "astral-sh/setup-uv": "v7",
    "pulumi/actions": "v7",
}


def test_every_action_is_at_its_current_major() -> None:
    for path in WORKFLOWS:
        for job in yaml.safe_load(path.read_text())["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    action, _, major = step["uses"].partition("@")
                    assert ACTION_MAJORS.get(action) == major, (path.name, step["uses"])


def locked_version(package: str) -> str:
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    return next(p["version"] for p in lock["package"] if p["name"] == package)


@pytest.mark.parametrize(
    ("name", "job"), [("pull-request.yml", "preview"), ("deploy.yml", "up"), ("drift.yml", "drift")]
)
def test_pulumi_runs_the_pinned_cli_with_uv_on_path_against_the_committed_stack(name: str, job: str) -> None:
    workflow = load(name)
    step = pulumi_step(workflow, job)
    version = step["with"]["pulumi-version"]
    # Dynamic providers receive stack config only from Pulumi 3.139.0; the CLI matches the SDK in uv.lock.
    assert version == locked_version("pulumi")
    assert tuple(map(int, version.split("."))) >= (3, 139, 0)
    uses = [s.get("uses", "") for s in steps(workflow, job)]
    assert uses.index("astral-sh/setup-uv@v7") < uses.index("pulumi/actions@v7"), "toolchain: uv needs uv on PATH"
    assert (REPO / f"Pulumi.{step['with']['stack-name']}.yaml").is_file()
    # Credentials come from the ESC environment the stack imports: GitHub holds only the Pulumi token.
    env = workflow["jobs"][job].get("env", {})
    assert set(env) == {"PULUMI_ACCESS_TOKEN"}


def test_the_ci_stack_imports_an_esc_environment_whose_config_the_program_accepts() -> None:
    stack = yaml.safe_load((REPO / "Pulumi.prod.yaml").read_text())
    assert stack == {"environment": ["picletter/prod"]}
    template = yaml.safe_load((REPO / "esc" / "picletter-prod.yaml").read_text())["values"]
    assert template["azure"]["login"]["fn::open::azure-login"]["oidc"] is True
    assert {"ARM_USE_OIDC", "ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID", "ARM_OIDC_TOKEN"} <= set(
        template["environmentVariables"]
    )
    config = template["pulumiConfig"]
    # Each side its own token from its own ESC secret; never the shared fallback, which would put the
    # deploy token in Azure and make every preview warn.
    assert "picletter:herokuApiToken" not in config
    assert config["picletter:herokuRunToken"] == "${heroku.runToken}"
    assert config["picletter:herokuDeployToken"] == "${heroku.deployToken}"
    assert set(template["heroku"]) == {"runToken", "deployToken"}
    assert all("fn::secret" in secret for secret in template["heroku"].values())
    # ESC resolves the ${...} references; the program validates the rest as it would in CI.
    resolved = {**config, "picletter:herokuRunToken": "run-by-esc", "picletter:herokuDeployToken": "deploy-by-esc"}
    secret_keys = ["picletter:herokuRunToken", "picletter:herokuDeployToken"]
    settings = settings_from_config(resolved, "", secret_keys=secret_keys)
    assert settings.heroku_app == "my-picletter-app" and settings.jobs[0].name == "picletter"
    assert (settings.heroku_run_token, settings.heroku_deploy_token) == ("run-by-esc", "deploy-by-esc")
    assert not settings.one_token, "the preview would warn that one token serves both sides"


def created_scopes(text: str) -> dict[str, str]:
    """{ESC path or description: --scope} of each `heroku authorizations:create` in TEXT, its
    continuation lines (`\\` then a newline, in a YAML comment or not) joined."""
    joined = re.sub(r"\\\n#?\s*", " ", text)
    return {
        (match.group(1) or match.group(3)): match.group(2)
        for match in re.finditer(
            r"(?:env set \S+ (heroku\.\w+) .*?)?authorizations:create[^\n]*?--scope (\S+)[^\n]*?--description "
            r"[\"']picletter [^:]*: ([^\"']+)[\"']",
            joined,
        )
    }


def test_the_esc_template_creates_each_token_with_the_scope_the_tokens_guide_gives() -> None:
    template = created_scopes((REPO / "esc" / "picletter-prod.yaml").read_text())
    guide = created_scopes((REPO / "docs" / "how-to" / "tokens.md").read_text())
    assert guide == {
        "Logic Apps (dynos)": "read,write",
        "pulumi up": "identity,read,write,read-protected,write-protected",
    }
    assert template == {"heroku.runToken": guide["Logic Apps (dynos)"], "heroku.deployToken": guide["pulumi up"]}


def test_no_secret_is_written_into_a_workflow() -> None:
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            if any(name in line for name in ("PULUMI_ACCESS_TOKEN:", "HEROKU_API_KEY:")):
                assert "${{ secrets." in line, (path.name, line)


FETCH_REFERENCES = ".github/fetch-references.sh"


@pytest.mark.parametrize(("name", "job"), [("pull-request.yml", "test"), ("deploy.yml", "test")])
def test_the_tests_run_against_references_downloaded_from_their_publishers(name: str, job: str) -> None:
    runs = [s.get("run", "") for s in steps(load(name), job)]
    fetch = next(i for i, run in enumerate(runs) if run.startswith(FETCH_REFERENCES))
    assert fetch < runs.index("./dev test")


def test_the_fetch_script_asks_the_publishers_and_prints_hashes(tmp_path: Path) -> None:
    # curl stands in for the network: it records what it was asked and writes that as the document.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "curl").write_text(
        '#!/usr/bin/env bash\nout=""; args="$*"\n'
        'while [[ $# -gt 0 ]]; do [[ $1 == -o ]] && out=$2; shift; done\necho "$args" > "$out"\n'
    )
    (bin_dir / "curl").chmod(0o755)
    github_env = tmp_path / "github_env"
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "GITHUB_ENV": str(github_env)}
    done = subprocess.run(
        [str(REPO / FETCH_REFERENCES), str(tmp_path / "ref")], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    heroku = (tmp_path / "ref" / "heroku-platform-api-schema.json").read_text()
    assert "https://api.heroku.com/schema" in heroku and "Accept: application/vnd.heroku+json; version=3" in heroku
    logic = (tmp_path / "ref" / "Microsoft.Logic.json").read_text()
    assert "Azure/azure-resource-manager-schemas/main/schemas/2019-05-01/Microsoft.Logic.json" in logic
    printed = {line.split()[1] for line in done.stdout.splitlines()}
    assert printed == {"heroku-platform-api-schema.json", "Microsoft.Logic.json"}
    assert github_env.read_text() == f"PICLETTER_REFERENCE_DIR={tmp_path / 'ref'}\n"
