"""infra/workflow/definition.py: the workflow definitions, checked as Logic Apps reads them
(tests/fakes/wdl.py) and run through each way a run can end."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from infra.job_command import CALLBACK_ENV, REPORTER_ENV, RUN_ENV, RUN_NAME, dyno_command, reporter_script
from infra.run_rules import OVERLAPS, blocks_next_run
from infra.settings import JobSettings, NotifyReceiver
from infra.workflow import START_ACTION, build_definition, report_deadline, request_of, url_parameter
from tests.fakes.heroku_api import FakeHeroku
from tests.fakes.heroku_schema import validate_request
from tests.fakes.logic_schema import logic_validator, workflow_resource_errors
from tests.fakes.wdl import RETRY_POLICY_READINGS, Context, Definition, Run, hidden_in_history, retries_allowed, run
from tests.helpers import CANCELLED_TIMEOUT, ENDINGS, NO_DYNOS, REFUSED, SERVER_ERROR, TIMED_OUT, exited
from tests.helpers import WORKFLOW_JOB as JOB
from tests.helpers import WORKFLOW_TOKEN as TOKEN

API = "https://api.heroku.com"
HOURLY = replace(JOB.schedule, frequency="Hour", interval=6, hours=(), minutes=())


def definition(job: JobSettings = JOB, window_start: str | None = None) -> dict[str, Any]:
    return build_definition(job, "app-name", API, window_start)


def variants() -> list[JobSettings]:
    """Every combination of the settings that shape a definition."""
    jobs = []
    for overlap, report, catch_up in itertools.product(OVERLAPS, (True, False), (True, False)):
        schedule = HOURLY if catch_up else JOB.schedule
        jobs.append(replace(JOB, overlap=overlap, report_exit=report, catch_up=catch_up, schedule=schedule))
    return jobs


def run_job(job: JobSettings, **calls: Any) -> Run:
    return run(definition(job), calls, Context(parameters={"herokuRunToken": TOKEN}))


@pytest.mark.parametrize("job", variants(), ids=lambda j: f"{j.overlap}-report{j.report_exit}-cu{j.catch_up}")
def test_every_variant_reads_as_logic_apps_reads_it(job: JobSettings) -> None:
    built = definition(job, "2026-11-23T18:00:00" if job.catch_up else None)
    # Every expression parses, uses documented functions, and refers to actions that ran before it.
    assert Definition(built).problems() == []
    assert workflow_resource_errors(built) == []
    ((name, trigger),) = built["triggers"].items()
    assert list(logic_validator("definitions/WorkflowTriggerRecurrence").iter_errors(trigger["recurrence"])) == []
    assert (name, trigger["type"]) == (
        ("Sliding_Window", "SlidingWindow") if job.catch_up else ("Recurrence", "Recurrence")
    )


def test_the_dyno_is_created_by_the_webhook_with_the_callback_url_in_its_env_only() -> None:
    job = replace(JOB, env={"PICLETTER_SOURCE": "apod"}, overlap="allow", time_zone="Pacific/Auckland")
    start = definition(job)["actions"][START_ACTION]
    assert start["type"] == "HttpWebhook"
    body = start["inputs"]["subscribe"]["body"]
    validate_request("POST", "/apps/app-name/dynos", body)
    assert body["env"] == {
        "PICLETTER_SOURCE": "apod",
        "TZ": "Pacific/Auckland",
        CALLBACK_ENV: "@{listCallbackUrl()}",
        RUN_ENV: RUN_NAME,
        REPORTER_ENV: reporter_script(),
    }
    # Heroku shows commands in `ps` and in the logs: the callback URL (a bearer secret) is never there.
    assert body["command"] == dyno_command(job.name, job.command)
    assert "listCallbackUrl" not in body["command"]
    # Hidden from run history: the inputs (URL and token). The report stays visible as outputs.
    assert start["runtimeConfiguration"] == {"secureData": {"properties": ["inputs"]}}
    # A dyno that never reports ends the run after its time to live, not after Logic Apps' 90 days.
    assert start["limit"] == {"timeout": f"PT{report_deadline(job)}S"}
    assert report_deadline(job) > job.time_to_live


def test_the_callback_url_the_run_name_and_the_reporter_reach_the_dyno_at_run_time() -> None:
    result = run_job(replace(JOB, overlap="allow"), Start_dyno=exited(0))
    env = result.results[START_ACTION]["inputs"]["body"]["env"]
    assert (env[CALLBACK_ENV], env[RUN_ENV]) == (Context().callback_url, Context().run_name)
    # The reporter's text is taken literally (it is no expression, whatever it holds).
    assert env[REPORTER_ENV] == reporter_script()


@pytest.mark.parametrize("report", [True, False])
def test_every_dyno_carries_the_reporter_and_names_its_job_on_any_app(report: bool) -> None:
    job = replace(JOB, overlap="allow", report_exit=report)
    result = run_job(job, Start_dyno=exited(0))
    body = result.results[START_ACTION]["inputs"]["body"]
    assert body["command"] == dyno_command(job.name, job.command)
    assert (RUN_ENV in body["env"], REPORTER_ENV in body["env"], CALLBACK_ENV in body["env"]) == (True, True, report)


def test_a_job_env_tz_wins_over_the_schedule_zone() -> None:
    job = replace(JOB, env={"TZ": "UTC"}, overlap="allow", time_zone="Pacific/Auckland")
    assert definition(job)["actions"][START_ACTION]["inputs"]["subscribe"]["body"]["env"]["TZ"] == "UTC"


def test_without_report_exit_the_plain_create_starts_the_dyno() -> None:
    job = replace(JOB, overlap="allow", report_exit=False)
    start = definition(job)["actions"][START_ACTION]
    assert start["type"] == "Http"
    validate_request("POST", "/apps/app-name/dynos", start["inputs"]["body"])
    assert CALLBACK_ENV not in start["inputs"]["body"]["env"]
    result = run_job(job)
    assert (result.status, result.ran) == ("Succeeded", [START_ACTION])


@pytest.mark.parametrize("job", [replace(JOB, overlap="allow"), JOB], ids=["allow", "skip"])
def test_a_run_succeeds_only_on_exit_status_zero(job: JobSettings) -> None:
    assert run_job(job, List_dynos={"outputs": {"body": []}}, Start_dyno=exited(0)).status == "Succeeded"
    failed = run_job(job, List_dynos={"outputs": {"body": []}}, Start_dyno=exited(3, "run.4821"))
    assert failed.status == "Failed"
    assert failed.error is not None and failed.error["code"] == "JobFailed"
    assert failed.error["message"].startswith(f"job {JOB.name} exited with status 3 on dyno run.4821;")


def test_a_report_without_an_exit_status_fails_the_run() -> None:
    result = run_job(replace(JOB, overlap="allow"), Start_dyno={"outputs": {"body": {"dyno": "run.1"}}})
    assert result.status == "Failed" and result.error is not None and result.error["code"] == "JobFailed"


def test_no_report_before_the_deadline_fails_with_its_own_code() -> None:
    # Microsoft documents a timed-out asynchronous action as TimedOut in runAfter; see
    # docs/explanation/what-only-the-clouds-can-confirm.md for what the run shows if Logic Apps marks it
    # Cancelled instead.
    result = run_job(replace(JOB, overlap="allow"), Start_dyno={"status": "TimedOut"})
    assert result.status == "Failed" and result.error is not None
    assert result.error["code"] == "NoExitReport" and str(report_deadline(JOB)) in result.error["message"]


def test_a_refused_create_is_retried_once_and_its_exit_status_still_decides() -> None:
    refused = {"status": "Failed", "outputs": {"statusCode": 429}}
    result = run_job(replace(JOB, overlap="allow"), Start_dyno=refused, Start_dyno_again=exited(0))
    assert result.status == "Succeeded"
    assert result.ran == [
        START_ACTION,
        "Retry_if_heroku_refused",
        "Wait_before_retry",
        "Start_dyno_again",
        "Check_exit_status_again",
        "Succeeded_after_retry",
    ]
    again = run_job(replace(JOB, overlap="allow"), Start_dyno=refused, Start_dyno_again=exited(1))
    assert again.status == "Failed" and again.error is not None and again.error["code"] == "JobFailed"


@pytest.mark.parametrize(
    "answer",
    [{"statusCode": 500}, {"statusCode": 504}, {}],
    ids=["5xx", "gateway-timeout", "outputs-without-status"],
)
def test_a_create_that_may_have_started_a_dyno_is_never_retried(answer: dict[str, Any]) -> None:
    # A 5xx or a timeout can come after Heroku created the dyno; what a failed subscribe's outputs
    # hold Microsoft does not document, so one without a status code is not retried either.
    actions = definition(replace(JOB, overlap="allow"))["actions"]
    assert actions[START_ACTION]["inputs"]["retryPolicy"] == {"type": "none"}
    result = run_job(replace(JOB, overlap="allow"), Start_dyno={"status": "Failed", "outputs": answer})
    assert result.status == "Failed" and result.error is not None and result.error["code"] == "StartDynoFailed"
    assert "Start_dyno_again" not in result.ran
    assert result.error["message"].startswith(f"POST /dynos answered {answer.get('statusCode', 'no status code')}: ")


DYNOS = [
    {"type": "run", "state": state, "command": command, "name": "run.5"}
    for state in ("starting", "up", "crashed", "down", "idle")
    for command in (
        dyno_command(JOB.name, JOB.command),
        dyno_command(JOB.name, "another --command"),
        dyno_command(f"{JOB.name}-2", JOB.command),
        dyno_command(JOB.name, JOB.command).upper(),
        JOB.command,
        "bash",
    )
] + [{"type": "web", "state": "up", "command": dyno_command(JOB.name, JOB.command), "name": "web.1"}]


@pytest.mark.parametrize("equals_ignores_case", [False, True])
def test_skip_cancels_exactly_when_the_rule_says_the_jobs_dyno_is_running(equals_ignores_case: bool) -> None:
    job = JOB
    for dyno in DYNOS:
        context = Context(parameters={"herokuRunToken": "token"}, equals_ignores_case=equals_ignores_case)
        result = run(definition(job), {"List_dynos": {"outputs": {"body": [dyno]}}, START_ACTION: exited(0)}, context)
        blocked = blocks_next_run(dyno, job.name)
        assert result.status == ("Cancelled" if blocked else "Succeeded"), dyno
        assert (START_ACTION in result.ran) is not blocked
        if blocked:
            reason = result.results["Overlap_reason"]["outputs"]
            assert reason == f"Skipped: dyno run.5 of job {JOB.name} is still {dyno['state']} (overlap: skip)"


def app_with_dynos(others: int, job_dyno_last: bool = True) -> FakeHeroku:
    """A fake Heroku whose app runs OTHERS dynos of another process and the job's dyno, whose id
    sorts last (the list is ranged by id: Platform API reference, "Ranges")."""
    fake = FakeHeroku()
    app = fake.add_app("app-name")
    for number in range(others):
        app.dynos[f"worker.{number}"] = {
            "id": f"00000000-0000-0000-0000-{number:012d}",
            "name": f"worker.{number}",
            "type": "worker",
            "state": "up",
            "command": "bin/worker",
        }
    app.dynos["run.5"] = {
        "id": "ffffffff-0000-0000-0000-000000000000",
        "name": "run.5",
        "type": "run",
        "state": "up",
        "command": dyno_command(JOB.name, JOB.command),
    }
    return fake


def heroku_answers(fake: FakeHeroku, action: dict[str, Any]) -> dict[str, Any]:
    """What the fake Heroku API answers ACTION's request, as the HTTP action's result."""
    request = request_of(action)
    headers = {**request["headers"], "Authorization": f"Bearer {fake.token}"}
    answer = fake.respond(request["method"], urlsplit(request["uri"]).path, headers, b"")
    assert isinstance(answer, tuple)
    status, reply_headers, body = answer
    return {"status": "Succeeded", "outputs": {"statusCode": status, "headers": reply_headers, "body": body}}


@pytest.mark.parametrize("retries", [0, 2])
def test_skip_finds_the_jobs_dyno_among_more_dynos_than_a_default_page(retries: int) -> None:
    # Heroku answers a list with at most 200 items unless the Range asks for up to 1000.
    job = replace(JOB, retries=retries)
    actions = Definition(definition(job)).actions
    fake = app_with_dynos(250)
    lists = {name: heroku_answers(fake, actions[name]) for name in actions if name.startswith("List_dynos")}
    assert fake.violations == []
    result = run_job(job, **lists, Start_dyno=exited(1))
    assert (result.status, START_ACTION in result.ran) == ("Cancelled", False)
    assert result.results["Overlap_reason"]["outputs"] == (
        f"Skipped: dyno run.5 of job {JOB.name} is still up (overlap: skip)"
    )


def test_skip_does_not_start_a_dyno_when_the_list_is_only_a_first_page() -> None:
    # Over 1000 dynos Heroku answers 206 Partial Content with the first page: the job's dyno may be
    # on a later one, so the guard cannot tell and the run is skipped, saying why.
    fake = app_with_dynos(1001)
    answer = heroku_answers(fake, definition(JOB)["actions"]["List_dynos"])
    assert answer["outputs"]["statusCode"] == 206 and len(answer["outputs"]["body"]) == 1000
    result = run_job(JOB, List_dynos=answer, Start_dyno=exited(0))
    assert (result.status, START_ACTION in result.ran) == ("Cancelled", False)
    assert "more than 1000 dynos" in result.results["Overlap_reason"]["outputs"]
    assert "inputs" not in hidden_in_history(definition(JOB))["Overlap_reason"]


def test_only_queue_limits_the_triggers_concurrency() -> None:
    for overlap in OVERLAPS:
        trigger = definition(replace(JOB, overlap=overlap))["triggers"]["Recurrence"]
        # No maximumWaitingRuns: Microsoft's minimum is 10 plus the concurrency, and the Recurrence
        # trigger does not apply it; the Skip_if_overtaken guard bounds the backlog instead.
        expected = {"concurrency": {"runs": 1}} if overlap == "queue" else None
        assert trigger.get("runtimeConfiguration") == expected
    assert "List_dynos" not in Definition(definition(replace(JOB, overlap="queue"))).actions


def test_catch_up_uses_a_sliding_window_from_its_pinned_start() -> None:
    job = replace(JOB, catch_up=True, schedule=HOURLY, overlap="allow")
    trigger = definition(job, "2026-11-23T18:00:00")["triggers"]["Sliding_Window"]
    assert trigger["recurrence"] == {
        "frequency": "Hour",
        "interval": 6,
        "timeZone": "UTC",
        "startTime": "2026-11-23T18:00:00",
    }
    with pytest.raises(ValueError, match="needs a start time"):
        definition(job)


def test_every_heroku_call_authenticates_from_the_secure_parameter_and_hides_its_inputs() -> None:
    built = Definition(definition(JOB))
    calls = [a for a in built.actions.values() if a["type"] in ("Http", "HttpWebhook")]
    assert len(calls) == 3
    for call in calls:
        request = request_of(call)
        assert request["authentication"]["value"] == "Bearer @{parameters('herokuRunToken')}"
        assert "inputs" in call["runtimeConfiguration"]["secureData"]["properties"]
    assert built.raw["parameters"]["herokuRunToken"]["type"] == "SecureString"
    assert "token" not in json.dumps(built.raw).lower().replace("herokuruntoken", "")


@pytest.mark.parametrize(
    ("break_it", "problem"),
    [
        (
            lambda a: a["Check_exit_status"].update(expression="@equals(body('Start_dyno_later')?['x'], 0)"),
            "ran before",
        ),
        (lambda a: a["Check_exit_status"].update(expression="@equal(1, 0)"), "not a function"),
        (lambda a: a["Check_exit_status"].update(expression="@equals(1)"), "takes 2 to 2"),
        (lambda a: a["Check_exit_status"].update(expression="@equals(item(), 0)"), "item() outside"),
        (lambda a: a["Check_exit_status"].update(runAfter={START_ACTION: ["Cancelled"]}), "runAfter status"),
        (lambda a: a["No_exit_report"]["inputs"].update(runStatus="@{listCallbackUrl()}"), "outside a webhook"),
        (lambda a: a["Check_exit_status"].update(expression="@equals(body('Start_dyno'), 0"), "expected )"),
        # The run token's parameter before it was renamed: no longer declared.
        (
            lambda a: a[START_ACTION]["inputs"].update(
                authentication={"type": "Raw", "value": "Bearer @{parameters('herokuApiToken')}"}
            ),
            "parameters('herokuApiToken') is not declared",
        ),
    ],
)
def test_the_definition_checker_finds_what_logic_apps_would_refuse(break_it: Any, problem: str) -> None:
    built = definition(replace(JOB, overlap="allow"))
    break_it(built["actions"])
    assert any(problem in found for found in Definition(built).problems())


REPORTING = [JOB, replace(JOB, overlap="allow"), replace(JOB, overlap="queue")]
REPORTING_IDS = ["skip", "allow", "queue"]


def ended_by(result: Run) -> str:
    """The Terminate that ended RESULT's run."""
    (name,) = [n for n, r in result.results.items() if r["status"] != "Skipped" and "runStatus" in r.get("inputs", {})]
    return name


