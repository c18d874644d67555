"""Next runs with Logic Apps semantics, checked against croniter as an oracle and across DST."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from croniter import croniter
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from infra.schedule import compile_schedule, next_runs

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "Australia/Lord_Howe",
]


def cron_oracle(expression: str, zone: str, after: datetime, count: int) -> list[datetime]:
    iterator = croniter(expression, after.astimezone(ZoneInfo(zone)))
    return [iterator.get_next(datetime) for _ in range(count)]


def is_dst_edge(moment: datetime, zone: str) -> bool:
    """Within a day of a UTC-offset change, where cron implementations disagree among themselves."""
    tz = ZoneInfo(zone)
    return (moment - timedelta(days=1)).astimezone(tz).utcoffset() != (moment + timedelta(days=1)).astimezone(
        tz
    ).utcoffset()


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(
    "expression",
    [
        "0 7 * * *",
        "30 8 * * 1-5",
        "*/15 * * * *",
        "0 */6 * * *",
        "15 * * * *",
        "0 6 1 * *",
        "45 23 * * sun",
        "0 12 31 * *",
    ],
)
def test_matches_cron_away_from_dst_changes(expression: str, zone: str) -> None:
    after = datetime(2026, 5, 4, 10, 17, tzinfo=UTC)
    ours = next_runs(compile_schedule(expression, zone), after, 8)
    assert [r.astimezone(UTC) for r in ours] == [r.astimezone(UTC) for r in cron_oracle(expression, zone, after, 8)]


minute_field = st.one_of(
    st.integers(0, 59).map(str),
    st.sampled_from([1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30]).map(lambda s: f"*/{s}"),
    st.lists(st.integers(0, 59), min_size=1, max_size=4, unique=True).map(lambda xs: ",".join(map(str, xs))),
)
hour_field = st.one_of(
    st.just("*"),
    st.integers(0, 23).map(str),
    st.integers(1, 12).map(lambda s: f"*/{s}"),
    st.tuples(st.integers(0, 11), st.integers(12, 23)).map(lambda r: f"{r[0]}-{r[1]}"),
)
day_fields = st.one_of(
    st.just("* *"),
    st.sampled_from(["1-5", "0,6", "1", "mon-fri", "sun"]).map(lambda d: f"* {d}"),
)


# Every case this property test ever found stays as an explicit example (it runs derandomized: see
# tests/conftest.py), so a finding is checked on every run, not when hypothesis happens to draw it.
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(minute="0,15,16,17", hour="*", days="* *", zone="UTC", after=datetime(2026, 5, 4, 10, 17, tzinfo=UTC))
@example(minute="*/20", hour="*", days="* *", zone="Europe/Berlin", after=datetime(2026, 5, 4, tzinfo=UTC))
@given(
    minute=minute_field,
    hour=hour_field,
    days=day_fields,
    zone=st.sampled_from(ZONES),
    after=st.datetimes(datetime(2026, 1, 2), datetime(2028, 12, 1), timezones=st.just(UTC)),
)
def test_property_next_runs_equal_cron_outside_dst_edges(
    minute: str, hour: str, days: str, zone: str, after: datetime
) -> None:
    expression = f"{minute} {hour} {days.split()[0]} * {days.split()[1]}"
    ours = next_runs(compile_schedule(expression, zone), after, 6)
    theirs = cron_oracle(expression, zone, after, 6)
    if any(is_dst_edge(r, zone) for r in [after, *ours, *theirs]):
        return
    assert [r.astimezone(UTC) for r in ours] == [r.astimezone(UTC) for r in theirs]


@given(
    schedule=st.sampled_from(
        ["every 7 minutes", "every 5 hours", "every 3 days at 06:30", "every 2 weeks on fri at 16:00"]
    ),
    zone=st.sampled_from(ZONES),
    after=st.datetimes(datetime(2026, 1, 2), datetime(2030, 1, 1), timezones=st.just(UTC)),
)
@settings(max_examples=100, deadline=None)
def test_property_runs_are_increasing_after_the_given_time_and_respect_the_interval(
    schedule: str, zone: str, after: datetime
) -> None:
    runs = next_runs(compile_schedule(schedule, zone), after, 4)
    assert len(runs) == 4 and all(run > after for run in runs)
    assert runs == sorted(runs)
    gaps = {b.astimezone(UTC) - a.astimezone(UTC) for a, b in itertools.pairwise(runs)}
    if schedule.endswith("minutes"):
        assert gaps == {timedelta(minutes=7)}
    elif schedule.endswith("hours"):
        assert gaps == {timedelta(hours=5)}
    elif "days" in schedule:  # calendar days: 3 days of wall-clock time, +-1h across DST
        assert all(abs(g - timedelta(days=3)) <= timedelta(hours=1) for g in gaps)
        assert {r.strftime("%H:%M") for r in runs} == {"06:30"}
    else:
        assert all(abs(g - timedelta(weeks=2)) <= timedelta(hours=1) for g in gaps)
        assert {r.strftime("%a %H:%M") for r in runs} == {"Fri 16:00"}


def test_local_time_is_kept_across_spring_forward_and_fall_back() -> None:
    daily = compile_schedule("daily at 07:00", "Europe/Berlin")
    runs = next_runs(daily, datetime(2026, 3, 27, 12, tzinfo=UTC), 3)
    assert [r.isoformat() for r in runs] == [
        "2026-03-28T07:00:00+01:00",
        "2026-03-29T07:00:00+02:00",
        "2026-03-30T07:00:00+02:00",
    ]
    runs = next_runs(daily, datetime(2026, 10, 23, 12, tzinfo=UTC), 2)
    assert [r.astimezone(UTC).hour for r in runs] == [5, 6]


def test_skipped_wall_time_runs_an_hour_later_and_repeated_time_runs_once() -> None:
    night = compile_schedule("30 2 * * *", "Europe/Berlin")
    spring = next_runs(night, datetime(2026, 3, 28, 12, tzinfo=UTC), 2)
    assert [r.isoformat() for r in spring] == ["2026-03-29T03:30:00+02:00", "2026-03-30T02:30:00+02:00"]
    autumn = next_runs(night, datetime(2026, 10, 24, 12, tzinfo=UTC), 2)
    assert [r.isoformat() for r in autumn] == ["2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"]


def test_southern_hemisphere_dst() -> None:
    runs = next_runs(compile_schedule("daily at 09:00", "Australia/Sydney"), datetime(2026, 4, 3, tzinfo=UTC), 3)
    assert [r.utcoffset() for r in runs] == [timedelta(hours=11), timedelta(hours=10), timedelta(hours=10)]
    assert {r.strftime("%H:%M") for r in runs} == {"09:00"}


def test_minute_intervals_count_elapsed_time_from_the_start() -> None:
    runs = next_runs(compile_schedule("every 45 minutes"), datetime(2026, 1, 1, 1, 0, tzinfo=UTC), 3)
    assert [r.strftime("%H:%M") for r in runs] == ["01:30", "02:15", "03:00"]


def test_last_day_of_month() -> None:
    runs = next_runs(compile_schedule("monthly on last day at 18:00"), datetime(2027, 1, 15, tzinfo=UTC), 3)
    assert [r.date().isoformat() for r in runs] == ["2027-01-31", "2027-02-28", "2027-03-31"]


def test_nothing_runs_before_the_start_time() -> None:
    rec = compile_schedule({"frequency": "Day", "startTime": "2027-06-01T08:00:00"})
    assert next_runs(rec, datetime(2026, 12, 1, tzinfo=UTC), 1)[0].isoformat() == "2027-06-01T08:00:00+00:00"


def test_naive_after_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        next_runs(compile_schedule("@daily"), datetime(2026, 1, 1), 1)
