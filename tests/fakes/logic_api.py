"""A local fake of Azure Resource Manager's Logic Apps API (2019-05-01) on 127.0.0.1.

Every request is matched to an operation of Microsoft's REST specification and every answer
validated against it (tests/fakes/logic_rest_spec.py); what does not match is answered 400 and
recorded in `violations`, which tests assert empty.

The runs it serves are made by running the job's real workflow definition (infra.workflow) through
the WDL fake (tests/fakes/wdl.py) with the Heroku answers of each outcome, so run history changes
when the definitions change. What the fake claims beyond the spec, and why:
- A run's actions list holds every action, nested ones (inside an If) included: each action of a
  run is its own resource, `runs/{run}/actions/{actionName}` (logic.json), whatever its depth.
- An action's outputs (and inputs) are behind `outputsLink` (`inputsLink`), a URL signed with a
  `sig` query parameter served by the Logic Apps runtime, not ARM, read without the ARM token; an
  action whose outputs (inputs) are secured has no link (Microsoft, logic-apps-securing-a-logic-app.md,
  "Secure data in run history": secured inputs and outputs are hidden).
- HTTP and webhook outputs are `{"headers", "body"}`; a Compose's are its value, bare (or, with
  `compose_outputs_in_body`, as `body`: Microsoft does not say, the client reads both).
- A Terminate that fails the run gives the run its runError as `error` (and `code`); a run that
  failed without one carries `ActionFailed` (the portal's "An action failed. No dependent actions
  succeeded.").
- Run names are Logic Apps' reverse-time ids (e.g. 08586676746934337772206998657CU22, in the spec's
  examples), so lists are newest first.
- Throttling: ARM answers 429 with Retry-After ("Understand how Azure Resource Manager throttles
  requests"); `fail()` queues such answers.
- The ARM token is checked on every ARM request (401 `InvalidAuthenticationToken` otherwise), and
  must never reach a content link.
"""

from __future__ import annotations

import itertools
import json
import operator
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from azure.core.credentials import AccessToken

from infra.job_command import dyno_command
from infra.settings import JobSettings
from infra.workflow import TOKEN_PARAMETER, TRIGGER_NAMES, all_actions, build_definition
from tests.fakes.logic_rest_spec import check_request, check_response
from tests.fakes.serving import FakeHandler, serving
from tests.fakes.wdl import Context, run

__all__ = [
    "ARM_TOKEN",
    "NO_REPORT_RUN_CANCELLED",
    "OUTCOMES",
    "ArmCredential",
    "FakeLogicApps",
    "running_fake_logic_apps",
    "workflow_id",
]

ARM_TOKEN = "fake-arm-token-5f2c"
SUBSCRIPTION = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345"
RESOURCE_GROUP = "picletter-rg"
CONTENT_SIGNATURE = "sig-SECRET-do-not-print"


NO_REPORT_RUN_CANCELLED = "no_report_run_cancelled"


def _report(status: int, dyno: str, job: str) -> dict[str, Any]:
    return {
        "outputs": {
            "headers": {"Content-Type": "application/json"},
            "body": {"exitStatus": status, "dyno": dyno, "job": job},
        }
    }


def _outcome_calls(outcome: str, job: JobSettings) -> dict[str, dict[str, Any]]:
    """The Heroku answers (and the wrapper's report) each ending of a run is made of."""
    idle: dict[str, Any] = {"outputs": {"statusCode": 200, "body": []}}
    busy = {
        "outputs": {
            "statusCode": 200,
            "body": [{"type": "run", "state": "up", "name": "run.9", "command": dyno_command(job.name, job.command)}],
        }
    }
    refused = {"status": "Failed", "outputs": {"statusCode": 500, "body": {"id": "internal_error"}}}
    return {
        "succeeded": {"List_dynos": idle, "Start_dyno": _report(0, "run.7", job.name)},
        "job_failed": {"List_dynos": idle, "Start_dyno": _report(3, "run.4821", job.name)},
        "no_report": {"List_dynos": idle, "Start_dyno": {"status": "TimedOut", "outputs": {}}},
        # The other reading of a webhook's timeout (tests/fakes/wdl.py, "Timeouts"): the start is
        # "marked as `Cancelled` with the `ActionTimedOut` code" and the cancel ends the run, which
        # Azure then records Cancelled (made with Context.cancel_ends_run; not in OUTCOMES).
        NO_REPORT_RUN_CANCELLED: {
            "List_dynos": idle,
            "Start_dyno": {"status": "Cancelled", "code": "ActionTimedOut", "outputs": {}},
        },
        "start_refused": {"List_dynos": idle, "Start_dyno": refused},
        "retried": {
            "List_dynos": idle,
            "Start_dyno": {"status": "Failed", "outputs": {"statusCode": 429, "body": {"id": "rate_limit"}}},
            "Start_dyno_again": _report(0, "run.8", job.name),
        },
        "skipped": {"List_dynos": busy},
        # With retries: the first attempt's job fails, the second's succeeds.
        "failed_then_succeeded": {
            "List_dynos": idle,
            "List_dynos_attempt_2": idle,
            "Start_dyno": _report(1, "run.4821", job.name),
            "Start_dyno_attempt_2": _report(0, "run.5", job.name),
        },
        "guard_failed": {
            "List_dynos": {"status": "Failed", "outputs": {"statusCode": 401, "body": {"id": "unauthorized"}}}
        },
    }[outcome]


