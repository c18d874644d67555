"""Notifications posted by the job's own workflow: on a failed run, and on the first success after one.

Why actions in the workflow, not Azure Monitor action groups: an action group posts its Common Alert
Schema (a metric alert's dimensions and thresholds), not the run's error message, exit status or
dyno, and a metric alert cannot say "first success after a failure". Actions can, and they cost per
run only when they run (docs/how-to/retries-and-alerts.md, infra/synth/cost.py).

Failure: every ending that fails the run is a Terminate (infra/workflow/start.py), which "stops the
run [...] skips any remaining actions" (logic-apps-workflow-actions-triggers.md, "Terminate
action"), so each gets the receivers' HTTP actions before it, and runs after them whether they
Succeeded, Failed or TimedOut (not Skipped: see _POSTED): a receiver that fails shows as a Failed
action in run history, and the Terminate still sets the run's status and error. Recovery: each
success ending becomes an explicit Terminate Succeeded, preceded by a read of the workflow's earlier
runs (the runs list of the REST API, called with the workflow's managed identity:
logic-apps-securing-a-logic-app.md, "Authentication types for triggers and actions that support
authentication", "Managed identity"); the latest earlier run that finished Succeeded or Failed
decides, so a run skipped or overtaken (Cancelled) or one still Running never counts as the previous
outcome.

URLs: one SecureString workflow parameter per receiver ("Secure parameters in workflow
definitions": "When you use SecureString [...] the parameter's value isn't returned in the
response"; the definition holds only `@parameters(...)`), and the notify actions secure their inputs
("Secure Inputs setting"), so run history never shows the URL.

Payloads: Slack incoming webhooks take `text` (the notification's fallback) and `blocks`
(api.slack.com/messaging/webhooks, "Adding message formatting and layout"); Teams Workflows
webhooks ("When a Teams webhook request is received", which replaces the retired Office 365
connectors: msteams-docs includes/deprecation-note.md; "Workflows support Adaptive Cards only")
take an Adaptive Card in a `message` attachment, the shape msteams-docs
webhooks-and-connectors/how-to/add-incoming-webhook.md shows ("Send Adaptive Cards using an
Incoming Webhook"); `webhook` gets WEBHOOK_FIELDS as JSON (docs/reference/configuration.md).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from infra.settings import JobSettings, NotifyReceiver
from infra.workflow.expressions import quoted
from infra.workflow.start import READ_RETRY_POLICY, secure_data

__all__ = [
    "ARM",
    "NOTIFY_RETRY_POLICY",
    "READER_ROLE",
    "READ_RUNS",
    "RUNS_API_VERSION",
    "RUN_LINK",
    "WEBHOOK_FIELDS",
    "needs_run_history",
    "url_parameter",
    "with_notifications",
]

# Two more tries, 30 s apart, on 408, 429 and 5xx (error-exception-handling.md, "Retry policies"),
# in inputs.retryPolicy where the runtime reads it (see start.NO_RETRY). A 5xx after the receiver
# posted may post the message twice: a repeated alert beats a lost one, and Slack answers its
# rate limit with 429, which a retry outlasts.
NOTIFY_RETRY_POLICY = {"type": "fixed", "count": 2, "interval": "PT30S"}
# The built-in Reader role (Azure RBAC built-in roles: "Reader", acdd72a7-3385-48ef-bd42-f606fba81ae7):
# enough to list the workflow's runs (Microsoft.Logic/workflows/runs/read); granted on the workflow
# alone, so the identity reads nothing else and changes nothing.
READER_ROLE = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
# The action that reads the earlier runs (one per success ending, suffixed).
READ_RUNS = "Read_earlier_runs"
# Azure Resource Manager, the audience of the managed identity's token for the runs list.
ARM = "https://management.azure.com"
# The REST API version of Microsoft's Logic Apps spec in ../shared/reference (Workflow Runs - List:
# `$top`, and runs with properties.status and properties.startTime).
RUNS_API_VERSION = "2019-05-01"
# Earlier runs read to find the previous outcome. Fifty is the most a skip-overlap job cancels in a
# row before the previous finished run drops out of the page; then no recovery is sent (never a
# wrong one).
RUNS_READ = 50
# The portal's run view. workflow() gives the run's resource id ("The `run` property [...] `name`,
# `type`, `id`": workflow-definition-language-functions-reference.md, "workflow"); the blade path is
# the one the portal opens from run history, not a documented API: docs/explanation/
# what-only-the-clouds-can-confirm.md.
RUN_LINK = (
    "https://portal.azure.com/#view/Microsoft_Azure_EMA/LogicAppsMonitorBlade/runid/"
    "@{encodeUriComponent(workflow()?['run']?['id'])}"
)
# The `webhook` receiver's JSON body, documented in docs/reference/configuration.md.
WEBHOOK_FIELDS = ("event", "job", "app", "code", "message", "exitStatus", "dyno", "logs", "runUrl", "runId")
_EVERY_STATUS = ["Succeeded", "Failed", "Skipped", "TimedOut"]
# A failure Terminate runs after its posts whatever they did, but not when they were Skipped: a post
# is skipped exactly when the Terminate's own condition did not hold (it has the same runAfter), and
# a Terminate running then would fail a run on a path that never failed (the fake showed it: a
# refused create's No_exit_report ran after its skipped post).
_POSTED = ["Succeeded", "Failed", "TimedOut"]
_EXIT_CONDITION = "Check_exit_status"


def url_parameter(index: int) -> str:
    """The SecureString workflow parameter holding receiver INDEX's URL."""
    return f"notifyUrl{index}"


