"""The reporter (bin/picletter-run), run for real as a dyno runs it: the dyno command of
infra.job_command under dash and under bash, a Rails-style `bundle exec rake` stand-in with env,
a Procfile process type with arguments, a loopback callback server, and SIGTERM sent to every
process of the dyno as Heroku's dyno manager sends it (tests/bin/dyno.py)."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.job_command import WRAPPER
from tests.bin.dyno import SHELLS, Dyno, install_shell, stand_in
from tests.fakes.web import FakeWeb, Reply, Request, running_fake_web
from tests.helpers import REPO

JOB = "nightly-report"
RAKE = "bundle exec rake reports:nightly"
CALLBACK = "/workflows/run/callback"
# `bundle exec rake reports:nightly`, standing in for a Rails app's task. REPORTS_END (the job's
# env) says how it ends: a status, `graceful` (catches SIGTERM, cleans up for 1 s, exits 0),
# `ignore` (ignores SIGTERM, exits 4 two seconds in), `forever` (ignores SIGTERM, never ends);
# unset, it works for 30 s and SIGTERM ends it.
# It leaves `started` and, once done, `stopped` in the app's folder.
BUNDLE = """\
echo "bundle $*"
: > started
case ${REPORTS_END:-work} in
  graceful) trap 'echo stopping; sleep 1; : > stopped; exit 0' TERM ;;
  ignore) trap '' TERM; sleep 2; : > stopped; exit 4 ;;
  forever) trap '' TERM; while :; do sleep 1; done ;;
  [0-9]*) exit "$REPORTS_END" ;;
