from __future__ import annotations

from typing import Any

import pytest

from infra.settings import ConfigError, parse_settings

GOOD: dict[str, Any] = {"herokuApp": "picletter-prod", "herokuApiToken": "t", "location": "westeurope"}


def parse(env: dict[str, str] | None = None, **overrides: Any) -> Any:
    raw = {k: v for k, v in {**GOOD, **overrides}.items() if v is not None}
    return parse_settings(raw, env or {})


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


def test_token_falls_back_to_heroku_api_key() -> None:
    assert parse(env={"HEROKU_API_KEY": "from-env"}, herokuApiToken=None).heroku_api_token == "from-env"


def test_secrets_are_kept_out_of_repr() -> None:
    settings = parse(configVars={"KEY": "canary-value"}, herokuApiToken="canary-token")
    assert "canary" not in repr(settings)


def test_dyno_size_is_normalised() -> None:
    assert (
        parse(jobs=[{"name": "a", "command": "x", "schedule": "@daily", "size": "PERFORMANCE-l"}]).jobs[0].size
        == "performance-L"
    )


JOB = {"name": "job", "command": "picletter", "schedule": "0 7 * * *"}

MALFORMED: list[tuple[dict[str, Any], str, str]] = [
    ({"herokuApp": None}, "picletter:herokuApp", "pulumi config set picletter:herokuApp"),
    ({"herokuApp": "Has Spaces"}, "picletter:herokuApp", "heroku apps"),
    ({"herokuApp": 42}, "picletter:herokuApp", "is not a Heroku app name"),
    ({"herokuApiToken": None}, "picletter:herokuApiToken", "--secret"),
    ({"configVars": ["A=1"]}, "picletter:configVars", "map of NAME: value"),
    ({"configVars": {"BAD-KEY": "x"}}, "picletter:configVars.BAD-KEY", "letters, digits and underscores"),
    ({"configVars": {"PORT": 5000}}, "picletter:configVars.PORT", "quote it"),
    ({"jobs": []}, "picletter:jobs", "non-empty list"),
    ({"jobs": "daily"}, "picletter:jobs", "non-empty list"),
    ({"jobs": ["daily"]}, "picletter:jobs[0]", "must be an object"),
    ({"jobs": [{**JOB, "name": "Upper"}]}, "picletter:jobs[0].name", "lower-case"),
    ({"jobs": [{**JOB, "name": "x" * 41}]}, "picletter:jobs[0].name", "1-40"),
    ({"jobs": [{**JOB, "command": ""}]}, "picletter:jobs[0].command", "Procfile process type"),
    ({"jobs": [{k: v for k, v in JOB.items() if k != "schedule"}]}, "picletter:jobs[0].schedule", "is required"),
    ({"jobs": [{**JOB, "schedule": "0 7 1 1,2 *"}]}, "picletter:jobs[0].schedule", "picks months"),
    ({"jobs": [{**JOB, "schedule": "whenever"}]}, "picletter:jobs[0].schedule", "five"),
    ({"jobs": [{**JOB, "timeZone": "Europe/Paaris"}]}, "picletter:jobs[0].timeZone", "Europe/Paris"),
    ({"jobs": [{**JOB, "timeZone": 1}]}, "picletter:jobs[0].timeZone", "must be a string"),
    ({"jobs": [{**JOB, "size": "standard-3X"}]}, "picletter:jobs[0].size", "standard-"),
    ({"jobs": [{**JOB, "timeToLive": 0}]}, "picletter:jobs[0].timeToLive", "1 to 86400"),
    ({"jobs": [{**JOB, "timeToLive": 86401}]}, "picletter:jobs[0].timeToLive", "24 hours"),
    ({"jobs": [{**JOB, "timeToLive": "1800"}]}, "picletter:jobs[0].timeToLive", "1 to 86400"),
    ({"jobs": [{**JOB, "env": {"A-B": "1"}}]}, "picletter:jobs[0].env.A-B", "valid variable name"),
    ({"jobs": [{**JOB, "env": {"N": 1}}]}, "picletter:jobs[0].env.N", "quote it"),
    ({"jobs": [{**JOB, "env": "A=1"}]}, "picletter:jobs[0].env", "map of NAME: value"),
    ({"jobs": [{**JOB, "enabled": "yes"}]}, "picletter:jobs[0].enabled", "true or false"),
    ({"jobs": [{**JOB, "overlap": "queue"}]}, "picletter:jobs[0].overlap", "skip or allow"),
    ({"jobs": [{**JOB, "scheduel": "x"}]}, "picletter:jobs[0].scheduel", "did you mean schedule"),
    ({"jobs": [JOB, JOB]}, "picletter:jobs", "used twice"),
    ({"resourceGroup": "bad/name"}, "picletter:resourceGroup", "1-90"),
    ({"location": None}, "azure-native:location", "pulumi config set azure-native:location"),
]


@pytest.mark.parametrize(("overrides", "key", "fix"), MALFORMED, ids=[f"{i}-{m[1]}" for i, m in enumerate(MALFORMED)])
def test_malformed_config_names_the_key_and_the_fix(overrides: dict[str, Any], key: str, fix: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse(**overrides)
    matching = [p for p in raised.value.problems if p.startswith(f"{key}:")]
    assert matching, raised.value.problems
    assert any(fix in p for p in matching), matching


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as raised:
        parse(herokuApp=None, herokuApiToken=None, jobs=[{"name": "UP", "command": "", "schedule": "nope"}])
    assert len(raised.value.problems) == 5
    assert str(raised.value).count("\n  - ") == 5


def test_location_is_not_needed_with_an_existing_group() -> None:
    assert parse(location=None, resourceGroup="shared").resource_group == "shared"
