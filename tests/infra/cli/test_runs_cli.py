"""python -m infra history|trigger|runs cancel against the fake ARM Logic Apps API (and the fake
Heroku API for the dyno)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from infra.cli import main
from infra.cli import runs as runs_cli
from infra.cli.dynos import EXIT_STATUS_UNKNOWN
from infra.cli.runs import pick_dyno
from infra.heroku.payloads import Dyno
from infra.job_command import dyno_command
from tests.fakes.heroku_api import FakeHeroku
from tests.fakes.logic_api import (
    ARM_TOKEN,
    CONTENT_SIGNATURE,
    NO_REPORT_RUN_CANCELLED,
    OUTCOMES,
    ArmCredential,
    FakeLogicApps,
    FakeRun,
    FakeWorkflow,
    workflow_id,
)
from tests.helpers import REPO, TOKEN, stack_settings

JOB = stack_settings(herokuApp="picletter-test", herokuApiToken="t", location="x").jobs[0]
APP = "picletter-test"
STATUS = re.compile(r"\b(Succeeded|Failed|Cancelled|Running|Waiting)\b")


@pytest.fixture
def azure(fake_logic: FakeLogicApps, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeLogicApps:
    monkeypatch.setenv("PICLETTER_ARM_URL", fake_logic.url)
    monkeypatch.setattr(runs_cli, "azure_credential", ArmCredential)
    monkeypatch.setattr(runs_cli, "POLL_SECONDS", 0.01)
    monkeypatch.delenv("HEROKU_API_KEY", raising=False)
    monkeypatch.delenv("HEROKU_APP", raising=False)
    outputs = {"jobs": {JOB.name: {"workflowId": workflow_id("wf-job"), "herokuApp": APP}}}
    (tmp_path / "outputs.json").write_text(json.dumps(outputs))
    monkeypatch.chdir(tmp_path)
    return fake_logic


@pytest.fixture
def heroku(fake_heroku: FakeHeroku, monkeypatch: pytest.MonkeyPatch) -> FakeHeroku:
    monkeypatch.setenv("HEROKU_API_URL", fake_heroku.url)
    monkeypatch.setenv("HEROKU_API_KEY", TOKEN)
    monkeypatch.setenv("HEROKU_API_BACKOFF", "0.001")
    fake_heroku.dyno_runtime = 0.3  # long enough to be listed once the run shows its start
    return fake_heroku


def history(*args: str) -> int:
    return main(["history", JOB.name, "--outputs", "outputs.json", *args])


def test_history_shows_every_outcome_newest_first(azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]) -> None:
    workflow = azure.add_workflow("wf-job", JOB)
    for outcome in OUTCOMES:
        azure.add_run(workflow, outcome)
    assert history() == 0
    lines = capsys.readouterr().out.splitlines()
    assert [STATUS.search(line)[0] for line in lines] == [  # type: ignore[index]
        "Waiting",
        "Running",
        "Failed",
        "Cancelled",
        "Succeeded",
        "Failed",
        "Failed",
        "Failed",
        "Succeeded",
    ]
    text = "\n".join(lines)
    for says in (
        "exit 3   run.4821",
        "JobFailed:",
        "NoExitReport:",
        "StartDynoFailed:",
        "Skipped: dyno run.9",
        "exit 0   run.8",
    ):
        assert says in text
    assert CONTENT_SIGNATURE not in text and ARM_TOKEN not in text


def test_history_as_json_for_scripts(azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]) -> None:
    workflow = azure.add_workflow("wf-job", JOB)
    azure.add_run(workflow, "job_failed")
    azure.add_run(workflow, "succeeded")
    assert history("--json") == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["status"], r["exitStatus"], r["dyno"], r["errorCode"]) for r in rows] == [
        ("Succeeded", 0, "run.7", None),
        ("Failed", 3, "run.4821", "JobFailed"),
    ]
    assert rows[0]["durationSeconds"] == 95.0 and rows[0]["start"].endswith("Z")


def test_history_filters_on_status_and_start_in_the_request(
    azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = azure.add_workflow("wf-job", JOB)
    for outcome in ("job_failed", "succeeded", "no_report", "succeeded"):
        azure.add_run(workflow, outcome)
    assert history("--status", "failed", "--since", "2026-11-25T07:02:30Z") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and "NoExitReport" in lines[0]
    listed = [r.query["$filter"] for r in azure.requests if r.path.endswith("/runs")]
    # Failed as the table shows it: Azure's Failed runs, and its Cancelled ones shown Failed.
    assert listed == [
        ["status eq 'Failed' and startTime ge 2026-11-25T07:02:30Z"],
        ["status eq 'Cancelled' and startTime ge 2026-11-25T07:02:30Z"],
    ]
    assert history("--status", "cancelled") == 0
    assert "no runs of job picletter matching the filters" in capsys.readouterr().out


def test_history_status_filter_means_the_status_the_table_shows(
    azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]
) -> None:
    # Azure records Cancelled a run whose start's wait timed out (ActionTimedOut) when the cancel
    # ends it; the table shows it Failed/NoExitReport, so --status failed lists it and
    # --status cancelled does not. Pages of one run each: the listings follow nextLink, $top kept.
    azure.page_size = 1
    workflow = azure.add_workflow("wf-job", JOB)
    for outcome in ("job_failed", NO_REPORT_RUN_CANCELLED, "skipped", "succeeded", NO_REPORT_RUN_CANCELLED):
        azure.add_run(workflow, outcome)
    assert history() == 0
    shown = capsys.readouterr().out.splitlines()
    failed_shown = [line for line in shown if STATUS.search(line)[0] == "Failed"]  # type: ignore[index]
    assert len(failed_shown) == 3
    assert history("--status", "failed") == 0
    assert capsys.readouterr().out.splitlines() == failed_shown, "the same runs, newest first"
    assert history("--status", "failed", "--last", "2") == 0
    assert capsys.readouterr().out.splitlines() == failed_shown[:2]
    assert history("--status", "cancelled") == 0
    (cancelled,) = capsys.readouterr().out.splitlines()
    assert "Skipped: dyno run.9" in cancelled
    listed = [r for r in azure.requests if r.path.endswith("/runs")]
    assert all(r.query.get("$top") for r in listed) and not azure.violations


def test_history_last_n_across_pages(azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]) -> None:
    azure.page_size = 2
    workflow = azure.add_workflow("wf-job", JOB)
    for _ in range(7):
        azure.add_run(workflow, "succeeded")
    assert history("--last", "5") == 0
    assert len(capsys.readouterr().out.splitlines()) == 5
    assert len([r for r in azure.requests if r.path.endswith("/runs")]) == 3  # stops once it has 5


def test_history_from_stack_outputs_on_stdin(
    azure: FakeLogicApps, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    azure.add_run(azure.add_workflow("wf-job", JOB), "succeeded")
    monkeypatch.setattr("sys.stdin", io.StringIO(Path("outputs.json").read_text()))
    assert main(["history", JOB.name, "--outputs", "-"]) == 0
    assert "Succeeded" in capsys.readouterr().out


def test_history_with_flags_instead_of_outputs(azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]) -> None:
    azure.add_run(azure.add_workflow("wf-job", JOB), "succeeded")
    flags = ["--subscription", "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345", "--resource-group", "picletter-rg"]
    assert main(["history", JOB.name, *flags, "--workflow", "wf-job"]) == 0
    assert "Succeeded" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ([], "pipe in `pulumi stack output --json`, pass --outputs FILE, or --subscription"),
        (["--subscription", "x"], "all of --subscription, --resource-group and --workflow"),
        (["--outputs", "missing.json"], "cannot read it"),
        (["--outputs", "bad.json"], "has no job 'picletter' (jobs: other)"),
        (["--outputs", "badid.json"], "jobs.picletter.workflowId 'wf-job' is not a Logic App's resource id"),
        (["--outputs", "outputs.json", "--since", "soon"], "--since 'soon' is not an ISO date-time"),
        (["--outputs", "outputs.json", "--last", "0"], "--last must be 1 to 1000"),
        (["--subscription", "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345", "--resource-group", "g", "--workflow", "w"], "404"),
        (["--subscription", "sub", "--resource-group", "g", "--workflow", "w"], "is not a Logic App's resource id"),
    ],
)
def test_history_refuses_with_one_line(
    azure: FakeLogicApps, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    Path("bad.json").write_text(json.dumps({"jobs": {"other": {}}}))
    Path("badid.json").write_text(json.dumps({"jobs": {JOB.name: {"workflowId": "wf-job"}}}))
    assert main(["history", JOB.name, *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and says in err and err.count("\n") == 1


def test_no_azure_login_is_one_line_saying_how(
    azure: FakeLogicApps, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from azure.identity import CredentialUnavailableError

    class NoLogin:
        def get_token(self, *scopes: str) -> object:
            raise CredentialUnavailableError(
                "DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
                "Attempted credentials: ..."
            )

    azure.add_workflow("wf-job", JOB)
    monkeypatch.setattr(runs_cli, "azure_credential", NoLogin)
    assert history() == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "az login" in err and "Traceback" not in err


def test_throttled_history_waits_and_answers(azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]) -> None:
    azure.add_run(azure.add_workflow("wf-job", JOB), "succeeded")
    azure.fail("GET", r"/actions$", headers=(("Retry-After", "1"),))
    assert history() == 0
    assert "Succeeded" in capsys.readouterr().out


# -- trigger --------------------------------------------------------------------------------------


def trigger(*args: str) -> int:
    return main(["trigger", JOB.name, "--outputs", "outputs.json", *args])


def starts_dynos(azure: FakeLogicApps, heroku: FakeHeroku) -> None:
    """Each triggered run creates its job's dyno on Heroku, as the workflow's start action does."""

    def start(workflow: FakeWorkflow, run: FakeRun) -> None:
        body = {"command": dyno_command(JOB.name, JOB.command), "type": "run", "attach": False}
        with heroku._lock:
            heroku.handle("POST", f"/apps/{APP}/dynos", body)

    azure.on_trigger = start


def test_trigger_refuses_bad_max_seconds_before_any_request(
    azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]
) -> None:
    assert trigger("--tail", "--max-seconds", "0") == 2
    assert "--max-seconds must be at least 1" in capsys.readouterr().err
    assert azure.requests == []


def test_trigger_refuses_a_disabled_workflow(azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]) -> None:
    azure.add_workflow("wf-job", JOB, state="Disabled")
    assert trigger() == 2
    assert "is Disabled" in capsys.readouterr().err
    assert not [r for r in azure.requests if r.method == "POST"]


def test_trigger_prints_its_run_and_dyno(
    azure: FakeLogicApps, heroku: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = azure.add_workflow("wf-job", JOB)
    heroku.next_run_numbers = [4242]
    starts_dynos(azure, heroku)
    assert trigger() == 0
    out = capsys.readouterr().out
    (run,) = workflow.runs
    assert f"run {run.name}" in out and "dyno run.4242 on picletter-test" in out


@pytest.mark.parametrize("honoured", [True, False], ids=["tracking-id-honoured", "tracking-id-dropped"])
def test_trigger_finds_its_run_when_another_started_just_before(
    azure: FakeLogicApps, capsys: pytest.CaptureFixture[str], honoured: bool
) -> None:
    """A scheduled run that started the same second, before the POST, is not taken for ours."""
    azure.honour_tracking_id = honoured
    workflow = azure.add_workflow("wf-job", JOB)
    earlier = azure.add_run(workflow, "running", start=azure.now())
    assert trigger() == 0
    mine = [r for r in workflow.runs if r is not earlier]
    assert len(mine) == 1 and f"run {mine[0].name}" in capsys.readouterr().out


def test_trigger_finds_its_run_among_runs_started_with_it(
    azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = azure.add_workflow("wf-job", JOB)
    azure.concurrent_outcomes = ["running", "running"]
    assert trigger() == 0
    (mine,) = [r for r in workflow.runs if r.tracking_id]
    assert f"run {mine.name}" in capsys.readouterr().out


def test_trigger_says_so_when_it_cannot_tell_its_run_apart(
    azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the tracking id in Azure's answer, runs started with ours are indistinguishable: no guess."""
    azure.honour_tracking_id = False
    workflow = azure.add_workflow("wf-job", JOB)
    azure.concurrent_outcomes = ["running"]
    assert trigger() == 0
    err = capsys.readouterr().err
    assert "2 runs started at the same time" in err and all(r.name in err for r in workflow.runs)


