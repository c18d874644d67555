"""bin/picletter-run, run for real: the job's exit status reported to a loopback callback server,
whatever the job does, and never changed by the reporting."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.job_command import CALLBACK_ENV
from tests.fakes.web import FakeWeb, Reply, running_fake_web
from tests.helpers import REPO

WRAPPER = REPO / "bin" / "picletter-run"
SECRET_QUERY = "sig=canary-sas-signature-4f1d"


@pytest.fixture
def callback() -> Iterator[FakeWeb]:
    with running_fake_web() as web:
        web.on("POST", "/workflows/run/callback", Reply(200, ""))
        yield web


def start(command: str, folder: Path, url: str | None) -> subprocess.Popen[str]:
    env = {"PATH": os.environ["PATH"], "DYNO": "run.4821"}
    if url:
        env[CALLBACK_ENV] = url
    return subprocess.Popen(
        [str(WRAPPER), "nightly-report", command],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def url_of(web: FakeWeb) -> str:
    return f"{web.url}/workflows/run/callback?{SECRET_QUERY}"


def reports(web: FakeWeb) -> list[object]:
    return [request.json() for request in web.called("POST", "/workflows/run/callback")]


@pytest.mark.parametrize("status", [0, 3])
def test_the_exit_status_is_reported_and_kept(status: int, callback: FakeWeb, tmp_path: Path) -> None:
    process = start(f"echo working; exit {status}", tmp_path, url_of(callback))
    out, err = process.communicate(timeout=30)
    assert process.returncode == status
    assert reports(callback) == [{"exitStatus": status, "dyno": "run.4821", "job": "nightly-report"}]
    assert "working" in out and SECRET_QUERY not in out + err


def test_a_procfile_process_type_runs_its_command_with_the_rest_appended(callback: FakeWeb, tmp_path: Path) -> None:
    (tmp_path / "Procfile").write_text("picletter: echo from-procfile\nother: exit 9\n")
    process = start("picletter --dry-run", tmp_path, url_of(callback))
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 0 and out.strip() == "from-procfile --dry-run"


def test_the_job_never_sees_the_callback_url(callback: FakeWeb, tmp_path: Path) -> None:
    process = start('echo "url=${PICLETTER_CALLBACK_URL:-unset}"', tmp_path, url_of(callback))
    out, _ = process.communicate(timeout=30)
    assert out.strip() == "url=unset"


def test_sigterm_reaches_the_job_and_its_status_is_still_reported(callback: FakeWeb, tmp_path: Path) -> None:
    process = start("sleep 30", tmp_path, url_of(callback))
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)  # to the wrapper alone: it passes it on to the job
    # Every process of the job got it: none lives on holding the output open (that would time out).
    process.communicate(timeout=10)
    assert process.returncode == 143
    assert reports(callback) == [{"exitStatus": 143, "dyno": "run.4821", "job": "nightly-report"}]


def descendants(pid: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [p for child in map(int, children) for p in (child, *descendants(child))]


def test_sigterm_to_every_process_of_the_dyno_is_reported_once(callback: FakeWeb, tmp_path: Path) -> None:
    # Heroku sends SIGTERM "to all processes in the dyno", which may get several, then SIGKILL after
    # 30 s (Dev Center, "Dyno Shutdown Behavior"): the wrapper and the job both get it here.
    process = start("sleep 30", tmp_path, url_of(callback))
    time.sleep(0.5)
    for pid in (process.pid, *descendants(process.pid)):
        os.kill(pid, signal.SIGTERM)
    process.communicate(timeout=10)
    assert process.returncode == 143
    assert reports(callback) == [{"exitStatus": 143, "dyno": "run.4821", "job": "nightly-report"}]


def test_a_failed_report_is_sent_again(tmp_path: Path) -> None:
    # Logic Apps' answer to a callback is not documented beyond "the request's status code"; a
    # transient 5xx (or a 4xx while the action is not yet waiting) is sent again.
    with running_fake_web() as web:
        web.on("POST", "/workflows/run/callback", Reply(503, ""), Reply(200, ""))
        process = start("exit 0", tmp_path, url_of(web))
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0 and err == ""
        assert reports(web) == [{"exitStatus": 0, "dyno": "run.4821", "job": "nightly-report"}] * 2


def test_a_callback_that_cannot_be_reached_does_not_change_the_jobs_status(tmp_path: Path) -> None:
    process = start("exit 4", tmp_path, f"http://127.0.0.1:9/callback?{SECRET_QUERY}")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 4
    assert "could not report exit status 4" in err and SECRET_QUERY not in err


def test_the_tarball_ships_the_wrapper_executable() -> None:
    from infra.heroku.source_bundle import BUNDLED_ROOT_FILES

    assert "bin/picletter-run" in BUNDLED_ROOT_FILES