def needs_run_history(receivers: Sequence[NotifyReceiver], job: JobSettings) -> bool:
    """Whether JOB's workflow reads its own runs (recovery), so needs an identity and a role."""
    return job.report_exit and any("recovery" in receiver.on for receiver in receivers)


def _scopes(actions: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield actions
    for action in list(actions.values()):
        if "actions" in action:
            yield from _scopes(action["actions"])
        if "else" in action:
            yield from _scopes(action["else"]["actions"])


def _post(
    receiver: NotifyReceiver, index: int, body: dict[str, Any], run_after: dict[str, list[str]]
) -> dict[str, Any]:
    return {
        "type": "Http",
        "inputs": {
            "method": "POST",
            "uri": f"@parameters('{url_parameter(index)}')",
            "headers": {"Content-Type": "application/json"},
            "body": body,
            "retryPolicy": NOTIFY_RETRY_POLICY,
        },
        # The URL is in the inputs: hidden from run history (logic-apps-securing-a-logic-app.md).
        "runtimeConfiguration": secure_data("inputs"),
        "runAfter": run_after,
    }


def _payload(kind: str, facts: Mapping[str, Any], title: str, summary: str) -> dict[str, Any]:
    """The body for a receiver of type KIND. FACTS are the webhook's fields (WEBHOOK_FIELDS)."""
    if kind == "webhook":
        return dict(facts)
    shown = [(name, facts[key]) for name, key in _SHOWN if facts.get(key) is not None]
    if kind == "slack":
        lines = "\n".join(f"*{name}:* {_fragment(value)}" for name, value in shown)
        return {
            "text": f"{title}: {summary}",
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*\n{_slack_text(summary)}"}},
                {"type": "section", "text": {"type": "mrkdwn", "text": f"{lines}\n<{facts['runUrl']}|Open the run>"}},
            ],
        }
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True},
            {"type": "TextBlock", "text": summary, "wrap": True},
            {"type": "FactSet", "facts": [{"title": name, "value": _fragment(value)} for name, value in shown]},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Open the run", "url": facts["runUrl"]}],
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


# Slack: a section block's text takes at most 3000 characters, and a message whose blocks break a
# limit is refused whole (api.slack.com/reference/block-kit/blocks, "Section": "Maximum length for
# this field is 3000 characters"); `&`, `<` and `>` are escaped in mrkdwn text
# (api.slack.com/reference/surfaces/formatting, "Escaping text"). Error messages can quote a
# proxy's HTML page (Start_failed), so they are escaped and cut to SLACK_SUMMARY characters.
SLACK_SUMMARY = 2500


def _slack_text(template: str) -> str:
    escaped = _as_expression(template)
    for plain, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        escaped = f"replace({escaped}, {quoted(plain)}, {quoted(entity)})"
    return f"@{{take({escaped}, {SLACK_SUMMARY})}}"


