"""`python -m infra history|trigger|runs cancel`: a job's Logic App runs, through Azure Resource
Manager (infra.azure), as the Azure portal's run history shows them.

- `history JOB`: one line per run, newest first: start (local and UTC), status, duration, the job's
  exit status, the dyno, and what went wrong (infra.azure.history).
- `trigger JOB [--tail]`: runs the workflow's trigger now, so the run goes through the overlap
  guard, the exit report, alerts and history (unlike `run`, which starts a dyno directly); finds its
  run (infra.azure.trigger) and dyno; with --tail follows the dyno's logs and exits with its status.
- `runs cancel JOB RUN`: cancels a waiting or running run (the dyno is Heroku's: it keeps running).

Which workflow: `pulumi stack output --json` piped in or named by --outputs, or --subscription,
--resource-group and --workflow.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import stat
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from infra.azure.client import LogicAppsClient
from infra.azure.credential import azure_credential, management_url
from infra.azure.history import (
    AZURE_STATUSES_SHOWN_AS,
    RunRecord,
    contents_to_read,
    format_line,
    newest_first,
    parse_time,
    report_order,
    run_record,
    split_attempt,
)
from infra.azure.trigger import check_enabled, pick_trigger, trigger_now
from infra.azure.workflow_ref import WorkflowRef, job_from_outputs, parse_workflow_id
from infra.cli.dynos import add_status_file_option
from infra.cli.status_file import Ending, exited, unknown
from infra.errors import UserError
from infra.heroku.client import HerokuClient, retry_settings
from infra.heroku.environment import heroku_environment
from infra.heroku.follow import follow_dyno
from infra.heroku.payloads import Dyno
from infra.job_command import job_and_command
from infra.workflow import TRIGGER_NAMES, all_actions

__all__ = ["pick_dyno", "register"]

STATUSES = {
    "succeeded": "Succeeded",
    "failed": "Failed",
    "cancelled": "Cancelled",
    "running": "Running",
    "waiting": "Waiting",
}
_TERMINAL = ("Succeeded", "Failed", "Cancelled", "Skipped", "TimedOut", "Aborted", "Faulted")
# A dyno belongs to the run when Heroku created it at most this long before the run's start action
# began (clock skew between Azure and Heroku).
DYNO_SKEW = timedelta(seconds=60)
POLL_SECONDS = 2.0
# Without --tail, how long `trigger` waits for the run's dyno to show before it leaves it be.
FIND_DYNO_SECONDS = 120.0


def _add_location(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("job", help="the job's name (jobs[].name in the stack config)")
    where = parser.add_argument_group("where the workflow is (default: `pulumi stack output --json` piped in)")
    where.add_argument("--outputs", metavar="FILE", help="the JSON of `pulumi stack output --json` ('-': stdin)")
    where.add_argument("--subscription", help="Azure subscription id")
    where.add_argument("--resource-group", help="the stack's resource group")
    where.add_argument("--workflow", help="the job's Logic App name (jobs.<name>.workflowName)")


def register(commands: Any) -> None:
    history = commands.add_parser("history", help="a job's runs from Azure: status, duration, exit status, dyno")
    _add_location(history)
    history.add_argument("--last", type=int, default=20, help="how many runs, newest first (default 20)")
    history.add_argument("--status", choices=sorted(STATUSES), help="only runs in this status")
    history.add_argument("--since", help="only runs started at or after this ISO date-time (UTC unless it says)")
    history.add_argument("--json", action="store_true", help="one JSON object per run, for scripts")
    history.set_defaults(run=_history)

    trigger = commands.add_parser("trigger", help="run a job's workflow now (a real run: guard, report, history)")
    _add_location(trigger)
    trigger.add_argument("--tail", action="store_true", help="follow the dyno's logs and exit with its exit status")
    trigger.add_argument("--app", help="Heroku app for --tail (default: the stack's herokuApp output, $HEROKU_APP)")
    trigger.add_argument("--max-seconds", type=int, default=86400 + 600, help="with --tail, stop following after this")
    add_status_file_option(trigger, "--tail")
    trigger.set_defaults(run=_trigger, following=lambda args: args.tail, following_needs="--tail")

    runs = commands.add_parser("runs", help="act on one run of a job's workflow")
    actions = runs.add_subparsers(dest="action", required=True, metavar="ACTION", help="what to do with the run")
    cancel = actions.add_parser("cancel", help="cancel a waiting or running run (its dyno keeps running)")
    _add_location(cancel)
    cancel.add_argument("run_name", metavar="RUN", help="the run's name, as `history` shows it")
    cancel.set_defaults(run=_cancel)


# -- which workflow -------------------------------------------------------------------------------


def _piped_stdin() -> bool:
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


def _read_outputs(name: str) -> Mapping[str, Any]:
    source = "stdin" if name == "-" else name
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text()
    except OSError as exc:
        raise UserError(f"--outputs {name}: cannot read it ({exc.strerror})") from None
    try:
        outputs = json.loads(text)
    except json.JSONDecodeError:
        raise UserError(f"{source} is not JSON: pass the output of `pulumi stack output --json`") from None
    if not isinstance(outputs, Mapping):
        raise UserError(f"{source} is not the JSON object `pulumi stack output --json` prints")
    return outputs


def _locate(args: argparse.Namespace) -> tuple[WorkflowRef, str | None]:
    """The job's workflow, and the Heroku app the outputs name."""
    flags = (args.subscription, args.resource_group, args.workflow)
    if any(flags):
        if not all(flags):
            raise UserError("name the workflow with all of --subscription, --resource-group and --workflow")
        named = f"/subscriptions/{args.subscription}/resourceGroups/{args.resource_group}"
        return parse_workflow_id(
            f"{named}/providers/Microsoft.Logic/workflows/{args.workflow}", "the flags' workflow"
        ), None
    name = args.outputs or ("-" if _piped_stdin() else None)
    if name is None:
        raise UserError(
            f"which Logic App runs job {args.job}? pipe in `pulumi stack output --json`, pass --outputs FILE, "
            "or --subscription, --resource-group and --workflow"
        )
    return job_from_outputs(_read_outputs(name), args.job, "stdin" if name == "-" else name)


