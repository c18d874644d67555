"""A one-off dyno on this machine, as far as the reporter can tell: the dyno command run by a shell
with the env a run's `POST /apps/{app}/dynos` gives it, `sh` being dash or bash, and Heroku's
shutdown (SIGTERM to every process of the dyno, SIGKILL 30 s later).

Sources: Dev Center "Dyno Shutdown Behavior" ("This signal sends to all processes in the dyno. It's
possible for processes being shut down to receive multiple SIGTERMs ... If any processes remain
after that time period, the dyno manager terminates them forcefully with SIGKILL"); which shell
runs a dyno's command is not documented (the CLI relies on `;` and `$?` working in it,
heroku/cli src/lib/run/dyno.ts), so both shells run it here. Every process of the dyno is found by
a token in its initial environment, as Heroku finds them by container: even a process whose parent
has died.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from infra.job_command import CALLBACK_ENV, REPORTER_ENV, RUN_ENV, WRAPPER, dyno_command, reporter_script
from tests.helpers import REPO

__all__ = ["RUN_NAME", "SHELLS", "Dyno", "install_shell", "proc_text", "stand_in"]

SHELLS = ("dash", "bash")
# A Logic Apps run name as run history shows them.
RUN_NAME = "08584321987654321098765432109CU12"
_TOKEN_ENV = "PICLETTER_TEST_DYNO"


def install_shell(shell: str, folder: Path) -> Path:
    """FOLDER/sh -> SHELL: the dyno's `sh`, found first on PATH."""
    path = shutil.which(shell)
    if path is None:
        import pytest

        pytest.skip(f"{shell} is not installed (apt-get install {shell}); ./dev test installs dash on CI")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sh").symlink_to(path)
    return folder


def proc_text(pid: int, part: str) -> str:
    """/proc/PID/PART (cmdline or environ) as text, NULs as newlines; "" once the process is gone."""
    try:
        return Path(f"/proc/{pid}/{part}").read_bytes().replace(b"\0", b"\n").decode(errors="replace")
    except OSError:
        return ""


@dataclass
class Dyno:
    shell: str
    bin: Path  # holds `sh` and the job's stand-in programs
    app: Path  # the dyno's working directory, /app on Heroku
    env: dict[str, str] = field(default_factory=dict)
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    process: subprocess.Popen[str] | None = None

    def start(
        self, job: str, command: str, url: str | None, run: str | None = RUN_NAME, via_file: bool = False
    ) -> subprocess.Popen[str]:
        """The dyno command run by the dyno's shell; VIA_FILE: `bin/picletter-run JOB COMMAND` instead,
        as an app that ships the file could run it (its shebang's /bin/sh, not this dyno's `sh`)."""
        env = {
            "PATH": f"{self.bin}:{os.environ['PATH']}",
            "HOME": str(self.app),
            "DYNO": "run.4821",
            "TZ": "Pacific/Auckland",
            REPORTER_ENV: reporter_script(),
            _TOKEN_ENV: self.token,
            **self.env,
        }
        if run is not None:
            env[RUN_ENV] = run
        if url is not None:
            env[CALLBACK_ENV] = url
        if via_file:
            del env[REPORTER_ENV]
        argv = [str(REPO / WRAPPER), job, command] if via_file else [self.shell, "-c", dyno_command(job, command)]
        self.process = subprocess.Popen(
            argv,
            cwd=self.app,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        return self.process

    def pids(self) -> list[int]:
        """Every live process of this dyno."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and f"{_TOKEN_ENV}={self.token}\n" in proc_text(int(entry.name), "environ"):
                found.append(int(entry.name))
        return found

    def signal_all(self, signum: int = signal.SIGTERM) -> None:
        """SIGNUM to every process of the dyno, as Heroku's dyno manager sends SIGTERM and SIGKILL."""
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    def exposures(self, secret: str) -> list[str]:
        """Where SECRET can be read in this dyno's processes' argv and environments."""
        return [
            f"/proc/{pid}/{part}"
            for pid in self.pids()
            for part in ("cmdline", "environ")
            if secret in proc_text(pid, part)
        ]

    def finish(self, timeout: float = 60) -> tuple[int, str, str]:
        assert self.process is not None
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err

    def stop(self) -> None:
        """Whatever is left, killed (a test that failed half-way)."""
        self.signal_all(signal.SIGKILL)
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def stand_in(folder: Path, name: str, script: str) -> None:
    """An executable FOLDER/NAME running SCRIPT with /bin/sh, standing in for bundle, python, ..."""
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
