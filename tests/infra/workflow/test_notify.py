"""Notifications (`picletter:notify`) run through the workflow fake (tests/fakes/wdl.py): every
ending with notifications on and off, a failing receiver, recovery after a failure, a success and a
skipped run, and the receivers' URLs never visible."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from typing import Any

import pytest

from infra.job_command import dyno_command
from infra.settings import JobSettings, NotifyReceiver
from infra.workflow import START_ACTION, build_definition, needs_run_history, oversized, url_parameter
from infra.workflow.notify import NOTIFY_RETRY_POLICY, WEBHOOK_FIELDS
from tests.fakes.logic_schema import workflow_resource_errors
from tests.fakes.wdl import Context, Definition, Run, hidden_in_history, retries_allowed, run
from tests.helpers import ENDINGS, NO_DYNOS, REFUSED, SERVER_ERROR, TIMED_OUT, exited
from tests.helpers import WORKFLOW_JOB as JOB
from tests.helpers import WORKFLOW_TOKEN as TOKEN

API = "https://api.heroku.com"
CANARY = "https://hooks.slack.com/services/T000/B000/canary-notify-url-7f3e"
SLACK = NotifyReceiver("slack", CANARY)
TEAMS = NotifyReceiver("teams", CANARY + "-teams")
HOOK = NotifyReceiver("webhook", CANARY + "-hook")
ALL = (SLACK, TEAMS, HOOK)


def earlier(*runs: tuple[str, str, str]) -> dict[str, Any]:
    """The runs list's answer (REST spec 2019-05-01, WorkflowRunListResult: `value`, each run's
    `name` and `properties.status` / `properties.startTime`), newest first as the portal lists them."""
    value = [{"name": name, "properties": {"status": status, "startTime": start}} for name, status, start in runs]
    return {"outputs": {"statusCode": 200, "body": {"value": value}}}


# This run (Context().run_name, triggered 07:00:01) and the ones before it.
FAILED_BEFORE = ("R2", "Failed", "2026-11-25T06:00:01Z")
SUCCEEDED_BEFORE = ("R2", "Succeeded", "2026-11-25T06:00:01Z")
THIS_RUN = (Context().run_name, "Running", "2026-11-25T07:00:01Z")


def definition(job: JobSettings, receivers: tuple[NotifyReceiver, ...] = ALL) -> dict[str, Any]:
    return build_definition(job, "app-name", API, "2026-11-23T18:00:00" if job.catch_up else None, receivers)


def parameters(receivers: tuple[NotifyReceiver, ...]) -> dict[str, str]:
    return {"herokuRunToken": TOKEN, **{url_parameter(i): r.url for i, r in enumerate(receivers)}}


def run_job(
    job: JobSettings, receivers: tuple[NotifyReceiver, ...] = ALL, history: dict[str, Any] | None = None, **calls: Any
) -> Run:
    """A run of JOB; HISTORY answers every read of the earlier runs (one per success ending)."""
    built = definition(job, receivers)
    calls = {"List_dynos": NO_DYNOS, **calls}
    for name in Definition(built).actions:
        if name.startswith("Read_earlier_runs") and history is not None:
            calls.setdefault(name, history)
    for number in range(2, job.retries + 2):
        calls.setdefault(f"List_dynos_attempt_{number}", NO_DYNOS)
    return run(built, calls, Context(parameters=parameters(receivers)))


def posts(result: Run) -> list[dict[str, Any]]:
    """The notifications the run sent (the HTTP actions that posted to a receiver's URL)."""
    return [r for n, r in result.results.items() if n.startswith("Notify_") and r["status"] != "Skipped"]


def variants() -> list[JobSettings]:
    jobs = []
    for overlap, report, catch_up, retries in itertools.product(
        ("skip", "queue", "allow"), (True, False), (True, False), (0, 1, 3)
    ):
        if retries and not report:
            continue
        schedule = (
            replace(JOB.schedule, frequency="Hour", interval=6, hours=(), minutes=()) if catch_up else JOB.schedule
        )
        jobs.append(
            replace(JOB, overlap=overlap, report_exit=report, catch_up=catch_up, schedule=schedule, retries=retries)
        )  # type: ignore[arg-type]
    return jobs


@pytest.mark.parametrize(
    "job", variants(), ids=lambda j: f"{j.overlap}-report{j.report_exit}-catchup{j.catch_up}-r{j.retries}"
)
def test_every_variant_with_notifications_reads_as_logic_apps_reads_it(job: JobSettings) -> None:
    built = definition(job)
    assert Definition(built).problems() == []
    assert workflow_resource_errors(built) == []
    # Every failure ending is preceded by each receiver's post, and runs after it whatever it did
    # (Skipped only when the ending's own condition did not hold).
    for name, action in Definition(built).actions.items():
        if action["type"] == "Terminate" and action["inputs"]["runStatus"] == "Failed":
            assert len(action["runAfter"]) == len(ALL), name
            assert all(set(s) == {"Succeeded", "Failed", "TimedOut"} for s in action["runAfter"].values())


def test_without_receivers_the_definition_is_unchanged() -> None:
    assert build_definition(JOB, "app-name", API) == build_definition(JOB, "app-name", API, None, ())


@pytest.mark.parametrize("overlap", ["skip", "queue", "allow"])
@pytest.mark.parametrize(("ending", "calls", "status", "code"), ENDINGS, ids=[e[0] for e in ENDINGS])
def test_every_ending_keeps_its_status_and_failures_notify_every_receiver_once(
    overlap: str, ending: str, calls: dict[str, Any], status: str, code: str | None
) -> None:
    job = replace(JOB, overlap=overlap)  # type: ignore[arg-type]
    quiet = run_job(job, (), **calls)
    noisy = run_job(job, ALL, history=earlier(THIS_RUN, SUCCEEDED_BEFORE), **calls)
    assert (quiet.status, quiet.error and quiet.error["code"]) == (status, code)
    assert (noisy.status, noisy.error) == (quiet.status, quiet.error)
    sent = posts(noisy)
    if status == "Failed":
        assert sorted(p["inputs"]["uri"] for p in sent) == sorted(r.url for r in ALL)
        hook = next(p["inputs"]["body"] for p in sent if p["inputs"]["uri"] == HOOK.url)
        assert (hook["event"], hook["code"], hook["message"]) == ("failure", code, noisy.error["message"])  # type: ignore[index]
    else:
        assert sent == []  # the run before succeeded: no recovery


def test_a_failed_exit_names_the_job_status_dyno_logs_and_run_link() -> None:
    result = run_job(JOB, (HOOK, SLACK, TEAMS), Start_dyno=exited(3, "run.4821"))
    by_url = {p["inputs"]["uri"]: p["inputs"]["body"] for p in posts(result)}
    hook = by_url[HOOK.url]
    assert set(hook) == set(WEBHOOK_FIELDS)
    assert (hook["job"], hook["exitStatus"], hook["dyno"]) == (JOB.name, 3, "run.4821")
    assert hook["logs"] == "python -m infra logs --app app-name --dyno run.4821"
    assert hook["runId"] == Context().run_name
    assert hook["runUrl"].startswith("https://portal.azure.com/#view/Microsoft_Azure_EMA/LogicAppsMonitorBlade/runid/")
    assert hook["runUrl"].endswith(f"%2Fworkflows%2Fpicletter-job%2Fruns%2F{Context().run_name}")
    slack = by_url[SLACK.url]
    assert slack["text"].startswith(f"picletter job {JOB.name} failed (JobFailed): job {JOB.name} exited with status 3")
    details = slack["blocks"][1]["text"]["text"]
    assert (
        "*Exit status:* 3" in details
        and "*Dyno:* run.4821" in details
        and f"<{hook['runUrl']}|Open the run>" in details
    )
    (attachment,) = by_url[TEAMS.url]["attachments"]
    assert by_url[TEAMS.url]["type"] == "message"
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    facts = {f["title"]: f["value"] for f in card["body"][2]["facts"]}
    assert facts == {"Error": "JobFailed", "Exit status": "3", "Dyno": "run.4821", "Logs": hook["logs"]}
    assert card["actions"][0]["url"] == hook["runUrl"]


@pytest.mark.parametrize(
    "answer",
    [
        {"status": "Failed", "outputs": {"statusCode": 500}},
        {"status": "Failed", "outputs": {"statusCode": 404, "body": "no_team"}},
        {"status": "TimedOut"},
        {"status": "Failed", "code": "InvalidTemplate"},
    ],
)
@pytest.mark.parametrize(
    ("calls", "code"), [({START_ACTION: exited(2)}, "JobFailed"), ({START_ACTION: SERVER_ERROR}, "StartDynoFailed")]
)
def test_a_receiver_that_fails_shows_as_a_failed_action_and_never_changes_the_run(
    answer: dict[str, Any], calls: dict[str, Any], code: str
) -> None:
    built = definition(JOB, (SLACK, HOOK))
    notify = [n for n in Definition(built).actions if n.startswith("Notify_0_") and "recovery" not in n]
    failing = {name: answer for name in notify}
    result = run(built, {"List_dynos": NO_DYNOS, **calls, **failing}, Context(parameters=parameters((SLACK, HOOK))))
    assert result.status == "Failed" and result.error is not None and result.error["code"] == code
    (ran,) = [n for n in notify if result.results.get(n, {"status": "Skipped"})["status"] != "Skipped"]
    assert result.results[ran]["status"] == answer["status"]
    # The other receiver still got it.
    assert [p["inputs"]["uri"] for p in posts(result) if p["status"] == "Succeeded"] == [HOOK.url]
    # A bounded retry policy, where the runtime reads it.
    assert Definition(built).actions[ran]["inputs"]["retryPolicy"] == NOTIFY_RETRY_POLICY
    assert result.results[ran].get("attempts", 1) <= 1 + retries_allowed(Definition(built).actions[ran])


@pytest.mark.parametrize("retries", [0, 1, 3])
def test_retries_notify_once_for_the_run_not_per_attempt(retries: int) -> None:
    job = replace(JOB, retries=retries)
    answers = {
        (START_ACTION if n == 1 else f"{START_ACTION}_attempt_{n}"): exited(n, f"run.{n}")
        for n in range(1, retries + 2)
    }
    result = run_job(job, (HOOK,), **answers)
    assert result.status == "Failed"
    (sent,) = posts(result)
    assert (sent["inputs"]["body"]["exitStatus"], sent["inputs"]["body"]["dyno"]) == (retries + 1, f"run.{retries + 1}")


def test_an_attempt_not_started_because_another_dyno_is_up_notifies() -> None:
    job = replace(JOB, retries=1)
    up = {"type": "run", "state": "up", "command": dyno_command(JOB.name, JOB.command), "name": "run.9"}
    result = run_job(job, (HOOK,), Start_dyno=exited(1, "run.1"), List_dynos_attempt_2={"outputs": {"body": [up]}})
    assert result.error is not None and result.error["code"] == "NotRetried"
    (sent,) = posts(result)
    assert (sent["inputs"]["body"]["code"], sent["inputs"]["body"]["dyno"]) == ("NotRetried", None)


@pytest.mark.parametrize(
    ("history", "recovers"),
    [
        ((THIS_RUN, FAILED_BEFORE), True),
        ((THIS_RUN, SUCCEEDED_BEFORE), False),
        ((), False),  # the first run
        # A skipped or overtaken run ends Cancelled: the failure before it is still the last outcome.
        ((THIS_RUN, ("R2c", "Cancelled", "2026-11-25T06:30:01Z"), FAILED_BEFORE), True),
        ((THIS_RUN, ("R2c", "Cancelled", "2026-11-25T06:30:01Z"), SUCCEEDED_BEFORE), False),
        # overlap allow: an earlier run still running has no outcome yet; the one before it decides.
        ((THIS_RUN, ("R2r", "Running", "2026-11-25T06:30:01Z"), FAILED_BEFORE), True),
        # A run that started after this one (and failed) is not this one's predecessor.
        ((("R4", "Failed", "2026-11-25T07:00:30Z"), THIS_RUN, SUCCEEDED_BEFORE), False),
        # Order of the page does not matter: the latest earlier finished run decides.
        ((THIS_RUN, ("R1", "Failed", "2026-11-25T05:00:01Z"), SUCCEEDED_BEFORE), False),
        ((THIS_RUN, ("R1", "Succeeded", "2026-11-25T05:00:01Z"), FAILED_BEFORE), True),
    ],
)
@pytest.mark.parametrize(
    "calls", [{START_ACTION: exited(0)}, {START_ACTION: REFUSED, "Start_dyno_again": exited(0)}], ids=["first", "again"]
)
def test_recovery_is_sent_on_the_first_success_after_a_failed_run(
    history: tuple[tuple[str, str, str], ...], recovers: bool, calls: dict[str, Any]
) -> None:
    result = run_job(JOB, (SLACK, HOOK), earlier(*history), **calls)
    assert (result.status, result.error) == ("Succeeded", None)
    sent = posts(result)
    assert len(sent) == (2 if recovers else 0)
    if recovers:
        hook = next(p["inputs"]["body"] for p in sent if p["inputs"]["uri"] == HOOK.url)
        assert (hook["event"], hook["job"], hook["exitStatus"]) == ("recovery", JOB.name, 0)


@pytest.mark.parametrize("retries", [1, 3])
def test_recovery_after_a_retried_success(retries: int) -> None:
    job = replace(JOB, retries=retries)
    result = run_job(
        job,
        (HOOK,),
        Start_dyno=exited(1, "run.1"),
        Start_dyno_attempt_2=exited(0, "run.2"),
        history=earlier(THIS_RUN, FAILED_BEFORE),
    )
    assert result.status == "Succeeded"
    assert [p["inputs"]["body"]["event"] for p in posts(result)] == ["recovery"]


@pytest.mark.parametrize(
    "answer",
    [{"status": "Failed", "outputs": {"statusCode": 403}}, {"status": "Failed", "outputs": {"statusCode": 503}}],
)
def test_a_runs_list_the_identity_may_not_read_never_fails_the_run(answer: dict[str, Any]) -> None:
    result = run_job(JOB, (HOOK,), Start_dyno=exited(0), Read_earlier_runs=answer)
    assert (result.status, result.error) == ("Succeeded", None)
    assert posts(result) == []


def test_the_runs_list_is_read_with_the_workflows_managed_identity() -> None:
    actions = Definition(definition(JOB, (HOOK,))).actions
    read = actions["Read_earlier_runs"]["inputs"]
    assert read["authentication"] == {"type": "ManagedServiceIdentity", "audience": "https://management.azure.com/"}
    assert read["uri"].startswith("https://management.azure.com@{workflow()?['id']}/runs?api-version=2019-05-01&$top=")
    assert retries_allowed(actions["Read_earlier_runs"]) > 0  # a read: safe to resend


def test_the_runs_content_links_never_reach_visible_run_history() -> None:
    # Each run in the list carries its trigger's inputsLink/outputsLink, URLs signed with `sig`
    # (REST spec 2019-05-01, WorkflowRunTrigger: inputsLink, outputsLink, ContentLink.uri): bearer
    # secrets to anyone who reads run history. The recovery still works from what stays visible.
    link = {"uri": "https://prod-00.westeurope.logic.azure.com/runs/R2/contents/TriggerOutputs?sig=canary-sig-9d1"}
    history = earlier(THIS_RUN, FAILED_BEFORE)
    for listed in history["outputs"]["body"]["value"]:
        listed["properties"]["trigger"] = {"name": "Recurrence", "inputsLink": link, "outputsLink": link}
    built = definition(JOB, (HOOK,))
    result = run_job(JOB, (HOOK,), history, Start_dyno=exited(0))
    assert [p["inputs"]["body"]["event"] for p in posts(result)] == ["recovery"]
    hidden = hidden_in_history(built)
    for name, outcome in result.results.items():
        shown = json.dumps({part: outcome.get(part) for part in ("inputs", "outputs") if part not in hidden[name]})
        assert "canary-sig-9d1" not in shown, name
    # What the recovery decides on stays readable: the Select's and the Query's outputs.
    assert "outputs" not in hidden["Earlier_runs"] and "outputs" not in hidden["Finished_earlier_runs"]


def test_receivers_get_only_the_events_they_asked_for() -> None:
    failure_only = NotifyReceiver("slack", CANARY, frozenset({"failure"}))
    recovery_only = NotifyReceiver("webhook", CANARY + "-r", frozenset({"recovery"}))
    assert not needs_run_history((failure_only,), JOB)
    assert "Read_earlier_runs" not in Definition(definition(JOB, (failure_only,))).actions
    failed = run_job(JOB, (failure_only, recovery_only), Start_dyno=exited(1))
    assert [p["inputs"]["uri"] for p in posts(failed)] == [CANARY]
    recovered = run_job(
        JOB, (failure_only, recovery_only), Start_dyno=exited(0), Read_earlier_runs=earlier(FAILED_BEFORE)
    )
    assert [p["inputs"]["uri"] for p in posts(recovered)] == [CANARY + "-r"]


def test_without_report_exit_there_is_no_recovery_check() -> None:
    # A run then succeeds when the dyno starts: not a sign the job works again.
    job = replace(JOB, report_exit=False)
    assert not needs_run_history(ALL, job)
    result = run_job(job, ALL, Start_dyno=SERVER_ERROR)
    assert result.status == "Failed" and len(posts(result)) == len(ALL)


@pytest.mark.parametrize(
    "calls",
    [
        {START_ACTION: exited(3, "run.1")},
        {START_ACTION: REFUSED, "Start_dyno_again": SERVER_ERROR},
        {START_ACTION: exited(0), "Read_earlier_runs": earlier(THIS_RUN, FAILED_BEFORE)},
        {START_ACTION: TIMED_OUT},
    ],
)
def test_receiver_urls_never_appear_in_the_definition_or_visible_run_history(calls: dict[str, Any]) -> None:
    built = definition(JOB)
    assert CANARY not in json.dumps(built)
    for index in range(len(ALL)):
        assert built["parameters"][url_parameter(index)] == {"type": "SecureString", "defaultValue": ""}
    result = run_job(JOB, ALL, **calls)
    assert posts(result), "the run should have posted"
    hidden = hidden_in_history(built)
    for name, outcome in result.results.items():
        shown = json.dumps({part: outcome.get(part) for part in ("inputs", "outputs") if part not in hidden[name]})
        assert CANARY not in shown and TOKEN not in shown, name
        assert CANARY not in json.dumps(result.error or {})


def test_slack_gets_a_proxy_page_escaped_and_cut_to_its_section_limit() -> None:
    page = "<html><body>" + "Bad gateway & more " * 400 + "</body></html>"
    proxy = {"status": "Failed", "outputs": {"statusCode": 502, "body": page}}
    result = run_job(JOB, (SLACK,), Start_dyno=proxy)
    assert result.error is not None and result.error["code"] == "StartDynoFailed"
    (sent,) = posts(result)
    section = sent["inputs"]["body"]["blocks"][0]["text"]["text"]
    assert len(section) <= 3000
    assert "&lt;html&gt;&lt;body&gt;Bad gateway &amp; more" in section and "<html>" not in section
    assert section.startswith(f"*picletter job {JOB.name} failed (StartDynoFailed)*\nPOST /dynos answered 502: ")


@pytest.mark.parametrize(("overlap", "retries"), [("skip", 9), ("queue", 10), ("allow", 10)])
def test_many_retries_with_three_receivers_stay_within_microsofts_definition_limits(overlap: str, retries: int) -> None:
    from tests.infra.workflow.test_start import _depth, _expressions

    job = replace(JOB, overlap=overlap, retries=retries)  # type: ignore[arg-type]
    assert oversized(job, ALL) is None
    built = definition(job)
    assert Definition(built).problems() == []
    # logic-apps-limits-and-config.md, "Definition limits": 500 actions, nesting depth 8, 8,192
    # characters per expression, 80 per action name.
    names = list(Definition(built).actions)
    assert len(names) <= 500 and max(map(len, names)) <= 80
    assert _depth(built["actions"]) <= 8
    assert max(map(len, _expressions(built["actions"]))) <= 8192


def test_a_workflow_over_the_action_limit_is_refused_with_the_fix() -> None:
    # Found by the test above: 10 retries, overlap skip and 3 receivers make 513 actions.
    job = replace(JOB, retries=10)
    assert oversized(job, ALL[:2]) is None
    problem = oversized(job, ALL)
    assert problem == (
        f"picletter:jobs: job {JOB.name}'s workflow, with retries 10, overlap skip and 3 picletter:notify "
        "receivers, would have 513 actions, over the 500 Logic Apps allows; lower its retries, or give fewer receivers"
    )


def test_a_recovery_receiver_that_fails_never_fails_the_successful_run() -> None:
    result = run_job(
        JOB,
        (SLACK, HOOK),
        earlier(THIS_RUN, FAILED_BEFORE),
        Start_dyno=exited(0),
        Notify_0_recovery={"status": "Failed", "outputs": {"statusCode": 500}},
    )
    assert (result.status, result.error) == ("Succeeded", None)
    assert result.results["Notify_0_recovery"]["status"] == "Failed"
    assert result.results["Recovered_if_last_failed"]["status"] == "Failed"
    assert result.results["Notify_1_recovery"]["status"] == "Succeeded"
