from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from tzlocal.windows_tz import win_tz

from infra.schedule import ScheduleError, windows_zone
from infra.schedule.timezones import LOGIC_APPS_ZONES


@pytest.mark.parametrize(
    ("iana", "windows"),
    [
        ("Europe/Berlin", "W. Europe Standard Time"),
        ("America/New_York", "Eastern Standard Time"),
        ("Asia/Kolkata", "India Standard Time"),
        ("Australia/Sydney", "AUS Eastern Standard Time"),
        ("Europe/London", "GMT Standard Time"),
        ("UTC", "UTC"),
        ("Etc/UTC", "UTC"),
        ("Europe/Kiev", "FLE Standard Time"),
    ],
)
def test_known_zones(iana: str, windows: str) -> None:
    assert windows_zone(iana) == windows


def test_every_iana_zone_maps_to_an_offered_zone_with_the_same_offsets_or_is_refused() -> None:
    samples = [datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=7 * i) for i in range(52 * 2)]
    refused = []
    for zone in sorted(available_timezones()):
        try:
            windows = windows_zone(zone)
        except ScheduleError:
            refused.append(zone)
            continue
        assert windows in LOGIC_APPS_ZONES
        representative = ZoneInfo(win_tz[windows])
        mismatched = [
            s for s in samples if s.astimezone(ZoneInfo(zone)).utcoffset() != s.astimezone(representative).utcoffset()
        ]
        assert mismatched == [], (zone, windows, mismatched[:2])
    assert len(refused) < 25, refused


def test_a_stale_cldr_mapping_is_not_used() -> None:
    # CLDR still says Azores; since 2024 Scoresbysund keeps Nuuk's offsets.
    assert windows_zone("America/Scoresbysund") == "Greenland Standard Time"


def test_newer_cldr_ids_fall_back_to_an_equivalent_offered_zone() -> None:
    assert windows_zone("America/Vancouver") == "Pacific Standard Time"
    assert windows_zone("America/Edmonton") == "Mountain Standard Time"
    assert windows_zone("America/Winnipeg") == "Central Standard Time"


@pytest.mark.parametrize(
    ("typo", "suggestion"), [("Europe/Berln", "Europe/Berlin"), ("America/Newyork", "America/New_York")]
)
def test_unknown_zones_are_refused_with_suggestions(typo: str, suggestion: str) -> None:
    with pytest.raises(ScheduleError, match=suggestion):
        windows_zone(typo)


def test_a_windows_id_given_as_iana_is_refused() -> None:
    with pytest.raises(ScheduleError, match=r"IANA|did you mean"):
        windows_zone("W. Europe Standard Time")