OUTCOMES = (
    "succeeded",
    "job_failed",
    "no_report",
    "start_refused",
    "retried",
    "skipped",
    "guard_failed",
    "running",
    "waiting",
)


@dataclass
class ArmCredential:
    """Stands in for azure-identity's credentials: hands out the fake's token, counting the asks."""

    token: str = ARM_TOKEN
    expires_in: float = 3600.0
    scopes: list[tuple[str, ...]] = field(default_factory=list)

    def get_token(self, *scopes: str) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken(self.token, int(time.time() + self.expires_in))


@dataclass
class FakeRun:
    name: str
    start: datetime
    status: str
    error: dict[str, Any] | None
    actions: list[dict[str, Any]]
    end: datetime | None = None
    tracking_id: str | None = None


@dataclass
class FakeWorkflow:
    name: str
    job: JobSettings
    state: str = "Enabled"
    runs: list[FakeRun] = field(default_factory=list)  # oldest first


@dataclass(frozen=True)
class Fault:
    method: str
    path: str  # regex searched in the path
    status: int = 429
    headers: tuple[tuple[str, str], ...] = (("Retry-After", "0"),)
    code: str = "TooManyRequests"
    times: int = 1


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    authorization: str | None
    headers: dict[str, str]


class FakeLogicApps:
    def __init__(self) -> None:
        self.url = ""
        self.token = ARM_TOKEN
        self.workflows: dict[str, FakeWorkflow] = {}
        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.faults: list[Fault] = []
        self.contents: dict[str, Any] = {}
        self.page_size = 50
        self.compose_outputs_in_body = False
        # Whether ARM's run-trigger carries x-ms-client-tracking-id into the run's correlation: not
        # documented, so tests run both.
        self.honour_tracking_id = True
        # Called as a triggered run starts (e.g. to create its dyno on the Heroku fake); returns the
        # outcome the run is in (default: running, waiting for the exit report).
        self.on_trigger: Callable[[FakeWorkflow, FakeRun], None] | None = None
        # Runs that other triggers start at the same moment as the next run-trigger POST.
        self.concurrent_outcomes: list[str] = []
        self._clock = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
        self._ticks = itertools.count(1)
        self._lock = threading.Lock()

    # -- state ----------------------------------------------------------------------------------

    def add_workflow(self, name: str, job: JobSettings, state: str = "Enabled") -> FakeWorkflow:
        workflow = FakeWorkflow(name, job, state)
        self.workflows[name] = workflow
        return workflow

    def fail(self, method: str, path: str, **kwargs: Any) -> None:
        self.faults.append(Fault(method, path, **kwargs))

    def now(self) -> datetime:
        return datetime.now(UTC)

    def add_run(
        self, workflow: FakeWorkflow, outcome: str, *, start: datetime | None = None, tracking_id: str | None = None
    ) -> FakeRun:
        """A run of WORKFLOW that ended (or is) as OUTCOME, started at START (default: a minute after the last)."""
        if start is None:
            start = (workflow.runs[-1].start if workflow.runs else self._clock) + timedelta(minutes=1)
        tick = next(self._ticks)
        # Reverse-time ids: later runs sort first, as Logic Apps' run names do.
        name = f"0858{10**15 - int(start.timestamp() * 1000) - tick:016d}CU{tick:02d}"
        made = self._make_run(workflow, name, outcome, start)
        made.tracking_id = tracking_id
        workflow.runs.append(made)
        return made

    def _link(self, content: Any) -> dict[str, Any]:
        key = uuid.uuid4().hex
        self.contents[key] = content
        body = json.dumps(content)
        return {
            "uri": f"{self.url}/content/{key}?api-version=2019-05-01&sp=%2Fread&sv=1.0&sig={CONTENT_SIGNATURE}",
            "contentVersion": key[:24],
            "contentSize": len(body),
            "contentHash": {"algorithm": "md5", "value": key[:24]},
        }

    def _make_run(self, workflow: FakeWorkflow, name: str, outcome: str, start: datetime) -> FakeRun:
        definition = build_definition(workflow.job, "picletter-test", "https://api.heroku.com")
        actions = dict(all_actions(definition["actions"]))
        if outcome == "waiting":
            return FakeRun(name, start, "Waiting", None, [])
        if outcome == "running":
            ran = {
                "List_dynos": "Succeeded",
                "Same_job_running": "Succeeded",
                "Skip_if_still_running": "Running",
                "Start_dyno": "Running",
            }
            listed = [
                self._action(workflow, name, n, actions[n], {"status": s}, start)
                for n, s in ran.items()
                if n in actions
            ]
            return FakeRun(name, start, "Running", None, listed)
        context = Context(parameters={TOKEN_PARAMETER: "t"}, cancel_ends_run=outcome == NO_REPORT_RUN_CANCELLED)
        result = run(definition, _outcome_calls(outcome, workflow.job), context)
        listed = [
            self._action(workflow, name, action_name, actions[action_name], outcome_of, start)
            for action_name, outcome_of in result.results.items()
        ]
        error = result.error
        if result.status == "Failed" and error is None:
            error = {"code": "ActionFailed", "message": "An action failed. No dependent actions succeeded."}
        return FakeRun(
            name, start, result.status, dict(error) if error else None, listed, end=start + timedelta(seconds=95)
        )

    def _action(
        self,
        workflow: FakeWorkflow,
        run_name: str,
        name: str,
        action: dict[str, Any],
        result: dict[str, Any],
        start: datetime,
    ) -> dict[str, Any]:
        secured = set(((action.get("runtimeConfiguration") or {}).get("secureData") or {}).get("properties", []))
        status = result["status"]
        properties: dict[str, Any] = {"startTime": _stamp(start), "status": status}
        if status not in ("Running", "Waiting"):
            properties["endTime"] = _stamp(start + timedelta(seconds=90))
        kind = action["type"]
        if status == "Succeeded" or "outputs" in result:
            outputs = result.get("outputs")
            if kind == "Compose":
                outputs = {"body": outputs} if self.compose_outputs_in_body else outputs
            if kind in ("Http", "HttpWebhook", "Compose", "Query") and outputs is not None and "outputs" not in secured:
                properties["outputsLink"] = self._link(outputs)
            if kind in ("Http", "HttpWebhook") and "inputs" not in secured and "inputs" in result:
                properties["inputsLink"] = self._link(result["inputs"])
        if (
            kind in ("Http", "HttpWebhook")
            and isinstance(result.get("outputs"), dict)
            and "statusCode" in result["outputs"]
        ):
            properties["code"] = str(result["outputs"]["statusCode"])
        elif result.get("code"):
            # An action's own code when it has no HTTP answer: ActionTimedOut for a timed-out wait
            # (Microsoft: "marked as `Cancelled` with the `ActionTimedOut` code").
            properties["code"] = str(result["code"])
        return {
            "id": f"{workflow_id(workflow.name)}/runs/{run_name}/actions/{name}",
            "name": name,
            "type": "Microsoft.Logic/workflows/runs/actions",
            "properties": properties,
        }

    # -- HTTP -----------------------------------------------------------------------------------

    def respond(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, str], Any]:
        parts = urlsplit(target)
        query = parse_qs(parts.query, keep_blank_values=True)
        lowered = {k.lower(): v for k, v in headers.items()}
        with self._lock:
            self.requests.append(Recorded(method, parts.path, query, lowered.get("authorization"), lowered))
            if parts.path.startswith("/content/"):
                return self._content(parts.path, query, lowered)
            operation, problems = check_request(method, parts.path, query, raw)
            if problems or operation is None:
                self.violations += problems
                return 400, {}, {"error": {"code": "InvalidRequest", "message": "; ".join(problems)}}
            status, extra, body = self._answer(method, parts.path, query, lowered)
            problems = check_response(operation, status, body)
            self.violations += problems
            return status, extra, body

    def _content(
        self, path: str, query: dict[str, list[str]], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        if "authorization" in headers:
            self.violations.append("the ARM token was sent to a content link")
        key = path.rsplit("/", 1)[1]
        if query.get("sig") != [CONTENT_SIGNATURE] or key not in self.contents:
            return 403, {}, {"error": {"code": "AuthorizationFailed", "message": "bad signature"}}
        return 200, {}, self.contents[key]

    def _error(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], Any]:
        return status, headers or {}, {"error": {"code": code, "message": message}}

    def _answer(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        if headers.get("authorization") != f"Bearer {self.token}":
            return self._error(401, "InvalidAuthenticationToken", "The access token is invalid.")
        for index, fault in enumerate(self.faults):
            if fault.method == method and re.search(fault.path, path):
                if fault.times <= 1:
                    del self.faults[index]
                else:
                    self.faults[index] = replace(fault, times=fault.times - 1)
                return self._error(fault.status, fault.code, "fault injected by the test", dict(fault.headers))
        match = re.match(
            r"^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.Logic/workflows/([^/]+)(.*)$", path
        )
        assert match, path  # check_request matched an operation
        sub, group, name, rest = match.groups()
        workflow = self.workflows.get(name)
        if sub != SUBSCRIPTION or group != RESOURCE_GROUP or workflow is None:
            return self._error(
                404,
                "ResourceNotFound",
                f"The Resource 'Microsoft.Logic/workflows/{name}' under resource group '{group}' was not found.",
            )
        base = f"/subscriptions/{sub}/resourceGroups/{group}/providers/Microsoft.Logic/workflows/{name}"
        trigger = TRIGGER_NAMES[workflow.job.catch_up]
        if rest == "" and method == "GET":
            return 200, {}, self._workflow(workflow, base)
        if rest == "/triggers" and method == "GET":
            return (
                200,
                {},
                {
                    "value": [
                        {
                            "id": f"{base}/triggers/{trigger}",
                            "name": trigger,
                            "type": "Microsoft.Logic/workflows/triggers",
                            "properties": {"state": workflow.state, "provisioningState": "Succeeded"},
                        }
                    ]
                },
            )
        if rest == "/runs" and method == "GET":
            runs = self._filtered(workflow.runs, query)
            return 200, {}, self._page([self._run(workflow, r, base) for r in reversed(runs)], path, query)
        if m := re.fullmatch(r"/runs/([^/]+)(/actions|/cancel)?", rest):
            found = next((r for r in workflow.runs if r.name == m[1]), None)
            if found is None:
                return self._error(404, "WorkflowRunNotFound", f"The workflow run '{m[1]}' could not be found.")
            if m[2] == "/actions":
                return 200, {}, self._page(found.actions, path, query)
            if m[2] == "/cancel":
                if found.status not in ("Running", "Waiting"):
                    # Code and message are the fake's: the spec gives only ErrorResponse.
                    return self._error(
                        409, "WorkflowRunNotInProgress", f"The workflow run '{found.name}' is not running."
                    )
                found.status, found.end = "Cancelled", self.now()
                return 200, {}, None
            return 200, {}, self._run(workflow, found, base)
        if m := re.fullmatch(r"/triggers/([^/]+)(/run|/histories)", rest):
            if m[1] != trigger:
                return self._error(404, "WorkflowTriggerNotFound", f"The workflow trigger '{m[1]}' could not be found.")
            if m[2] == "/histories":
                runs = self._filtered(workflow.runs, query)
                return 200, {}, self._page([self._history(r, base, trigger) for r in reversed(runs)], path, query)
            if workflow.state != "Enabled":
                return self._error(409, "WorkflowNotEnabled", f"The workflow '{name}' is not enabled.")
            moment = self.now()
            for other in self.concurrent_outcomes:
                self.add_run(workflow, other, start=moment)
            self.concurrent_outcomes = []
            tracking = headers.get("x-ms-client-tracking-id") if self.honour_tracking_id else None
            started = self.add_run(workflow, "running", start=moment, tracking_id=tracking)
            if self.on_trigger:
                self.on_trigger(workflow, started)
            return 202, {}, None
        return self._error(404, "NotFound", "the fake serves no such resource")

    def _filtered(self, runs: list[FakeRun], query: dict[str, list[str]]) -> list[FakeRun]:
        text = query.get("$filter", [""])[0]
        if not text:
            return runs
        kept = list(runs)
        for clause in text.split(" and "):
            if m := re.fullmatch(r"status eq '(\w+)'", clause.strip()):
                kept = [r for r in kept if r.status == m[1]]
            elif m := re.fullmatch(
                r"startTime (ge|gt|le|lt) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)", clause.strip()
            ):
                bound = datetime.fromisoformat(m[2].replace("Z", "+00:00"))
                op = {"ge": operator.ge, "gt": operator.gt, "le": operator.le, "lt": operator.lt}[m[1]]
                kept = [r for r in kept if op(r.start, bound)]
            else:
                self.violations.append(f"$filter clause the fake does not know: {clause!r}")
        return kept

    def _page(self, items: list[Any], path: str, query: dict[str, list[str]]) -> dict[str, Any]:
        top = int(query.get("$top", ["0"])[0]) or self.page_size
        size = min(top, self.page_size)
        offset = int(query.get("$skiptoken", ["0"])[0])
        page: dict[str, Any] = {"value": items[offset : offset + size]}
        if offset + size < len(items):
            rest = "&".join(f"{k}={v[0]}" for k, v in query.items() if k != "$skiptoken")
            page["nextLink"] = f"{self.url}{path}?{rest}&$skiptoken={offset + size}"
        return page

    def _workflow(self, workflow: FakeWorkflow, base: str) -> dict[str, Any]:
        return {
            "id": base,
            "name": workflow.name,
            "type": "Microsoft.Logic/workflows",
            "location": "westeurope",
            "tags": {},
            "properties": {
                "provisioningState": "Succeeded",
                "state": workflow.state,
                "version": "08586677515911718341",
                "definition": build_definition(workflow.job, "picletter-test", "https://api.heroku.com"),
                "parameters": {},
            },
        }

    def _run(self, workflow: FakeWorkflow, found: FakeRun, base: str) -> dict[str, Any]:
        trigger = TRIGGER_NAMES[workflow.job.catch_up]
        properties: dict[str, Any] = {
            "startTime": _stamp(found.start),
            "status": found.status,
            "correlation": {"clientTrackingId": found.tracking_id or found.name},
            "workflow": {
                "id": f"{base}/versions/08586677515911718341",
                "name": "08586677515911718341",
                "type": "Microsoft.Logic/workflows/versions",
            },
            "trigger": {
                "name": trigger,
                "startTime": _stamp(found.start),
                "endTime": _stamp(found.start),
                "scheduledTime": _stamp(found.start),
                "code": "OK",
                "status": "Succeeded",
            },
            "outputs": {},
        }
        if found.end:
            properties["endTime"] = _stamp(found.end)
        if found.error:
            properties["error"] = found.error
            properties["code"] = found.error.get("code")
        return {
            "id": f"{base}/runs/{found.name}",
            "name": found.name,
            "type": "Microsoft.Logic/workflows/runs",
            "properties": properties,
        }

    def _history(self, found: FakeRun, base: str, trigger: str) -> dict[str, Any]:
        return {
            "id": f"{base}/triggers/{trigger}/histories/{found.name}",
            "name": found.name,
            "type": "Microsoft.Logic/workflows/triggers/histories",
            "properties": {
                "startTime": _stamp(found.start),
                "endTime": _stamp(found.start),
                "scheduledTime": _stamp(found.start),
                "status": "Succeeded",
                "code": "OK",
                "fired": True,
                "correlation": {"clientTrackingId": found.tracking_id or found.name},
                "run": {
                    "name": found.name,
                    "id": f"{base}/runs/{found.name}",
                    "type": "Microsoft.Logic/workflows/runs",
                },
            },
        }


def workflow_id(name: str) -> str:
    return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.Logic/workflows/{name}"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"  # 7 digits, as ARM writes them


class _Handler(FakeHandler):
    def _serve(self) -> None:
        status, headers, payload = self.server.fake.respond(
            self.command, self.path, dict(self.headers.items()), self.read_body()
        )
        data = b"" if payload is None else json.dumps(payload).encode()
        content_type = {} if payload is None else {"Content-Type": "application/json; charset=utf-8"}
        self.send_answer(status, {**content_type, "x-ms-request-id": str(uuid.uuid4()), **headers}, data)

    do_GET = do_POST = _serve


@contextmanager
def running_fake_logic_apps() -> Iterator[FakeLogicApps]:
    fake = FakeLogicApps()
    with serving(fake, _Handler) as url:
        fake.url = url
        yield fake
