"""The retry transport: what is retried per method, how long it waits, and when it stops."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from netkit.retries import RetryingTransport, RetrySettings, retry_after_seconds, retrying_transport

SETTINGS = RetrySettings(attempts=4, backoff_factor=0.5, max_backoff_wait=30.0, total_sleep=120.0)


class Script:
    """A server that gives its answers in order: a status, (status, headers), or an exception to raise."""

    def __init__(self, *answers: int | tuple[int, dict[str, str]] | Exception) -> None:
        self.answers = list(answers)
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request.method)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, headers = answer if isinstance(answer, tuple) else (answer, {})
        return httpx.Response(status, headers=headers)


def client(script: Script, slept: list[float], settings: RetrySettings = SETTINGS) -> httpx.Client:
    transport = RetryingTransport(httpx.MockTransport(script), settings, (429,), slept.append)
    return httpx.Client(transport=transport, base_url="https://api.example.test")


def test_reads_are_retried_on_5xx_with_exponential_backoff() -> None:
    script, slept = Script(503, 502, 200), []
    assert client(script, slept).get("/x").status_code == 200
    assert script.calls == ["GET"] * 3 and slept == [0.5, 1.0]


def test_a_post_is_not_retried_on_a_5xx_it_may_have_acted_on() -> None:
    script, slept = Script(503), []
    assert client(script, slept).post("/dynos").status_code == 503
    assert script.calls == ["POST"] and slept == []


def test_a_post_is_retried_on_its_named_statuses_and_on_a_failed_connect_only() -> None:
    script = Script(429, httpx.ConnectError("refused"), 201)
    assert client(script, []).post("/dynos").status_code == 201
    assert script.calls == ["POST"] * 3
    script = Script(httpx.ReadTimeout("sent, no answer"))
    with pytest.raises(httpx.ReadTimeout):
        client(script, []).post("/dynos")
    assert script.calls == ["POST"]


def test_retry_after_is_honoured_in_seconds_and_as_a_date_and_capped() -> None:
    script, slept = Script((429, {"Retry-After": "7"}), (429, {"Retry-After": "3600"}), 200), []
    assert client(script, slept).get("/x").status_code == 200
    assert slept == [7.0, 30.0]
    response = httpx.Response(503, headers={"Retry-After": "Mon, 01 Mar 2027 07:00:05 GMT"})
    assert retry_after_seconds(response, now=lambda: datetime(2027, 3, 1, 7, 0, tzinfo=UTC)) == 5.0
    assert retry_after_seconds(httpx.Response(503, headers={"Retry-After": "soon"})) is None


def test_attempts_and_the_sleep_budget_bound_every_retry() -> None:
    script = Script(503, 503, 503, 503, 200)
    assert client(script, []).get("/x").status_code == 503
    assert len(script.calls) == SETTINGS.attempts
    script, slept = Script((503, {"Retry-After": "20"}), (503, {"Retry-After": "20"}), 200), []
    tight = RetrySettings(attempts=4, backoff_factor=0.5, max_backoff_wait=30.0, total_sleep=30.0)
    assert client(script, slept, tight).get("/x").status_code == 503
    assert slept == [20.0] and len(script.calls) == 2  # a second 20 s wait would overrun the 30 s budget


def test_without_tls_no_certificates_load_and_https_is_refused_not_unverified() -> None:
    transport = retrying_transport(tls=False)
    with httpx.Client(transport=transport) as plain, pytest.raises(httpx.UnsupportedProtocol, match="no TLS"):
        plain.get("https://example.com/")