def _azure() -> LogicAppsClient:
    return LogicAppsClient(azure_credential(), base_url=management_url())


# -- history --------------------------------------------------------------------------------------


def _filters(args: argparse.Namespace) -> list[str | None]:
    """The runs lists' OData $filter, one list per Azure status asked for (logic.json: "Status,
    StartTime, and ClientTrackingId"; no source says `or` is taken, so each status is its own list).
    --status means the status the table shows: for one that Azure may record otherwise
    (AZURE_STATUSES_SHOWN_AS), each such status is listed, and _history keeps the runs shown so."""
    since = None
    if args.since:
        moment = parse_time(args.since)
        if moment is None:
            raise UserError(f"--since {args.since!r} is not an ISO date-time like 2026-11-20 or 2026-11-20T07:00Z")
        since = f"startTime ge {moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
    if not args.status:
        return [since]
    shown = STATUSES[args.status]
    return [
        " and ".join(part for part in (f"status eq '{status}'", since) if part)
        for status in AZURE_STATUSES_SHOWN_AS.get(shown, (shown,))
    ]


def _record(azure: LogicAppsClient, ref: WorkflowRef, run: Mapping[str, Any]) -> RunRecord:
    name = str(run.get("name"))
    actions = azure.run_actions(ref, name)
    contents = {
        action: azure.content(link, f"action {action} of run {name}")
        for action, link in contents_to_read(actions).items()
    }
    return run_record(run, actions, contents)


def _history(args: argparse.Namespace) -> int:
    if not 1 <= args.last <= 1000:
        raise UserError("--last must be 1 to 1000")
    run_filters = _filters(args)
    shown = STATUSES[args.status] if args.status else None
    ref, _ = _locate(args)
    now = datetime.now(UTC)
    with _azure() as azure:
        records = []
        listings = [azure.runs(ref, top=min(args.last, 250), filter=f) for f in run_filters]
        for run in listings[0] if len(listings) == 1 else newest_first(listings):
            record = _record(azure, ref, run)
            if shown is not None and record.status != shown:
                continue  # Azure's status, shown as another (AZURE_STATUSES_SHOWN_AS)
            records.append(record)
            if len(records) == args.last:
                break
    if args.json:
        for record in records:
            print(json.dumps(record.as_json(now)))
        return 0
    if not records:
        print(f"no runs of job {args.job}" + (" matching the filters" if args.status or args.since else ""))
        return 0
    for record in records:
        print(format_line(record, now=now))
    return 0


# -- trigger --------------------------------------------------------------------------------------


