"""The one home of a scheduled job's dyno command and of the env the reporter reads.

Every job's dyno runs `exec sh -c "$PICLETTER_REPORTER" picletter-run JOB 'COMMAND'`: the dyno's env
carries the reporter (bin/picletter-run, a POSIX sh script) and the command starts it, so exit
reports work on any app, with nothing added to its slug, and the shipped wrapper and the dyno's
reporter are the same text. The reporter runs COMMAND (a Procfile process type resolved from the
app's own Procfile), reports its exit status to the run's callback and exits with it
(docs/explanation/exit-reports.md).

`GET /apps/{app}/dynos` shows each dyno's command and nothing else of ours (the dyno schema has no
labels, and env is not listed), so the command is where a dyno says which job it belongs to: the
overlap guard matches its prefix, `infra ps` shows it. Heroku runs a dyno's command with a shell: the
CLI's own `heroku run --exit-code` appends `; echo "... $?"` to it (heroku/cli
src/lib/run/dyno.ts), so `exec` and `$PICLETTER_REPORTER` are the shell's, and `exec` replaces that
shell, whose environment holds the callback URL.

Pure, apart from reading the reporter's text once.
"""

from __future__ import annotations

import functools
import shlex
from pathlib import Path

__all__ = [
    "CALLBACK_ENV",
    "REPORTER_ENV",
    "REPORTER_KEYS",
    "RUN_ENV",
    "RUN_NAME",
    "WRAPPER",
    "dyno_command",
    "job_and_command",
    "job_prefix",
    "reporter_script",
]

# The reporter's file, in this repository and in the job's tarball.
WRAPPER = "bin/picletter-run"
# The dyno's env variables the reporter reads: the run's callback URL (a bearer secret, moved out of
# every environment before the job starts), the run's name, and the reporter itself.
CALLBACK_ENV = "PICLETTER_CALLBACK_URL"
RUN_ENV = "PICLETTER_RUN"
REPORTER_ENV = "PICLETTER_REPORTER"
REPORTER_KEYS = (CALLBACK_ENV, RUN_ENV, REPORTER_ENV)
# The run's name, from inside the run (Microsoft, workflow-definition-language-functions-reference.md,
# "workflow": "The `run` property value is a JSON object that includes these properties: `name`,
# `type`, and `id`"; example `workflow().run.name`). A dyno started without one starts no job.
RUN_NAME = "@{workflow()?['run']?['name']}"
# What the dyno command starts with; the job's name follows.
_STARTER = f'exec sh -c "${REPORTER_ENV}" picletter-run '


@functools.cache
def reporter_script() -> str:
    """bin/picletter-run as the dyno's REPORTER_ENV carries it: without its comment and blank lines
    (half of it; the workflow definition holds the text once per start action)."""
    lines = (Path(__file__).resolve().parent.parent / WRAPPER).read_text().splitlines(keepends=True)
    return "".join(line for line in lines if line.strip() and not line.lstrip().startswith("#"))


def job_prefix(job: str) -> str:
    """What every dyno command of JOB starts with; the trailing space keeps `daily` from matching
    `daily-2` (job names are lower-case letters, digits and dashes: nothing to quote)."""
    return f"{_STARTER}{job} "


def dyno_command(job: str, command: str) -> str:
    """The dyno command that runs COMMAND as JOB under the reporter, COMMAND quoted as one word."""
    return job_prefix(job) + shlex.quote(command)


def job_and_command(command: str) -> tuple[str, str] | None:
    """The job a dyno's command belongs to and the job's own command, or None for a dyno not
    started for a job."""
    if not command.startswith(_STARTER):
        return None
    try:
        words = shlex.split(command[len("exec sh -c ") :])
    except ValueError:
        return None
    return (words[2], words[3]) if len(words) == 4 else None
