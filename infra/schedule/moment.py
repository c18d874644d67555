"""Date-times people write (a recurrence's startTime, `schedule --after`), read in one place so that a
well-formed date that does not exist (2026-02-30) is called that, not a format error."""

from __future__ import annotations

import calendar
import re
from datetime import datetime

from infra.schedule.errors import ScheduleError

__all__ = ["parse_moment"]

_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:[T ].*)?", re.DOTALL)


def parse_moment(text: str, what: str) -> datetime:
    """TEXT as an ISO date-time (a trailing Z is UTC); ScheduleError names WHAT and the problem."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    if shape := _DATE.fullmatch(text):
        year, month, day = int(shape["year"]), int(shape["month"]), int(shape["day"])
        if not 1 <= month <= 12:
            raise ScheduleError(f"{what} {text!r}: there is no month {month}; months are 01 to 12") from None
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            raise ScheduleError(
                f"{what} {text!r}: {calendar.month_name[month]} {year} has no day {day} (it has {days} days)"
            ) from None
    raise ScheduleError(f"{what} {text!r} must be an ISO date-time like 2026-01-01T07:00:00") from None