def start_variants() -> list[tuple[JobSettings, tuple[NotifyReceiver, ...]]]:
    """Every definition variant, with and without job retries and notifications."""
    receivers = (NotifyReceiver("slack", "https://hooks.slack.com/services/T/B/x"),)
    return [
        (replace(job, retries=retries), notify)
        for job, retries, notify in itertools.product(variants(), (0, 2), ((), receivers))
    ]


@pytest.mark.parametrize(
    ("job", "notify"),
    start_variants(),
    ids=lambda v: (
        f"{v.overlap}-report{v.report_exit}-cu{v.catch_up}-r{v.retries}"
        if isinstance(v, JobSettings)
        else f"notify{len(v)}"
    ),
)
@pytest.mark.parametrize("policy_at", RETRY_POLICY_READINGS)
@pytest.mark.parametrize("answer", [SERVER_ERROR, {"status": "Failed", "outputs": {"statusCode": 408}}])
def test_the_create_is_sent_once_whatever_heroku_answers(
    job: JobSettings, notify: tuple[NotifyReceiver, ...], policy_at: str, answer: dict[str, Any]
) -> None:
    # A 5xx or a timeout can come after Heroku created the dyno: a resent create would run the job
    # twice. Sources disagree on where the runtime reads a webhook's retry policy (tests/fakes/wdl.py):
    # under either reading, no start of any attempt is ever resent.
    built = build_definition(job, "app-name", API, "2026-11-23T18:00:00", notify)
    starts = {n: a for n, a in Definition(built).actions.items() if n.startswith(START_ACTION)}
    assert len(starts) == 2 * (job.retries + 1)
    assert all(retries_allowed(action, policy_at) == 0 for action in starts.values())
    calls = {"List_dynos": NO_DYNOS, START_ACTION: answer}
    parameters = {"herokuRunToken": TOKEN, **{url_parameter(i): r.url for i, r in enumerate(notify)}}
    result = run(built, calls, Context(parameters=parameters, retry_policy_at=policy_at))
    assert result.results[START_ACTION]["attempts"] == 1
    assert [n for n in result.ran if n.startswith(START_ACTION)] == [START_ACTION]
    assert result.status == "Failed" and result.error is not None and result.error["code"] == "StartDynoFailed"


