"""The Logic App workflow definition that starts a job's one-off dyno: a pure function of settings.

Recurrence trigger (one run at a time) -> [overlap guard: list dynos, cancel if the same command is
starting or up] -> POST /apps/{app}/dynos. The Heroku token is a SecureString workflow parameter used
only in the HTTP actions' authentication, and those actions mark their inputs secure, so neither
the definition nor run history shows it.
"""

from __future__ import annotations

from typing import Any

from infra.heroku.facts import ACCEPT
from infra.settings import JobSettings

__all__ = ["TOKEN_PARAMETER", "build_definition", "literal"]

TOKEN_PARAMETER = "herokuApiToken"
SCHEMA = "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#"
# Logic Apps' HTTP retry policy applies to 408, 429 and 5xx answers and to connection failures.
# Safe for reads only: see _start_dyno for the create.
RETRY_POLICY = {
    "type": "exponential",
    "count": 4,
    "interval": "PT15S",
    "minimumInterval": "PT10S",
    "maximumInterval": "PT1H",
}


def literal(text: str) -> str:
    """TEXT as a literal string in a workflow definition, where `@` starts an expression.

    The Workflow Definition Language returns a string that starts with `@@` verbatim after its first
    `@`, so a value that starts with `@` needs one more `@` and nothing else; in any other string only
    `@{` starts an interpolation, and `@@{` is its escape.
    """
    return "@" + text if text.startswith("@") else text.replace("@{", "@@{")


def _heroku_call(method: str, uri: str, body: dict[str, Any] | None, secure: tuple[str, ...]) -> dict[str, Any]:
    inputs: dict[str, Any] = {
        "method": method,
        "uri": uri,
        "headers": {"Accept": ACCEPT, "Content-Type": "application/json"},
        "authentication": {"type": "Raw", "value": f"Bearer @{{parameters('{TOKEN_PARAMETER}')}}"},
        "retryPolicy": RETRY_POLICY,
    }
    if body is not None:
        inputs["body"] = body
    return {"type": "Http", "inputs": inputs, "runtimeConfiguration": {"secureData": {"properties": list(secure)}}}


def _pause(seconds: int) -> dict[str, Any]:
    """A Wait action of SECONDS, first in its scope."""
    return {"type": "Wait", "inputs": {"interval": {"count": seconds, "unit": "Second"}}, "runAfter": {}}


def _dyno_body(job: JobSettings) -> dict[str, Any]:
    # The job's date follows its schedule's zone (a 07:00 Pacific/Auckland run is 18:00 UTC the day
    # before), unless its env says otherwise.
    env = {"TZ": job.time_zone, **job.env}
    return {
        "attach": False,
        "command": literal(job.command),
        "env": {key: literal(value) for key, value in sorted(env.items())},
        "size": job.size,
        "time_to_live": job.time_to_live,
        "type": "run",
    }


# Waited before the one retry of a create that Heroku refused without creating a dyno.
START_RETRY_SECONDS = 30


def _start_dyno(job: JobSettings, apps: str) -> dict[str, Any]:
    """POST /dynos, never retried where a dyno may have been created.

    Logic Apps' retry policy retries 408, 429, 5xx and timeouts alike, but a 5xx or a timeout can
    come after Heroku created the dyno: a retry would run the job twice (and send two emails). So
    the create has no retry policy; only answers that prove no dyno was created, 429 (rate limit) and
    409 (Heroku's "release not found yet" while a release is being created), are retried, once,
    after a pause. Anything else fails the run with the status, for an operator to check `infra ps`.
    """
    call = _heroku_call("POST", f"{apps}/dynos", _dyno_body(job), ("inputs", "outputs"))
    call["inputs"]["retryPolicy"] = {"type": "none"}
    refused = "@contains(createArray(409, 429), outputs('Start_dyno')?['statusCode'])"
    return {
        "Start_dyno": {**call, "runAfter": {}},
        "Retry_if_heroku_refused": {
            "type": "If",
            "expression": refused,
            "actions": {
                "Wait_before_retry": _pause(START_RETRY_SECONDS),
                "Start_dyno_again": {**call, "runAfter": {"Wait_before_retry": ["Succeeded"]}},
            },
            "else": {
                "actions": {
                    "Start_failed": {
                        "type": "Terminate",
                        "inputs": {
                            "runStatus": "Failed",
                            "runError": {
                                "code": "StartDynoFailed",
                                "message": "@{concat('POST /dynos answered ', "
                                "string(outputs('Start_dyno')?['statusCode']), "
                                "'; not retried because the dyno may have started: check infra ps')}",
                            },
                        },
                        "runAfter": {},
                    }
                }
            },
            "runAfter": {"Start_dyno": ["Failed", "TimedOut"]},
        },
    }


