"""`python -m infra run|logs|ps|stop`: one-off dynos by hand, as `heroku run:detached`, `heroku logs`,
`heroku ps` and `heroku ps:stop` do, with the same token and API URL as the stack (HEROKU_API_KEY,
HEROKU_API_URL).

`run --tail` (and `logs --dyno X --tail`) follows the dyno's log session until Heroku logs `Process
exited with status N` and exits with N: the Platform API has no exit status for one-off dynos, and
the log line is the one place Heroku reports it. When that status cannot be known (the dyno is gone
without the line, the time is up, Heroku kept failing) it exits 3, EXIT_STATUS_UNKNOWN, with the
reason on stderr; 2 stays the exit of bad input and of errors before the dyno started. The dyno is
looked at by its id (from `POST /apps/{app}/dynos`, or its info for `logs --dyno NAME --tail`), its
log lines by its name: Heroku reuses one-off dyno names (infra.heroku.follow). A job may exit 2 or 3
itself: `--status-file` says which it was (infra.cli.status_file).

`run` and `logs` refuse a Fir-generation app first (one `GET /apps/{app}`), and every command a
Fir dyno's name, with one line each: picletter neither starts commands through Fir's `launcher` nor
knows how Fir reports an exit (infra.heroku.generation).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from infra.cli.status_file import EXIT_STATUS_UNKNOWN, Ending, exited, unknown
from infra.errors import UserError
from infra.heroku.client import EMPTY_COMMAND, HerokuClient, retry_settings
from infra.heroku.environment import heroku_environment
from infra.heroku.errors import HerokuNotFound
from infra.heroku.facts import (
    DEFAULT_DYNO_SIZE,
    DEFAULT_TIME_TO_LIVE,
    MAX_TIME_TO_LIVE,
    canonical_dyno_size,
    fir_size_fix,
)
from infra.heroku.follow import Followed, follow_app, follow_dyno
from infra.heroku.generation import fir_app_refusal, fir_dyno_refusal
from infra.heroku.payloads import Dyno
from infra.job_command import job_and_command
from infra.names import APP_NAME, DYNO_NAME, FIR_DYNO_NAME, variable_name_refusal, variables_size_refusal

__all__ = ["EXIT_STATUS_UNKNOWN", "add_status_file_option", "register"]


def add_status_file_option(parser: argparse.ArgumentParser, needs: str) -> None:
    """--status-file, for the commands that follow a dyno to its exit status (infra.cli.status_file)."""
    parser.add_argument(
        "--status-file",
        metavar="FILE",
        help=f"with {needs}, write how it ended to FILE as JSON (outcome exited|unknown|error|interrupted, "
        "exitStatus): tells the job's own exit 2 or 3 from ours",
    )


def _add_app_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--app", help="Heroku app (default $HEROKU_APP)")


def register(commands: Any) -> None:
    run = commands.add_parser("run", help="start a one-off dyno now (optionally follow its logs)")
    run.add_argument("command", help="Procfile process type or shell command, e.g. picletter")
    _add_app_option(run)
    run.add_argument("--env", action="append", default=[], metavar="K=V", help="extra config for this run; repeatable")
    run.add_argument("--size", default=DEFAULT_DYNO_SIZE, help=f"dyno size (default {DEFAULT_DYNO_SIZE})")
    run.add_argument(
        "--ttl",
        type=int,
        default=DEFAULT_TIME_TO_LIVE,
        help=f"seconds before Heroku kills it (1-{MAX_TIME_TO_LIVE}, default {DEFAULT_TIME_TO_LIVE})",
    )
    run.add_argument(
        "--max-seconds", type=int, default=0, help="with --tail, stop following after this long (default: ttl + 60)"
    )
    run.add_argument("--tail", action="store_true", help="stream its logs and exit with its exit status")
    add_status_file_option(run, "--tail")
    run.set_defaults(run=_run, following=lambda args: args.tail, following_needs="--tail")

    ps = commands.add_parser("ps", help="list the app's dynos")
    _add_app_option(ps)
    ps.set_defaults(run=_ps)

    logs = commands.add_parser("logs", help="show (and with --tail follow) the app's or one dyno's logs")
    _add_app_option(logs)
    logs.add_argument("--dyno", help="only this dyno, e.g. run.1234; with --tail, exit with its exit status")
    logs.add_argument("--tail", action="store_true", help="keep following new lines")
    logs.add_argument("--max-seconds", type=int, default=3600, help="stop following after this long (default 3600)")
    add_status_file_option(logs, "--dyno and --tail")
    logs.set_defaults(
        run=_logs, following=lambda args: bool(args.tail and args.dyno), following_needs="--dyno and --tail"
    )

    stop = commands.add_parser("stop", help="stop a dyno, e.g. run.1234")
    stop.add_argument("dyno", help="the dyno's name as `infra ps` lists it, e.g. run.1234")
    _add_app_option(stop)
    stop.set_defaults(run=_stop)


def _client(args: argparse.Namespace) -> HerokuClient:
    environment = heroku_environment()
    args.app = args.app or environment.app
    if not args.app:
        raise UserError("no app: pass --app APP or set HEROKU_APP")
    if refusal := APP_NAME.refusal(args.app):
        raise UserError(f"--app (or HEROKU_APP): {refusal}")
    if not environment.api_key:
        raise UserError("HEROKU_API_KEY is not set: export a token from `heroku authorizations:create`")
    return HerokuClient(environment.api_key, base_url=environment.api_url, retry=retry_settings(environment))


def _env(pairs: list[str]) -> dict[str, str]:
    env = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals:
            raise UserError(f"--env {pair!r} must be NAME=value")
        if refusal := variable_name_refusal(name):
            raise UserError(f"--env {pair!r}: {refusal}")
        env[name] = value
    if refusal := variables_size_refusal(env, "the --env values"):
        raise UserError(f"--env: {refusal}")
    return env


# What to use instead on a Fir app: the Heroku CLI, which knows its launcher and its logs.
_FIR_FIX = "use `heroku run`, `heroku logs` and `heroku ps:stop` there"


def _dyno(option: str, dyno: str) -> str:
    """DYNO, checked before anything is sent (the client checks its paths too; a log filter is no path)."""
    if refusal := DYNO_NAME.refusal(dyno):
        if FIR_DYNO_NAME.accepts(dyno):
            raise UserError(fir_dyno_refusal(option, dyno, _FIR_FIX))
        raise UserError(f"{option}: {refusal}")
    return dyno


def _refuse_fir_app(heroku: HerokuClient, app: str) -> None:
    """Stop before a dyno starts or a log session opens on a Fir-generation app."""
    if refusal := fir_app_refusal("--app (or HEROKU_APP)", app, heroku.app(app), _FIR_FIX):
        raise UserError(refusal)


def _run(args: argparse.Namespace) -> int | Ending:
    env = _env(args.env)
    if canonical_dyno_size(args.size) is None:
        raise UserError(
            f"--size {args.size!r} is not a Heroku dyno size (e.g. {DEFAULT_DYNO_SIZE}, basic, performance-M)"
        )
    if fix := fir_size_fix(args.size):
        raise UserError(f"--size {args.size} is a Fir-generation dyno size and picletter runs on Cedar apps; use {fix}")
    if not 1 <= args.ttl <= MAX_TIME_TO_LIVE:
        raise UserError(f"--ttl must be 1 to {MAX_TIME_TO_LIVE} seconds")
    if not args.command.strip():
        raise UserError(EMPTY_COMMAND)  # before the app is read
    with _client(args) as heroku:
        _refuse_fir_app(heroku, args.app)
        dyno = heroku.create_dyno(args.app, args.command, size=args.size, time_to_live=args.ttl, env=env)
        name = dyno["name"]
        print(f"started {name} on {args.app}: {args.command} ({dyno.get('size', args.size)}, ttl {args.ttl}s)")
        if not args.tail:
            print(f"follow it with `heroku logs --tail --dyno {name} -a {args.app}`, or use --tail")
            return 0
        started = _started(dyno)
        max_seconds = args.max_seconds or args.ttl + 60
        followed = follow_dyno(
            heroku,
            args.app,
            name,
            dyno_id=dyno.get("id"),
            started=started,
            max_seconds=max_seconds,
            emit=_print,
            just_created=True,
        )
    return _exit_code(followed, name)


def _exit_code(followed: Followed, dyno: str) -> Ending:
    """The job's own exit status, or EXIT_STATUS_UNKNOWN with the reason on stderr: never a status
    of ours (a Heroku error while following) that could be taken for the job's."""
    if followed.exit_status is not None:
        return exited(followed.exit_status, dyno)
    print(
        f"{dyno}: its exit status is unknown ({followed.reason}). See `infra logs --dyno {dyno}`",
        file=sys.stderr,
    )
    return unknown(dyno, followed.reason)


