"""Schedules people can read, compiled to Logic Apps Recurrence triggers, and their next run times.

Owns cron and plain-word parsing, time-zone mapping and the run-time rules of Logic Apps
recurrences; pure, so it imports nothing of infra's but infra.errors.
"""

from infra.schedule.compile import compile_schedule
from infra.schedule.errors import ScheduleError
from infra.schedule.moment import parse_moment
from infra.schedule.next_runs import drift_note, first_run_after, next_runs, runs_as_json
from infra.schedule.recurrence import Recurrence
from infra.schedule.timezones import fixed_offset_warning, windows_zone

__all__ = [
    "Recurrence",
    "ScheduleError",
    "compile_schedule",
    "drift_note",
    "first_run_after",
    "fixed_offset_warning",
    "next_runs",
    "parse_moment",
    "runs_as_json",
    "windows_zone",
]
