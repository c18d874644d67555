from __future__ import annotations

import json
from dataclasses import replace

import pytest

from infra.workflow import build_definition, literal
from tests.fakes.heroku_schema import validate_request
from tests.helpers import stack_settings

JOB = stack_settings(herokuApp="app-name", herokuApiToken="t", location="x").jobs[0]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("plain", "plain"),
        ("@now", "@@now"),
        ("a @{x} b", "a @@{x} b"),
        ("@{x}", "@@{x}"),
        ("mail@example.com", "mail@example.com"),
        # WDL returns a string starting with `@@` verbatim after the first `@`: nothing else to escape.
        ("@a@{b}", "@@a@{b}"),
        ("@@{x}", "@@@{x}"),
        ("@{x}@{y}", "@@{x}@{y}"),
        ("a@{x}@{y}", "a@@{x}@@{y}"),
    ],
)
def test_literals_never_become_expressions(text: str, written: str) -> None:
    assert literal(text) == written


def test_dyno_body_is_what_heroku_schema_accepts() -> None:
    job = replace(JOB, env={"PICLETTER_SOURCE": "apod"}, overlap="allow", time_zone="Pacific/Auckland")
    body = build_definition(job, "app-name", "https://api.heroku.com")["actions"]["Start_dyno"]["inputs"]["body"]
    validate_request("POST", "/apps/app-name/dynos", body)
    # attach false, as `heroku run:detached` sends it; the job's date follows the schedule's zone.
    assert body["attach"] is False
    assert body["env"] == {"PICLETTER_SOURCE": "apod", "TZ": "Pacific/Auckland"}


def test_a_job_env_tz_wins_over_the_schedule_zone() -> None:
    job = replace(JOB, env={"TZ": "UTC"}, overlap="allow", time_zone="Pacific/Auckland")
    body = build_definition(job, "app-name", "https://api.heroku.com")["actions"]["Start_dyno"]["inputs"]["body"]
    assert body["env"] == {"TZ": "UTC"}


def test_the_create_is_never_retried_where_a_dyno_may_have_started() -> None:
    actions = build_definition(replace(JOB, overlap="allow"), "app-name", "https://api.heroku.com")["actions"]
    # Logic Apps' retry policy would retry a 5xx or a timeout that came after Heroku created the dyno.
    assert actions["Start_dyno"]["inputs"]["retryPolicy"] == {"type": "none"}
    retry = actions["Retry_if_heroku_refused"]
    assert retry["runAfter"] == {"Start_dyno": ["Failed", "TimedOut"]}
    # Only answers that prove no dyno was created are retried, once.
    assert retry["expression"] == "@contains(createArray(409, 429), outputs('Start_dyno')?['statusCode'])"
    again = retry["actions"]["Start_dyno_again"]
    assert again["inputs"]["retryPolicy"] == {"type": "none"}
    assert again["inputs"]["body"] == actions["Start_dyno"]["inputs"]["body"]
    assert "Start_dyno" not in json.dumps(retry["actions"]["Start_dyno_again"]["inputs"])
    failed = retry["else"]["actions"]["Start_failed"]["inputs"]
    assert failed["runStatus"] == "Failed" and failed["runError"]["code"] == "StartDynoFailed"


def test_overlap_skip_lists_dynos_first_and_cancels_with_a_reason() -> None:
    job = replace(JOB, command="run 'it'")
    definition = build_definition(job, "app-name", "https://api.heroku.com")
    actions = definition["actions"]
    assert list(actions) == ["List_dynos", "Same_command_running", "Skip_if_still_running"]
    assert actions["List_dynos"]["inputs"]["method"] == "GET"
    assert "equals(item()?['command'], 'run ''it''')" in actions["Same_command_running"]["inputs"]["where"]
    cancel = actions["Skip_if_still_running"]["actions"]
    assert cancel["Cancel_overlapping_run"]["inputs"] == {"runStatus": "Cancelled"}
    assert "still running run ''it''" in cancel["Overlap_reason"]["inputs"]
    assert "Start_dyno" in actions["Skip_if_still_running"]["else"]["actions"]


def test_overlap_allow_only_starts_the_dyno() -> None:
    definition = build_definition(replace(JOB, overlap="allow"), "app-name", "https://api.heroku.com/")
    assert list(definition["actions"]) == ["Start_dyno", "Retry_if_heroku_refused"]
    assert definition["actions"]["Start_dyno"]["inputs"]["uri"] == "https://api.heroku.com/apps/app-name/dynos"


def test_every_heroku_call_authenticates_from_the_secure_parameter_and_hides_its_inputs() -> None:
    definition = build_definition(JOB, "app-name", "https://api.heroku.com")
    calls = [
        a
        for a in json.loads(json.dumps(definition), object_hook=lambda o: o)["actions"].values()
        if a.get("type") == "Http"
    ]
    calls.append(definition["actions"]["Skip_if_still_running"]["else"]["actions"]["Start_dyno"])
    for call in calls:
        assert call["inputs"]["authentication"]["value"] == "Bearer @{parameters('herokuApiToken')}"
        assert "inputs" in call["runtimeConfiguration"]["secureData"]["properties"]
    assert definition["parameters"]["herokuApiToken"]["type"] == "SecureString"
