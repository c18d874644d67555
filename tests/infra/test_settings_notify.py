"""picletter:notify: receivers of failure and recovery notices, each URL a secret."""

from __future__ import annotations

from typing import Any

import pytest

from infra.settings import ConfigError, NotifyReceiver, settings_from_config

URL = "https://hooks.slack.com/services/T000/B000/canary-settings-url-19d2"
BASE = {
    "picletter:herokuApp": "app-name",
    "picletter:herokuApiToken": "token",
    "azure-native:location": "westeurope",
}
FIX = "run `pulumi config set --secret --path 'picletter:notify[0].url' URL`"


def settings(notify: Any, secret: bool = True) -> tuple[NotifyReceiver, ...]:
    keys = ["picletter:notify"] if secret else []
    return settings_from_config({**BASE, "picletter:notify": notify}, "", secret_keys=keys).notify


def problems(notify: Any, secret: bool = True) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        settings(notify, secret)
    assert URL not in str(raised.value)  # never echoed, right or wrong
    return raised.value.problems


def test_unset_means_no_receivers() -> None:
    assert settings_from_config(BASE, "").notify == ()


def test_receivers_default_to_both_events() -> None:
    (slack, hook) = settings([{"type": "slack", "url": URL}, {"type": "webhook", "url": URL, "on": ["recovery"]}])
    assert (slack.type, slack.url, slack.on) == ("slack", URL, frozenset({"failure", "recovery"}))
    assert hook.on == frozenset({"recovery"})
    assert URL not in repr(slack)


def test_a_plaintext_url_is_refused_with_the_command_that_fixes_it() -> None:
    assert problems([{"type": "teams", "url": URL}], secret=False) == [
        "picletter:notify[0].url: is stored in plaintext, so the stack file and `pulumi config` show it, and "
        f"anyone holding it can post to the channel; {FIX}"
    ]


@pytest.mark.parametrize(
    ("notify", "problem"),
    [
        ({"type": "slack"}, "picletter:notify: must be a list of receivers"),
        (["slack"], "picletter:notify[0]: must be a map {type, url, on}"),
        ([{"type": "discord", "url": URL}], "picletter:notify[0].type: 'discord' is not a receiver type"),
        ([{"type": "slack", "url": "http://hooks.slack.com/x"}], "picletter:notify[0].url: must be an https:// URL"),
        ([{"type": "slack"}], "picletter:notify[0].url: must be an https:// URL"),
        ([{"type": "slack", "url": URL, "on": ["success"]}], "picletter:notify[0].on: ['success'] is not a list"),
        ([{"type": "slack", "url": URL, "on": []}], "picletter:notify[0].on: [] is not a list"),
        ([{"type": "slack", "url": URL, "channel": "#ops"}], "picletter:notify[0].channel: is not a receiver field"),
    ],
)
def test_bad_receivers_are_refused_one_line_each(notify: Any, problem: str) -> None:
    (found,) = problems(notify)
    assert found.startswith(problem)
