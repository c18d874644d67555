"""Every cron the compiler accepts compiles to exactly the cron's runs; proven deterministically.

Two layers, both without randomness:

1. Structure, exhaustively over the field shapes that decide the compile path: every minute list of
   up to three values, every hour list of up to three values, every set of weekdays, every single and
   pair of month days, and every one of the 4,095 sets of months. For each, the set of minutes, hours,
   weekdays, month days and months the compiled recurrence fires on (read from the recurrence by
   Logic Apps' rules, not from the compiler) equals the cron's, or the compiler refuses it.
2. Runs, systematically: each compile path (Day grid, Week, Month every 1, 2, 3, 4, 6 and 12 months)
   with minute and hour fields of every shape (Month: one time of day; more are refused), in zones
   with whole-hour DST, half-hour offsets,
   half-hour offsets with DST and a 30-minute DST shift. The runs `next_runs` computes for the
   recurrence equal croniter's over two years, sampled in windows that start just after each DST
   change (where an elapsed-time recurrence would have drifted) and mid-season. Runs on the local
   days a zone changes its offset follow the documented DST rule instead (last test).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from croniter import croniter

from infra.schedule import Recurrence, ScheduleError, compile_schedule, next_runs
from infra.schedule.recurrence import WEEK_DAYS

ZONES = [
    "UTC",
    "Europe/Berlin",  # whole-hour DST, northern
    "Australia/Sydney",  # whole-hour DST, southern
    "Asia/Kolkata",  # +05:30, no DST
    "America/St_Johns",  # -03:30 with whole-hour DST
    "Australia/Lord_Howe",  # +10:30, DST shifts by 30 minutes
]
ALL_MINUTES, ALL_HOURS = frozenset(range(60)), frozenset(range(24))


# --- 1. Structure --------------------------------------------------------------------------------


def fired_fields(
    rec: Recurrence,
) -> tuple[frozenset[int], frozenset[int], frozenset[int], frozenset[int], frozenset[int]]:
    """Minutes, hours, weekdays (0 = Sunday), month days and months REC fires on, by Logic Apps' rules:
    a Day recurrence runs daily, a Week one on its weekDays, a Month one on its monthDays in every
    `interval`-th month counted from the start time's month; times are schedule.hours x minutes."""
    start = datetime.fromisoformat(rec.start_time)
    assert rec.interval == 1 or rec.frequency == "Month", "cron never compiles to a Day/Week interval above 1"
    assert rec.frequency in ("Day", "Week", "Month"), "cron always compiles to a wall-clock grid"
    minutes, hours = frozenset(rec.minutes), frozenset(rec.hours)
    week_days = (
        frozenset(WEEK_DAYS.index(day) for day in rec.week_days) if rec.frequency == "Week" else frozenset(range(7))
    )
    month_days = frozenset(rec.month_days) if rec.frequency == "Month" else frozenset(range(1, 32))
    months = (
        frozenset((start.month - 1 + k * rec.interval) % 12 + 1 for k in range(12))
        if rec.frequency == "Month"
        else frozenset(range(1, 13))
    )
    return minutes, hours, week_days, month_days, months


def lists(values: range, most: int) -> Iterator[tuple[int, ...]]:
    for size in range(1, most + 1):
        yield from itertools.combinations(values, size)


def text(values: tuple[int, ...]) -> str:
    return ",".join(map(str, values))


def test_every_minute_list_up_to_three_values_fires_on_exactly_those_minutes() -> None:
    checked = 0
    for minutes in lists(range(60), 3):
        assert fired_fields(compile_schedule(f"{text(minutes)} * * * *"))[:2] == (frozenset(minutes), ALL_HOURS)
        checked += 1
    assert checked == 60 + 1770 + 34220


def test_every_hour_list_up_to_three_values_fires_on_exactly_those_hours() -> None:
    for hours in lists(range(24), 3):
        assert fired_fields(compile_schedule(f"7 {text(hours)} * * *"))[:2] == (frozenset({7}), frozenset(hours))


@pytest.mark.parametrize("step", range(1, 61))
def test_every_minute_and_hour_step_is_the_cron_grid_not_an_elapsed_interval(step: int) -> None:
    rec = compile_schedule(f"*/{step} */{min(step, 24)} * * *", "Australia/Lord_Howe")
    assert rec.frequency == "Day"
    assert fired_fields(rec)[:2] == (frozenset(range(0, 60, step)), frozenset(range(0, 24, min(step, 24))))


def test_every_set_of_weekdays_fires_on_exactly_those_days() -> None:
    for days in lists(range(7), 7):
        rec = compile_schedule(f"30 8 * * {text(days)}")
        assert fired_fields(rec)[2] == frozenset(days)
        assert fired_fields(rec)[3:] == (frozenset(range(1, 32)), frozenset(range(1, 13)))


def test_every_single_and_pair_of_month_days_fires_on_exactly_those_days() -> None:
    for days in lists(range(1, 32), 2):
        rec = compile_schedule(f"0 6 {text(days)} * *")
        assert fired_fields(rec)[2:] == (frozenset(range(7)), frozenset(days), frozenset(range(1, 13)))


