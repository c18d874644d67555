"""Run history lines from the Logic Apps API: every way a run ends, read through the fake ARM API
whose runs come from the real workflow definitions."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from infra.azure.client import LogicAppsClient
from infra.azure.history import (
    REASON_ACTIONS,
    REPORT_ACTIONS,
    TERMINATE_CODES,
    RunRecord,
    contents_to_read,
    format_duration,
    format_line,
    newest_first,
    parse_time,
    run_record,
    split_attempt,
)
from infra.azure.workflow_ref import parse_workflow_id
from infra.run_rules import OVERLAPS
from infra.workflow import all_actions, build_definition
from tests.fakes.logic_api import CONTENT_SIGNATURE, OUTCOMES, ArmCredential, FakeLogicApps, workflow_id
from tests.helpers import stack_settings

JOB = stack_settings(herokuApp="picletter-test", herokuApiToken="t", location="x").jobs[0]
REF = parse_workflow_id(workflow_id("wf-job"))
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

# outcome -> (status, exit status, dyno, error code, what the line says)
EXPECTED = {
    "succeeded": ("Succeeded", 0, "run.7", None, None),
    "job_failed": ("Failed", 3, "run.4821", "JobFailed", "exited with status 3 on dyno run.4821"),
    "no_report": ("Failed", None, None, "NoExitReport", "no exit status within"),
    "start_refused": ("Failed", None, None, "StartDynoFailed", "POST /dynos answered 500"),
    "retried": ("Succeeded", 0, "run.8", None, None),
    "skipped": ("Cancelled", None, None, None, "Skipped: dyno run.9 of job picletter is still up"),
    "guard_failed": ("Failed", None, None, "ActionFailed", "action List_dynos Failed (401)"),
    "running": ("Running", None, None, None, "waiting for the job's exit report (Start_dyno)"),
    "waiting": ("Waiting", None, None, None, "queued"),
}


def records(fake: FakeLogicApps) -> list[RunRecord]:
    with LogicAppsClient(ArmCredential(), base_url=fake.url) as client:
        found = []
        for run in client.runs(REF):
            actions = client.run_actions(REF, run["name"])
            contents = {name: client.content(link, name) for name, link in contents_to_read(actions).items()}
            found.append(run_record(run, actions, contents))
    return found


def _every_variant_action() -> dict[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {}
    for overlap, report, retries in itertools.product(OVERLAPS, (True, False), (0, 2)):
        if retries and not report:
            continue  # refused by the settings: retries need the exit report
        job = replace(JOB, overlap=overlap, report_exit=report, retries=retries)
        try:
            definition = build_definition(job, "app", "https://api.heroku.com")
        except ValueError:
            continue  # a combination the settings refuse
        found.update(all_actions(definition["actions"]))
    return found


def test_the_tables_follow_the_workflow_definitions() -> None:
    """Both ways: a name the tables hold is an action of some definition (a rename fails here), and
    every action that plays one of the roles is in its table (a new ending fails here)."""
    actions = _every_variant_action()
    bases = {split_attempt(name)[0] for name in actions}
    assert set(REPORT_ACTIONS) <= bases
    assert set(REASON_ACTIONS) <= bases
    assert set(TERMINATE_CODES) <= bases
    # Later attempts repeat the first's names with a suffix: the tables hold the first's.
    webhooks = {split_attempt(name)[0] for name, action in actions.items() if action["type"] == "HttpWebhook"}
    assert webhooks == set(REPORT_ACTIONS)
    assert any(split_attempt(name)[1] == 3 for name in actions), "a variant with retries is checked"
    failing = {
        split_attempt(name)[0]: action["inputs"]["runError"]["code"]
        for name, action in actions.items()
        if action["type"] == "Terminate" and "runError" in action["inputs"]
    }
    assert failing == TERMINATE_CODES
    # A run that cancels itself says why in a Compose the Terminate runs after.
    reasons = {
        before
        for action in actions.values()
        if action["type"] == "Terminate" and action["inputs"].get("runStatus") == "Cancelled"
        for before in action.get("runAfter", {})
        if actions[before]["type"] == "Compose"
    }
    assert reasons == set(REASON_ACTIONS)


def test_every_outcome_reads_as_one_record(fake_logic: FakeLogicApps) -> None:
    workflow = fake_logic.add_workflow("wf-job", JOB)
    for outcome in OUTCOMES:
        fake_logic.add_run(workflow, outcome)
    found = records(fake_logic)
    assert len(found) == len(OUTCOMES)
    # Newest first, as Logic Apps lists runs.
    by_outcome = dict(zip(reversed(OUTCOMES), found, strict=True))
    for outcome, (status, exit_status, dyno, code, says) in EXPECTED.items():
        record = by_outcome[outcome]
        assert (record.status, record.exit_status, record.dyno, record.error_code) == (
            status,
            exit_status,
            dyno,
            code,
        ), outcome
        line = format_line(record, now=NOW)
        if says:
            assert says in line, (outcome, line)
        assert CONTENT_SIGNATURE not in line
    assert by_outcome["succeeded"].job == JOB.name
    # The webhook's outputs (the report) and the Compose's were read through their content links,
    # without the ARM token (the fake records it as a violation otherwise).
    assert any(r.path.startswith("/content/") for r in fake_logic.requests)


@pytest.mark.parametrize("in_body", [False, True], ids=["compose-bare", "compose-in-body"])
def test_the_skip_reason_is_read_bare_or_as_body(fake_logic: FakeLogicApps, in_body: bool) -> None:
    """Microsoft does not say how a Compose's outputs sit behind its outputsLink: both are read."""
    fake_logic.compose_outputs_in_body = in_body
    fake_logic.add_run(fake_logic.add_workflow("wf-job", JOB), "skipped")
    (record,) = records(fake_logic)
    assert record.reason == "Skipped: dyno run.9 of job picletter is still up (overlap: skip)"


