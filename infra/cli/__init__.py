"""`python -m infra`: operator tools, each subcommand in its own module. The top layer: it may
import everything in infra, and is the one place errors become output (infra.errors)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from infra.cli import demo, dynos, import_jobs, runs, schedule, status_file, synth
from infra.cli.status_file import Ending
from infra.errors import PicletterError

__all__ = ["build_parser", "main"]

_COMMANDS = (schedule, synth, demo, dynos, import_jobs, runs)


DESCRIPTION = """Operator tools for picletter: start, watch and stop one-off dynos of the Heroku app,
read a job's run history and run it now through its Logic App, preview schedules, render a deploy
offline for review, and bring jobs over from Cron To Go or Heroku Scheduler. `COMMAND --help`
describes each."""

ENVIRONMENT = """environment variables:
  HEROKU_API_KEY       the Heroku token for run, ps, logs and stop (from `heroku authorizations:create`)
  HEROKU_APP           the app when --app is not given
  HEROKU_API_URL       the Platform API (default https://api.heroku.com); https, or http on this machine
  HEROKU_API_ATTEMPTS  attempts per request, 1 to 10 (default 5); each retry is reported on stderr
  HEROKU_API_BACKOFF   seconds before the first retry, doubled each time, 0 to 30 (default 0.5)
  PICLETTER_ARM_URL    Azure's management endpoint for history, trigger and runs (default
                       https://management.azure.com); the Azure login is `az login` or AZURE_* variables

exit status: 0 done, 2 a problem to fix (one `error:` line says which and how), 130 interrupted;
run --tail, logs --dyno --tail and trigger --tail exit with the dyno's own status (3 when it is not known).
A job may exit 2 or 3 itself: with --status-file FILE they write how they ended as JSON (outcome exited,
unknown, error or interrupted, and exitStatus), for scripts that must tell them apart."""


def build_parser() -> argparse.ArgumentParser:
    """The command line: every command from its module, each argument with its help."""
    parser = argparse.ArgumentParser(
        prog="python -m infra",
        description=DESCRIPTION,
        epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _COMMANDS:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    path: str | None = getattr(args, "status_file", None)
    prepared = False
    ending: Ending | int
    try:
        if path is not None:
            status_file.prepare(path, args.following(args), args.following_needs)
            prepared = True
        ending = args.run(args)
    except KeyboardInterrupt:
        ending = status_file.interrupted(130, "interrupted")
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        ending = status_file.interrupted(141, "the reader of its output went away")
    except PicletterError as exc:  # the one place errors become output (infra.errors)
        print(f"error: {exc}", file=sys.stderr)
        ending = status_file.error(2, str(exc))
    if not isinstance(ending, Ending):
        return int(ending)
    if prepared and path is not None:
        try:
            status_file.write(path, ending)
        except OSError as exc:
            print(f"error: --status-file {path}: cannot write it ({exc.strerror})", file=sys.stderr)
    return ending.exit_code
