"""SMTP with the standard library: `smtp://` upgrades with STARTTLS (required off loopback), `smtps://` is TLS."""

from __future__ import annotations

import smtplib
import socket
import ssl
import time
from urllib.parse import unquote, urlsplit

from netkit.loopback import LOOPBACK_HOSTS
from picletter.context import RunContext
from picletter.mailers.base import MailError
from picletter.message import Letter

__all__ = ["ATTEMPTS", "send_smtp"]

ATTEMPTS = 3
# Raised before the server accepted the message; safe to try again.
_TRANSIENT = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, socket.timeout)


def _login(server: smtplib.SMTP, user: str, password: str) -> None:
    """One mechanism, so a refused password is reported as such (smtplib.login would try the next
    mechanism, and servers that hang up after a failed attempt turn that into a disconnect)."""
    offered = (server.esmtp_features.get("auth") or "").upper().split()
    mechanism = next((m for m in ("PLAIN", "LOGIN") if m in offered), None)
    if mechanism is None:
        raise MailError(
            f"the SMTP server offers no PLAIN or LOGIN authentication (offers: {' '.join(offered) or 'none'})"
        )
    server.user, server.password = user, password
    try:
        server.auth(mechanism, getattr(server, f"auth_{mechanism.lower()}"), initial_response_ok=True)
    except smtplib.SMTPServerDisconnected:
        # Some servers hang up on a refused login instead of answering 535.
        raise MailError("SMTP login failed (the server hung up); check the user and password in SMTP_URL") from None


def _deliver(url: str, letter: Letter, timeout: float) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        server: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=timeout, context=context)
    else:
        server = smtplib.SMTP(host, parts.port or 587, timeout=timeout)
    with server:
        server.ehlo()
        if parts.scheme == "smtp":
            if server.has_extn("starttls"):
                server.starttls(context=context)
                server.ehlo()
            elif host not in LOOPBACK_HOSTS:
                raise MailError(f"{host} offers no STARTTLS; not sending the password in clear (use smtps://)")
        if parts.username:
            _login(server, unquote(parts.username), unquote(parts.password or ""))
        message = letter.mime()
        # The envelope names every recipient; the To header may name none of them (picletter.message).
        refused = server.send_message(message, to_addrs=list(letter.recipients))
        if refused:
            raise MailError(f"the server refused {len(refused)} recipient(s): {', '.join(sorted(refused))}")
        return str(message["Message-ID"])


def send_smtp(letter: Letter, ctx: RunContext, *, timeout: float = 30.0, backoff: float = 2.0) -> str:
    url = ctx.settings.smtp_url or ""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _deliver(url, letter, timeout)
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(f"SMTP login failed ({exc.smtp_code}); check the user and password in SMTP_URL") from None
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500 and attempt < ATTEMPTS:  # 4xx: try again later
                ctx.log.warn("mail.retry", mailer="smtp", attempt=attempt, code=exc.smtp_code)
                time.sleep(backoff * attempt)
                continue
            raise MailError(f"SMTP server answered {exc.smtp_code}") from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise MailError(f"the server refused every recipient: {', '.join(sorted(exc.recipients))}") from None
        except (*_TRANSIENT, OSError) as exc:
            if attempt < ATTEMPTS and isinstance(exc, (*_TRANSIENT, ConnectionRefusedError)):
                ctx.log.warn("mail.retry", mailer="smtp", attempt=attempt, error=type(exc).__name__)
                time.sleep(backoff * attempt)
                continue
            raise MailError(f"SMTP connection to {urlsplit(url).hostname} failed: {type(exc).__name__}") from None
    raise MailError("SMTP delivery failed")  # not reached
