from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from infra.schedule import ScheduleError, compile_schedule
from tests.fakes.logic_schema import logic_validator


def recurrence_validator() -> jsonschema.Draft4Validator:
    return logic_validator("definitions/WorkflowTriggerRecurrence")


CASES: list[tuple[Any, str | None, dict[str, Any]]] = [
    (
        "0 7 * * 1-5",
        "Europe/Berlin",
        {
            "frequency": "Week",
            "interval": 1,
            "startTime": "2026-01-01T00:00:00",
            "timeZone": "W. Europe Standard Time",
            "schedule": {
                "hours": [7],
                "minutes": [0],
                "weekDays": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
            },
        },
    ),
    (
        "0 7 * * *",
        None,
        {
            "frequency": "Day",
            "interval": 1,
            "startTime": "2026-01-01T00:00:00",
            "timeZone": "UTC",
            "schedule": {"hours": [7], "minutes": [0]},
        },
    ),
    (
        # Wall-clock marks, as Microsoft's own "every 15 minutes at the specified minute marks"
        # example; a Minute interval would count elapsed time from the last run instead.
        "*/15 * * * *",
        None,
        {
            "frequency": "Day",
            "interval": 1,
            "startTime": "2026-01-01T00:00:00",
            "timeZone": "UTC",
            "schedule": {"hours": list(range(24)), "minutes": [0, 15, 30, 45]},
        },
    ),
    (
        "every 15 minutes",
        None,
        {"frequency": "Minute", "interval": 15, "startTime": "2026-01-01T00:00:00", "timeZone": "UTC"},
    ),
    (
        "every 2 hours",
        "Asia/Kolkata",
        {"frequency": "Hour", "interval": 2, "startTime": "2026-01-01T00:00:00", "timeZone": "India Standard Time"},
    ),
    (
        "weekly on mon,thu at 08:30",
        "America/New_York",
        {
            "frequency": "Week",
            "interval": 1,
            "startTime": "2026-01-01T00:00:00",
            "timeZone": "Eastern Standard Time",
            "schedule": {"hours": [8], "minutes": [30], "weekDays": ["Monday", "Thursday"]},
        },
    ),
    (
        "monthly on day 1 at 06:00",
        "Europe/London",
        {
            "frequency": "Month",
            "interval": 1,
            "startTime": "2026-01-01T06:00:00",
            "timeZone": "GMT Standard Time",
            "schedule": {"hours": [6], "minutes": [0], "monthDays": [1]},
        },
    ),
    (
        "0 6 1,15 * *",
        None,
        {
            "frequency": "Month",
            "interval": 1,
            "startTime": "2026-01-01T06:00:00",
            "timeZone": "UTC",
            "schedule": {"hours": [6], "minutes": [0], "monthDays": [1, 15]},
        },
    ),
    (
        "0 0 1 */3 *",
        None,
        {
            "frequency": "Month",
            "interval": 3,
            "startTime": "2026-01-01T00:00:00",
            "timeZone": "UTC",
            "schedule": {"hours": [0], "minutes": [0], "monthDays": [1]},
        },
    ),
    (
        "30 9 15 jul *",
        "Europe/Berlin",
        {
            "frequency": "Month",
            "interval": 12,
            "startTime": "2026-07-01T09:30:00",
            "timeZone": "W. Europe Standard Time",
            "schedule": {"hours": [9], "minutes": [30], "monthDays": [15]},
        },
    ),
    (
        "MON-FRI is not cron",
        None,
        None,
    ),
]


@pytest.mark.parametrize(("schedule", "zone", "expected"), [c for c in CASES if c[2] is not None])
def test_compiles_to_the_logic_apps_recurrence(schedule: Any, zone: str | None, expected: dict[str, Any]) -> None:
    arm = compile_schedule(schedule, zone).to_arm()
    assert arm == expected
    recurrence_validator().validate(arm)


def test_every_recurrence_has_a_fixed_past_start_so_deploys_do_not_fire_or_diff() -> None:
    first = compile_schedule("every 5 minutes").to_arm()
    again = compile_schedule("every 5 minutes").to_arm()
    assert first == again and first["startTime"] < "2026-11-22"


def test_hourly_at_minute_matches_cron_form() -> None:
    assert compile_schedule("hourly at :15") == compile_schedule("15 * * * *")


def test_names_in_any_case_and_sunday_as_7_and_macros() -> None:
    assert compile_schedule("0 8 * * MON,thu") == compile_schedule("0 8 * * 1,4")
    assert compile_schedule("0 9 * * WED") == compile_schedule("0 9 * * 3")
    assert compile_schedule("0 9 1 JUL *") == compile_schedule("0 9 1 7 *")
    assert compile_schedule("0 0 * * 7") == compile_schedule("@weekly")
    assert compile_schedule("0 0 * JAN-DEC *") == compile_schedule("@daily")
    assert compile_schedule("@yearly") == compile_schedule("@annually") == compile_schedule("0 0 1 1 *")


