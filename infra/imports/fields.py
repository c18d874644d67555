"""Fields every source shares, converted one way: dyno sizes, schedules checked by picletter's own
compiler, and a whole job checked by the stack's own settings parser, so that what an import prints
is what `pulumi up` accepts.

Pure.
"""

from __future__ import annotations

from typing import Any

from infra.errors import ConfigError
from infra.heroku.facts import canonical_dyno_size
from infra.schedule import ScheduleError, compile_schedule
from infra.settings import settings_from_config

__all__ = ["RETIRED_SIZES", "dyno_size", "job_problems", "schedule_problem"]

# Heroku ended Free dynos in November 2022, with Eco in their place, and sells Hobby's successor as
# Basic (Dev Center, "Eco Dyno Hours"; help.heroku.com, "How do Eco dyno hours work?": "upgrade to a
# Hobby or Basic dyno ($0.01/hr)"). Older exports still name them: herokux's scheduler job sizes
# list Hobby and Free (resource_herokux_scheduler_job.go); the Platform API no longer takes them.
RETIRED_SIZES = {"free": "eco", "hobby": "basic"}


def dyno_size(text: Any) -> tuple[str | None, str | None]:
    """(picletter's spelling of the size, a note) or (None, the reason it is no size)."""
    if not isinstance(text, str) or not text.strip():
        return None, f"dyno size {text!r} is not a Heroku dyno size"
    size = canonical_dyno_size(text.strip())
    if size is not None:
        return size, None
    if (replacement := RETIRED_SIZES.get(text.strip().lower())) is not None:
        return replacement, f"dyno size {text} is no longer sold by Heroku; {replacement} took its place"
    return None, f"dyno size {text!r} is not a Heroku dyno size"


def schedule_problem(schedule: Any, time_zone: str) -> str | None:
    """Why picletter cannot run SCHEDULE in TIME_ZONE on Logic Apps, or None."""
    try:
        compile_schedule(schedule, time_zone)
    except ScheduleError as exc:
        return str(exc)
    return None


def job_problems(fields: dict[str, Any]) -> list[str]:
    """What the stack's settings parser says of a `picletter:jobs` entry (nothing when it takes it)."""
    config = {
        "azure-native:location": "westeurope",  # any region: only the job is being checked
        "picletter:herokuApp": "import-check",
        "picletter:herokuApiToken": "not-a-token",
        "picletter:deployCode": False,
        "picletter:jobs": [fields],
    }
    try:
        settings_from_config(config, heroku_api_key="")
    except ConfigError as error:
        return [problem.removeprefix("picletter:jobs[0].") for problem in error.problems]
    return []
