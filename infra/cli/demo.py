"""`python -m infra demo` (what `./dev run` runs): an offline render of a deploy of the example
stack, then one local run of the job into an outbox folder. Needs no credentials and no network."""

from __future__ import annotations

import argparse
import io
from datetime import date
from pathlib import Path
from typing import Any

from infra.cli.synth import DEFAULT_OUT, DEFAULT_STACK
from picletter.job import run_job
from picletter.logfmt import Log

__all__ = ["register", "run"]

DEFAULT_OUTBOX = Path("build/outbox")


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "demo", help="offline render of the example stack, then a local run of the job into build/outbox"
    )
    parser.add_argument("--stack", type=Path, default=DEFAULT_STACK, help=f"stack file (default {DEFAULT_STACK})")
    parser.add_argument(
        "--source", default="sample", help="picture source for the job run (default: the built-in sample)"
    )
    parser.add_argument(
        "--outbox", type=Path, default=DEFAULT_OUTBOX, help=f"where the .eml goes (default {DEFAULT_OUTBOX})"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from infra.synth import synth

    print(f"== 1/2 offline render of {args.stack} (python -m infra synth)")
    print(synth(args.stack, DEFAULT_OUT).summary)
    print(f"\n== 2/2 local run of the job (python -m picletter, PICLETTER_SOURCE={args.source}, outbox mailer)")
    env = {"PICLETTER_SOURCE": args.source, "PICLETTER_MAILER": "outbox", "PICLETTER_OUTBOX": str(args.outbox)}
    buffer = io.StringIO()
    code = run_job(env, date.today(), log=Log(stream=buffer))
    print(buffer.getvalue(), end="")
    if code == 0:
        newest = max(args.outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime)
        print(f"\nopen {newest} in a mail client to see the email")
    return code
