"""Type tokens written out to avoid loading azure-native's monitor module agree with its classes."""

from __future__ import annotations

from pulumi_azure_native import monitor

from infra.components.failure_alerts import ACTION_GROUP_TYPE
from infra.components.scheduled_dyno_job import METRIC_ALERT_TYPE


def test_written_out_tokens_are_the_classes_own() -> None:
    assert monitor.ActionGroup.pulumi_type == ACTION_GROUP_TYPE
    assert monitor.MetricAlert.pulumi_type == METRIC_ALERT_TYPE
