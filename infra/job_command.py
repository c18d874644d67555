"""How a scheduled job's dyno command carries the job's name: `bin/picletter-run JOB 'COMMAND'`, and
where the wrapper finds the run's callback URL.

`GET /apps/{app}/dynos` shows each dyno's command and nothing else of ours (the dyno schema has no
labels, and env is not listed), so the command is where a dyno says which job it belongs to: the
overlap guard matches it, `infra ps` shows it. The wrapper (bin/picletter-run, shipped with the
job's code) runs COMMAND and reports its exit status; it resolves a Procfile process type itself.

Pure: the one home of the wrapper's path and of the command's shape, written and read back here.
"""

from __future__ import annotations

import shlex

__all__ = ["CALLBACK_ENV", "WRAPPER", "job_of", "job_prefix", "wrapped_command"]

WRAPPER = "bin/picletter-run"
# The dyno's env variable that holds the run's callback URL (read, and unset, by the wrapper).
CALLBACK_ENV = "PICLETTER_CALLBACK_URL"


def job_prefix(job: str) -> str:
    """What every wrapped command of JOB starts with; the trailing space keeps `daily` from matching
    `daily-2` (job names are lower-case letters, digits and dashes: nothing to quote)."""
    return f"{WRAPPER} {job} "


def wrapped_command(job: str, command: str) -> str:
    """COMMAND, run by the wrapper as JOB, quoted as one shell word (the dyno runs it with sh)."""
    return job_prefix(job) + shlex.quote(command)


def job_of(command: str) -> str | None:
    """The job a dyno's command belongs to, or None for a command not started for a job."""
    if not command.startswith(WRAPPER + " "):
        return None
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    return words[1] if len(words) == 3 else None
