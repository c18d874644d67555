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
from infra.schedule.plan import INTERVAL_LIMITS, Plan
from infra.schedule.recurrence import FREQUENCIES, WEEK_DAYS, Recurrence
from infra.schedule.timezones import LOGIC_APPS_ZONES, iana_zone, windows_zone
from infra.schedule.words import EXAMPLES, parse_words

__all__ = ["START_ANCHOR", "compile_schedule"]

START_ANCHOR = "2026-01-01"
_RAW_KEYS = {"frequency", "interval", "startTime", "timeZone", "schedule"}
_SCHEDULE_KEYS = {"hours", "minutes", "weekDays", "monthDays"}


def _cron_plan(expression: str, fields: CronFields) -> Plan:
    m, h, dom, _, dow = fields.text.split()
    if len(fields.months) != 12:
        raise ScheduleError(
            f"cron {expression!r} picks months; Logic Apps recurrences cannot. Nearest: `{m} {h} {dom} * {dow}` "
            "(every month), or one job per month"
        )
    dom_all, dow_all = len(fields.month_days) == 31, len(fields.week_days) == 7
    both_restricted = not dom_all and not dow_all
    if fields.month_days_star or fields.week_days_star:
        daily, weekly = dom_all and dow_all, dom_all and not dow_all
    else:  # neither starts with `*`: cron runs on days matching either field
        daily, weekly = dom_all or dow_all, False
    if both_restricted:
        rule = "and" if fields.month_days_star or fields.week_days_star else "or"
        raise ScheduleError(
            f"cron {expression!r} runs on days matching day-of-month {rule} weekday; Logic Apps cannot combine "
            f"monthDays with weekDays. Nearest: `{m} {h} {dom} * *` (monthly) or `{m} {h} * * {dow}` (weekly)"
        )
    if daily:
        minutes = fields.minutes
        step = minutes[1] - minutes[0] if len(minutes) > 1 else 60
        if len(fields.hours) == 24 and minutes[0] == 0 and len(minutes) * step == 60 and len(minutes) > 1:
            return Plan("Minute", step)
        return Plan("Day", 1, hours=fields.hours, minutes=fields.minutes)
    if weekly:
        return Plan("Week", 1, hours=fields.hours, minutes=fields.minutes, week_days=fields.week_days)
    if len(fields.hours) != 1 or len(fields.minutes) != 1:
        raise ScheduleError(
            f"cron {expression!r}: Logic Apps runs a monthly recurrence once on each chosen day, at its start "
            f"time. Nearest: `{fields.minutes[0]} {fields.hours[0]} {dom} * *`"
        )
    return Plan("Month", 1, month_days=fields.month_days, start_clock=(fields.hours[0], fields.minutes[0]))


def _pin(plan: Plan, windows_id: str, zone: str) -> Recurrence:
    hour, minute = plan.start_clock
    return Recurrence(
        frequency=plan.frequency,
        interval=plan.interval,
        start_time=f"{START_ANCHOR}T{hour:02d}:{minute:02d}:00",
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
    try:
        parsed = datetime.fromisoformat(str(start).replace("Z", "+00:00"))
    except ValueError:
        raise ScheduleError(
            f"recurrence startTime {start!r} must be an ISO date-time like 2026-01-01T07:00:00"
        ) from None
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
    return Recurrence(
        frequency=frequency,
        interval=interval,
        start_time=parsed.strftime("%Y-%m-%dT%H:%M:%S"),
        time_zone=windows_id,
        iana_zone=resolved_zone,
        hours=_int_list(schedule["hours"], "hours", 0, 23) if "hours" in schedule else (),
        minutes=_int_list(schedule["minutes"], "minutes", 0, 59) if "minutes" in schedule else (),
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
