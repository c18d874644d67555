"""A rough monthly cost per job, with every assumption stated next to the figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from infra.schedule import Recurrence, next_runs

__all__ = ["ASSUMPTIONS", "CostedJob", "JobCost", "estimate", "executions_per_run"]

# USD list prices as published on azure.microsoft.com/pricing/details/logic-apps and
# heroku.com/pricing (checked 2026); regional prices, free grants and discounts are not modelled.
LOGIC_APPS_PER_EXECUTION = 0.000025  # Consumption plan, built-in trigger or action
DYNO_PER_HOUR = {
    "eco": 0.0,  # paid as a $5 pool of 1000 hours a month, not per use
    "basic": 0.0097,
    "standard-1X": 0.0347,
    "standard-2X": 0.0694,
    "performance-M": 0.3472,
    "performance-L": 0.6944,
}
DAYS = 30
ASSUMPTIONS = (
    f"a month is {DAYS} days of the job's schedule from now",
    f"Logic Apps Consumption: ${LOGIC_APPS_PER_EXECUTION} per trigger or built-in action execution, no free grant",
    "a run executes its trigger and every action on the path that starts a dyno (the overlap guard included); "
    "actions that do not run (skipped, the other branch of a condition) are not billed",
    "an Until loop bills itself and every action inside it once per cycle (Microsoft's metering rules)",
    "Heroku bills one-off dynos by the second at the size's hourly rate; eco dynos draw on the eco hour pool",
    "a run lasts the given --run-seconds (default 60), never more than its timeToLive",
)


class CostedJob(Protocol):
    """What the estimate needs of a job: the program's settings, or what synth read back."""

    @property
    def name(self) -> str: ...
    @property
    def schedule(self) -> Recurrence: ...
    @property
    def enabled(self) -> bool: ...
    @property
    def size(self) -> str: ...
    @property
    def time_to_live(self) -> int: ...


@dataclass(frozen=True)
class JobCost:
    job: str
    runs_per_month: int
    executions_per_run: int
    logic_apps_usd: float
    dyno_seconds: int
    dyno_usd: float | None  # None: no per-hour price known for the size

    def as_dict(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "runsPerMonth": self.runs_per_month,
            "executionsPerRun": self.executions_per_run,
            "logicAppsUsd": round(self.logic_apps_usd, 4),
            "dynoSeconds": self.dyno_seconds,
            "dynoUsd": None if self.dyno_usd is None else round(self.dyno_usd, 4),
        }


def executions_per_run(definition: dict[str, Any], run_seconds: int = 60) -> int:
    """Billed executions of one run that starts the dyno: the trigger, then every action that runs.

    Actions run in `runAfter` order, each when its predecessors ended in a status it accepts; on
    this path every HTTP call succeeds, so an action that runs only after a failure is skipped, and a
    skipped action is not billed. An `If` runs its `else` branch (nothing overlaps, the dyno starts).
    An `Until` loop bills itself and all its actions on every cycle; a waiting loop cycles once per
    poll interval of the run's length.
    """

    def run(actions: dict[str, Any]) -> int:
        status: dict[str, str] = {}
        billed = 0
        pending = dict(actions)
        while pending:
            name, action = next(
                (n, a) for n, a in pending.items() if all(before in status for before in a.get("runAfter", {}))
            )
            del pending[name]
            runs = all(status[before] in accepted for before, accepted in action.get("runAfter", {}).items())
            status[name] = "Succeeded" if runs else "Skipped"
            if not runs:
                continue
            if action.get("type") == "If":
                billed += 1 + run(action.get("else", {}).get("actions", {}))
            elif action.get("type") == "Until":
                wait = _wait_seconds(action["actions"])
                cycles = max(1, -(-run_seconds // wait)) if wait else 1
                billed += cycles * (1 + run(action["actions"]))
            else:
                billed += 1
        return billed

    return len(definition.get("triggers", {})) + run(definition.get("actions", {}))


def _wait_seconds(actions: dict[str, Any]) -> int:
    """Seconds the Wait actions of a loop body pause on each cycle."""
    return sum(
        int(action["inputs"]["interval"]["count"]) for action in actions.values() if action.get("type") == "Wait"
    )


def estimate(job: CostedJob, definition: dict[str, Any], now: datetime, run_seconds: int = 60) -> JobCost:
    if not job.enabled:
        return JobCost(job.name, 0, executions_per_run(definition, run_seconds), 0.0, 0, 0.0)
    end = now + timedelta(days=DAYS)
    runs = 0
    cursor = now
    while True:  # in batches, so schedules of every minute stay cheap to count
        batch = [r for r in next_runs(job.schedule, cursor, 500) if r <= end]
        runs += len(batch)
        if len(batch) < 500:
            break
        cursor = batch[-1]
    run_length = min(run_seconds, job.time_to_live)
    executions = executions_per_run(definition, run_length)
    seconds = runs * run_length
    rate = DYNO_PER_HOUR.get(job.size)
    return JobCost(
        job=job.name,
        runs_per_month=runs,
        executions_per_run=executions,
        logic_apps_usd=runs * executions * LOGIC_APPS_PER_EXECUTION,
        dyno_seconds=seconds,
        dyno_usd=None if rate is None else seconds / 3600 * rate,
    )
