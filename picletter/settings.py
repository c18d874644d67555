"""The job's settings, from environment variables (Heroku config vars), validated in one pass."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from netkit.loopback import https_or_loopback, loopback_http
from picletter.plugins import MAILERS as MAILER_PLUGINS
from picletter.plugins import SOURCES as SOURCE_PLUGINS
from picletter.plugins import MailerName

__all__ = [
    "DEFAULT_SUBJECT",
    "MAILERS",
    "SOURCES",
    "Settings",
    "SettingsError",
    "load_settings",
    "settings_problems",
    "time_zone_problem",
]

# Valid names, from the one place they are declared with their implementations.
SOURCES = tuple(SOURCE_PLUGINS)
MAILERS = tuple(MAILER_PLUGINS)
DEFAULT_SUBJECT = "{{ picture.title }} · picture of the day, {{ date.strftime('%d %B %Y') }}"
DEFAULT_MAX_IMAGE_BYTES = 10 * 1024 * 1024
# Matched whole (fullmatch): `$` would accept a trailing newline.
_ADDRESS = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+|[^@\s<>]+@localhost")


class SettingsError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("bad settings: " + "; ".join(problems))


@dataclass(frozen=True)
class Settings:
    sender: str
    recipients: tuple[str, ...]
    subject_template: str
    sources: tuple[str, ...]  # names, or https:// image URLs, tried in order
    mailer: MailerName
    nasa_api_key: str = field(repr=False, default="DEMO_KEY")
    unsplash_access_key: str | None = field(repr=False, default=None)
    sendgrid_api_key: str | None = field(repr=False, default=None)
    sendgrid_api_url: str = "https://api.sendgrid.com"
    smtp_url: str | None = field(repr=False, default=None)
    outbox: Path = Path("outbox")
    max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES
    wikimedia_api_url: str = "https://en.wikipedia.org/api/rest_v1"
    nasa_api_url: str = "https://api.nasa.gov"
    unsplash_api_url: str = "https://api.unsplash.com"

    @property
    def needs_tls(self) -> bool:
        """Whether this run may call an https URL: any picture service (their image links are
        https), an https image URL, or SendGrid's API. Only a run with the sample picture or plain
        http URLs on this machine, and an outbox, SMTP or a local SendGrid, needs none."""
        remote_source = any(source not in ("sample",) and not loopback_http(source) for source in self.sources)
        remote_mail = self.mailer == "sendgrid" and not loopback_http(self.sendgrid_api_url)
        return remote_source or remote_mail

    @property
    def secrets(self) -> list[str]:
        """Values that must never be printed."""
        values = [self.unsplash_access_key, self.sendgrid_api_key]
        if self.nasa_api_key != "DEMO_KEY":
            values.append(self.nasa_api_key)
        if self.smtp_url:
            password = urlsplit(self.smtp_url).password
            values += [password, self.smtp_url]
        return [v for v in values if v]


# A comma or semicolon that separates addresses: not inside a quoted display name ("Doe, Jane" <j@example.com>).
_ADDRESS_SEPARATOR = re.compile(r'[,;](?=(?:[^"]*"[^"]*")*[^"]*$)')
# Recipients per run, by mailer. SendGrid's v3 Mail Send takes at most 1000 personalizations and
# 1000 recipients (to + cc + bcc) per request (docs.sendgrid.com, "Mail Send errors": "The
# personalization block is limited to 1000 personalizations per API request" and "There is a limit
# of 1000 total recipients"); picletter sends one request. An SMTP server must accept at least 100
# recipients per message and may refuse more (RFC 5321, 4.5.3.1.8), so 100 is what surely goes through.
MAX_RECIPIENTS = {"sendgrid": 1000, "smtp": 100, "outbox": 1000}


def _recipients(text: str, mailer: str, problems: list[str]) -> tuple[str, ...]:
    """Every address in TEXT, or a problem naming each entry that is not one; never silently fewer."""
    recipients: list[str] = []
    entries = [part.strip() for part in _ADDRESS_SEPARATOR.split(text)]
    for index, entry in enumerate(entries):
        if not entry:
            continue
        address = parseaddr(entry)[1]
        following = entries[index + 1] if index + 1 < len(entries) else ""
        if _ADDRESS.fullmatch(address) and "@" in entry:
            recipients.append(address)
        elif "@" not in entry and "<" in following:
            problems.append(
                f"PICLETTER_TO has {entry + ', ' + following!r}: a display name with a comma must be quoted, "
                f'e.g. "{entry}, {following.split("<")[0].strip()}" <{parseaddr(following)[1]}>'
            )
        else:
            problems.append(f"PICLETTER_TO has {entry!r}, which is not an email address")
    if not recipients and not any(p.startswith("PICLETTER_TO") for p in problems):
        problems.append("PICLETTER_TO is required: one or more addresses, separated by commas")
    limit = MAX_RECIPIENTS.get(mailer, 1000)
    if len(recipients) > limit:
        problems.append(
            f"PICLETTER_TO lists {len(recipients)} addresses; {mailer} takes at most {limit} per run: use a "
            "mailing list address, or split them over several jobs"
        )
    duplicates = sorted({a for a in recipients if [r.lower() for r in recipients].count(a.lower()) > 1})
    if duplicates:
        problems.append(f"PICLETTER_TO lists {', '.join(duplicates)} more than once; list each address once")
    return tuple(recipients)


def time_zone_problem(env: Mapping[str, str]) -> str | None:
    """What is wrong with TZ (the zone whose date is "today"), or None; unset is the machine's zone."""
    zone = (env.get("TZ") or "").strip().lstrip(":")
    if not zone:
        return None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"TZ {zone!r} is not a time zone; use an IANA name such as Europe/Berlin"
    return None


