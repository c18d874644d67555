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

from pulumi_azure_native import logic

from infra.components.scheduled_dyno_job import ScheduledDynoJob
from infra.dynamic.heroku_build import HerokuBuild
from infra.dynamic.heroku_config_vars import HerokuConfigVars
from infra.errors import ConfigError, UserError
from infra.schedule import Recurrence, drift_note, next_runs, runs_as_json
from infra.settings import settings_from_config
from infra.synth.arm import arm_template
from infra.synth.cost import ASSUMPTIONS, JobCost, estimate
from infra.synth.mock_run import (
    ProgramFailed,
    ProgramRun,
    RecordedResource,
    mask_secrets,
    reveal_secrets,
    run_program,
)
from infra.synth.stack_file import load_stack_file, placeholder
from infra.type_tokens import type_token
from infra.workflow import START_ACTION, all_actions, request_of

__all__ = ["RegisteredJob", "Review", "SynthResult", "registered_jobs", "resource_tree", "review", "synth"]


@dataclass(frozen=True)
class RegisteredJob:
    """A job as the program registered it: its ScheduledDynoJob's outputs and its Logic App's inputs."""

    name: str
    schedule_source: str
    time_zone: str
    schedule: Recurrence
    workflow: RecordedResource

    @property
    def definition(self) -> dict[str, Any]:
        definition: dict[str, Any] = self.workflow.inputs["definition"]
        return definition

    @property
    def enabled(self) -> bool:
        return bool(self.workflow.inputs["state"] == "Enabled")

    def _start_body(self) -> dict[str, Any]:
        (start,) = [action for name, action in all_actions(self.definition["actions"]) if name == START_ACTION]
        body: dict[str, Any] = request_of(start)["body"]
        return body

    @property
    def size(self) -> str:
        return str(self._start_body()["size"])

    @property
    def time_to_live(self) -> int:
        return int(self._start_body()["time_to_live"])


def registered_jobs(run: ProgramRun) -> list[RegisteredJob]:
    """Each ScheduledDynoJob the program registered, with the Logic App it parents."""
    workflow_type = type_token(logic.Workflow)
    jobs = []
    for component in run.of_type(ScheduledDynoJob.TYPE):
        (workflow,) = [r for r in run.resources if r.parent == component.urn and r.type == workflow_type]
        outputs = component.outputs
        jobs.append(
            RegisteredJob(
                name=component.name,
                schedule_source=outputs["schedule"],
                time_zone=outputs["timeZone"],
                schedule=Recurrence.from_arm(outputs["recurrence"], outputs["timeZone"]),
                workflow=workflow,
            )
        )
    return jobs


@dataclass
class SynthResult:
    out_dir: Path
    files: list[Path] = field(default_factory=list)
    summary: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Review:
    """What synth writes, computed without writing: file name -> content (text, or JSON-able)."""

    files: dict[str, Any]
    summary_lines: list[str]


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


