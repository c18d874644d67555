"""Cron To Go manifests, as `heroku cron:jobs:export FILE` writes them (crazyantlabs'
heroku-cli-plugin-cron, src/commands/cron/jobs/export.ts): `jobs:`, each with nickname, schedule,
start_date (null when the job has none), timezone, dyno, command, timeout, retries, jitter and state,
and with `--with-id` the job's `id`, which names it inside Cron To Go only and means nothing here;
examples/manifest.yml shows the same keys written by hand. `cron:jobs:import` (import.ts) reads the
manifest with these defaults: timezone UTC, dyno Basic, timeout 1800 s, state enabled; its
validation (src/lib/validation-service.ts) takes a five-field cron or a rate expression
`N minute(s)|hour(s)|day(s)`, a timeout of 30 to 86,400 s, 0 to 20 retries.

Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from infra.errors import UserError
from infra.imports.fields import dyno_size, job_problems, schedule_problem
from infra.imports.model import Import, ImportedJob, Refused, job_name
from infra.settings import MAX_RETRIES

__all__ = ["FORMAT", "from_crontogo"]

FORMAT = "Cron To Go manifest"
# validation-service.ts, rateExpressionPattern.
_RATE = re.compile(r"(\d+)\s+(minute|minutes|hour|hours|day|days)")
# validation-service.ts: Cron To Go takes 0 to 20 retries.
_CRON_TO_GO_RETRIES = 20
_KNOWN = {
    *("id", "nickname", "schedule", "start_date", "timezone", "dyno", "command"),
    *("timeout", "retries", "jitter", "state"),
}
# import.ts: a job without `dyno` runs on Target.Size DynoSize.BASIC.
_DEFAULT_SIZE = "Basic"


def from_crontogo(manifest: Mapping[str, Any]) -> Import:
    jobs_raw = manifest.get("jobs")
    if jobs_raw is None:  # `jobs:` with nothing under it: the plugin imports nothing (null-jobs test manifest)
        return Import(FORMAT)
    if not isinstance(jobs_raw, list):
        raise UserError(f"the manifest's jobs is a {type(jobs_raw).__name__}; a Cron To Go manifest lists them")
    taken: set[str] = set()
    return Import.of(FORMAT, [_job(raw, index, taken) for index, raw in enumerate(jobs_raw)])


def _job(raw: Any, index: int, taken: set[str]) -> ImportedJob | Refused:
    if not isinstance(raw, Mapping):
        return Refused(f"jobs[{index}]", "is not a job (a mapping with nickname, schedule, command ...)")
    label = str(raw.get("nickname") or raw.get("command") or f"jobs[{index}]")
    command = raw.get("command")
    if not isinstance(command, str) or not command.strip():
        return Refused(label, "has no command (Cron To Go would refuse it too)")
    zone = raw.get("timezone", "UTC")
    if not isinstance(zone, str):
        return Refused(label, f"timezone {zone!r} is not a time zone name")
    schedule_raw = raw.get("schedule")
    if not isinstance(schedule_raw, str) or not schedule_raw.strip():
        return Refused(label, "has no schedule")
    notes: list[str] = []
    start_date = raw.get("start_date")
    schedule = _schedule(schedule_raw.strip(), notes, start_date)
    if problem := schedule_problem(schedule, zone):
        return Refused(label, f"schedule {schedule_raw!r} in {zone}: {problem}")

    fields: dict[str, Any] = {
        "name": job_name(str(raw.get("nickname") or command), taken),
        "command": command.strip(),
        "schedule": schedule,
        "timeZone": zone,
    }
    size, note = dyno_size(raw.get("dyno", _DEFAULT_SIZE))
    if size is None:
        return Refused(label, f"{note}; name one of Heroku's sizes, e.g. standard-1X")
    fields["size"] = size
    notes += [note] if note else []
    if "timeout" in raw:
        fields["timeToLive"] = raw["timeout"]
    if raw.get("state", "enabled") == "paused":
        fields["enabled"] = False
    elif raw.get("state", "enabled") != "enabled":
        return Refused(label, f"state {raw.get('state')!r} is not enabled or paused")
    if retries := raw.get("retries"):
        if not isinstance(retries, int) or isinstance(retries, bool) or not 0 < retries <= _CRON_TO_GO_RETRIES:
            return Refused(label, f"retries {retries!r} is not 0 to {_CRON_TO_GO_RETRIES}")
        fields["retries"] = min(retries, MAX_RETRIES)
        if retries > MAX_RETRIES:
            notes.append(f"retries: {retries} became {MAX_RETRIES}, the most picletter makes")
        # A run knows the job failed only from the dyno's exit report (bin/picletter-run).
        fields["reportExit"] = True
        notes.append(
            "retries need reportExit: bin/picletter-run must be in the app's code (deployCode ships it); "
            "retries back off 1, 2, 4 ... minutes (docs/how-to/retries-and-alerts.md)"
        )
    if jitter := raw.get("jitter"):
        notes.append(f"jitter: {jitter} not converted: a Logic Apps recurrence starts at its set time")
    if start_date:
        notes.append(
            f"start_date: {start_date} not converted: picletter runs the job from its first schedule time "
            "after `pulumi up`; enable it then if it must not start sooner"
        )
    notes += [
        f"{key}: {raw[key]!r} not converted: not a Cron To Go manifest field" for key in sorted(set(raw) - _KNOWN)
    ]

    if problems := job_problems(fields):
        return Refused(label, "; ".join(problems))
    return ImportedJob(label, fields, tuple(notes))


def _schedule(text: str, notes: list[str], start_date: Any = None) -> str:
    """Cron stays cron; a rate expression becomes picletter's words."""
    match = _RATE.fullmatch(text)
    if match is None or int(match[1]) == 0:  # validation-service.ts refuses a rate of 0; so does the compiler
        return text
    count, unit = int(match[1]), match[2].rstrip("s")
    every = f"every {count} {unit}s" if count > 1 else f"every {unit}"
    # Cron To Go counts a rate from the job's start_date (import.ts sends it as StartDate), else from
    # the job's creation; a Logic Apps interval counts from its start time, which picletter fixes at
    # midnight (2026-01-01T00:00) in the job's zone.
    origin = f"its start_date ({start_date})" if start_date else "the job's creation"
    if unit == "day":
        notes.append(
            f"rate {text!r} runs at 00:00 of every {count} day(s) in the job's zone; Cron To Go counted "
            f"it from {origin}: set the time you want"
        )
        return f"{every} at 00:00"
    if unit == "hour":
        notes.append(f"rate {text!r} counts from 00:00 in the job's zone; Cron To Go counted it from {origin}")
    return every
