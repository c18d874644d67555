"""`python -m picletter` (Procfile process type `picletter`): email today's picture."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from picletter.job import EXIT_BAD_SETTINGS, run_job
from picletter.settings import time_zone_problem

HELP = """Fetches a picture of the day and emails it. Settings come from environment variables
(Heroku config vars); see docs/reference/configuration.md for all of them:
  PICLETTER_FROM, PICLETTER_TO            sender, recipients (separated by commas or semicolons; each
                                          gets a copy addressed to them alone)
  PICLETTER_SOURCE                        wikimedia (default), apod, unsplash, sample, or an https:// image
                                          URL; a comma-separated list falls back in order
  PICLETTER_MAILER                        sendgrid, smtp or outbox (default: outbox unless a key/URL is set)
  SENDGRID_API_KEY, SENDGRID_API_URL      SendGrid (EU: https://api.eu.sendgrid.com)
  SMTP_URL                                smtp://user:pass@host:587 (STARTTLS) or smtps://...:465
  PICLETTER_OUTBOX                        folder for .eml files (default ./outbox)
  PICLETTER_SUBJECT                       jinja2 template for the subject
  NASA_API_KEY, UNSPLASH_ACCESS_KEY       keys for the apod and unsplash sources
  TZ                                      IANA zone whose date is "today" (the workflow sets the job's timeZone)
Exit status: 0 mail accepted (or rendered, with --dry-run), 1 not sent, 2 bad settings or arguments."""


def today(env: Mapping[str, str], now: datetime | None = None) -> date:
    """Today in the zone TZ names (set by the workflow from the job's timeZone), else the machine's.

    A 07:00 Pacific/Auckland run starts at 18:00 UTC the day before: the date must be Auckland's.
    """
    if problem := time_zone_problem(env):
        raise ValueError(problem)
    zone = env.get("TZ", "").strip().lstrip(":")
    if not zone:
        return date.today()
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(zone)).date()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m picletter", description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dry-run", action="store_true", help="fetch and render, but do not send")
    parser.add_argument("--date", help="the day's picture to send, YYYY-MM-DD (default: today)")
    args = parser.parse_args(argv)
    try:
        day = date.fromisoformat(args.date) if args.date else today(os.environ)
    except ValueError as exc:
        problem = f"--date {args.date!r} must be YYYY-MM-DD" if args.date else str(exc)
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_SETTINGS
    return run_job(os.environ, day, dry_run=args.dry_run)


if __name__ == "__main__":
    raise SystemExit(main())
