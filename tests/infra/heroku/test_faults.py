"""Every Heroku call the project makes, under every fault the fake can inject.

Retried where that is safe (reads and idempotent writes on 429/5xx/reset/timeout; creates only on
409/429), a typed error naming the fix otherwise, and never the token in an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from infra.heroku import HerokuAuthError, HerokuConnectionError, HerokuNotFound
from infra.heroku.client import HerokuClient
from infra.heroku.errors import HerokuApiError
from tests import FAST_RETRY
from tests.fakes.heroku_api import FakeHeroku
from tests.helpers import TOKEN

APP = "picletter-test"


@dataclass(frozen=True)
class Call:
    name: str
    method: str
    path: str
    invoke: Callable[[HerokuClient], Any]
    creates: bool = False


def _prepare_build(client: HerokuClient) -> str:
    get_url, put_url = client.create_source()
    client.upload_blob(put_url, b"tarball")
    return get_url


CALLS = [
    Call("app info", "GET", f"/apps/{APP}", lambda c: c.app(APP)),
    Call("config vars", "GET", f"/apps/{APP}/config-vars", lambda c: c.config_vars(APP)),
    Call("update config vars", "PATCH", f"/apps/{APP}/config-vars", lambda c: c.update_config_vars(APP, {"A": "1"})),
    Call("list dynos", "GET", f"/apps/{APP}/dynos", lambda c: c.dynos(APP)),
    Call("create dyno", "POST", f"/apps/{APP}/dynos", lambda c: c.create_dyno(APP, "picletter"), creates=True),
    Call("log session", "POST", f"/apps/{APP}/log-sessions", lambda c: c.create_log_session(APP), creates=True),
    Call("create source", "POST", "/sources", lambda c: c.create_source(), creates=True),
    Call(
        "create build",
        "POST",
        f"/apps/{APP}/builds",
        lambda c: c.create_build(
            APP, _prepare_build(c), "SHA256:" + __import__("hashlib").sha256(b"tarball").hexdigest(), "v1"
        ),
        creates=True,
    ),
]

RETRYABLE_FOR_READS = {429: {"Retry-After": "0"}, 500: {}, 502: {}, 503: {}, 504: {}}


def client_for(fake: FakeHeroku, token: str = TOKEN, timeout: float = 2.0) -> HerokuClient:
    return HerokuClient(token, base_url=fake.url, retry=FAST_RETRY, timeout=timeout)


def calls_to(fake: FakeHeroku, call: Call) -> int:
    return len([r for r in fake.requests if r.method == call.method and r.path == call.path])


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
@pytest.mark.parametrize("status", [429, 500, 503])
def test_transient_status_once(fake_heroku: FakeHeroku, call: Call, status: int) -> None:
    fake_heroku.fail(call.method, call.path, status, headers=RETRYABLE_FOR_READS.get(status, {}))
    with client_for(fake_heroku) as client:
        if call.creates and status != 429:
            # The create may have happened: do not send it twice.
            with pytest.raises(HerokuApiError) as raised:
                call.invoke(client)
            assert raised.value.status == status and calls_to(fake_heroku, call) == 1
        else:
            call.invoke(client)
            assert calls_to(fake_heroku, call) == 2


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
def test_connection_reset(fake_heroku: FakeHeroku, call: Call) -> None:
    fake_heroku.fail(call.method, call.path, reset=True)
    with client_for(fake_heroku) as client:
        if call.creates:
            with pytest.raises(HerokuConnectionError):
                call.invoke(client)
        else:
            call.invoke(client)


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
def test_timeout(fake_heroku: FakeHeroku, call: Call) -> None:
    fake_heroku.fail(call.method, call.path, status=0, delay=0.4)
    with client_for(fake_heroku, timeout=0.2) as client:
        if call.creates:
            with pytest.raises(HerokuConnectionError, match="ReadTimeout"):
                call.invoke(client)
        else:
            call.invoke(client)


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
def test_conflict_409(fake_heroku: FakeHeroku, call: Call) -> None:
    fake_heroku.fail(call.method, call.path, 409, error_id="conflict")
    with client_for(fake_heroku) as client:
        if call.creates:
            call.invoke(client)  # a create that raced is retried
            assert calls_to(fake_heroku, call) == 2
        else:
            with pytest.raises(HerokuApiError) as raised:
                call.invoke(client)
            assert raised.value.status == 409


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
@pytest.mark.parametrize(
    ("status", "error", "hint"),
    [
        (401, HerokuAuthError, "HEROKU_API_KEY"),
        (403, HerokuAuthError, "collaborator"),
        (404, HerokuNotFound, "picletter:herokuApp"),
        (422, HerokuApiError, "invalid_params"),
    ],
)
def test_client_errors_are_typed_not_retried_and_tokenless(
    fake_heroku: FakeHeroku, call: Call, status: int, error: type[Exception], hint: str
) -> None:
    fake_heroku.fail(call.method, call.path, status, error_id="invalid_params" if status == 422 else "denied")
    with client_for(fake_heroku) as client, pytest.raises(error) as raised:
        call.invoke(client)
    assert hint in str(raised.value) and TOKEN not in str(raised.value)
    assert calls_to(fake_heroku, call) == 1


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
def test_rate_limit_storm_gives_up_after_the_configured_attempts(fake_heroku: FakeHeroku, call: Call) -> None:
    fake_heroku.fail(call.method, call.path, 429, times=1000, headers={"Retry-After": "0"}, error_id="rate_limit")
    with client_for(fake_heroku) as client, pytest.raises(HerokuApiError) as raised:
        call.invoke(client)
    assert raised.value.status == 429 and calls_to(fake_heroku, call) == FAST_RETRY.attempts
