"""`python -m infra schedule EXPR`: the compiled recurrence and the next run times."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from infra.errors import UserError
from infra.schedule import (
    compile_schedule,
    drift_note,
    fixed_offset_warning,
    next_runs,
    parse_moment,
    runs_as_json,
)

__all__ = ["register", "run"]


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "schedule", help="show the Logic Apps recurrence and next runs of a schedule"
    )
    parser.add_argument("expression", help="cron (`0 7 * * 1-5`), words (`daily at 07:00`) or a JSON recurrence")
    parser.add_argument("--time-zone", default="UTC", help="IANA time zone, e.g. Europe/Berlin (default UTC)")
    parser.add_argument("--after", help="ISO date-time to count from (default now); without an offset, in --time-zone")
    parser.add_argument("--count", type=int, default=5, help="how many runs to show (default 5)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run)


def _after(text: str | None, zone: str) -> datetime:
    if text is None:
        return datetime.now(UTC)
    from zoneinfo import ZoneInfo

    moment = parse_moment(text, "--after")
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))


def run(args: argparse.Namespace) -> int:
    expression: Any = args.expression
    if expression.lstrip().startswith("{"):
        try:
            expression = json.loads(expression)
        except json.JSONDecodeError as exc:
            raise UserError(f"the recurrence object is not valid JSON: {exc}") from None
    if not 1 <= args.count <= 1000:
        raise UserError("--count must be 1 to 1000")
    recurrence = compile_schedule(expression, args.time_zone)
    if warning := fixed_offset_warning(args.time_zone):
        print(f"warning: --time-zone: {warning}", file=sys.stderr)
    runs = next_runs(recurrence, _after(args.after, recurrence.iana_zone), args.count)
    if args.json:
        payload = {
            "recurrence": recurrence.to_arm(),
            "timeZone": recurrence.iana_zone,
            "nextRuns": runs_as_json(runs),
            **({"note": note} if (note := drift_note(recurrence)) else {}),
        }
        print(json.dumps(payload, indent=2))
        return 0
    print("recurrence:", json.dumps(recurrence.to_arm()))
    print(f"next {len(runs)} runs ({recurrence.iana_zone} | UTC):")
    for moment in runs:
        print(f"  {moment:%a %Y-%m-%d %H:%M %Z}  |  {moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
    if note := drift_note(recurrence):
        print(f"note: {note}")
    return 0
