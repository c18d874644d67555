"""The whole job against local fakes: exit status, logfmt lines, secrets never printed."""

from __future__ import annotations

import ast
import email
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from email import policy
from pathlib import Path

from infra.heroku.source_bundle import BUNDLED_PACKAGES
from picletter.__main__ import today
from tests import REPO
from tests.fakes.web import FakeWeb, Reply
from tests.helpers import runtime_requirements
from tests.picletter.helpers import DAY, run, wikimedia_feed

CANARIES = {
    "SENDGRID_API_KEY": "SG.canary-sendgrid",
    "NASA_API_KEY": "canary-nasa",
    "UNSPLASH_ACCESS_KEY": "canary-unsplash",
}


def test_sends_through_sendgrid_and_exits_0(web: FakeWeb, env: dict[str, str]) -> None:
    wikimedia_feed(web)
    web.on("POST", "/sendgrid/v3/mail/send", Reply(202, b"", {"X-Message-Id": "sg-123"}))
    result = run({**env, **CANARIES, "PICLETTER_SOURCE": "wikimedia"})
    assert result.code == 0, result.log
    lines = result.log.splitlines()
    assert [line.split()[1] for line in lines] == ["step=start", "step=source", "step=render", "step=mail", "step=done"]
    assert "result=accepted" in lines[3] and "receipt=sg-123" in lines[3]
    payload = web.called("POST", "/sendgrid/v3/mail/send")[0].json()
    assert payload["subject"] == "Lighthouse at dusk · picture of the day, 14 March 2026"
    assert "Jane &lt;Doe&gt;" in payload["content"][1]["value"]
    for secret in CANARIES.values():
        assert secret not in result.log


def test_mail_not_accepted_exits_1_with_the_reason(web: FakeWeb, env: dict[str, str]) -> None:
    wikimedia_feed(web)
    web.on("POST", "/sendgrid/v3/mail/send", Reply(400, {"errors": [{"message": "from address not verified"}]}))
    result = run({**env, **CANARIES})
    assert result.code == 1
    assert "result=not-accepted" in result.log and "from address not verified" in result.log
    assert all(secret not in result.log for secret in CANARIES.values())


def test_no_picture_anywhere_exits_1_and_sends_nothing(web: FakeWeb, env: dict[str, str]) -> None:
    web.on("GET", "/nasa/planetary/apod", Reply(500, "down"))
    result = run({**env, **CANARIES, "PICLETTER_SOURCE": "apod,wikimedia"})
    assert result.code == 1
    assert "step=source result=none" in result.log
    assert web.called("POST", "/sendgrid/v3/mail/send") == []
    assert "canary-nasa" not in result.log, "the key rides in APOD's query string"


def test_bad_settings_exit_2_with_one_line_listing_each_problem(env: dict[str, str]) -> None:
    result = run({**env, "PICLETTER_MAILER": "smtp", "SMTP_URL": "smtp://user:canary-pw@", "PICLETTER_TO": "x"})
    assert result.code == 2
    (line,) = result.log.splitlines()
    assert line.startswith("at=error step=settings problems=2 ")
    assert "SMTP_URL must look like" in line and "PICLETTER_TO has 'x'" in line
    assert "canary-pw" not in result.log


def test_dry_run_renders_but_does_not_send(web: FakeWeb, env: dict[str, str]) -> None:
    wikimedia_feed(web)
    result = run({**env, **CANARIES}, dry_run=True)
    assert result.code == 0 and "result=dry-run" in result.log
    assert web.called("POST", "/sendgrid/v3/mail/send") == []


def test_date_picks_that_days_feed(web: FakeWeb, env: dict[str, str], tmp_path: Path) -> None:
    other = DAY.replace(day=1)
    wikimedia_feed(web, day=other)
    result = run(env, day=other)
    assert result.code == 0, result.log
    (eml,) = (tmp_path / "outbox").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert "01 March 2026" in str(message["Subject"])


def run_module(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "picletter", *args],
        cwd=REPO,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_module_entry_point_help_and_bad_date() -> None:
    helped = run_module("--help", env={})
    assert helped.returncode == 0 and "PICLETTER_SOURCE" in helped.stdout and "--dry-run" in helped.stdout
    bad = run_module("--date", "2026-02-30", env={})
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_module_runs_the_sample_into_the_outbox(tmp_path: Path) -> None:
    done = run_module(env={"PICLETTER_SOURCE": "sample", "PICLETTER_OUTBOX": str(tmp_path)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(list(tmp_path.glob("*.eml"))) == 1
    assert done.stdout.splitlines()[-1].startswith("at=info step=done result=sent")


def test_job_needs_only_its_runtime_dependencies() -> None:
    probe = "import sys, picletter.__main__, picletter.job; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", f"import json; {probe}"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    modules = json.loads(done.stdout)
    assert not [m for m in modules if m.split(".")[0] in ("pulumi", "pulumi_azure_native", "infra", "yaml", "tzlocal")]
    allowed = {requirement.split("==")[0].lower() for requirement in runtime_requirements()}
    imported: set[str] = set()
    for path in [path for package in BUNDLED_PACKAGES for path in (REPO / package).rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
    third_party = {
        name
        for name in imported
        if name not in sys.stdlib_module_names and name not in (*BUNDLED_PACKAGES, "__future__")
    }
    assert {name.replace("_", "-") for name in third_party} <= allowed, third_party


def test_today_is_the_date_in_the_zone_tz_names() -> None:
    # A 07:00 Pacific/Auckland run starts at 18:00 UTC the day before.
    run_start = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
    assert today({"TZ": "Pacific/Auckland"}, run_start) == date(2026, 3, 2)
    assert today({"TZ": "America/Los_Angeles"}, run_start) == date(2026, 3, 1)
    assert today({"TZ": ":UTC"}, datetime(2026, 3, 1, 23, 59, tzinfo=UTC)) == date(2026, 3, 1)


def test_a_tz_that_is_not_a_zone_exits_2_naming_it(tmp_path: Path) -> None:
    done = run_module(env={"PICLETTER_SOURCE": "sample", "PICLETTER_OUTBOX": str(tmp_path), "TZ": "Mars/Base"})
    assert done.returncode == 2
    assert "TZ 'Mars/Base' is not a time zone" in done.stderr and "Traceback" not in done.stderr


def test_a_subject_that_cannot_render_exits_2_before_anything_is_fetched(web: FakeWeb, env: dict[str, str]) -> None:
    result = run({**env, "PICLETTER_SUBJECT": "{{ picture.nope.deeper }}"})
    assert result.code == 2
    assert "PICLETTER_SUBJECT cannot render" in result.log and "nope" in result.log
    assert web.requests == []
