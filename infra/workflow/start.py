"""The actions that start a job's one-off dyno and turn how it ended into the run's status.

With `reportExit` (the default) the start is an HttpWebhook action: its `subscribe` call is the
`POST /apps/{app}/dynos`, with the action's callback URL in the dyno's env; the run waits there until
the dyno's reporter (bin/picletter-run, carried in the dyno's env on any app) POSTs
`{"exitStatus": N, "dyno": "run.NNNN", "job": ...}` to it, which becomes the action's body
(Microsoft, connectors-native-webhook.md: "Output details"). The action's `limit.timeout` ends the
wait if the dyno never reports. Without it, a plain HTTP action starts the dyno and the run ends
there.

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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.heroku.facts import ACCEPT
from infra.job_command import CALLBACK_ENV, REPORTER_ENV, RUN_ENV, RUN_NAME, dyno_command, reporter_script
from infra.settings import JobSettings
from infra.workflow.expressions import literal, quoted

__all__ = [
    "EXIT_CONDITION",
    "MAX_BACKOFF_MINUTES",
    "NO_RETRY",
    "READ_RETRY_POLICY",
    "REPORT_MARGIN_SECONDS",
    "START_ACTION",
    "START_RETRY_SECONDS",
    "TOKEN_PARAMETER",
    "Attempt",
    "Recheck",
    "backoff_minutes",
    "ended",
    "heroku_call",
    "report_deadline",
    "secure_data",
    "start_actions",
]

# The SecureString workflow parameter holding picletter:herokuRunToken (lists and creates dynos, no
# more). Named herokuApiToken before: an `up` updates each workflow in place, its definition and
# parameters in one PUT, so no run sees one without the other (tests/engine/test_upgrade.py).
TOKEN_PARAMETER = "herokuRunToken"
START_ACTION = "Start_dyno"
# The If that ends the run Failed unless the dyno reported exit status 0.
EXIT_CONDITION = "Check_exit_status"
# The longest back-off between attempts of a job with retries (backoff_minutes).
MAX_BACKOFF_MINUTES = 30
# Waited before the one retry of a create that Heroku refused without creating a dyno.
START_RETRY_SECONDS = 30
# How long past the job's time_to_live a run waits for the report: the dyno's boot, Heroku's 30 s
# between SIGTERM and SIGKILL at time_to_live (Dev Center, "Dyno Shutdown Behavior"), and the
# wrapper's retries of the callback.
REPORT_MARGIN_SECONDS = 300
# An action's retry policy sits in its `inputs`; absent, the default policy resends the request up to
# 4 times on 408, 429 and 5xx (error-exception-handling.md, "Change retry policy type in the code view
# editor": "add the `retryPolicy` JSON object to that trigger or action's `inputs` object. Otherwise
# [...] uses the `default` retry policy"). Where a webhook's subscribe request reads it, sources
# disagree: LogicAppsUX reads and writes `inputs.retryPolicy` (bjsworkflow/serializer.ts
# setRetryPolicy: "Retry policy should always be in `inputs.retryPolicy`"; settings.ts getRetryPolicy),
# Microsoft's schema reference shows it inside `subscribe` (logic-apps-workflow-actions-triggers.md,
# "HTTPWebhook trigger", "APIConnectionWebhook action"). So the create's webhook sets it in both
# (_start; ADR 0006). Safe for reads only: see _start for the create.
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
    # The reporter (infra.job_command) rides in the env on every app; the run's name lets it refuse a
    # dyno started outside a run (a webhook subscribing when the workflow is saved).
    env = {
        "TZ": job.time_zone,
        **{key: literal(value) for key, value in job.env.items()},
        REPORTER_ENV: literal(reporter_script()),
        RUN_ENV: RUN_NAME,
    }
    if job.report_exit:
        # In env, never in the command: Heroku shows commands in `ps` and in the logs.
        env[CALLBACK_ENV] = "@{listCallbackUrl()}"
    return {
        "attach": False,
        "command": literal(dyno_command(job.name, job.command)),
        "env": dict(sorted(env.items())),
        "size": job.size,
        "time_to_live": job.time_to_live,
        "type": "run",
    }


def _start(job: JobSettings, apps: str) -> dict[str, Any]:
    """The action that creates the dyno, never retried where a dyno may have been created.

    Logic Apps' retry policy retries 408, 429, 5xx and timeouts alike, but a 5xx or a timeout can
    come after Heroku created the dyno: a retry would run the job twice. So the create has none:
    in the action's inputs, and for the webhook inside `subscribe` too, since sources disagree on
    which of the two the runtime reads (NO_RETRY). The designer keeps an input it has no field
    for as an invisible parameter "to preserve the value when serialize" (LogicAppsUX
    core/utils/parameters/helper.ts updateParameterWithValues), so editing the workflow there
    leaves the inner one in place. The action defines no `unsubscribe`, the request Logic Apps
    sends when a subscription ends ("HTTPWebhook trigger": "an outgoing request automatically makes
    the call to cancel the subscription"): there is no second request whose retries matter.
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
        "inputs": {"subscribe": {**request, "retryPolicy": NO_RETRY}, "retryPolicy": NO_RETRY},
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


def _outcome(job: JobSettings, start: str, suffix: str, attempt: Attempt) -> dict[str, Any]:
    """After the webhook START: the run ends Succeeded on exit status 0; on another status or no
    report before the deadline it ends Failed naming the status and the dyno, unless ATTEMPT is
    followed by another, when the attempt's ending is only recorded (attempt_actions reads it).
    Success is an explicit Terminate after a retried start (SUFFIX holds "_again") or when the job
    has retries: an earlier Failed or TimedOut action would otherwise fail the run, and a later
    attempt would start."""
    report = f"body('{start}')"
    shown = f"outputs('Exit_report{suffix}')"
    succeeded: dict[str, Any] = {}
    if "_again" in suffix or job.retries:
        name = f"Succeeded_after_retry{attempt.tag}" if "_again" in suffix else f"Job_succeeded{attempt.tag}"
        succeeded = {name: {"type": "Terminate", "inputs": {"runStatus": "Succeeded"}, "runAfter": {}}}
    exit_report = _visible(
        f"Exit_report{suffix}",
        {"exitStatus": f"@{report}?['exitStatus']", "dyno": f"@{report}?['dyno']"},
        {},
    )
    no_report = _no_report(job)
    failed: dict[str, Any] = {}
    if attempt.final:
        failed = {
            f"Job_failed{suffix}": _fail(
                "JobFailed",
                f"job {job.name} exited with status @{{{shown}?['exitStatus']}} on dyno "
                f"@{{{shown}?['dyno']}}; its logs: python -m infra logs --dyno @{{{shown}?['dyno']}}" + attempt.earlier,
                {f"Exit_report{suffix}": ["Succeeded"]},
            )
        }
        after_timeout = _fail("NoExitReport", _no_report_message(job, attempt), {start: ["TimedOut"]})
    else:
        # Recorded for the attempt's summary; the run goes on to the next attempt.
        after_timeout = {"type": "Compose", "inputs": no_report, "runAfter": {start: ["TimedOut"]}}
    return {
        f"{EXIT_CONDITION}{suffix}": {
            "type": "If",
            "expression": f"@equals({report}?['exitStatus'], 0)",
            "actions": succeeded,
            "else": {"actions": {**exit_report, **failed}},
            "runAfter": {start: ["Succeeded"]},
        },
        f"No_exit_report{suffix}": after_timeout,
    }


def _no_report(job: JobSettings) -> str:
    return (
        f"no exit status within {report_deadline(job)} s (time_to_live {job.time_to_live} s + "
        f"{REPORT_MARGIN_SECONDS} s)"
    )


def _no_report_message(job: JobSettings, attempt: Attempt, how: str = "") -> str:
    return (
        f"job {job.name}: {_no_report(job)}{how}: the dyno was killed before it could report, or could not "
        "reach Logic Apps; see python -m infra logs" + attempt.earlier
    )


def _cancelled_wait(job: JobSettings, attempt: Attempt, suffix: str, after: dict[str, list[str]]) -> dict[str, Any]:
    """The run's end when the wait for the report timed out as Cancelled with ActionTimedOut.

    Microsoft documents both readings of a webhook's `limit.timeout` (logic-apps-workflow-actions-
    triggers.md): runAfter `TimedOut` (error-exception-handling.md), which No_exit_report takes, and
    ("Change asynchronous duration") "the action's status is marked as `Cancelled` with the
    `ActionTimedOut` code". runAfter takes no Cancelled status, so every ending after the start is
    then Skipped: this Terminate runs after all of them Skipped (AFTER), which happens only when the
    start ended neither Succeeded, Failed nor TimedOut. Without it the run ended Cancelled, which
    RunsFailed and the receivers never heard of (docs/explanation/run-status.md)."""
    how = " (the wait was cancelled: ActionTimedOut)"
    return {f"No_exit_report_cancelled{suffix}": _fail("NoExitReport", _no_report_message(job, attempt, how), after)}


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


def _start_failed(start: str, suffix: str, earlier: str = "") -> dict[str, Any]:
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
            "not retried because the dyno may have started: check python -m infra ps" + earlier,
            {f"Start_answer{suffix}": ["Succeeded"]},
        ),
    }


