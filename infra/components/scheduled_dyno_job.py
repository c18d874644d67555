"""`ScheduledDynoJob`: one Logic App (Consumption) whose Recurrence trigger starts a one-off dyno."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi_azure_native import logic

if TYPE_CHECKING:  # loading azure-native's monitor module costs ~100 ms: only stacks with alerts pay it
    from pulumi_azure_native import monitor

from infra.dynamic.catch_up_start import CatchUpStart, WorkflowIdentity
from infra.errors import PicletterError
from infra.run_rules import past_window_start
from infra.settings import JobSettings, NotifyReceiver
from infra.workflow import (
    TOKEN_PARAMETER,
    TRIGGER_NAMES,
    build_definition,
    needs_run_history,
    replacement_key,
    url_parameter,
)
from infra.workflow.notify import READER_ROLE

__all__ = ["ScheduledDynoJob", "ScheduledDynoJobArgs"]


# monitor.MetricAlert.pulumi_type, written out for the same reason as failure_alerts.ACTION_GROUP_TYPE.
METRIC_ALERT_TYPE = "azure-native:monitor:MetricAlert"


@dataclass
class ScheduledDynoJobArgs:
    job: JobSettings
    heroku_app: pulumi.Input[str]
    heroku_api_url: str
    # The run token (picletter:herokuRunToken): the only Heroku credential Azure holds.
    heroku_run_token: pulumi.Input[str]
    resource_group_name: pulumi.Input[str]
    location: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    # With an action group, a failed run of this job alerts it (FailureAlerts).
    alert_action_group_id: pulumi.Input[str] | None = None
    # Receivers of the job's failures and recoveries (picletter:notify, infra.workflow.notify).
    notify: Sequence[NotifyReceiver] = ()


def _runs_failed_criteria() -> monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs:
    from pulumi_azure_native import monitor

    return monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
        odata_type="Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
        all_of=[
            monitor.MetricCriteriaArgs(
                criterion_type="StaticThresholdCriterion",
                name="RunsFailed",
                metric_name="RunsFailed",
                metric_namespace="Microsoft.Logic/workflows",
                operator="GreaterThan",
                threshold=0,
                time_aggregation="Total",
            )
        ],
    )


def _sliding_window_start(inputs: Mapping[str, Any] | None) -> str | None:
    """The Sliding Window start in a workflow's INPUTS; None when there is none or it is not known
    yet (a preview holds the engine's unknown marker where a value is computed later)."""
    try:
        start = (inputs or {})["definition"]["triggers"][TRIGGER_NAMES[True]]["recurrence"]["startTime"]
        datetime.fromisoformat(start)
    except (KeyError, TypeError, ValueError):
        return None
    return str(start)


class ScheduledDynoJob(pulumi.ComponentResource):
    TYPE = "picletter:azure:ScheduledDynoJob"

    @staticmethod
    def workflow_name(name: str) -> str:
        """The child Logic App's resource name for the component named NAME."""
        return f"{name}-workflow"

    @staticmethod
    def alert_name(name: str) -> str:
        return f"{name}-runs-failed"

    @staticmethod
    def window_start_name(name: str) -> str:
        return f"{name}-window-start"

    @staticmethod
    def window_start_check_name(name: str) -> str:
        return f"{name}-window-start-ahead"

    workflow: logic.Workflow
    # A monitor.MetricAlert; typed by its base class, because Pulumi resolves these annotations at
    # run time and the monitor module is imported only by stacks with alerts.
    alert: pulumi.CustomResource | None = None
    window_start: CatchUpStart | None = None
    # An authorization.RoleAssignment letting the workflow read its own runs (recovery notices).
    runs_reader: pulumi.CustomResource | None = None
    recurrence: dict[str, object]

    def __init__(self, name: str, args: ScheduledDynoJobArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(self.TYPE, name, None, opts)
        job = args.job
        start: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        if job.catch_up:
            self.window_start = CatchUpStart(
                self.window_start_name(name),
                job.schedule,
                WorkflowIdentity(args.location, args.resource_group_name, replacement_key(job)),
                opts=pulumi.ResourceOptions(parent=self),
            )
            start = self.window_start.windowStart
        definition = pulumi.Output.all(args.heroku_app, start).apply(
            lambda values: build_definition(job, values[0], args.heroku_api_url, values[1], args.notify)
        )
        reads_runs = needs_run_history(args.notify, job)
        parameters = {
            TOKEN_PARAMETER: logic.WorkflowParameterArgs(
                type=logic.ParameterType.SECURE_STRING, value=pulumi.Output.secret(args.heroku_run_token)
            )
        }
        # Each receiver's URL only as a SecureString parameter, a Pulumi secret in state and previews.
        for index, receiver in enumerate(args.notify):
            parameters[url_parameter(index)] = logic.WorkflowParameterArgs(
                type=logic.ParameterType.SECURE_STRING, value=pulumi.Output.secret(receiver.url)
            )
        # A new workflow (first deploy, replacement, or re-created after it was deleted outside Pulumi
        # and `pulumi refresh` dropped it) never gets a start whose windows are already over.
        hooks = (
            pulumi.ResourceHookBinding(before_create=[self._refuse_a_past_window_start(name, job)])
            if self.window_start
            else None
        )
        self.workflow = logic.Workflow(
            self.workflow_name(name),
            resource_group_name=args.resource_group_name,
            location=args.location,
            definition=definition,
            parameters=parameters,
            # The identity that reads the workflow's own runs for recovery notices.
            identity=logic.ManagedServiceIdentityArgs(type=logic.ManagedServiceIdentityType.SYSTEM_ASSIGNED)
            if reads_runs
            else None,
            state=logic.WorkflowState.ENABLED if job.enabled else logic.WorkflowState.DISABLED,
            tags={**args.tags, "job": job.name},
            # Trigger concurrency cannot be removed from a Logic App once set
            # (CannotDisableTriggerConcurrency): a change that drops it replaces the workflow, and
            # the preview shows the replace (docs/adr/0006-retry-policy-and-run-status.md).
            opts=pulumi.ResourceOptions(parent=self, replacement_trigger=replacement_key(job), hooks=hooks),
        )
        if args.alert_action_group_id is not None:
            self._alert_on_failed_runs(name, args)
        if reads_runs:
            self._read_own_runs(name)
        self.recurrence = job.schedule.to_arm()
        # No next run times here: they depend on the clock, so every preview would show a change.
        # `infra schedule` and `infra synth` compute them.
        self.register_outputs(
            {
                "workflowName": self.workflow.name,
                "workflowId": self.workflow.id,
                "schedule": job.schedule_source,
                "timeZone": job.time_zone,
                "recurrence": self.recurrence,
            }
        )

    def _refuse_a_past_window_start(self, name: str, job: JobSettings) -> pulumi.ResourceHook:
        """A before-create hook: CatchUpStart sees only its own inputs, so after the workflow was
        deleted outside Pulumi it still holds the old start; the engine runs this hook, in the
        program, just before it creates the workflow (also in previews), where a past start is seen."""
        window_start = self.window_start
        assert window_start is not None

        async def check(args: pulumi.ResourceHookArgs) -> None:
            start = _sliding_window_start(args.new_inputs)
            if start is None or not (reason := past_window_start(job.schedule, start, datetime.now(UTC))):
                return
            urn = await window_start.urn.future()
            raise PicletterError(
                f"job {job.name}: its workflow is to be created (was it deleted outside Pulumi?), but {reason}; "
                f"run `pulumi up --replace '{urn}'` to start its windows after now"
            )

        return pulumi.ResourceHook(
            self.window_start_check_name(name), check, pulumi.ResourceHookOptions(on_dry_run=True)
        )

    @staticmethod
    def runs_reader_name(name: str) -> str:
        return f"{name}-runs-reader"

    def _read_own_runs(self, name: str) -> None:
        """Reader on the workflow for its system-assigned identity: the runs list that recovery
        notices read (infra.workflow.notify) answers 403 without it, and the run still succeeds."""
        from pulumi_azure_native import authorization

        workflow = self.workflow
        subscription = workflow.id.apply(lambda resource_id: resource_id.split("/")[2])
        identity = workflow.identity
        self.runs_reader = authorization.RoleAssignment(
            self.runs_reader_name(name),
            scope=workflow.id,
            principal_id=identity.apply(lambda i: i.principal_id if i else ""),
            # A new identity may not have replicated yet: naming its type lets the assignment through
            # (Azure RBAC, "Create or update Azure role assignments": principalType).
            principal_type=authorization.PrincipalType.SERVICE_PRINCIPAL,
            role_definition_id=subscription.apply(
                lambda sub: f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{READER_ROLE}"
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _alert_on_failed_runs(self, name: str, args: ScheduledDynoJobArgs) -> None:
        from pulumi_azure_native import monitor

        self.alert = monitor.MetricAlert(
            self.alert_name(name),
            resource_group_name=args.resource_group_name,
            location="global",
            description=f"A scheduled run of the picletter job {args.job.name} failed",
            severity=2,
            enabled=True,
            auto_mitigate=True,
            scopes=[self.workflow.id],
            evaluation_frequency="PT5M",
            window_size="PT5M",
            criteria=_runs_failed_criteria(),
            actions=[monitor.MetricAlertActionArgs(action_group_id=args.alert_action_group_id)],
            tags={**args.tags, "job": args.job.name},
            opts=pulumi.ResourceOptions(parent=self),
        )