POLL_SECONDS = 30


def _wait_for_dyno(job: JobSettings, apps: str) -> dict[str, Any]:
    """Poll the started dyno until Heroku no longer knows it (it exited), bounded by its time to live.

    The Platform API does not report a one-off dyno's exit status; the run shows how long the job
    took, and ends Failed if the dyno outlives its time to live.
    """
    poll = _heroku_call("GET", f"{apps}/dynos/@{{body('Start_dyno')?['name']}}", None, ("inputs",))
    poll["inputs"]["retryPolicy"] = {"type": "none"}
    limit_seconds = job.time_to_live + 2 * POLL_SECONDS
    return {
        "Wait_for_dyno_to_exit": {
            "type": "Until",
            "expression": "@equals(outputs('Get_dyno')?['statusCode'], 404)",
            "limit": {"count": limit_seconds // POLL_SECONDS + 1, "timeout": f"PT{limit_seconds}S"},
            "actions": {
                "Pause": _pause(POLL_SECONDS),
                "Get_dyno": {**poll, "runAfter": {"Pause": ["Succeeded"]}},
            },
            "runAfter": {"Start_dyno": ["Succeeded"]},
        },
        "Dyno_outlived_its_time_to_live": {
            "type": "If",
            "expression": {"not": {"equals": ["@outputs('Get_dyno')?['statusCode']", 404]}},
            "actions": {
                "Fail_run": {
                    "type": "Terminate",
                    "inputs": {
                        "runStatus": "Failed",
                        "runError": {"code": "DynoStillRunning", "message": "the dyno outlived its time_to_live"},
                    },
                    "runAfter": {},
                }
            },
            "else": {"actions": {}},
            "runAfter": {"Wait_for_dyno_to_exit": ["Succeeded", "Failed", "TimedOut"]},
        },
    }


def build_definition(job: JobSettings, app: str, api_url: str) -> dict[str, Any]:
    apps = f"{api_url.rstrip('/')}/apps/{app}"
    start_path: dict[str, Any] = _start_dyno(job, apps)
    if job.wait_for_completion:
        start_path.update(_wait_for_dyno(job, apps))
    actions: dict[str, Any]
    if job.overlap == "skip":
        command = job.command.replace("'", "''")
        running = (
            f"@and(equals(item()?['type'], 'run'), equals(item()?['command'], '{command}'), "
            "or(equals(item()?['state'], 'starting'), equals(item()?['state'], 'up')))"
        )
        actions = {
            "List_dynos": {**_heroku_call("GET", f"{apps}/dynos", None, ("inputs",)), "runAfter": {}},
            "Same_command_running": {
                "type": "Query",
                "inputs": {"from": "@body('List_dynos')", "where": running},
                "runAfter": {"List_dynos": ["Succeeded"]},
            },
            "Skip_if_still_running": {
                "type": "If",
                "expression": {"greater": ["@length(body('Same_command_running'))", 0]},
                "actions": {
                    "Overlap_reason": {
                        "type": "Compose",
                        "inputs": "@concat('Skipped: dyno ', first(body('Same_command_running'))?['name'], "
                        f"' is still running {command}')",
                        "runAfter": {},
                    },
                    "Cancel_overlapping_run": {
                        "type": "Terminate",
                        "inputs": {"runStatus": "Cancelled"},
                        "runAfter": {"Overlap_reason": ["Succeeded"]},
                    },
                },
                "else": {"actions": start_path},
                "runAfter": {"Same_command_running": ["Succeeded"]},
            },
        }
    else:
        actions = start_path
    return {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": {TOKEN_PARAMETER: {"type": "SecureString", "defaultValue": ""}},
        "triggers": {
            "Recurrence": {
                "type": "Recurrence",
                "recurrence": job.schedule.to_arm(),
                "runtimeConfiguration": {"concurrency": {"runs": 1}},
            }
        },
        "actions": actions,
        "outputs": {},
    }
