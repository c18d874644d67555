"""A catch-up job's Sliding Window start under the real engine: kept by an in-place update, never in
the past for a workflow that is created anew (a replacement, or one deleted in the portal).

Microsoft: a Sliding Window with a start time in the past "runs all past recurrences"
(MicrosoftDocs/azure-docs, articles/connectors/connectors-native-sliding-window.md): a new workflow
with a start pinned months ago would start one dyno per window since.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.engine.harness import Engine, engine_world, export_commit
from tests.fakes.azure_native import reveal

WORKFLOW_TYPE = "azure-native:logic:Workflow"
START = "picletter:azure:ScheduledDynoJob$pulumi-python:dynamic/picletter:CatchUpStart::sync-window-start"
WORKFLOW_STEP = f"picletter:azure:ScheduledDynoJob${WORKFLOW_TYPE}"
# On the grid of `every 15 minutes`, six months before these tests were written: a stack set up then.
LONG_AGO = "2026-05-25T07:00:00"
# The program before CatchUpStart held the workflow's location, group and replacement key.
BEFORE_WORKFLOW_KEYS = "3d37404"


def catch_up_job() -> dict[str, str]:
    return {
        "name": "sync",
        "command": "picletter",
        "schedule": "every 15 minutes",
        "timeZone": "UTC",
        "catchUp": "true",
    }


def workflow_start(engine: Engine) -> str:
    """The Sliding Window start of the one workflow the stand-in holds."""
    ((_, workflow),) = engine.azure.of_type(WORKFLOW_TYPE).items()
    definition = reveal(workflow["inputs"])["definition"]
    return str(definition["triggers"]["Sliding_Window"]["recurrence"]["startTime"])


def utc_now() -> str:
    """Now as the wall time a UTC recurrence's startTime takes (comparable as text)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _set_start(definition: dict[str, Any], start: str) -> None:
    definition["triggers"]["Sliding_Window"]["recurrence"]["startTime"] = start


def pin_long_ago(engine: Engine) -> None:
    """As if the stack had been set up in May: the pinned start, the workflow in the state and the
    workflow in the cloud all say LONG_AGO (`stack export`, edit, `stack import`)."""
    exported = engine.export()
    for resource in exported["deployment"]["resources"]:
        if resource["urn"].endswith("::sync-window-start"):
            resource["outputs"]["windowStart"] = LONG_AGO
        elif resource["type"] == WORKFLOW_TYPE:
            for side in ("inputs", "outputs"):
                _set_start(resource[side]["definition"], LONG_AGO)
    ((_, workflow),) = engine.azure.of_type(WORKFLOW_TYPE).items()
    _set_start(workflow["inputs"]["definition"], LONG_AGO)
    state = engine.project / "backdated.json"
    state.write_text(json.dumps(exported))
    engine.pulumi("stack", "import", "--file", str(state))
    # The backdated world is consistent: the program computes what the state and the cloud hold.
    engine.pulumi("preview", "--expect-no-changes")


def deploy_pinned_long_ago(engine: Engine) -> None:
    engine.configure_like_the_readme()
    engine.set_jobs([catch_up_job()])
    engine.up()
    pin_long_ago(engine)
    assert workflow_start(engine) == LONG_AGO


def test_an_in_place_update_keeps_the_pinned_start(engine: Engine) -> None:
    deploy_pinned_long_ago(engine)
    engine.set_jobs([{**catch_up_job(), "command": "picletter --dry-run"}])
    engine.up()
    assert [c.method for c in engine.azure.writes() if c.type == WORKFLOW_TYPE][-1] == "Update"
    # Windows missed while the workflow was disabled are still the same series: nothing is skipped.
    assert workflow_start(engine) == LONG_AGO


def test_a_workflow_replaced_by_a_location_change_starts_ahead(engine: Engine) -> None:
    deploy_pinned_long_ago(engine)
    engine.config("azure-native:location", "northeurope")
    before = utc_now()
    engine.up()
    assert [c.method for c in engine.azure.writes() if c.type == WORKFLOW_TYPE][-2:] == ["Create", "Delete"]
    assert workflow_start(engine) >= before
    engine.pulumi("preview", "--expect-no-changes")


def test_a_workflow_deleted_in_the_portal_is_not_recreated_with_the_old_start(engine: Engine) -> None:
    deploy_pinned_long_ago(engine)
    ((workflow_id, _),) = engine.azure.of_type(WORKFLOW_TYPE).items()
    engine.azure.delete_out_of_band(workflow_id)
    engine.pulumi("refresh", "--yes")

    # The start cannot see the workflow is gone; the workflow's create refuses the old start, in
    # the preview and in the update, and names the command that moves it ahead.
    (start_urn,) = [r["urn"] for urn, r in engine.resources().items() if urn.endswith("::sync-window-start")]
    fix = f"pulumi up --replace '{start_urn}'"
    for command in (("preview",), ("up", "--yes", "--skip-preview")):
        refused = engine.pulumi(*command, check=False)
        assert refused.returncode != 0 and fix in refused.stdout + refused.stderr
        assert "Traceback" not in refused.stdout + refused.stderr
    assert engine.azure.of_type(WORKFLOW_TYPE) == {}

    before = utc_now()
    engine.up("--replace", start_urn)
    assert workflow_start(engine) >= before
    engine.pulumi("preview", "--expect-no-changes")


def test_a_stack_set_up_before_the_workflows_keys_keeps_its_start_then_follows_them(tmp_path: Path) -> None:
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    export_commit(BEFORE_WORKFLOW_KEYS, earlier)
    with engine_world(tmp_path / "world", root=earlier, apps={"picletter-test": {}}) as engine:
        deploy_pinned_long_ago(engine)
        engine.replace_program()
        # What `pulumi up` previews first: the start updated in place, not replaced (the workflow's
        # definition shows as unknown until then: a dynamic provider has no preview of an update).
        steps = engine.preview_steps()
        assert ("update", START) in steps and ("update", f"{WORKFLOW_STEP}::sync-workflow") in steps
        assert not [op for op, urn in steps if urn == START and op != "update"]
        engine.up()
        # The start gained the workflow's keys in place; the workflow kept it and was not replaced.
        assert [c.method for c in engine.azure.writes() if c.type == WORKFLOW_TYPE].count("Create") == 1
        assert workflow_start(engine) == LONG_AGO
        (start,) = [r for urn, r in engine.resources().items() if urn.endswith("::sync-window-start")]
        assert start["outputs"]["windowStart"] == LONG_AGO and start["outputs"]["location"] == "westeurope"
        engine.pulumi("preview", "--expect-no-changes")

        engine.config("azure-native:location", "northeurope")
        before = utc_now()
        engine.up()
        assert workflow_start(engine) >= before
