"""Billed Logic Apps executions and Heroku requests per scheduled run, for every job variant, counted
from the definitions the program generates (Microsoft's metering rules, infra/synth/cost.py) and
by running them through tests/fakes/wdl.py (which actions call Heroku).

The baseline is the polling definition this replaced (commit d3e3405, infra/workflow.py: trigger,
list, query, condition, start, then per 30 s an Until cycle of loop + Wait + GET, then a check):
its counts grow with the run's length; these do not.

It also prints, per variant, each ending's executions against the definitions of commit a944c44
(skip 6/7/6/6 for exit 0 / exit non-zero / no exit report / skipped, allow and queue 3/4/3), and
why an ending costs more now: each increase is one action a point of issue 21 needs. The normal
ending (exit 0) costs what it did, except queue's guard.

    ./dev py bench/run_costs.py
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import _measure  # noqa: F401  (puts the repository on sys.path for the imports below)

from infra.run_rules import OVERLAPS, overlap_refusal
from infra.settings import NotifyReceiver
from infra.synth.cost import (
    NO_REPORT_CANCELLED,
    OUTCOMES,
    _bill,
    executions_by_outcome,
    normal_executions,
)
from infra.workflow import START_ACTION, TOKEN_PARAMETER, build_definition
from tests.fakes.wdl import Context, run
from tests.helpers import stack_settings

JOB = stack_settings(herokuApp="app", herokuApiToken="t", location="x").jobs[0]
HOURLY = replace(JOB.schedule, frequency="Hour", interval=6, hours=(), minutes=())
RUN_SECONDS = (60, 600, 3600)
# Executions per ending before issue 21 (commit a944c44), by (overlap, reportExit).
BEFORE = {
    ("skip", True): {
        "exit 0": 6,
        "exit non-zero": 7,
        "no exit report": 6,
        "refused, then exit 0": 9,
        "start failed": 7,
        "skipped": 6,
    },
    ("allow", True): {
        "exit 0": 3,
        "exit non-zero": 4,
        "no exit report": 3,
        "refused, then exit 0": 6,
        "start failed": 4,
    },
    ("queue", True): {
        "exit 0": 3,
        "exit non-zero": 4,
        "no exit report": 3,
        "refused, then exit 0": 6,
        "start failed": 4,
    },
    ("skip", False): {"started": 5, "refused, then started": 8, "start failed": 7, "skipped": 6},
    ("allow", False): {"started": 2, "refused, then started": 5, "start failed": 4},
}
# Why an ending costs more than before, by the action that adds the execution.
WHY = {
    "Exit_report": "+1 Exit_report (point 5: a Compose between the secured webhook and Job_failed keeps its "
    "message visible in run history)",
    "Start_answer": "+1 Start_answer (point 5: the same for Start_failed's message)",
    "Succeeded_after_retry": "+1 Succeeded_after_retry (point 2: the first start's Failed branch would "
    "otherwise fail a run whose retried start worked)",
    "Skip_if_overtaken": "+1 Skip_if_overtaken (point 4: queue cancels a run that waited past its next "
    "recurrence; maximumWaitingRuns does not apply to Recurrence triggers)",
}


def polling_baseline(overlap: str, seconds: int) -> int:
    guard = 3 if overlap == "skip" else 0  # list, query, condition
    return 1 + guard + 1 + 3 * math.ceil(seconds / 30) + 1


def heroku_requests(definition: dict) -> int:  # type: ignore[type-arg]
    calls = {"List_dynos": {"outputs": {"body": []}}, START_ACTION: {"outputs": {"body": {"exitStatus": 0}}}}
    result = run(definition, calls, Context(parameters={TOKEN_PARAMETER: "t"}))
    return sum(1 for name in result.ran if name in ("List_dynos", START_ACTION))


def increases(overlap: str, report: bool, endings: dict[str, int]) -> list[str]:
    """Each ending that costs more than before, with the action that adds it and the point behind it."""
    before = BEFORE.get((overlap, report), {})
    found = []
    for ending, count in endings.items():
        if ending in before and count > before[ending]:
            reasons = [why for action, why in WHY.items() if action in _actions(overlap, report, ending)]
            found.append(f"{ending} {before[ending]} -> {count}: {'; '.join(reasons) or 'UNEXPLAINED'}")
    return found


def _actions(overlap: str, report: bool, ending: str) -> set[str]:
    job = replace(JOB, overlap=overlap, report_exit=report)
    definition = build_definition(job, "app", "https://api.heroku.com")
    (outcome,) = [o for o in OUTCOMES if o.name == ending]
    billed: list[str] = []
    _bill(definition["actions"], outcome, billed)
    return set(billed)


def main() -> None:
    print(f"{'variant':<46} {'executions per run, by ending':<60} Heroku requests  baseline (60/600/3600 s)")
    notes = []
    for overlap, report, catch_up in itertools.product(OVERLAPS, (True, False), (False, True)):
        if overlap_refusal(overlap, report, catch_up):
            continue
        job = replace(JOB, overlap=overlap, report_exit=report, catch_up=catch_up)
        job = replace(job, schedule=HOURLY) if catch_up else job
        # The run's length changes nothing in the definition a job gets: counted at each length.
        counts = {
            seconds: executions_by_outcome(
                build_definition(
                    replace(job, time_to_live=seconds), "app", "https://api.heroku.com", "2026-11-23T18:00:00"
                )
            )
            for seconds in RUN_SECONDS
        }
        (constant,) = {tuple(c.items()) for c in counts.values()}
        endings = ", ".join(f"{name} {count}" for name, count in constant)
        definition = build_definition(job, "app", "https://api.heroku.com", "2026-11-23T18:00:00")
        baseline = "/".join(str(polling_baseline(overlap, s)) for s in RUN_SECONDS)
        ratio = normal_executions(dict(constant)) / polling_baseline(overlap, 60)
        name = f"overlap {overlap}, reportExit {str(report).lower()}, catchUp {str(catch_up).lower()}"
        print(f"{name:<46} {endings:<60} {heroku_requests(definition):>15}  {baseline} (x{ratio:.2f} at 60 s)")
        if not catch_up:
            notes += [f"  {name}: {change}" for change in increases(overlap, report, dict(constant))]
    print("\nEndings that cost more than before issue 21 (commit a944c44), and why:")
    print("\n".join(notes) or "  none")
    print_retries()
    print_notify()
    print_cancelled_timeouts()


def print_retries() -> None:
    """Executions per run with `retries` (issue 24): every attempt of a job that keeps failing is
    billed, and a success costs one Terminate more (Job_succeeded), so that no later attempt starts.
    Heroku requests: one create per attempt, and with overlap skip one dyno list per attempt."""
    print("\nWith retries (reportExit true): executions per run by ending, and what each later attempt adds")
    endings = ("exit 0", "exit non-zero, then exit 0", "exit non-zero", "no exit report")
    for overlap in OVERLAPS:
        counts = {
            retries: executions_by_outcome(
                build_definition(replace(JOB, overlap=overlap, retries=retries), "app", "https://api.heroku.com")
            )
            for retries in (0, 1, 3, 10)
        }
        for retries, by_ending in counts.items():
            shown = ", ".join(f"{e} {by_ending[e]}" for e in endings if e in by_ending)
            print(f"  overlap {overlap:<5} retries {retries:>2}: {shown}")
        per_attempt = (counts[10]["exit non-zero"] - counts[0]["exit non-zero"]) // 10
        silent = (counts[10]["no exit report"] - counts[0]["no exit report"]) // 10
        print(
            f"  overlap {overlap:<5} each later attempt: +{per_attempt} after a non-zero exit, "
            f"+{silent} after no report"
        )


def print_notify() -> None:
    """Executions per run with picletter:notify (issue 24): each receiver's post in a failed ending,
    and with recovery receivers the read of the earlier runs in every exit-0 ending."""
    print("\nWith notify receivers (reportExit true, retries 0): executions per run by ending")
    endings = ("exit 0", "exit 0 after a failed run", "exit non-zero", "no exit report", "start failed")
    url = "https://hooks.example.com/x"
    kinds = {
        "none": (),
        "1 failure-only": (NotifyReceiver("slack", url, frozenset({"failure"})),),
        "1 both": (NotifyReceiver("slack", url),),
        "3 both": (NotifyReceiver("slack", url), NotifyReceiver("teams", url), NotifyReceiver("webhook", url)),
    }
    for overlap in OVERLAPS:
        for label, receivers in kinds.items():
            job = replace(JOB, overlap=overlap)
            by_ending = executions_by_outcome(build_definition(job, "app", "https://api.heroku.com", None, receivers))
            shown = ", ".join(f"{e} {by_ending[e]}" for e in endings if e in by_ending)
            print(f"  overlap {overlap:<5} receivers {label:<14}: {shown}")


def print_cancelled_timeouts() -> None:
    """A webhook timeout read as Cancelled with ActionTimedOut (Microsoft documents both readings):
    before No_exit_report_cancelled the run ended Cancelled after the start, alerting no one; it now
    ends Failed as a TimedOut wait does, at the same cost. Each execution it adds is named."""
    print(f"\nNo exit report, read as a cancel ({NO_REPORT_CANCELLED!r}): executions, and what this change adds")
    url = "https://hooks.example.com/x"
    for overlap, receivers in itertools.product(OVERLAPS, (0, 1, 3)):
        notify = tuple(NotifyReceiver("slack", url) for _ in range(receivers))
        definition = build_definition(replace(JOB, overlap=overlap), "app", "https://api.heroku.com", None, notify)
        by_ending = executions_by_outcome(definition)
        (outcome,) = [o for o in OUTCOMES if o.name == NO_REPORT_CANCELLED]
        billed: list[str] = []
        _bill(definition["actions"], outcome, billed)
        added = [name for name in billed if "No_exit_report_cancelled" in name]
        print(
            f"  overlap {overlap:<5} receivers {receivers}: {by_ending[NO_REPORT_CANCELLED]} "
            f"(TimedOut reading {by_ending['no exit report']}; before {by_ending[NO_REPORT_CANCELLED] - len(added)}, "
            f"+{len(added)}: {', '.join(added)})"
        )


if __name__ == "__main__":
    main()
