"""The Logic Apps Recurrence object, as a value, and the grid every schedule value shares.

One family: a cron expression parses to `CronFields` (cron.py), what a schedule means to a `Plan`
(plan.py), and a plan pinned to a start time and zone is a `Recurrence` (here). Each is a `Grid`
(the hours, minutes, week days and month days it runs on) with what its stage adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

__all__ = ["FREQUENCIES", "WEEK_DAYS", "Frequency", "Grid", "Recurrence"]

Frequency = Literal["Minute", "Hour", "Day", "Week", "Month"]
FREQUENCIES: tuple[Frequency, ...] = get_args(Frequency)
WEEK_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


@dataclass(frozen=True, kw_only=True)
class Grid:
    """The times within each period a schedule runs at; empty means none named (Logic Apps' `schedule`)."""

    hours: tuple[int, ...] = ()
    minutes: tuple[int, ...] = ()
    week_days: tuple[str, ...] = ()
    month_days: tuple[int, ...] = ()


@dataclass(frozen=True)
class Recurrence(Grid):
    """A Recurrence trigger's `recurrence`; `start_time` is local wall time in `time_zone`.

    `iana_zone` is not sent to Azure: it is the zone run times are computed in.
    """

    frequency: Frequency
    interval: int
    start_time: str
    time_zone: str
    iana_zone: str

    @classmethod
    def from_arm(cls, recurrence: dict[str, Any], iana_zone: str) -> Recurrence:
        """The recurrence `to_arm` wrote, read back (the run times need the IANA zone besides)."""
        schedule = recurrence.get("schedule", {})
        return cls(
            frequency=recurrence["frequency"],
            interval=recurrence["interval"],
            start_time=recurrence["startTime"],
            time_zone=recurrence["timeZone"],
            iana_zone=iana_zone,
            hours=tuple(schedule.get("hours", ())),
            minutes=tuple(schedule.get("minutes", ())),
            week_days=tuple(schedule.get("weekDays", ())),
            month_days=tuple(schedule.get("monthDays", ())),
        )

    def to_arm(self) -> dict[str, Any]:
        recurrence: dict[str, Any] = {
            "frequency": self.frequency,
            "interval": self.interval,
            "startTime": self.start_time,
            "timeZone": self.time_zone,
        }
        schedule: dict[str, Any] = {}
        if self.hours:
            schedule["hours"] = list(self.hours)
        if self.minutes:
            schedule["minutes"] = list(self.minutes)
        if self.week_days:
            schedule["weekDays"] = list(self.week_days)
        if self.month_days:
            schedule["monthDays"] = list(self.month_days)
        if schedule:
            recurrence["schedule"] = schedule
        return recurrence
