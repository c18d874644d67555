"""This machine's addresses: the only hosts reached over plain http (or SMTP without STARTTLS), and
the only targets of anything the tests start."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["LOOPBACK_HOSTS", "https_or_loopback", "loopback_http"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def loopback_http(url: str) -> bool:
    """Whether URL is plain http to this machine."""
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS


def https_or_loopback(url: str) -> bool:
    """Whether URL is https with a host, or plain http to this machine."""
    parts = urlsplit(url)
    return bool(parts.hostname) and (parts.scheme == "https" or loopback_http(url))
