"""CatchUpStart through the SDK's own provider host: a Sliding Window start ahead of the deploy,
kept on every later deploy, and moved ahead again only when the schedule changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pulumi.runtime.proto import provider_pb2

from infra.dynamic.catch_up_start import WORKFLOW_KEYS, CatchUpStartProvider, start_ahead
from tests.fakes.provider_host import running_provider_host
from tests.helpers import CATCH_UP_START_TYPE

EVERY_6_HOURS = {
    "frequency": "Hour",
    "interval": 6,
    "startTime": "2026-01-01T00:00:00",
    "timeZone": "UTC",
    "ianaZone": "UTC",
    "location": "westeurope",
    "resourceGroupName": "resource-group1a2b3c4d",
    "replacementKey": "none",
    "windowStart": None,
}
# What a stack deployed before the workflow's keys were added holds.
OLD_SHAPE = {key: value for key, value in EVERY_6_HOURS.items() if key not in WORKFLOW_KEYS}


def test_the_start_lies_ahead_on_the_schedules_grid_and_stays_until_the_schedule_changes() -> None:
    with running_provider_host(CatchUpStartProvider(), CATCH_UP_START_TYPE, {}) as (host, _):
        before = datetime.now(UTC)
        id_, outputs = host.create("sync-window-start", EVERY_6_HOURS)
        start = datetime.fromisoformat(outputs["windowStart"]).replace(tzinfo=UTC)
        assert before < start <= before + timedelta(hours=6) and start.hour % 6 == 0
        same = host.diff("sync-window-start", id_, outputs, EVERY_6_HOURS)
        assert same.changes == provider_pb2.DiffResponse.DIFF_NONE and list(same.replaces) == []
        changed = host.diff("sync-window-start", id_, outputs, {**EVERY_6_HOURS, "interval": 4})
        assert changed.changes == provider_pb2.DiffResponse.DIFF_SOME and list(changed.replaces) == ["interval"]


def test_a_start_ahead_follows_the_zone_and_the_recurrences_own_anchor() -> None:
    props = {**EVERY_6_HOURS, "frequency": "Day", "interval": 1, "startTime": "2026-01-01T07:30:00"}
    berlin = {**props, "timeZone": "W. Europe Standard Time", "ianaZone": "Europe/Berlin"}
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert start_ahead(props, now) == "2026-11-24T07:30:00"
    assert start_ahead(berlin, datetime(2026, 11, 23, 6, 0, tzinfo=UTC)) == "2026-11-23T07:30:00"


@pytest.mark.parametrize(
    "change",
    [{"location": "northeurope"}, {"resourceGroupName": "resource-group9f8e7d6c"}, {"replacementKey": "concurrency"}],
)
def test_a_change_that_replaces_the_workflow_replaces_the_start(change: dict[str, str]) -> None:
    with running_provider_host(CatchUpStartProvider(), CATCH_UP_START_TYPE, {}) as (host, _):
        id_, outputs = host.create("sync-window-start", EVERY_6_HOURS)
        diff = host.diff("sync-window-start", id_, outputs, {**EVERY_6_HOURS, **change})
        assert diff.changes == provider_pb2.DiffResponse.DIFF_SOME and list(diff.replaces) == list(change)


def test_a_state_without_the_workflows_keys_keeps_its_start_and_gains_them() -> None:
    with running_provider_host(CatchUpStartProvider(), CATCH_UP_START_TYPE, {}) as (host, _):
        id_, old = host.create("sync-window-start", OLD_SHAPE)
        old = {**old, "windowStart": "2026-05-25T06:00:00"}
        diff = host.diff("sync-window-start", id_, old, EVERY_6_HOURS)
        assert diff.changes == provider_pb2.DiffResponse.DIFF_SOME and list(diff.replaces) == []
        updated = host.update("sync-window-start", id_, old, EVERY_6_HOURS)
        assert updated["windowStart"] == "2026-05-25T06:00:00"
        assert {key: updated[key] for key in WORKFLOW_KEYS} == {key: EVERY_6_HOURS[key] for key in WORKFLOW_KEYS}
        # From then on the workflow's keys are compared like the schedule's.
        moved = host.diff("sync-window-start", id_, updated, {**EVERY_6_HOURS, "location": "northeurope"})
        assert list(moved.replaces) == ["location"]