esac
i=0
while [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
"""


@pytest.fixture(params=SHELLS)
def dyno(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Dyno]:
    shell = str(request.param)
    bin_folder = install_shell(shell, tmp_path / "bin")
    stand_in(bin_folder, "bundle", BUNDLE)
    app = tmp_path / "app"
    app.mkdir()
    made = Dyno(shell=shell, bin=bin_folder, app=app)
    yield made
    made.stop()


@pytest.fixture
def secret() -> str:
    """The callback URL's SAS signature, unique to the test: found anywhere, it leaked from here."""
    return f"sig=canary-{uuid.uuid4().hex}"


@pytest.fixture
def callback() -> Iterator[FakeWeb]:
    with running_fake_web() as web:
        web.on("POST", CALLBACK, Reply(202, ""))
        yield web


def url_of(web: FakeWeb, secret: str) -> str:
    return f"{web.url}{CALLBACK}?api-version=2016-06-01&sp=%2Fruns%2Frun&{secret}"


def reports(web: FakeWeb) -> list[object]:
    return [request.json() for request in web.called("POST", CALLBACK)]


def report_of(status: int) -> dict[str, object]:
    return {"exitStatus": status, "dyno": "run.4821", "job": JOB}


def wait_for(path: Path, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


# Endings without signals


@pytest.mark.parametrize("status", [0, 3])
def test_a_rake_task_s_status_is_reported_and_kept(status: int, dyno: Dyno, callback: FakeWeb, secret: str) -> None:
    dyno.env["REPORTS_END"] = str(status)
    dyno.start(JOB, RAKE, url_of(callback, secret))
    code, out, err = dyno.finish()
    assert code == status
    assert reports(callback) == [report_of(status)]
    assert out.strip() == "bundle exec rake reports:nightly" and err == ""


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_procfile_type_with_arguments_runs_its_definition_with_them_appended(
    newline: str, dyno: Dyno, callback: FakeWeb, secret: str
) -> None:
    # Dev Center, "Working with One-Off Dynos": `heroku run worker --queue nightly` runs the worker's
    # command with the arguments appended. A Procfile saved on Windows ends its lines in CRLF.
    lines = ["web: bundle exec puma -C config/puma.rb", "worker:   bundle exec sidekiq -q default", "release: exit 9"]
    (dyno.app / "Procfile").write_text(newline.join(lines) + newline)
    dyno.env["REPORTS_END"] = "0"
    dyno.start(JOB, "worker -c 2 --tag 'a b'", url_of(callback, secret))
    code, out, _ = dyno.finish()
    assert code == 0 and out.strip() == "bundle exec sidekiq -q default -c 2 --tag a b"
    assert reports(callback) == [report_of(0)]


def test_a_command_that_is_no_process_type_runs_as_written(dyno: Dyno, callback: FakeWeb, secret: str) -> None:
    (dyno.app / "Procfile").write_text("web: exit 9\n")
    dyno.start(JOB, "echo one && exit 5", url_of(callback, secret))
    code, out, _ = dyno.finish()
    assert (code, out.strip()) == (5, "one")
    assert reports(callback) == [report_of(5)]


def test_a_failed_report_is_sent_again(dyno: Dyno, secret: str) -> None:
    # Logic Apps documents no answer to a callback beyond its status code: a 5xx (or a 4xx while the
    # action is not yet waiting) is sent again; a report sent twice changes nothing.
    with running_fake_web() as web:
        web.on("POST", CALLBACK, Reply(503, ""), Reply(202, ""))
        dyno.start(JOB, "exit 0", url_of(web, secret))
        code, _, err = dyno.finish()
        assert (code, err) == (0, "")
        assert reports(web) == [report_of(0)] * 2


def test_a_callback_that_cannot_be_reached_does_not_change_the_jobs_status(dyno: Dyno, secret: str) -> None:
    dyno.start(JOB, "exit 4", f"http://127.0.0.1:9{CALLBACK}?{secret}")
    code, _, err = dyno.finish()
    assert code == 4
    assert err.strip() == f"picletter-run: could not report exit status 4 of job {JOB} to Logic Apps"


def test_without_a_callback_the_job_runs_and_nothing_is_sent(dyno: Dyno) -> None:
    # reportExit false: the dyno still carries its job's name and its run, no callback.
    dyno.start(JOB, "echo ran; exit 2", None)
    assert dyno.finish() == (2, "ran\n", "")


@pytest.mark.parametrize("run", [None, "", "@{workflow()?['run']?['name']}"])
def test_a_dyno_started_outside_a_run_starts_no_job(
    run: str | None, dyno: Dyno, callback: FakeWeb, secret: str
) -> None:
    # Issue 21: a webhook that subscribed when its workflow was saved would start a dyno outside any
    # run; without the run's name the job does not run, and one line says why.
    dyno.start(JOB, RAKE, url_of(callback, secret), run=run)
    code, out, err = dyno.finish()
    assert (code, out) == (0, "")
    assert err.splitlines() == [
        f"picletter-run: not starting job {JOB}: no Logic Apps run started this dyno "
        "(PICLETTER_RUN is empty or not a run name)"
    ]
    assert reports(callback) == [] and not (dyno.app / "started").exists()


# The callback URL


def test_the_job_cannot_read_the_callback_url(dyno: Dyno, callback: FakeWeb, secret: str) -> None:
    # What a job (or a library of it that reports crashes with ENV) could read: its environment,
    # every process's argv and initial environment (/proc/PID/environ, whatever `unset` did).
    pattern = secret.replace("-", "[-]")
    look = (
        'echo "env=${PICLETTER_CALLBACK_URL:-none}"; '
        # The pattern matches the secret without holding it (this command line is a process's argv).
        f"cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | grep -c -a '{pattern}'; :"
    )
    dyno.start(JOB, look, url_of(callback, secret))
    _, out, err = dyno.finish()
    assert out.split() == ["env=none", "0"]
    assert secret not in err


def test_the_url_is_in_no_argv_or_environment_while_the_job_runs_or_curl_reports(dyno: Dyno, secret: str) -> None:
    seen: list[str] = []

    def look_while_curl_waits(_: Request) -> Reply:
        seen.extend(dyno.exposures(secret))
        return Reply(202, "")

    with running_fake_web() as web:
        web.on("POST", CALLBACK, look_while_curl_waits)
        dyno.env["REPORTS_END"] = "graceful"
        dyno.start(JOB, RAKE, url_of(web, secret))
        wait_for(dyno.app / "started")
        time.sleep(0.2)
        while_running = dyno.exposures(secret)
        dyno.signal_all()
        code, _, _ = dyno.finish()
        assert code == 0 and len(reports(web)) == 1
    assert while_running == [] and seen == []


# Heroku stopping the dyno: SIGTERM to every process, SIGKILL 30 s later


def test_sigterm_ends_a_job_that_does_not_handle_it_and_143_is_reported(
    dyno: Dyno, callback: FakeWeb, secret: str
) -> None:
    dyno.start(JOB, RAKE, url_of(callback, secret))
    wait_for(dyno.app / "started")
    dyno.signal_all()
    code, _, _ = dyno.finish(timeout=15)
    assert code == 143
    assert reports(callback) == [report_of(143)]


def test_a_job_that_handles_sigterm_and_exits_0_is_reported_0_after_it_ends(
    dyno: Dyno, callback: FakeWeb, secret: str
) -> None:
    order: list[bool] = []
    callback.on("POST", CALLBACK, lambda _: order.append((dyno.app / "stopped").exists()) or Reply(202, ""))
    dyno.env["REPORTS_END"] = "graceful"
    dyno.start(JOB, RAKE, url_of(callback, secret))
    wait_for(dyno.app / "started")
    dyno.signal_all()
    code, out, _ = dyno.finish(timeout=15)
    assert code == 0 and "stopping" in out
    assert reports(callback) == [report_of(0)]
    assert order == [True]  # reported after the job's cleanup, not when the signal came


def test_a_job_that_ignores_sigterm_and_exits_4_is_reported_4(dyno: Dyno, callback: FakeWeb, secret: str) -> None:
    dyno.env["REPORTS_END"] = "ignore"
    dyno.start(JOB, RAKE, url_of(callback, secret))
    wait_for(dyno.app / "started")
    dyno.signal_all()
    code, _, _ = dyno.finish(timeout=15)
    assert code == 4
    assert reports(callback) == [report_of(4)]


def test_a_command_line_of_several_commands_is_reported_as_its_shell_ends_after_its_last_process(
    dyno: Dyno, callback: FakeWeb, secret: str
) -> None:
    # `cd . && rake; echo`: a shell script. SIGTERM ends its shell (143), as the dyno's own shell
    # would end without picletter; the report waits for rake's own cleanup.
    order: list[bool] = []
    callback.on("POST", CALLBACK, lambda _: order.append((dyno.app / "stopped").exists()) or Reply(202, ""))
    dyno.env["REPORTS_END"] = "graceful"
    dyno.start(JOB, f"cd . && {RAKE}; echo finished", url_of(callback, secret))
    wait_for(dyno.app / "started")
    dyno.signal_all()
    code, out, _ = dyno.finish(timeout=15)
    assert code == 143 and "finished" not in out
    assert reports(callback) == [report_of(143)] and order == [True]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_reporter_alone_still_stops_the_job(
    signum: int, dyno: Dyno, callback: FakeWeb, secret: str
) -> None:
    # The job runs in the background of a non-interactive shell, which ignores SIGINT there (POSIX):
    # the reporter passes either signal on as SIGTERM.
    process = dyno.start(JOB, RAKE, url_of(callback, secret))
    wait_for(dyno.app / "started")
    process.send_signal(signum)
    code, _, _ = dyno.finish(timeout=15)
    assert code == 143 and reports(callback) == [report_of(143)]


def test_a_second_sigterm_while_the_report_is_retried_does_not_stop_it(dyno: Dyno, secret: str) -> None:
    # "It's possible for processes being shut down to receive multiple SIGTERMs": one arrives while
    # the first answer was a 503 and curl waits to send again.
    def shut_down_then_refuse(_: Request) -> Reply:
        dyno.signal_all()
        return Reply(503, "")

    with running_fake_web() as web:
        web.on("POST", CALLBACK, shut_down_then_refuse, Reply(202, ""))
        dyno.start(JOB, "exit 6", url_of(web, secret))
        code, _, err = dyno.finish(timeout=20)
        assert (code, err) == (6, "")
        assert reports(web) == [report_of(6)] * 2


def test_sigterm_while_the_job_is_starting_is_still_reported(dyno: Dyno, callback: FakeWeb, secret: str) -> None:
    # The signal arrives before the job runs (here while a slow sed or setsid prepares it): the job
    # is not started, or stopped, and the run still hears 143.
    (dyno.app / "Procfile").write_text("web: bundle exec puma\n")
    for program in ("sed", "setsid"):
        stand_in(dyno.bin, program, f'sleep 2\nexec {_real(program)} "$@"\n')
    dyno.start(JOB, RAKE, url_of(callback, secret))
    time.sleep(0.5)
    dyno.signal_all()
    code, _, _ = dyno.finish(timeout=15)
    assert code == 143 and reports(callback) == [report_of(143)]
    assert not (dyno.app / "started").exists()


def test_a_job_that_never_stops_is_killed_and_reported_before_herokus_sigkill(dyno: Dyno, secret: str) -> None:
    # The worst case the 30 s must hold: the job ignores SIGTERM for ever and the callback's first
    # attempt hangs. Heroku's SIGKILL comes 30 s after its SIGTERM, to every process left.
    def hang(_: Request) -> Reply:
        time.sleep(10)
        return Reply(202, "")

    with running_fake_web() as web:
        web.on("POST", CALLBACK, hang, Reply(202, ""))
        dyno.env["REPORTS_END"] = "forever"
        dyno.start(JOB, RAKE, url_of(web, secret))
        wait_for(dyno.app / "started")
        dyno.signal_all()
        killer = threading.Timer(30, dyno.signal_all, args=(signal.SIGKILL,))
        killer.start()
        try:
            code, _, err = dyno.finish(timeout=40)
        finally:
            killer.cancel()
        assert code == 137 and "killed" in err
        received = reports(web)
    assert received[-1] == report_of(137)


def _real(program: str) -> str:
    found = subprocess.run(["sh", "-c", f"command -v {program}"], capture_output=True, text=True).stdout.strip()
    assert found, f"{program} missing"
    return found


def test_the_tarball_ships_the_reporter_executable() -> None:
    from infra.heroku.source_bundle import BUNDLED_ROOT_FILES

    assert WRAPPER in BUNDLED_ROOT_FILES


def test_the_shipped_file_is_the_same_reporter(dyno: Dyno, callback: FakeWeb, secret: str) -> None:
    # `bin/picletter-run JOB 'COMMAND'` from an app's own slug or by hand: the same script, read from
    # its file instead of the env.
    dyno.env["REPORTS_END"] = "5"
    process = dyno.start(JOB, RAKE, url_of(callback, secret), via_file=True)
    assert process.args[0] == str(REPO / WRAPPER)
    code, out, _ = dyno.finish()
    assert (code, out.strip()) == (5, "bundle exec rake reports:nightly")
    assert reports(callback) == [report_of(5)]
