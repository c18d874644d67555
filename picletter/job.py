"""One run of the job: settings -> picture (first source that works) -> email -> mailer.

Exit status 0 only when a mailer accepted the mail (or, with --dry-run, the mail was rendered).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import date
from email.utils import parseaddr

import httpx

from netkit.retries import RetrySettings
from picletter import __version__
from picletter.context import RunContext
from picletter.http import http_client
from picletter.logfmt import Log
from picletter.mailers import MailError, send
from picletter.message import Letter
from picletter.render import render_email, subject_problem
from picletter.settings import Settings, SettingsError, load_settings
from picletter.sources import SourceError, fetch_first

__all__ = ["EXIT_BAD_SETTINGS", "EXIT_NOT_SENT", "EXIT_OK", "run_job", "user_agent"]

EXIT_OK, EXIT_NOT_SENT, EXIT_BAD_SETTINGS = 0, 1, 2
DEFAULT_RETRY = RetrySettings()


def user_agent(settings: Settings) -> str:
    """Wikimedia asks for a User-Agent that names the tool and a way to reach its operator."""
    contact = parseaddr(settings.sender)[1]
    return f"picletter/{__version__} (+https://github.com/picletter/picletter; {contact})"


def run_job(
    env: Mapping[str, str],
    day: date,
    *,
    dry_run: bool = False,
    log: Log | None = None,
    transport: httpx.BaseTransport | None = None,
    retry: RetrySettings = DEFAULT_RETRY,
) -> int:
    log = log or Log()
    started = time.monotonic()
    try:
        settings = load_settings(env)
        if problem := subject_problem(settings.subject_template, day):
            raise SettingsError([problem])
    except SettingsError as exc:
        # One line naming every variable that is wrong and why; values are never echoed.
        log.error("settings", problems=len(exc.problems), detail="; ".join(exc.problems))
        return EXIT_BAD_SETTINGS
    for secret in settings.secrets:
        log.add_secret(secret)
    log.info(
        "start", version=__version__, date=day.isoformat(), sources=",".join(settings.sources), mailer=settings.mailer
    )

    # SendGrid's 429 and 503 mean "not accepted, try again"; other failures of a send are not retried.
    with http_client(
        user_agent=user_agent(settings),
        transport=transport,
        retry=retry,
        post_statuses=(429, 503),
        tls=settings.needs_tls,
    ) as client:
        try:
            picture = fetch_first(day, RunContext(client=client, settings=settings, log=log))
        except SourceError as exc:
            log.error("source", result="none", reason=str(exc))
            return EXIT_NOT_SENT
        email = render_email(picture, day, settings.subject_template)
        log.info("render", subject=email.subject, html_bytes=len(email.html), text_bytes=len(email.text))
        if dry_run:
            log.info("done", result="dry-run", recipients=len(settings.recipients), ms=_ms(started))
            return EXIT_OK
        letter = Letter(sender=settings.sender, recipients=settings.recipients, email=email, picture=picture)
        try:
            receipt = send(letter, RunContext(settings=settings, log=log, client=client))
        except MailError as exc:
            log.error("mail", mailer=settings.mailer, result="not-accepted", reason=str(exc))
            return EXIT_NOT_SENT
    log.info("mail", mailer=settings.mailer, result="accepted", recipients=len(settings.recipients), receipt=receipt)
    log.info("done", result="sent", ms=_ms(started))
    return EXIT_OK


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
