"""HTTP for the job: a client with timeouts and the retries of netkit.retries, and capped image downloads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import httpx

from netkit.client import retrying_client
from netkit.retries import RetrySettings
from picletter.picture import IMAGE_TYPES

__all__ = ["DownloadError", "download_image", "http_client"]


def http_client(
    *,
    user_agent: str,
    transport: httpx.BaseTransport | None = None,
    retry: RetrySettings = RetrySettings(),
    post_statuses: Iterable[int] = (429,),
    timeout: float = 20.0,
    headers: Mapping[str, str] | None = None,
    base_url: str = "",
    tls: bool = True,
) -> httpx.Client:
    """netkit.client's client with the job's choices: a 20 s timeout, and redirects followed."""
    return retrying_client(
        user_agent=user_agent,
        timeout=timeout,
        transport=transport,
        retry=retry,
        post_statuses=post_statuses,
        headers=headers,
        base_url=base_url,
        follow_redirects=True,
        tls=tls,
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
    if not bytes(data).startswith(IMAGE_TYPES[mime].magic):
        raise DownloadError(f"content does not look like {mime}")
    return bytes(data), mime