def _heroku(args: argparse.Namespace, app: str | None) -> tuple[HerokuClient, str] | None:
    environment = heroku_environment()
    app = args.app or app or environment.app
    if not app or not environment.api_key:
        if args.tail:
            raise UserError(
                "--tail follows the dyno on Heroku: set HEROKU_API_KEY, and --app or HEROKU_APP where the stack "
                "outputs name no herokuApp"
            )
        return None
    return HerokuClient(environment.api_key, base_url=environment.api_url, retry=retry_settings(environment)), app


def _trigger(args: argparse.Namespace) -> int | Ending:
    if args.max_seconds < 1:
        raise UserError("--max-seconds must be at least 1")
    ref, app = _locate(args)
    heroku = _heroku(args, app)
    with _azure() as azure, contextlib.ExitStack() as stack:
        if heroku is not None:
            stack.enter_context(heroku[0])
        workflow = azure.workflow(ref)
        check_enabled(workflow, args.job)
        retries = _has_retries(workflow)
        trigger = pick_trigger(azure.triggers(ref), tuple(TRIGGER_NAMES.values()))
        seen = _run_dynos(heroku)
        started = trigger_now(azure, ref, trigger)
        if started.run is None:
            return _not_found(args, started.candidates, started.history_status)
        run = started.run
        print(f"triggered {trigger} of job {args.job}: run {run}", flush=True)
        deadline = time.monotonic() + args.max_seconds
        while True:
            # A queued run may wait as long as the running one lasts: --tail waits with it.
            wait = deadline - time.monotonic() if args.tail else FIND_DYNO_SECONDS
            found = _find_dyno(azure, ref, run, heroku, args.job, seen, wait)
            if isinstance(found, RunRecord):  # the run ended before its dyno was seen running
                print(format_line(found, now=datetime.now(UTC)), flush=True)
                if not args.tail:
                    return 0
                if heroku is not None and found.dyno and found.dyno not in seen:  # quicker than the look
                    # Its run history names the dyno, not its id: looked at by name.
                    return _follow(args, heroku, (found.dyno, None), found.start, reported=found.exit_status)
                if found.exit_status is not None:
                    return exited(found.exit_status, found.dyno)
                return unknown(found.dyno, f"run {run} ended {found.status} without an exit report")
            if found is None:
                print(
                    f"see its dyno with `python -m infra ps` and its outcome with `python -m infra history {args.job}`"
                )
                return unknown(None, f"no dyno of run {run} was seen") if args.tail else 0
            assert heroku is not None
            dyno = str(found["name"])
            print(f"dyno {dyno} on {heroku[1]}", flush=True)
            if not args.tail:
                return 0
            ending = _follow(args, heroku, (dyno, found.get("id")), parse_time(found.get("created_at")), reported=None)
            seen.add(dyno)
            # With `retries`, a failed attempt is followed by another after its back-off: the job's
            # status is the last attempt's.
            if ending.exit_status == 0 or not retries or not _next_attempt(azure, ref, run, deadline):
                return ending
            said = f"exited with status {ending.exit_status}" if ending.outcome == "exited" else "ended, status unknown"
            print(f"{dyno} {said}; the run starts another attempt after its back-off", flush=True)


def _has_retries(workflow: Mapping[str, Any]) -> bool:
    """Whether the deployed definition makes later attempts (actions named `..._attempt_N`)."""
    definition = (workflow.get("properties") or {}).get("definition") or {}
    return any(split_attempt(name)[1] > 1 for name, _ in all_actions(definition.get("actions") or {}))


def _next_attempt(azure: LogicAppsClient, ref: WorkflowRef, run: str, deadline: float) -> bool:
    """Wait until RUN ends (False) or a later attempt's start action begins (True)."""
    before = _latest_start(azure.run_actions(ref, run))
    while time.monotonic() < deadline:
        if (azure.run(ref, run).get("properties") or {}).get("status") in _TERMINAL:
            return False
        latest = _latest_start(azure.run_actions(ref, run))
        if latest is not None and (before is None or latest[0] > before[0]):
            return True
        time.sleep(POLL_SECONDS)
    return False