def test_the_dyno_list_is_read_again_after_a_5xx() -> None:
    result = run_job(JOB, List_dynos=[SERVER_ERROR, NO_DYNOS], Start_dyno=exited(0))
    assert result.results["List_dynos"]["attempts"] == 2
    assert result.status == "Succeeded"


@pytest.mark.parametrize("job", REPORTING, ids=REPORTING_IDS)
@pytest.mark.parametrize(("ending", "calls", "status", "code"), ENDINGS, ids=[e[0] for e in ENDINGS])
def test_every_ending_gives_the_intended_run_status(
    job: JobSettings, ending: str, calls: dict[str, Any], status: str, code: str | None
) -> None:
    # Microsoft's rule (tests/fakes/wdl.py): a branch ending Skipped takes its predecessor's
    # status; any failed branch fails the run. A retry that works must end the run Succeeded, or
    # RunsFailed alerts and an operator re-runs a job that ran.
    result = run_job(job, List_dynos=NO_DYNOS, **calls)
    assert (result.status, result.error and result.error["code"]) == (status, code), result.results
    if status == "Failed":
        # The message the README points at is in the Terminate's inputs: visible in run history.
        assert "inputs" not in hidden_in_history(definition(job))[ended_by(result)]
    starts = [n for n in result.ran if n.startswith(START_ACTION)]
    assert sum(result.results[n]["attempts"] for n in starts) == len(starts) <= 2