def test_raw_recurrence_passes_through_after_validation() -> None:
    raw = {"frequency": "Week", "interval": 2, "startTime": "2026-03-06T16:00:00", "schedule": {"weekDays": ["Friday"]}}
    arm = compile_schedule(raw, "Europe/Berlin").to_arm()
    assert arm == {**raw, "timeZone": "W. Europe Standard Time"}
    recurrence_validator().validate(arm)


def test_raw_recurrence_with_utc_start_is_converted_to_local_time() -> None:
    arm = compile_schedule({"frequency": "Day", "startTime": "2026-06-01T05:00:00Z"}, "Europe/Berlin").to_arm()
    assert arm["startTime"] == "2026-06-01T07:00:00"


@pytest.mark.parametrize(
    ("schedule", "zone", "message"),
    [
        ("0 7 1 * 1", None, "cannot combine monthDays with weekDays. Nearest: `0 7 1 * *` (monthly) or `0 7 * * 1`"),
        ("0 7 */2 * 1", None, "day-of-month and weekday"),
        ("0 7 1 1,2 *", None, "picks months 1,2; Logic Apps repeats a monthly recurrence every N months"),
        ("0 7 * 1,7 *", None, "runs every day of some months only"),
        ("0 7 * 1 mon", None, "picks both months and weekdays"),
        ("0 7 ? * MON", None, "`?` is Quartz's 'no specific value'; standard cron writes `*` there"),
        ("0 0 31 2 *", None, "never runs: February has no day 31"),
        ("0 0 30,31 2 *", None, "February has no day 30 or 31"),
        ("0 7 * * 5#2", None, "n-th weekday"),
        ("0 7 1W * *", None, "nearest weekday"),
        ("@fortnightly", None, "unknown cron macro '@fortnightly'; known: @hourly"),
        ("0 0 7 * * *", None, "has 6 fields; a seconds (or year) field is not standard cron"),
        ("daily at 07:00, 19:30", None, "every listed hour combined with every listed minute"),
        ("0 7 L * *", None, "monthly on last day"),
        ("0 7,19 1 * *", None, "make one job per time of day: `0 7 1 * *` and `0 19 1 * *`"),
        ("0 24 * * *", None, "hour field: 24 is outside 0-23"),
        ("5-1 * * * *", None, "runs backwards"),
        ("*/0 * * * *", None, "step '0'"),
        ("0 7 * *", None, "has 4 fields"),
        ("every 0 minutes", None, "Minute interval must be 1 to 72000"),
        ("every 600 days at 07:00", None, "Day interval must be 1 to 500"),
        ("weekly on funday at 07:00", None, "'funday' is not a weekday"),
        ("daily at 7", None, "HH:MM"),
        ("daily at 25:00", None, "not a time of day"),
        ("every fortnight", None, "cannot read schedule"),
        ("0 7 * * *", "Europe/Berln", "did you mean Europe/Berlin"),
        ("0 7 * * *", "Mars/Olympus", "unknown time zone"),
        ("", None, "a schedule is required"),
        ({"frequency": "Fortnight"}, None, "frequency must be one of"),
        ({"frequency": "Day", "interval": 0}, None, "interval for Day must be"),
        ({"frequency": "Hour", "schedule": {"hours": [1]}}, None, "takes no schedule"),
        ({"frequency": "Day", "schedule": {"weekDays": ["Monday"]}}, None, "weekDays needs frequency Week"),
        ({"frequency": "Week", "schedule": {"weekDays": ["Mon"]}}, None, "weekDays must list days"),
        ({"frequency": "Day", "schedule": {"hours": [24]}}, None, "hours value 24"),
        ({"frequency": "Day", "timeZone": "Berlin Time"}, None, "does not offer the Windows time zone"),
        ({"frequency": "Day", "timeZone": "UTC"}, "Europe/Berlin", "disagrees with the job's timeZone"),
        ({"frequency": "Day", "every": 2}, None, "unknown recurrence keys ['every']"),
        ({"frequency": "Day", "startTime": "tomorrow"}, None, "must be an ISO date-time"),
    ],
)
def test_refusals_say_why_and_what_to_write(schedule: Any, zone: str | None, message: str) -> None:
    with pytest.raises(ScheduleError) as raised:
        compile_schedule(schedule, zone)
    assert message in str(raised.value)
