"""A Month recurrence runs the same under both readings of Microsoft's sources, or is refused.

The sources disagree on whether `schedule.hours` and `schedule.minutes` apply to a Month
recurrence:
- No: the workflow definition reference (MicrosoftDocs/azure-docs,
  articles/logic-apps/logic-apps-workflow-actions-triggers.md, "Recurrence trigger": hours and
  minutes "Applies only when frequency is Day or Week"), the Recurrence connector page
  (articles/connectors/connectors-native-recurrence.md: "available only for the Day and Week
  frequencies") and the designer's recurrence editor (Azure/LogicAppsUX,
  libs/designer-ui/src/lib/recurrence/index.tsx: hours and minutes offered for Day and Week only,
  the whole schedule deleted for any other frequency).
- Yes: the scheduling concepts page (articles/logic-apps/concepts-schedule-automated-recurring-tasks-
  workflows.md, "Run every hour for one day per month": frequency Month with 24 hours).
- The ARM schema (shared/reference/Microsoft.Logic.json, RecurrenceSchedule) is silent: it allows
  every schedule key with every frequency.
Where hours and minutes are ignored, a Month recurrence runs at its start time's hour and minute.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from infra.schedule import Recurrence, ScheduleError, compile_schedule, next_runs

AFTER = [datetime(2026, 2, 10, tzinfo=UTC), datetime(2027, 6, 30, 23, tzinfo=UTC)]


def hours_ignored(rec: Recurrence) -> Recurrence:
    """REC as the reference and the designer read it: a Month recurrence ignores hours and minutes."""
    return dataclasses.replace(rec, hours=(), minutes=())


@pytest.mark.parametrize(
    "schedule",
    [
        "0 7 1 * *",
        "30 9 15 jul *",
        "0 0 1 */3 *",
        "0 6 1,15 * *",
        "0 7,19 1 * *",
        "0,30 7 1 * *",
        "*/20 1-3 1 * *",
        "monthly on day 1 at 06:00",
        "monthly on last day at 18:00",
        "monthly on day 1,15 at 06:00, 18:00",
        "every 2 months on day 10 at 23:45",
        {"frequency": "Month", "schedule": {"monthDays": [1], "hours": [7]}},
        {"frequency": "Month", "schedule": {"monthDays": [1], "hours": [7], "minutes": [30]}},
        {"frequency": "Month", "schedule": {"monthDays": [1], "hours": [7, 19], "minutes": [0]}},
        {"frequency": "Month", "startTime": "2026-01-01T00:00:00", "schedule": {"monthDays": [1], "hours": [7]}},
        {"frequency": "Month", "startTime": "2026-01-01T07:15:00", "schedule": {"monthDays": [1], "minutes": [15]}},
    ],
)
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_a_month_recurrence_runs_the_same_under_both_readings_or_is_refused(schedule: Any, zone: str) -> None:
    try:
        rec = compile_schedule(schedule, zone)
    except ScheduleError as refused:
        assert "one job per time of day" in str(refused) or "startTime" in str(refused)
        return
    assert rec.frequency == "Month"
    for after in AFTER:
        assert next_runs(rec, after, 8) == next_runs(hours_ignored(rec), after, 8), (schedule, zone, after)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("0 7,19 1 * *", "make one job per time of day: `0 7 1 * *` and `0 19 1 * *`"),
        ("0,30 7 1 */3 *", "`0 7 1 */3 *` and `30 7 1 */3 *`"),
        ("*/20 1-3 1 * *", "9 times a day"),
        ("monthly on day 1,15 at 06:00, 18:00", "`monthly on day 1,15 at 06:00` and `monthly on day 1,15 at 18:00`"),
        ({"frequency": "Month", "schedule": {"hours": [7, 19], "minutes": [0]}}, "one job per time of day"),
        ({"frequency": "Month", "startTime": "2026-01-01T00:00:00", "schedule": {"hours": [7]}}, "startTime"),
    ],
)
def test_several_times_a_day_in_a_month_recurrence_are_refused_with_the_jobs_to_write(
    schedule: Any, message: str
) -> None:
    with pytest.raises(ScheduleError) as raised:
        compile_schedule(schedule)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_one_time_a_day_keeps_the_start_time_on_that_time() -> None:
    """Safe under both readings: the start time's clock is the one listed time."""
    raw = compile_schedule({"frequency": "Month", "schedule": {"monthDays": [1], "hours": [7], "minutes": [30]}})
    assert raw.start_time == "2026-01-01T07:30:00"
    assert compile_schedule("15 23 10 */2 *").start_time == "2026-01-01T23:15:00"