def _again_failed(start: str, failed_on: list[str], attempt: Attempt) -> dict[str, Any]:
    suffix = f"_again{attempt.tag}"
    actions = _start_failed(start, suffix, attempt.earlier)
    actions[f"Start_answer{suffix}"]["runAfter"] = {start: failed_on}
    return actions


@dataclass(frozen=True)
class Attempt:
    """One attempt of a run: its number (1 is the first start), and how many the job makes."""

    number: int
    total: int

    @property
    def tag(self) -> str:
        """The suffix of the attempt's action names: none for the first, so a job without retries
        keeps the names run history has always shown."""
        return "" if self.number == 1 else f"_attempt_{self.number}"

    @property
    def final(self) -> bool:
        return self.number == self.total

    @property
    def earlier(self) -> str:
        """The failure message's account of the attempts before this one (their Attempt_N_ended)."""
        if self.number == 1:
            return ""
        shown = "; ".join(f"@{{outputs('{ended(n)}')}}" for n in range(1, self.number))
        return f"; attempt {self.number} of {self.total}; before it {shown}"


# Builds the actions that run before ATTEMPT's start (after RUN_AFTER) and names the one the start
# runs after: overlap skip's check that no other dyno of the job is up.
Recheck = Callable[[Attempt, dict[str, list[str]]], tuple[dict[str, Any], str]]