def settings_problems(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """Every problem the job would refuse to run with, as (variable, problem): for checking settings
    before they reach a dyno (the stack checks its config vars with this at preview)."""
    problems: list[str] = []
    try:
        load_settings(env)
    except SettingsError as error:
        problems = list(error.problems)
    if zone := time_zone_problem(env):
        problems.append(zone)
    return [(_variable_of(problem), problem) for problem in problems]


def _variable_of(problem: str) -> str:
    """The variable a problem is about: each begins with it (PICLETTER_TO has ..., SMTP_URL must ...)."""
    found = re.match(r"[A-Z][A-Z0-9_]*", problem)
    return found[0] if found else ""


def load_settings(env: Mapping[str, str]) -> Settings:
    """Every problem at once, each naming the variable and what it should be."""
    problems: list[str] = []

    def get(name: str) -> str:
        return (env.get(name) or "").strip()

    mailer = get("PICLETTER_MAILER").lower()
    if not mailer:
        mailer = "sendgrid" if get("SENDGRID_API_KEY") else "smtp" if get("SMTP_URL") else "outbox"
    if mailer not in MAILERS:
        problems.append(f"PICLETTER_MAILER={mailer!r} must be one of {', '.join(MAILERS)}")

    local = mailer == "outbox"
    sender = get("PICLETTER_FROM") or ("Picletter <picletter@localhost>" if local else "")
    if not sender:
        problems.append('PICLETTER_FROM is required, e.g. "Picletter <picletter@example.com>"')
    elif not _ADDRESS.fullmatch(parseaddr(sender)[1]):
        problems.append(f"PICLETTER_FROM={sender!r} is not an email address")
    to_text = get("PICLETTER_TO") or ("you@localhost" if local else "")
    recipients = _recipients(to_text, mailer, problems)

    subject = get("PICLETTER_SUBJECT") or DEFAULT_SUBJECT
    try:
        SandboxedEnvironment().parse(subject)
    except TemplateSyntaxError as exc:
        problems.append(f"PICLETTER_SUBJECT is not a valid jinja2 template: {exc.message}")

    sources: list[str] = []
    for source in (get("PICLETTER_SOURCE") or "wikimedia").split(","):
        source = source.strip()
        if source.lower() in SOURCES:
            sources.append(source.lower())
        elif source.startswith(("https://", "http://")) and https_or_loopback(source):
            sources.append(source)
        else:
            problems.append(f"PICLETTER_SOURCE has {source!r}: use {', '.join(SOURCES)} or an https:// image URL")
    unsplash_key = get("UNSPLASH_ACCESS_KEY") or None
    if "unsplash" in sources and not unsplash_key:
        problems.append("UNSPLASH_ACCESS_KEY is required for PICLETTER_SOURCE=unsplash (an Unsplash app's access key)")

    sendgrid_key = get("SENDGRID_API_KEY") or None
    sendgrid_url = (get("SENDGRID_API_URL") or "https://api.sendgrid.com").rstrip("/")
    if mailer == "sendgrid" and not sendgrid_key:
        problems.append("SENDGRID_API_KEY is required for PICLETTER_MAILER=sendgrid")
    if not https_or_loopback(sendgrid_url):
        problems.append(f"SENDGRID_API_URL={sendgrid_url!r} must be https://, e.g. https://api.eu.sendgrid.com for EU")

    smtp_url = get("SMTP_URL") or None
    if mailer == "smtp":
        parts = urlsplit(smtp_url or "")
        if not smtp_url:
            problems.append("SMTP_URL is required for PICLETTER_MAILER=smtp, e.g. smtp://user:pass@host:587")
        elif parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            problems.append(
                "SMTP_URL must look like smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465"
            )
        else:
            try:
                parts.port  # noqa: B018 -- raises for a port outside 0-65535 or not a number
            except ValueError:
                problems.append("SMTP_URL has a port that is not 1 to 65535; use 587 (STARTTLS) or 465 (smtps)")

    max_bytes_text = get("PICLETTER_MAX_IMAGE_BYTES") or str(DEFAULT_MAX_IMAGE_BYTES)
    max_bytes = int(max_bytes_text) if max_bytes_text.isdigit() else 0
    if max_bytes < 1024:
        problems.append("PICLETTER_MAX_IMAGE_BYTES must be a whole number of bytes, at least 1024")

    urls = {}
    for name, default in (
        ("WIKIMEDIA_API_URL", "https://en.wikipedia.org/api/rest_v1"),
        ("NASA_API_URL", "https://api.nasa.gov"),
        ("UNSPLASH_API_URL", "https://api.unsplash.com"),
    ):
        urls[name] = (get(name) or default).rstrip("/")
        if not https_or_loopback(urls[name]):
            problems.append(f"{name} must be an https:// URL")

    if problems:
        raise SettingsError(problems)
    return Settings(
        sender=sender,
        recipients=recipients,
        subject_template=subject,
        sources=tuple(sources),
        mailer=cast(MailerName, mailer),
        nasa_api_key=get("NASA_API_KEY") or "DEMO_KEY",
        unsplash_access_key=unsplash_key,
        sendgrid_api_key=sendgrid_key,
        sendgrid_api_url=sendgrid_url,
        smtp_url=smtp_url,
        outbox=Path(get("PICLETTER_OUTBOX") or "outbox"),
        max_image_bytes=max_bytes,
        wikimedia_api_url=urls["WIKIMEDIA_API_URL"],
        nasa_api_url=urls["NASA_API_URL"],
        unsplash_api_url=urls["UNSPLASH_API_URL"],
    )
