"""`CatchUpStart`: the start time of a catch-up job's Sliding Window, fixed when catch-up is set up.

A Sliding Window trigger runs every window from its start time on, those in the past included
(Microsoft, connectors-native-sliding-window.md), so its start must lie ahead when the workflow is
first saved with it, and stay the same on every later deploy (a new start would be a new series of
windows). This resource is that start: created as the schedule's first run after `pulumi up`,
kept in the state, and replaced (a new start ahead) only when the schedule itself changes. Like
Terraform's `time_static`; it calls no service.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider

from infra.schedule import Recurrence, first_run_after

__all__ = ["SCHEDULE_KEYS", "CatchUpStart", "CatchUpStartProvider", "start_ahead"]

# The inputs that make a schedule: a change to any of them starts a new series of windows.
SCHEDULE_KEYS = ("frequency", "interval", "startTime", "timeZone", "ianaZone")


def start_ahead(props: dict[str, Any], now: datetime) -> str:
    """The first run after NOW of the recurrence PROPS describe (a schedule without hours or days)."""
    # Numbers come back from the engine's property structs as floats.
    recurrence = Recurrence.from_arm({**props, "interval": int(props["interval"])}, props["ianaZone"])
    return first_run_after(recurrence, now)


class CatchUpStartProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(uuid.uuid4().hex, {**props, "windowStart": start_ahead(props, datetime.now(UTC))})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in SCHEDULE_KEYS if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=False)


class CatchUpStart(Resource, module="picletter", name="CatchUpStart"):
    # Dynamic resources expose outputs under their property names.
    windowStart: pulumi.Output[str]

    def __init__(self, name: str, recurrence: Recurrence, opts: pulumi.ResourceOptions | None = None) -> None:
        arm = recurrence.to_arm()
        props = {key: arm[key] for key in ("frequency", "interval", "startTime", "timeZone")}
        super().__init__(
            CatchUpStartProvider(), name, {**props, "ianaZone": recurrence.iana_zone, "windowStart": None}, opts
        )