def ended(number: int) -> str:
    """The Compose that records how attempt NUMBER ended, read by later failure messages."""
    return f"Attempt_{number}_ended"


def backoff_minutes(number: int) -> int:
    """Minutes waited before attempt NUMBER (2 or more): 1, 2, 4, 8, 16, then 30 each time."""
    return min(1 << (number - 2), MAX_BACKOFF_MINUTES)


def _attempt(job: JobSettings, apps: str, attempt: Attempt, run_after: dict[str, list[str]]) -> dict[str, Any]:
    """Start the dyno, retry once only where Heroku proves it created none, and end the run as the
    job ended (with reportExit), or record the ending when another attempt follows.

    The retried start and what follows it sit beside the first start, not inside the refusal's If
    (whose true branch only waits): a later attempt's summary reads both starts, and an action
    inside a branch that did not run may have no result to read (Microsoft does not say).
    Reaching `again` through the If's Succeeded means the true branch ran: the else branch ends
    the run with a Terminate, and the If is Skipped when the start did not fail."""
    call = _start(job, apps)
    start = f"{START_ACTION}{attempt.tag}"
    again = f"{START_ACTION}_again{attempt.tag}"
    decide = f"Retry_if_heroku_refused{attempt.tag}"
    refused_on = ["Failed"] if job.report_exit else ["Failed", "TimedOut"]
    pause = f"Wait_before_retry{attempt.tag}"
    actions: dict[str, Any] = {start: {**call, "runAfter": run_after}}
    if job.report_exit:
        actions.update(_outcome(job, start, attempt.tag, attempt))
    refusals = ", ".join(f"'{code}'" for code in REFUSALS)
    actions[decide] = {
        "type": "If",
        # Retried once, after a pause; anything else may have created a dyno.
        "expression": f"@contains(createArray({refusals}), string({_status_code(start)}))",
        "actions": {
            pause: {
                "type": "Wait",
                "inputs": {"interval": {"count": START_RETRY_SECONDS, "unit": "Second"}},
                "runAfter": {},
            }
        },
        "else": {"actions": _start_failed(start, attempt.tag, attempt.earlier)},
        "runAfter": {start: refused_on},
    }
    actions[again] = {**call, "runAfter": {decide: ["Succeeded"]}}
    actions.update(_again_failed(again, refused_on, attempt))
    if job.report_exit:
        actions.update(_outcome(job, again, f"_again{attempt.tag}", attempt))
    if job.report_exit and attempt.final:
        # An earlier attempt's cancelled wait needs nothing: its summary runs after the same Skipped
        # endings, and the next attempt starts.
        tag, skipped = attempt.tag, ["Skipped"]
        first = {f"{EXIT_CONDITION}{tag}": skipped, f"No_exit_report{tag}": skipped, decide: skipped}
        # The retried start ran exactly when the refusal's If Succeeded (its else branch terminates).
        retried = {decide: ["Succeeded"], f"Start_answer_again{tag}": skipped}
        retried |= {f"{EXIT_CONDITION}_again{tag}": skipped, f"No_exit_report_again{tag}": skipped}
        actions.update(_cancelled_wait(job, attempt, tag, first))
        actions.update(_cancelled_wait(job, attempt, f"_again{tag}", retried))
    return actions


