"""Which token the providers deploy with: the deploy token, else the shared one (docs/how-to/tokens.md)."""

from __future__ import annotations

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from infra.dynamic.heroku_build import HerokuBuildProvider
from infra.heroku.errors import HerokuMissingToken
from tests.fakes.heroku_api import FakeHeroku

APP = "picletter-test"


def provider_with(config: dict[str, str], fake: FakeHeroku) -> HerokuBuildProvider:
    provider = HerokuBuildProvider()
    provider.configure(ConfigureRequest(Config(config, "picletter")))
    provider.transport = fake.mock_transport()
    return provider


@pytest.mark.parametrize(
    ("config", "accepted"),
    [
        ({"picletter:herokuDeployToken": "deploy", "picletter:herokuApiToken": "shared"}, "deploy"),
        ({"picletter:herokuApiToken": "shared"}, "shared"),
        ({"picletter:herokuRunToken": "run-only"}, "env"),  # never the Logic Apps' token
    ],
)
def test_the_deploy_token_wins_then_the_shared_token_then_heroku_api_key(
    config: dict[str, str], accepted: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEROKU_API_KEY", "env")
    fake = FakeHeroku(token=accepted)  # answers 401 to any other token
    fake.add_app(APP)
    with provider_with(config, fake).client() as heroku:
        assert heroku.app(APP)["name"] == APP


def test_without_any_token_the_provider_names_the_deploy_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEROKU_API_KEY", raising=False)
    provider = HerokuBuildProvider()
    provider.configure(ConfigureRequest(Config({"picletter:herokuRunToken": "run-only"}, "picletter")))
    with pytest.raises(HerokuMissingToken, match="picletter:herokuDeployToken is not set"):
        provider.client()
