"""`python -m infra import FILE`: another scheduler's jobs as `picletter:jobs` for a stack file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from infra.errors import UserError

__all__ = ["EXIT_SOME_REFUSED", "register", "run"]

# Some jobs could not be converted (they are listed at the top of the output): a script that pipes
# the output into a stack file should notice.
EXIT_SOME_REFUSED = 1


def register(commands: Any) -> None:
    from infra.imports import FORMATS

    parser: argparse.ArgumentParser = commands.add_parser(
        "import",
        help="print Cron To Go or Heroku Scheduler jobs as picletter:jobs for a stack file",
        description="Reads a Cron To Go manifest (`heroku cron:jobs:export FILE`), a Heroku Scheduler job list "
        "(the add-on's jobs API, JSON:API) or herokux_scheduler_job resources (`terraform show -json`) and prints "
        "a stack-file fragment. What cannot be converted is listed at the top with the reason; exit 1 then.",
    )
    parser.add_argument("file", type=Path, help="the exported jobs (YAML or JSON); - reads standard input")
    parser.add_argument("--format", choices=FORMATS, help="the file's format (default: recognised from its shape)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import yaml

    from infra.imports import convert, render

    name = "standard input" if str(args.file) == "-" else str(args.file)
    try:
        text = sys.stdin.read() if str(args.file) == "-" else args.file.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {name}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        document = yaml.safe_load(text)  # YAML is a superset of JSON: both read here
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{name} is neither YAML nor JSON{where}; export it again") from None
    result = convert(document, args.format)
    sys.stdout.write(render(result, name))
    print(
        f"import: {len(result.jobs)} job(s) converted from {result.format}, {len(result.refused)} not converted"
        + (" (listed at the top of the output)" if result.refused else ""),
        file=sys.stderr,
    )
    return EXIT_SOME_REFUSED if result.refused else 0
