"""IANA time-zone names to the Windows ids Logic Apps takes, from CLDR's windowsZones (via tzlocal).

CLDR sometimes names Windows zones newer than the ones Logic Apps offers (America/Vancouver is
"British Columbia Standard Time" since 2025), and sometimes lags the IANA rules. So a mapping is used
only when its zone keeps the same UTC offsets as the IANA zone over the coming years; otherwise the
offered zone that does is used, and a zone with none is refused.
"""

from __future__ import annotations

import difflib
import functools
import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tzlocal.windows_tz import tz_win, win_tz

from infra.schedule.errors import ScheduleError

__all__ = ["ABBREVIATIONS", "LOGIC_APPS_ZONES", "ZONES_FILE", "fixed_offset_warning", "iana_zone", "windows_zone"]

# Abbreviations people write for a zone, and the city zone they most likely mean. The IANA database
# keeps EST and MST (and HST) as fixed offsets without daylight saving, for compatibility
# (tzdata's `northamerica` file); the others are not zones at all.
ABBREVIATIONS = {
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "BST": "Europe/London",
    "CEST": "Europe/Berlin",
}

# The Windows ids the Logic Apps designer offers for recurrence.timeZone (Azure/LogicAppsUX,
# getTimezoneValues). The program's own data, shipped beside this module, because it is needed at run
# time on a user's machine and no package carries it: tzlocal's windows_tz is CLDR's mapping, which
# names zones the designer does not offer. tests/infra/schedule/test_zones_file.py checks it equals
# the reference copy (tests/reference.py).
ZONES_FILE = Path(__file__).with_name("logicapps-timezones.tsv")
LOGIC_APPS_ZONES: frozenset[str] = frozenset(
    line.split("\t", 1)[0] for line in ZONES_FILE.read_text().splitlines() if line and not line.startswith("#")
)

# Two samples a day for three years: equal offsets mean DST changes fall on the same days.
_SAMPLE_START = datetime(2026, 1, 1, tzinfo=UTC)
_SAMPLES = tuple(_SAMPLE_START + timedelta(hours=12 * i) for i in range(2 * 365 * 3))


@functools.cache
def _available() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def _offsets(zone: str) -> tuple[timedelta | None, ...]:
    tz = zoneinfo.ZoneInfo(zone)
    return tuple(moment.astimezone(tz).utcoffset() for moment in _SAMPLES)


@functools.cache
def _equivalent_offered_zone(zone: str) -> str | None:
    """An offered Windows zone whose CLDR representative keeps the same offsets for three years."""
    target = _offsets(zone)
    for windows_id in sorted(LOGIC_APPS_ZONES, key=lambda w: (w != "UTC", w)):
        representative = win_tz.get(windows_id)
        if representative and representative in _available() and _offsets(representative) == target:
            return windows_id
    return None


@functools.cache
def windows_zone(name: str) -> str:
    """The Windows id Logic Apps takes for IANA zone NAME; ScheduleError with suggestions if unknown."""
    if name in LOGIC_APPS_ZONES and name not in _available():
        representative = win_tz.get(name)
        use = f"use {representative}" if representative else "use an IANA name such as Europe/Berlin"
        raise ScheduleError(
            f"{name!r} is a Windows time-zone id; timeZone takes an IANA name: {use} (a recurrence object may "
            "carry the Windows id in its own timeZone)"
        )
    if (city := ABBREVIATIONS.get(name.upper())) and name not in _available():
        raise ScheduleError(f"{name!r} is an abbreviation, not a time zone: use {city}")
    if name not in _available():
        close = difflib.get_close_matches(name, sorted(_available()), n=3, cutoff=0.6)
        if not close:
            lowered = name.lower().replace(" ", "_")
            close = sorted(z for z in _available() if lowered in z.lower())[:3]
        hint = f"; did you mean {', '.join(close)}?" if close else "; use an IANA name such as Europe/Berlin"
        raise ScheduleError(f"unknown time zone {name!r}{hint}")
    mapped = tz_win.get(name)
    if mapped in LOGIC_APPS_ZONES and _offsets(win_tz[mapped]) == _offsets(name):
        return mapped
    # Not offered, or CLDR lags the IANA rules (America/Scoresbysund changed in 2024).
    equivalent = _equivalent_offered_zone(name)
    if equivalent is None:
        raise ScheduleError(
            f"time zone {name!r} has no equivalent among the Windows zones Logic Apps offers; "
            "use UTC or a nearby city's zone"
        )
    return equivalent


def fixed_offset_warning(name: str) -> str | None:
    """For a zone that is an abbreviation kept as a fixed offset (EST, MST): the city zone likely meant."""
    city = ABBREVIATIONS.get(name)
    if city is None or name not in _available():
        return None
    return (
        f"{name} is a fixed offset all year, without daylight saving; for the clock of {city.split('/')[-1]} "
        f"use {city} (or keep {name} if a fixed offset is meant)"
    )


def iana_zone(windows_id: str) -> str:
    """The CLDR representative IANA zone of a Windows id (for computing run times of raw recurrences)."""
    if windows_id not in LOGIC_APPS_ZONES:
        close = difflib.get_close_matches(windows_id, sorted(LOGIC_APPS_ZONES), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ScheduleError(f"Logic Apps does not offer the Windows time zone {windows_id!r}{hint}")
    representative = win_tz.get(windows_id)
    if representative is None:
        raise ScheduleError(f"no IANA zone is known for Windows time zone {windows_id!r}; set timeZone instead")
    return representative