def _cost_markdown(costs: list[JobCost], run_seconds: int) -> str:
    lines = [
        "# Estimated monthly cost",
        "",
        "| job | runs/month | executions per run, by ending | Logic Apps USD | dyno seconds | dyno USD |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for cost in costs:
        dyno = "n/a (size not priced here)" if cost.dyno_usd is None else f"{cost.dyno_usd:.2f}"
        endings = ", ".join(f"{name}: {count}" for name, count in cost.executions.items())
        lines.append(
            f"| {cost.job} | {cost.runs_per_month} | {endings} | {cost.logic_apps_usd:.4f} "
            f"| {cost.dyno_seconds} | {dyno} |"
        )
    lines += ["", f"Assumptions (run length {run_seconds} s):", *[f"- {a}" for a in ASSUMPTIONS], ""]
    return "\n".join(lines)


def review(run: ProgramRun, stack: str, now: datetime, run_seconds: int) -> Review:
    """Every review file for what the program registered, and the summary; writes nothing."""
    files: dict[str, Any] = {
        "resources.txt": resource_tree(run),
        "resources.json": [
            {"type": r.type, "name": r.name, "parent": r.parent or None, "inputs": mask_secrets(r.inputs)}
            for r in run.resources
        ],
    }
    jobs = registered_jobs(run)
    workflows: list[dict[str, Any]] = []
    costs: list[JobCost] = []
    schedules: dict[str, dict[str, Any]] = {}
    for job in jobs:
        files[f"workflows/{job.name}.json"] = job.definition
        workflows.append(
            {
                "name": f"{stack}-{job.name}",
                "definition": job.definition,
                "state": job.workflow.inputs["state"],
                "tags": job.workflow.inputs["tags"],
            }
        )
        costs.append(estimate(job, job.definition, now, run_seconds))
        runs = next_runs(job.schedule, now, 5) if job.enabled else []
        schedules[job.name] = {
            "schedule": job.schedule_source,
            "timeZone": job.time_zone,
            "recurrence": job.schedule.to_arm(),
            "enabled": job.enabled,
            "nextRuns": runs_as_json(runs),
            **({"note": note} if (note := drift_note(job.schedule)) else {}),
        }
    files["azuredeploy.json"] = arm_template(workflows)
    files["schedules.json"] = schedules

    config_vars = run.of_type(type_token(HerokuConfigVars))[0].inputs
    owned = reveal_secrets(config_vars["vars"])
    masked_values = dict.fromkeys(sorted(owned or {}), "[masked]")
    files["heroku-config-vars.json"] = {"app": config_vars["app"], "owns": masked_values}
    files["cost.json"] = {"assumptions": list(ASSUMPTIONS), "jobs": [c.as_dict() for c in costs]}
    files["cost.md"] = _cost_markdown(costs, run_seconds)

    total = sum(c.logic_apps_usd + (c.dyno_usd or 0.0) for c in costs)
    lines = [
        f"stack {stack}: {len(run.resources)} resources, {len(workflows)} Logic App(s), "
        f"{len(masked_values)} owned config var(s) on Heroku app {config_vars['app']}"
    ]
    for build in run.of_type(type_token(HerokuBuild)):
        count, size = len(build.inputs["files"]), build.inputs["tarballBytes"]
        lines.append(f"  job code: {count} files, {size} bytes gzipped, sha256 {build.inputs['checksum'][:12]}")
    for job in jobs:
        upcoming = schedules[job.name]["nextRuns"]
        first = upcoming[0]["local"] if upcoming else "never (disabled)"
        later = " (later runs counted from the last: see schedules.json)" if "note" in schedules[job.name] else ""
        lines.append(f"  {job.name}: {job.schedule_source} ({job.time_zone}), next {first}{later}")
    lines.append(f"  estimated cost: ${total:.2f}/month (see cost.md for assumptions)")
    return Review(files=files, summary_lines=lines)


# What a render writes besides workflows/<job>.json: a folder holding these (or nothing) is a render.
_RENDER_FILES = (
    "resources.txt",
    "resources.json",
    "azuredeploy.json",
    "schedules.json",
    "heroku-config-vars.json",
    "cost.json",
    "cost.md",
)


def check_out_dir(out_dir: Path) -> None:
    """UserError, before anything is run or written, when OUT_DIR cannot hold a render."""
    for folder in (out_dir, *out_dir.parents):
        if folder.exists() and not folder.is_dir():
            where = "is a file" if folder == out_dir else f"is inside {folder}, which is a file"
            raise UserError(f"--out {out_dir} {where}; name a folder for the review files")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "resources.txt").is_file():
        raise UserError(
            f"--out {out_dir} holds files that are not an earlier render; name an empty or new folder (a render "
            "replaces the files of the last one)"
        )


def write_review(result: Review, out_dir: Path) -> SynthResult:
    """The review's files in OUT_DIR; files of an earlier render that this one lacks (a removed
    job's workflow) are removed, so the folder shows this render only."""
    check_out_dir(out_dir)
    written = SynthResult(out_dir=out_dir)
    stale = [out_dir / name for name in _RENDER_FILES] + sorted((out_dir / "workflows").glob("*.json"))
    for relative, content in result.files.items():
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2) + "\n")
        written.files.append(path)
    for path in stale:
        if path.is_file() and path not in written.files:
            path.unlink()
    written.summary = "\n".join([*result.summary_lines, f"written to {out_dir}/"])
    return written


def synth(stack_path: Path, out_dir: Path, *, now: datetime | None = None, run_seconds: int = 60) -> SynthResult:
    """Run the program offline with the stack file at STACK_PATH, and write its review to OUT_DIR."""
    check_out_dir(out_dir)
    stack = load_stack_file(stack_path)
    # Offline and credential-free: a stack file without the token renders, and a token in the
    # environment is never read, so it cannot reach a review file.
    token = placeholder("picletter:herokuApiToken")
    env = {**os.environ, "HEROKU_API_KEY": token}
    # The settings first, as the program reads them: a bad key fails here, before anything runs,
    # and what is accepted but likely not meant is shown.
    try:
        settings = settings_from_config(stack.config, token, stack.secret_keys)
    except ConfigError as exc:
        raise UserError(f"{stack_path}: {exc}") from None
    try:
        run = run_program(stack.config, secret_keys=stack.secret_keys, stack=stack.stack, env=env)
    except ProgramFailed as exc:
        raise UserError(f"{stack_path}: {exc}") from None
    result = write_review(review(run, stack.stack, now or datetime.now(UTC), run_seconds), out_dir)
    result.warnings = [f"warning: {warning}" for warning in settings.warnings]
    return result
