"""A job's run as one line of history: pure functions of what the Logic Apps API returns.

What each ending of the workflow (infra.workflow) leaves in run history, and where this module reads it:

| ending                               | run status | where the details are                                   |
| ------------------------------------ | ---------- | ------------------------------------------------------- |
| job exited 0                         | Succeeded  | start action's outputs body: {"exitStatus", "dyno", "job"} |
| job exited N != 0                    | Failed     | run error JobFailed (Job_failed Terminate) + the report |
| no report before the deadline        | Failed     | run error NoExitReport (No_exit_report Terminate)       |
| Heroku refused the dyno create       | Failed     | run error StartDynoFailed (Start_failed Terminate)      |
| skipped: the job's dyno still up     | Cancelled  | Overlap_reason Compose's outputs (the skip guard)       |
| queued past its next recurrence      | Cancelled  | Overtaken_reason Compose's outputs (the queue guard)    |
| a retry found the job's dyno up      | Failed     | run error NotRetried (Not_retried Terminate)            |
| an action failed, nothing handled it | Failed     | the run's error, and the first failed action            |
| no report, the wait read as a cancel | Failed     | run error NoExitReport (No_exit_report_cancelled)       |
| the same, should the cancel end the  | Failed     | shown as NoExitReport: a start action Cancelled with    |
|   run (Azure: Cancelled)             |            | ActionTimedOut (Azure's status kept in the message)     |
| cancelled by hand                    | Cancelled  | the cancelled action and its code                       |
| waiting for the exit report          | Running    | the start action Running/Waiting                        |
| queued behind the running one        | Waiting    | -                                                       |

With `retries`, each later attempt repeats the start's actions with the suffix `_attempt_N`
(infra.workflow.start, Attempt.tag): the tables name the first attempt's actions, and the report is
read from the last attempt that got one. The start action's and the Compose's outputs sit behind
`outputsLink`, a signed content link read with a second GET (infra.azure.client); `contents_to_read`
says which. When the workflow's actions change, these tables change with them
(tests/infra/azure/test_history.py checks them both ways against every definition variant).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from infra.workflow import START_ACTION

__all__ = [
    "AZURE_STATUSES_SHOWN_AS",
    "GENERIC_RUN_ERRORS",
    "REASON_ACTIONS",
    "REPORT_ACTIONS",
    "TERMINATE_CODES",
    "RunRecord",
    "contents_to_read",
    "format_duration",
    "format_line",
    "newest_first",
    "parse_time",
    "report_order",
    "run_record",
    "split_attempt",
]

# Webhook actions whose outputs body is the wrapper's exit report, in the order they run within an
# attempt (the start, then its one retry after a refused create).
REPORT_ACTIONS = (START_ACTION, f"{START_ACTION}_again")
# Compose actions whose output is the reason a run cancelled itself (the `skip` and `queue` guards).
REASON_ACTIONS = ("Overlap_reason", "Overtaken_reason")
# Terminate actions that fail a run, and their runError code: read when the run carries no error.
TERMINATE_CODES = {
    "Job_failed": "JobFailed",
    "Job_failed_again": "JobFailed",
    "No_exit_report": "NoExitReport",
    "No_exit_report_again": "NoExitReport",
    "No_exit_report_cancelled": "NoExitReport",
    "No_exit_report_cancelled_again": "NoExitReport",
    "Start_failed": "StartDynoFailed",
    "Start_failed_again": "StartDynoFailed",
    "Not_retried": "NotRetried",
}
# The suffix of a later attempt's actions (infra.workflow.start, Attempt.tag).
_ATTEMPT = re.compile(r"^(?P<base>.+?)(?:_attempt_(?P<number>[0-9]+))?$")
# Run error codes that say only that some action failed: the failed action is named instead.
GENERIC_RUN_ERRORS = ("ActionFailed",)
# Action statuses in which an action did not end well (logic.json, WorkflowStatus).
_FAILED = ("Failed", "TimedOut", "Aborted", "Faulted")
# The run statuses Azure records for the runs run_record shows as each status, where they differ:
# a run Azure records Cancelled is shown Failed when its start's wait timed out (ActionTimedOut). A
# filter on a shown status asks Azure for these, then keeps the records shown so.
AZURE_STATUSES_SHOWN_AS: dict[str, tuple[str, ...]] = {"Failed": ("Failed", "Cancelled")}
_IN_PROGRESS = ("Running", "Waiting")


@dataclass(frozen=True)
class RunRecord:
    run: str
    status: str
    start: datetime | None
    end: datetime | None
    exit_status: int | None = None
    dyno: str | None = None
    job: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    reason: str | None = None
    waiting_on: str | None = None  # the action a run in progress waits in
    attempt: int = 1  # the last attempt that started the job's dyno (jobs with `retries`)

    def duration(self, now: datetime) -> float | None:
        if self.start is None:
            return None
        return max(0.0, ((self.end or now) - self.start).total_seconds())

    def as_json(self, now: datetime) -> dict[str, Any]:
        data = asdict(self)
        data["start"] = _iso(self.start)
        data["end"] = _iso(self.end)
        data["durationSeconds"] = self.duration(now)
        return {_camel(key): value for key, value in data.items()}


def newest_first(listings: Iterable[Iterable[Mapping[str, Any]]]) -> Iterator[Mapping[str, Any]]:
    """The runs of LISTINGS (each newest first, as Logic Apps lists runs) as one list newest first,
    by start time, read lazily: each listing only as far as the runs taken need."""
    return heapq.merge(*listings, key=_start_key, reverse=True)


def _start_key(run: Mapping[str, Any]) -> datetime:
    return parse_time(_properties(run).get("startTime")) or datetime.min.replace(tzinfo=UTC)


def parse_time(text: Any) -> datetime | None:
    """An ARM date-time (ISO 8601 with up to 7 fractional digits and Z), or None."""
    if not isinstance(text, str) or not text:
        return None
    head, _, rest = text.replace("Z", "+00:00").partition(".")
    if rest:  # Python reads at most 6 fractional digits
        digits = "".join(c for c in rest if c.isdigit())
        zone = rest[len(digits) :]
        head = f"{head}.{digits[:6]}{zone}"
    try:
        value = datetime.fromisoformat(head)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def split_attempt(name: str) -> tuple[str, int]:
    """An action's name without its attempt suffix, and the attempt (1 for the first)."""
    match = _ATTEMPT.match(name)
    assert match is not None  # the pattern matches every string
    return match["base"], int(match["number"] or 1)


