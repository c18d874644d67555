from __future__ import annotations

from dataclasses import dataclass

import httpx

from picletter.logfmt import Log
from picletter.message import Letter
from picletter.settings import Settings

__all__ = ["MailContext", "MailError", "send"]


class MailError(Exception):
    """The mail was not accepted."""


@dataclass(frozen=True)
class MailContext:
    settings: Settings
    log: Log
    client: httpx.Client  # for API mailers


def send(letter: Letter, ctx: MailContext) -> str:
    """Hand LETTER to the configured mailer; returns its receipt (message id, file) once accepted."""
    from picletter.mailers.outbox import send_outbox
    from picletter.mailers.sendgrid import send_sendgrid
    from picletter.mailers.smtp import send_smtp

    mailer = {"sendgrid": send_sendgrid, "smtp": send_smtp, "outbox": send_outbox}[ctx.settings.mailer]
    return mailer(letter, ctx)
