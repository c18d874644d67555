"""Mailers: SendGrid's v3 API, SMTP (standard library), or a local outbox folder of .eml files.

Each lives in its own module and is imported only when chosen (picletter.plugins).
"""

from picletter.mailers.base import MailError, send

__all__ = ["MailError", "send"]
