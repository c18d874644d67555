"""The environment variables that point infra at Heroku, read in one place into typed settings.

    HEROKU_API_URL        another Platform API endpoint (a proxy, or the local fake in tests)
    HEROKU_API_KEY        the token, where the stack config or the command line gives none
    HEROKU_APP            the command line's default app
    HEROKU_API_ATTEMPTS   attempts per request (1 to 10)
    HEROKU_API_BACKOFF    seconds of backoff, doubled per retry (0 to 30)

Pure and light (no httpx), so the Pulumi program reads it at start without loading the HTTP stack.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from infra.heroku.errors import HerokuSettingsError
from infra.heroku.facts import DEFAULT_API_URL
from netkit.loopback import LOOPBACK_HOSTS, https_or_loopback

__all__ = [
    "ATTEMPTS_RANGE",
    "BACKOFF_RANGE",
    "DEFAULT_ATTEMPTS",
    "DEFAULT_BACKOFF",
    "HerokuEnvironment",
    "heroku_environment",
]

DEFAULT_ATTEMPTS = 5
DEFAULT_BACKOFF = 0.5
# Beyond these a request waits for minutes (the client caps each wait at 30 s and all of them at
# 120 s, netkit.retries.RetrySettings) or hammers Heroku's rate limit: refused, not clamped.
ATTEMPTS_RANGE = (1, 10)
BACKOFF_RANGE = (0.0, 30.0)


@dataclass(frozen=True)
class HerokuEnvironment:
    api_url: str = DEFAULT_API_URL
    api_key: str = field(default="", repr=False)
    app: str = ""
    attempts: int = DEFAULT_ATTEMPTS
    backoff: float = DEFAULT_BACKOFF


def _attempts(text: str) -> int:
    low, high = ATTEMPTS_RANGE
    stripped = text.strip()
    if not stripped.isdecimal() or not low <= int(stripped) <= high:
        raise HerokuSettingsError(
            f"HEROKU_API_ATTEMPTS={text!r}: use a whole number of attempts per request from {low} to {high} "
            f"(default {DEFAULT_ATTEMPTS}), or unset it"
        )
    return int(stripped)


def _backoff(text: str) -> float:
    low, high = BACKOFF_RANGE
    try:
        backoff = float(text)
    except ValueError:
        backoff = math.nan
    if not math.isfinite(backoff) or not low <= backoff <= high:
        raise HerokuSettingsError(
            f"HEROKU_API_BACKOFF={text!r}: use seconds from {low:g} to {high:g} (default {DEFAULT_BACKOFF}), "
            "doubled per retry, or unset it"
        )
    return backoff


def heroku_environment(environ: Mapping[str, str] | None = None) -> HerokuEnvironment:
    """ENVIRON (the process's by default) as settings; HerokuSettingsError names what cannot be used."""
    env = os.environ if environ is None else environ
    attempts = _attempts(env.get("HEROKU_API_ATTEMPTS") or str(DEFAULT_ATTEMPTS))
    backoff = _backoff(env.get("HEROKU_API_BACKOFF") or str(DEFAULT_BACKOFF))
    api_url = (env.get("HEROKU_API_URL") or DEFAULT_API_URL).rstrip("/")
    if not https_or_loopback(api_url):
        # The token goes with every request: never in clear text over a network.
        raise HerokuSettingsError(
            f"HEROKU_API_URL={api_url!r} is neither https:// nor http:// on this machine "
            f"({', '.join(LOOPBACK_HOSTS)}); the token would travel unencrypted. "
            "Use https://api.heroku.com or an https proxy"
        )
    return HerokuEnvironment(
        api_url=api_url,
        api_key=env.get("HEROKU_API_KEY", ""),
        app=env.get("HEROKU_APP", ""),
        attempts=attempts,
        backoff=backoff,
    )
