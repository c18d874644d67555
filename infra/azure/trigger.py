"""Run a workflow's trigger now and find the run it started.

WorkflowTriggers_Run answers 200 or 202 with no body (logic.json; its example has none): it names
no run. The run is found in the trigger's histories (each names the run it fired), as the history
that was not there before the POST. Two more facts narrow it when other runs start at the same time:
- the POST carries a client tracking id (`x-ms-client-tracking-id`, the header Microsoft documents
  for a run's correlation on request triggers, "Monitor run status ... clientTrackingId"); whether
  ARM's run-trigger passes it on is not documented, so a history that carries it wins and, without
  it, the new histories decide;
- a history with `fired: false` started no run.
When several new runs remain and none carries the id, the answer says so instead of guessing.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from infra.azure.client import LogicAppsClient
from infra.azure.errors import AzureSettingsError
from infra.azure.workflow_ref import WorkflowRef

__all__ = ["TRACKING_HEADER", "TriggeredRun", "check_enabled", "pick_trigger", "trigger_now"]

TRACKING_HEADER = "x-ms-client-tracking-id"
# Histories are read from this long before the POST: the machine's clock may be ahead of Azure's.
CLOCK_SKEW = timedelta(minutes=5)
POLL_SECONDS = 2.0


@dataclass(frozen=True)
class TriggeredRun:
    trigger: str
    run: str | None  # None: the run could not be told apart (see candidates), or none started
    candidates: tuple[str, ...] = ()
    history_status: str | None = None  # the trigger history's status when it fired no run


def check_enabled(workflow: Mapping[str, Any], job: str) -> None:
    """A disabled workflow runs nothing (WorkflowState); refuse before the POST."""
    state = (workflow.get("properties") or {}).get("state")
    if state != "Enabled":
        raise AzureSettingsError(
            f"the Logic App of job {job} is {state or 'in no known state'}, so it runs nothing: set the job's "
            "`enabled: true` in the stack config and `pulumi up` (or enable it in the Azure portal), then trigger again"
        )


def pick_trigger(triggers: list[dict[str, Any]], known: tuple[str, ...]) -> str:
    """The workflow's trigger: one of KNOWN names (infra.workflow.TRIGGER_NAMES), else the only one."""
    names = [str(t.get("name")) for t in triggers]
    for name in known:
        if name in names:
            return name
    if len(names) == 1:
        return names[0]
    raise AzureSettingsError(f"the workflow has triggers {names or 'none'}; expected one of {list(known)}")


def _since(moment: datetime) -> str:
    return f"startTime ge {moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def trigger_now(
    client: LogicAppsClient,
    ref: WorkflowRef,
    trigger: str,
    *,
    wait_seconds: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> TriggeredRun:
    since = _since(now() - CLOCK_SKEW)
    before = {str(h.get("name")) for h in client.trigger_histories(ref, trigger, filter=since)}
    tracking_id = f"picletter-{uuid.uuid4()}"
    client.run_trigger(ref, trigger, headers={TRACKING_HEADER: tracking_id})
    deadline = time.monotonic() + wait_seconds
    while True:
        new = [h for h in client.trigger_histories(ref, trigger, filter=since) if str(h.get("name")) not in before]
        if new:
            return _choose(trigger, new, tracking_id)
        if time.monotonic() >= deadline:
            return TriggeredRun(trigger, None)
        sleep(POLL_SECONDS)


def _choose(trigger: str, new: list[dict[str, Any]], tracking_id: str) -> TriggeredRun:
    def props(history: Mapping[str, Any]) -> Mapping[str, Any]:
        return history.get("properties") or {}

    def run_name(history: Mapping[str, Any]) -> str | None:
        run = props(history).get("run") or {}
        return str(run["name"]) if run.get("name") else None

    tracked = [h for h in new if (props(h).get("correlation") or {}).get("clientTrackingId") == tracking_id]
    if tracked:
        history = tracked[0]
        if props(history).get("fired") is False or not run_name(history):
            return TriggeredRun(trigger, None, history_status=str(props(history).get("status")))
        return TriggeredRun(trigger, run_name(history))
    fired = [name for h in new if props(h).get("fired") is not False and (name := run_name(h))]
    if len(fired) == 1:
        return TriggeredRun(trigger, fired[0])
    if not fired:
        return TriggeredRun(trigger, None, history_status=str(props(new[0]).get("status")))
    return TriggeredRun(trigger, None, candidates=tuple(sorted(fired)))