def _as_expression(template: str) -> str:
    """TEMPLATE (text with `@{...}` interpolations, as our messages are written) as one expression."""
    parts: list[str] = []
    text, position = "", 0
    while position < len(template):
        if template.startswith("@{", position):
            quoted_text, end = False, position + 2
            while quoted_text or template[end] != "}":
                quoted_text ^= template[end] == "'"
                end += 1
            if text:
                parts.append(quoted(text))
            parts.append(f"string({template[position + 2 : end]})")
            text, position = "", end + 1
        else:
            text += template[position]
            position += 1
    if text or not parts:
        parts.append(quoted(text))
    return parts[0] if len(parts) == 1 else f"concat({', '.join(parts)})"


# Facts shown in Slack and Teams messages: (label, webhook field).
_SHOWN = (("Error", "code"), ("Exit status", "exitStatus"), ("Dyno", "dyno"), ("Logs", "logs"))


def _fragment(value: Any) -> str:
    """VALUE (a whole-string expression `@x`, a template, or plain text) as part of a template."""
    text = str(value)
    if text.startswith("@") and not text.startswith("@{"):
        return f"@{{{text[1:]}}}"
    return text


def _failure_facts(job: JobSettings, app: str, terminate: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    error = terminate["inputs"]["runError"]
    report = next((name for name in terminate.get("runAfter", {}) if name.startswith("Exit_report")), None)
    logs = f"python -m infra logs --app {app}"
    exit_status: Any = None
    dyno: Any = None
    if report is not None:
        exit_status = f"@outputs('{report}')?['exitStatus']"
        dyno = f"@outputs('{report}')?['dyno']"
        logs += f" --dyno @{{outputs('{report}')?['dyno']}}"
    facts = {
        "event": "failure",
        "job": job.name,
        "app": app,
        "code": error["code"],
        "message": error["message"],
        "exitStatus": exit_status,
        "dyno": dyno,
        "logs": logs,
        "runUrl": RUN_LINK,
        "runId": "@{workflow()?['run']?['name']}",
    }
    return facts, error["message"]


def _notify_failures(
    scope: dict[str, Any], receivers: Sequence[tuple[int, NotifyReceiver]], job: JobSettings, app: str
) -> None:
    for name, action in list(scope.items()):
        if action["type"] != "Terminate" or action["inputs"].get("runStatus") != "Failed":
            continue
        facts, summary = _failure_facts(job, app, action)
        title = f"picletter job {job.name} failed ({facts['code']})"
        posts = {
            f"Notify_{index}_{name}": _post(
                receiver, index, _payload(receiver.type, facts, title, summary), action["runAfter"]
            )
            for index, receiver in receivers
        }
        scope.update(posts)
        action["runAfter"] = {post: list(_POSTED) for post in posts}


def _run_start() -> str:
    # When this run started: its trigger's startTime (REST spec 2019-05-01, WorkflowRunTrigger).
    return "ticks(coalesce(trigger()?['startTime'], utcNow()))"


def _recovery(job: JobSettings, app: str, tag: str, receivers: Sequence[tuple[int, NotifyReceiver]]) -> dict[str, Any]:
    """Before a success ending (TAG names it): read the earlier runs, keep those that ended Succeeded
    or Failed and started before this one, and if the latest of them Failed, post the recovery."""
    runs, earlier, finished, decide = (
        f"{step}{tag}" for step in (READ_RUNS, "Earlier_runs", "Finished_earlier_runs", "Recovered_if_last_failed")
    )
    status = "item()?['status']"
    facts = {
        "event": "recovery",
        "job": job.name,
        "app": app,
        "code": None,
        "message": f"job {job.name} succeeded after a failed run",
        "exitStatus": 0,
        "dyno": None,
        "logs": f"python -m infra logs --app {app}",
        "runUrl": RUN_LINK,
        "runId": "@{workflow()?['run']?['name']}",
    }
    title = f"picletter job {job.name} recovered"
    summary = f"job {job.name} succeeded; its previous finished run had failed"
    return {
        runs: {
            "type": "Http",
            "inputs": {
                "method": "GET",
                "uri": f"{ARM}@{{workflow()?['id']}}/runs?api-version={RUNS_API_VERSION}&$top={RUNS_READ}",
                "authentication": {"type": "ManagedServiceIdentity", "audience": f"{ARM}/"},
                "retryPolicy": READ_RETRY_POLICY,
            },
            # Each listed run carries its trigger's inputsLink/outputsLink (REST spec 2019-05-01,
            # WorkflowRunTrigger), URLs signed with `sig`: bearer secrets, not for run history. The
            # Select reading them gets its inputs hidden, not its outputs (securing doc, "Secure
            # Outputs setting"): the names, statuses and start times the recovery decides on stay.
            "runtimeConfiguration": secure_data("outputs"),
            "runAfter": {},
        },
        earlier: {
            "type": "Select",
            "inputs": {
                "from": f"@body('{runs}')?['value']",
                "select": {
                    "name": "@item()?['name']",
                    "status": "@item()?['properties']?['status']",
                    "startTime": "@item()?['properties']?['startTime']",
                },
            },
            "runAfter": {runs: ["Succeeded"]},
        },
        finished: {
            "type": "Query",
            "inputs": {
                "from": f"@body('{earlier}')",
                "where": f"@and(or(equals({status}, 'Succeeded'), equals({status}, 'Failed')), "
                "not(equals(item()?['name'], workflow()?['run']?['name'])), "
                f"less(ticks(item()?['startTime']), {_run_start()}))",
            },
            "runAfter": {earlier: ["Succeeded"]},
        },
        decide: {
            "type": "If",
            "expression": f"@equals(last(sort(body('{finished}'), 'startTime'))?['status'], 'Failed')",
            "actions": {
                f"Notify_{index}_recovery{tag}": _post(
                    receiver, index, _payload(receiver.type, facts, title, summary), {}
                )
                for index, receiver in receivers
            },
            "else": {"actions": {}},
            "runAfter": {finished: ["Succeeded"]},
        },
    }


def _recover_on_success(
    scope: dict[str, Any], receivers: Sequence[tuple[int, NotifyReceiver]], job: JobSettings, app: str
) -> None:
    for name, action in list(scope.items()):
        if name.startswith(_EXIT_CONDITION) and action["type"] == "If" and not action["actions"]:
            # The first start of a job without retries succeeds by its branch's status; recovery
            # actions there could fail the run, so success becomes explicit.
            tag = name[len(_EXIT_CONDITION) :]
            action["actions"][f"Job_succeeded{tag}"] = {
                "type": "Terminate",
                "inputs": {"runStatus": "Succeeded"},
                "runAfter": {},
            }
    for name, action in list(scope.items()):
        if action["type"] == "Terminate" and action["inputs"].get("runStatus") == "Succeeded":
            tag = name.removeprefix("Job_succeeded").removeprefix("Succeeded_after_retry")
            tag = ("_after_retry" + tag) if name.startswith("Succeeded_after_retry") else tag
            steps = _recovery(job, app, tag, receivers)
            steps[f"{READ_RUNS}{tag}"]["runAfter"] = action["runAfter"]
            scope.update(steps)
            action["runAfter"] = {f"Recovered_if_last_failed{tag}": list(_EVERY_STATUS)}


def with_notifications(
    definition: Mapping[str, Any], receivers: Sequence[NotifyReceiver], job: JobSettings, app: str
) -> dict[str, Any]:
    """DEFINITION with RECEIVERS' notifications: their URL parameters, a post before every failure
    Terminate, and the recovery check before every success ending (needs reportExit: without it a
    run's success only means the dyno started)."""
    result = copy.deepcopy(dict(definition))
    if not receivers:
        return result
    for index, _receiver in enumerate(receivers):
        result["parameters"][url_parameter(index)] = {"type": "SecureString", "defaultValue": ""}
    on_failure = [(i, r) for i, r in enumerate(receivers) if "failure" in r.on]
    on_recovery = [(i, r) for i, r in enumerate(receivers) if "recovery" in r.on]
    for scope in list(_scopes(result["actions"])):
        if on_failure:
            _notify_failures(scope, on_failure, job, app)
    if on_recovery and needs_run_history(receivers, job):
        for scope in list(_scopes(result["actions"])):
            _recover_on_success(scope, on_recovery, job, app)
    return result
