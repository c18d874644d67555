"""Heroku Scheduler job lists, in the two forms a person can export (the Scheduler has no export of
its own, and the Platform API does not list its jobs):

- The Scheduler add-on's jobs API (JSON:API, `application/vnd.api+json`), as the herokux Terraform
  provider reads and writes it (davidji99/terraform-provider-herokux, api/scheduler/job.go: `GET
  /apps/{app_id}/jobs` on its DefaultSchedulerAPIBaseURL, https://particleboard.heroku.com):
  `{"data": [{"type": "jobs", "id": ..., "attributes": {"every", "at", "dyno-size", "command", ...}}]}`,
  where `every` is 10, 60 or 1440 minutes and `at` the minutes after the hour (60: 0, 10 ... 50) or
  after midnight UTC (1440: 0, 30 ... 1410).
- The herokux provider's `herokux_scheduler_job` resources (its docs and resource code,
  resource_herokux_scheduler_job.go): `command`, `dyno_size` and `frequency` = `every_ten_minutes`,
  `every_hour_at_M` or `every_day_at_H:MM`; as `terraform show -json` prints them, or a plain list.

Heroku Scheduler runs every job in UTC (Dev Center, "Heroku Scheduler": "every 10 minutes, every
hour, or every day, at a specified time", in UTC) and has no timeout setting of its own.

Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from infra.heroku.facts import DEFAULT_TIME_TO_LIVE
from infra.imports.fields import dyno_size, job_problems
from infra.imports.model import Import, ImportedJob, Refused, job_name

__all__ = ["API_FORMAT", "TERRAFORM_FORMAT", "from_scheduler_api", "from_terraform", "terraform_jobs"]

API_FORMAT = "Heroku Scheduler jobs API (JSON:API)"
TERRAFORM_FORMAT = "herokux_scheduler_job resources"
_FILE_NOTES = (
    "Heroku Scheduler runs in UTC: the jobs keep timeZone UTC; give each its own zone if you want local times",
    f"Heroku Scheduler has no timeout: picletter's timeToLive default ({DEFAULT_TIME_TO_LIVE} s) applies; "
    "raise it for longer jobs",
    "remove the jobs from Heroku Scheduler once picletter runs them, or both will",
)
_FREQUENCY = re.compile(r"every_ten_minutes|every_hour_at_(\d{1,2})|every_day_at_(\d{1,2}):(\d{2})")


def from_scheduler_api(items: list[Any]) -> Import:
    taken: set[str] = set()
    converted: list[ImportedJob | Refused] = []
    for index, item in enumerate(items):
        attributes = item.get("attributes") if isinstance(item, Mapping) else None
        if not isinstance(attributes, Mapping):
            converted.append(Refused(f"data[{index}]", "has no attributes (a Scheduler job has every, at, command)"))
            continue
        command = attributes.get("command")
        label = str(command or f"data[{index}]")
        every, at = attributes.get("every"), attributes.get("at", 0)
        converted.append(_job(label, command, _every_at(every, at), attributes.get("dyno-size"), taken))
    return _import(API_FORMAT, converted)


def terraform_jobs(document: Any) -> Iterator[Mapping[str, Any]]:
    """The values of every herokux_scheduler_job in `terraform show -json` output (its root module
    and child modules), or of each item of a plain list."""
    if isinstance(document, list):
        yield from (item for item in document if isinstance(item, Mapping))
        return
    modules = [document.get("values", {}).get("root_module", {})]
    while modules:
        module = modules.pop()
        for resource in module.get("resources", []):
            if resource.get("type") == "herokux_scheduler_job":
                yield resource.get("values", {})
        modules += module.get("child_modules", [])


def from_terraform(document: Any) -> Import:
    taken: set[str] = set()
    converted: list[ImportedJob | Refused] = []
    for index, values in enumerate(terraform_jobs(document)):
        command = values.get("command")
        label = str(command or f"job {index + 1}")
        frequency = values.get("frequency")
        converted.append(_job(label, command, _frequency(frequency), values.get("dyno_size"), taken))
    return _import(TERRAFORM_FORMAT, converted)


def _import(format: str, converted: list[ImportedJob | Refused]) -> Import:
    return Import.of(format, converted, _FILE_NOTES if converted else ())


def _every_at(every: Any, at: Any) -> str | Refused:
    """picletter's words for the API's `every` and `at` (job.go's comment on JobRequest)."""
    if every == 10:
        return "every 10 minutes"
    if every == 60 and isinstance(at, int) and 0 <= at <= 59:
        return f"hourly at :{at:02d}"
    if every == 1440 and isinstance(at, int) and 0 <= at < 1440:
        return f"daily at {at // 60:02d}:{at % 60:02d}"
    return Refused("", f"every={every!r} at={at!r} is not a Scheduler frequency (every 10, 60 or 1440 minutes)")


def _frequency(frequency: Any) -> str | Refused:
    """picletter's words for a herokux `frequency` (its convertEveryAtToFrequency writes these)."""
    match = _FREQUENCY.fullmatch(frequency) if isinstance(frequency, str) else None
    if match is None:
        return Refused("", f"frequency {frequency!r} is not every_ten_minutes, every_hour_at_M or every_day_at_H:MM")
    if match[1] is not None:
        return _every_at(60, int(match[1]))
    if match[2] is not None:
        return _every_at(1440, int(match[2]) * 60 + int(match[3]))
    return _every_at(10, 0)


def _job(label: str, command: Any, schedule: str | Refused, size_raw: Any, taken: set[str]) -> ImportedJob | Refused:
    if not isinstance(command, str) or not command.strip():
        return Refused(label, "has no command")
    if isinstance(schedule, Refused):
        return Refused(label, schedule.reason)
    fields: dict[str, Any] = {
        "name": job_name(command, taken),
        "command": command.strip(),
        "schedule": schedule,
        "timeZone": "UTC",
    }
    notes = []
    if size_raw is not None:
        size, note = dyno_size(size_raw)
        if size is None:
            return Refused(label, f"{note}; name one of Heroku's sizes, e.g. standard-1X")
        fields["size"] = size
        notes += [note] if note else []
    if problems := job_problems(fields):
        return Refused(label, "; ".join(problems))
    return ImportedJob(label, fields, tuple(notes))
