"""`--status-file PATH`: how a command that follows a job's dyno ended, as one JSON object, so a script
can tell the job's own exit status from ours.

Why a file: `run --tail`, `logs --dyno D --tail` and `trigger --tail` exit with the job's exit status,
and every status 0-255 is one a job may exit with, so no exit status of ours (2 for bad input, 3 when
the job's status cannot be known, 130 interrupted) can be told from the job's by the number alone.
Heroku's CLI has the same collision: `heroku run --exit-code` ends with a plain error, exit 1, when
"No exit code returned" (heroku/cli src/lib/run/dyno.ts; src/commands/run/index.ts passes only a
remote status on as the exit code). Parsing stderr is fragile, and the job's logs share stdout; a
file written once, at the end, is what a CI step can read (`jq -r .outcome`).

The file: {"outcome", "exitStatus", "dyno", "reason", "exitCode"}, where outcome is `exited` (the
job's status is exitStatus, the exit code too), `unknown` (exit 3: the follow lost the dyno, the time
ran out, Heroku kept failing), `error` (exit 2: bad input or a failure before the dyno's status could
be read) or `interrupted` (130, or 141 when the output's reader went away). It is removed before the
command starts anything and written whole (a temporary file renamed over it), so a missing file means
the command itself was killed, and a file never holds a stale or partial outcome.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.errors import UserError

__all__ = [
    "EXIT_STATUS_UNKNOWN",
    "OUTCOMES",
    "Ending",
    "error",
    "exited",
    "interrupted",
    "prepare",
    "unknown",
    "write",
]

EXIT_STATUS_UNKNOWN = 3
OUTCOMES = ("exited", "unknown", "error", "interrupted")


@dataclass(frozen=True)
class Ending:
    """How a following command ended: the exit code it returns, and what that code means."""

    exit_code: int
    outcome: str
    exit_status: int | None = None
    dyno: str | None = None
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "exitStatus": self.exit_status,
            "dyno": self.dyno,
            "reason": self.reason,
            "exitCode": self.exit_code,
        }


def exited(status: int, dyno: str | None) -> Ending:
    """The job exited with STATUS: the command exits with it too."""
    return Ending(status, "exited", status, dyno)


def unknown(dyno: str | None, reason: str) -> Ending:
    return Ending(EXIT_STATUS_UNKNOWN, "unknown", None, dyno, reason)


def error(code: int, reason: str) -> Ending:
    return Ending(code, "error", reason=reason)


def interrupted(code: int, reason: str) -> Ending:
    return Ending(code, "interrupted", reason=reason)


def prepare(path: str, following: bool, needs: str) -> None:
    """Refuse a --status-file that cannot be written, or that would record nothing (no --tail),
    before anything starts; then remove what an earlier command left there."""
    if not following:
        raise UserError(f"--status-file needs {needs}: without following the dyno there is no exit status to record")
    target = Path(path)
    if target.is_dir():
        raise UserError(f"--status-file {path} is a directory: give a file's path")
    folder = target.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"--status-file {path}: cannot write in {folder}; give a path in a folder that exists")
    with contextlib.suppress(FileNotFoundError):
        target.unlink()


def write(path: str, ending: Ending) -> None:
    """ENDING as PATH's whole content, replacing it in one step."""
    target = Path(path)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(ending.as_json()) + "\n")
    os.replace(partial, target)