@pytest.mark.parametrize("job", [replace(JOB, overlap="allow", report_exit=False), replace(JOB, report_exit=False)])
@pytest.mark.parametrize(
    ("calls", "status"),
    [
        ({START_ACTION: {}}, "Succeeded"),
        ({START_ACTION: REFUSED, "Start_dyno_again": {}}, "Succeeded"),
        ({START_ACTION: REFUSED, "Start_dyno_again": REFUSED}, "Failed"),
        ({START_ACTION: TIMED_OUT}, "Failed"),
    ],
)
def test_without_report_exit_a_started_dyno_is_success(job: JobSettings, calls: dict[str, Any], status: str) -> None:
    result = run_job(job, List_dynos=NO_DYNOS, **calls)
    assert result.status == status
    # A timed-out create (a plain HTTP action here) is not resent either.
    assert all(result.results[n]["attempts"] == 1 for n in result.ran if n.startswith(START_ACTION))


def test_failure_messages_are_readable_in_run_history_and_secrets_are_not() -> None:
    job = replace(JOB, overlap="allow")
    failed = run_job(job, Start_dyno=exited(3, "run.4821"))
    assert failed.error is not None
    assert failed.error["message"].startswith(f"job {JOB.name} exited with status 3 on dyno run.4821;")
    refused = run_job(job, Start_dyno=REFUSED, Start_dyno_again=SERVER_ERROR)
    assert refused.error is not None and refused.error["message"].startswith(
        'POST /dynos answered 503: {"id": "unavailable", "message": "later"}; not retried'
    )
    skipped = run_job(JOB, List_dynos=NO_DYNOS, Start_dyno=exited(0))
    for result, hidden in (
        (failed, hidden_in_history(definition(job))),
        (refused, hidden_in_history(definition(job))),
        (skipped, hidden_in_history(definition(JOB))),
    ):
        for name, outcome in result.results.items():
            shown = json.dumps({part: outcome.get(part) for part in ("inputs", "outputs") if part not in hidden[name]})
            assert TOKEN not in shown and Context().callback_url not in shown, name


