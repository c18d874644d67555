"""Which Logic App a command reads: a job's workflow from the stack's outputs, or named by flags.

The Pulumi program exports `jobs.<name>.workflowId` (an ARM resource id) and `jobs.<name>.herokuApp`
(__main__.py); `pulumi stack output --json` prints them. Pure: no network, no files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from infra.errors import UserError

__all__ = ["WorkflowRef", "job_from_outputs", "parse_workflow_id"]

# Microsoft's naming rules ("Naming rules and restrictions for Azure resources"): a resource group is
# 1-90 letters, digits, `-_.()`; a Logic App 1-80 letters, digits, `-_.()`. A subscription is a GUID.
_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_GROUP = r"[-\w.()]{1,90}"
_NAME = r"[-\w.()]{1,80}"
_ID = re.compile(
    rf"^/subscriptions/(?P<sub>{_GUID})/resourceGroups/(?P<group>{_GROUP})"
    rf"/providers/Microsoft\.Logic/workflows/(?P<name>{_NAME})$",
    re.IGNORECASE,  # ARM ids are case-insensitive
)


@dataclass(frozen=True)
class WorkflowRef:
    subscription: str
    resource_group: str
    name: str

    @property
    def path(self) -> str:
        """The workflow's path under the management endpoint."""
        return (
            f"/subscriptions/{quote(self.subscription, safe='')}/resourceGroups/{quote(self.resource_group, safe='')}"
            f"/providers/Microsoft.Logic/workflows/{quote(self.name, safe='')}"
        )


def parse_workflow_id(text: str, source: str = "--workflow-id") -> WorkflowRef:
    """The workflow an ARM resource id names; UserError naming SOURCE when it is not one."""
    match = _ID.match(text.strip())
    if not match:
        raise UserError(
            f"{source} {text!r} is not a Logic App's resource id: expected /subscriptions/<guid>/resourceGroups/"
            "<group>/providers/Microsoft.Logic/workflows/<name> (jobs.<name>.workflowId in "
            "`pulumi stack output --json`)"
        )
    return WorkflowRef(match["sub"], match["group"], match["name"])


def job_from_outputs(outputs: Mapping[str, Any], job: str, source: str) -> tuple[WorkflowRef, str | None]:
    """JOB's workflow and Heroku app from the stack's OUTPUTS (read from SOURCE, for messages)."""
    jobs = outputs.get("jobs")
    if not isinstance(jobs, Mapping):
        raise UserError(
            f"{source} has no `jobs` output: is it the JSON of `pulumi stack output --json` for this stack?"
        )
    entry = jobs.get(job)
    if not isinstance(entry, Mapping):
        known = ", ".join(sorted(str(name) for name in jobs)) or "none"
        raise UserError(f"{source} has no job {job!r} (jobs: {known})")
    workflow_id = entry.get("workflowId")
    if not isinstance(workflow_id, str):
        raise UserError(f"{source}: jobs.{job}.workflowId is missing; run `pulumi up` to export it")
    app = entry.get("herokuApp")
    return parse_workflow_id(workflow_id, f"{source}: jobs.{job}.workflowId"), app if isinstance(app, str) else None
