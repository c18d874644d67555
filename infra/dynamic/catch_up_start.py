"""`CatchUpStart`: the start time of a catch-up job's Sliding Window, fixed when catch-up is set up.

A Sliding Window trigger runs every window from its start time on, those in the past included
(Microsoft, connectors-native-sliding-window.md), so its start must lie ahead when the workflow is
first saved with it, and stay the same on every later deploy (a new start would be a new series of
windows). This resource is that start: created as the schedule's first run after `pulumi up`,
kept in the state, and replaced (a new start ahead) only when the schedule changes or when the
workflow itself is replaced (a new workflow has no windows to catch up on). Like Terraform's
`time_static`; it calls no service.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult

from infra.schedule import Recurrence, first_run_after

__all__ = ["SCHEDULE_KEYS", "WORKFLOW_KEYS", "CatchUpStart", "CatchUpStartProvider", "WorkflowIdentity", "start_ahead"]

# The inputs that make a schedule: a change to any of them starts a new series of windows.
SCHEDULE_KEYS = ("frequency", "interval", "startTime", "timeZone", "ianaZone")
# The workflow's inputs whose change makes azure-native replace it (forceNew: location and resource
# group; the replacement trigger of ScheduledDynoJob): the new workflow starts a new series too.
# Absent from the state of stacks deployed before they were added: an absent old value keeps the start.
WORKFLOW_KEYS = ("location", "resourceGroupName", "replacementKey")


@dataclass(frozen=True)
class WorkflowIdentity:
    """What the workflow using the start is replaced on (ScheduledDynoJob passes its own inputs)."""

    location: str | None
    resource_group_name: pulumi.Input[str]
    replacement_key: str


def start_ahead(props: dict[str, Any], now: datetime) -> str:
    """The first run after NOW of the recurrence PROPS describe (a schedule without hours or days)."""
    # Numbers come back from the engine's property structs as floats.
    recurrence = Recurrence.from_arm({**props, "interval": int(props["interval"])}, props["ianaZone"])
    return first_run_after(recurrence, now)


class CatchUpStartProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(uuid.uuid4().hex, {**props, "windowStart": start_ahead(props, datetime.now(UTC))})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # An unknown new value (a resource group being replaced, in a preview) differs too.
        changed = [key for key in SCHEDULE_KEYS if olds.get(key) != news.get(key)]
        changed += [key for key in WORKFLOW_KEYS if key in olds and olds[key] != news.get(key)]
        # Keys an older state lacks are written by an update that keeps the start.
        added = [key for key in WORKFLOW_KEYS if key not in olds and key in news]
        return DiffResult(changes=bool(changed or added), replaces=changed, delete_before_replace=False)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult({**news, "windowStart": olds["windowStart"]})


class CatchUpStart(Resource, module="picletter", name="CatchUpStart"):
    # Dynamic resources expose outputs under their property names.
    windowStart: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        recurrence: Recurrence,
        workflow: WorkflowIdentity,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        arm = recurrence.to_arm()
        props: dict[str, Any] = {key: arm[key] for key in ("frequency", "interval", "startTime", "timeZone")}
        props |= {
            "ianaZone": recurrence.iana_zone,
            "location": workflow.location,
            "resourceGroupName": workflow.resource_group_name,
            "replacementKey": workflow.replacement_key,
            "windowStart": None,
        }
        super().__init__(CatchUpStartProvider(), name, props, opts)
