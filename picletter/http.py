"""HTTP for the job and the infra tools alike: timeouts, retries that are safe per method, capped downloads.

Reads and other idempotent calls are retried on 429, 5xx and network errors; POST only where the
server cannot have acted on it (the caller names those statuses) and on failed connects. Retry-After
is honoured, otherwise exponential backoff.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from httpx_retries import Retry, RetryTransport

__all__ = [
    "IMAGE_TYPES",
    "DownloadError",
    "RetrySettings",
    "download_image",
    "http_client",
    "retrying_transport",
]

# Accepted image types and the bytes their files start with.
IMAGE_TYPES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}


@dataclass(frozen=True)
class RetrySettings:
    attempts: int = 4
    backoff_factor: float = 0.5
    max_backoff_wait: float = 30.0
    total_sleep: float = 120.0


class _PerMethodRetryTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, settings: RetrySettings, post_statuses: Iterable[int]) -> None:
        common: dict[str, Any] = {
            "total": settings.attempts - 1,
            "backoff_factor": settings.backoff_factor,
            "max_backoff_wait": settings.max_backoff_wait,
            "total_timeout": settings.total_sleep,
        }
        self._inner = inner
        self._post = RetryTransport(
            inner,
            Retry(
                allowed_methods=["POST"],
                status_forcelist=list(post_statuses) or [429],
                retry_on_exceptions=[httpx.ConnectError, httpx.ConnectTimeout],
                **common,
            ),
        )
        self._idempotent = RetryTransport(
            inner,
            Retry(
                allowed_methods=["GET", "HEAD", "PATCH", "PUT", "DELETE"],
                status_forcelist=[429, 500, 502, 503, 504],
                **common,
            ),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._post if request.method == "POST" else self._idempotent
        return transport.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def retrying_transport(
    inner: httpx.BaseTransport | None = None,
    settings: RetrySettings = RetrySettings(),
    post_statuses: Iterable[int] = (429,),
) -> httpx.BaseTransport:
    """INNER (the network by default) with retries: broad for reads, POST_STATUSES only for POST."""
    return _PerMethodRetryTransport(inner or httpx.HTTPTransport(), settings, post_statuses)


def http_client(
    *,
    user_agent: str,
    transport: httpx.BaseTransport | None = None,
    retry: RetrySettings = RetrySettings(),
    post_statuses: Iterable[int] = (429,),
    timeout: float = 20.0,
    headers: Mapping[str, str] | None = None,
    base_url: str = "",
) -> httpx.Client:
    return httpx.Client(
        base_url=base_url,
        transport=retrying_transport(transport, retry, post_statuses),
        timeout=httpx.Timeout(timeout, connect=10.0),
        headers={"User-Agent": user_agent, **(headers or {})},
        follow_redirects=True,
    )


class DownloadError(Exception):
    """An image that could not be fetched, was too large or was not an image."""


def download_image(
    client: httpx.Client, url: str, max_bytes: int, headers: Mapping[str, str] | None = None
) -> tuple[bytes, str]:
    """The image at URL and its MIME type; refuses non-images and anything over MAX_BYTES."""
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code != 200:
                raise DownloadError(f"image download answered {response.status_code}")
            mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if mime not in IMAGE_TYPES:
                raise DownloadError(f"not an image: content type {mime or 'missing'}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise DownloadError(f"image is {declared} bytes, over the {max_bytes} byte cap")
            data = bytearray()
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > max_bytes:
                    raise DownloadError(f"image is over the {max_bytes} byte cap")
    except httpx.HTTPError as exc:
        raise DownloadError(f"image download failed: {type(exc).__name__}") from None
    if not bytes(data).startswith(IMAGE_TYPES[mime]):
        raise DownloadError(f"content does not look like {mime}")
    return bytes(data), mime