@pytest.mark.parametrize(
    "content",
    [{"headers": {}, "body": {"exitStatus": 1, "dyno": "run.2", "job": "job"}}, {"exitStatus": 1, "dyno": "run.2"}],
    ids=["headers-and-body", "bare-body"],
)
def test_the_exit_report_is_read_from_the_webhooks_outputs(content: object) -> None:
    run = {"name": "r", "properties": {"status": "Failed", "startTime": "2026-11-25T07:00:00Z"}}
    actions = [{"name": "Start_dyno", "properties": {"status": "Succeeded", "outputsLink": {"uri": "https://x/y"}}}]
    assert list(contents_to_read(actions)) == ["Start_dyno"]
    record = run_record(run, actions, {"Start_dyno": content})
    assert (record.exit_status, record.dyno) == (1, "run.2")


def test_after_a_retry_the_retrys_report_is_read() -> None:
    ok = {"status": "Succeeded", "outputsLink": {"uri": "https://x/y"}}
    actions = [{"name": "Start_dyno", "properties": ok}, {"name": "Start_dyno_again", "properties": ok}]
    assert list(contents_to_read(actions)) == ["Start_dyno_again"]


def test_a_report_of_the_wrong_shape_shows_no_exit_status() -> None:
    run = {"name": "r", "properties": {"status": "Succeeded"}}
    record = run_record(run, [], {"Start_dyno": {"body": {"exitStatus": "0", "dyno": 5}}})
    assert (record.exit_status, record.dyno) == (None, None)
    assert run_record(run, [], {"Start_dyno": {"body": {"exitStatus": True}}}).exit_status is None


def test_a_failed_run_without_an_error_names_the_terminate_that_ran() -> None:
    run = {"name": "r", "properties": {"status": "Failed"}}
    actions = [{"name": "No_exit_report", "properties": {"status": "Succeeded"}}]
    assert run_record(run, actions, {}).error_code == "NoExitReport"


