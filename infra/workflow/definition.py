"""The whole workflow definition of a job: trigger -> [overlap guard] -> start (infra.workflow.start).

Overlap (infra.run_rules): `skip` lists the app's dynos and ends the run Cancelled, with the reason
in a Compose step, when one of the job's dynos is starting or up; `queue` lets the trigger hold the
next run until the running one ends, and a run that waited past its own next recurrence ends
Cancelled with its reason (the next one runs instead); `allow` starts regardless. A `catchUp` job is started by a
Sliding Window trigger, which also runs the windows missed while the workflow could not run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from infra.heroku.facts import FIRST_PAGE, PAGE_SIZE
from infra.job_command import job_prefix
from infra.run_rules import RUNNING_STATES, concurrency_generation, queue_wait_limit, trigger_concurrency
from infra.settings import JobSettings, NotifyReceiver
from infra.workflow.expressions import quoted
from infra.workflow.notify import with_notifications
from infra.workflow.reading import all_actions
from infra.workflow.start import (
    READ_RETRY_POLICY,
    TOKEN_PARAMETER,
    Attempt,
    Recheck,
    heroku_call,
    secure_data,
    start_actions,
)

__all__ = [
    "MAX_ACTIONS",
    "QUEUE_CONDITION",
    "SCHEMA",
    "SKIP_CONDITION",
    "TRIGGER_NAMES",
    "build_definition",
    "oversized",
    "replacement_key",
]

SCHEMA = "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#"
# The If that cancels a `skip` run while the job's dyno is up.
SKIP_CONDITION = "Skip_if_still_running"
# The If that cancels a `queue` run that waited past its own next recurrence.
QUEUE_CONDITION = "Skip_if_overtaken"
# When the run was due: the run's trigger carries scheduledTime and startTime (REST spec 2019-05-01,
# WorkflowRunTrigger). Should trigger() hold neither, the run counts as due now and is never cancelled.
DUE = "coalesce(trigger()?['scheduledTime'], trigger()?['startTime'], utcNow())"
# logic-apps-limits-and-config.md, "Definition limits": "Actions per workflow: 500".
MAX_ACTIONS = 500
# Trigger name by catchUp.
TRIGGER_NAMES = {False: "Recurrence", True: "Sliding_Window"}


def _trigger(job: JobSettings, window_start: str | None) -> dict[str, Any]:
    recurrence = job.schedule.to_arm()
    if job.catch_up:
        if window_start is None:
            raise ValueError(f"job {job.name} catches up, so its Sliding Window needs a start time")
        # A start in the past replays every window since (Microsoft: "specify a start time in the
        # past, which runs all past recurrences"): the start is pinned when catch-up is set up.
        recurrence = {key: recurrence[key] for key in ("frequency", "interval", "timeZone")}
        trigger: dict[str, Any] = {"type": "SlidingWindow", "recurrence": {**recurrence, "startTime": window_start}}
    else:
        trigger = {"type": "Recurrence", "recurrence": recurrence}
    concurrency = trigger_concurrency(job.overlap)
    if concurrency is not None:
        trigger["runtimeConfiguration"] = {"concurrency": concurrency}
    return trigger


def _running_expression(job: JobSettings) -> str:
    """The Query's `where`, the expression form of run_rules.blocks_next_run."""
    same_job = f"startsWith(item()?['command'], {quoted(job_prefix(job.name))})"
    states = ", ".join(f"equals(item()?['state'], {quoted(state)})" for state in RUNNING_STATES)
    return f"@and(equals(item()?['type'], 'run'), {same_job}, or({states}))"