def test_the_dyno_list_is_hidden_and_the_skip_reason_is_not() -> None:
    # GET /dynos lists every dyno's command and, for attached dynos, attach_url: kept 90 days.
    built = definition(JOB)
    hidden = hidden_in_history(built)
    assert hidden["List_dynos"] == {"inputs", "outputs"}
    assert hidden["Overlap_reason"] == set()
    up = {"type": "run", "state": "up", "command": dyno_command(JOB.name, JOB.command), "name": "run.5"}
    result = run_job(JOB, List_dynos={"outputs": {"body": [up]}})
    assert result.status == "Cancelled"
    assert result.results["Overlap_reason"]["outputs"].startswith("Skipped: dyno run.5")


@pytest.mark.parametrize("job", REPORTING, ids=REPORTING_IDS)
@pytest.mark.parametrize("code", [409, 429, "409", "429", "Conflict", "TooManyRequests"])
def test_a_refusal_is_recognised_as_a_number_or_a_string(job: JobSettings, code: Any) -> None:
    # Microsoft documents an HTTP action's status code as an Integer; the designer's static results
    # for HTTP Webhook take it as a string, a name ("TooManyRequests") or digits (LogicAppsUX
    # staticresultschema/schemas/httpresult.ts). Each reading is retried.
    refused = {"status": "Failed", "outputs": {"statusCode": code}}
    result = run_job(job, List_dynos=NO_DYNOS, Start_dyno=refused, Start_dyno_again=exited(0))
    assert result.status == "Succeeded" and "Start_dyno_again" in result.ran


