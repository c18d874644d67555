"""The actions that start a job's one-off dyno and turn how it ended into the run's status.

With `reportExit` (the default) the start is an HttpWebhook action: its `subscribe` call is the
`POST /apps/{app}/dynos`, with the action's callback URL in the dyno's env; the run waits there until
bin/picletter-run POSTs `{"exitStatus": N, "dyno": "run.NNNN", "job": ...}` to it, which becomes the
action's body (Microsoft, connectors-native-webhook.md: "Output details"). The action's
`limit.timeout` ends the wait if the dyno never reports. Without it, a plain HTTP action starts the
dyno and the run ends there.

How each ending becomes the run's status follows Microsoft's rule (error-exception-handling.md,
"Manage the "run after" behavior"): a branch ending in a Skipped action takes that action's
predecessor's status, and any failed branch fails the run. So every action that runs after a
refused create is skipped behind a Failed action: a retried start that works ends the run with an
explicit Terminate Succeeded (docs/explanation/run-status.md).

Sources for what is not ours: logic-apps-workflow-actions-triggers.md ("HTTPWebhook trigger",
"Change asynchronous duration", "Runtime configuration settings", "Terminate action"),
error-exception-handling.md ("Retry policies"), logic-apps-securing-a-logic-app.md ("Secure Outputs
setting", "Secure Inputs setting"), LogicAppsUX (bjsworkflow/settings.ts and serializer.ts: where
the retry policy is read; manifests/http.ts: the HTTP Webhook's outputs), and the Heroku platform
API schema (dyno create).
"""

from __future__ import annotations

from typing import Any

from infra.heroku.facts import ACCEPT
from infra.job_command import CALLBACK_ENV, wrapped_command
from infra.settings import JobSettings
from infra.workflow.expressions import literal

__all__ = [
    "EXIT_CONDITION",
    "NO_RETRY",
    "READ_RETRY_POLICY",
    "REPORT_MARGIN_SECONDS",
    "START_ACTION",
    "START_RETRY_SECONDS",
    "TOKEN_PARAMETER",
    "heroku_call",
    "report_deadline",
    "secure_data",
    "start_actions",
]

TOKEN_PARAMETER = "herokuApiToken"
START_ACTION = "Start_dyno"
# The If that ends the run Failed unless the dyno reported exit status 0.
EXIT_CONDITION = "Check_exit_status"
# Waited before the one retry of a create that Heroku refused without creating a dyno.
START_RETRY_SECONDS = 30
# How long past the job's time_to_live a run waits for the report: the dyno's boot, Heroku's 30 s
# between SIGTERM and SIGKILL at time_to_live (Dev Center, "Dyno Shutdown Behavior"), and the
# wrapper's retries of the callback.
REPORT_MARGIN_SECONDS = 300
# The runtime reads an action's retry policy from its `inputs.retryPolicy` and nowhere else; absent,
# the default policy resends the request up to 4 times on 408, 429 and 5xx (error-exception-handling.md,
# "Change retry policy type in the code view editor": "add the `retryPolicy` JSON object to that
# trigger or action's `inputs` object. Otherwise [...] uses the `default` retry policy"; LogicAppsUX
# bjsworkflow/serializer.ts setRetryPolicy: "Retry policy should always be in `inputs.retryPolicy`";
# settings.ts getRetryPolicy reads `definition.inputs.retryPolicy`, "An absent retry policy indicates
# that it is using default values"). For an HTTP Webhook that is beside `subscribe`, not inside it.
# Safe for reads only: see _start for the create.
NO_RETRY = {"type": "none"}
READ_RETRY_POLICY = {
    "type": "exponential",
    "count": 4,
    "interval": "PT15S",
    "minimumInterval": "PT10S",
    "maximumInterval": "PT1H",
}