@pytest.mark.parametrize("status", [0, 1, 137])
def test_trigger_tail_exits_with_the_jobs_status(
    azure: FakeLogicApps, heroku: FakeHeroku, capsys: pytest.CaptureFixture[str], status: int
) -> None:
    azure.add_workflow("wf-job", JOB)
    heroku.dyno_exit_status = status
    heroku.next_run_numbers = [77]
    starts_dynos(azure, heroku)
    assert trigger("--tail") == status
    out = capsys.readouterr().out
    assert "dyno run.77" in out and f"Process exited with status {status}" in out


def test_trigger_tail_of_a_dyno_that_never_exits_is_unknown(
    azure: FakeLogicApps, heroku: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    azure.add_workflow("wf-job", JOB)
    heroku.dyno_exit_status = None
    starts_dynos(azure, heroku)
    assert trigger("--tail", "--max-seconds", "1") == EXIT_STATUS_UNKNOWN
    assert "exit status is unknown" in capsys.readouterr().err


def test_trigger_tail_of_a_run_that_skipped_is_unknown(
    azure: FakeLogicApps, heroku: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = azure.add_workflow("wf-job", JOB)

    def skip(workflow: FakeWorkflow, run: FakeRun) -> None:
        ended = azure._make_run(workflow, run.name, "skipped", run.start)
        run.status, run.actions, run.end = ended.status, ended.actions, ended.end

    azure.on_trigger = skip
    assert trigger("--tail") == EXIT_STATUS_UNKNOWN
    out = capsys.readouterr().out
    assert "Cancelled" in out and "Skipped: dyno run.9" in out
    assert len(workflow.runs) == 1


def test_trigger_tail_needs_heroku(azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]) -> None:
    azure.add_workflow("wf-job", JOB)
    assert trigger("--tail") == 2
    assert "HEROKU_API_KEY" in capsys.readouterr().err
    assert not [r for r in azure.requests if r.method == "POST"]


# -- runs cancel ----------------------------------------------------------------------------------


def test_cancel_a_running_run_says_the_dyno_keeps_running(
    azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = azure.add_workflow("wf-job", JOB)
    run = azure.add_run(workflow, "running")
    assert main(["runs", "cancel", JOB.name, run.name, "--outputs", "outputs.json"]) == 0
    assert run.status == "Cancelled"
    assert "keeps running" in capsys.readouterr().out


def test_cancel_a_finished_run_is_one_line(azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]) -> None:
    run = azure.add_run(azure.add_workflow("wf-job", JOB), "succeeded")
    assert main(["runs", "cancel", JOB.name, run.name, "--outputs", "outputs.json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "409" in err


def test_trigger_without_the_role_names_the_role(azure: FakeLogicApps, capsys: pytest.CaptureFixture[str]) -> None:
    azure.add_workflow("wf-job", JOB)
    azure.fail("POST", r"/run$", status=403, code="AuthorizationFailed", headers=())
    assert trigger() == 2
    err = capsys.readouterr().err
    assert "403 AuthorizationFailed" in err and "Logic App Contributor" in err and err.count("\n") == 1


@pytest.mark.parametrize("tail", [True, False])
def test_trigger_of_a_job_quicker_than_the_look(
    azure: FakeLogicApps, heroku: FakeHeroku, capsys: pytest.CaptureFixture[str], tail: bool
) -> None:
    """The dyno is gone and the run ended before the command looked: the report names the dyno,
    whose logs still hold its exit."""
    azure.add_workflow("wf-job", JOB)
    heroku.next_run_numbers = [4821]  # the dyno the fake's job_failed report names
    heroku.dyno_exit_status = 3
    heroku.dyno_runtime = 0.0

    def run_to_the_end(workflow: FakeWorkflow, run: FakeRun) -> None:
        body = {"command": dyno_command(JOB.name, JOB.command), "type": "run", "attach": False}
        with heroku._lock:
            heroku.handle("POST", f"/apps/{APP}/dynos", body)
        ended = azure._make_run(workflow, run.name, "job_failed", run.start)
        run.status, run.actions, run.end, run.error = ended.status, ended.actions, ended.end, ended.error

    azure.on_trigger = run_to_the_end
    assert trigger(*(["--tail"] if tail else [])) == (3 if tail else 0)
    out = capsys.readouterr().out
    assert "JobFailed" in out and "run.4821" in out
    assert ("Process exited with status 3" in out) == tail


def test_the_runs_dyno_is_new_and_the_jobs_own() -> None:
    start = datetime(2026, 11, 25, 7, 0, 30, tzinfo=UTC)

    def dyno(name: str, command: str, created: str) -> Dyno:
        return {"name": name, "type": "run", "command": command, "created_at": f"2026-11-25T{created}Z"}

    ours = dyno_command(JOB.name, JOB.command)
    dynos = [
        dyno("run.1", ours, "07:00:29"),  # the scheduled run's, there before the trigger (and closest)
        dyno("run.2", dyno_command("other-job", "x"), "07:00:31"),
        dyno("run.3", "bash", "07:00:32"),  # someone's `heroku run bash`
        dyno("run.4", ours, "07:00:33"),
        dyno("run.5", ours, "06:58:00"),  # not in the snapshot, but created long before the run started
    ]
    assert pick_dyno(dynos, JOB.name, {"run.1"}, start)["name"] == "run.4"  # type: ignore[index]
    # A job started with its plain command (no wrapper): the only new unnamed dyno.
    assert pick_dyno(dynos[:3], JOB.name, {"run.1"}, start)["name"] == "run.3"  # type: ignore[index]
    assert pick_dyno([*dynos[:3], dyno("run.6", "rake x", "07:00:40")], JOB.name, {"run.1"}, start) is None


@pytest.mark.parametrize(("stdin", "piped"), [(subprocess.PIPE, True), (subprocess.DEVNULL, False)])
def test_stack_outputs_are_read_from_stdin_only_when_piped(stdin: int, piped: bool) -> None:
    code = "from infra.cli.runs import _piped_stdin; print(_piped_stdin())"
    done = subprocess.run(
        [sys.executable, "-c", code],
        stdin=stdin,
        input=None,
        capture_output=False,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == str(piped)


def test_trigger_tail_of_a_job_with_retries_exits_with_the_last_attempts_status(
    azure: FakeLogicApps, heroku: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    """Attempt 1's dyno exits 1; once the run starts attempt 2 (after its back-off), its dyno is
    followed too, and its 0 is the command's exit status."""
    azure.add_workflow("wf-job", replace(JOB, retries=1, overlap="allow"))
    heroku.next_run_numbers = [1, 2]
    heroku.dyno_exit_status = 1
    body = {"command": dyno_command(JOB.name, JOB.command), "type": "run", "attach": False}

    def second_attempt(run: FakeRun) -> None:
        with azure._lock:
            first = next(a for a in run.actions if a["name"] == "Start_dyno")
            first["properties"] = {
                **first["properties"],
                "status": "Succeeded",
                "endTime": first["properties"]["startTime"],
            }
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")
            again = {**first, "name": "Start_dyno_attempt_2", "id": first["id"] + "_attempt_2"}
            again["properties"] = {"startTime": now, "status": "Running"}
            run.actions.append(again)
        with heroku._lock:
            heroku.dyno_exit_status = 0
            heroku.handle("POST", f"/apps/{APP}/dynos", body)

    def first_attempt(workflow: FakeWorkflow, run: FakeRun) -> None:
        with heroku._lock:
            heroku.handle("POST", f"/apps/{APP}/dynos", body)
        threading.Timer(1.0, second_attempt, args=(run,)).start()

    azure.on_trigger = first_attempt
    assert trigger("--tail", "--max-seconds", "30") == 0
    out = capsys.readouterr().out
    assert "run.1 exited with status 1; the run starts another attempt" in out
    assert "dyno run.2 on picletter-test" in out and out.rstrip().endswith("Process exited with status 0")


def test_trigger_tail_writes_the_status_file(
    azure: FakeLogicApps, heroku: FakeHeroku, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    azure.add_workflow("wf-job", JOB)
    heroku.dyno_exit_status = None
    starts_dynos(azure, heroku)
    path = tmp_path / "status.json"
    assert trigger("--tail", "--max-seconds", "1", "--status-file", str(path)) == EXIT_STATUS_UNKNOWN
    status = json.loads(path.read_text())
    assert (status["outcome"], status["exitStatus"], status["exitCode"]) == ("unknown", None, EXIT_STATUS_UNKNOWN)
    assert status["dyno"] in capsys.readouterr().out and "no exit line" in status["reason"]
