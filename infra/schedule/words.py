"""A few plain-word schedules: `every 15 minutes`, `daily at 07:00`, `weekly on mon,thu at 08:30`,
`monthly on day 1 at 06:00`, `hourly at :15`, with `every N days|weeks|months` variants."""

from __future__ import annotations

import re

from infra.schedule.errors import ScheduleError
from infra.schedule.plan import Plan, clock, one_time_a_month_day, times_grid
from infra.schedule.recurrence import WEEK_DAYS

__all__ = ["EXAMPLES", "parse_words"]

EXAMPLES = (
    "every 15 minutes",
    "every 2 hours",
    "hourly at :15",
    "daily at 07:00",
    "every 2 days at 06:30",
    "weekly on mon,thu at 08:30",
    "weekly on weekdays at 07:00",
    "every 2 weeks on fri at 16:00",
    "monthly on day 1 at 06:00",
    "monthly on last day at 18:00",
    "monthly on day 1,15 at 06:00",
)

_DAY_ALIASES = {
    "weekdays": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "weekends": ("Saturday", "Sunday"),
}
# Between the items of a list of days or times: `mon,thu`, `mon, thu`, `mon and thu`.
_LIST_SEPARATOR = re.compile(r"\s*(?:,|\band\b)\s*")


def _items(text: str) -> list[str]:
    return _LIST_SEPARATOR.split(text.strip())


def _days(text: str) -> tuple[str, ...]:
    days: set[str] = set()
    for word in _items(text):
        word = word.lower()
        if word in _DAY_ALIASES:
            days.update(_DAY_ALIASES[word])
            continue
        matches = [day for day in WEEK_DAYS if len(word) >= 2 and day.lower().startswith(word)]
        if len(matches) != 1:
            raise ScheduleError(f"{word!r} is not a weekday; write mon, tue, wed, thu, fri, sat, sun or weekdays")
        days.add(matches[0])
    return tuple(day for day in WEEK_DAYS if day in days)


def _times(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return times_grid([clock(part) for part in _items(text)])


def _month_days(text: str) -> tuple[int, ...]:
    days: set[int] = set()
    for word in _items(text):
        if word in ("last", "last day"):
            days.add(-1)
        elif word.isdigit() and 1 <= int(word) <= 31:
            days.add(int(word))
        else:
            raise ScheduleError(f"day of month {word!r} must be 1 to 31 or `last`")
    return tuple(sorted(days, key=lambda d: (d < 0, d)))


def _minute_past(text: str | None, words: str) -> int:
    """The `:MM` of an hourly schedule, 00 to 59 (refused here, not when the plan is pinned)."""
    minute = int(text or 0)
    if minute > 59:
        raise ScheduleError(f"{words}: the minute past the hour must be :00 to :59, not :{minute}")
    return minute


def parse_words(text: str) -> Plan | None:
    """The plan for a plain-word schedule, or None if TEXT is not one (it may be cron)."""
    words = " ".join(text.lower().split())
    if m := re.fullmatch(r"every (?:(?P<n>\d+) )?minutes?", words):
        return Plan("Minute", int(m["n"] or 1))
    if m := re.fullmatch(r"every (?:(?P<n>\d+) )?hours?(?: at :(?P<m>\d\d))?", words):
        return Plan("Hour", int(m["n"] or 1), start_clock=(0, _minute_past(m["m"], words)))
    if m := re.fullmatch(r"hourly(?: at :(?P<m>\d\d))?", words):
        return Plan("Day", 1, hours=tuple(range(24)), minutes=(_minute_past(m["m"], words),))
    if m := re.fullmatch(r"(?:daily|every (?:(?P<n>\d+) )?days?) at (?P<t>.+)", words):
        hours, minutes = _times(m["t"])
        return Plan("Day", int(m["n"] or 1), hours=hours, minutes=minutes)
    if m := re.fullmatch(r"(?:weekly|every (?:(?P<n>\d+) )?weeks?) on (?P<d>.+?) at (?P<t>.+)", words):
        hours, minutes = _times(m["t"])
        return Plan("Week", int(m["n"] or 1), hours=hours, minutes=minutes, week_days=_days(m["d"]))
    if m := re.fullmatch(
        r"(?:monthly|every (?:(?P<n>\d+) )?months?) on (?:the )?(?:days? )?(?P<d>.+?) at (?P<t>.+)", words
    ):
        hours, minutes = _times(m["t"])
        every = f"every {m['n']} months" if m["n"] else "monthly"
        days = m["d"] if m["d"].startswith("last") else f"day {m['d']}"
        one_time_a_month_day(hours, minutes, lambda hour, minute: f"{every} on {days} at {hour:02d}:{minute:02d}")
        return Plan(
            "Month",
            int(m["n"] or 1),
            hours=hours,
            minutes=minutes,
            month_days=_month_days(m["d"]),
            start_clock=(hours[0], minutes[0]),
        )
    if words.startswith(("every ", "daily", "weekly", "monthly", "hourly")):
        raise ScheduleError(f"cannot read schedule {text!r}; write one like: " + "; ".join(EXAMPLES))
    return None
