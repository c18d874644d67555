"""python -m infra run|ps|stop against the fake Heroku API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.cli import main
from infra.cli.dynos import EXIT_STATUS_UNKNOWN
from infra.job_command import dyno_command
from tests.fakes.heroku_api import FakeHeroku
from tests.helpers import TOKEN

APP = "picletter-test"


@pytest.fixture
def heroku_env(fake_heroku: FakeHeroku, monkeypatch: pytest.MonkeyPatch) -> FakeHeroku:
    fake_heroku.next_run_numbers = [1, 2, 3]
    monkeypatch.setenv("HEROKU_API_URL", fake_heroku.url)
    monkeypatch.setenv("HEROKU_API_KEY", TOKEN)
    monkeypatch.setenv("HEROKU_API_BACKOFF", "0.001")
    monkeypatch.delenv("HEROKU_APP", raising=False)
    return fake_heroku


def test_run_starts_a_detached_one_off_dyno_with_env_overrides(
    heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "run",
            "picletter",
            "--app",
            APP,
            "--env",
            "PICLETTER_SOURCE=apod",
            "--env",
            "EMPTY=",
            "--size",
            "basic",
            "--ttl",
            "600",
        ]
    )
    assert code == 0
    (dyno,) = heroku_env.apps[APP].dynos.values()
    assert dyno["command"] == "picletter" and dyno["type"] == "run" and dyno["size"] == "basic"
    assert dyno["env"] == {"PICLETTER_SOURCE": "apod", "EMPTY": ""} and dyno["time_to_live"] == 600
    assert "started run.1 on picletter-test" in capsys.readouterr().out


@pytest.mark.parametrize("status", [0, 1, 137])
def test_run_tail_streams_logs_and_exits_with_the_jobs_status(
    heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str], status: int
) -> None:
    heroku_env.dyno_exit_status = status
    assert main(["run", "picletter", "--app", APP, "--tail"]) == status
    out = capsys.readouterr().out
    assert "app[run.1]: at=info step=done result=sent" in out
    assert f"Process exited with status {status}" in out


def test_run_tail_waits_out_a_new_dynos_info_answering_404_at_first(
    heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    # Just after the create, Heroku may answer the dyno's info 404 (heroku/cli src/lib/run/dyno.ts);
    # the first tailing session ends while it does, and the job is still running: not gone.
    heroku_env.dyno_info_missing_reads = 5
    heroku_env.dyno_runtime = 0.5
    heroku_env.stream_open_seconds = 0.1
    heroku_env.dyno_exit_status = 1
    assert main(["run", "picletter", "--app", APP, "--tail"]) == 1
    assert "Process exited with status 1" in capsys.readouterr().out


def test_run_tail_of_a_dyno_that_never_reports_an_exit(
    heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    heroku_env.dyno_exit_status = None
    assert main(["run", "picletter", "--app", APP, "--tail", "--max-seconds", "1"]) == EXIT_STATUS_UNKNOWN
    assert "exit status is unknown" in capsys.readouterr().err


def test_logs_of_one_dyno_and_its_exit_status(heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]) -> None:
    heroku_env.dyno_exit_status = 4
    main(["run", "picletter", "--app", APP])
    capsys.readouterr()
    assert main(["logs", "--app", APP, "--dyno", "run.1"]) == 0, "without --tail it only shows the lines"
    assert "heroku[run.1]: Starting process with command `picletter`" in capsys.readouterr().out
    assert main(["logs", "--app", APP, "--dyno", "run.1", "--tail"]) == 4
    sessions = [r.body for r in heroku_env.requests if r.path.endswith("/log-sessions")]
    assert sessions == [{"tail": False, "dyno_name": "run.1"}, {"tail": True, "dyno_name": "run.1"}]


def test_ps_lists_and_stop_stops(heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]) -> None:
    heroku_env.dyno_exit_status = None  # still running
    main(["run", "picletter", "--app", APP])
    main(["run", "other", "--app", APP])
    capsys.readouterr()
    assert main(["ps", "--app", APP]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["run.1", "run.2"]
    assert lines[0].split()[-1] == "picletter"
    assert main(["stop", "run.1", "--app", APP]) == 0
    assert list(heroku_env.apps[APP].dynos) == ["run.2"]


def test_ps_names_the_job_a_scheduled_dyno_belongs_to(
    heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    heroku_env.dyno_exit_status = None
    main(["run", dyno_command("nightly-report", "picletter --dry-run"), "--app", APP])
    main(["run", "picletter", "--app", APP])
    capsys.readouterr()
    assert main(["ps", "--app", APP]) == 0
    scheduled, by_hand = capsys.readouterr().out.splitlines()
    assert scheduled.split()[4:] == ["nightly-report", "picletter", "--dry-run"]
    assert by_hand.split()[4:] == ["-", "picletter"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ps", "--app", "no-such-app"], "picletter:herokuApp"),
        (["stop", "run.9", "--app", APP], "404 not_found"),
        (["run", "x", "--app", APP, "--env", "BAD-NAME=1"], "--env 'BAD-NAME=1'"),
        (["run", "x", "--app", APP, "--size", "huge"], "--size 'huge'"),
        (["run", "x", "--app", APP, "--ttl", "0"], "--ttl"),
        (["ps"], "pass --app APP or set HEROKU_APP"),
        (["logs", "--app", APP, "--max-seconds", "0"], "--max-seconds"),
    ],
)
def test_clear_errors(
    heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and TOKEN not in err and "Traceback" not in err


def test_wrong_token_and_rate_limit_storm(
    heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEROKU_API_KEY", "wrong-token-canary")
    assert main(["ps", "--app", APP]) == 2
    err = capsys.readouterr().err
    assert "401" in err and "HEROKU_API_KEY" in err and "wrong-token-canary" not in err
    monkeypatch.setenv("HEROKU_API_KEY", TOKEN)
    heroku_env.fail("POST", f"/apps/{APP}/dynos", 429, times=100, error_id="rate_limit")
    assert main(["run", "picletter", "--app", APP]) == 2
    assert "rate limit" in capsys.readouterr().err
    assert heroku_env.apps[APP].dynos == {}


def test_missing_token(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("HEROKU_API_KEY", raising=False)
    assert main(["ps", "--app", APP]) == 2
    assert "HEROKU_API_KEY is not set" in capsys.readouterr().err


@pytest.mark.parametrize("attempts", ["abc", "0"])
def test_bad_retry_tuning_is_one_line_not_a_traceback(
    attempts: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEROKU_API_KEY", "token")
    monkeypatch.setenv("HEROKU_API_ATTEMPTS", attempts)
    assert main(["ps", "--app", APP]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: HEROKU_API_ATTEMPTS='{attempts}'") and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ps", "--app", "myapp/config-vars?"], "'myapp/config-vars?' is not a Heroku app name or id"),
        (["stop", "run.1/../../x", "--app", APP], "is not a dyno name: use a name like run.4821"),
        (["run", "", "--app", APP], "the command is empty"),
        (["run", "   ", "--app", APP], "the command is empty"),
    ],
)
def test_names_that_would_not_make_a_valid_path_are_refused_before_any_request(
    argv: list[str], message: str, heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    before = len(heroku_env.requests)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert len(heroku_env.requests) == before


def test_a_token_is_never_sent_to_a_plain_http_api_off_this_machine(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEROKU_API_KEY", "token")
    monkeypatch.setenv("HEROKU_API_URL", "http://api.example.com")
    assert main(["ps", "--app", APP]) == 2
    assert "neither https:// nor http:// on this machine" in capsys.readouterr().err


def test_ps_orders_dynos_by_number_and_errors_carry_herokus_request_id(
    heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    for number in (10, 9, 2):
        heroku_env.apps[APP].dynos[f"run.{number}"] = {
            "id": f"00000000-0000-0000-0000-0000000000{number:02d}",
            "name": f"run.{number}",
            "type": "run",
            "state": "up",
            "command": "picletter",
        }
    assert main(["ps", "--app", APP]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ["run.2", "run.9", "run.10"]
    assert main(["stop", "run.99", "--app", APP]) == 2
    assert "[Request-Id " in capsys.readouterr().err


def test_herokus_warning_headers_are_shown(heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]) -> None:
    heroku_env.warning = "This API version is deprecated"
    assert main(["ps", "--app", APP]) == 0
    assert "Heroku warning: This API version is deprecated" in capsys.readouterr().err


def test_a_dyno_is_created_detached(heroku_env: FakeHeroku) -> None:
    assert main(["run", "picletter", "--app", APP]) == 0
    (create,) = [r for r in heroku_env.requests if r.method == "POST" and r.path.endswith("/dynos")]
    assert create.body["attach"] is False


@pytest.mark.parametrize("command", [["run", "picletter", "--tail"], ["logs", "--dyno", "run.1", "--tail"]])
def test_a_heroku_error_while_following_is_retried_then_unknown_never_the_jobs_status(
    heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    heroku_env.dyno_exit_status = 2
    if command[0] == "logs":
        main(["run", "picletter", "--app", APP])
    # Every log session fails, past the client's own retries: the job's status cannot be known.
    heroku_env.fail("POST", f"/apps/{APP}/log-sessions", 503, times=10_000)
    assert main([*command, "--app", APP, "--max-seconds", "2"]) == EXIT_STATUS_UNKNOWN
    err = capsys.readouterr().err
    assert "exit status is unknown" in err and "503" in err


def test_a_passing_heroku_error_while_following_does_not_end_the_follow(
    heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    heroku_env.dyno_exit_status = 5
    heroku_env.fail("POST", f"/apps/{APP}/log-sessions", 503, times=2)  # POSTs are not retried by the client
    assert main(["run", "picletter", "--app", APP, "--tail"]) == 5


def test_logs_dyno_tail_exits_unknown_when_no_exit_status_comes(
    heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    heroku_env.dyno_exit_status = None
    main(["run", "picletter", "--app", APP])
    assert main(["logs", "--app", APP, "--dyno", "run.1", "--tail", "--max-seconds", "1"]) == EXIT_STATUS_UNKNOWN
    assert "exit status is unknown" in capsys.readouterr().err


# A refused token or an app deleted while following: asking again until the deadline cannot help.
@pytest.mark.parametrize(("status", "error_id"), [(401, "unauthorized"), (404, "not_found")])
def test_a_token_refused_or_an_app_deleted_while_following_ends_at_once_as_unknown(
    status: int, error_id: str, heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    heroku_env.dyno_exit_status = None
    main(["run", "picletter", "--app", APP])
    heroku_env.fail("POST", f"/apps/{APP}/log-sessions", status, times=10_000, error_id=error_id)
    assert main(["logs", "--app", APP, "--dyno", "run.1", "--tail", "--max-seconds", "600"]) == EXIT_STATUS_UNKNOWN
    sessions = [r for r in heroku_env.requests if r.path.endswith("/log-sessions")]
    assert len(sessions) == 1, "a refused token or a deleted app is not asked again and again until the deadline"
    err = capsys.readouterr().err
    assert str(status) in err and TOKEN not in err


def test_following_a_dyno_of_an_app_that_does_not_exist_ends_at_once(
    heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    # Heroku answers 404 for an app it does not know (the schema's app identity); asking again for
    # the whole --max-seconds cannot make it exist: a mistyped --app is bad input, said at once.
    code = main(["logs", "--app", "no-such-app", "--dyno", "run.1", "--tail", "--max-seconds", "600"])
    assert code == 2
    sessions = [r for r in heroku_env.requests if r.path.endswith("/log-sessions")]
    assert len(sessions) <= 1, "an unknown app is not asked again and again until the deadline"
    assert "no-such-app" in capsys.readouterr().err


@pytest.mark.parametrize("ignored", [False, True])
def test_following_a_dyno_shows_only_its_lines_whichever_field_heroku_reads(
    heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str], ignored: bool
) -> None:
    # The schema limits a log session by `dyno_name`, the Heroku CLI sends `dyno`: either way the
    # follow shows the one dyno's lines, not the web dynos' traffic beside it.
    heroku_env.log_sessions_ignore_dyno_name = ignored
    heroku_env.dyno_exit_status = 0
    heroku_env.log(APP, "app", "web.1", "GET /healthz 200", after=0.01)
    heroku_env.log(APP, "heroku", "router", "at=info method=GET path=/", after=0.01)
    assert main(["run", "picletter", "--app", APP, "--tail"]) == 0
    out = capsys.readouterr().out
    assert "Process exited with status 0" in out
    assert "web.1" not in out and "router" not in out
    assert main(["logs", "--app", APP, "--dyno", "run.1"]) == 0
    out = capsys.readouterr().out
    assert "app[run.1]" in out and "web.1" not in out


# -- Fir-generation apps (infra.heroku.generation) --------------------------------------------------


@pytest.mark.parametrize(
    "argv", [["run", "picletter", "--app", "shop-fir"], ["logs", "--app", "shop-fir", "--dyno", "run.1", "--tail"]]
)
def test_run_and_logs_refuse_a_fir_app_before_a_dyno_or_log_session(
    argv: list[str], heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    heroku_env.add_app("shop-fir", generation="fir")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: --app (or HEROKU_APP): app shop-fir is a Fir-generation app (stack cnb)")
    assert "`heroku run`" in err
    assert [(r.method, r.path) for r in heroku_env.requests] == [("GET", "/apps/shop-fir")]


@pytest.mark.parametrize(
    "argv", [["stop", "web-848cd4f64d-pvpr2", "--app", APP], ["logs", "--dyno", "web-848cd4f64d-pvpr2", "--app", APP]]
)
def test_a_fir_dyno_name_is_refused_by_name_before_any_request(
    argv: list[str], heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "web-848cd4f64d-pvpr2 is the name of a Fir-generation dyno" in err and err.count("\n") == 1
    assert heroku_env.requests == []


def test_logs_of_a_dyno_given_by_its_id_ask_for_its_name(heroku_env: FakeHeroku) -> None:
    # The schema's dyno info takes an id or a name; a log session's dyno_name only a name.
    heroku_env.dyno_exit_status = 4
    heroku_env.dyno_runtime = 0.3
    main(["run", "picletter", "--app", APP])
    (dyno,) = heroku_env.apps[APP].dynos.values()
    assert main(["logs", "--app", APP, "--dyno", dyno["id"], "--tail"]) == 4
    sessions = [r.body for r in heroku_env.requests if r.path.endswith("/log-sessions")]
    assert sessions and all(s["dyno_name"] == "run.1" for s in sessions)


def test_logs_of_a_gone_dyno_given_by_its_id_is_one_line(
    heroku_env: FakeHeroku, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = "01234567-89ab-cdef-0123-456789abcdef"
    assert main(["logs", "--app", APP, "--dyno", gone]) == 2
    assert "pass the name (run.NNNN) instead" in capsys.readouterr().err


def status_of(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


@pytest.mark.parametrize(
    ("exit_status", "outcome"), [(3, "exited"), (2, "exited"), (None, "unknown")], ids=["job-3", "job-2", "lost"]
)
def test_the_status_file_tells_the_jobs_own_3_from_unknown(
    heroku_env: FakeHeroku, tmp_path: Path, exit_status: int | None, outcome: str
) -> None:
    # Exit 3 means both "the job exited 3" and "unknown": the file says which.
    heroku_env.dyno_exit_status = exit_status
    path = tmp_path / "status.json"
    path.write_text('{"outcome": "exited", "exitStatus": 0}')  # an earlier run's, never read as this one's
    command = ["run", "picletter", "--app", APP, "--tail", "--max-seconds", "1", "--status-file", str(path)]
    assert main(command) == (EXIT_STATUS_UNKNOWN if exit_status is None else exit_status)
    status = status_of(path)
    assert (status["outcome"], status["exitStatus"], status["dyno"]) == (outcome, exit_status, "run.1")
    assert status["exitCode"] == (EXIT_STATUS_UNKNOWN if exit_status is None else exit_status)
    assert (status["reason"] is None) == (exit_status is not None)
    assert [p.name for p in tmp_path.iterdir()] == ["status.json"]  # no temporary file left


def test_logs_writes_the_status_file_too(heroku_env: FakeHeroku, tmp_path: Path) -> None:
    heroku_env.dyno_exit_status = 3
    main(["run", "picletter", "--app", APP])
    path = tmp_path / "status.json"
    assert main(["logs", "--app", APP, "--dyno", "run.1", "--tail", "--status-file", str(path)]) == 3
    assert status_of(path)["outcome"] == "exited"


def test_an_error_after_the_checks_is_recorded_as_an_error(heroku_env: FakeHeroku, tmp_path: Path) -> None:
    path = tmp_path / "status.json"
    assert main(["run", "picletter", "--app", "no-such-app", "--tail", "--status-file", str(path)]) == 2
    status = status_of(path)
    assert (status["outcome"], status["exitStatus"], status["exitCode"]) == ("error", None, 2)
    assert "no-such-app" in status["reason"]


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        ([], "--status-file needs --tail"),
        (
            ["--tail", "--status-file", "/nonexistent-folder-7f3e/status.json"],
            "cannot write in /nonexistent-folder-7f3e",
        ),
    ],
    ids=["without-tail", "missing-folder"],
)
def test_a_status_file_that_would_not_be_written_is_refused_before_any_dyno_starts(
    heroku_env: FakeHeroku, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], said: str
) -> None:
    options = extra or ["--status-file", str(tmp_path / "status.json")]
    assert main(["run", "picletter", "--app", APP, *options]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and said in err and len(err.splitlines()) == 1
    assert heroku_env.apps[APP].dynos == {}
    assert not heroku_env.requests
