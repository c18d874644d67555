"""Writes the message as a .eml file (RFC 5322 with CRLF line ends) that mail clients open."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from email import policy

from picletter.context import RunContext
from picletter.mailers.base import MailError
from picletter.message import Letter

__all__ = ["send_outbox"]


def send_outbox(letter: Letter, ctx: RunContext) -> str:
    folder = ctx.settings.outbox
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"picletter-{stamp}.eml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".eml.part")
        temporary.write_bytes(letter.mime().as_bytes(policy=policy.SMTP))
        os.replace(temporary, path)  # a reader never sees half a message
    except OSError as exc:
        raise MailError(f"cannot write to PICLETTER_OUTBOX={folder}: {exc.strerror}") from None
    return str(path)
