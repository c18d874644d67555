"""Mailers: SendGrid's v3 API, SMTP (standard library), or a local outbox folder of .eml files."""

from picletter.mailers.base import MailContext, MailError, send

__all__ = ["MailContext", "MailError", "send"]
