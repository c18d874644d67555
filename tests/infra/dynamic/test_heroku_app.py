"""HerokuApp: a region change on a created app is refused in check, before anything changes."""

from __future__ import annotations

import pytest

from infra.dynamic.heroku_app import HerokuAppProvider
from tests.fakes.heroku_api import FakeHeroku
from tests.fakes.provider_host import running_provider_host
from tests.helpers import APP_TYPE

CREATED = {"name": "picletter-made", "region": "eu", "appId": "id", "webUrl": None}


@pytest.mark.parametrize(
    ("olds", "news", "refused"),
    [
        ({}, {"name": "picletter-made", "region": "eu"}, False),  # first create
        (CREATED, {"name": "picletter-made", "region": "eu"}, False),
        ({**CREATED, "region": None}, {"name": "picletter-made", "region": "us"}, False),  # Heroku's default is us
        (CREATED, {"name": "picletter-made", "region": "us"}, True),
        (CREATED, {"name": "picletter-made", "region": None}, True),
        (CREATED, {"name": "another-app", "region": "us"}, False),  # a new app under a new name
    ],
)
def test_check_refuses_moving_a_created_app_to_another_region(
    olds: dict[str, object], news: dict[str, object], refused: bool
) -> None:
    failures = HerokuAppProvider().check(olds, news).failures or []
    assert bool(failures) is refused
    if refused:
        assert failures[0].property == "region"
        assert "Heroku cannot move an app" in failures[0].reason and "set herokuRegion back to eu" in failures[0].reason


def test_the_refusal_reaches_the_engine_through_the_provider_host(fake_heroku: FakeHeroku) -> None:
    with running_provider_host(HerokuAppProvider(), APP_TYPE, {"HEROKU_API_URL": fake_heroku.url}) as (host, _):
        _, failures = host.check("heroku-app", CREATED, {"name": "picletter-made", "region": "us"})
    assert failures and failures[0].startswith(
        "region: picletter:herokuRegion: the app picletter-made was created in eu"
    )
    assert fake_heroku.requests == []  # refused before any call to Heroku
