"""Bad inputs as a new user makes them (issue 22), one table per way a value enters: the stack's
configuration, the command line, the environment, stack files, and answers from Heroku's side.

Each case asserts one clear line: the key or argument named, the fix given, exit status 2 at the
command line, no traceback, and nothing sent or written before the error. Re-run with
`./dev test tests/test_bad_inputs.py`; `pytest --collect-only -q tests/test_bad_inputs.py | tail -1`
counts them.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from infra.cli import build_parser, main
from infra.settings import ConfigError, StackSettings, settings_from_config
from infra.synth.mock_run import ProgramFailed, run_program
from tests.fakes.heroku_api import FakeHeroku
from tests.fakes.serving import FakeHandler, serving
from tests.helpers import TOKEN, VALID_JOB, stack_settings

GOOD: dict[str, Any] = {"herokuApp": "picletter-prod", "herokuApiToken": "t", "location": "westeurope"}
APP = "picletter-test"
PROGRAM_ENV = {"HEROKU_API_URL": "", "HEROKU_API_KEY": ""}


MAX_BYTES = "picletter:configVars.PICLETTER_MAX_IMAGE_BYTES"


def job(**fields: Any) -> dict[str, Any]:
    return {"jobs": [{**VALID_JOB, **fields}]}


def env_job(**env: Any) -> dict[str, Any]:
    return job(env=env)


def recurrence(**fields: Any) -> dict[str, Any]:
    return job(schedule={"frequency": "Day", "interval": 1, **fields})


# -- the stack's configuration: (overrides of picletter:* keys, the key named, a piece of the fix) --

STACK_CONFIG: dict[str, list[tuple[dict[str, Any], str, str]]] = {
    "trailing newline": [
        ({"herokuApp": "picletter-prod\n"}, "picletter:herokuApp", "3-30 lower-case"),
        (job(name="daily\n"), "picletter:jobs[0].name", "1-40 lower-case"),
        (env_job(**{"SOURCE\n": "apod"}), "picletter:jobs[0].env.SOURCE\n", "letters, digits and underscores"),
        ({"configVars": {"PORT\n": "5"}}, "picletter:configVars.PORT\n", "letters, digits and underscores"),
        ({"resourceGroup": "shared\n"}, "picletter:resourceGroup", "1-90 letters"),
        ({"alertEmail": "ops@exa mple.com"}, "picletter:alertEmail", "not an email address"),
        ({"resourceGroup": "shared."}, "picletter:resourceGroup", "not ending with a period"),
    ],
    "one naming rule": [
        (env_job(HEROKU_APP_NAME="x"), "picletter:jobs[0].env.HEROKU_APP_NAME", "reserved"),
        (env_job(__FLAG="x"), "picletter:jobs[0].env.__FLAG", "reserved"),
        (env_job(heroku_region="x"), "picletter:jobs[0].env.heroku_region", "reserved"),
        (env_job(**{"1ST": "x"}), "picletter:jobs[0].env.1ST", "not starting with a digit"),
        (env_job(**{"MY VAR": "x"}), "picletter:jobs[0].env.MY VAR", "letters, digits and underscores"),
        (env_job(**{"ÄPFEL": "x"}), "picletter:jobs[0].env.ÄPFEL", "letters, digits and underscores"),
        (env_job(**{"": "x"}), "picletter:jobs[0].env.", "letters, digits and underscores"),
        ({"configVars": {"A.B": "x"}}, "picletter:configVars.A.B", "letters, digits and underscores"),
        ({"configVars": {"heroku_slug": "x"}}, "picletter:configVars.heroku_slug", "reserved"),
        (env_job(BIG="x" * 70_000), "picletter:jobs[0].env", "workflow definition"),
        (
            {"configVars": {"A": "x" * 40_000}, **env_job(B="y" * 40_000)},
            "picletter:jobs[0].env",
            "with picletter:configVars",
        ),
        (job(name="-daily"), "picletter:jobs[0].name", "not starting or ending with a dash"),
        (job(name="daily job"), "picletter:jobs[0].name", "lower-case letters"),
        ({"herokuApp": "my_app"}, "picletter:herokuApp", "3-30 lower-case"),
        ({"herokuApp": "ab"}, "picletter:herokuApp", "3-30 lower-case"),
    ],
    "schedule offsets": [
        (job(schedule="every 2 hours at :75"), "picletter:jobs[0].schedule", ":00 to :59"),
        (job(schedule="every 3 hours at :60"), "picletter:jobs[0].schedule", ":00 to :59"),
        (job(schedule="hourly at :99"), "picletter:jobs[0].schedule", ":00 to :59"),
        (job(schedule="every 0 hours"), "picletter:jobs[0].schedule", "1 to 12000"),
        (job(schedule="every 99999 minutes"), "picletter:jobs[0].schedule", "1 to 72000"),
        (job(schedule="every 17 months on day 1 at 06:00"), "picletter:jobs[0].schedule", "1 to 16"),
        (job(schedule="daily at 25:00"), "picletter:jobs[0].schedule", "00:00 to 23:59"),
        (job(schedule="daily at 7:5"), "picletter:jobs[0].schedule", "HH:MM"),
        (job(schedule="weekly on fun at 07:00"), "picletter:jobs[0].schedule", "not a weekday"),
        (job(schedule="monthly on day 32 at 06:00"), "picletter:jobs[0].schedule", "1 to 31"),
        (job(schedule="61 * * * *"), "picletter:jobs[0].schedule", "outside 0-59"),
        (job(schedule="0 7 30 2 *"), "picletter:jobs[0].schedule", "February has no day 30"),
        (job(schedule="*/0 * * * *"), "picletter:jobs[0].schedule", "above 0"),
        (recurrence(schedule={"minutes": [75]}), "picletter:jobs[0].schedule", "0 to 59"),
    ],
    "impossible dates": [
        (recurrence(startTime="2026-02-30T07:00:00"), "picletter:jobs[0].schedule", "February 2026 has no day 30"),
        (recurrence(startTime="2026-04-31T07:00:00"), "picletter:jobs[0].schedule", "April 2026 has no day 31"),
        (recurrence(startTime="2025-02-29T07:00:00"), "picletter:jobs[0].schedule", "February 2025 has no day 29"),
        (recurrence(startTime="2026-13-01T07:00:00"), "picletter:jobs[0].schedule", "there is no month 13"),
        (recurrence(startTime="2026-00-10T07:00:00"), "picletter:jobs[0].schedule", "there is no month 0"),
        (recurrence(startTime="next monday"), "picletter:jobs[0].schedule", "ISO date-time"),
    ],
    "job settings given to the job": [
        ({"configVars": {"PICLETTER_TO": "nobody"}}, "picletter:configVars.PICLETTER_TO", "not an email address"),
        ({"configVars": {"PICLETTER_MAILER": "sendmail"}}, "picletter:configVars.PICLETTER_MAILER", "must be one"),
        ({"configVars": {"PICLETTER_SOURCE": "flickr"}}, "picletter:configVars.PICLETTER_SOURCE", "https:// image"),
        ({"configVars": {"PICLETTER_SUBJECT": "{{ oops"}}, "picletter:configVars.PICLETTER_SUBJECT", "jinja2"),
        ({"configVars": {"PICLETTER_MAX_IMAGE_BYTES": "10"}}, "picletter:configVars.PICLETTER_MAX_IMAGE_BYTES", "1024"),
        (
            {"configVars": {"PICLETTER_MAX_IMAGE_BYTES": "1e6"}},
            "picletter:configVars.PICLETTER_MAX_IMAGE_BYTES",
            "whole",
        ),
        ({"configVars": {"PICLETTER_FROM": "picletter"}}, "picletter:configVars.PICLETTER_FROM", "not an email"),
        ({"configVars": {"TZ": "Mars/Olympus"}}, "picletter:configVars.TZ", "not a time zone"),
        (env_job(TZ="Europe/Paaris"), "picletter:jobs[0].env.TZ", "not a time zone"),
        (env_job(PICLETTER_SOURCE="apod,flickr"), "picletter:jobs[0].env.PICLETTER_SOURCE", "flickr"),
        (env_job(PICLETTER_TO="a@example.com b@example.com"), "picletter:jobs[0].env.PICLETTER_TO", "not an email"),
        (env_job(PICLETTER_MAILER="SMTP2"), "picletter:jobs[0].env.PICLETTER_MAILER", "must be one of"),
        (
            {"configVars": {"PICLETTER_TO": "Doe, Jane <jane@example.com>"}},
            "picletter:configVars.PICLETTER_TO",
            "must be quoted",
        ),
        (
            {"configVars": {"PICLETTER_TO": "a@example.com, A@example.com"}},
            "picletter:configVars.PICLETTER_TO",
            "more than once",
        ),
    ],
    "recipients over the limit": [
        (
            {"configVars": {"PICLETTER_TO": ",".join(f"u{i}@example.com" for i in range(1001))}},
            "picletter:configVars.PICLETTER_TO",
            "at most 1000",
        ),
        (
            {
                "configVars": {
                    "PICLETTER_MAILER": "smtp",
                    "PICLETTER_TO": ";".join(f"u{i}@example.com" for i in range(101)),
                }
            },
            "picletter:configVars.PICLETTER_TO",
            "smtp takes at most 100",
        ),
        (
            {
                "configVars": {"PICLETTER_MAILER": "sendgrid"},
                **env_job(PICLETTER_TO=",".join(f"u{i}@example.com" for i in range(1500))),
            },
            "picletter:jobs[0].env.PICLETTER_TO",
            "sendgrid takes at most 1000",
        ),
    ],
    "alert emails": [
        ({"alertEmail": '["ops@example.com", "pager"]'}, "picletter:alertEmail", "'pager' is not an email"),
        ({"alertEmail": ["ops@example.com", 5]}, "picletter:alertEmail", "must list addresses as text"),
        ({"alertEmail": "ops@example.com oncall@example.com"}, "picletter:alertEmail", "not an email address"),
        ({"alertEmail": "ops"}, "picletter:alertEmail", "not an email address"),
    ],
    "options of a created app": [
        ({"herokuRegion": "eu"}, "picletter:herokuRegion", "set picletter:createApp true"),
        ({"herokuRegion": "us", "createApp": "false"}, "picletter:herokuRegion", "set picletter:createApp true"),
        ({"herokuRegion": "europe", "createApp": "true"}, "picletter:herokuRegion", "use us or eu"),
        ({"deleteAppOnDestroy": "true"}, "picletter:deleteAppOnDestroy", "set picletter:createApp true"),
    ],
    "azure location": [
        ({"location": "West Europe"}, "azure-native:location", "write westeurope"),
        ({"location": "west-europe"}, "azure-native:location", "write westeurope"),
        ({"location": "westeurop"}, "azure-native:location", "did you mean westeurope"),
        ({"location": "europe"}, "azure-native:location", "did you mean"),
        ({"location": "eastus3"}, "azure-native:location", "eastus"),
        ({"location": "uksouth2"}, "azure-native:location", "did you mean uksouth"),
        ({"location": 42}, "azure-native:location", "region's name"),
    ],
    "time zones": [
        (job(timeZone="W. Europe Standard Time"), "picletter:jobs[0].timeZone", "use Europe/Berlin"),
        (job(timeZone="Eastern Standard Time"), "picletter:jobs[0].timeZone", "use America/New_York"),
        (job(timeZone="Tokyo Standard Time"), "picletter:jobs[0].timeZone", "use Asia/Tokyo"),
        (job(timeZone="Pacific Standard Time"), "picletter:jobs[0].timeZone", "Windows time-zone id"),
        (job(timeZone="PST"), "picletter:jobs[0].timeZone", "use America/Los_Angeles"),
        (job(timeZone="CEST"), "picletter:jobs[0].timeZone", "use Europe/Berlin"),
        (job(timeZone="edt"), "picletter:jobs[0].timeZone", "use America/New_York"),
        (job(timeZone="BST"), "picletter:jobs[0].timeZone", "use Europe/London"),
    ],
    "wrong types and words": [
        (job(enabled="yes"), "picletter:jobs[0].enabled", "true or false"),
        (job(catchUp="maybe"), "picletter:jobs[0].catchUp", "true or false"),
        (job(reportExit=1), "picletter:jobs[0].reportExit", "true or false"),
        (job(timeToLive=1.5), "picletter:jobs[0].timeToLive", "1 to 86400"),
        (job(timeToLive=True), "picletter:jobs[0].timeToLive", "1 to 86400"),
        (job(size=""), "picletter:jobs[0].size", "standard-1X"),
        (job(size="performance-xxl"), "picletter:jobs[0].size", "performance-"),
        (job(command="   "), "picletter:jobs[0].command", "Procfile process type"),
        (job(overlap=1), "picletter:jobs[0].overlap", "skip, queue or allow"),
        (job(timeZone=["Europe/Berlin"]), "picletter:jobs[0].timeZone", "must be a string"),
        (recurrence(timeZone=3), "picletter:jobs[0].schedule", "must be a Windows time-zone id"),
        ({"deployCode": "no"}, "picletter:deployCode", "true or false"),
        ({"createApp": "1"}, "picletter:createApp", "true or false"),
        ({"jobs": {"name": "daily"}}, "picletter:jobs", "non-empty list"),
        ({"adoptConfigVars": [1]}, "picletter:adoptConfigVars", "list of config var names"),
    ],
}
STACK_CASES = [(cls, *case) for cls, cases in STACK_CONFIG.items() for case in cases]


def _key(name: str) -> str:
    return "azure-native:location" if name == "location" else f"picletter:{name}"


def _settings(**overrides: Any) -> StackSettings:
    return stack_settings("", **{**GOOD, **overrides})


@pytest.mark.parametrize(("cls", "overrides", "key", "fix"), STACK_CASES, ids=[f"{c[0]}-{c[2]}" for c in STACK_CASES])
def test_stack_config(cls: str, overrides: dict[str, Any], key: str, fix: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _settings(**overrides)
    problems = raised.value.problems
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{key}: ") and fix in problems[0], problems
    assert "Traceback" not in str(raised.value)


FIRST_OF_EACH_CLASS = [cases[0] for cases in STACK_CONFIG.values()]


@pytest.mark.parametrize(("overrides", "key", "fix"), FIRST_OF_EACH_CLASS, ids=list(STACK_CONFIG))
def test_the_program_registers_nothing_for_a_bad_stack(overrides: dict[str, Any], key: str, fix: str) -> None:
    """The program itself (under the SDK's mocks) refuses before its first resource, for one case of each class."""
    config = {_key(k): v for k, v in {**GOOD, **overrides}.items()}
    with pytest.raises(ProgramFailed) as raised:
        run_program(config, secret_keys=["picletter:herokuApiToken"], env=PROGRAM_ENV)
    assert raised.value.run.resources == []
    assert f"{key}: " in str(raised.value) and fix in str(raised.value)


# -- accepted, with a warning: (overrides, the key the warning names, a piece of it) --------------

WARNED = [
    (job(timeZone="EST"), "picletter:jobs[0].timeZone", "use America/New_York"),
    (job(timeZone="MST"), "picletter:jobs[0].timeZone", "use America/Denver"),
    ({"herokuApiToken": "plain"}, "picletter:herokuApiToken", "--secret"),
    ({"configVars": {"SENDGRID_API_KEY": "SG.x"}}, "picletter:configVars.SENDGRID_API_KEY", "--secret"),
    ({"configVars": {"DATABASE_URL": "postgres://u:pw@db/x"}}, "picletter:configVars.DATABASE_URL", "--secret"),
    (env_job(STRIPE_TOKEN="tok"), "picletter:jobs[0].env.STRIPE_TOKEN", "workflow definition"),
    ({"location": "marsnorth"}, "azure-native:location", "if it is newer, ignore this"),
]


@pytest.mark.parametrize(("overrides", "key", "piece"), WARNED, ids=[w[1] for w in WARNED])
def test_accepted_with_one_warning(overrides: dict[str, Any], key: str, piece: str) -> None:
    config = {
        f"picletter:{k}" if k != "location" else "azure-native:location": v for k, v in {**GOOD, **overrides}.items()
    }
    from infra.settings import settings_from_config

    secret = [] if "herokuApiToken" in overrides else ["picletter:herokuApiToken"]
    settings = settings_from_config(config, "", secret)
    assert len(settings.warnings) == 1 and settings.warnings[0].startswith(f"{key}: "), settings.warnings
    assert piece in settings.warnings[0]


def test_the_program_shows_warnings_at_preview(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *args, **kwargs: shown.append(message))
    config = {_key(k): v for k, v in {**GOOD, **job(timeZone="MST")}.items()}
    run = run_program(config, secret_keys=["picletter:herokuApiToken"], env=PROGRAM_ENV)
    assert (
        run.resources
        and (
            "picletter:jobs[0].timeZone: MST is a fixed offset all year, without daylight saving; for the clock of "
            "Denver use America/Denver (or keep MST if a fixed offset is meant)"
        )
        in shown
    )


def test_what_the_fixes_accept() -> None:
    """The forms the messages point to are accepted: semicolons, a YAML list, a quoted display name."""
    settings = _settings(
        alertEmail='["ops@example.com", "pager@example.com"]',
        configVars={"PICLETTER_TO": '"Doe, Jane" <jane@example.com>; b@example.com'},
    )
    assert settings.alert_emails == ("ops@example.com", "pager@example.com")
    assert _settings(alertEmail="a@example.com; b@example.com").alert_emails == ("a@example.com", "b@example.com")
    assert _settings(createApp="true", herokuRegion="eu").heroku_region == "eu"
    (warning,) = _settings(jobs=[{**VALID_JOB, "timeZone": "America/New_York"}]).warnings
    assert warning.startswith("picletter:herokuApiToken: is stored in plaintext")  # stack_settings marks none secret


@pytest.mark.parametrize(
    ("key", "value"), [("picletter:herokuApp", "picletter-prod"), ("azure-native:location", "westeurope")]
)
def test_a_secret_where_a_name_is_expected(key: str, value: str) -> None:
    config = {_key(k): v for k, v in GOOD.items()}
    with pytest.raises(ConfigError) as raised:
        settings_from_config(config, "", ["picletter:herokuApiToken", key])
    assert raised.value.problems == [
        f"{key}: is set with --secret, but it is a name, not a secret, and the program needs to read it; "
        f"set it in plaintext: `pulumi config set {key} <value>` (without --secret)"
    ]
    assert value not in str(raised.value)


# -- the command line, before anything is sent: (argv, extra environment, a piece of the line) ----

COMMAND_LINE: dict[str, list[tuple[list[str], dict[str, str], str]]] = {
    "run --env": [
        (["run", "x", "--env", "A\n=1"], {}, "'A\\n' is not a valid variable name"),
        (["run", "x", "--env", "1A=x"], {}, "not starting with a digit"),
        (["run", "x", "--env", "HEROKU_X=1"], {}, "reserved"),
        (["run", "x", "--env", "__X=1"], {}, "reserved"),
        (["run", "x", "--env", "A-B=1"], {}, "letters, digits and underscores"),
        (["run", "x", "--env", "NOEQUALS"], {}, "must be NAME=value"),
        (["run", "x", "--env", "=x"], {}, "not a valid variable name"),
        (["run", "x", "--env", "A B=1"], {}, "letters, digits and underscores"),
        (["run", "x", "--env", "BIG=" + "x" * 70_000], {}, "64 KB"),
    ],
    "names on the command line": [
        (["run", "x", "--app", "app\n"], {}, "--app (or HEROKU_APP): 'app\\n' is not a Heroku app name"),
        (["ps", "--app", "App"], {}, "3-30 lower-case"),
        (["ps"], {"HEROKU_APP": "bad app"}, "--app (or HEROKU_APP)"),
        (["logs", "--app", APP, "--dyno", "run.1\n"], {}, "--dyno: 'run.1\\n' is not a dyno name"),
        (["logs", "--app", APP, "--dyno", "../x"], {}, "--dyno: '../x' is not a dyno name"),
        (["logs", "--app", APP, "--dyno", "run 1"], {}, "like run.4821"),
        (["stop", "run.1\n", "--app", APP], {}, "DYNO: 'run.1\\n' is not a dyno name"),
        (["stop", "..", "--app", APP], {}, "is not a dyno name"),
        (["stop", "run.1 ", "--app", APP], {}, "is not a dyno name"),
        (["stop", "web", "--app", APP], {}, "like run.4821"),
    ],
    "ranges on the command line": [
        (["run", "x", "--size", "huge"], {}, "--size 'huge' is not a Heroku dyno size"),
        (["run", "x", "--size", "M-Compute"], {}, "--size M-Compute is a Fir-generation dyno size"),
        (["run", "x", "--ttl", "0"], {}, "--ttl must be 1 to 86400"),
        (["run", "x", "--ttl", "90000"], {}, "--ttl must be 1 to 86400"),
        (["logs", "--max-seconds", "0"], {}, "--max-seconds must be at least 1"),
        (["ps"], {"HEROKU_API_KEY": ""}, "HEROKU_API_KEY is not set"),
    ],
    "retry tuning": [
        (["ps"], {"HEROKU_API_ATTEMPTS": "nan"}, "HEROKU_API_ATTEMPTS='nan': use a whole number"),
        (["ps"], {"HEROKU_API_ATTEMPTS": "inf"}, "from 1 to 10"),
        (["ps"], {"HEROKU_API_ATTEMPTS": "0"}, "from 1 to 10"),
        (["ps"], {"HEROKU_API_ATTEMPTS": "-1"}, "from 1 to 10"),
        (["ps"], {"HEROKU_API_ATTEMPTS": "1e9"}, "from 1 to 10"),
        (["ps"], {"HEROKU_API_ATTEMPTS": "99999999999"}, "from 1 to 10"),
        (["ps"], {"HEROKU_API_ATTEMPTS": "5.5"}, "whole number"),
        (["ps"], {"HEROKU_API_ATTEMPTS": "11"}, "from 1 to 10"),
        (["ps"], {"HEROKU_API_BACKOFF": "nan"}, "HEROKU_API_BACKOFF='nan': use seconds from 0 to 30"),
        (["ps"], {"HEROKU_API_BACKOFF": "inf"}, "from 0 to 30"),
        (["ps"], {"HEROKU_API_BACKOFF": "-inf"}, "from 0 to 30"),
        (["ps"], {"HEROKU_API_BACKOFF": "-1"}, "from 0 to 30"),
        (["ps"], {"HEROKU_API_BACKOFF": "1e9"}, "from 0 to 30"),
        (["ps"], {"HEROKU_API_BACKOFF": "31"}, "from 0 to 30"),
        (["ps"], {"HEROKU_API_BACKOFF": "soon"}, "from 0 to 30"),
        (["ps"], {"HEROKU_API_URL": "http://example.com"}, "unencrypted"),
        (["ps"], {"HEROKU_API_URL": "ftp://api.heroku.com"}, "unencrypted"),
        (["ps"], {"HEROKU_API_URL": "api.heroku.com"}, "neither https://"),
    ],
    "schedule command": [
        (["schedule", "every 2 hours at :75"], {}, ":00 to :59"),
        (["schedule", "daily at 07:00", "--after", "2026-02-30T07:00"], {}, "February 2026 has no day 30"),
        (["schedule", "daily at 07:00", "--after", "2026-13-01"], {}, "there is no month 13"),
        (["schedule", "daily at 07:00", "--after", "tomorrow"], {}, "--after 'tomorrow' must be an ISO"),
        (["schedule", "daily at 07:00", "--time-zone", "W. Europe Standard Time"], {}, "use Europe/Berlin"),
        (["schedule", "daily at 07:00", "--time-zone", "PST"], {}, "use America/Los_Angeles"),
        (["schedule", "daily at 07:00", "--count", "0"], {}, "--count must be 1 to 1000"),
        (["schedule", '{"frequency": '], {}, "not valid JSON"),
        (["schedule", "0 7 31 4 *"], {}, "April has no day 31"),
    ],
}
CLI_CASES = [(cls, *case) for cls, cases in COMMAND_LINE.items() for case in cases]


@pytest.fixture
def heroku_env(fake_heroku: FakeHeroku, monkeypatch: pytest.MonkeyPatch) -> FakeHeroku:
    fake_heroku.add_app(APP)
    for name, value in {
        "HEROKU_API_URL": fake_heroku.url,
        "HEROKU_API_KEY": TOKEN,
        "HEROKU_APP": APP,
        "HEROKU_API_BACKOFF": "0",
        "HEROKU_API_ATTEMPTS": "2",
    }.items():
        monkeypatch.setenv(name, value)
    return fake_heroku


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    ("cls", "argv", "env", "piece"), CLI_CASES, ids=[f"{c[0]}-{c[1][0]}-{i}" for i, c in enumerate(CLI_CASES)]
)
def test_command_line(
    cls: str,
    argv: list[str],
    env: dict[str, str],
    piece: str,
    heroku_env: FakeHeroku,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert piece in one_error_line(captured.err)
    assert captured.out == ""
    assert heroku_env.requests == [], "nothing is sent before the error"


# -- stack files and the output folder of synth: (how to make the mistake, a piece of the line) ---


def _good_stack(tmp_path: Path) -> Path:
    path = tmp_path / "Pulumi.dev.yaml"
    config = {"picletter:herokuApp": "picletter-dev", "azure-native:location": "westeurope"}
    path.write_text(yaml.safe_dump({"config": config}))
    return path


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


SYNTH: list[tuple[str, Any, str]] = [
    ("stack file is a folder", lambda t: (t, t / "out"), "is a folder; pass the stack's file"),
    (
        "project file as stack file",
        lambda t: (_file(t, "Pulumi.yaml", "name: picletter\nruntime: python\n"), t / "out"),
        "is a project file (it has name, runtime)",
    ),
    (
        "an impossible date in YAML",
        lambda t: (_file(t, "Pulumi.dev.yaml", "config:\n  picletter:configVars: {DAY: 2026-02-30}\n"), t / "out"),
        "holds a date that does not exist",
    ),
    (
        "keys outside config",
        lambda t: (_file(t, "Pulumi.dev.yaml", "picletter:herokuApp: x\nazure-native:location: y\n"), t / "out"),
        "azure-native:location, picletter:herokuApp are outside `config:`",
    ),
    (
        "one key outside config",
        lambda t: (_file(t, "Pulumi.dev.yaml", "config:\n  picletter:jobs: []\npicletter:herokuApp: x\n"), t / "out"),
        "picletter:herokuApp is outside `config:`",
    ),
    (
        "config in an ESC environment",
        lambda t: (_file(t, "Pulumi.prod.yaml", "environment:\n  - picletter/prod\n"), t / "out"),
        "Pulumi ESC environment",
    ),
    ("stack file is binary", lambda t: (_file_bytes(t), t / "out"), "is not text"),
    ("stack file is missing", lambda t: (t / "Pulumi.nope.yaml", t / "out"), "does not exist"),
    ("--out is a file", lambda t: (_good_stack(t), _file(t, "out", "x")), "is a file"),
    ("--out parent is a file", lambda t: (_good_stack(t), _file(t, "notes.txt", "x") / "out"), "which is a file"),
    ("--out holds other files", lambda t: (_good_stack(t), _other_files(t)), "not an earlier render"),
    (
        "a secret where a name is expected",
        lambda t: (_file(t, "Pulumi.dev.yaml", _secret_name_stack()), t / "out"),
        "picletter:herokuApp: is set with --secret, but it is a name",
    ),
    (
        "a bad key through synth",
        lambda t: (_file(t, "Pulumi.dev.yaml", _stack_text(**{"picletter:herokuRegion": "eu"})), t / "out"),
        "picletter:herokuRegion: only applies to an app the stack creates",
    ),
]


def _other_files(tmp_path: Path) -> Path:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes/keep.txt").write_text("mine")
    return tmp_path / "notes"


def _file_bytes(tmp_path: Path) -> Path:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_bytes(b"\xff\xfe\x00config")
    return path


def _stack_text(**config: Any) -> str:
    return yaml.safe_dump(
        {"config": {"picletter:herokuApp": "picletter-dev", "azure-native:location": "westeurope", **config}}
    )


def _secret_name_stack() -> str:
    return yaml.safe_dump(
        {"config": {"picletter:herokuApp": {"secure": "AAAB"}, "azure-native:location": "westeurope"}}
    )


@pytest.mark.parametrize(("mistake", "make", "piece"), SYNTH, ids=[s[0] for s in SYNTH])
def test_synth(mistake: str, make: Any, piece: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack, out = make(tmp_path)
    before = sorted(p for p in tmp_path.rglob("*"))
    assert main(["synth", "--stack", str(stack), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    line = " ".join(captured.err.split())  # a ConfigError lists its problems on lines of their own
    assert captured.err.startswith("error: ") and piece in line and "Traceback" not in captured.err, captured.err
    assert sorted(p for p in tmp_path.rglob("*")) == before, "nothing is written before the error"


def test_synth_into_an_earlier_render_removes_the_files_of_removed_jobs(tmp_path: Path) -> None:
    two = [{**VALID_JOB, "name": "a"}, {**VALID_JOB, "name": "b"}]
    stack = _file(tmp_path, "Pulumi.dev.yaml", _stack_text(**{"picletter:jobs": two}))
    assert main(["synth", "--stack", str(stack), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out/workflows/b.json").is_file()
    stack.write_text(_stack_text(**{"picletter:jobs": two[:1]}))
    assert main(["synth", "--stack", str(stack), "--out", str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out/workflows").iterdir()) == ["a.json"]


def test_synth_judges_no_placeholder_as_a_job_setting(tmp_path: Path) -> None:
    """A config var set with --secret is a placeholder offline: the job's parser must not judge it."""
    config_vars = {"PICLETTER_TO": {"secure": "AAAB"}, "PICLETTER_MAILER": "outbox"}
    stack = _file(tmp_path, "Pulumi.dev.yaml", _stack_text(**{"picletter:configVars": config_vars}))
    assert main(["synth", "--stack", str(stack), "--out", str(tmp_path / "out")]) == 0


def test_synth_shows_warnings_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack = _file(tmp_path, "Pulumi.dev.yaml", _stack_text(**{"picletter:jobs": [{**VALID_JOB, "timeZone": "EST"}]}))
    assert main(["synth", "--stack", str(stack), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "warning: picletter:jobs[0].timeZone: EST is a fixed offset" in err


# -- answers from Heroku's side that are not the Platform API's -----------------------------------
# A proxy, captive portal or wrong HEROKU_API_URL answers 200 with HTML, nothing, or a cut-off body
# (issue 22 found each); the server below answers every request with one such reply.


# A Cedar app as the schema's app Info gives it: `run` and `logs` read the app (its generation) before
# the request each case is about.
CEDAR_APP = b'{"id": "01234567-89ab-cdef-0123-456789abcdef", "name": "picletter-test", "generation": {"name": "cedar"}}'


@dataclass
class _Replies:
    """Answers every request with REPLY (GET of the app with APP_REPLY), recording each."""

    reply: tuple[int, str, bytes] = (200, "text/html", b"")
    app_reply: tuple[int, str, bytes] = (200, "application/json", CEDAR_APP)
    requests: list[str] = field(default_factory=list)


class _Handler(FakeHandler):
    def _answer(self) -> None:
        self.read_body()
        replies: _Replies = self.server.fake
        replies.requests.append(f"{self.command} {self.path}")
        status, kind, body = replies.app_reply if self.path == f"/apps/{APP}" else replies.reply
        self.send_answer(status, {"Content-Type": kind}, body)

    do_GET = do_POST = do_PATCH = do_DELETE = _answer


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Replies]:
    replies = _Replies()
    with serving(replies, _Handler) as url:
        monkeypatch.setenv("HEROKU_API_URL", url)
        monkeypatch.setenv("HEROKU_API_KEY", TOKEN)
        monkeypatch.setenv("HEROKU_APP", APP)
        monkeypatch.setenv("HEROKU_API_BACKOFF", "0")
        monkeypatch.setenv("HEROKU_API_ATTEMPTS", "2")
        yield replies


HTML = b"<html><body><h1>Proxy login required</h1></body></html>"
ANSWERS: list[tuple[list[str], tuple[int, str, bytes], list[str]]] = [
    (["ps"], (200, "text/html", HTML), ["GET /apps/picletter-test/dynos", "text/html starting", "HEROKU_API_URL"]),
    (["ps"], (200, "application/json", b""), ["an empty body", "HEROKU_API_URL"]),
    (["ps"], (200, "application/json", b'[{"name": "run.1"'), ["not JSON", "application/json starting"]),
    (["ps"], (200, "application/json", b'{"name": "run.1"}'), ["not the list Heroku sends"]),
    (["ps"], (206, "text/plain", b"OK"), ["text/plain starting 'OK'"]),
    (["run", "picletter"], (200, "text/html", HTML), ["POST /apps/picletter-test/dynos", "the dyno may have started"]),
    (["run", "picletter"], (201, "application/json", b""), ["an empty body", "check `infra ps` before"]),
    (["run", "picletter"], (201, "application/json", b'{"name": "run.'), ["not JSON", "may have started"]),
    (["run", "picletter"], (500, "text/html", HTML), ["500", "the dyno may have started: check `infra ps`"]),
    (["run", "picletter"], (503, "application/json", b'{"id": "unavailable"}'), ["503", "may have started"]),
    (["stop", "run.1"], (200, "text/html", HTML), ["actions/stop", "the dyno may be stopping"]),
    (["stop", "run.1"], (202, "application/json", b"{"), ["not JSON", "may be stopping"]),
    (["stop", "run.1"], (502, "text/html", HTML), ["502", "the dyno may be stopping"]),
    (["logs"], (201, "text/html", HTML), ["POST /apps/picletter-test/log-sessions", "not JSON"]),
    (["logs", "--dyno", "run.1", "--tail"], (200, "text/html", HTML), ["not JSON", "HEROKU_API_URL"]),
    (["ps"], (200, "application/json", b"[1, 2]"), ["not the list Heroku sends"]),
    (["run", "picletter"], (201, "application/json", b"{}"), ["no name", "may have started"]),
    (["logs"], (201, "application/json", b'{"id": "x"}'), ["no logplex_url"]),
    (["logs", "--dyno", "run.1", "--tail"], (200, "application/json", b"[]"), ["no name"]),
    (["ps"], (401, "text/html", HTML), ["401", "HEROKU_API_KEY"]),
    (["ps"], (404, "text/plain", b"not here"), ["404", "check the app name"]),
]


@pytest.mark.parametrize(
    ("argv", "reply", "pieces"), ANSWERS, ids=[f"{a[0][0]}-{a[1][0]}-{i}" for i, a in enumerate(ANSWERS)]
)
def test_answers_that_are_not_the_platform_apis(
    argv: list[str],
    reply: tuple[int, str, bytes],
    pieces: list[str],
    proxy: _Replies,
    capsys: pytest.CaptureFixture[str],
) -> None:
    proxy.reply = reply
    assert main(argv) == 2
    captured = capsys.readouterr()
    err_lines = [line for line in captured.err.splitlines() if not line.startswith("Heroku API ")]
    line = one_error_line("\n".join(err_lines))
    assert all(piece in line for piece in pieces), line
    assert TOKEN not in captured.err


@pytest.mark.parametrize("command", [["run", "picletter"], ["logs"]])
@pytest.mark.parametrize("app_reply", [(200, "application/json", b"[]"), (200, "text/html", HTML)])
def test_an_app_answer_that_is_not_the_platform_apis_stops_run_and_logs_first(
    command: list[str], app_reply: tuple[int, str, bytes], proxy: _Replies, capsys: pytest.CaptureFixture[str]
) -> None:
    proxy.app_reply = app_reply
    assert main(command) == 2
    line = one_error_line(capsys.readouterr().err)
    assert f"GET /apps/{APP}" in line and "HEROKU_API_URL" in line
    assert proxy.requests == [f"GET /apps/{APP}"]


def _closed_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("argv", "attempts", "retries", "effect"),
    [
        (["ps"], "3", 2, ""),
        (["ps"], "1", 0, ""),
        (["run", "picletter"], "3", 2, ""),  # never connected: nothing was created, nothing to check
        (["stop", "run.1"], "2", 1, ""),
        (["logs"], "2", 1, ""),
    ],
)
def test_no_answer_names_the_host_the_variable_and_the_attempts(
    argv: list[str],
    attempts: str,
    retries: int,
    effect: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = _closed_port()
    for name, value in {
        "HEROKU_API_URL": f"http://127.0.0.1:{port}",
        "HEROKU_API_KEY": TOKEN,
        "HEROKU_APP": APP,
        "HEROKU_API_BACKOFF": "0",
        "HEROKU_API_ATTEMPTS": attempts,
    }.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == 2
    err = capsys.readouterr().err.splitlines()
    retry_lines, rest = err[:retries], err[retries:]
    assert all("ConnectError; retry" in line and "127.0.0.1" in line for line in retry_lines), err
    line = one_error_line("\n".join(rest))
    tries = "1 attempt:" if attempts == "1" else f"{attempts} attempts:"
    assert f"no answer from 127.0.0.1 (HEROKU_API_URL) after {tries}" in line, line
    assert "may have" not in line


def test_every_argument_has_help_and_the_help_names_the_environment() -> None:
    parser = build_parser()
    text = parser.format_help()
    for variable in ("HEROKU_API_KEY", "HEROKU_APP", "HEROKU_API_URL", "HEROKU_API_ATTEMPTS", "HEROKU_API_BACKOFF"):
        assert variable in text
    assert "layer" not in text and "imports" not in text  # what it does, not how the code is laid out
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [
        f"{name} {action.dest}"
        for name, sub in subparsers.choices.items()
        for action in sub._actions
        if not isinstance(action, argparse._HelpAction) and not action.help
    ]
    assert missing == []
    assert all(choice.help for choice in subparsers._choices_actions)
