"""Helpers the tests share: import them from here, never from a conftest module or another test."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from typing import Any

import httpx
from pulumi_azure_native import logic, monitor, resources

from infra.components.failure_alerts import FailureAlerts
from infra.components.scheduled_dyno_job import ScheduledDynoJob
from infra.dynamic.catch_up_start import CatchUpStart
from infra.dynamic.heroku_app import HerokuApp
from infra.dynamic.heroku_build import HerokuBuild, HerokuCodeCheck
from infra.dynamic.heroku_config_vars import HerokuConfigVars
from infra.settings import StackSettings, settings_from_config
from infra.type_tokens import type_token
from infra.workflow import START_ACTION
from tests import FAST_RETRY, REPO
from tests.fakes.heroku_api import TOKEN
from tests.fakes.heroku_schema import validate_request
from tests.job_install import install_like_heroku, uv_executable

__all__ = [
    "ACTION_GROUP_TYPE",
    "ALERTS_TYPE",
    "APP_TYPE",
    "BUILD_TYPE",
    "CANCELLED_TIMEOUT",
    "CODE_CHECK_TYPE",
    "CONFIG_VARS_TYPE",
    "ENDINGS",
    "FAST_RETRY",
    "JOB_TYPE",
    "MALFORMED_CONFIGS",
    "MALFORMED_IDS",
    "METRIC_ALERT_TYPE",
    "NO_DYNOS",
    "REFUSED",
    "REPO",
    "RESOURCE_GROUP_TYPE",
    "SERVER_ERROR",
    "TIMED_OUT",
    "TOKEN",
    "VALID_JOB",
    "WORKFLOW_JOB",
    "WORKFLOW_TOKEN",
    "WORKFLOW_TYPE",
    "exited",
    "install_like_heroku",
    "runtime_requirements",
    "schema_checked",
    "stack_settings",
    "uv_executable",
]


# Type tokens, taken from the classes that own them.
RESOURCE_GROUP_TYPE = type_token(resources.ResourceGroup)
WORKFLOW_TYPE = type_token(logic.Workflow)
ACTION_GROUP_TYPE = type_token(monitor.ActionGroup)
METRIC_ALERT_TYPE = type_token(monitor.MetricAlert)
JOB_TYPE = ScheduledDynoJob.TYPE
ALERTS_TYPE = FailureAlerts.TYPE
APP_TYPE = type_token(HerokuApp)
BUILD_TYPE = type_token(HerokuBuild)
CODE_CHECK_TYPE = type_token(HerokuCodeCheck)
CONFIG_VARS_TYPE = type_token(HerokuConfigVars)
CATCH_UP_START_TYPE = type_token(CatchUpStart)


def schema_checked(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    """A MockTransport that first checks each request against Heroku's schema."""

    def checked(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        validate_request(request.method, request.url.path, body)
        return handler(request)

    return httpx.MockTransport(checked)


def runtime_requirements() -> list[str]:
    """The job's run-time dependencies as pyproject.toml declares them (`name==version`)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return list(project["dependencies"])


# A valid job to vary, and stack configurations that are each wrong in one way: (overrides of the
# `picletter:*` keys, the key the error must name, a piece of the fix it must give).
VALID_JOB = {"name": "job", "command": "picletter", "schedule": "0 7 * * *"}
MALFORMED_CONFIGS: list[tuple[dict[str, Any], str, str]] = [
    ({"herokuApp": None}, "picletter:herokuApp", "pulumi config set picletter:herokuApp"),
    ({"herokuApp": "Has Spaces"}, "picletter:herokuApp", "heroku apps"),
    ({"herokuApp": 42}, "picletter:herokuApp", "is not a Heroku app name"),
    ({"herokuApiToken": None}, "picletter:herokuApiToken", "--secret"),
    ({"configVars": ["A=1"]}, "picletter:configVars", "map of NAME: value"),
    ({"configVars": {"BAD-KEY": "x"}}, "picletter:configVars.BAD-KEY", "letters, digits and underscores"),
    ({"configVars": {"PORT": None}}, "picletter:configVars.PORT", "give it a string, number or boolean"),
    ({"configVars": {"1ST": "x"}}, "picletter:configVars.1ST", "not starting with a digit"),
    ({"configVars": {"HEROKU_SLUG": "x"}}, "picletter:configVars.HEROKU_SLUG", "is reserved"),
    ({"configVars": {"__DEBUG": "x"}}, "picletter:configVars.__DEBUG", "is reserved"),
    ({"configVars": {"BIG": "x" * 70_000}}, "picletter:configVars", "64 KB of config vars per app"),
    ({"adoptConfigVars": "DATABASE_URL"}, "picletter:adoptConfigVars", "must be a list"),
    ({"adoptConfigVars": ["DATABASE_URL"]}, "picletter:adoptConfigVars", "DATABASE_URL is not in picletter:configVars"),
    ({"configVars": {"PORTS": [1, 2]}}, "picletter:configVars.PORTS", "is a list, not a value"),
    ({"jobs": []}, "picletter:jobs", "non-empty list"),
    ({"jobs": "daily"}, "picletter:jobs", "non-empty list"),
    ({"jobs": ["daily"]}, "picletter:jobs[0]", "must be an object"),
    ({"jobs": [{**VALID_JOB, "name": "Upper"}]}, "picletter:jobs[0].name", "lower-case"),
    ({"jobs": [{**VALID_JOB, "name": "x" * 41}]}, "picletter:jobs[0].name", "1-40"),
    ({"jobs": [{**VALID_JOB, "command": ""}]}, "picletter:jobs[0].command", "Procfile process type"),
    (
        {"jobs": [{k: v for k, v in VALID_JOB.items() if k != "schedule"}]},
        "picletter:jobs[0].schedule",
        "is required",
    ),
    ({"jobs": [{**VALID_JOB, "schedule": "0 7 1 1,2 *"}]}, "picletter:jobs[0].schedule", "picks months"),
    ({"jobs": [{**VALID_JOB, "schedule": "whenever"}]}, "picletter:jobs[0].schedule", "five"),
    ({"jobs": [{**VALID_JOB, "timeZone": "Europe/Paaris"}]}, "picletter:jobs[0].timeZone", "Europe/Paris"),
    ({"jobs": [{**VALID_JOB, "timeZone": 1}]}, "picletter:jobs[0].timeZone", "must be a string"),
    ({"jobs": [{**VALID_JOB, "size": "standard-3X"}]}, "picletter:jobs[0].size", "standard-"),
    # Fir apps are refused (ADR 0010): a Fir-generation size can never run a job.
    ({"jobs": [{**VALID_JOB, "size": "M-Compute"}]}, "picletter:jobs[0].size", "use performance-M"),
    ({"jobs": [{**VALID_JOB, "size": "dyno-2c-4gb"}]}, "picletter:jobs[0].size", "Fir-generation"),
    # The app picletter:createApp makes is in no space (POST /apps names none).
    (
        {"createApp": True, "jobs": [{**VALID_JOB, "size": "private-M"}]},
        "picletter:jobs[0].size",
        "use performance-M",
    ),
    ({"jobs": [{**VALID_JOB, "timeToLive": 0}]}, "picletter:jobs[0].timeToLive", "1 to 86400"),
    ({"jobs": [{**VALID_JOB, "timeToLive": 86401}]}, "picletter:jobs[0].timeToLive", "24 hours"),
    (
        {"jobs": [{**VALID_JOB, "timeToLive": "1800"}]},
        "picletter:jobs[0].timeToLive",
        "is the string '1800'; write a number",
    ),
    ({"jobs": [{**VALID_JOB, "schedule": 7}]}, "picletter:jobs[0].schedule", "is the int 7; write cron like"),
    ({"jobs": [{**VALID_JOB, "env": {"A-B": "1"}}]}, "picletter:jobs[0].env.A-B", "valid variable name"),
    ({"jobs": [{**VALID_JOB, "env": {"N": {"a": 1}}}]}, "picletter:jobs[0].env.N", "is a dict, not a value"),
    ({"jobs": [{**VALID_JOB, "env": "A=1"}]}, "picletter:jobs[0].env", "map of NAME: value"),
    ({"jobs": [{**VALID_JOB, "enabled": "yes"}]}, "picletter:jobs[0].enabled", "true or false"),
    ({"jobs": [{**VALID_JOB, "overlap": "sometimes"}]}, "picletter:jobs[0].overlap", "skip, queue or allow"),
    ({"jobs": [{**VALID_JOB, "waitForCompletion": True}]}, "picletter:jobs[0].waitForCompletion", "reportExit"),
    ({"jobs": [{**VALID_JOB, "retries": 11}]}, "picletter:jobs[0].retries", "from 0 to 10"),
    ({"jobs": [{**VALID_JOB, "retries": "2"}]}, "picletter:jobs[0].retries", "without quotes"),
    ({"jobs": [{**VALID_JOB, "retries": True}]}, "picletter:jobs[0].retries", "retries: 2"),
    (
        {"jobs": [{**VALID_JOB, "retries": 2, "reportExit": False}]},
        "picletter:jobs[0].retries",
        "set reportExit: true",
    ),
    (
        {"jobs": [{**VALID_JOB, "overlap": "queue", "reportExit": False}]},
        "picletter:jobs[0].overlap",
        "reportExit true",
    ),
    ({"jobs": [{**VALID_JOB, "catchUp": True}]}, "picletter:jobs[0].catchUp", "hours"),
    (
        {"jobs": [{**VALID_JOB, "schedule": "every 6 hours", "catchUp": True, "overlap": "queue"}]},
        "picletter:jobs[0].overlap",
        "Sliding Window",
    ),
    (
        {"jobs": [{**VALID_JOB, "env": {"PICLETTER_CALLBACK_URL": "x"}}]},
        "picletter:jobs[0].env.PICLETTER_CALLBACK_URL",
        "choose another name",
    ),
    (
        {"jobs": [{**VALID_JOB, "env": {"PICLETTER_RUN": "x"}}]},
        "picletter:jobs[0].env.PICLETTER_RUN",
        "exit reporter",
    ),
    (
        {"jobs": [{**VALID_JOB, "env": {"PICLETTER_REPORTER": "x"}}]},
        "picletter:jobs[0].env.PICLETTER_REPORTER",
        "choose another name",
    ),
    ({"jobs": [{**VALID_JOB, "scheduel": "x"}]}, "picletter:jobs[0].scheduel", "did you mean schedule"),
    ({"jobs": [VALID_JOB, VALID_JOB]}, "picletter:jobs", "used twice"),
    ({"resourceGroup": "bad/name"}, "picletter:resourceGroup", "1-90"),
    ({"location": None}, "azure-native:location", "pulumi config set azure-native:location"),
]
MALFORMED_IDS = [f"{index}-{key}" for index, (_, key, _) in enumerate(MALFORMED_CONFIGS)]


def stack_settings(heroku_api_key: str = "", **keys: Any) -> StackSettings:
    """Settings from `picletter:*` KEYS (`location` is azure-native:location), read as the program reads
    them; HEROKU_API_KEY as infra.heroku.environment read it."""
    config = {
        "azure-native:location" if key == "location" else f"picletter:{key}": value for key, value in keys.items()
    }
    return settings_from_config({k: v for k, v in config.items() if v is not None}, heroku_api_key)


# -- a job's workflow, run by the WDL fake (tests/fakes/wdl.py) -----------------------------------
# The job the workflow tests build definitions of, and the Heroku token its runs are given: a canary
# that run history must never show.
WORKFLOW_JOB = stack_settings(herokuApp="app-name", herokuApiToken="t", location="x").jobs[0]
WORKFLOW_TOKEN = "canary-heroku-token-41c9"
# Answers Heroku may give to the dyno list and the create, as an HTTP or webhook action's result.
NO_DYNOS = {"outputs": {"body": []}}
REFUSED = {"status": "Failed", "outputs": {"statusCode": 429, "body": {"id": "rate_limit", "message": "slow down"}}}
SERVER_ERROR = {"status": "Failed", "outputs": {"statusCode": 503, "body": {"id": "unavailable", "message": "later"}}}
TIMED_OUT = {"status": "TimedOut"}
# logic-apps-workflow-actions-triggers.md, "Change asynchronous duration": the other reading.
CANCELLED_TIMEOUT = {"status": "Cancelled", "code": "ActionTimedOut"}


def exited(status: int, dyno: str = "run.7") -> dict[str, Any]:
    """A webhook action's result once bin/picletter-run reported."""
    return {"outputs": {"body": {"exitStatus": status, "dyno": dyno, "job": WORKFLOW_JOB.name}}}


# Every ending of a run with the exit report: its calls, and the run's status and error code.
ENDINGS: list[tuple[str, dict[str, Any], str, str | None]] = [
    ("exit 0", {START_ACTION: exited(0)}, "Succeeded", None),
    ("exit 3", {START_ACTION: exited(3)}, "Failed", "JobFailed"),
    ("no report, TimedOut", {START_ACTION: TIMED_OUT}, "Failed", "NoExitReport"),
    ("no report, read as a cancel", {START_ACTION: CANCELLED_TIMEOUT}, "Failed", "NoExitReport"),
    ("refused, then exit 0", {START_ACTION: REFUSED, "Start_dyno_again": exited(0)}, "Succeeded", None),
    ("refused, then exit 1", {START_ACTION: REFUSED, "Start_dyno_again": exited(1)}, "Failed", "JobFailed"),
    ("refused twice", {START_ACTION: REFUSED, "Start_dyno_again": REFUSED}, "Failed", "StartDynoFailed"),
    ("refused, then a 5xx", {START_ACTION: REFUSED, "Start_dyno_again": SERVER_ERROR}, "Failed", "StartDynoFailed"),
    ("refused, then no report", {START_ACTION: REFUSED, "Start_dyno_again": TIMED_OUT}, "Failed", "NoExitReport"),
    (
        "refused, then no report read as a cancel",
        {START_ACTION: REFUSED, "Start_dyno_again": CANCELLED_TIMEOUT},
        "Failed",
        "NoExitReport",
    ),
    ("a 5xx", {START_ACTION: SERVER_ERROR}, "Failed", "StartDynoFailed"),
]