@pytest.mark.parametrize("job", REPORTING, ids=REPORTING_IDS)
@pytest.mark.parametrize(
    "answer",
    [{"status": "Failed"}, {"status": "Failed", "outputs": {}}, {"status": "Failed", "outputs": {"body": "x"}}],
    ids=["no-outputs", "empty-outputs", "no-status-code"],
)
def test_a_failed_subscribe_without_a_status_code_fails_with_a_message_and_no_retry(
    job: JobSettings, answer: dict[str, Any]
) -> None:
    # The HTTP Webhook manifest lists outputs body, headers and queries only: a failed subscribe
    # may carry no status code, or no outputs at all. The dyno may have started: never retried.
    result = run_job(job, List_dynos=NO_DYNOS, Start_dyno=answer)
    assert result.status == "Failed" and result.error is not None, result.results
    assert result.error["code"] == "StartDynoFailed"
    assert result.error["message"].startswith("POST /dynos answered no status code")
    assert "Start_dyno_again" not in result.ran


@pytest.mark.parametrize("job", REPORTING, ids=REPORTING_IDS)
def test_a_timed_out_wait_never_ends_succeeded_under_either_reading(job: JobSettings) -> None:
    timed_out = run_job(job, List_dynos=NO_DYNOS, Start_dyno=TIMED_OUT)
    assert timed_out.status == "Failed" and timed_out.error is not None
    assert timed_out.error["code"] == "NoExitReport"
    # Read as Cancelled with ActionTimedOut, every ending after it is Skipped (runAfter has no
    # Cancelled): No_exit_report_cancelled, after all of them, fails the run the same way; no
    # second dyno is started, and Start_dyno shows the code.
    cancelled = run_job(job, List_dynos=NO_DYNOS, Start_dyno=CANCELLED_TIMEOUT)
    assert cancelled.status == "Failed" and cancelled.error is not None
    assert cancelled.error["code"] == "NoExitReport"
    assert "the wait was cancelled: ActionTimedOut" in cancelled.error["message"]
    assert [n for n in cancelled.ran if n.startswith(START_ACTION)] == [START_ACTION]
    assert cancelled.results[START_ACTION]["code"] == "ActionTimedOut"
    # Should the cancel end the run at once, nothing in the workflow can act on it: the run is
    # Cancelled, never Succeeded, and `history` shows it as the failure it is (test_history.py).
    context = Context(parameters={"herokuRunToken": TOKEN}, cancel_ends_run=True)
    stopped = run(definition(job), {"List_dynos": NO_DYNOS, START_ACTION: CANCELLED_TIMEOUT}, context)
    assert stopped.status == "Cancelled"
    assert [n for n in stopped.ran if n.startswith(START_ACTION)] == [START_ACTION]


