"""Billed Logic Apps executions and Heroku requests per scheduled run, for every job variant, counted
from the definitions the program generates (Microsoft's metering rules, infra/synth/cost.py) and
by running them through tests/fakes/wdl.py (which actions call Heroku).

The baseline is the polling definition this replaced (commit d3e3405, infra/workflow.py: trigger,
list, query, condition, start, then per 30 s an Until cycle of loop + Wait + GET, then a check):
its counts grow with the run's length; these do not.

    ./dev py bench/run_costs.py
"""

from __future__ import annotations

import itertools
import math
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from infra.run_rules import OVERLAPS, overlap_refusal  # noqa: E402
from infra.synth.cost import executions_by_outcome, normal_executions  # noqa: E402
from infra.workflow import START_ACTION, build_definition  # noqa: E402
from tests.fakes.wdl import Context, run  # noqa: E402
from tests.helpers import stack_settings  # noqa: E402

JOB = stack_settings(herokuApp="app", herokuApiToken="t", location="x").jobs[0]
HOURLY = replace(JOB.schedule, frequency="Hour", interval=6, hours=(), minutes=())
RUN_SECONDS = (60, 600, 3600)


def polling_baseline(overlap: str, seconds: int) -> int:
    guard = 3 if overlap == "skip" else 0  # list, query, condition
    return 1 + guard + 1 + 3 * math.ceil(seconds / 30) + 1


def heroku_requests(definition: dict) -> int:  # type: ignore[type-arg]
    calls = {"List_dynos": {"outputs": {"body": []}}, START_ACTION: {"outputs": {"body": {"exitStatus": 0}}}}
    result = run(definition, calls, Context(parameters={"herokuApiToken": "t"}))
    return sum(1 for name in result.ran if name in ("List_dynos", START_ACTION))


def main() -> None:
    print(f"{'variant':<46} {'executions per run, by ending':<60} Heroku requests  baseline (60/600/3600 s)")
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


if __name__ == "__main__":
    main()
