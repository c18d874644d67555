from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from infra.synth.cost import DYNO_PER_HOUR, LOGIC_APPS_PER_EXECUTION, estimate, executions_per_run
from infra.workflow import build_definition
from tests.helpers import stack_settings

NOW = datetime(2026, 11, 1, tzinfo=UTC)
JOB = stack_settings(herokuApp="app-name", herokuApiToken="t", location="x").jobs[0]


def definition(job=JOB):  # type: ignore[no-untyped-def]
    return build_definition(job, "app-name", "https://api.heroku.com")


def test_executions_count_the_trigger_and_the_path_that_starts_the_dyno() -> None:
    # Trigger, list, query, condition, start; the retry branch runs only after a refused start.
    assert executions_per_run(definition()) == 5
    assert executions_per_run(definition(replace(JOB, overlap="allow"))) == 2


def test_an_until_loop_bills_itself_and_its_actions_on_every_cycle() -> None:
    waiting = definition(replace(JOB, overlap="allow", wait_for_completion=True))
    # Trigger, start, then per 30 s cycle: the loop, its Wait and its GET; then the check after it.
    assert executions_per_run(waiting, run_seconds=60) == 2 + 2 * 3 + 1
    assert executions_per_run(waiting, run_seconds=600) == 2 + 20 * 3 + 1


def test_daily_job_for_thirty_days() -> None:
    cost = estimate(JOB, definition(), NOW, run_seconds=90)
    assert cost.runs_per_month == 30
    assert cost.dyno_seconds == 30 * 90
    assert abs(cost.logic_apps_usd - 30 * 5 * LOGIC_APPS_PER_EXECUTION) < 1e-12
    assert cost.dyno_usd is not None and abs(cost.dyno_usd - 30 * 90 / 3600 * DYNO_PER_HOUR["standard-1X"]) < 1e-12


def test_every_minute_counts_every_run_and_run_length_is_capped_by_time_to_live() -> None:
    job = replace(
        JOB, schedule=replace(JOB.schedule, frequency="Minute", interval=1, hours=(), minutes=()), time_to_live=30
    )
    cost = estimate(job, definition(job), NOW, run_seconds=600)
    assert cost.runs_per_month == 30 * 24 * 60
    assert cost.dyno_seconds == cost.runs_per_month * 30


def test_disabled_job_costs_nothing_and_unpriced_sizes_say_so() -> None:
    assert estimate(replace(JOB, enabled=False), definition(), NOW).runs_per_month == 0
    assert estimate(replace(JOB, size="private-L"), definition(), NOW).dyno_usd is None
