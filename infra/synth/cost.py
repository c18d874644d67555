"""A rough monthly cost per job, with every assumption stated next to the figure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from infra.schedule import Recurrence, next_runs
from infra.workflow import EXIT_CONDITION, QUEUE_CONDITION, SKIP_CONDITION, START_ACTION, all_actions

__all__ = [
    "ASSUMPTIONS",
    "NO_REPORT_CANCELLED",
    "OUTCOMES",
    "CostedJob",
    "JobCost",
    "Outcome",
    "estimate",
    "executions_by_outcome",
    "executions_per_run",
    "normal_executions",
]

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
# The Consumption plan's free built-in executions a month, per Azure subscription and shared by all
# its workflows: logic-apps-pricing.md, "Trigger and action operations in the Consumption model"
# ("Except for the initial number of free built-in operation executions, per Azure subscription");
# the number is on Azure's pricing page, which could not be read here, so no number is given. Not
# subtracted per job.
# logic-apps-limits-and-config.md: run history is kept 90 days unless the workflow says otherwise.
RUN_HISTORY_DAYS = 90
DAYS = 30
ASSUMPTIONS = (
    f"a month is {DAYS} days of the job's schedule from now",
    f"Logic Apps Consumption: ${LOGIC_APPS_PER_EXECUTION} per trigger or built-in action execution; the plan's "
    "initial free built-in executions (per Azure subscription, shared by every workflow of the subscription; "
    "the number is on Azure's pricing page) are not subtracted",
    "a run bills its trigger and every action that runs, conditions and the HTTP Webhook that waits for the "
    "dyno's exit report included, once each however long the job runs; skipped actions and actions after a "
    "Terminate are not billed (Microsoft's metering rules)",
    'a retried request is billed per attempt (logic-apps-pricing.md: "an action that executes with 2 retries is '
    'charged for 3 action executions"): the create is never retried by Logic Apps; GET /dynos (overlap skip) '
    "may be sent up to 5 times on 408, 429 or 5xx answers, up to 4 more executions",
    "the monthly figure assumes every run ends with exit status 0; executionsPerRun lists the other endings, "
    "among them a create Heroku refused (409/429) and the one retry that follows; with `retries`, "
    '"exit non-zero" and "no exit report" count every attempt (each attempt after the first adds its '
    "summary, back-off Wait, start and checks, and with overlap skip a dyno list, query and check), and "
    '"exit non-zero, then exit 0" is a retry that works',
    "with picletter:notify, each receiver's post is one execution in every failed ending (its retries, up to "
    "2 on 408, 429 or 5xx, are billed too); with recovery receivers every exit-0 ending adds 4 (read of the "
    "earlier runs, Select, Query, condition), plus 1 for the explicit Succeeded Terminate of a job without "
    "retries, and the first success after a failure adds one post per receiver",
    "a Wait is billed once, however long it waits (the back-off between attempts included)",
    "the dyno's report that resumes the HTTP Webhook is not billed as a further execution (Microsoft's "
    "pricing pages bill each request to a webhook trigger, and say nothing of a webhook action's callback; "
    "if it is billed, add 1 to each ending but skipped)",
    f"data retention: run history (inputs and outputs, a few KB a run) is kept {RUN_HISTORY_DAYS} days and "
    "billed at Logic Apps' data retention price per GB a month: not modelled, well under a cent for these runs",
    "Heroku bills one-off dynos by the second at the size's hourly rate; eco dynos draw on the eco hour pool",
    "a run lasts the given --run-seconds (default 60), never more than its timeToLive",
)


@dataclass(frozen=True)
class Outcome:
    """One way a run can end, as the workflow's conditions and action statuses that lead to it."""

    name: str
    conditions: Mapping[str, bool]  # If action -> the value its expression takes
    statuses: Mapping[str, str] = field(default_factory=dict)  # action -> status, when not Succeeded
    requires: frozenset[str] = frozenset()  # actions a definition needs for this ending
    excludes: frozenset[str] = frozenset()  # actions that rule it out

    def applies_to(self, names: set[str]) -> bool:
        return self.requires <= names and not self.excludes & names


