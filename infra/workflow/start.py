"""The actions that start a job's one-off dyno and turn how it ended into the run's status.

With `reportExit` (the default) the start is an HttpWebhook action: its `subscribe` call is the
`POST /apps/{app}/dynos`, with the action's callback URL in the dyno's env; the run waits there until
bin/picletter-run POSTs `{"exitStatus": N, "dyno": "run.NNNN", "job": ...}` to it, which becomes the
action's body (Microsoft, connectors-native-webhook.md: "Output details"). The action's
`limit.timeout` ends the wait if the dyno never reports. Without it, a plain HTTP action starts the
dyno and the run ends there.

Sources for what is not ours: logic-apps-workflow-actions-triggers.md ("HTTPWebhook trigger",
"Change asynchronous duration", "Runtime configuration settings"), logic-apps-securing-a-logic-app.md
("Secure Outputs setting"), and the Heroku platform API schema (dyno create).
"""

from __future__ import annotations

from typing import Any

from infra.heroku.facts import ACCEPT
from infra.job_command import CALLBACK_ENV, wrapped_command
from infra.settings import JobSettings
from infra.workflow.expressions import literal

__all__ = [
    "EXIT_CONDITION",
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
# Logic Apps' HTTP retry policy applies to 408, 429 and 5xx answers and to connection failures.
# Safe for reads only: see start_actions for the create.
READ_RETRY_POLICY = {
    "type": "exponential",
    "count": 4,
    "interval": "PT15S",
    "minimumInterval": "PT10S",
    "maximumInterval": "PT1H",
}


def heroku_call(method: str, uri: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """The request of an HTTP action (or a webhook's subscribe) to the Heroku Platform API; the token
    comes from the SecureString parameter, so the definition never holds it."""
    request: dict[str, Any] = {
        "method": method,
        "uri": uri,
        "headers": {"Accept": ACCEPT, "Content-Type": "application/json"},
        "authentication": {"type": "Raw", "value": f"Bearer @{{parameters('{TOKEN_PARAMETER}')}}"},
        "retryPolicy": READ_RETRY_POLICY,
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
    come after Heroku created the dyno: a retry would run the job twice. So the create has none.
    """
    request = heroku_call("POST", f"{apps}/dynos", _dyno_body(job))
    request["retryPolicy"] = {"type": "none"}
    if not job.report_exit:
        return {"type": "Http", "inputs": request, "runtimeConfiguration": secure_data("inputs", "outputs")}
    # Inputs hold the callback URL (a SAS bearer secret) and the token: hidden. Outputs are the
    # wrapper's report (exit status, dyno, job) and stay visible: secured outputs would also hide the
    # failure message built from them downstream.
    return {
        "type": "HttpWebhook",
        "inputs": {"subscribe": request},
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


def _outcome(job: JobSettings, start: str, suffix: str) -> dict[str, Any]:
    """After the webhook START: Succeeded on exit status 0, Failed naming the status and the dyno, or
    Failed when no report came before the deadline."""
    report = f"body('{start}')"
    return {
        f"{EXIT_CONDITION}{suffix}": {
            "type": "If",
            "expression": f"@equals({report}?['exitStatus'], 0)",
            "actions": {},
            "else": {
                "actions": {
                    f"Job_failed{suffix}": _fail(
                        "JobFailed",
                        f"job {job.name} exited with status @{{{report}?['exitStatus']}} on dyno "
                        f"@{{{report}?['dyno']}}; its logs: python -m infra logs --dyno @{{{report}?['dyno']}}",
                        {},
                    )
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
    }
    actions: dict[str, Any] = {START_ACTION: {**call, "runAfter": {}}}
    if job.report_exit:
        actions.update(_outcome(job, START_ACTION, ""))
        retry_branch.update(_outcome(job, again, "_again"))
    status = f"outputs('{START_ACTION}')?['statusCode']"
    actions["Retry_if_heroku_refused"] = {
        "type": "If",
        # 429 (rate limit) and 409 (Heroku's "release not found yet" while a release is created)
        # prove no dyno was created: retried once, after a pause.
        "expression": f"@contains(createArray(409, 429), {status})",
        "actions": retry_branch,
        "else": {
            "actions": {
                "Start_failed": _fail(
                    "StartDynoFailed",
                    f"POST /dynos answered @{{{status}}}; not retried because the dyno may have started: "
                    "check python -m infra ps",
                    {},
                )
            }
        },
        "runAfter": {START_ACTION: refused_on},
    }
    return actions