def test_times_as_arm_writes_them() -> None:
    assert parse_time("2018-08-10T20:16:32.5779999Z") == datetime(2018, 8, 10, 20, 16, 32, 577999, tzinfo=UTC)
    assert parse_time("2018-08-10T20:16:32Z") == datetime(2018, 8, 10, 20, 16, 32, tzinfo=UTC)
    assert parse_time("yesterday") is None
    assert parse_time(None) is None
    assert [format_duration(s) for s in (None, 5, 65, 3725)] == ["-", "5s", "1m05s", "1h02m"]


def test_a_line_shows_local_and_utc_times_and_the_duration_so_far() -> None:
    record = RunRecord("r1", "Running", parse_time("2026-11-25T06:00:00Z"), None, waiting_on="Start_dyno")
    line = format_line(record, now=NOW, zone=ZoneInfo("Europe/Berlin"))
    assert line.startswith("2026-11-25 07:00:00 CET (06:00 UTC)")
    assert "6h00m" in line and "waiting for the job's exit report" in line
    assert record.as_json(NOW)["durationSeconds"] == 6 * 3600


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (
            {"status": "Cancelled", "code": "ActionTimedOut"},
            (
                "Failed",
                "NoExitReport",
                "no exit report before the deadline: action Start_dyno Cancelled (ActionTimedOut); "
                "Azure shows the run Cancelled",
            ),
        ),
        ({"status": "Cancelled"}, ("Cancelled", "Cancelled", "action Start_dyno Cancelled")),
    ],
    ids=["webhook-timeout-read-as-cancel", "cancelled-by-hand"],
)
def test_a_cancelled_run_without_a_reason_names_the_cancelled_action(
    action: dict[str, str], expected: tuple[str, str, str]
) -> None:
    """Microsoft's pages differ on whether a webhook's timeout ends it TimedOut or Cancelled with
    ActionTimedOut; should the cancel end the run before No_exit_report_cancelled runs, the line
    shows the failure it is: no report came in time. A run cancelled by hand stays Cancelled."""
    run = {"name": "r", "properties": {"status": "Cancelled"}}
    actions = [
        {"name": "List_dynos", "properties": {"status": "Succeeded"}},
        {"name": "Start_dyno", "properties": action},
    ]
    record = run_record(run, actions, {})
    assert (record.status, record.error_code, record.error_message) == expected
    assert record.status in format_line(record, now=NOW)


def test_without_report_exit_the_start_actions_outputs_stay_hidden(fake_logic: FakeLogicApps) -> None:
    """reportExit: false starts the dyno with a plain HTTP action whose inputs and outputs are
    secured: history shows the run, no exit status, and reads no content link."""
    job = replace(JOB, report_exit=False, overlap="allow")
    fake_logic.add_run(fake_logic.add_workflow("wf-job", job), "succeeded")
    (record,) = records(fake_logic)
    assert (record.status, record.exit_status, record.dyno) == ("Succeeded", None, None)
    assert not [r for r in fake_logic.requests if r.path.startswith("/content/")]


def test_a_retried_job_shows_its_last_attempt(fake_logic: FakeLogicApps) -> None:
    fake_logic.add_run(fake_logic.add_workflow("wf-job", replace(JOB, retries=1)), "failed_then_succeeded")
    (record,) = records(fake_logic)
    assert (record.status, record.exit_status, record.dyno, record.attempt) == ("Succeeded", 0, "run.5", 2)
    assert "(attempt 2)" in format_line(record, now=NOW)


def test_runs_of_several_listings_come_newest_first_reading_each_only_as_far_as_needed() -> None:
    def listing(name: str, starts: list[str], read: list[str]) -> Iterator[dict[str, Any]]:
        for start in starts:
            read.append(f"{name}@{start}")
            yield {"name": f"{name}@{start}", "properties": {"startTime": f"2026-11-25T{start}:00Z"}}

    read: list[str] = []
    merged = newest_first([listing("failed", ["07:05", "07:01"], read), listing("cancelled", ["07:03", "07:02"], read)])
    assert [next(merged)["name"] for _ in range(2)] == ["failed@07:05", "cancelled@07:03"]
    assert "failed@07:01" in read and "cancelled@07:02" not in read, "the rest is not read yet"
    assert [run["name"] for run in merged] == ["cancelled@07:02", "failed@07:01"]
