"""`FailureAlerts`: an Azure Monitor action group that emails people when a job's Logic App run fails.

Each ScheduledDynoJob adds a metric alert on its workflow's `RunsFailed` (Total > 0 over 5 minutes)
pointing at this group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

__all__ = ["FailureAlerts", "FailureAlertsArgs"]


@dataclass
class FailureAlertsArgs:
    emails: Sequence[str]
    resource_group_name: pulumi.Input[str]
    tags: Mapping[str, str] = field(default_factory=dict)


# monitor.ActionGroup.pulumi_type, written out: reading it would load the monitor module (~250 ms)
# in stacks without alerts. tests/infra/components checks the two agree.
ACTION_GROUP_TYPE = "azure-native:monitor:ActionGroup"


class FailureAlerts(pulumi.ComponentResource):
    TYPE = "picletter:azure:FailureAlerts"

    action_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: FailureAlertsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(self.TYPE, name, None, opts)
        from pulumi_azure_native import monitor  # only stacks with alerts load it (~100 ms)

        group = monitor.ActionGroup(
            f"{name}-action-group",
            resource_group_name=args.resource_group_name,
            location="Global",
            group_short_name="picletter",  # at most 12 characters, shown in the alert emails
            enabled=True,
            email_receivers=[
                monitor.MicrosoftCommonEmailReceiverArgs(
                    name=f"email-{index}", email_address=email, use_common_alert_schema=True
                )
                for index, email in enumerate(args.emails)
            ],
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.action_group_id = group.id
        self.register_outputs({"actionGroupId": group.id})
