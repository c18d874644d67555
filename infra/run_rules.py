"""What a scheduled run does when the job's previous run is still going, and which schedules can
catch up on missed runs: pure rules, shared by settings (to refuse) and workflow (to build).

Sources, Microsoft's "Schema reference for trigger and action types" (logic-apps-workflow-actions-
triggers.md): without concurrency control, runs of a workflow run side by side; with it, a run over
the limit waits, and once `maximumWaitingRuns` (1-100) runs wait, a recurring trigger "starts
skipping". The Sliding Window trigger (connectors-native-sliding-window.md) replays missed windows
and takes only a frequency, an interval, a start time and a zone; the Logic Apps designer offers it
no concurrency setting (LogicAppsUX, manifests/schedule.ts: the Recurrence manifest has one, the
Sliding Window manifest none).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args

from infra.job_command import job_prefix
from infra.schedule import Recurrence

__all__ = [
    "OVERLAPS",
    "RUNNING_STATES",
    "Overlap",
    "blocks_next_run",
    "catch_up_refusal",
    "overlap_refusal",
    "trigger_concurrency",
]

Overlap = Literal["skip", "queue", "allow"]
OVERLAPS: tuple[Overlap, ...] = get_args(Overlap)
# Heroku's dyno states (platform API schema, dyno.state) in which a dyno is about to run or running.
RUNNING_STATES = ("starting", "up")
# With `queue`, at most this many runs wait for the running one; Logic Apps skips recurrences beyond.
QUEUE_LENGTH = 1


def blocks_next_run(dyno: Mapping[str, Any], job: str, command: str | None) -> bool:
    """Whether DYNO (as `GET /apps/{app}/dynos` lists it) makes a `skip` run of JOB cancel itself.

    COMMAND is None when the job's dynos carry its name (they start through the wrapper); a job
    started with its plain command can only be recognised by that command. The prefix is compared
    ignoring case, as the guard's `startsWith` does ("isn't case-sensitive": Microsoft's functions
    reference).
    """
    if dyno.get("type") != "run" or dyno.get("state") not in RUNNING_STATES:
        return False
    shown = str(dyno.get("command", ""))
    if command is not None:
        return shown == command
    return shown.casefold().startswith(job_prefix(job).casefold())


def trigger_concurrency(overlap: Overlap) -> dict[str, int] | None:
    """The trigger's `runtimeConfiguration.concurrency`, or None for none (runs never wait).

    `skip` must not limit concurrency: a limited trigger makes the next run wait for the running one
    (which now lasts as long as its job), so it would queue instead of finding the dyno and skipping.
    """
    if overlap == "queue":
        return {"runs": 1, "maximumWaitingRuns": QUEUE_LENGTH}
    return None


def catch_up_refusal(recurrence: Recurrence) -> str | None:
    """Why RECURRENCE cannot catch up on missed runs, or None when it can."""
    if recurrence.hours or recurrence.minutes or recurrence.week_days or recurrence.month_days:
        return (
            "catch-up uses Logic Apps' Sliding Window trigger, which repeats every N seconds, minutes, hours, "
            "days, weeks or months from its start and takes no hours, minutes, weekdays or month days; "
            f"this schedule runs at set times ({_grid(recurrence)})"
        )
    return None


def overlap_refusal(overlap: Overlap, report_exit: bool, catch_up: bool) -> str | None:
    """Why OVERLAP cannot be combined with the job's other settings, or None."""
    if overlap == "queue" and not report_exit:
        return (
            "queue makes a run wait for the previous run, which lasts as long as its dyno only when the "
            "dyno reports its exit (reportExit true); without it the run ends once the dyno starts"
        )
    if overlap == "queue" and catch_up:
        return "queue needs the trigger's concurrency control, which the Sliding Window trigger of catchUp lacks"
    return None


def _grid(recurrence: Recurrence) -> str:
    parts = []
    if recurrence.hours:
        parts.append("hours " + ",".join(map(str, recurrence.hours)))
    if recurrence.minutes:
        parts.append("minutes " + ",".join(map(str, recurrence.minutes)))
    if recurrence.week_days:
        parts.append("on " + ",".join(day[:3] for day in recurrence.week_days))
    if recurrence.month_days:
        parts.append("month days " + ",".join(map(str, recurrence.month_days)))
    return "; ".join(parts)
