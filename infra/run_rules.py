"""What a scheduled run does when the job's previous run is still going, and which schedules can
catch up on missed runs: pure rules, shared by settings (to refuse) and workflow (to build).

Sources, Microsoft's "Schema reference for trigger and action types" (logic-apps-workflow-actions-
triggers.md): without concurrency control, runs of a workflow run side by side; with it, a run over
the limit waits, and once the waiting runs reach their limit, "recurring triggers start skipping
polling attempts" ("Change waiting runs limit"). That limit is at least "10 runs plus the number of
concurrent runs" (logic-apps-limits-and-config.md, "Concurrency, looping, and debatching limits"),
and Microsoft's engineers state the Recurrence trigger does not apply `maximumWaitingRuns`: so
`queue` sets none, and a waiting run cancels itself once its next recurrence has come
(queue_wait_limit). Trigger concurrency "can't be undone after you turn on the control" (limits
doc, same table): see concurrency_generation. The Sliding Window trigger
(connectors-native-sliding-window.md) replays missed windows and takes only a frequency, an
interval, a start time and a zone; the Logic Apps designer offers it no concurrency setting
(LogicAppsUX, manifests/schedule.ts: the Recurrence manifest has one, the Sliding Window manifest none).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from infra.job_command import job_prefix
from infra.schedule import Recurrence, next_runs

__all__ = [
    "OVERLAPS",
    "RUNNING_STATES",
    "Overlap",
    "QueueWait",
    "blocks_next_run",
    "catch_up_refusal",
    "concurrency_generation",
    "overlap_refusal",
    "past_window_start",
    "queue_wait_limit",
    "trigger_concurrency",
]

Overlap = Literal["skip", "queue", "allow"]
OVERLAPS: tuple[Overlap, ...] = get_args(Overlap)
# Heroku's dyno states (platform API schema, dyno.state) in which a dyno is about to run or running.
RUNNING_STATES = ("starting", "up")
# Runs of a schedule sampled to find the gaps between them: over a year for daily schedules, so
# both DST changes are seen; schedules that run more often have even gaps (elapsed time).
_SAMPLED_RUNS = 1500
# Gaps that differ by no more than DST makes them (a day of 23 or 25 hours) count as one: the
# shortest is used.
_DST_SPREAD = timedelta(hours=2)


def blocks_next_run(dyno: Mapping[str, Any], job: str) -> bool:
    """Whether DYNO (as `GET /apps/{app}/dynos` lists it) makes a `skip` run of JOB cancel itself.

    Every job's dyno command names its job (infra.job_command), on any app. The prefix is compared
    ignoring case, as the guard's `startsWith` does ("isn't case-sensitive": Microsoft's functions
    reference).
    """
    if dyno.get("type") != "run" or dyno.get("state") not in RUNNING_STATES:
        return False
    return str(dyno.get("command", "")).casefold().startswith(job_prefix(job).casefold())


def trigger_concurrency(overlap: Overlap) -> dict[str, int] | None:
    """The trigger's `runtimeConfiguration.concurrency`, or None for none (runs never wait).

    `skip` must not limit concurrency: a limited trigger makes the next run wait for the running one
    (which now lasts as long as its job), so it would queue instead of finding the dyno and skipping.
    """
    if overlap == "queue":
        return {"runs": 1}
    return None


def concurrency_generation(concurrency: Mapping[str, Any] | None) -> str:
    """A value that changes exactly when a trigger gains or loses `runtimeConfiguration.concurrency`.

    Logic Apps refuses to drop it once set (CannotDisableTriggerConcurrency, "Trigger concurrency
    runtime configuration cannot be removed once specified"): the component passes this value as
    the workflow's `replacement_trigger`, so such a change replaces the workflow (and the preview
    says replace). The Pulumi engine replaces when the recorded and new values are both set and
    differ (pulumi/pulumi pkg/resource/deploy/step_generator.go, shouldTriggerReplace: "Nulls mean
    there is no replacement trigger"). Gaining concurrency would be allowed in place, but the
    engine cannot tell the two directions apart from one value: that change replaces too.
    """
    return "trigger concurrency limited" if concurrency else "trigger concurrency unlimited"


@dataclass(frozen=True)
class QueueWait:
    """How long a queued run may wait before its next recurrence has come.

    `shortest` seconds in general; where the gaps after runs differ by more than a DST shift,
    `per_slot` gives the gap after each run, keyed by the run's local time written with the .NET
    format `slot_format` (what the workflow's convertFromUtc produces), the shortest seen for it.
    """

    shortest: int
    slot_format: str = "ddd HH:mm"
    per_slot: Mapping[str, int] = field(default_factory=dict)


_PY_FORMATS = {"ddd HH:mm": "%a %H:%M", "dd HH:mm": "%d %H:%M", "HH:mm": "%H:%M"}
# Logic Apps limits an expression's length (logic-apps-limits-and-config.md): a schedule with more
# uneven slots than this waits by its shortest gap instead (it may cancel a run early, never late).
_MOST_SLOTS = 200


@lru_cache(maxsize=256)
def queue_wait_limit(recurrence: Recurrence) -> QueueWait:
    """The QueueWait of RECURRENCE's runs, from its own run times (a pure function of the schedule)."""
    zone = ZoneInfo(recurrence.iana_zone)
    start = datetime.fromisoformat(recurrence.start_time).replace(tzinfo=zone)
    runs = next_runs(recurrence, start - timedelta(seconds=1), _SAMPLED_RUNS)
    # Elapsed time: Python subtracts two times of one zone by their wall clocks.
    gaps = [later.astimezone(UTC) - earlier.astimezone(UTC) for earlier, later in itertools.pairwise(runs)]
    shortest = min(gaps)
    if max(gaps) - shortest <= _DST_SPREAD:
        return QueueWait(int(shortest.total_seconds()))
    # The slot a run's gap depends on: its time of day, and its weekday or month day where the
    # schedule picks days.
    slot_format = {"Month": "dd HH:mm", "Week": "ddd HH:mm"}.get(recurrence.frequency, "HH:mm")
    if recurrence.week_days and slot_format == "HH:mm":
        slot_format = "ddd HH:mm"
    per_slot: dict[str, int] = {}
    for run, gap in zip(runs, gaps, strict=False):
        key = run.astimezone(zone).strftime(_PY_FORMATS[slot_format])
        per_slot[key] = min(per_slot.get(key, int(gap.total_seconds())), int(gap.total_seconds()))
    if len(per_slot) > _MOST_SLOTS:
        return QueueWait(int(shortest.total_seconds()))
    return QueueWait(int(shortest.total_seconds()), slot_format, dict(sorted(per_slot.items())))


def catch_up_refusal(recurrence: Recurrence) -> str | None:
    """Why RECURRENCE cannot catch up on missed runs, or None when it can."""
    if recurrence.hours or recurrence.minutes or recurrence.week_days or recurrence.month_days:
        return (
            "catch-up uses Logic Apps' Sliding Window trigger, which repeats every N seconds, minutes, hours, "
            "days, weeks or months from its start and takes no hours, minutes, weekdays or month days; "
            f"this schedule runs at set times ({_grid(recurrence)})"
        )
    return None


# The longest a Sliding Window of each frequency lasts (a month: 31 days), so that a start refused
# below lies at least one whole window in the past.
_LONGEST_WINDOW = {
    "Minute": timedelta(minutes=1),
    "Hour": timedelta(hours=1),
    "Day": timedelta(days=1),
    "Week": timedelta(weeks=1),
    "Month": timedelta(days=31),
}


def past_window_start(recurrence: Recurrence, start: str, now: datetime) -> str | None:
    """Why a workflow created at NOW must not get the Sliding Window START (local wall time in
    RECURRENCE's zone), or None. Logic Apps runs every window from a start in the past (Microsoft,
    connectors-native-sliding-window.md: "specify a start time in the past, which runs all past
    recurrences"): a start whose first window has ended replays windows, each a run with its own dyno.
    The window under way at NOW is the first run any start gives, so it is allowed."""
    begins = datetime.fromisoformat(start).replace(tzinfo=ZoneInfo(recurrence.iana_zone))
    window = _LONGEST_WINDOW[recurrence.frequency] * recurrence.interval
    if begins + window > now:
        return None
    return (
        f"its Sliding Window would start at {start} ({recurrence.time_zone}), at least "
        f"{(now - begins) // window:,} whole windows ago, and Logic Apps runs every window from a start in the past, "
        "each with a dyno"
    )


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