_REPORTED = frozenset({EXIT_CONDITION})
_RETRY = "Retry_if_heroku_refused"
_AGAIN = f"{EXIT_CONDITION}_again"
_SECOND = f"{EXIT_CONDITION}_attempt_2"
# picletter:notify's recovery check (infra/workflow/notify.py): posts only after a failed run.
_RECOVERY = "Recovered_if_last_failed"
# How a run normally ends: the job exits 0, or (without reportExit) its dyno was started.
EXIT_ZERO, STARTED = "exit 0", "started"
NO_REPORT_CANCELLED = "no exit report, read as a cancel"
# Guards pass unless the ending says otherwise.
_GO = {SKIP_CONDITION: False, QUEUE_CONDITION: False, _RECOVERY: False}
# The endings a job's definition can have; each applies where the definition has its actions.
OUTCOMES = (
    Outcome(EXIT_ZERO, {**_GO, EXIT_CONDITION: True}, requires=_REPORTED),
    # The first success after a failed run, with notify receivers of recoveries.
    Outcome(
        "exit 0 after a failed run",
        {**_GO, EXIT_CONDITION: True, _RECOVERY: True},
        requires=frozenset({EXIT_CONDITION, _RECOVERY}),
    ),
    Outcome(STARTED, _GO, excludes=_REPORTED),
    Outcome("exit non-zero", {**_GO, EXIT_CONDITION: False}, requires=_REPORTED),
    Outcome("no exit report", _GO, {START_ACTION: "TimedOut"}, requires=_REPORTED),
    # The other reading of the same timeout (Microsoft: "marked as `Cancelled` with the
    # `ActionTimedOut` code"): every ending after the start is skipped, No_exit_report_cancelled runs.
    Outcome(NO_REPORT_CANCELLED, _GO, {START_ACTION: "Cancelled"}, requires=_REPORTED),
    # With retries, "exit non-zero" and "no exit report" are every attempt's ending; this one is a
    # retry that works.
    Outcome(
        "exit non-zero, then exit 0",
        {**_GO, EXIT_CONDITION: False, _SECOND: True},
        requires=frozenset({_SECOND}),
    ),
    Outcome(
        "refused, then exit 0",
        {**_GO, _RETRY: True, _AGAIN: True},
        {START_ACTION: "Failed"},
        requires=_REPORTED,
    ),
    Outcome("refused, then started", {**_GO, _RETRY: True}, {START_ACTION: "Failed"}, excludes=_REPORTED),
    Outcome("start failed", {**_GO, _RETRY: False}, {START_ACTION: "Failed"}),
    Outcome("skipped", {SKIP_CONDITION: True}, requires=frozenset({SKIP_CONDITION})),
    Outcome("overtaken", {QUEUE_CONDITION: True}, requires=frozenset({QUEUE_CONDITION})),
)
_CONTAINERS = ("Until", "Foreach", "Scope", "Switch")


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
    executions: dict[str, int]  # per run, by outcome name
    logic_apps_usd: float
    dyno_seconds: int
    dyno_usd: float | None  # None: no per-hour price known for the size

    @property
    def executions_per_run(self) -> int:
        return normal_executions(self.executions)

    def as_dict(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "runsPerMonth": self.runs_per_month,
            "executionsPerRun": self.executions,
            "logicAppsUsd": round(self.logic_apps_usd, 4),
            "dynoSeconds": self.dyno_seconds,
            "dynoUsd": None if self.dyno_usd is None else round(self.dyno_usd, 4),
        }


def _bill(actions: Mapping[str, Any], outcome: Outcome, billed: list[str]) -> bool:
    """Run ACTIONS as OUTCOME has them end, appending each action that runs to BILLED; True once a
    Terminate ends the run.

    Actions run in `runAfter` order, each when every predecessor ended in a status it accepts;
    the others are Skipped and not billed. An If bills itself and the branch its condition picks.
    """
    status: dict[str, str] = {}
    pending = dict(actions)
    while pending:
        name, action = next(
            (n, a) for n, a in pending.items() if all(before in status for before in a.get("runAfter", {}))
        )
        del pending[name]
        if not all(status[before] in accepted for before, accepted in action.get("runAfter", {}).items()):
            status[name] = "Skipped"
            continue
        billed.append(name)
        kind = action.get("type")
        if kind == "Terminate":
            return True
        if kind in _CONTAINERS:
            raise ValueError(f"{name}: a {kind} is billed per cycle; this model counts none")
        if kind == "If":
            taken = _per_attempt(outcome.conditions, name)
            if taken is None:
                raise ValueError(f"outcome {outcome.name!r} does not say which branch {name} takes")
            branch = action["actions"] if taken else action.get("else", {}).get("actions", {})
            if _bill(branch, outcome, billed):
                return True
        status[name] = _per_attempt(outcome.statuses, name) or "Succeeded"
    return False


_T = TypeVar("_T")


def _per_attempt(given: Mapping[str, _T], name: str) -> _T | None:
    """What GIVEN says of action NAME: by its own name, or else by the name of the first attempt's
    action it repeats (`Check_exit_status_attempt_3` ends as `Check_exit_status` does unless the
    outcome names it; the recovery check after a retried start, `..._after_retry`, as the first's)."""
    if name in given:
        return given[name]
    return given.get(re.sub(r"(_after_retry)?(_attempt_\d+)?$", "", name))


def executions_per_run(definition: dict[str, Any], outcome: Outcome) -> int:
    """Billed executions of one run that ends as OUTCOME: its trigger, then every action that runs."""
    billed: list[str] = []
    _bill(definition.get("actions", {}), outcome, billed)
    return len(definition.get("triggers", {})) + len(billed)


def normal_executions(executions: Mapping[str, int]) -> int:
    """Of EXECUTIONS (by outcome), those of a run that ends as the job normally does."""
    return executions.get(EXIT_ZERO, executions.get(STARTED, 0))


def executions_by_outcome(definition: dict[str, Any]) -> dict[str, int]:
    """Billed executions per run, for each outcome the definition can have."""
    names = {name for name, _ in all_actions(definition.get("actions", {}))}
    applicable = [outcome for outcome in OUTCOMES if outcome.applies_to(names)]
    return {outcome.name: executions_per_run(definition, outcome) for outcome in applicable}


def estimate(job: CostedJob, definition: dict[str, Any], now: datetime, run_seconds: int = 60) -> JobCost:
    executions = executions_by_outcome(definition)
    if not job.enabled:
        return JobCost(job.name, 0, executions, 0.0, 0, 0.0)
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
    seconds = runs * run_length
    rate = DYNO_PER_HOUR.get(job.size)
    return JobCost(
        job=job.name,
        runs_per_month=runs,
        executions=executions,
        logic_apps_usd=runs * normal_executions(executions) * LOGIC_APPS_PER_EXECUTION,
        dyno_seconds=seconds,
        dyno_usd=None if rate is None else seconds / 3600 * rate,
    )
