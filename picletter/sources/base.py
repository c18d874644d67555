from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

import httpx

from picletter.logfmt import Log
from picletter.settings import Settings

__all__ = ["Picture", "Source", "SourceContext", "SourceError"]


class SourceError(Exception):
    """This source has no usable picture now; the job tries the next one."""


@dataclass(frozen=True)
class Picture:
    image: bytes
    mime: str
    title: str
    credit: str  # plain text: who made it
    license: str  # plain text, e.g. "CC BY-SA 4.0"
    source: str  # which source found it
    license_url: str | None = None
    credit_url: str | None = None
    page_url: str | None = None  # where to see it in full
    description: str = ""
    provider_name: str = ""
    provider_url: str | None = None

    @property
    def filename(self) -> str:
        extension = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}[self.mime]
        return f"picture-of-the-day.{extension}"


@dataclass(frozen=True)
class SourceContext:
    client: httpx.Client
    settings: Settings
    log: Log


class Source(Protocol):
    def __call__(self, day: date, ctx: SourceContext) -> Picture: ...
