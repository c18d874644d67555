"""What a schedule means before it is pinned to a start time and zone: the shared middle step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from infra.schedule.errors import ScheduleError
from infra.schedule.recurrence import Frequency, Grid

__all__ = ["INTERVAL_LIMITS", "Plan", "clock", "one_time_a_month_day", "times_grid"]

# Logic Apps' documented interval limits per frequency.
INTERVAL_LIMITS: dict[str, int] = {
    "Second": 9_999_999,
    "Minute": 72_000,
    "Hour": 12_000,
    "Day": 500,
    "Week": 71,
    "Month": 16,
}


@dataclass(frozen=True)
class Plan(Grid):
    """What a schedule means: a frequency and interval over a grid, not yet pinned to a start and zone."""

    frequency: Frequency
    interval: int = 1
    start_clock: tuple[int, int] = (0, 0)
    # The month the start time falls in: a Month recurrence with interval 3, 6 or 12 repeats from it.
    start_month: int = 1

    def __post_init__(self) -> None:
        limit = INTERVAL_LIMITS[self.frequency]
        if not 1 <= self.interval <= limit:
            raise ScheduleError(f"a {self.frequency} interval must be 1 to {limit}, not {self.interval}")


def clock(text: str) -> tuple[int, int]:
    """'07:30' or '7:30' -> (7, 30)."""
    hour_text, sep, minute_text = text.strip().partition(":")
    if not sep or not hour_text.isdigit() or not minute_text.isdigit() or len(minute_text) != 2:
        raise ScheduleError(f"time {text.strip()!r} must be HH:MM on a 24-hour clock, e.g. 07:30")
    hour, minute = int(hour_text), int(minute_text)
    if hour > 23 or minute > 59:
        raise ScheduleError(f"time {text.strip()!r} is not a time of day (00:00 to 23:59)")
    return hour, minute


def times_grid(times: list[tuple[int, int]]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Hours and minutes lists for a set of clock times, if Logic Apps' hours x minutes grid is exactly them."""
    hours = tuple(sorted({h for h, _ in times}))
    minutes = tuple(sorted({m for _, m in times}))
    if len(hours) * len(minutes) != len(set(times)):
        listed = ", ".join(f"{h:02d}:{m:02d}" for h, m in sorted(set(times)))
        raise ScheduleError(
            f"Logic Apps runs at every listed hour combined with every listed minute, so {listed} cannot be "
            "expressed; use the same minutes for every hour (e.g. 07:00, 19:00) or one job per time"
        )
    return hours, minutes


def one_time_a_month_day(hours: tuple[int, ...], minutes: tuple[int, ...], job_at: Callable[[int, int], str]) -> None:
    """Refuse a Month recurrence with more than one time of day; JOB_AT(hour, minute) writes the
    schedule of one job at that time, in the user's own form.

    Microsoft's sources disagree on whether `schedule.hours` and `schedule.minutes` apply to a Month
    recurrence: the workflow definition reference ("Applies only when frequency is Day or Week"),
    the Recurrence connector page and the designer (LogicAppsUX recurrence editor: no hours or
    minutes for Month) say no; the scheduling concepts page shows a Month example with 24 hours.
    Where they are ignored, a Month recurrence runs at its start time's clock only, and the other
    times are silently lost. One time of day, pinned as the start time's clock, runs the same under
    both readings; several cannot, so they are refused (tests/infra/schedule/test_month_readings.py).
    """
    times = [(hour, minute) for hour in hours for minute in minutes]
    if len(times) <= 1:
        return
    jobs = [f"`{job_at(hour, minute)}`" for hour, minute in times]
    listed = " and ".join(jobs) if len(jobs) == 2 else ", ".join(jobs[:3]) + f" ... ({len(jobs)} jobs)"
    raise ScheduleError(
        f"a monthly schedule here runs {len(times)} times a day; Microsoft documents schedule.hours and "
        "schedule.minutes for Day and Week recurrences only, so Logic Apps may run a Month recurrence at "
        f"its start time alone and silently skip the rest: make one job per time of day: {listed}"
    )
