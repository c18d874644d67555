from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from infra.synth.cost import (
    ASSUMPTIONS,
    DYNO_PER_HOUR,
    LOGIC_APPS_PER_EXECUTION,
    OUTCOMES,
    Outcome,
    estimate,
    executions_by_outcome,
    executions_per_run,
)
from infra.workflow import build_definition
from tests.helpers import stack_settings

NOW = datetime(2026, 11, 1, tzinfo=UTC)
JOB = stack_settings(herokuApp="app-name", herokuApiToken="t", location="x").jobs[0]


def definition(job=JOB):  # type: ignore[no-untyped-def]
    return build_definition(job, "app-name", "https://api.heroku.com")


def test_executions_are_counted_per_ending_of_the_run() -> None:
    # Trigger, list, query, condition, webhook start, exit check; a non-zero exit adds the Compose
    # that keeps the message visible and its Terminate; a skipped run bills the reason and the
    # Terminate instead of the start; a refused create adds the retry condition, the wait, the
    # second start, its check and the Terminate that ends the run Succeeded. A timeout read as a
    # cancel costs what a TimedOut one does: No_exit_report_cancelled instead of No_exit_report
    # (before it, the run ended Cancelled after the start, one execution less, and alerted no one).
    assert executions_by_outcome(definition()) == {
        "exit 0": 6,
        "exit non-zero": 8,
        "no exit report": 6,
        "no exit report, read as a cancel": 6,
        "refused, then exit 0": 10,
        "start failed": 8,
        "skipped": 6,
    }
    assert executions_by_outcome(definition(replace(JOB, overlap="allow"))) == {
        "exit 0": 3,
        "exit non-zero": 5,
        "no exit report": 3,
        "no exit report, read as a cancel": 3,
        "refused, then exit 0": 7,
        "start failed": 5,
    }
    # queue's guard (Skip_if_overtaken) is one more execution on every ending.
    assert executions_by_outcome(definition(replace(JOB, overlap="queue"))) == {
        "exit 0": 4,
        "exit non-zero": 6,
        "no exit report": 4,
        "no exit report, read as a cancel": 4,
        "refused, then exit 0": 8,
        "start failed": 6,
        "overtaken": 4,
    }
    assert executions_by_outcome(definition(replace(JOB, overlap="allow", report_exit=False))) == {
        "started": 2,
        "refused, then started": 5,
        "start failed": 5,
    }


def test_the_assumptions_name_the_free_allowance_retries_and_retention() -> None:
    text = " ".join(ASSUMPTIONS)
    assert "initial free built-in executions (per Azure subscription" in text
    assert "billed per attempt" in text and "data retention" in text


def test_a_long_run_costs_no_more_executions_than_a_short_one() -> None:
    # The webhook waits without polling: billed once, whatever the job's length (the Until loop it
    # replaced billed 3 executions per 30 s).
    short, long = replace(JOB, time_to_live=60), replace(JOB, time_to_live=86_400)
    assert executions_by_outcome(definition(short)) == executions_by_outcome(definition(long))
    assert estimate(short, definition(short), NOW, 60).executions_per_run == 6
    assert estimate(long, definition(long), NOW, 86_400).executions_per_run == 6


def test_the_model_refuses_what_it_cannot_count() -> None:
    built = definition(replace(JOB, overlap="allow"))
    built["actions"]["Loop"] = {"type": "Until", "actions": {}, "runAfter": {}}
    with pytest.raises(ValueError, match="billed per cycle"):
        executions_per_run(built, OUTCOMES[0])
    with pytest.raises(ValueError, match="does not say which branch"):
        executions_per_run(definition(), Outcome("unsaid", {}))


def test_daily_job_for_thirty_days() -> None:
    cost = estimate(JOB, definition(), NOW, run_seconds=90)
    assert cost.runs_per_month == 30
    assert cost.dyno_seconds == 30 * 90
    assert abs(cost.logic_apps_usd - 30 * 6 * LOGIC_APPS_PER_EXECUTION) < 1e-12
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


def test_the_cost_benchmark_explains_every_ending_that_costs_more_than_before() -> None:
    from bench.run_costs import BEFORE, increases

    for overlap, report in BEFORE:
        endings = executions_by_outcome(definition(replace(JOB, overlap=overlap, report_exit=report)))
        assert endings[("exit 0" if report else "started")] == BEFORE[(overlap, report)].get(
            "exit 0" if report else "started"
        ) + (1 if overlap == "queue" else 0)
        assert not [line for line in increases(overlap, report, endings) if "UNEXPLAINED" in line]


@pytest.mark.parametrize(
    ("overlap", "per_attempt", "per_silent_attempt"),
    # An attempt after a non-zero exit: the summary, the back-off Wait, the start, its check and the
    # Compose with its report; after no report: the summary, Wait, start and the no-report Compose.
    # overlap skip adds the dyno list, query and check before each later attempt.
    [("allow", 5, 4), ("queue", 5, 4), ("skip", 8, 7)],
)
def test_each_attempt_adds_its_executions(overlap: str, per_attempt: int, per_silent_attempt: int) -> None:
    base = executions_by_outcome(definition(replace(JOB, overlap=overlap)))
    for retries in (1, 3, 10):
        counts = executions_by_outcome(definition(replace(JOB, overlap=overlap, retries=retries)))
        assert counts["exit non-zero"] == base["exit non-zero"] + retries * per_attempt
        assert counts["no exit report"] == base["no exit report"] + retries * per_silent_attempt
        # Read as a cancel, an earlier attempt's endings are all skipped: its no-report Compose is not billed.
        cancelled = "no exit report, read as a cancel"
        assert counts[cancelled] == base[cancelled] + retries * (per_silent_attempt - 1)
        # A success is an explicit Terminate once a later attempt exists.
        assert counts["exit 0"] == base["exit 0"] + 1
        # The first attempt without its Terminate, then one attempt ending in Job_succeeded.
        assert counts["exit non-zero, then exit 0"] == base["exit non-zero"] - 1 + per_attempt
    assert "exit non-zero, then exit 0" not in base


@pytest.mark.parametrize("overlap", ["skip", "queue", "allow"])
@pytest.mark.parametrize("retries", [0, 3])
def test_notifications_add_their_posts_and_the_recovery_check(overlap: str, retries: int) -> None:
    from infra.settings import NotifyReceiver

    job = replace(JOB, overlap=overlap, retries=retries)
    url = "https://hooks.example.com/x"
    base = executions_by_outcome(definition(job))
    failure_only = executions_by_outcome(
        build_definition(
            job, "app-name", "https://api.heroku.com", None, (NotifyReceiver("slack", url, frozenset({"failure"})),)
        )
    )
    both = (NotifyReceiver("slack", url), NotifyReceiver("webhook", url))
    counts = executions_by_outcome(build_definition(job, "app-name", "https://api.heroku.com", None, both))
    for ending in ("exit non-zero", "no exit report", "no exit report, read as a cancel", "start failed"):
        assert failure_only[ending] == base[ending] + 1
        assert counts[ending] == base[ending] + 2  # one post per receiver, once per run
    assert failure_only["exit 0"] == base["exit 0"]
    # Read the earlier runs, Select, Query, the condition; and the explicit Succeeded Terminate.
    assert counts["exit 0"] == base["exit 0"] + 4 + (0 if retries else 1)
    assert counts["exit 0 after a failed run"] == counts["exit 0"] + 2
    assert "exit 0 after a failed run" not in base