def _logs(args: argparse.Namespace) -> int | Ending:
    if args.max_seconds < 1:
        raise UserError("--max-seconds must be at least 1")
    if args.dyno is not None:
        _dyno("--dyno", args.dyno)
    with _client(args) as heroku:
        # Reading the app also says an unknown app now, as bad input; a gone dyno is not.
        _refuse_fir_app(heroku, args.app)
        # Followed, the dyno is looked at by its id, so that a later dyno given the same name is not
        # taken for it (infra.heroku.follow); log sessions know it by name, so an id is named first.
        found = _found_dyno(heroku, args.app, args.dyno) if args.dyno and (args.tail or _is_id(args.dyno)) else None
        name = found["name"] if found else args.dyno
        if name and args.tail:
            followed = follow_dyno(
                heroku,
                args.app,
                name,
                dyno_id=found.get("id") if found else None,
                started=_started(found) if found else None,
                max_seconds=args.max_seconds,
                emit=_print,
            )
            return _exit_code(followed, name)
        follow_app(heroku, args.app, dyno=name, tail=args.tail, max_seconds=args.max_seconds, emit=_print)
    return 0


def _is_id(dyno: str) -> bool:
    """Whether DYNO (a valid DYNO_NAME) is a dyno's id: names have a dot (run.4821), ids none."""
    return "." not in dyno