def queued_run(job: JobSettings, due: str, now: datetime, trigger: dict[str, str] | None = None) -> Run:
    context = Context(
        parameters={"herokuRunToken": TOKEN},
        trigger={"scheduledTime": due, "startTime": due} if trigger is None else trigger,
        now=now,
    )
    return run(definition(job), {START_ACTION: exited(0)}, context)


def test_queue_cancels_a_run_that_waited_past_its_next_recurrence() -> None:
    job = replace(JOB, overlap="queue")  # daily at 07:00
    due = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    on_time = queued_run(job, "2026-11-24T07:00:00Z", due + timedelta(hours=23, minutes=59))
    assert on_time.status == "Succeeded" and START_ACTION in on_time.ran
    late = queued_run(job, "2026-11-24T07:00:00Z", due + timedelta(hours=24, seconds=1))
    assert late.status == "Cancelled" and START_ACTION not in late.ran
    reason = late.results["Overtaken_reason"]["outputs"]
    assert reason.startswith(f"Skipped: this run of job {JOB.name} was due at 2026-11-24T07:00:00")
    assert hidden_in_history(definition(job))["Overtaken_reason"] == set()


def test_queue_waits_by_the_gap_after_the_runs_own_slot() -> None:
    # 07:00 and 08:00 in Berlin: after 07:00 the next run is an hour away, after 08:00 23 hours.
    schedule = replace(JOB.schedule, time_zone="W. Europe Standard Time", iana_zone="Europe/Berlin", hours=(7, 8))
    job = replace(JOB, overlap="queue", schedule=schedule)
    seven, eight = "2026-11-24T06:00:00Z", "2026-11-24T07:00:00Z"  # 07:00 and 08:00 CET
    assert queued_run(job, seven, datetime(2026, 11, 24, 7, 1, tzinfo=UTC)).status == "Cancelled"
    assert queued_run(job, seven, datetime(2026, 11, 24, 6, 59, tzinfo=UTC)).status == "Succeeded"
    assert queued_run(job, eight, datetime(2026, 11, 24, 9, 0, tzinfo=UTC)).status == "Succeeded"
    assert queued_run(job, eight, datetime(2026, 11, 25, 6, 1, tzinfo=UTC)).status == "Cancelled"
    assert "'HH:mm'" in definition(job)["actions"]["Skip_if_overtaken"]["expression"]


