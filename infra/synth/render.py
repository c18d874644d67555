"""`synth`: run the real program offline with a stack file and write what a deploy would create.

Written to the output folder, for review (all secret values masked):
  resources.txt / resources.json   the resource tree and every resource's inputs
  workflows/<job>.json             each Logic App definition
  azuredeploy.json                 an ARM template of the same workflows (token as securestring)
  heroku-config-vars.json          the config var keys the stack will own
  schedules.json                   each job's recurrence and next runs
  cost.json / cost.md              an estimated monthly cost with its assumptions
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from infra.errors import UserError
from infra.mock_run import ProgramFailed, ProgramRun, RecordedResource, mask_secrets, reveal_secrets, run_program
from infra.schedule import next_runs
from infra.settings import JobSettings, settings_from_config
from infra.synth.arm import arm_template
from infra.synth.cost import ASSUMPTIONS, JobCost, estimate
from infra.synth.stack_file import load_stack_file, placeholder

__all__ = ["SynthResult", "resource_tree", "synth"]

WORKFLOW = "azure-native:logic:Workflow"
CONFIG_VARS = "pulumi-python:dynamic/heroku:ConfigVars"
BUILD = "pulumi-python:dynamic/heroku:Build"


@dataclass
class SynthResult:
    out_dir: Path
    files: list[Path] = field(default_factory=list)
    summary: str = ""


def resource_tree(run: ProgramRun) -> str:
    children: dict[str, list[RecordedResource]] = {}
    for resource in run.resources:
        children.setdefault(resource.parent, []).append(resource)
    roots = [r for r in run.resources if r.parent not in {x.urn for x in run.resources}]
    lines = ["pulumi:pulumi:Stack"]

    def walk(nodes: list[RecordedResource], prefix: str) -> None:
        for index, node in enumerate(sorted(nodes, key=lambda r: (r.type, r.name))):
            last = index == len(nodes) - 1
            lines.append(f"{prefix}{'└─ ' if last else '├─ '}{node.type}  {node.name}")
            walk(children.get(node.urn, []), prefix + ("   " if last else "│  "))

    walk(roots, "")
    return "\n".join(lines) + "\n"


def _write(result: SynthResult, relative: str, content: Any) -> None:
    path = result.out_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content, indent=2, sort_keys=False) + "\n"
    path.write_text(text)
    result.files.append(path)


def _cost_markdown(costs: list[JobCost], run_seconds: int) -> str:
    lines = [
        "# Estimated monthly cost",
        "",
        "| job | runs/month | executions/run | Logic Apps USD | dyno seconds | dyno USD |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for cost in costs:
        dyno = "n/a (size not priced here)" if cost.dyno_usd is None else f"{cost.dyno_usd:.2f}"
        lines.append(
            f"| {cost.job} | {cost.runs_per_month} | {cost.executions_per_run} | {cost.logic_apps_usd:.4f} "
            f"| {cost.dyno_seconds} | {dyno} |"
        )
    lines += ["", f"Assumptions (run length {run_seconds} s):", *[f"- {a}" for a in ASSUMPTIONS], ""]
    return "\n".join(lines)


def synth(stack_path: Path, out_dir: Path, *, now: datetime | None = None, run_seconds: int = 60) -> SynthResult:
    now = now or datetime.now(UTC)
    stack = load_stack_file(stack_path)
    # Offline and credential-free: a stack file without the token renders, and a token in the
    # environment is never read, so it cannot reach a review file.
    env = {**os.environ, "HEROKU_API_KEY": placeholder("picletter:herokuApiToken")}
    try:
        run = run_program(stack.config, secret_keys=stack.secret_keys, stack=stack.stack, env=env)
    except ProgramFailed as exc:
        raise UserError(f"{stack_path}: {exc}") from None
    jobs: dict[str, JobSettings] = {job.name: job for job in settings_from_config(stack.config, env).jobs}

    result = SynthResult(out_dir=out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write(result, "resources.txt", resource_tree(run))
    _write(
        result,
        "resources.json",
        [
            {"type": r.type, "name": r.name, "parent": r.parent or None, "inputs": mask_secrets(r.inputs)}
            for r in run.resources
        ],
    )

    workflows = []
    costs = []
    schedules: dict[str, dict[str, Any]] = {}
    workflow_of = {r.name.removesuffix("-workflow"): r for r in run.of_type(WORKFLOW)}
    for job in jobs.values():
        resource = workflow_of[job.name]
        definition = resource.inputs["definition"]
        _write(result, f"workflows/{job.name}.json", definition)
        workflows.append(
            {
                "name": f"{stack.stack}-{job.name}",
                "definition": definition,
                "state": resource.inputs["state"],
                "tags": resource.inputs["tags"],
            }
        )
        costs.append(estimate(job, definition, now, run_seconds))
        schedules[job.name] = {
            "schedule": job.schedule_source,
            "timeZone": job.time_zone,
            "recurrence": job.schedule.to_arm(),
            "enabled": job.enabled,
            "nextRuns": [
                {"local": r.isoformat(), "utc": r.astimezone(UTC).isoformat()} for r in next_runs(job.schedule, now, 5)
            ]
            if job.enabled
            else [],
        }
    _write(result, "azuredeploy.json", arm_template(workflows))
    _write(result, "schedules.json", schedules)

    config_vars = run.of_type(CONFIG_VARS)[0].inputs
    owned = reveal_secrets(config_vars["vars"])
    masked_values = dict.fromkeys(sorted(owned or {}), "[masked]")
    _write(result, "heroku-config-vars.json", {"app": config_vars["app"], "owns": masked_values})
    _write(result, "cost.json", {"assumptions": list(ASSUMPTIONS), "jobs": [c.as_dict() for c in costs]})
    _write(result, "cost.md", _cost_markdown(costs, run_seconds))

    total = sum(c.logic_apps_usd + (c.dyno_usd or 0.0) for c in costs)
    lines = [
        f"stack {stack.stack}: {len(run.resources)} resources, {len(workflows)} Logic App(s), "
        f"{len(masked_values)} owned config var(s) on Heroku app {config_vars['app']}"
    ]
    for build in run.of_type(BUILD):
        files, size = len(build.inputs["files"]), build.inputs["tarballBytes"]
        lines.append(f"  job code: {files} files, {size} bytes gzipped, sha256 {build.inputs['checksum'][:12]}")
    for job in jobs.values():
        runs = schedules[job.name]["nextRuns"]
        upcoming = runs[0]["local"] if runs else "never (disabled)"
        lines.append(f"  {job.name}: {job.schedule_source} ({job.time_zone}), next {upcoming}")
    lines += [f"  estimated cost: ${total:.2f}/month (see cost.md for assumptions)", f"written to {out_dir}/"]
    result.summary = "\n".join(lines)
    return result
