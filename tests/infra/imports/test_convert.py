"""What any import prints is a stack-file fragment the stack's own settings parser accepts."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from infra.errors import UserError
from infra.imports import convert, render
from infra.settings import settings_from_config

MANIFEST = {
    "jobs": [
        {"nickname": "Nightly", "schedule": "0 2 * * *", "timezone": "Europe/Berlin", "command": "rake n"},
        {"nickname": "Often", "schedule": "5 minutes", "command": "rake o", "dyno": "Basic", "jitter": 2},
        {"nickname": "Paused one", "schedule": "0 9 1 * *", "command": "rake p", "state": "paused", "timeout": 60},
        {"nickname": "Broken", "schedule": "0 9 8-14 * 5", "command": "rake b"},
    ]
}


def stack_config(fragment: str) -> dict[str, Any]:
    document = yaml.safe_load(fragment)
    return {
        "azure-native:location": "westeurope",
        "picletter:herokuApp": "my-app",
        "picletter:herokuApiToken": "token",
        **document["config"],
    }


def test_the_rendered_jobs_are_what_the_stack_parser_takes() -> None:
    fragment = render(convert(MANIFEST), "manifest.yml")
    settings = settings_from_config(stack_config(fragment), heroku_api_key="")
    assert [job.name for job in settings.jobs] == ["nightly", "often", "paused-one"]
    assert [job.enabled for job in settings.jobs] == [True, True, False]
    assert settings.jobs[0].time_zone == "Europe/Berlin"


def test_refused_jobs_and_notes_are_comments_in_the_output() -> None:
    fragment = render(convert(MANIFEST), "manifest.yml")
    assert "# NOT CONVERTED (1)" in fragment
    assert "#   - Broken: schedule '0 9 8-14 * 5'" in fragment
    assert "    # jitter: 2 not converted" in fragment


def test_a_file_with_nothing_to_convert_still_renders_a_valid_fragment() -> None:
    assert yaml.safe_load(render(convert({"jobs": None}), "m.yml")) == {"config": {"picletter:jobs": []}}


@pytest.mark.parametrize("document", [None, "text", 7, {"other": 1}, [1, 2], []])
def test_a_file_of_no_known_shape_is_one_clear_error(document: Any) -> None:
    with pytest.raises(UserError, match="not a Cron To Go manifest"):
        convert(document)


def test_a_format_given_by_hand_is_used_even_where_the_shape_says_otherwise() -> None:
    with pytest.raises(UserError, match="JSON:API"):
        convert({"jobs": []}, "heroku-scheduler")