def test_every_set_of_months_fires_in_exactly_those_months_or_is_refused() -> None:
    accepted = []
    for months in lists(range(1, 13), 12):
        try:
            rec = compile_schedule(f"0 6 1 {text(months)} *")
        except ScheduleError as refused:
            assert "evenly spaced" in str(refused)
            continue
        assert fired_fields(rec)[3:] == (frozenset({1}), frozenset(months))
        accepted.append(months)
    # Exactly the sets Logic Apps can express: every 1, 2, 3, 4 or 6 months, or once a year, from any start.
    assert len(accepted) == 1 + 2 + 3 + 4 + 6 + 12


# --- 2. Runs against croniter --------------------------------------------------------------------

MINUTE_FIELDS = ["0", "59", "*/15", "*/20", "*/7", "0,15,16,17", "5,20,35,50", "*"]
HOUR_FIELDS = ["*", "7", "0,12", "*/6", "9-17", "1-3", "23"]
DAY_FIELDS = [
    "* * 1-5",
    "* * sun",
    "* * 1-7/2",
    "* * 0,6",
    "1 * *",
    "15 * *",
    "31 * *",
    "1,15 * *",
    "29 2 *",
    "1 */2 *",
    "1 2-12/3 *",
    "1 */4 *",
    "10 */6 *",
    "1 1 *",
    "1 jul *",
]
RUNS_PER_WINDOW = 12


@functools.cache
def offset_change_days(zone: ZoneInfo) -> frozenset[date]:
    """Local dates on which ZONE's UTC offset changes, 2026 to 2028."""
    days, moment = set(), datetime(2026, 1, 1, tzinfo=UTC)
    while moment.year < 2029:
        later = moment + timedelta(hours=6)
        if moment.astimezone(zone).utcoffset() != later.astimezone(zone).utcoffset():
            days.update({moment.astimezone(zone).date(), later.astimezone(zone).date()})
        moment = later
    return frozenset(days)


@functools.cache
def windows(zone: ZoneInfo) -> list[datetime]:
    """Mid-season moments, and moments two days after each offset change, over two years."""
    starts = [datetime(year, month, 10, 13, 7, tzinfo=UTC) for year in (2026, 2027) for month in (1, 7)]
    starts += [
        datetime.combine(day + timedelta(days=2), datetime.min.time(), UTC)
        for day in offset_change_days(zone)
        if day.year < 2028
    ]
    return sorted(set(starts))


def same_runs(expression: str, zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    changes = offset_change_days(zone)
    rec = compile_schedule(expression, zone_name)
    for after in windows(zone):
        oracle = croniter(expression, after.astimezone(zone))
        theirs = [oracle.get_next(datetime) for _ in range(RUNS_PER_WINDOW)]
        ours = next_runs(rec, after, RUNS_PER_WINDOW)
        horizon = min(theirs[-1], ours[-1])
        # Runs on a day the offset changes follow the DST rule, tested on its own below.
        keep = [run.astimezone(UTC) for run in ours if run <= horizon and run.astimezone(zone).date() not in changes]
        want = [run.astimezone(UTC) for run in theirs if run <= horizon and run.astimezone(zone).date() not in changes]
        assert keep == want, (expression, zone_name, after)


@pytest.mark.parametrize("zone", ZONES)
def test_every_minute_and_hour_shape_runs_exactly_when_cron_does(zone: str) -> None:
    for minute, hour in itertools.product(MINUTE_FIELDS, HOUR_FIELDS):
        if minute == "*" and hour == "*":
            continue  # 1,440 runs a day: the structure layer covers it
        same_runs(f"{minute} {hour} * * *", zone)


@pytest.mark.parametrize("zone", ZONES)
def test_every_day_and_month_shape_runs_exactly_when_cron_does(zone: str) -> None:
    for days, times in itertools.product(DAY_FIELDS, ["30 7", "*/20 1-3", "0 0,12"]):
        if days.split()[0] != "*" and times != "30 7":
            # A Month recurrence takes one time of day (test_month_readings.py says why).
            with pytest.raises(ScheduleError, match="one job per time of day"):
                compile_schedule(f"{times} {days}", zone)
            continue
        same_runs(f"{times} {days}", zone)


# --- Where Logic Apps and cron must differ: the documented DST rule ---------------------------------


def test_on_a_dst_day_a_skipped_wall_time_runs_an_hour_later_and_a_repeated_one_once() -> None:
    """docs/reference/schedules.md: the rule this project assumes for Logic Apps on days the clock changes
    (Microsoft documents none). Cron implementations differ there too; croniter skips the gap."""
    every_20 = compile_schedule("*/20 2 * * *", "Europe/Berlin")
    spring = next_runs(every_20, datetime(2026, 3, 28, 12, tzinfo=UTC), 4)
    assert [run.isoformat() for run in spring] == [
        "2026-03-29T03:00:00+02:00",
        "2026-03-29T03:20:00+02:00",
        "2026-03-29T03:40:00+02:00",
        "2026-03-30T02:00:00+02:00",
    ]
    autumn = next_runs(every_20, datetime(2026, 10, 24, 12, tzinfo=UTC), 4)
    assert [run.isoformat() for run in autumn] == [
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:20:00+02:00",
        "2026-10-25T02:40:00+02:00",
        "2026-10-26T02:00:00+01:00",
    ]
    half_hour = next_runs(compile_schedule("15 2 * * *", "Australia/Lord_Howe"), datetime(2026, 10, 3, tzinfo=UTC), 2)
    assert [run.isoformat() for run in half_hour] == ["2026-10-04T02:45:00+11:00", "2026-10-05T02:15:00+11:00"]
