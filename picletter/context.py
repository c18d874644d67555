"""What a source and a mailer get for one run: the HTTP client, the settings and the log."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from picletter.logfmt import Log
from picletter.settings import Settings

__all__ = ["RunContext"]


@dataclass(frozen=True)
class RunContext:
    client: httpx.Client
    settings: Settings
    log: Log
