"""Picture sources and mailers by name: the one place their names are declared.

Each name maps to `module:function`, imported only when a run uses it, so a run that mails through
SendGrid never imports smtplib, and one that draws the sample picture imports no picture service.
The settings take their lists of valid names from here. A source is called as `fetch(day, ctx)` and
returns a Picture; a mailer as `send(letter, ctx)` and returns a receipt (picletter.sources.base,
picletter.mailers.base). Imports nothing of the project's.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Literal

__all__ = ["MAILERS", "SOURCES", "MailerName", "load"]

# The mailer names as a type, for the settings; tests/picletter/test_plugins.py ties it to MAILERS.
MailerName = Literal["sendgrid", "smtp", "outbox"]

SOURCES = {
    "wikimedia": "picletter.sources.wikimedia:fetch_wikimedia",
    "apod": "picletter.sources.apod:fetch_apod",
    "unsplash": "picletter.sources.unsplash:fetch_unsplash",
    "sample": "picletter.sources.sample:fetch_sample",
}
MAILERS: dict[MailerName, str] = {
    "sendgrid": "picletter.mailers.sendgrid:send_sendgrid",
    "smtp": "picletter.mailers.smtp:send_smtp",
    "outbox": "picletter.mailers.outbox:send_outbox",
}


def load(spec: str) -> Callable[..., Any]:
    """The function SPEC (`module:function`) names."""
    module, _, attribute = spec.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module), attribute)
    return function
