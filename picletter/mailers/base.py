"""What every mailer is: a function of the letter and the run that returns a receipt, or MailError."""

from __future__ import annotations

from typing import Protocol

from picletter.context import RunContext
from picletter.message import Letter
from picletter.plugins import MAILERS, load

__all__ = ["MailError", "Mailer", "send"]


class MailError(Exception):
    """The mail was not accepted."""


class Mailer(Protocol):
    def __call__(self, letter: Letter, ctx: RunContext) -> str: ...


def send(letter: Letter, ctx: RunContext) -> str:
    """Hand LETTER to the configured mailer; returns its receipt (message id, file) once accepted."""
    mailer: Mailer = load(MAILERS[ctx.settings.mailer])
    return mailer(letter, ctx)
