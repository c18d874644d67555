"""Bounded retries for httpx, chosen per method: what is safe to send again.

Reads and other idempotent calls are retried on 429, 5xx and network errors; POST only where the
server cannot have acted on it (the caller names those statuses) and on failed connects. Retry-After
is honoured, otherwise exponential backoff, within a total sleep budget.

A small synchronous transport of our own: the httpx-retries package pulled in asyncio (12 ms of
every job's start) for its async half, which nothing here uses. The job's downloads and mail
(picletter.http) and infra's Heroku and Azure clients use it through netkit.client, each with its
own settings and POST statuses.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

__all__ = ["RetrySettings", "RetryingTransport", "retry_after_seconds", "retrying_transport"]


@dataclass(frozen=True)
class RetrySettings:
    attempts: int = 4
    backoff_factor: float = 0.5
    max_backoff_wait: float = 30.0
    total_sleep: float = 120.0


# Retried for methods that are safe to repeat: rate limits and the server errors that mean "not done".
_READ_STATUSES = frozenset({429, 500, 502, 503, 504})
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
# A POST is retried after an error only where the request cannot have reached the server.
_POST_ERRORS: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout)
_READ_ERRORS: tuple[type[Exception], ...] = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def retry_after_seconds(
    response: httpx.Response, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> float | None:
    """Retry-After as seconds to wait: a number of seconds or an HTTP date (RFC 9110 10.2.3)."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now()).total_seconds()) if when.tzinfo else None


class RetryingTransport(httpx.BaseTransport):
    """INNER with bounded retries, chosen per method (see the module docstring)."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        settings: RetrySettings,
        post_statuses: Iterable[int],
        sleep: Callable[[float], None] = time.sleep,
        on_retry: Callable[[httpx.Request, str, int, float], None] | None = None,
    ) -> None:
        self._inner = inner
        self._settings = settings
        self._post_statuses = frozenset(post_statuses) or frozenset({429})
        self._sleep = sleep
        # Told (request, what went wrong, the attempt that failed, seconds until the next) before each wait.
        self._on_retry = on_retry

    def _retries_for(self, method: str) -> tuple[frozenset[int], tuple[type[Exception], ...]]:
        if method == "POST":
            return self._post_statuses, _POST_ERRORS
        if method in _IDEMPOTENT:
            return _READ_STATUSES, _READ_ERRORS
        return frozenset(), ()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        statuses, errors = self._retries_for(request.method)
        slept = 0.0
        for attempt in range(1, self._settings.attempts + 1):
            last = attempt == self._settings.attempts
            try:
                response = self._inner.handle_request(request)
            except errors as exc:
                wait = self._wait(self._backoff(attempt), slept)
                if last or wait is None:
                    raise
                reason = type(exc).__name__
            else:
                if response.status_code not in statuses:
                    return response
                wait = self._wait(retry_after_seconds(response) or self._backoff(attempt), slept)
                if last or wait is None:
                    return response
                response.close()
                reason = f"answered {response.status_code}"
            if self._on_retry:
                self._on_retry(request, reason, attempt, wait)
            self._sleep(wait)
            slept += wait
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _wait(self, wanted: float, slept: float) -> float | None:
        """WANTED capped at max_backoff_wait, or None when it would overrun the total sleep budget."""
        wait = min(wanted, self._settings.max_backoff_wait)
        return None if slept + wait > self._settings.total_sleep else wait

    def _backoff(self, attempt: int) -> float:
        return float(self._settings.backoff_factor * 2 ** (attempt - 1))

    def close(self) -> None:
        self._inner.close()


def retrying_transport(
    inner: httpx.BaseTransport | None = None,
    settings: RetrySettings = RetrySettings(),
    post_statuses: Iterable[int] = (429,),
    *,
    tls: bool = True,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[httpx.Request, str, int, float], None] | None = None,
) -> httpx.BaseTransport:
    """INNER (the network by default) with retries: broad for reads, POST_STATUSES only for POST.

    With TLS false no certificates are loaded (16 ms of certifi): for a run whose every URL is plain
    http on this machine; an https request then fails instead of going unverified.
    """
    network = inner or (httpx.HTTPTransport() if tls else _PlainHttpOnly())  # built only when needed
    return RetryingTransport(network, settings, post_statuses, sleep=sleep, on_retry=on_retry)


class _PlainHttpOnly(httpx.BaseTransport):
    """The network for http:// only: no SSL context is built, and https:// is refused, never unverified."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport(verify=False)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme != "http":
            raise httpx.UnsupportedProtocol(f"{request.url.scheme}:// was not expected in this run; no TLS is set up")
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()
