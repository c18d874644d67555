"""`python -m infra demo`, what `./dev run` runs: an offline render of the example stack and one local
run of the job into an outbox, with no credentials and no network."""

from __future__ import annotations

import os
import subprocess
import sys
from email import message_from_bytes
from pathlib import Path

from tests import REPO


def test_demo_renders_the_example_stack_and_mails_the_sample_into_the_outbox(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    # No Heroku token and no proxy: the demo must need neither.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEROKU_", "PICLETTER_")) and "PROXY" not in k}
    done = subprocess.run(
        [sys.executable, "-m", "infra", "demo", "--stack", str(REPO / "Pulumi.example.yaml"), "--outbox", str(outbox)],
        cwd=tmp_path,  # the render goes to build/synth under the working directory
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "== 1/2 offline render" in done.stdout and "== 2/2 local run of the job" in done.stdout
    assert (tmp_path / "build" / "synth" / "schedules.json").is_file()
    (mail,) = outbox.glob("*.eml")
    message = message_from_bytes(mail.read_bytes())
    assert message["Subject"] and message.is_multipart()
    assert f"open {mail}" in done.stdout