def heroku_call(method: str, uri: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """The request of an HTTP action (or a webhook's subscribe) to the Heroku Platform API; the token
    comes from the SecureString parameter, so the definition never holds it. The retry policy is
    the caller's: it belongs to the action's inputs (NO_RETRY, READ_RETRY_POLICY)."""
    request: dict[str, Any] = {
        "method": method,
        "uri": uri,
        "headers": {"Accept": ACCEPT, "Content-Type": "application/json"},
        "authentication": {"type": "Raw", "value": f"Bearer @{{parameters('{TOKEN_PARAMETER}')}}"},
    }
    if body is not None:
        request["body"] = body
    return request


def secure_data(*parts: str) -> dict[str, Any]:
    """An action's runtimeConfiguration hiding PARTS ("inputs", "outputs") from run history."""
    return {"secureData": {"properties": list(parts)}}


def _dyno_body(job: JobSettings) -> dict[str, Any]:
    # The job's date follows its schedule's zone (a 07:00 Pacific/Auckland run is 18:00 UTC the day
    # before), unless its env says otherwise.
    env = {"TZ": job.time_zone, **{key: literal(value) for key, value in job.env.items()}}
    if job.report_exit:
        # In env, never in the command: Heroku shows commands in `ps` and in the logs.
        env[CALLBACK_ENV] = "@{listCallbackUrl()}"
    return {
        "attach": False,
        "command": literal(wrapped_command(job.name, job.command) if job.named else job.command),
        "env": dict(sorted(env.items())),
        "size": job.size,
        "time_to_live": job.time_to_live,
        "type": "run",
    }


def _start(job: JobSettings, apps: str) -> dict[str, Any]:
    """The action that creates the dyno, never retried where a dyno may have been created.

    Logic Apps' retry policy retries 408, 429, 5xx and timeouts alike, but a 5xx or a timeout can
    come after Heroku created the dyno: a retry would run the job twice. So the create has none,
    in the action's inputs, where the runtime reads it.
    """
    request = heroku_call("POST", f"{apps}/dynos", _dyno_body(job))
    if not job.report_exit:
        return {
            "type": "Http",
            "inputs": {**request, "retryPolicy": NO_RETRY},
            "runtimeConfiguration": secure_data("inputs", "outputs"),
        }
    # Inputs hold the callback URL (a SAS bearer secret) and the token: hidden. Outputs are the
    # wrapper's report (exit status, dyno, job), or Heroku's answer to a failed create. Actions that
    # read them directly get their inputs hidden too (securing doc, "Secure Inputs setting"), so the
    # failure messages read them through a Compose (see _visible).
    return {
        "type": "HttpWebhook",
        "inputs": {"subscribe": request, "retryPolicy": NO_RETRY},
        "limit": {"timeout": f"PT{report_deadline(job)}S"},
        "runtimeConfiguration": secure_data("inputs"),
    }


def report_deadline(job: JobSettings) -> int:
    """Seconds a run waits for the dyno's report before it ends Failed."""
    return job.time_to_live + REPORT_MARGIN_SECONDS


def _fail(code: str, message: str, run_after: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "type": "Terminate",
        "inputs": {"runStatus": "Failed", "runError": {"code": code, "message": message}},
        "runAfter": run_after,
    }


def _visible(name: str, inputs: dict[str, Any], run_after: dict[str, list[str]]) -> dict[str, Any]:
    """A Compose that passes a start action's outputs on to a Terminate's message.

    logic-apps-securing-a-logic-app.md, "Secure Inputs setting": an action that "explicitly uses the
    visible outputs" of an action with secured inputs has its inputs hidden, so a Terminate reading
    the start action would hide its own message. A Compose doing so hides its inputs and outputs,
    but "If a downstream action explicitly uses the hidden outputs from the Compose [...] Azure Logic
    Apps *doesn't hide this downstream action's inputs or outputs*". The Compose takes only the
    report's fields or Heroku's error: never the request, which holds the token and callback URL.
    """
    return {name: {"type": "Compose", "inputs": inputs, "runAfter": run_after}}


def _outcome(job: JobSettings, start: str, suffix: str) -> dict[str, Any]:
    """After the webhook START: Succeeded on exit status 0, Failed naming the status and the dyno, or
    Failed when no report came before the deadline. After a retried start (SUFFIX "_again"), exit
    status 0 ends the run Succeeded explicitly: the first start's Failed branch would fail it."""
    report = f"body('{start}')"
    shown = f"outputs('Exit_report{suffix}')"
    succeeded: dict[str, Any] = {}
    if suffix:
        succeeded = {
            "Succeeded_after_retry": {"type": "Terminate", "inputs": {"runStatus": "Succeeded"}, "runAfter": {}}
        }
    return {
        f"{EXIT_CONDITION}{suffix}": {
            "type": "If",
            "expression": f"@equals({report}?['exitStatus'], 0)",
            "actions": succeeded,
            "else": {
                "actions": {
                    **_visible(
                        f"Exit_report{suffix}",
                        {"exitStatus": f"@{report}?['exitStatus']", "dyno": f"@{report}?['dyno']"},
                        {},
                    ),
                    f"Job_failed{suffix}": _fail(
                        "JobFailed",
                        f"job {job.name} exited with status @{{{shown}?['exitStatus']}} on dyno "
                        f"@{{{shown}?['dyno']}}; its logs: python -m infra logs --dyno @{{{shown}?['dyno']}}",
                        {f"Exit_report{suffix}": ["Succeeded"]},
                    ),
                }
            },
            "runAfter": {start: ["Succeeded"]},
        },
        f"No_exit_report{suffix}": _fail(
            "NoExitReport",
            f"job {job.name}: no exit status within {report_deadline(job)} s (time_to_live {job.time_to_live} s + "
            f"{REPORT_MARGIN_SECONDS} s): the dyno was killed before it could report, or could not reach "
            "Logic Apps; see python -m infra logs",
            {start: ["TimedOut"]},
        ),
    }


# Heroku's answers that prove no dyno was created: 429 (rate limit) and 409 (its "release not found
# yet" while a release is created). Compared as text, so each reading of a failed subscribe's
# status code matches: Microsoft documents an Integer for HTTP outputs, the designer's static
# results for HTTP Webhook a string, digits or a name (LogicAppsUX staticresultschema/schemas/
# httpresult.ts, getAllValidStatusCodes).
REFUSALS = ("409", "429", "Conflict", "TooManyRequests")


def _status_code(start: str) -> str:
    """START's status code, or null: through actions(), which reads null where a failed subscribe
    has no outputs at all (outputs() might fail the expression instead; Microsoft does not say)."""
    return f"actions('{start}')?['outputs']?['statusCode']"


def _start_failed(start: str, suffix: str) -> dict[str, Any]:
    """Heroku's answer, made visible, then the run Failed with it: START may have created a dyno."""
    answer = f"actions('{start}')?['outputs']"
    shown = f"outputs('Start_answer{suffix}')"
    return {
        **_visible(
            f"Start_answer{suffix}",
            # The body as it came: Heroku's JSON error, or the text page of a proxy in front of it.
            {"statusCode": f"@coalesce({answer}?['statusCode'], 'no status code')", "body": f"@{answer}?['body']"},
            {},
        ),
        f"Start_failed{suffix}": _fail(
            "StartDynoFailed",
            f"POST /dynos answered @{{{shown}?['statusCode']}}: @{{{shown}?['body']}}; "
            "not retried because the dyno may have started: check python -m infra ps",
            {f"Start_answer{suffix}": ["Succeeded"]},
        ),
    }


def _again_failed(start: str, failed_on: list[str]) -> dict[str, Any]:
    actions = _start_failed(start, "_again")
    actions["Start_answer_again"]["runAfter"] = {start: failed_on}
    return actions


def start_actions(job: JobSettings, apps: str) -> dict[str, Any]:
    """Start the dyno, retry once only where Heroku proves it created none, and end the run as the
    job ended (with reportExit)."""
    call = _start(job, apps)
    again = f"{START_ACTION}_again"
    refused_on = ["Failed"] if job.report_exit else ["Failed", "TimedOut"]
    retry_branch: dict[str, Any] = {
        "Wait_before_retry": {
            "type": "Wait",
            "inputs": {"interval": {"count": START_RETRY_SECONDS, "unit": "Second"}},
            "runAfter": {},
        },
        again: {**call, "runAfter": {"Wait_before_retry": ["Succeeded"]}},
        **_again_failed(again, refused_on),
    }
    actions: dict[str, Any] = {START_ACTION: {**call, "runAfter": {}}}
    if job.report_exit:
        actions.update(_outcome(job, START_ACTION, ""))
        retry_branch.update(_outcome(job, again, "_again"))
    refusals = ", ".join(f"'{code}'" for code in REFUSALS)
    actions["Retry_if_heroku_refused"] = {
        "type": "If",
        # Retried once, after a pause; anything else may have created a dyno.
        "expression": f"@contains(createArray({refusals}), string({_status_code(START_ACTION)}))",
        "actions": retry_branch,
        "else": {"actions": _start_failed(START_ACTION, "")},
        "runAfter": {START_ACTION: refused_on},
    }
    return actions
