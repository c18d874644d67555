"""What an import produces: picletter jobs, each with the notes that say what changed on the way,
and the source jobs that could not be converted, each with its reason. Nothing is dropped silently:
a source field picletter cannot express is a note on its job, a job it cannot express is refused.

Pure: the converters build an `Import`; `render` turns it into a stack-file fragment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from infra.names import JOB_NAME_MAX_LENGTH

__all__ = ["Import", "ImportedJob", "Refused", "job_name", "render"]

# What no job name holds (infra.names.JOB_NAME: lower-case letters, digits, inner dashes).
_NOT_NAME = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ImportedJob:
    """One converted job: FIELDS is its `picletter:jobs` entry, NOTES what the conversion changed or
    left out (the source's own words where they matter)."""

    source: str  # how the source names the job: a nickname, or its command
    fields: dict[str, Any]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Refused:
    """A source job picletter cannot run as written, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class Import:
    format: str  # the source format, as the output names it
    jobs: tuple[ImportedJob, ...] = ()
    refused: tuple[Refused, ...] = ()
    notes: tuple[str, ...] = field(default=())  # about the whole file

    @classmethod
    def of(cls, format: str, converted: list[ImportedJob | Refused], notes: tuple[str, ...] = ()) -> Import:
        """The import of CONVERTED, in the source's order."""
        return cls(
            format,
            tuple(job for job in converted if isinstance(job, ImportedJob)),
            tuple(job for job in converted if isinstance(job, Refused)),
            notes,
        )


def job_name(text: str, taken: set[str]) -> str:
    """A picletter job name made from TEXT (a nickname or a command), unique among TAKEN, which it
    joins: `Every day (at 09:00)` -> `every-day-at-09-00`, a second one `every-day-at-09-00-2`."""
    base = _NOT_NAME.sub("-", text.lower()).strip("-")[:JOB_NAME_MAX_LENGTH].strip("-") or "job"
    name, number = base, 1
    while name in taken:
        number += 1
        suffix = f"-{number}"
        name = base[: JOB_NAME_MAX_LENGTH - len(suffix)].strip("-") + suffix
    taken.add(name)
    return name


def render(result: Import, source_path: str) -> str:
    """A stack-file fragment holding the converted jobs under `config: picletter:jobs`, each job's
    notes as comments above it, the refused jobs and file-wide notes as comments at the top."""
    lines = [f"# picletter jobs converted from {source_path} ({result.format}) by `python -m infra import`."]
    lines += [f"# NOTE: {note}" for note in result.notes]
    if result.refused:
        lines.append(f"# NOT CONVERTED ({len(result.refused)}): fix them by hand or leave them where they run now.")
        lines += [f"#   - {refused.source}: {refused.reason}" for refused in result.refused]
    lines += ["config:", "  picletter:jobs:"]
    if not result.jobs:
        lines.append("    []")
    for job in result.jobs:
        lines += [f"    # {note}" for note in job.notes]
        entry = yaml.safe_dump([job.fields], sort_keys=False, allow_unicode=True, width=1_000)
        lines += ["    " + line for line in entry.splitlines()]
    return "\n".join(lines) + "\n"
