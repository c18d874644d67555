"""The settings that decide what a deploy may touch: whether the job's code ships (docs/adr/0005) and
which token each side holds (docs/how-to/tokens.md)."""

from __future__ import annotations

from typing import Any

import pytest

from infra.settings import ConfigError, StackSettings, settings_from_config

RAKE_JOB = {
    "name": "nightly-reports",
    "command": "bundle exec rake reports:nightly",
    "schedule": "daily at 02:30",
    "env": {"REPORTS_SCOPE": "all"},
    "timeToLive": 3600,
}
BASE = {"picletter:herokuApp": "rails-shop", "azure-native:location": "westeurope"}
SECRETS = ["picletter:herokuApiToken", "picletter:herokuRunToken", "picletter:herokuDeployToken"]


def settings(heroku_api_key: str = "", secret_keys: list[str] = SECRETS, **values: Any) -> StackSettings:
    config = {**BASE, "picletter:herokuApiToken": "api", **{f"picletter:{k}": v for k, v in values.items()}}
    return settings_from_config({k: v for k, v in config.items() if v is not None}, heroku_api_key, secret_keys)


def refused(**values: Any) -> str:
    with pytest.raises(ConfigError) as raised:
        settings(**values)
    return str(raised.value)


def test_code_ships_by_default_only_to_a_created_app_or_for_the_sample_job() -> None:
    assert settings(jobs=[RAKE_JOB]).deploy_code is False, "an app's own jobs never bring the sample job's code"
    assert settings(jobs=[RAKE_JOB], createApp=True).deploy_code is True
    assert settings().deploy_code is True, "the sample job needs its code (the build refuses foreign code)"
    assert settings(jobs=[RAKE_JOB], deployCode="true").deploy_code is True
    assert settings(deployCode=False).deploy_code is False


@pytest.mark.parametrize(("value", "version"), [("v42", 42), ("42", 42), (42, 42), (" v7 ", 7)])
def test_replace_release_names_one_version(value: Any, version: int) -> None:
    assert settings(replaceRelease=value).replace_release == version


@pytest.mark.parametrize("value", ["latest", "v0", "v-1", True, "42a"])
def test_replace_release_that_is_no_version_is_refused_naming_the_fix(value: Any) -> None:
    message = refused(replaceRelease=value)
    assert "picletter:replaceRelease" in message and "e.g. v42" in message


def test_replace_release_without_code_to_deploy_is_refused() -> None:
    message = refused(jobs=[RAKE_JOB], replaceRelease="v5")
    assert "picletter:replaceRelease: only applies when picletter:deployCode is true" in message


def test_each_side_gets_its_own_token_and_falls_back_to_the_shared_one() -> None:
    both = settings(herokuRunToken="run", herokuDeployToken="deploy", herokuApiToken=None)
    assert (both.heroku_run_token, both.heroku_deploy_token, both.one_token) == ("run", "deploy", False)
    run_only = settings(herokuRunToken="run")
    assert (run_only.heroku_run_token, run_only.heroku_deploy_token) == ("run", "api")
    shared = settings()
    assert (shared.heroku_run_token, shared.heroku_deploy_token, shared.one_token) == ("api", "api", True)
    from_env = settings(herokuApiToken=None, heroku_api_key="env")
    assert (from_env.heroku_run_token, from_env.heroku_deploy_token) == ("env", "env")
    # The values, quoted as repr shows strings (field names such as runs_through_wrapper hold "run").
    assert "'run'" not in repr(both) and "'deploy'" not in repr(both)


def test_a_missing_token_names_the_setting_for_its_side() -> None:
    message = refused(herokuApiToken=None, herokuRunToken="run")
    assert "picletter:herokuDeployToken: is not set, nor picletter:herokuApiToken or HEROKU_API_KEY" in message
    assert "herokuRunToken" not in message
    nothing = refused(herokuApiToken=None)
    assert "picletter:herokuApiToken: is not set and HEROKU_API_KEY is empty" in nothing


@pytest.mark.parametrize("key", ["herokuRunToken", "herokuDeployToken"])
def test_the_new_tokens_are_refused_in_plaintext(key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        settings(secret_keys=["picletter:herokuApiToken"], **{key: "plain-canary"})
    (problem,) = raised.value.problems
    assert problem.startswith(f"picletter:{key}: is stored in plaintext")
    assert f"pulumi config set --secret picletter:{key} <token>" in problem and "plain-canary" not in problem
