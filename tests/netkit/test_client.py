"""The client the job and infra build their HTTP on: identity, timeouts, redirects and retries."""

from __future__ import annotations

import httpx

from netkit.client import CONNECT_TIMEOUT, retrying_client
from netkit.retries import RetrySettings


def test_the_client_names_itself_and_keeps_the_callers_headers() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    with retrying_client(
        user_agent="tool/1.0", timeout=5.0, transport=httpx.MockTransport(answer), headers={"Accept": "text/x"}
    ) as client:
        client.get("http://127.0.0.1/x")
    assert seen[0].headers["User-Agent"] == "tool/1.0" and seen[0].headers["Accept"] == "text/x"


def test_connecting_waits_less_than_reading() -> None:
    with retrying_client(user_agent="t", timeout=45.0) as client:
        assert client.timeout == httpx.Timeout(45.0, connect=CONNECT_TIMEOUT)


def test_redirects_are_followed_only_when_asked() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(302, headers={"Location": "http://127.0.0.1/new"})
        return httpx.Response(200)

    for follow, status in ((False, 302), (True, 200)):
        with retrying_client(
            user_agent="t", timeout=5.0, transport=httpx.MockTransport(answer), follow_redirects=follow
        ) as client:
            assert client.get("http://127.0.0.1/old").status_code == status


def test_retry_waits_go_to_the_sleep_given() -> None:
    answers = iter([httpx.Response(503), httpx.Response(200)])
    slept: list[float] = []
    with retrying_client(
        user_agent="t",
        timeout=5.0,
        transport=httpx.MockTransport(lambda request: next(answers)),
        retry=RetrySettings(attempts=2, backoff_factor=0.25),
        sleep=slept.append,
    ) as client:
        assert client.get("http://127.0.0.1/x").status_code == 200
    assert slept == [0.25]