def _found_dyno(heroku: HerokuClient, app: str, dyno: str) -> Dyno | None:
    """DYNO (a name or an id) as Heroku lists it; None for a name that is gone (its lines still come).
    A gone id is refused: the logs know a dyno only by its name."""
    try:
        return heroku.dyno(app, dyno)
    except HerokuNotFound:
        if _is_id(dyno):
            raise UserError(
                f"--dyno: no dyno with id {dyno} on {app} (gone?); its logs know it by name: pass the name "
                "(run.NNNN) instead"
            ) from None
        return None


def _print(line: str) -> None:
    print(line, flush=True)


def _started(dyno: Dyno) -> datetime | None:
    try:
        return datetime.fromisoformat(dyno.get("created_at", "").replace("Z", "+00:00"))
    except ValueError:
        return None


def _ps(args: argparse.Namespace) -> int:
    with _client(args) as heroku:
        dynos = heroku.dynos(args.app)
    if not dynos:
        print(f"{args.app} has no dynos running")
        return 0
    for dyno in sorted(dynos, key=_dyno_order):
        command = dyno.get("command", "")
        # A scheduled job's dyno names its job in its command (infra.job_command): the job and its
        # own command are shown, not the reporter that runs it; `-` for the others.
        job, command = job_and_command(command) or ("-", command)
        columns = (dyno["name"], dyno.get("state", ""), dyno.get("size", ""), dyno.get("created_at", ""), job)
        print("{:<14} {:<9} {:<13} {:<21} {:<16}".format(*columns), command)
    return 0


def _dyno_order(dyno: Dyno) -> tuple[str, int, str]:
    """By process type, then number: run.9 before run.10, as `heroku ps` lists them."""
    kind, _, number = dyno.get("name", "").rpartition(".")
    return (kind, int(number), "") if number.isdigit() else (dyno.get("name", ""), 0, "")


def _stop(args: argparse.Namespace) -> int:
    _dyno("DYNO", args.dyno)
    with _client(args) as heroku:
        heroku.stop_dyno(args.app, args.dyno)
    print(f"stopping {args.dyno} on {args.app}")
    return 0
