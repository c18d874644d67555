"""Which URLs count as this machine's: plain http is accepted only there."""

from __future__ import annotations

import pytest

from netkit.loopback import https_or_loopback, loopback_http


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/x", "http://localhost/", "http://[::1]:5000/"])
def test_plain_http_to_this_machine_is_loopback(url: str) -> None:
    assert loopback_http(url) and https_or_loopback(url)


@pytest.mark.parametrize(
    "url",
    ["http://example.com/", "http://127.0.0.1.example.com/", "http://localhost.evil.test/", "http://10.0.0.1/"],
)
def test_plain_http_elsewhere_is_refused(url: str) -> None:
    assert not loopback_http(url) and not https_or_loopback(url)


def test_https_needs_a_host() -> None:
    assert https_or_loopback("https://api.heroku.com")
    assert not https_or_loopback("https://")
    assert not loopback_http("https://127.0.0.1/")