def report_order(name: str) -> tuple[int, int] | None:
    """Where a report action runs in the run (later attempts, then the retry within one), or None."""
    base, attempt = split_attempt(name)
    return (attempt, REPORT_ACTIONS.index(base)) if base in REPORT_ACTIONS else None


def _properties(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    properties = resource.get("properties")
    return properties if isinstance(properties, Mapping) else {}


def _by_name(actions: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(action.get("name")): action for action in actions}


def contents_to_read(actions: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Action name -> outputsLink, for the actions whose outputs a history line shows: the report
    action that succeeded last (a later attempt's, the retry's), and the reason a run cancelled itself."""
    wanted: dict[str, Mapping[str, Any]] = {}
    reports: list[tuple[tuple[int, int], str, Mapping[str, Any]]] = []
    for action in actions:
        name, properties = str(action.get("name")), _properties(action)
        link = properties.get("outputsLink")
        if properties.get("status") != "Succeeded" or not isinstance(link, Mapping) or not link.get("uri"):
            continue
        order = report_order(name)
        if order is not None:
            reports.append((order, name, link))
        elif name in REASON_ACTIONS and not any(n in wanted for n in REASON_ACTIONS):
            wanted[name] = link
    if reports:
        _, name, link = max(reports, key=lambda report: report[0])
        wanted[name] = link
    return wanted


def _body(content: Any) -> Any:
    """An action's outputs as the content link serves them: `{"headers", "body"}` for HTTP and webhook
    actions (Microsoft, connectors-native-webhook.md "Output details"); Compose's value bare or as
    `body` (Microsoft's docs do not say which: both are read)."""
    if isinstance(content, Mapping) and "body" in content:
        return content["body"]
    return content


def _report(content: Any) -> tuple[int | None, str | None, str | None]:
    body = _body(content)
    if not isinstance(body, Mapping):
        return None, None, None
    status = body.get("exitStatus")
    dyno, job = body.get("dyno"), body.get("job")
    return (
        status if isinstance(status, int) and not isinstance(status, bool) else None,
        dyno if isinstance(dyno, str) else None,
        job if isinstance(job, str) else None,
    )


def run_record(run: Mapping[str, Any], actions: Iterable[Mapping[str, Any]], contents: Mapping[str, Any]) -> RunRecord:
    """RUN (WorkflowRun) with its ACTIONS (WorkflowRunAction list) and CONTENTS (action name -> what
    its outputsLink held, for the names contents_to_read gave) as one record."""
    properties = _properties(run)
    found = _by_name(actions)
    status = str(properties.get("status") or "NotSpecified")
    exit_status = dyno = job = None
    for name in contents:
        if report_order(name) is not None:
            exit_status, dyno, job = _report(contents[name])
    reason = next((str(_body(contents[n])) for n in REASON_ACTIONS if n in contents), None)
    code, message = _run_error(properties)
    if status == "Failed" and (code is None or code in GENERIC_RUN_ERRORS):
        code, message = _failure_from_actions(found, code, message, _FAILED)
    elif status == "Cancelled" and code is None and reason is None and (timed_out := _timed_out_wait(found)):
        # A webhook's timeout read as a cancel that ended the run at once (Microsoft: the action "is
        # marked as `Cancelled` with the `ActionTimedOut` code"; what follows it they do not say): the
        # job sent no report in time, a failure, as No_exit_report_cancelled records it when the run
        # goes on. Azure's own status stays in the message.
        status, code = "Failed", "NoExitReport"
        message = (
            f"no exit report before the deadline: action {timed_out} Cancelled (ActionTimedOut); "
            "Azure shows the run Cancelled"
        )
    elif status == "Cancelled" and code is None and reason is None:
        # Cancelled by hand (`runs cancel`, the portal): name the cancelled action.
        code, message = _failure_from_actions(found, None, None, ("Cancelled", *_FAILED))
    waiting_on = None
    if status in _IN_PROGRESS:
        busy = [name for name, action in found.items() if _properties(action).get("status") in _IN_PROGRESS]
        waiting_on = next((name for name in busy if report_order(name) is not None), busy[-1] if busy else None)
    started = [
        report_order(name)
        for name, action in found.items()
        if _properties(action).get("status") not in (None, "Skipped")
    ]
    attempt = max((order[0] for order in started if order is not None), default=1)
    return RunRecord(
        run=str(run.get("name", "")),
        status=status,
        start=parse_time(properties.get("startTime")),
        end=parse_time(properties.get("endTime")),
        exit_status=exit_status,
        dyno=dyno,
        job=job,
        error_code=code,
        error_message=message,
        reason=reason,
        waiting_on=waiting_on,
        attempt=attempt,
    )


def _timed_out_wait(found: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The report action (a start) whose wait for the exit report was cancelled by its timeout."""
    return next(
        (
            name
            for name, action in found.items()
            if report_order(name) is not None
            and _properties(action).get("status") == "Cancelled"
            and _properties(action).get("code") == "ActionTimedOut"
        ),
        None,
    )


def _run_error(properties: Mapping[str, Any]) -> tuple[str | None, str | None]:
    error = properties.get("error")
    if isinstance(error, Mapping) and (error.get("code") or error.get("message")):
        return _text(error.get("code")), _text(error.get("message"))
    return None, None


def _failure_from_actions(
    found: Mapping[str, Mapping[str, Any]], code: str | None, message: str | None, statuses: tuple[str, ...]
) -> tuple[str | None, str | None]:
    """A run whose error says little (none, or Logic Apps' generic ActionFailed): the Terminate that
    ran, else the first action in one of STATUSES, named with its code (an HTTP status, ActionTimedOut)."""
    for name, action in found.items():
        terminate_code = TERMINATE_CODES.get(split_attempt(name)[0])
        if terminate_code and _properties(action).get("status") == "Succeeded":
            return terminate_code, message
    for name, action in found.items():
        properties = _properties(action)
        if properties.get("status") in statuses:
            action_code = _text(properties.get("code"))
            detail = f"action {name} {properties.get('status')}" + (f" ({action_code})" if action_code else "")
            cancelled_code = action_code if properties.get("status") == "Cancelled" else None
            return code or cancelled_code or str(properties.get("status")), detail
    return code, message


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def format_line(record: RunRecord, *, now: datetime, zone: tzinfo | None = None) -> str:
    """One line: start (local and UTC), status, duration, exit status, dyno, and what went wrong."""
    if record.start is None:
        when = "-"
    else:
        local = record.start.astimezone(zone)
        when = f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()} ({record.start.astimezone(UTC):%H:%M} UTC)"
    exit_text = "-" if record.exit_status is None else str(record.exit_status)
    columns = f"{when:<38} {record.status:<9} {format_duration(record.duration(now)):>7}  exit {exit_text:<3} "
    columns += f"{record.dyno or '-':<10} {record.run}"
    detail = ""
    if record.error_code or record.error_message:
        detail = ": ".join(part for part in (record.error_code, record.error_message) if part)
    elif record.reason:
        detail = record.reason
    elif record.waiting_on and report_order(record.waiting_on) is not None:
        detail = f"waiting for the job's exit report ({record.waiting_on})"
    elif record.waiting_on:
        detail = f"in {record.waiting_on}"
    elif record.status == "Waiting":
        detail = "queued: waits for the job's running run to end (overlap: queue)"
    if record.attempt > 1:
        detail = f"(attempt {record.attempt}) {detail}"
    return f"{columns}  {detail}".rstrip()


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
