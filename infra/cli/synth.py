"""`python -m infra synth`: the offline render of a deploy, for review without credentials."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from infra.errors import UserError

__all__ = ["DEFAULT_OUT", "DEFAULT_STACK", "register", "run"]

DEFAULT_STACK = Path("Pulumi.example.yaml")
DEFAULT_OUT = Path("build/synth")


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "synth", help="render what `pulumi up` would create, offline (no credentials needed)"
    )
    parser.add_argument("--stack", type=Path, default=DEFAULT_STACK, help=f"stack file (default {DEFAULT_STACK})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    parser.add_argument("--run-seconds", type=int, default=60, help="assumed run length for the cost estimate")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from infra.synth import synth

    if args.run_seconds < 1:
        raise UserError("--run-seconds must be at least 1")
    result = synth(args.stack, args.out, run_seconds=args.run_seconds)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    print(result.summary)
    return 0
