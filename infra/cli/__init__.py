"""`python -m infra`: operator tools, each subcommand in its own module. The top layer: it may
import everything in infra, and is the one place errors become output (infra.errors)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from infra.cli import demo, dynos, import_jobs, schedule, synth
from infra.errors import PicletterError

__all__ = ["main"]

_COMMANDS = (schedule, synth, demo, dynos, import_jobs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _COMMANDS:
        module.register(commands)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except PicletterError as exc:  # the one place errors become output (infra.errors)
        print(f"error: {exc}", file=sys.stderr)
        return 2
