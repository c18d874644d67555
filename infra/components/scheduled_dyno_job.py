"""`ScheduledDynoJob`: one Logic App (Consumption) whose Recurrence trigger starts a one-off dyno."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pulumi
from pulumi_azure_native import logic

from infra.schedule import next_runs
from infra.settings import JobSettings
from infra.workflow import TOKEN_PARAMETER, build_definition

__all__ = ["ScheduledDynoJob", "ScheduledDynoJobArgs"]


@dataclass
class ScheduledDynoJobArgs:
    job: JobSettings
    heroku_app: pulumi.Input[str]
    heroku_api_url: str
    heroku_api_token: pulumi.Input[str]
    resource_group_name: pulumi.Input[str]
    location: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


class ScheduledDynoJob(pulumi.ComponentResource):
    workflow: logic.Workflow
    recurrence: dict[str, object]
    next_runs: list[str]

    def __init__(self, name: str, args: ScheduledDynoJobArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("picletter:azure:ScheduledDynoJob", name, None, opts)
        job = args.job
        definition = pulumi.Output.from_input(args.heroku_app).apply(
            lambda app: build_definition(job, app, args.heroku_api_url)
        )
        self.workflow = logic.Workflow(
            f"{name}-workflow",
            resource_group_name=args.resource_group_name,
            location=args.location,
            definition=definition,
            parameters={
                TOKEN_PARAMETER: logic.WorkflowParameterArgs(
                    type=logic.ParameterType.SECURE_STRING, value=pulumi.Output.secret(args.heroku_api_token)
                )
            },
            state=logic.WorkflowState.ENABLED if job.enabled else logic.WorkflowState.DISABLED,
            tags={**args.tags, "job": job.name},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.recurrence = job.schedule.to_arm()
        self.next_runs = [run.isoformat() for run in next_runs(job.schedule, args.now, 5)] if job.enabled else []
        self.register_outputs(
            {
                "workflowName": self.workflow.name,
                "workflowId": self.workflow.id,
                "recurrence": self.recurrence,
                "nextRuns": self.next_runs,
            }
        )
