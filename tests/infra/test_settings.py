from __future__ import annotations

from typing import Any

import pytest

from infra.settings import ConfigError, settings_from_config
from tests.helpers import MALFORMED_CONFIGS, MALFORMED_IDS, VALID_JOB, stack_settings

# A stack that ships the sample job's code (deployCode): its jobs report their exit through it.
GOOD: dict[str, Any] = {
    "herokuApp": "picletter-prod",
    "herokuApiToken": "t",
    "location": "westeurope",
    "deployCode": True,
}


def parse(heroku_api_key: str = "", **overrides: Any) -> Any:
    return stack_settings(heroku_api_key, **{**GOOD, **overrides})


def test_defaults_give_one_daily_picletter_job() -> None:
    settings = parse()
    (job,) = settings.jobs
    assert (job.name, job.command, job.size, job.time_to_live, job.enabled, job.overlap) == (
        "picletter",
        "picletter",
        "standard-1X",
        1800,
        True,
        "skip",
    )
    assert job.schedule.to_arm()["schedule"] == {"hours": [7], "minutes": [0]}


def test_jobs_report_their_exit_on_every_app_whoever_ships_its_code() -> None:
    (job,) = parse().jobs
    assert (job.report_exit, job.catch_up) == (True, False)
    # The dyno carries its reporter: an app deployed otherwise (a Rails app) reports too.
    (theirs,) = parse(deployCode=False).jobs
    assert theirs.report_exit
    (quiet,) = parse(deployCode="false", jobs=[{**VALID_JOB, "reportExit": False}]).jobs
    assert not quiet.report_exit


def test_catch_up_and_queue_are_accepted_where_they_hold() -> None:
    jobs = [
        {**VALID_JOB, "name": "sync", "schedule": "every 6 hours", "catchUp": "true"},
        {**VALID_JOB, "name": "queued", "overlap": "queue"},
    ]
    sync, queued = parse(jobs=jobs).jobs
    assert sync.catch_up and sync.schedule.frequency == "Hour"
    assert queued.overlap == "queue" and queued.report_exit


def test_token_falls_back_to_heroku_api_key() -> None:
    settings = parse(heroku_api_key="from-env", herokuApiToken=None)
    assert (settings.heroku_run_token, settings.heroku_deploy_token) == ("from-env", "from-env")
    assert settings.one_token


def test_secrets_are_kept_out_of_repr() -> None:
    settings = parse(configVars={"KEY": "canary-value"}, herokuApiToken="canary-token")
    assert "canary" not in repr(settings)


def test_dyno_size_is_normalised() -> None:
    assert (
        parse(jobs=[{"name": "a", "command": "x", "schedule": "@daily", "size": "PERFORMANCE-l"}]).jobs[0].size
        == "performance-L"
    )


JOB = VALID_JOB


@pytest.mark.parametrize(("overrides", "key", "fix"), MALFORMED_CONFIGS, ids=MALFORMED_IDS)
def test_malformed_config_names_the_key_and_the_fix(overrides: dict[str, Any], key: str, fix: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse(**overrides)
    matching = [p for p in raised.value.problems if p.startswith(f"{key}:")]
    assert matching, raised.value.problems
    assert any(fix in p for p in matching), matching


def test_retries_default_to_none_and_take_up_to_ten() -> None:
    assert parse().jobs[0].retries == 0
    assert parse(jobs=[{**VALID_JOB, "retries": 10}]).jobs[0].retries == 10
    # A stack that does not ship the code may still report with its own bin/picletter-run.
    (own,) = parse(deployCode=False, jobs=[{**VALID_JOB, "reportExit": True, "retries": 1}]).jobs
    assert own.retries == 1


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as raised:
        parse(herokuApp=None, herokuApiToken=None, jobs=[{"name": "UP", "command": "", "schedule": "nope"}])
    assert len(raised.value.problems) == 5
    assert str(raised.value).count("\n  - ") == 5


def test_location_is_not_needed_with_an_existing_group() -> None:
    assert parse(location=None, resourceGroup="shared").resource_group == "shared"


def test_numbers_and_booleans_the_cli_stores_with_path_are_the_strings_heroku_stores() -> None:
    # `pulumi config set --path 'picletter:configVars.PORT' 5` stores 5, and `true` a boolean.
    settings = parse(configVars={"PORT": 5, "DEBUG": True, "RATIO": 0.5}, jobs=[{**JOB, "env": {"N": 1, "F": False}}])
    assert settings.config_vars == {"PORT": "5", "DEBUG": "true", "RATIO": "0.5"}
    assert settings.jobs[0].env == {"N": "1", "F": "false"}


def test_a_recurrence_object_may_carry_its_own_time_zone_when_the_job_sets_none() -> None:
    raw = {"frequency": "Day", "timeZone": "W. Europe Standard Time", "schedule": {"hours": [7], "minutes": [0]}}
    job = parse(jobs=[{**JOB, "schedule": raw}]).jobs[0]
    assert job.schedule.time_zone == "W. Europe Standard Time"
    assert job.time_zone == "Europe/Berlin"
    assert parse().jobs[0].time_zone == "UTC"


def _config(**overrides: Any) -> dict[str, Any]:
    return {
        "picletter:herokuApp": "app-name",
        "picletter:herokuApiToken": "token",
        "azure-native:location": "westeurope",
        **overrides,
    }


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("picletter:job", "did you mean picletter:jobs?"),
        ("picletter:configvars", "did you mean picletter:configVars?"),
        ("picletter:herokuapp", "did you mean picletter:herokuApp?"),
        ("picletter:colour", "see docs/reference/configuration.md"),
    ],
)
def test_an_unknown_key_in_the_project_namespace_is_refused_not_ignored(key: str, suggestion: str) -> None:
    with pytest.raises(ConfigError) as raised:
        settings_from_config(_config(**{key: "[]"}), "")
    assert raised.value.problems == [f"{key}: is not a picletter setting, so it would be ignored; {suggestion}"]


def test_other_namespaces_are_not_ours_to_judge() -> None:
    assert settings_from_config(_config(**{"azure-native:subscriptionId": "x", "aws:region": "y"}), "")


def test_a_secret_inside_jobs_is_refused_with_the_fix_never_written_in_plaintext() -> None:
    # `pulumi config set --secret --path 'picletter:jobs[0].env.KEY'` makes picletter:jobs secret as a whole.
    config = _config(**{"picletter:jobs": [{**JOB, "env": {"KEY": "s3cret"}}]})
    with pytest.raises(ConfigError) as raised:
        settings_from_config(config, "", secret_keys=["picletter:jobs"])
    assert raised.value.problems[0].startswith("picletter:jobs: holds a value set with --secret")
    assert "picletter:configVars" in raised.value.problems[0]
    assert "s3cret" not in str(raised.value)
