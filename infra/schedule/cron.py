"""Five-field cron expressions (Vixie cron's syntax) parsed into the sets of values each field allows.

Names (`MON`, `jan`) are case-insensitive, weekday 7 is Sunday like 0 (so a weekday step that
reaches 7 picks Sunday: `1-7/2` is Mon, Wed, Fri, Sun, as in croniter and Vixie cron), and the macros
`@hourly`, `@daily`/`@midnight`, `@weekly`, `@monthly`, `@yearly`/`@annually` are expanded. Quartz and
other extensions (`?`, `L`, `W`, `#`, a seconds field) are refused with what to write instead.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from infra.schedule.errors import ScheduleError
from infra.schedule.recurrence import WEEK_DAYS, Grid

__all__ = ["CronFields", "parse_cron"]

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_MACROS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
# The longest day each month can have (February: 29, in leap years).
_MONTH_LENGTHS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# Extensions of Quartz and other schedulers, each with what a user can write here instead.
_EXTENSIONS = {
    "?": "`?` is Quartz's 'no specific value'; standard cron writes `*` there",
    "L": "`L` (last) is not standard cron; for the last day of the month write `monthly on last day at HH:MM`",
    "W": "`W` (nearest weekday) is not standard cron, and Logic Apps cannot express it",
    "#": "`#` (n-th weekday of the month) is not standard cron, and Logic Apps cannot express it here",
}
_FIELDS = (  # name, low, high, names (index 0 = value low)
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day-of-month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("weekday", 0, 7, _DAYS),
)


@dataclass(frozen=True)
class CronFields(Grid):
    """A parsed cron expression: its grid, and the months and day rule only cron has."""

    text: str  # with macros like @daily expanded
    months: tuple[int, ...]
    # Cron's day rule: when either day field starts with `*`, a day must match both fields;
    # otherwise it runs on days matching either.
    month_days_star: bool
    week_days_star: bool


def _value(token: str, field: str, low: int, high: int, names: tuple[str, ...]) -> int:
    upper = token.upper()
    if names and upper in names:
        return names.index(upper) + low
    if not token.isdigit():
        known = f" or a name ({', '.join(names[:3])}, ...)" if names else ""
        raise ScheduleError(f"cron {field} field: {token!r} is not a number{known}")
    value = int(token)
    if not low <= value <= high:
        raise ScheduleError(f"cron {field} field: {value} is outside {low}-{high}")
    return value


def _parse_field(text: str, field: str, low: int, high: int, names: tuple[str, ...]) -> tuple[set[int], bool]:
    """The values a field allows, and whether it was `*` (which matters for the two day fields)."""
    # Look at whole tokens, not letters: `WED` and `JUL` hold a W and an L but are names.
    for token in re.split(r"[,/-]", text):
        upper = token.upper()
        if upper in names:
            continue
        for mark, advice in _EXTENSIONS.items():
            if mark in upper:
                raise ScheduleError(f"cron {field} field {text!r}: {advice}")
    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ScheduleError(f"cron {field} field: step {step_text!r} must be a whole number above 0")
            step = int(step_text)
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = _value(first, field, low, high, names), _value(last, field, low, high, names)
            if start > end:
                raise ScheduleError(f"cron {field} field: range {base!r} runs backwards")
        else:
            start = _value(base, field, low, high, names)
            end = high if step_text else start
        values.update(range(start, end + 1, step))
    return values, text.startswith("*")


def parse_cron(expression: str) -> CronFields:
    stripped = expression.strip()
    if stripped.startswith("@") and stripped.lower() not in _MACROS:
        raise ScheduleError(f"unknown cron macro {stripped!r}; known: {', '.join(_MACROS)}")
    text = _MACROS.get(stripped.lower(), expression)
    parts = text.split()
    if len(parts) == 6:
        raise ScheduleError(
            f"cron expression {expression!r} has 6 fields; a seconds (or year) field is not standard cron. "
            "Write five: minute hour day-of-month month weekday, e.g. `0 7 * * 1-5`"
        )
    if len(parts) != 5:
        raise ScheduleError(
            f"cron expression {expression!r} has {len(parts)} fields; write five: minute hour day-of-month "
            "month weekday, e.g. `0 7 * * 1-5`; or plain words like `daily at 07:00` or `every 15 minutes`"
        )
    parsed = [_parse_field(part, *spec) for part, spec in zip(parts, _FIELDS, strict=True)]
    (minutes, _), (hours, _), (month_days, dom_star), (months, _), (week_days, dow_star) = parsed
    week_days = {day % 7 for day in week_days}  # 7 is Sunday too
    if not dom_star and not any(day <= _MONTH_LENGTHS[month - 1] for month in months for day in month_days):
        month_names = " or ".join(calendar.month_name[month] for month in sorted(months))
        raise ScheduleError(
            f"cron {expression!r} never runs: {month_names} has no day {' or '.join(map(str, sorted(month_days)))}"
        )
    return CronFields(
        text=" ".join(parts),
        minutes=tuple(sorted(minutes)),
        hours=tuple(sorted(hours)),
        month_days=tuple(sorted(month_days)),
        months=tuple(sorted(months)),
        week_days=tuple(WEEK_DAYS[day] for day in sorted(week_days)),
        month_days_star=dom_star,
        week_days_star=dow_star,
    )