def _dyno_check(job: JobSettings, apps: str, tag: str, run_after: dict[str, list[str]]) -> dict[str, Any]:
    """List the app's dynos and keep the job's running ones (Same_job_running{TAG})."""
    # Outputs hidden too: they list every dyno's command and, for attached dynos, attach_url, kept in
    # run history for its retention (90 days by default). The Query reading them gets its inputs
    # hidden, not its outputs (securing doc, "Secure Outputs setting"), so the reason stays visible.
    # Ranged as infra.heroku.client lists dynos: without a Range, Heroku answers at most 200.
    request = heroku_call("GET", f"{apps}/dynos")
    request["headers"] = {**request["headers"], "Range": FIRST_PAGE}
    get = {
        "type": "Http",
        "inputs": {**request, "retryPolicy": READ_RETRY_POLICY},
        "runtimeConfiguration": secure_data("inputs", "outputs"),
    }
    return {
        f"List_dynos{tag}": {**get, "runAfter": run_after},
        f"Same_job_running{tag}": {
            "type": "Query",
            "inputs": {"from": f"@body('List_dynos{tag}')", "where": _running_expression(job)},
            "runAfter": {f"List_dynos{tag}": ["Succeeded"]},
        },
    }


def _blocked(tag: str) -> str:
    """The guard's condition: one of the job's dynos is running, or the list was only a first page
    (206 Partial Content, over PAGE_SIZE dynos), when the job's dyno may be on a later one: a
    guard that cannot tell does not start a second dyno. The status is compared as text, as
    start.REFUSALS is."""
    partial = f"equals(string(outputs('List_dynos{tag}')?['statusCode']), '206')"
    return f"@or(greater(length(body('Same_job_running{tag}')), 0), {partial})"


def _found(job: JobSettings, tag: str) -> str:
    """Why the guard stopped, read from the Query only: its outputs stay visible in run history,
    where reading List_dynos (secured) would hide the reason's (securing doc; tests/fakes/wdl.py)."""
    found = f"first(body('Same_job_running{tag}'))"
    said = f"concat('dyno ', {found}?['name'], ' of job {job.name} is still ', {found}?['state'])"
    unsure = quoted(f"the app has more than {PAGE_SIZE} dynos, so whether job {job.name} is running cannot be told")
    return f"@{{if(greater(length(body('Same_job_running{tag}')), 0), {said}, {unsure})}}"


def _skip_if_running(job: JobSettings, apps: str, start: dict[str, Any]) -> dict[str, Any]:
    return {
        **_dyno_check(job, apps, "", {}),
        SKIP_CONDITION: {
            "type": "If",
            "expression": _blocked(""),
            "actions": {
                "Overlap_reason": {
                    "type": "Compose",
                    "inputs": f"Skipped: {_found(job, '')} (overlap: skip)",
                    "runAfter": {},
                },
                "Cancel_overlapping_run": {
                    "type": "Terminate",
                    "inputs": {"runStatus": "Cancelled"},
                    "runAfter": {"Overlap_reason": ["Succeeded"]},
                },
            },
            "else": {"actions": start},
            "runAfter": {"Same_job_running": ["Succeeded"]},
        },
    }


def _recheck(job: JobSettings, apps: str) -> Recheck:
    """`skip` with retries: before each later attempt, the same check as the run's first. Another
    run may have started the job's dyno during the back-off; this run then ends Failed (its last
    attempt failed) without starting a dyno beside it, and says so."""

    def check(attempt: Attempt, run_after: dict[str, list[str]]) -> tuple[dict[str, Any], str]:
        tag = attempt.tag
        condition = f"{SKIP_CONDITION}{tag}"
        return {
            **_dyno_check(job, apps, tag, run_after),
            condition: {
                "type": "If",
                "expression": _blocked(tag),
                "actions": {
                    f"Not_retried{tag}": {
                        "type": "Terminate",
                        "inputs": {
                            "runStatus": "Failed",
                            "runError": {
                                "code": "NotRetried",
                                "message": f"job {job.name}: attempt {attempt.number} not started: "
                                f"{_found(job, tag)} (overlap: skip){attempt.earlier}",
                            },
                        },
                        "runAfter": {},
                    }
                },
                "else": {"actions": {}},
                "runAfter": {f"Same_job_running{tag}": ["Succeeded"]},
            },
        }, condition

    return check


