from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest
from hypothesis import settings

from infra.heroku.client import RetrySettings
from tests.fakes.heroku_api import TOKEN, FakeHeroku, running_fake_heroku
from tests.fakes.heroku_schema import validate_request

# The suite is deterministic: property tests draw the same examples on every run and every machine,
# so a red CI always means the change, never the draw. Cases they found are kept as @example.
settings.register_profile("deterministic", derandomize=True, print_blob=True)
settings.load_profile("deterministic")

FAST_RETRY = RetrySettings(attempts=4, backoff_factor=0.001, max_backoff_wait=0.05, total_sleep=1.0)


@pytest.fixture
def fake_heroku() -> Iterator[FakeHeroku]:
    with running_fake_heroku() as fake:
        fake.add_app("picletter-test", {"DATABASE_URL": "postgres://unmanaged", "LEGACY": "keep me"})
        yield fake
    assert fake.violations == [], "requests the Heroku schema does not allow"


def schema_checked(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    """A MockTransport that first checks each request against Heroku's schema."""

    def checked(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        validate_request(request.method, request.url.path, body)
        return handler(request)

    return httpx.MockTransport(checked)


__all__ = ["FAST_RETRY", "TOKEN", "schema_checked"]
