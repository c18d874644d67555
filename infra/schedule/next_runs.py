"""When a Logic Apps recurrence fires, computed the way Logic Apps does.

- Minute and Hour recurrences count elapsed time from the start time. Logic Apps places only the
  first run that way and counts each later one from the last run, so the real runs may come later
  than these (`drift_note`).
- Day, Week and Month recurrences keep local wall-clock time in the time zone across DST: the
  interval counts calendar days, weeks (starting Sunday) or months from the start time's, and each
  run is at every listed hour x minute (the start time's hour and minute where none are listed).
- A wall time that DST skips runs at the same offset, i.e. one hour later; one that repeats runs once.
- Nothing runs before the start time.
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from infra.schedule.recurrence import WEEK_DAYS, Recurrence

__all__ = ["drift_note", "first_run_after", "next_runs", "runs_as_json"]

_HORIZON_DAYS = 366 * 5
# Microsoft, "Schedule and run recurring automated tasks" (concepts-schedule-automated-recurring-
# tasks-workflows.md, "Patterns for start date and time"): a Recurrence without a schedule and with a
# past start time "Calculates run times based on the specified start time and discards past run
# times. Runs the first workload at the next future run time. Runs future workloads based on
# calculations from the last run time", and those "might drift due to factors such as latency".
_DRIFT_NOTE = (
    "Logic Apps counts each run of a recurrence without hours or days from the last run, so the runs "
    "after the first may come later than shown (latency adds up); for fixed clock marks write cron "
    "(`*/15 * * * *`) or `hourly at :15`"
)


def _local(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    # fold=0 picks the first of repeated times; a skipped time normalises one hour later.
    naive = datetime(day.year, day.month, day.day, hour, minute)
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def _elapsed_runs(rec: Recurrence, start: datetime, after: datetime) -> Iterator[datetime]:
    step = timedelta(minutes=rec.interval) if rec.frequency == "Minute" else timedelta(hours=rec.interval)
    # Aware arithmetic within one zone is wall-clock arithmetic in Python; elapsed time needs UTC.
    origin = start.astimezone(UTC)
    index = 0 if after < start else (after - start) // step + 1
    while True:
        yield (origin + index * step).astimezone(start.tzinfo)
        index += 1


def _day_matches(rec: Recurrence, day: date, start: datetime) -> bool:
    if rec.frequency == "Day":
        return (day - start.date()).days % rec.interval == 0
    if rec.frequency == "Week":
        days = rec.week_days or (WEEK_DAYS[(start.weekday() + 1) % 7],)
        if WEEK_DAYS[(day.weekday() + 1) % 7] not in days:
            return False
        week = (day - timedelta(days=(day.weekday() + 1) % 7)) - (
            start.date() - timedelta(days=(start.weekday() + 1) % 7)
        )
        return (week.days // 7) % rec.interval == 0
    months = (day.year - start.year) * 12 + day.month - start.month
    if months % rec.interval:
        return False
    last = calendar.monthrange(day.year, day.month)[1]
    wanted = rec.month_days or (start.day,)
    return day.day in wanted or day.day - last - 1 in wanted


def _calendar_runs(rec: Recurrence, start: datetime, after: datetime) -> Iterator[datetime]:
    zone = start.tzinfo
    assert isinstance(zone, ZoneInfo)
    times = sorted(itertools.product(rec.hours or (start.hour,), rec.minutes or (start.minute,)))
    first = max(start.date(), after.astimezone(zone).date() - timedelta(days=1))
    for offset in range(_HORIZON_DAYS):
        day = first + timedelta(days=offset)
        if not _day_matches(rec, day, start):
            continue
        seen: set[datetime] = set()
        for hour, minute in times:
            run = _local(day, hour, minute, zone)
            if run >= start and run > after and run not in seen:
                seen.add(run)
                yield run


def next_runs(rec: Recurrence, after: datetime, count: int = 5) -> list[datetime]:
    """The next COUNT runs strictly after AFTER (aware), in the recurrence's zone."""
    if after.tzinfo is None:
        raise ValueError("`after` must carry a time zone")
    zone = ZoneInfo(rec.iana_zone)
    start = datetime.fromisoformat(rec.start_time).replace(tzinfo=zone)
    runs = (
        _elapsed_runs(rec, start, after) if rec.frequency in ("Minute", "Hour") else _calendar_runs(rec, start, after)
    )
    return list(itertools.islice(runs, count))


def runs_as_json(runs: list[datetime]) -> list[dict[str, str]]:
    """RUNS as `python -m infra schedule --json` and synth's schedules.json show them: each local
    time in the recurrence's zone and the same moment in UTC, as ISO 8601."""
    return [{"local": run.isoformat(), "utc": run.astimezone(UTC).isoformat()} for run in runs]


def first_run_after(rec: Recurrence, after: datetime) -> str:
    """The first run of REC strictly after AFTER, as the local wall time a recurrence's startTime
    takes (`2026-11-23T07:00:00`): a start on the recurrence's own grid that lies ahead."""
    (run,) = next_runs(rec, after, 1)
    return run.strftime("%Y-%m-%dT%H:%M:%S")


def drift_note(rec: Recurrence) -> str | None:
    """Why REC's real runs may come later than `next_runs` says, or None when they keep wall-clock
    marks: a recurrence with no schedule (every Minute and Hour one) is counted from its last run."""
    if rec.hours or rec.minutes or rec.week_days or rec.month_days:
        return None
    return _DRIFT_NOTE
