"""synth's files as a user reads them. The executions per ending written here are test_cost.py's on
purpose: written out rather than computed with infra.synth.cost, so a wrong count fails both."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from infra.errors import UserError
from infra.synth import synth
from infra.synth.arm import arm_literal, arm_template
from tests import REPO
from tests.fakes.logic_schema import logic_validator

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
CANARY = "canary-plaintext-token-0f9e"


def write_stack(tmp_path: Path, config: dict[str, object], name: str = "Pulumi.review.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"config": config}))
    return path


def test_example_stack_renders_every_artifact(tmp_path: Path) -> None:
    result = synth(REPO / "Pulumi.example.yaml", tmp_path / "out", now=NOW)
    names = sorted(str(p.relative_to(tmp_path / "out")) for p in result.files)
    assert names == [
        "azuredeploy.json",
        "cost.json",
        "cost.md",
        "heroku-config-vars.json",
        "resources.json",
        "resources.txt",
        "schedules.json",
        "workflows/picletter.json",
        "workflows/weekend-apod.json",
    ]
    tree = (tmp_path / "out/resources.txt").read_text()
    assert "picletter:azure:ScheduledDynoJob  picletter\n│  └─ azure-native:logic:Workflow  picletter-workflow" in tree
    schedules = json.loads((tmp_path / "out/schedules.json").read_text())
    assert schedules["picletter"]["nextRuns"][0] == {
        "local": "2026-11-23T07:00:00+01:00",
        "utc": "2026-11-23T06:00:00+00:00",
    }
    config_vars = json.loads((tmp_path / "out/heroku-config-vars.json").read_text())
    assert config_vars["owns"]["SENDGRID_API_KEY"] == "[masked]"
    cost = json.loads((tmp_path / "out/cost.json").read_text())
    picletter = next(j for j in cost["jobs"] if j["job"] == "picletter")
    assert picletter["runsPerMonth"] == 30
    # overlap skip with the exit report: each ending's executions, the same however long the job runs.
    assert picletter["executionsPerRun"] == {
        "exit 0": 6,
        "exit non-zero": 8,
        "no exit report": 6,
        "no exit report, read as a cancel": 6,
        "refused, then exit 0": 10,
        "start failed": 8,
        "skipped": 6,
    }
    assert (
        "| exit 0: 6, exit non-zero: 8, no exit report: 6, no exit report, read as a cancel: 6, refused, then exit 0: "
        "10, start failed: 8, skipped: 6 |" in (tmp_path / "out/cost.md").read_text()
    )
    assert picletter["dynoSeconds"] == 30 * 60
    assert "stack review" not in result.summary and "2 Logic App(s)" in result.summary


def test_arm_template_deploys_the_same_workflows_with_a_securestring_token(tmp_path: Path) -> None:
    synth(REPO / "Pulumi.example.yaml", tmp_path, now=NOW)
    template = json.loads((tmp_path / "azuredeploy.json").read_text())
    assert template["parameters"]["herokuRunToken"]["type"] == "securestring"
    workflow_validator = logic_validator("resourceDefinitions/workflows")
    for resource in template["resources"]:
        # The schema's `oneOf: [{}, expression]` cannot tell a parameter reference from a value, so the
        # resource is validated as ARM will have evaluated it.
        evaluated = json.loads(json.dumps(resource).replace("\"[parameters('herokuRunToken')]\"", '"token"'))
        assert list(workflow_validator.iter_errors(evaluated)) == []
        assert resource["properties"]["parameters"] == {"herokuRunToken": {"value": "[parameters('herokuRunToken')]"}}
        job = resource["tags"]["job"]
        assert resource["properties"]["definition"] == json.loads((tmp_path / f"workflows/{job}.json").read_text())


def test_only_strings_arm_reads_as_expressions_are_escaped() -> None:
    # ARM: an expression starts with `[` and ends with `]`; anything else is a literal already.
    assert arm_literal({"command": "[ -f x ] && run", "list": ["[a]", "b", "x]", "[[y]"]}) == {
        "command": "[ -f x ] && run",
        "list": ["[[a]", "b", "x]", "[[[y]"],
    }


def test_the_template_stays_within_arms_64_outputs_with_any_number_of_jobs() -> None:
    workflows = [{"name": f"job-{i}", "definition": {}, "state": "Enabled", "tags": {}} for i in range(100)]
    template = arm_template(workflows)
    assert len(template["outputs"]) <= 64
    ids = template["outputs"]["workflowIds"]["value"]
    assert len(ids) == 100 and ids["job-7"] == "[resourceId('Microsoft.Logic/workflows', 'job-7')]"


def test_no_secret_reaches_any_artifact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEROKU_API_KEY", CANARY)
    stack = write_stack(
        tmp_path,
        {
            "azure-native:location": "westeurope",
            "picletter:herokuApp": "review-app",
            "picletter:configVars": {"SENDGRID_API_KEY": {"secure": "v1:ciphertext-canary"}, "PLAIN": "visible"},
        },
    )
    result = synth(stack, tmp_path / "out", now=NOW)
    for path in result.files:
        text = path.read_text()
        assert CANARY not in text and "ciphertext-canary" not in text, path
    assert "visible" not in (tmp_path / "out/heroku-config-vars.json").read_text()


def test_bad_stack_config_is_refused_naming_the_key(tmp_path: Path) -> None:
    stack = write_stack(tmp_path, {"picletter:herokuApiToken": "x", "picletter:jobs": [{"name": "a", "command": "b"}]})
    with pytest.raises(UserError) as raised:
        synth(stack, tmp_path / "out", now=NOW)
    message = str(raised.value)
    assert "picletter:herokuApp" in message and "picletter:jobs[0].schedule" in message
    assert not (tmp_path / "out").exists(), "nothing is written for a refused config"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("config: [1, 2]", "must be a map"),
        ("- a\n- b", "must be a map with a `config:` map, not a list"),
        ("just a string", "not a str"),
        ("config:\n  1: x", "config key 1 must be a string"),
        ("config:\n  herokuApp: x", "needs a namespace"),
        (": : :", "not valid YAML"),
    ],
)
def test_malformed_stack_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "Pulumi.bad.yaml"
    path.write_text(content)
    with pytest.raises(UserError, match=message):
        synth(path, tmp_path / "out", now=NOW)


def test_missing_stack_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        synth(tmp_path / "Pulumi.nope.yaml", tmp_path / "out")


def test_synth_needs_no_token_and_never_reads_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEROKU_API_KEY", raising=False)
    stack = write_stack(tmp_path, {"picletter:herokuApp": "my-app", "azure-native:location": "westeurope"})
    assert synth(stack, tmp_path / "out", now=NOW).out_dir == tmp_path / "out"
    assert (tmp_path / "out" / "workflows" / "picletter.json").exists()


def test_the_command_line_refuses_bad_stack_files_and_out_paths_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from infra.cli import main

    listed = tmp_path / "Pulumi.list.yaml"
    listed.write_text("- a\n- b\n")
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    for argv, message in (
        (["synth", "--stack", str(listed), "--out", str(tmp_path / "out")], "must be a map"),
        (["synth", "--stack", str(REPO / "Pulumi.example.yaml"), "--out", str(a_file)], "is a file; name a folder"),
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and message in err and "Traceback" not in err and err.count("\n") == 1


def test_the_existing_app_example_renders_without_code_or_config_vars(tmp_path: Path) -> None:
    result = synth(REPO / "Pulumi.existing-app.example.yaml", tmp_path, now=NOW)
    tree = (tmp_path / "resources.txt").read_text()
    assert "heroku:Build" not in tree and "heroku:App" not in tree, "nothing touches the app's code"
    assert json.loads((tmp_path / "heroku-config-vars.json").read_text()) == {"app": "rails-shop", "owns": {}}
    assert "job code" not in result.summary and "2 Logic App(s)" in result.summary
    assert sorted(p.name for p in (tmp_path / "workflows").iterdir()) == ["nightly-reports.json", "weekly-sync.json"]


NOTIFY_STACK = """\
config:
  azure-native:location: westeurope
  picletter:herokuApp: review-app
  picletter:herokuApiToken:
    secure: v1:token-ciphertext-canary
  picletter:notify:
    - type: slack
      url:
        secure: v1:slack-ciphertext-canary
    - type: webhook
      url:
        secure: v1:hook-ciphertext-canary
      on: [failure]
