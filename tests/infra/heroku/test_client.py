from __future__ import annotations

import httpx
import pytest
from pulumi.dynamic import Config, ConfigureRequest

from infra.dynamic.heroku_config_vars import HerokuConfigVarsProvider
from infra.heroku import HerokuAuthError, HerokuConnectionError, HerokuNotFound, HerokuRateLimited
from infra.heroku.client import HerokuClient
from infra.heroku.environment import heroku_environment
from infra.heroku.errors import HerokuApiError
from tests.fakes.heroku_api import FakeHeroku
from tests.helpers import FAST_RETRY, TOKEN, schema_checked


def client_for(fake: FakeHeroku, token: str = TOKEN) -> HerokuClient:
    return HerokuClient(token, base_url=fake.url, retry=FAST_RETRY, timeout=2.0)


def test_sends_version_3_accept_bearer_token_and_user_agent() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"A": "1"})

    with HerokuClient("t0k", base_url="https://api.example", transport=schema_checked(handler)) as client:
        assert client.config_vars("app") == {"A": "1"}
    (request,) = seen
    assert request.headers["Accept"] == "application/vnd.heroku+json; version=3"
    assert request.headers["Authorization"] == "Bearer t0k"
    assert request.headers["User-Agent"].startswith("picletter-infra/")
    assert str(request.url) == "https://api.example/apps/app/config-vars"


def test_base_url_comes_from_heroku_api_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEROKU_API_URL", "https://proxy.example/")
    urls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, json={"id": "x", "name": "app"})

    # Read once from the environment (infra.heroku.environment), then given to every client.
    assert heroku_environment().api_url == "https://proxy.example"
    provider = HerokuConfigVarsProvider()
    provider.configure(ConfigureRequest(Config({"picletter:herokuApiToken": "t"}, "picletter")))
    provider.transport = httpx.MockTransport(handler)
    with provider.client() as client:
        client.app("app")
    assert urls == ["https://proxy.example/apps/app"]


def test_429_with_retry_after_is_retried_then_succeeds(fake_heroku: FakeHeroku) -> None:
    fake_heroku.fail("GET", "/apps/picletter-test/config-vars", 429, times=2, headers={"Retry-After": "0"})
    with client_for(fake_heroku) as client:
        assert client.config_vars("picletter-test")["LEGACY"] == "keep me"
    assert len([r for r in fake_heroku.requests if r.path.endswith("config-vars")]) == 3


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_on_reads_and_patches_is_retried(fake_heroku: FakeHeroku, status: int) -> None:
    fake_heroku.fail("PATCH", "/apps/picletter-test/config-vars", status, times=2)
    with client_for(fake_heroku) as client:
        client.update_config_vars("picletter-test", {"NEW": "v"})
    assert fake_heroku.apps["picletter-test"].config_vars["NEW"] == "v"


def test_connection_reset_on_read_is_retried(fake_heroku: FakeHeroku) -> None:
    fake_heroku.fail("GET", "/apps/picletter-test", reset=True, times=1)
    with client_for(fake_heroku) as client:
        assert client.app("picletter-test")["name"] == "picletter-test"


def test_slow_response_times_out_then_retry_succeeds(fake_heroku: FakeHeroku) -> None:
    fake_heroku.fail("GET", "/apps/picletter-test", status=0, delay=0.6, times=1)
    with HerokuClient(TOKEN, base_url=fake_heroku.url, retry=FAST_RETRY, timeout=0.3) as client:
        assert client.app("picletter-test")["name"] == "picletter-test"


def test_dyno_create_is_retried_on_409_but_not_on_500(fake_heroku: FakeHeroku) -> None:
    fake_heroku.fail("POST", "/apps/picletter-test/dynos", 409, times=1, error_id="conflict")
    fake_heroku.next_run_numbers = [4821]
    with client_for(fake_heroku) as client:
        dyno = client.create_dyno("picletter-test", "picletter", size="basic", time_to_live=60)
        assert dyno["name"] == "run.4821"
        fake_heroku.fail("POST", "/apps/picletter-test/dynos", 500, times=1, error_id="internal_error")
        with pytest.raises(HerokuApiError) as raised:
            client.create_dyno("picletter-test", "picletter")
    # A 500 may have started the dyno: a second POST could run the job twice.
    assert raised.value.status == 500
    assert len(fake_heroku.apps["picletter-test"].dynos) == 1


def test_429_storm_ends_in_typed_error_naming_the_limit(fake_heroku: FakeHeroku) -> None:
    fake_heroku.fail("GET", "/apps/picletter-test/dynos", 429, times=100, error_id="rate_limit")
    with client_for(fake_heroku) as client, pytest.raises(HerokuRateLimited) as raised:
        client.dynos("picletter-test")
    assert raised.value.status == 429
    assert "rate limit" in str(raised.value)
    assert len(fake_heroku.requests) == FAST_RETRY.attempts


