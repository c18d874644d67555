"""The real __main__.py under Pulumi's mocks: every registered resource, its parent and inputs."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pulumi
import pytest

from infra.job_command import REPORTER_ENV, RUN_ENV, RUN_NAME, dyno_command, reporter_script
from infra.settings import ConfigError
from infra.synth.mock_run import (
    ProgramFailed,
    ProgramRun,
    RecordedResource,
    Secret,
    mask_secrets,
    reveal_secrets,
    run_program,
)
from tests.fakes.logic_schema import logic_validator
from tests.helpers import (
    ACTION_GROUP_TYPE,
    APP_TYPE,
    BUILD_TYPE,
    CATCH_UP_START_TYPE,
    CODE_CHECK_TYPE,
    CONFIG_VARS_TYPE,
    JOB_TYPE,
    MALFORMED_CONFIGS,
    MALFORMED_IDS,
    METRIC_ALERT_TYPE,
    REPO,
    RESOURCE_GROUP_TYPE,
    WORKFLOW_TYPE,
)

TOKEN = "canary-heroku-token-5b1e"
SECRET_VALUE = "canary-sendgrid-key-77aa"
WORKFLOW = WORKFLOW_TYPE  # the Logic Apps the jobs create
# A stack that ships the sample job's code to its app (deployCode), as the jobs below expect.
BASE = {
    "picletter:herokuApp": "picletter-prod",
    "picletter:deployCode": "true",
    "picletter:herokuApiToken": TOKEN,
    "azure-native:location": "westeurope",
    "picletter:configVars": {"PICLETTER_TO": "ops@example.com", "SENDGRID_API_KEY": SECRET_VALUE},
}
ENV = {"HEROKU_API_URL": "", "HEROKU_API_KEY": ""}


def run(config: dict[str, Any] | None = None, env: dict[str, str] | None = None, **overrides: Any) -> ProgramRun:
    merged = {**BASE, **(config or {}), **{f"picletter:{k}": v for k, v in overrides.items()}}
    merged = {k: v for k, v in merged.items() if v is not None}
    return run_program(merged, secret_keys=["picletter:herokuApiToken"], env={**ENV, **(env or {})})


def workflow(program: ProgramRun, job: str) -> RecordedResource:
    return next(r for r in program.of_type(WORKFLOW) if r.name == f"{job}-workflow")


def test_default_stack_registers_group_config_vars_and_one_daily_job() -> None:
    program = run()
    types = sorted(r.type for r in program.resources)
    assert types == [
        WORKFLOW,
        RESOURCE_GROUP_TYPE,
        JOB_TYPE,
        BUILD_TYPE,
        CODE_CHECK_TYPE,
        CONFIG_VARS_TYPE,
    ]
    component = program.of_type(JOB_TYPE)[0]
    flow = workflow(program, "picletter")
    assert flow.parent == component.urn, "the workflow is the component's child"
    assert flow.inputs["tags"] == {"project": "picletter", "stack": "dev", "job": "picletter"}
    group = program.of_type(RESOURCE_GROUP_TYPE)[0]
    assert group.inputs == {"location": "westeurope", "tags": {"project": "picletter", "stack": "dev"}}
    assert flow.inputs["resourceGroupName"] == "resource-group-rg0000"
    recurrence = flow.inputs["definition"]["triggers"]["Recurrence"]
    assert recurrence["recurrence"]["frequency"] == "Day"
    assert recurrence["recurrence"]["schedule"] == {"hours": [7], "minutes": [0]}
    # overlap skip: no concurrency limit, so a run finds the previous dyno instead of waiting for it.
    assert "runtimeConfiguration" not in recurrence


def test_workflow_properties_match_the_arm_schema() -> None:
    flow = workflow(run(), "picletter")
    properties = {key: reveal_secrets(flow.inputs[key]) for key in ("definition", "parameters", "state")}
    resource = {
        "name": "wf",
        "type": "Microsoft.Logic/workflows",
        "apiVersion": "2019-05-01",
        "location": "westeurope",
        "properties": properties,
        "tags": flow.inputs["tags"],
    }
    errors = list(logic_validator("resourceDefinitions/workflows").iter_errors(resource))
    assert errors == []


def test_seed_like_job_starts_the_same_dyno_without_inlining_the_token() -> None:
    seed_job = {
        "name": "worker",
        "command": "worker",
        "schedule": {"frequency": "Day", "interval": 1},
        "overlap": "allow",
        "reportExit": False,
    }
    flow = workflow(run(jobs=[seed_job]), "worker")
    definition = flow.inputs["definition"]
    assert definition["triggers"]["Recurrence"]["recurrence"] == {
        "frequency": "Day",
        "interval": 1,
        "startTime": "2026-01-01T00:00:00",
        "timeZone": "UTC",
    }
    start = definition["actions"]["Start_dyno"]
    assert start["inputs"]["method"] == "POST"
    assert start["inputs"]["uri"] == "https://api.heroku.com/apps/picletter-prod/dynos"
    assert start["inputs"]["body"] == {
        "attach": False,
        "command": dyno_command("worker", "worker"),
        "env": {REPORTER_ENV: reporter_script(), RUN_ENV: RUN_NAME, "TZ": "UTC"},
        "size": "standard-1X",
        "time_to_live": 1800,
        "type": "run",
    }
    assert start["inputs"]["authentication"] == {"type": "Raw", "value": "Bearer @{parameters('herokuRunToken')}"}
    assert start["runtimeConfiguration"] == {"secureData": {"properties": ["inputs", "outputs"]}}
    assert definition["parameters"] == {"herokuRunToken": {"type": "SecureString", "defaultValue": ""}}
    assert TOKEN not in json.dumps(definition)
    parameters = flow.inputs["parameters"]
    assert isinstance(parameters, Secret)
    assert parameters.value == {"herokuRunToken": {"type": "SecureString", "value": TOKEN}}


def test_canary_secrets_appear_only_inside_secret_wrappers() -> None:
    program = run(env={"HEROKU_API_KEY": ""})
    for resource in program.resources:
        masked = json.dumps(mask_secrets(resource.inputs)) + json.dumps(mask_secrets(resource.outputs))
        assert TOKEN not in masked and SECRET_VALUE not in masked, resource.name
    assert TOKEN not in json.dumps(mask_secrets(program.outputs))
    config_vars = program.of_type(CONFIG_VARS_TYPE)[0]
    assert isinstance(config_vars.inputs["vars"], Secret)
    assert config_vars.inputs["vars"].value == {"PICLETTER_TO": "ops@example.com", "SENDGRID_API_KEY": SECRET_VALUE}
    assert config_vars.additional_secret_outputs == ["vars", "previous"]
    assert config_vars.inputs["app"] == "picletter-prod"


def test_token_from_heroku_api_key_is_still_a_secret() -> None:
    program = run(env={"HEROKU_API_KEY": "env-canary-token"}, herokuApiToken=None)
    parameters = workflow(program, "picletter").inputs["parameters"]
    assert isinstance(parameters, Secret) and "env-canary-token" in json.dumps(parameters.value)


def test_existing_resource_group_is_used_not_created() -> None:
    program = run(resourceGroup="shared-rg")
    assert program.of_type(RESOURCE_GROUP_TYPE) == []
    assert workflow(program, "picletter").inputs["resourceGroupName"] == "shared-rg"
    assert program.outputs["resourceGroup"] == "shared-rg"


def test_heroku_api_url_reaches_the_workflow() -> None:
    program = run(env={"HEROKU_API_URL": "https://heroku-proxy.example.com/"})
    start = workflow(program, "picletter").inputs["definition"]["actions"]["Skip_if_still_running"]["else"]
    subscribe = start["actions"]["Start_dyno"]["inputs"]["subscribe"]
    assert subscribe["uri"] == "https://heroku-proxy.example.com/apps/picletter-prod/dynos"


def test_several_jobs_with_zones_sizes_env_and_a_disabled_one() -> None:
    jobs = [
        {"name": "morning", "command": "picletter", "schedule": "0 7 * * 1-5", "timeZone": "Europe/Berlin"},
        {
            "name": "report",
            "command": "python -m report --at @now",
            "schedule": "monthly on day 1 at 06:00",
            "size": "performance-m",
            "timeToLive": 600,
            "env": {"MODE": "@full"},
            "enabled": False,
            "overlap": "allow",
        },
    ]
    program = run(jobs=jobs)
    morning = workflow(program, "morning").inputs
    assert morning["state"] == "Enabled"
    assert morning["definition"]["triggers"]["Recurrence"]["recurrence"]["timeZone"] == "W. Europe Standard Time"
    report = workflow(program, "report").inputs
    assert report["state"] == "Disabled"
    body = report["definition"]["actions"]["Start_dyno"]["inputs"]["subscribe"]["body"]
    # "@" starts a Logic Apps expression; a literal is written "@@".
    assert body == {
        "attach": False,
        "command": dyno_command("report", "python -m report --at @now"),
        "size": "performance-M",
        "time_to_live": 600,
        "type": "run",
        "env": {
            "MODE": "@@full",
            "PICLETTER_CALLBACK_URL": "@{listCallbackUrl()}",
            REPORTER_ENV: reporter_script(),
            RUN_ENV: RUN_NAME,
            "TZ": "UTC",
        },
    }
    outputs = program.outputs["jobs"]
    assert set(outputs) == {"morning", "report"}
    # Next runs depend on the clock: as an output, every preview would show a change.
    assert not [job for job in outputs.values() if "nextRuns" in job]
    assert outputs["morning"]["workflowName"] == "morning-workflow0000"
    assert outputs["morning"]["herokuApp"] == "picletter-prod"
    assert outputs["morning"]["recurrence"]["schedule"]["weekDays"][0] == "Monday"


def test_bad_config_is_refused_before_any_resource_is_registered() -> None:
    with pytest.raises(ProgramFailed) as raised:
        run(herokuApp=None, jobs=[{"name": "Bad Name", "command": "x", "schedule": "0 7 1 * 1", "size": "huge"}])
    # Handed to the language host as a RunError, which it shows without a traceback.
    assert isinstance(raised.value.__cause__, pulumi.RunError)
    assert isinstance(raised.value.__cause__.__cause__, ConfigError)
    message = str(raised.value)
    for key in (
        "picletter:herokuApp",
        "picletter:jobs[0].name",
        "picletter:jobs[0].schedule",
        "picletter:jobs[0].size",
    ):
        assert key in message
    assert raised.value.run.resources == []


def test_job_code_is_built_after_the_config_vars_and_before_the_schedules() -> None:
    program = run()
    (build,) = program.of_type(BUILD_TYPE)
    config_vars = program.of_type(CONFIG_VARS_TYPE)[0]
    assert config_vars.urn in build.dependencies
    assert build.inputs["app"] == "picletter-prod"
    assert build.inputs["files"][:2] == [".python-version", "Procfile"]
    assert not [f for f in build.inputs["files"] if f.startswith(("infra/", "tests/"))]
    component = program.of_type(JOB_TYPE)[0]
    assert build.urn in component.dependencies
    assert program.outputs["release"]["tarballBytes"] == build.inputs["tarballBytes"]


def test_deploy_code_false_only_schedules() -> None:
    program = run(deployCode="false")
    assert program.of_type(BUILD_TYPE) == []
    assert "release" not in program.outputs


def test_created_app_is_retained_on_destroy_unless_asked() -> None:
    (kept,) = run(createApp="true", herokuRegion="eu").of_type(APP_TYPE)
    assert kept.retain_on_delete is True
    assert kept.inputs["name"] == "picletter-prod" and kept.inputs["region"] == "eu"
    (deletable,) = run(createApp="true", deleteAppOnDestroy="true").of_type(APP_TYPE)
    assert deletable.retain_on_delete is False
    program = run(createApp="true")
    config_vars = program.of_type(CONFIG_VARS_TYPE)[0]
    assert program.of_type(APP_TYPE)[0].urn in config_vars.dependencies


def test_alert_email_adds_an_action_group_and_a_failed_runs_alert_per_job() -> None:
    jobs = [
        {"name": "a", "command": "picletter", "schedule": "@daily"},
        {"name": "b", "command": "picletter", "schedule": "@weekly"},
    ]
    program = run(alertEmail="ops@example.com, oncall@example.com", jobs=jobs)
    (group,) = program.of_type(ACTION_GROUP_TYPE)
    assert [r["emailAddress"] for r in group.inputs["emailReceivers"]] == ["ops@example.com", "oncall@example.com"]
    assert len(group.inputs["groupShortName"]) <= 12
    alerts = program.of_type(METRIC_ALERT_TYPE)
    assert sorted(a.name for a in alerts) == ["a-runs-failed", "b-runs-failed"]
    alert = next(a for a in alerts if a.name == "a-runs-failed")
    (criterion,) = alert.inputs["criteria"]["allOf"]
    assert (criterion["metricName"], criterion["operator"], criterion["threshold"], criterion["timeAggregation"]) == (
        "RunsFailed",
        "GreaterThan",
        0,
        "Total",
    )
    assert alert.inputs["scopes"][0].endswith("/providers/Microsoft.Logic/workflows/a-workflow0000")
    group_id = "/subscriptions/00000000-0000-0000-0000-000000000000/actionGroups/failure-alerts-action-group"
    assert alert.inputs["actions"] == [{"actionGroupId": group_id}]
    component = next(r for r in program.of_type(JOB_TYPE) if r.name == "a")
    assert alert.parent == component.urn


def test_no_alert_email_no_alert_resources() -> None:
    program = run()
    assert program.of_type(ACTION_GROUP_TYPE) == []
    assert program.of_type(METRIC_ALERT_TYPE) == []


def test_a_catch_up_job_starts_its_windows_ahead_of_the_deploy() -> None:
    job = {"name": "sync", "command": "picletter", "schedule": "every 6 hours", "catchUp": True}
    program = run(jobs=[job])
    (start,) = program.of_type(CATCH_UP_START_TYPE)
    assert start.parent == program.of_type(JOB_TYPE)[0].urn
    assert start.inputs["frequency"] == "Hour" and start.inputs["interval"] == 6
    trigger = workflow(program, "sync").inputs["definition"]["triggers"]["Sliding_Window"]
    assert trigger["type"] == "SlidingWindow" and "schedule" not in trigger["recurrence"]
    # A start in the past would replay every window since; the pinned one lies ahead, on the grid.
    window = datetime.fromisoformat(trigger["recurrence"]["startTime"]).replace(tzinfo=UTC)
    assert datetime.now(UTC) < window <= datetime.now(UTC) + timedelta(hours=6)
    assert window.hour % 6 == 0 and window.minute == 0


def _stack_config(overrides: dict[str, Any]) -> dict[str, Any]:
    config = dict(BASE)
    for key, value in overrides.items():
        full = "azure-native:location" if key == "location" else f"picletter:{key}"
        if value is None:
            config.pop(full, None)
        else:
            config[full] = value
    return config


@pytest.mark.parametrize(("overrides", "key", "fix"), MALFORMED_CONFIGS, ids=MALFORMED_IDS)
def test_each_malformed_config_is_refused_before_any_resource_is_registered(
    overrides: dict[str, Any], key: str, fix: str
) -> None:
    with pytest.raises(ProgramFailed) as raised:
        run_program(_stack_config(overrides), secret_keys=["picletter:herokuApiToken"], env=ENV)
    assert raised.value.run.resources == []
    assert f"{key}:" in str(raised.value) and fix in str(raised.value)


def test_preview_of_a_new_stack_with_a_created_app_registers_the_same_resources() -> None:
    config = {**BASE, "picletter:createApp": "true", "picletter:alertEmail": "ops@example.com"}
    preview = run_program(config, secret_keys=["picletter:herokuApiToken"], env=ENV, preview=True)
    update = run_program(config, secret_keys=["picletter:herokuApiToken"], env=ENV, preview=False)
    assert sorted((r.type, r.name) for r in preview.resources) == sorted((r.type, r.name) for r in update.resources)
    assert isinstance(workflow(preview, "picletter").inputs["parameters"], Secret)


def test_optional_keys_left_at_their_declared_empty_defaults_mean_unset() -> None:
    program = run(resourceGroup="", herokuRegion="", alertEmail="", createApp="true")
    assert len(program.of_type(RESOURCE_GROUP_TYPE)) == 1
    assert program.of_type(ACTION_GROUP_TYPE) == []
    assert program.of_type(APP_TYPE)[0].inputs.get("region") is None


def test_config_as_the_cli_stores_it_path_numbers_booleans_and_a_secret_inside_an_object() -> None:
    """`pulumi config set --path 'picletter:configVars.PORT' 5` (a number), `... DEBUG true` (a boolean) and
    `pulumi config set --secret --path 'picletter:configVars.KEY' ...` (the object becomes secret as a
    whole): the engine hands the program each object as one JSON string."""
    stored = {
        **BASE,
        "picletter:configVars": json.dumps({"PORT": 5, "DEBUG": True, "KEY": "canary-in-object"}),
    }
    program = run_program(stored, secret_keys=["picletter:herokuApiToken", "picletter:configVars"], env=ENV)
    config_vars = program.of_type(CONFIG_VARS_TYPE)[0]
    assert isinstance(config_vars.inputs["vars"], Secret)
    assert reveal_secrets(config_vars.inputs["vars"]) == {"PORT": "5", "DEBUG": "true", "KEY": "canary-in-object"}
    assert "canary-in-object" not in json.dumps(mask_secrets([r.inputs for r in program.resources]))


def test_a_mistyped_key_is_refused_before_anything_is_registered() -> None:
    with pytest.raises(ProgramFailed) as raised:
        run_program({**BASE, "picletter:job": json.dumps([{"name": "x"}])}, secret_keys=[], env=ENV)
    assert raised.value.run.resources == []
    assert "picletter:job: is not a picletter setting, so it would be ignored; did you mean picletter:jobs?" in str(
        raised.value
    )


def test_a_secret_in_a_jobs_env_is_refused_not_written_into_the_workflow() -> None:
    jobs = json.dumps([{"name": "x", "command": "picletter", "schedule": "@daily", "env": {"KEY": "canary-env"}}])
    with pytest.raises(ProgramFailed) as raised:
        run_program({**BASE, "picletter:jobs": jobs}, secret_keys=["picletter:jobs"], env=ENV)
    assert raised.value.run.resources == []
    assert "picletter:configVars" in str(raised.value) and "canary-env" not in str(raised.value)


def test_a_stack_loads_only_what_it_uses() -> None:
    """Without alerts, azure-native's monitor module (~250 ms) is never loaded; httpx never is at
    program evaluation: it loads in the provider host, when a provider calls Heroku."""
    probe = (
        "import json, sys\n"
        "from infra.synth.mock_run import run_program\n"
        f"run_program({json.dumps(BASE)}, env={json.dumps(ENV)})\n"
        "print(json.dumps([type(sys.modules['pulumi_azure_native.monitor']).__name__, 'httpx' in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert json.loads(done.stdout.splitlines()[-1]) == ["_LazyModule", False], done.stderr[-2000:]


def test_adopted_config_vars_reach_the_provider() -> None:
    program = run(
        config={"picletter:configVars": {"DATABASE_URL": "postgres://mine"}},
        adoptConfigVars=["DATABASE_URL"],
    )
    (config_vars,) = program.of_type(CONFIG_VARS_TYPE)
    assert config_vars.inputs["adopt"] == ["DATABASE_URL"]


def test_a_stack_of_the_apps_own_jobs_ships_no_code_and_no_config(caplog: pytest.LogCaptureFixture) -> None:
    jobs = [{"name": "reports", "command": "bundle exec rake reports:nightly", "schedule": "@daily"}]
    program = run({"picletter:deployCode": None, "picletter:configVars": None}, jobs=jobs)
    assert program.of_type(BUILD_TYPE) == [] and "release" not in program.outputs
    (config_vars,) = program.of_type(CONFIG_VARS_TYPE)
    assert reveal_secrets(config_vars.inputs["vars"]) in ({}, None)


def test_one_token_for_both_sides_is_said_and_two_tokens_split_them(caplog: pytest.LogCaptureFixture) -> None:
    run()
    assert "one Heroku token serves the Logic Apps and the deploy" in caplog.text
    caplog.clear()
    split = run_program(
        {**BASE, "picletter:herokuRunToken": "canary-run-token", "picletter:herokuDeployToken": "canary-deploy"},
        secret_keys=["picletter:herokuApiToken", "picletter:herokuRunToken", "picletter:herokuDeployToken"],
        env=ENV,
    )
    assert "one Heroku token" not in caplog.text
    for flow in split.of_type(WORKFLOW):
        assert reveal_secrets(flow.inputs["parameters"])["herokuRunToken"]["value"] == "canary-run-token"
    # The deploy token reaches no resource: the providers read it from the stack config themselves.
    assert "canary-deploy" not in json.dumps([reveal_secrets(r.inputs) for r in split.resources], default=str)


def _replacement_triggers(monkeypatch: pytest.MonkeyPatch, overlap: str) -> dict[str, Any]:
    from pulumi_azure_native import logic

    seen: dict[str, Any] = {}
    original = logic.Workflow.__init__

    def record(self: Any, resource_name: str, *args: Any, **kwargs: Any) -> None:
        seen[resource_name] = kwargs["opts"].replacement_trigger
        original(self, resource_name, *args, **kwargs)

    monkeypatch.setattr(logic.Workflow, "__init__", record)
    job = {"name": "worker", "command": "worker", "schedule": {"frequency": "Day", "interval": 1}, "overlap": overlap}
    run(jobs=[job])
    return seen


def _engine_replaces(old: Any, new: Any) -> bool:
    # pulumi/pulumi pkg/resource/deploy/step_generator.go, shouldTriggerReplace: "Nulls mean
    # there is no replacement trigger"; otherwise a replace when the values differ.
    return old is not None and new is not None and old != new


@pytest.mark.parametrize(("before", "after"), [("queue", "skip"), ("queue", "allow"), ("skip", "queue")])
def test_a_change_of_trigger_concurrency_replaces_the_workflow(
    monkeypatch: pytest.MonkeyPatch, before: str, after: str
) -> None:
    # Logic Apps refuses to drop runtimeConfiguration.concurrency once set
    # (CannotDisableTriggerConcurrency); the engine replaces the workflow instead of failing the deploy.
    (old,) = _replacement_triggers(monkeypatch, before).values()
    (new,) = _replacement_triggers(monkeypatch, after).values()
    assert _engine_replaces(old, new)


def test_other_changes_and_stacks_deployed_before_keep_the_workflow(monkeypatch: pytest.MonkeyPatch) -> None:
    (skip,) = _replacement_triggers(monkeypatch, "skip").values()
    (allow,) = _replacement_triggers(monkeypatch, "allow").values()
    assert not _engine_replaces(skip, allow)
    # A workflow recorded before this option existed has none: the first deploy keeps it.
    assert not _engine_replaces(None, skip)


NOTIFY_URL = "https://hooks.slack.com/services/T000/B000/canary-program-url-3c41"


def test_notify_urls_reach_the_workflow_only_as_secret_parameters_with_a_reader_for_recovery() -> None:
    # `pulumi config set --secret --path 'picletter:notify[0].url' URL` makes the key secret as a whole.
    notify = json.dumps([{"type": "slack", "url": NOTIFY_URL}, {"type": "webhook", "url": NOTIFY_URL + "-2"}])
    program = run_program(
        {**BASE, "picletter:notify": notify},
        secret_keys=["picletter:herokuApiToken", "picletter:notify"],
        env=ENV,
    )
    flow = workflow(program, "picletter")
    assert isinstance(flow.inputs["parameters"], Secret)
    for index, url in enumerate((NOTIFY_URL, NOTIFY_URL + "-2")):
        parameter = reveal_secrets(flow.inputs["parameters"])[f"notifyUrl{index}"]
        assert parameter == {"type": "SecureString", "value": url}
    assert NOTIFY_URL not in json.dumps(flow.inputs["definition"])
    assert flow.inputs["identity"] == {"type": "SystemAssigned"}
    (reader,) = program.of_type("azure-native:authorization:RoleAssignment")
    assert reader.parent == program.of_type(JOB_TYPE)[0].urn
    assert reader.inputs["scope"].endswith("/providers/Microsoft.Logic/workflows/picletter-workflow0000")
    assert reader.inputs["roleDefinitionId"] == (
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/"
        "acdd72a7-3385-48ef-bd42-f606fba81ae7"
    )
    visible = json.dumps(mask_secrets([[r.inputs, r.outputs] for r in program.resources] + [program.outputs]))
    assert NOTIFY_URL not in visible


def test_a_plaintext_notify_url_is_refused_before_anything_is_registered() -> None:
    notify = json.dumps([{"type": "slack", "url": NOTIFY_URL}])
    with pytest.raises(ProgramFailed) as raised:
        run_program({**BASE, "picletter:notify": notify}, secret_keys=["picletter:herokuApiToken"], env=ENV)
    assert raised.value.run.resources == []
    assert "pulumi config set --secret --path 'picletter:notify[0].url' URL" in str(raised.value)
    assert NOTIFY_URL not in str(raised.value)


def test_without_recovery_receivers_no_identity_or_role_is_created() -> None:
    notify = json.dumps([{"type": "teams", "url": NOTIFY_URL, "on": ["failure"]}])
    program = run_program(
        {**BASE, "picletter:notify": notify}, secret_keys=["picletter:herokuApiToken", "picletter:notify"], env=ENV
    )
    assert workflow(program, "picletter").inputs.get("identity") is None
    assert program.of_type("azure-native:authorization:RoleAssignment") == []


def test_a_workflow_over_logic_apps_action_limit_is_refused_before_anything_is_registered() -> None:
    jobs = json.dumps([{"name": "flaky", "command": "picletter", "schedule": "@daily", "retries": 10}])
    notify = json.dumps([{"type": "webhook", "url": f"{NOTIFY_URL}-{n}"} for n in range(3)])
    with pytest.raises(ProgramFailed) as raised:
        run_program(
            {**BASE, "picletter:jobs": jobs, "picletter:notify": notify},
            secret_keys=["picletter:herokuApiToken", "picletter:notify"],
            env=ENV,
        )
    assert raised.value.run.resources == []
    assert "job flaky's workflow, with retries 10, overlap skip and 3 picletter:notify receivers" in str(raised.value)
    assert NOTIFY_URL not in str(raised.value)
