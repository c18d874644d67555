"""The Pulumi program evaluated under the SDK's mocks, against a bare program that registers a single
Logic App workflow, measured in the same run (medians): the one-job stack, and the cost of each
further job at 10, 100 and 500 jobs ((time(n) - time(1)) / (n - 1)), which should stay flat.

    ./dev py bench/program_evaluation.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import _measure  # noqa: F401  (puts the repository on sys.path for the imports below)

from infra.synth.mock_run import run_program

BARE_PROGRAM = """
import pulumi
from pulumi_azure_native import logic
logic.Workflow("bare", resource_group_name="rg", definition={"triggers": {}, "actions": {}})
"""
BASE = {
    "picletter:herokuApp": "picletter-bench",
    "picletter:herokuApiToken": "bench-token",
    "azure-native:location": "westeurope",
    "picletter:configVars": {"PICLETTER_TO": "a@example.com"},
}


def jobs(count: int) -> list[dict[str, object]]:
    return [
        {
            "name": f"job-{i}",
            "command": "picletter",
            "schedule": f"{i % 60} {i % 24} * * 1-5",
            "timeZone": "Europe/Berlin",
        }
        for i in range(count)
    ]


def median_seconds(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        bare = Path(folder) / "__main__.py"
        bare.write_text(BARE_PROGRAM)
        run_program({}, program=bare)  # warm imports for every side alike
        bare_s = median_seconds(lambda: run_program({}, program=bare), runs)
    one_s = median_seconds(lambda: run_program({**BASE, "picletter:jobs": jobs(1)}), runs)
    print(f"runs per side: {runs} (medians; 500 jobs: {max(1, runs // 2)})")
    print(f"bare one-Workflow program : {bare_s * 1000:8.1f} ms")
    print(f"picletter, 1 job          : {one_s * 1000:8.1f} ms  (x{one_s / bare_s:.1f} the bare program)")
    per_job = {}
    for count in (10, 100, 500):
        total = median_seconds(
            lambda count=count: run_program({**BASE, "picletter:jobs": jobs(count)}),  # type: ignore[misc]
            runs if count < 500 else max(1, runs // 2),
        )
        per_job[count] = (total - one_s) / (count - 1)
        further = f"{per_job[count] * 1000:.2f} ms per further job"
        print(f"picletter, {count:3d} jobs       : {total * 1000:8.1f} ms  ({further})")
    print(f"cost per job, most/least over 10-500 jobs: x{max(per_job.values()) / min(per_job.values()):.2f}")


if __name__ == "__main__":
    main()