def test_queue_never_cancels_when_the_trigger_carries_no_time() -> None:
    # If trigger() held neither scheduledTime nor startTime, the run counts as due now: it runs.
    job = replace(JOB, overlap="queue")
    result = queued_run(job, "", datetime(2026, 12, 30, tzinfo=UTC), trigger={})
    assert result.status == "Succeeded" and START_ACTION in result.ran


PLAIN_ENDINGS: list[tuple[str, dict[str, Any], str, str | None]] = [
    ("started", {START_ACTION: {}}, "Succeeded", None),
    ("refused, then started", {START_ACTION: REFUSED, "Start_dyno_again": {}}, "Succeeded", None),
    ("refused twice", {START_ACTION: REFUSED, "Start_dyno_again": REFUSED}, "Failed", "StartDynoFailed"),
    ("a 5xx", {START_ACTION: SERVER_ERROR}, "Failed", "StartDynoFailed"),
    ("timed out", {START_ACTION: TIMED_OUT}, "Failed", "StartDynoFailed"),
]


@pytest.mark.parametrize("job", variants(), ids=lambda j: f"{j.overlap}-report{j.report_exit}-cu{j.catch_up}")
def test_every_variant_runs_through_every_ending(job: JobSettings) -> None:
    built = definition(job, "2026-11-23T18:00:00" if job.catch_up else None)
    for ending, calls, status, code in ENDINGS if job.report_exit else PLAIN_ENDINGS:
        result = run(built, {"List_dynos": NO_DYNOS, **calls}, Context(parameters={"herokuRunToken": TOKEN}))
        assert (result.status, result.error and result.error["code"]) == (status, code), ending