def _follow(
    args: argparse.Namespace,
    heroku: tuple[HerokuClient, str],
    named: tuple[str, str | None],
    started: datetime | None,
    reported: int | None,
) -> Ending:
    """Follow the logs of the dyno NAMED (its name and id, None when not known) to its exit status
    (Heroku's `Process exited` line), else the status it REPORTED to the run, else unknown (3, the
    reason on stderr), never a status of a Heroku error."""
    client, app = heroku
    dyno, dyno_id = named
    followed = follow_dyno(
        client, app, dyno, dyno_id=dyno_id, started=started, max_seconds=args.max_seconds, emit=_print
    )
    if followed.exit_status is not None:
        return exited(followed.exit_status, dyno)
    if reported is not None:  # the wrapper's own report to the run: the job's status too
        return exited(reported, dyno)
    print(
        f"{dyno}: its exit status is unknown ({followed.reason}). See `python -m infra history {args.job}`",
        file=sys.stderr,
    )
    return unknown(dyno, followed.reason)


def _not_found(args: argparse.Namespace, candidates: tuple[str, ...], status: str | None) -> int | Ending:
    if candidates:
        said = (
            f"triggered job {args.job}, but {len(candidates)} runs started at the same time ({', '.join(candidates)}) "
            "and Azure's answer names none: see `python -m infra history " + args.job + "`"
        )
    elif status:
        said = f"the trigger of job {args.job} fired no run (trigger history: {status})"
    else:
        said = f"triggered job {args.job}, but no run appeared in its trigger history within a minute"
    print(said, file=sys.stderr)
    return unknown(None, said) if args.tail else 0


def _run_dynos(heroku: tuple[HerokuClient, str] | None) -> set[str]:
    """The app's one-off dynos before the trigger: none of them is the run's."""
    if heroku is None:
        return set()
    client, app = heroku
    return {str(d.get("name")) for d in client.dynos(app) if d.get("type") == "run"}


def _job_of(dyno: Dyno) -> str | None:
    found = job_and_command(dyno.get("command", ""))
    return found[0] if found else None


def pick_dyno(dynos: list[Dyno], job: str, earlier: set[str], start: datetime) -> Dyno | None:
    """The run's dyno among DYNOS: a one-off dyno not there before the trigger (EARLIER), created
    once the run's start action began (START, give or take clock skew); the job's own (its name in
    the command, infra.job_command) first, else the only new one started without the wrapper."""
    new = [
        d
        for d in dynos
        if d.get("type") == "run"
        and d.get("name") not in earlier
        and (created := parse_time(d.get("created_at"))) is not None
        and created >= start - DYNO_SKEW
    ]
    mine = [d for d in new if _job_of(d) == job]
    unnamed = [d for d in new if _job_of(d) is None]
    if not mine and len(unnamed) == 1:
        mine = unnamed
    return min(mine, key=lambda d: abs((parse_time(d.get("created_at")) or start) - start), default=None)


def _latest_start(actions: list[dict[str, Any]]) -> tuple[tuple[int, int], datetime] | None:
    """The run's start action that began last (a later attempt's, the retry's) and when: its dyno
    is created right after."""
    started = []
    for action in actions:
        properties = action.get("properties") or {}
        order = report_order(str(action.get("name")))
        when = parse_time(properties.get("startTime"))
        if order is not None and when is not None and properties.get("status") not in (None, "Skipped"):
            started.append((order, when))
    return max(started, key=lambda item: item[0], default=None)


def _find_dyno(
    azure: LogicAppsClient,
    ref: WorkflowRef,
    run: str,
    heroku: tuple[HerokuClient, str] | None,
    job: str,
    earlier: set[str],
    wait_seconds: float,
) -> Dyno | RunRecord | None:
    """The run's dyno once it is created, or the run's record when it ended first (skipped, refused,
    or so fast the dyno is gone), or None without Heroku access."""
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        details = azure.run(ref, run)
        actions = azure.run_actions(ref, run)
        latest = _latest_start(actions)
        start = latest[1] if latest else None
        if heroku is not None and start is not None:
            client, app = heroku
            dyno = pick_dyno(client.dynos(app), job, earlier, start)
            if dyno is not None:
                return dyno
        if (details.get("properties") or {}).get("status") in _TERMINAL:
            return _record(azure, ref, details)
        if heroku is None and start is not None:
            return None
        time.sleep(POLL_SECONDS)
    return None


def _print(line: str) -> None:
    print(line, flush=True)


# -- runs cancel ----------------------------------------------------------------------------------


def _cancel(args: argparse.Namespace) -> int:
    ref, _ = _locate(args)
    with _azure() as azure:
        azure.cancel_run(ref, args.run_name)
    print(
        f"cancelled run {args.run_name} of job {args.job}. Its dyno, if one started, keeps running: find it with "
        "`python -m infra ps` and stop it with `python -m infra stop run.NNNN`"
    )
    return 0
