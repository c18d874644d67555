from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from infra.job_command import dyno_command
from infra.run_rules import (
    blocks_next_run,
    catch_up_refusal,
    overlap_refusal,
    past_window_start,
    trigger_concurrency,
)
from infra.schedule import Recurrence, compile_schedule


@pytest.mark.parametrize(
    ("dyno", "blocks"),
    [
        ({"type": "run", "state": "up", "command": dyno_command("daily", "picletter")}, True),
        ({"type": "run", "state": "starting", "command": dyno_command("daily", "other")}, True),
        ({"type": "run", "state": "crashed", "command": dyno_command("daily", "picletter")}, False),
        ({"type": "run", "state": "up", "command": dyno_command("daily-2", "picletter")}, False),
        ({"type": "run", "state": "up", "command": "picletter"}, False),  # `infra run picletter` by hand
        # The guard's startsWith ignores case (Microsoft's functions reference): so does the rule.
        ({"type": "run", "state": "up", "command": dyno_command("daily", "picletter").upper()}, True),
        ({"type": "web", "state": "up", "command": dyno_command("daily", "picletter")}, False),
    ],
)
def test_only_the_jobs_own_running_dyno_blocks_a_skip_run(dyno: dict[str, str], blocks: bool) -> None:
    assert blocks_next_run(dyno, "daily") is blocks


def test_only_queue_makes_runs_wait() -> None:
    assert trigger_concurrency("queue") == {"runs": 1}
    assert trigger_concurrency("skip") is None and trigger_concurrency("allow") is None


@pytest.mark.parametrize(
    ("schedule", "refused"),
    [
        ("every 6 hours", False),
        ("every 15 minutes", False),
        ({"frequency": "Day", "interval": 1, "startTime": "2026-01-01T07:00:00"}, False),
        ("daily at 07:00", True),
        ("hourly at :15", True),
        ("0 7 * * 1-5", True),
        ("monthly on day 1 at 06:00", True),
    ],
)
def test_catch_up_only_for_plain_intervals(schedule: object, refused: bool) -> None:
    reason = catch_up_refusal(compile_schedule(schedule))  # type: ignore[arg-type]
    assert (reason is not None) is refused
    if reason:
        assert "Sliding Window" in reason


def test_queue_needs_the_exit_report_and_a_trigger_with_concurrency() -> None:
    assert overlap_refusal("queue", report_exit=True, catch_up=False) is None
    assert "reportExit" in str(overlap_refusal("queue", report_exit=False, catch_up=False))
    assert "Sliding Window" in str(overlap_refusal("queue", report_exit=True, catch_up=True))
    for overlap in ("skip", "allow"):
        assert overlap_refusal(overlap, report_exit=False, catch_up=True) is None  # type: ignore[arg-type]


def test_a_grid_refusal_names_the_set_times() -> None:
    recurrence = replace(compile_schedule("0 7,19 * * 1-5"))
    assert "hours 7,19; minutes 0; on Mon,Tue,Wed,Thu,Fri" in str(catch_up_refusal(recurrence))


def test_a_queued_run_may_wait_until_its_next_recurrence() -> None:
    from dataclasses import replace

    from infra.run_rules import queue_wait_limit
    from tests.helpers import stack_settings

    daily = stack_settings(herokuApp="app-name", herokuApiToken="t", location="x").jobs[0].schedule
    assert queue_wait_limit(daily).shortest == 86_400 and not queue_wait_limit(daily).per_slot
    # A DST change makes a day 23 or 25 hours: the shortest counts, the gaps are not per slot.
    berlin = replace(daily, time_zone="W. Europe Standard Time", iana_zone="Europe/Berlin")
    assert queue_wait_limit(berlin).shortest == 23 * 3600 and not queue_wait_limit(berlin).per_slot
    uneven = queue_wait_limit(replace(daily, hours=(7, 8)))
    assert (uneven.slot_format, uneven.per_slot) == ("HH:mm", {"07:00": 3600, "08:00": 23 * 3600})
    weekly = queue_wait_limit(replace(daily, frequency="Week", week_days=("Monday", "Friday")))
    assert weekly.per_slot == {"Fri 07:00": 3 * 86_400, "Mon 07:00": 4 * 86_400}
    # Too many uneven slots for one expression: the shortest gap for all.
    busy = queue_wait_limit(replace(daily, hours=tuple(range(9, 18)), minutes=tuple(range(0, 60, 2))))
    assert busy.per_slot == {} and busy.shortest == 120


EVERY_15_MINUTES_BERLIN = Recurrence(
    frequency="Minute",
    interval=15,
    start_time="2026-01-01T00:00:00",
    time_zone="W. Europe Standard Time",
    iana_zone="Europe/Berlin",
)


@pytest.mark.parametrize(
    ("start", "refused"),
    [
        ("2026-11-25T13:15:00", False),  # ahead (12:15 UTC)
        ("2026-11-25T12:50:00", False),  # the window under way: the first run any start gives
        ("2026-11-25T12:45:00", True),  # one whole window over: it would be replayed
        ("2026-05-25T09:00:00", True),  # six months: about 17,500 windows
    ],
)
def test_a_new_workflow_refuses_a_sliding_window_start_whose_windows_are_over(start: str, refused: bool) -> None:
    now = datetime(2026, 11, 25, 12, 0, 30, tzinfo=UTC)  # 13:00:30 in Berlin
    reason = past_window_start(EVERY_15_MINUTES_BERLIN, start, now)
    assert (reason is not None) == refused
    if start.startswith("2026-05"):
        assert reason is not None and "at least 17,684 whole windows ago" in reason