def test_401_is_an_auth_error_that_names_the_setting_and_not_the_token(fake_heroku: FakeHeroku) -> None:
    with client_for(fake_heroku, token="wrong-secret-token") as client, pytest.raises(HerokuAuthError) as raised:
        client.config_vars("picletter-test")
    message = str(raised.value)
    assert "picletter:herokuApiToken" in message and "HEROKU_API_KEY" in message
    assert "wrong-secret-token" not in message
    assert len(fake_heroku.requests) == 1, "401 is not retried"


def test_404_app_names_the_app_setting(fake_heroku: FakeHeroku) -> None:
    with client_for(fake_heroku) as client, pytest.raises(HerokuNotFound) as raised:
        client.app("no-such-app")
    assert raised.value.error_id == "not_found"
    assert "picletter:herokuApp" in str(raised.value)


def test_nothing_listening_is_a_connection_error() -> None:
    client = HerokuClient(TOKEN, base_url="http://127.0.0.1:9", retry=FAST_RETRY)
    with client, pytest.raises(HerokuConnectionError) as raised:
        client.app("some-app")
    assert raised.value.status == 0


def test_list_follows_range_pagination(fake_heroku: FakeHeroku) -> None:
    fake_heroku.dyno_exit_status, fake_heroku.next_run_numbers = None, [1, 2, 3, 4, 5]  # five still running
    with client_for(fake_heroku) as client:
        for _ in range(5):
            client.create_dyno("picletter-test", "picletter")
        import infra.heroku.client as module

        original = module.PAGE_SIZE
        module.PAGE_SIZE = 2
        try:
            dynos = client.dynos("picletter-test")
        finally:
            module.PAGE_SIZE = original
    assert sorted(d["name"] for d in dynos) == [f"run.{i}" for i in range(1, 6)]
    list_requests = [r for r in fake_heroku.requests if r.method == "GET"]
    assert len(list_requests) == 3
    assert list_requests[1].headers["Range"].startswith("id ]")


def test_pauses_before_the_next_request_when_the_rate_limit_budget_is_spent() -> None:
    budgets = iter(["0", "4000", "4000"])
    slept: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={}, headers={"RateLimit-Remaining": next(budgets)})

    client = HerokuClient("t", base_url="https://api.example", transport=schema_checked(handler), sleep=slept.append)
    with client:
        client.config_vars("app")
        assert slept == []
        client.config_vars("app")
        assert slept == [2.0]
        client.config_vars("app")
        assert slept == [2.0]


def test_retry_tuning_from_env_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from infra.heroku.client import retry_settings
    from infra.heroku.environment import heroku_environment
    from infra.heroku.errors import HerokuSettingsError

    monkeypatch.setenv("HEROKU_API_ATTEMPTS", "2")
    monkeypatch.setenv("HEROKU_API_BACKOFF", "0.1")
    settings = retry_settings(heroku_environment())
    assert (settings.attempts, settings.backoff_factor) == (2, 0.1)
    monkeypatch.setenv("HEROKU_API_ATTEMPTS", "many")
    with pytest.raises(HerokuSettingsError, match="HEROKU_API_ATTEMPTS='many'"):
        heroku_environment()


def test_a_429_without_retry_after_is_retried_with_backoff(fake_heroku: FakeHeroku) -> None:
    fake_heroku.fail("GET", "/apps/picletter-test", 429, times=2, error_id="rate_limit")
    with client_for(fake_heroku) as client:
        assert client.app("picletter-test")["name"] == "picletter-test"
    assert len([r for r in fake_heroku.requests if r.path == "/apps/picletter-test"]) == 3


def test_the_fake_counts_the_rate_limit_down_and_tags_every_answer(fake_heroku: FakeHeroku) -> None:
    with httpx.Client(base_url=fake_heroku.url, headers={"Authorization": f"Bearer {TOKEN}"}) as plain:
        first = plain.get("/apps/picletter-test", headers={"Accept": "application/vnd.heroku+json; version=3"})
        second = plain.get("/apps/picletter-test", headers={"Accept": "application/vnd.heroku+json; version=3"})
    assert int(first.headers["RateLimit-Remaining"]) - int(second.headers["RateLimit-Remaining"]) == 1
    assert first.headers["Request-Id"] != second.headers["Request-Id"]


def test_an_error_names_herokus_request_id_when_there_is_one_and_reads_well_without(fake_heroku: FakeHeroku) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"Request-Id": "req-4f1d"} if request.url.path.endswith("/with-id") else {}
        return httpx.Response(404, headers=headers, json={"id": "not_found", "message": "Couldn't find that app."})

    with HerokuClient("t", base_url="https://api.example", transport=httpx.MockTransport(answer)) as client:
        with pytest.raises(HerokuNotFound) as with_id:
            client.send("GET", "/apps/with-id")
        with pytest.raises(HerokuNotFound) as without:
            client.send("GET", "/apps/without")
    assert str(with_id.value).endswith("[Request-Id req-4f1d]") and with_id.value.request_id == "req-4f1d"
    assert "Request-Id" not in str(without.value) and "Couldn't find that app." in str(without.value)
