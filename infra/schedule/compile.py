"""Any accepted schedule (cron, plain words, raw recurrence object) -> a Logic Apps Recurrence.

Every recurrence gets a startTime: without one Logic Apps runs the trigger as soon as the workflow is
saved. The start is a fixed past anchor, so a deploy never fires a job at once and repeated deploys
produce the same definition (no diff); Logic Apps computes the next run from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from infra.schedule.cron import CronFields, parse_cron
from infra.schedule.errors import ScheduleError
from infra.schedule.moment import parse_moment
from infra.schedule.plan import INTERVAL_LIMITS, Plan, one_time_a_month_day
from infra.schedule.recurrence import FREQUENCIES, WEEK_DAYS, Recurrence
from infra.schedule.timezones import LOGIC_APPS_ZONES, iana_zone, windows_zone
from infra.schedule.words import EXAMPLES, parse_words

__all__ = ["START_ANCHOR", "compile_schedule"]

START_YEAR = 2026
START_ANCHOR = f"{START_YEAR}-01-01"
_RAW_KEYS = {"frequency", "interval", "startTime", "timeZone", "schedule"}
_SCHEDULE_KEYS = {"hours", "minutes", "weekDays", "monthDays"}


def _month_spacing(expression: str, fields: CronFields) -> tuple[int, int]:
    """(interval, first month) of a Month recurrence that runs in exactly the cron's months.

    Logic Apps repeats a Month recurrence every `interval` months counted from its start time, so a
    set of months is expressible when it is evenly spaced and repeats each year: every month, every 2,
    3, 4 or 6 months, or once a year.
    """
    months = fields.months
    step = 12 // len(months)
    if 12 % len(months) == 0 and months == tuple(range(months[0], 13, step))[: len(months)] and months[0] <= step:
        return step, months[0]
    m, h, dom, _, dow = fields.text.split()
    raise ScheduleError(
        f"cron {expression!r} picks months {','.join(map(str, months))}; Logic Apps repeats a monthly recurrence "
        "every N months from its start, so the months must be evenly spaced across the year (every month, "
        f"`*/2`, `*/3` quarterly, `*/4`, `*/6`, or one month a year). Nearest: `{m} {h} {dom} * {dow}` "
        "(every month), or one job per month"
    )


def _cron_plan(expression: str, fields: CronFields) -> Plan:
    """The plan whose runs are exactly the cron's, in wall-clock time of the zone (away from DST changes).

    There is one shape per kind of day rule, and the times of day are always the cron's own hours x
    minutes grid (Logic Apps' `schedule.hours` x `schedule.minutes`, which is exactly a cron's
    minute and hour fields). A minute step is never turned into a `Minute` interval: Logic Apps counts
    those in elapsed time from the last run (Microsoft: "Scheduling recurring tasks", start-time
    patterns), which drifts off the cron's wall-clock marks across a 30-minute DST shift
    (Australia/Lord_Howe) and with latency; its own example for "every 15 minutes at the specified
    minute marks" is a Day recurrence with all 24 hours and minutes 0, 15, 30, 45.
    """
    m, h, dom, _, dow = fields.text.split()
    hours, minutes = fields.hours, fields.minutes
    dom_all, dow_all = len(fields.month_days) == 31, len(fields.week_days) == 7
    if not dom_all and not dow_all:
        rule = "and" if fields.month_days_star or fields.week_days_star else "or"
        raise ScheduleError(
            f"cron {expression!r} runs on days matching day-of-month {rule} weekday; Logic Apps cannot combine "
            f"monthDays with weekDays. Nearest: `{m} {h} {dom} * *` (monthly) or `{m} {h} * * {dow}` (weekly)"
        )
    # Cron's day rule: with neither day field `*`, a day matching either runs, so `1-31` or `0-6` in
    # one of them means every day. With one of them `*`, the other one decides.
    every_day = (dom_all and dow_all) or not (fields.month_days_star or fields.week_days_star)
    every_month = len(fields.months) == 12
    if every_day and every_month:
        return Plan("Day", 1, hours=hours, minutes=minutes)
    if dom_all and not every_day:
        if not every_month:
            raise ScheduleError(
                f"cron {expression!r} picks both months and weekdays; a Logic Apps weekly recurrence runs in "
                f"every month. Nearest: `{m} {h} * * {dow}` (those weekdays all year), or one job per month"
            )
        return Plan("Week", 1, hours=hours, minutes=minutes, week_days=fields.week_days)
    interval, first_month = _month_spacing(expression, fields)
    if every_day:
        raise ScheduleError(
            f"cron {expression!r} runs every day of some months only; Logic Apps cannot express that. "
            f"Nearest: `{m} {h} * * *` (every day), or `{m} {h} 1-28 {fields.text.split()[3]} *` (monthly days)"
        )
    month = fields.text.split()[3]
    one_time_a_month_day(hours, minutes, lambda hour, minute: f"{minute} {hour} {dom} {month} {dow}")
    return Plan(
        "Month",
        interval,
        hours=hours,
        minutes=minutes,
        month_days=fields.month_days,
        start_clock=(hours[0], minutes[0]),
        start_month=first_month,
    )


def _pin(plan: Plan, windows_id: str, zone: str) -> Recurrence:
    hour, minute = plan.start_clock
    return Recurrence(
        frequency=plan.frequency,
        interval=plan.interval,
        start_time=f"{START_YEAR}-{plan.start_month:02d}-01T{hour:02d}:{minute:02d}:00",
        time_zone=windows_id,
        iana_zone=zone,
        hours=plan.hours,
        minutes=plan.minutes,
        week_days=plan.week_days,
        month_days=plan.month_days,
    )


def _int_list(value: Any, key: str, low: int, high: int, *, allow_negative: bool = False) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise ScheduleError(f"schedule.{key} must be a non-empty list of whole numbers")
    for item in value:
        ok = isinstance(item, int) and not isinstance(item, bool)
        ok = ok and (low <= item <= high or (allow_negative and -high <= item <= -1))
        if not ok:
            span = f"{low} to {high}" + (f" (or -1 to -{high} from the month's end)" if allow_negative else "")
            raise ScheduleError(f"schedule.{key} value {item!r} must be {span}")
    return tuple(sorted(set(value)))


def _month_start(start: datetime, hours: tuple[int, ...], minutes: tuple[int, ...], *, given: bool) -> datetime:
    """START for a raw Month recurrence, on its one time of day (plan.one_time_a_month_day says why):
    the default start is moved onto it, a given one that is elsewhere is refused."""
    one_time_a_month_day(
        hours or (start.hour,), minutes or (start.minute,), lambda hour, minute: f"hours [{hour}], minutes [{minute}]"
    )
    clock = (hours[0] if hours else start.hour, minutes[0] if minutes else start.minute)
    if not given:
        return start.replace(hour=clock[0], minute=clock[1])
    if (start.hour, start.minute) != clock:
        raise ScheduleError(
            f"recurrence startTime {start:%H:%M} must be at the schedule's time of day {clock[0]:02d}:{clock[1]:02d} "
            "for a Month recurrence: Logic Apps may ignore schedule.hours and schedule.minutes there and run at "
            "the start time's; set startTime to that time or leave it out"
        )
    return start


def _raw_recurrence(raw: Mapping[str, Any], zone: str | None) -> Recurrence:
    unknown = set(raw) - _RAW_KEYS
    if unknown:
        raise ScheduleError(f"unknown recurrence keys {sorted(unknown)}; allowed: {sorted(_RAW_KEYS)}")
    frequency = raw.get("frequency")
    if frequency not in FREQUENCIES:
        raise ScheduleError(f"recurrence frequency must be one of {', '.join(FREQUENCIES)}, not {frequency!r}")
    interval = raw.get("interval", 1)
    limit = INTERVAL_LIMITS[frequency]
    if not isinstance(interval, int) or isinstance(interval, bool) or not 1 <= interval <= limit:
        raise ScheduleError(f"recurrence interval for {frequency} must be a whole number 1 to {limit}")

    windows_id = raw.get("timeZone")
    if windows_id is not None and not isinstance(windows_id, str):
        raise ScheduleError(f"recurrence timeZone {windows_id!r} must be a Windows time-zone id such as UTC")
    if windows_id is not None and windows_id not in LOGIC_APPS_ZONES:
        iana_zone(windows_id)  # raises with suggestions
    if zone and windows_id and windows_zone(zone) != windows_id:
        raise ScheduleError(
            f"recurrence timeZone {windows_id!r} disagrees with the job's timeZone {zone!r} "
            f"({windows_zone(zone)}); set only one of them"
        )
    resolved_zone = zone or (iana_zone(windows_id) if windows_id else "UTC")
    windows_id = windows_id or windows_zone(resolved_zone)

    start = raw.get("startTime", f"{START_ANCHOR}T00:00:00")
    parsed = parse_moment(str(start), "recurrence startTime")
    if parsed.tzinfo is not None:  # Logic Apps wants local time when timeZone is set
        parsed = parsed.astimezone(ZoneInfo(resolved_zone)).replace(tzinfo=None)

    schedule = raw.get("schedule") or {}
    if not isinstance(schedule, Mapping) or set(schedule) - _SCHEDULE_KEYS:
        raise ScheduleError(f"recurrence schedule may hold only {sorted(_SCHEDULE_KEYS)}")
    if schedule and frequency not in ("Day", "Week", "Month"):
        raise ScheduleError(f"a {frequency} recurrence takes no schedule; use frequency Day or Week with hours")
    if "weekDays" in schedule and frequency != "Week":
        raise ScheduleError("schedule.weekDays needs frequency Week")
    if "monthDays" in schedule and frequency != "Month":
        raise ScheduleError("schedule.monthDays needs frequency Month")
    week_days = schedule.get("weekDays", [])
    if not isinstance(week_days, list) or any(day not in WEEK_DAYS for day in week_days):
        raise ScheduleError(f"schedule.weekDays must list days among {', '.join(WEEK_DAYS)}")
    hours = _int_list(schedule["hours"], "hours", 0, 23) if "hours" in schedule else ()
    minutes = _int_list(schedule["minutes"], "minutes", 0, 59) if "minutes" in schedule else ()
    if frequency == "Month":
        parsed = _month_start(parsed, hours, minutes, given="startTime" in raw)
    return Recurrence(
        frequency=frequency,
        interval=interval,
        start_time=parsed.strftime("%Y-%m-%dT%H:%M:%S"),
        time_zone=windows_id,
        iana_zone=resolved_zone,
        hours=hours,
        minutes=minutes,
        week_days=tuple(day for day in WEEK_DAYS if day in week_days),
        month_days=(
            _int_list(schedule["monthDays"], "monthDays", 1, 31, allow_negative=True) if "monthDays" in schedule else ()
        ),
    )


def compile_schedule(schedule: str | Mapping[str, Any], time_zone: str | None = None) -> Recurrence:
    """The Logic Apps recurrence for SCHEDULE in IANA zone TIME_ZONE (UTC when None)."""
    if isinstance(schedule, Mapping):
        return _raw_recurrence(schedule, time_zone)
    if not isinstance(schedule, str) or not schedule.strip():
        raise ScheduleError("a schedule is required: a cron expression like `0 7 * * *`, or " + EXAMPLES[3])
    zone = time_zone or "UTC"
    windows_id = windows_zone(zone)
    plan = parse_words(schedule)
    if plan is None:
        plan = _cron_plan(schedule.strip(), parse_cron(schedule))
    return _pin(plan, windows_id, zone)