def _skip_if_overtaken(job: JobSettings, start: dict[str, Any]) -> dict[str, Any]:
    """`queue`: a run waits while the previous one runs (trigger concurrency 1). Once it has waited
    past its own next recurrence, that recurrence is queued behind it: this run ends Cancelled with
    its reason, and the newer one starts instead. The waiting limit comes from the schedule's own
    run times (run_rules.queue_wait_limit)."""
    wait = queue_wait_limit(job.schedule)
    limit: str | int = wait.shortest
    if wait.per_slot:
        slots = quoted(json.dumps(wait.per_slot, separators=(",", ":")))
        slot = f"convertFromUtc({DUE}, {quoted(job.schedule.time_zone)}, {quoted(wait.slot_format)})"
        limit = f"coalesce(json({slots})?[{slot}], {wait.shortest})"
    return {
        QUEUE_CONDITION: {
            "type": "If",
            "expression": f"@greater(ticks(utcNow()), ticks(addSeconds({DUE}, {limit})))",
            "actions": {
                "Overtaken_reason": {
                    "type": "Compose",
                    "inputs": f"Skipped: this run of job {job.name} was due at @{{{DUE}}} and waited until "
                    "@{utcNow()} for the previous run, past its next scheduled run, which runs instead "
                    "(overlap: queue)",
                    "runAfter": {},
                },
                "Cancel_overtaken_run": {
                    "type": "Terminate",
                    "inputs": {"runStatus": "Cancelled"},
                    "runAfter": {"Overtaken_reason": ["Succeeded"]},
                },
            },
            "else": {"actions": start},
            "runAfter": {},
        }
    }


def build_definition(
    job: JobSettings,
    app: str,
    api_url: str,
    window_start: str | None = None,
    notify: Sequence[NotifyReceiver] = (),
) -> dict[str, Any]:
    """JOB's workflow definition for APP; WINDOW_START is the pinned start of a catch-up trigger;
    NOTIFY the receivers of its failures and recoveries (infra.workflow.notify)."""
    apps = f"{api_url.rstrip('/')}/apps/{app}"
    start = start_actions(job, apps, _recheck(job, apps) if job.overlap == "skip" else None)
    guards = {"skip": lambda: _skip_if_running(job, apps, start), "queue": lambda: _skip_if_overtaken(job, start)}
    actions = guards[job.overlap]() if job.overlap in guards else start
    definition = {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": {TOKEN_PARAMETER: {"type": "SecureString", "defaultValue": ""}},
        "triggers": {TRIGGER_NAMES[job.catch_up]: _trigger(job, window_start)},
        "actions": actions,
        "outputs": {},
    }
    return with_notifications(definition, notify, job, app)


def replacement_key(job: JobSettings) -> str:
    """The workflow's replacement trigger: it changes exactly when JOB's trigger gains or drops
    `runtimeConfiguration.concurrency`, which Logic Apps cannot remove in place
    (run_rules.concurrency_generation)."""
    return concurrency_generation(trigger_concurrency(job.overlap))


def oversized(job: JobSettings, notify: Sequence[NotifyReceiver]) -> str | None:
    """Why JOB's workflow with NOTIFY's receivers would have more actions than Logic Apps allows
    (10 retries with overlap skip and 3 receivers reach 513), as a settings problem; None if it fits."""
    count = sum(
        1
        for _ in all_actions(
            build_definition(job, "app", "https://api.heroku.com", "2026-01-01T00:00:00", notify)["actions"]
        )
    )
    if count <= MAX_ACTIONS:
        return None
    return (
        f"picletter:jobs: job {job.name}'s workflow, with retries {job.retries}, overlap {job.overlap} and "
        f"{len(notify)} picletter:notify receivers, would have {count} actions, over the {MAX_ACTIONS} Logic Apps "
        "allows; lower its retries, or give fewer receivers"
    )
