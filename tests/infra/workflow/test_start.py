"""infra/workflow/start.py, the start and its attempts. Job retries (`retries`): every ending with
0, 1 and 3 retries, run through the workflow fake
(tests/fakes/wdl.py, Microsoft's run-status rules), for each overlap rule."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from infra.job_command import dyno_command
from infra.settings import MAX_RETRIES, JobSettings
from infra.workflow import START_ACTION, all_actions, build_definition
from infra.workflow.start import backoff_minutes
from tests.fakes.logic_schema import workflow_resource_errors
from tests.fakes.wdl import (
    Context,
    Definition,
    ExpressionError,
    Readings,
    Run,
    SkippedResult,
    evaluate,
    hidden_in_history,
    parse,
    run,
)
from tests.helpers import CANCELLED_TIMEOUT, NO_DYNOS, REFUSED, SERVER_ERROR, TIMED_OUT, exited
from tests.helpers import WORKFLOW_JOB as JOB
from tests.helpers import WORKFLOW_TOKEN as TOKEN

OVERLAPS = ["skip", "allow", "queue"]


def job_with(retries: int, overlap: str = "skip") -> JobSettings:
    return replace(JOB, retries=retries, overlap=overlap)  # type: ignore[arg-type]


def definition(job: JobSettings) -> dict[str, Any]:
    return build_definition(job, "app-name", "https://api.heroku.com")


def start(number: int) -> str:
    return START_ACTION if number == 1 else f"{START_ACTION}_attempt_{number}"


def run_attempts(job: JobSettings, answers: list[Any], **more: Any) -> Run:
    """A run whose Nth start gets answers[N-1]; the dyno list is empty unless MORE says otherwise."""
    calls: dict[str, Any] = {"List_dynos": NO_DYNOS, **{start(n): a for n, a in enumerate(answers, 1)}}
    for number in range(2, job.retries + 2):
        calls.setdefault(f"List_dynos_attempt_{number}", NO_DYNOS)
    return run(definition(job), {**calls, **more}, Context(parameters={"herokuRunToken": TOKEN}))


def dynos_started(result: Run) -> list[str]:
    return [n for n in result.ran if n.startswith(START_ACTION)]


RETRIES = [0, 1, 3]


@pytest.mark.parametrize("overlap", OVERLAPS)
@pytest.mark.parametrize("retries", RETRIES)
def test_a_job_that_exits_zero_at_once_starts_one_dyno(retries: int, overlap: str) -> None:
    result = run_attempts(job_with(retries, overlap), [exited(0, "run.1")])
    assert (result.status, result.error) == ("Succeeded", None)
    assert dynos_started(result) == [START_ACTION]


@pytest.mark.parametrize("overlap", OVERLAPS)
@pytest.mark.parametrize("retries", RETRIES)
def test_a_job_that_always_fails_runs_every_attempt_and_names_each_dyno(retries: int, overlap: str) -> None:
    job = job_with(retries, overlap)
    answers = [exited(n, f"run.{n}") for n in range(1, retries + 2)]
    result = run_attempts(job, answers)
    last = retries + 1
    assert result.status == "Failed" and result.error is not None
    assert result.error["code"] == "JobFailed"
    assert dynos_started(result) == [start(n) for n in range(1, last + 1)]
    message = result.error["message"]
    assert message.startswith(f"job {JOB.name} exited with status {last} on dyno run.{last};")
    for n in range(1, last):
        assert f"attempt {n}: dyno run.{n} exited with status {n}" in message
    if retries:
        assert f"attempt {last} of {last}" in message


@pytest.mark.parametrize("reading", [TIMED_OUT, CANCELLED_TIMEOUT], ids=["TimedOut", "Cancelled"])
@pytest.mark.parametrize("overlap", OVERLAPS)
@pytest.mark.parametrize("retries", RETRIES)
def test_a_job_that_never_reports_is_started_again_and_never_ends_succeeded(
    retries: int, overlap: str, reading: dict[str, Any]
) -> None:
    # Microsoft documents a timed-out webhook both as TimedOut and as Cancelled with ActionTimedOut:
    # each attempt is retried under either reading, and the run ends Failed with NoExitReport, so
    # RunsFailed and the receivers alert under both.
    result = run_attempts(job_with(retries, overlap), [reading] * (retries + 1))
    assert dynos_started(result) == [start(n) for n in range(1, retries + 2)]
    assert result.status == "Failed" and result.error is not None
    assert result.error["code"] == "NoExitReport"
    assert "no exit status within" in result.error["message"]
    for n in range(1, retries + 1):
        assert f"attempt {n}: no exit status within" in result.error["message"]


@pytest.mark.parametrize("overlap", OVERLAPS)
@pytest.mark.parametrize("retries", [1, 3])
@pytest.mark.parametrize("failure", [exited(2, "run.1"), TIMED_OUT, CANCELLED_TIMEOUT], ids=["exit2", "t/o", "cancel"])
def test_a_retry_that_works_ends_the_run_succeeded(retries: int, overlap: str, failure: dict[str, Any]) -> None:
    # Microsoft's rule: a failed branch fails the run, so the success is an explicit Terminate.
    result = run_attempts(job_with(retries, overlap), [failure, exited(0, "run.2")])
    assert (result.status, result.error) == ("Succeeded", None), result.results
    assert dynos_started(result) == [START_ACTION, start(2)]


@pytest.mark.parametrize("overlap", OVERLAPS)
@pytest.mark.parametrize("retries", [1, 3])
def test_the_last_attempt_decides_after_several_failures(retries: int, overlap: str) -> None:
    answers = [exited(1, f"run.{n}") for n in range(1, retries + 1)] + [exited(0, "run.last")]
    result = run_attempts(job_with(retries, overlap), answers)
    assert result.status == "Succeeded"
    assert len(dynos_started(result)) == retries + 1


@pytest.mark.parametrize("overlap", OVERLAPS)
@pytest.mark.parametrize("retries", RETRIES)
def test_a_refused_create_keeps_its_one_retry_in_every_attempt(retries: int, overlap: str) -> None:
    job = job_with(retries, overlap)
    last = retries + 1
    answers: list[Any] = [exited(1, f"run.{n}") for n in range(1, last)] + [REFUSED]
    tag = "" if last == 1 else f"_attempt_{last}"
    result = run_attempts(job, answers, **{f"{START_ACTION}_again{tag}": exited(0, "run.again")})
    assert result.status == "Succeeded", result.results
    refused_twice = run_attempts(job, answers, **{f"{START_ACTION}_again{tag}": REFUSED})
    assert refused_twice.status == "Failed" and refused_twice.error is not None
    assert refused_twice.error["code"] == "StartDynoFailed"


@pytest.mark.parametrize("overlap", OVERLAPS)
@pytest.mark.parametrize("retries", [1, 3])
def test_a_refused_then_silent_attempt_is_still_followed_by_the_next(retries: int, overlap: str) -> None:
    # The refusal's If ends Failed when its retried start times out: the next attempt runs all the same.
    result = run_attempts(
        job_with(retries, overlap), [REFUSED, exited(0, "run.2")], **{f"{START_ACTION}_again": TIMED_OUT}
    )
    assert result.status == "Succeeded", result.results
    assert f"{START_ACTION}_again" in result.ran and start(2) in result.ran


@pytest.mark.parametrize("overlap", OVERLAPS)
@pytest.mark.parametrize("retries", [1, 3])
@pytest.mark.parametrize("answer", [SERVER_ERROR, {"status": "Failed"}], ids=["5xx", "no-outputs"])
def test_a_create_that_may_have_started_a_dyno_ends_the_run_without_more_attempts(
    retries: int, overlap: str, answer: dict[str, Any]
) -> None:
    result = run_attempts(job_with(retries, overlap), [exited(1, "run.1"), answer])
    assert result.status == "Failed" and result.error is not None
    assert result.error["code"] == "StartDynoFailed"
    assert "attempt 1: dyno run.1 exited with status 1" in result.error["message"]
    assert dynos_started(result) == [START_ACTION, start(2)]
    assert all(result.results[n]["attempts"] == 1 for n in dynos_started(result))


@pytest.mark.parametrize("retries", [1, 3])
def test_skip_never_starts_an_attempt_beside_another_dyno_of_the_job(retries: int) -> None:
    # During the back-off another run may have started the job: this run ends, Failed, saying so.
    up = {"type": "run", "state": "up", "command": dyno_command(JOB.name, JOB.command), "name": "run.99"}
    result = run_attempts(job_with(retries), [exited(1, "run.1")], List_dynos_attempt_2={"outputs": {"body": [up]}})
    assert result.status == "Failed" and result.error is not None
    assert result.error["code"] == "NotRetried"
    assert f"dyno run.99 of job {JOB.name} is still up" in result.error["message"]
    assert "attempt 1: dyno run.1 exited with status 1" in result.error["message"]
    assert dynos_started(result) == [START_ACTION]


def test_the_back_off_doubles_from_one_minute_up_to_thirty() -> None:
    assert [backoff_minutes(n) for n in range(2, MAX_RETRIES + 2)] == [1, 2, 4, 8, 16, 30, 30, 30, 30, 30]
    built = definition(job_with(MAX_RETRIES, "allow"))
    waits = {name: action for name, action in all_actions(built["actions"]) if name.startswith("Wait_before_attempt")}
    assert [w["inputs"]["interval"] for w in waits.values()] == [
        {"count": backoff_minutes(n), "unit": "Minute"} for n in range(2, MAX_RETRIES + 2)
    ]


def _depth(actions: dict[str, Any]) -> int:
    inner = [
        _depth({**action.get("actions", {}), **action.get("else", {}).get("actions", {})})
        for action in actions.values()
    ]
    return 1 + max(inner, default=0)


def _expressions(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.startswith("@") or "@{" in value else []
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [text for item in items for text in _expressions(item)]


@pytest.mark.parametrize("overlap", OVERLAPS)
def test_ten_retries_stay_within_microsofts_definition_limits(overlap: str) -> None:
    built = definition(job_with(MAX_RETRIES, overlap))
    assert Definition(built).problems() == []
    assert workflow_resource_errors(built) == []
    # logic-apps-limits-and-config.md, "Definition limits": 500 actions, nesting depth 8, 8,192
    # characters per expression, 80 per action name.
    names = [name for name, _ in all_actions(built["actions"])]
    assert len(names) <= 500 and max(map(len, names)) <= 80
    assert _depth(built["actions"]) <= 8
    assert max(map(len, _expressions(built["actions"]))) <= 8192


@pytest.mark.parametrize("overlap", OVERLAPS)
def test_with_retries_failure_messages_stay_visible_and_secrets_hidden(overlap: str) -> None:
    job = job_with(3, overlap)
    hidden = hidden_in_history(definition(job))
    result = run_attempts(job, [exited(1, "run.1"), TIMED_OUT, REFUSED, exited(4, "run.4")])
    assert result.status == "Failed" and result.error is not None
    assert "inputs" not in hidden["Job_failed_attempt_4"]
    # The summaries read the secured webhooks, so run history hides them; the Terminate quoting them
    # is not hidden (securing doc: hiding passes one step from a Compose).
    for number in (1, 2, 3):
        assert hidden[f"Attempt_{number}_ended"] == {"inputs", "outputs"}
    assert "attempt 1: dyno run.1 exited with status 1; attempt 2: no exit status" in result.error["message"]
    for name, outcome in result.results.items():
        shown = json.dumps({part: outcome.get(part) for part in ("inputs", "outputs") if part not in hidden[name]})
        assert TOKEN not in shown and Context().callback_url not in shown, name


def test_without_retries_the_definition_is_what_it_was() -> None:
    # Action names are what run history and `infra history` read: a job without retries keeps them.
    names = {name for name, _ in all_actions(definition(job_with(0))["actions"])}
    assert not any("attempt" in name.lower() or name.startswith("Job_succeeded") for name in names)


def test_a_skipped_actions_outputs_are_read_only_under_the_readings_that_allow_it(readings: Readings) -> None:
    # The reading the attempt summary must survive (tests/fakes/wdl.py, "Readings"): reading a
    # Skipped action's outputs reads null, or fails; if() may evaluate the value it does not return.
    context = Context(results={"Skipped_one": SkippedResult(name="Skipped_one", status="Skipped")})
    direct = parse("actions('Skipped_one')?['outputs']?['body']")
    guarded = parse(
        "if(equals(actions('Skipped_one')?['status'], 'Skipped'), null, actions('Skipped_one')?['outputs'])"
    )
    picked = parse("if(equals(actions('Skipped_one')?['status'], 'Skipped'), null, actions('Skipped_one'))?['outputs']")
    assert evaluate(picked, context) is None
    if readings.skipped_outputs == "absent":
        assert evaluate(direct, context) is None
    else:
        with pytest.raises(ExpressionError):
            evaluate(direct, context)
    if readings.skipped_outputs == "fails" and readings.eager_if:
        with pytest.raises(ExpressionError):
            evaluate(guarded, context)
    else:
        assert evaluate(guarded, context) is None