def _summary(job: JobSettings, attempt: Attempt) -> dict[str, Any]:
    """A Compose saying how ATTEMPT ended when another follows, for the failure messages.

    It runs once the attempt's endings are settled, whichever ran: every ending that stops the run
    is a Terminate, so reaching it means the job exited non-zero or sent no report. It reads the
    report of the start that ran last (the retried one, unless it was Skipped): if() picks that
    start's whole result by status, and only then are its outputs read. Never a Skipped action's
    outputs, which may read null or fail the expression, nor inside if(), which may evaluate the
    value it does not return (tests/fakes/wdl.py, "Readings"). Reading the secured webhooks hides this
    Compose's inputs and outputs in run history, but not those of the Terminate that quotes it
    (logic-apps-securing-a-logic-app.md; see _visible), and it holds only the exit status and dyno.
    """
    tag = attempt.tag
    start, again = f"{START_ACTION}{tag}", f"{START_ACTION}_again{tag}"
    report = (
        f"if(equals(actions('{again}')?['status'], 'Skipped'), actions('{start}'), actions('{again}'))"
        "?['outputs']?['body']"
    )
    said = f"concat('dyno ', string({report}?['dyno']), ' exited with status ', string({report}?['exitStatus']))"
    silent = quoted(f"no exit status within {report_deadline(job)} s")
    settled = ["Succeeded", "Skipped"]
    endings = [EXIT_CONDITION, "No_exit_report", "Retry_if_heroku_refused", "Start_answer_again"]
    endings += [f"{EXIT_CONDITION}_again", "No_exit_report_again"]
    return {
        ended(attempt.number): {
            "type": "Compose",
            "inputs": f"attempt {attempt.number}: @{{if(equals({report}?['exitStatus'], null), {silent}, {said})}}",
            "runAfter": {f"{name}{tag}": settled for name in endings},
        }
    }


def start_actions(job: JobSettings, apps: str, recheck: Recheck | None = None) -> dict[str, Any]:
    """Every attempt of a run, one after the other, each after its back-off (backoff_minutes).

    Unrolled rather than an Until loop: each attempt's actions keep their own names, statuses and
    messages in run history, the cost model counts them exactly, and the depth stays that of one
    attempt (a guard, the refusal's If, its exit check: 3 of the 8 levels Microsoft allows,
    logic-apps-limits-and-config.md "Definition limits"); 11 attempts stay far below 500 actions.
    RECHECK gives the actions that end the run before a later attempt while another dyno of the
    job is up (overlap skip), the start running after the returned action."""
    total = job.retries + 1
    actions = _attempt(job, apps, Attempt(1, total), {})
    for number in range(2, total + 1):
        attempt = Attempt(number, total)
        previous = Attempt(number - 1, total)
        actions.update(_summary(job, previous))
        wait = f"Wait_before_attempt_{number}"
        actions[wait] = {
            "type": "Wait",
            "inputs": {"interval": {"count": backoff_minutes(number), "unit": "Minute"}},
            "runAfter": {ended(previous.number): ["Succeeded"]},
        }
        run_after = {wait: ["Succeeded"]}
        if recheck is not None:
            guard, last = recheck(attempt, run_after)
            actions.update(guard)
            run_after = {last: ["Succeeded"]}
        actions.update(_attempt(job, apps, attempt, run_after))
    return actions