"""


def test_a_notify_stack_renders_with_receiver_parameters_and_a_runs_reader(tmp_path: Path) -> None:
    # `on:` unquoted, as people write it: the Pulumi CLI's YAML (yaml.v3) reads it as the string "on",
    # where YAML 1.1 readers make it True.
    stack = tmp_path / "Pulumi.review.yaml"
    stack.write_text(NOTIFY_STACK)
    synth(stack, tmp_path / "out", now=NOW)
    template = json.loads((tmp_path / "out/azuredeploy.json").read_text())
    for parameter in ("herokuRunToken", "notifyUrl0", "notifyUrl1"):
        assert template["parameters"][parameter]["type"] == "securestring"
    workflow, reader = template["resources"]
    assert workflow["properties"]["parameters"]["notifyUrl1"] == {"value": "[parameters('notifyUrl1')]"}
    assert workflow["identity"] == {"type": "SystemAssigned"}
    assert reader["type"] == "Microsoft.Authorization/roleAssignments"
    assert reader["scope"] == f"Microsoft.Logic/workflows/{workflow['name']}"
    assert reader["properties"]["roleDefinitionId"].endswith("'acdd72a7-3385-48ef-bd42-f606fba81ae7')]")
    cost = (tmp_path / "out/cost.md").read_text()
    assert "exit 0 after a failed run: 12" in cost
    written = "".join(path.read_text() for path in (tmp_path / "out").rglob("*") if path.is_file())
    assert "ciphertext-canary" not in written


def test_runs_counted_from_the_last_run_are_marked_as_such(tmp_path: Path) -> None:
    """Microsoft's scheduling concepts page: without a schedule, later runs count from the last run."""
    jobs = [
        {"name": "often", "command": "x", "schedule": "every 15 minutes"},
        {"name": "marks", "command": "x", "schedule": "*/15 * * * *"},
    ]
    stack = write_stack(
        tmp_path,
        {"azure-native:location": "westeurope", "picletter:herokuApp": "review-app", "picletter:jobs": jobs},
    )
    result = synth(stack, tmp_path / "out", now=NOW)
    schedules = json.loads((tmp_path / "out/schedules.json").read_text())
    assert "from the last run" in schedules["often"]["note"]
    assert "note" not in schedules["marks"]
    assert "often: every 15 minutes (UTC), next 2026-11-22T12:15:00+00:00 (later runs counted" in result.summary
    assert "marks: */15 * * * * (UTC), next 2026-11-22T12:15:00+00:00\n" in result.summary
