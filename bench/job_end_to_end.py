"""Job start to mail accepted (a local SendGrid fake, the built-in sample picture), against the
import floor `python -c "import httpx, jinja2"`, measured in the same run, both in an environment
that holds only the job's run-time packages, installed as the Heroku build installs them (the dev
environment's httpx also imports click and pygments, which would flatter the floor).

    ./dev py bench/job_end_to_end.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from _measure import run_child, summarize

from tests.fakes.web import Reply, running_fake_web
from tests.job_install import install_like_heroku


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with running_fake_web() as sendgrid, tempfile.TemporaryDirectory() as folder:
        app, python = install_like_heroku(Path(folder))
        outbox = str(Path(folder) / "outbox")
        sendgrid.on("POST", "/v3/mail/send", Reply(202, b"", {"X-Message-Id": "bench"}))
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PICLETTER_SOURCE": "sample",
            "PICLETTER_FROM": "bench@example.com",
            "PICLETTER_TO": "bench@example.com",
            "SENDGRID_API_KEY": "bench-key",
            "SENDGRID_API_URL": sendgrid.url,
            "PICLETTER_OUTBOX": outbox,
        }
        floor = [run_child([str(python), "-c", "import httpx, jinja2"], env, str(app)) for _ in range(runs)]
        job = [run_child([str(python), "-m", "picletter"], env, str(app)) for _ in range(runs)]
        accepted = len(sendgrid.called("POST", "/v3/mail/send"))
    assert accepted == runs, f"{accepted} of {runs} mails accepted"
    floor_s, floor_kib = summarize(floor)
    job_s, job_kib = summarize(job)
    print(f"runs per side: {runs} (medians)")
    print(f"import floor  : {floor_s * 1000:7.1f} ms  peak RSS {floor_kib / 1024:6.1f} MiB")
    print(f"job to 202    : {job_s * 1000:7.1f} ms  peak RSS {job_kib / 1024:6.1f} MiB")
    print(f"ratio job/floor: time x{job_s / floor_s:.2f}, peak memory x{job_kib / floor_kib:.2f}")


if __name__ == "__main__":
    main()
