"""Which job sizes an app can run (infra.heroku.dyno_sizes), from the app as GET /apps/{app} answers."""

from __future__ import annotations

from typing import Any

import pytest

from infra.heroku.dyno_sizes import app_size_refusals

# The schema's app.space: null, or {id, name, shield}.
COMMON_RUNTIME: dict[str, Any] = {"id": "a1", "name": "shop", "space": None}
PRIVATE: dict[str, Any] = {"id": "a2", "name": "shop", "space": {"id": "s1", "name": "acme-eu", "shield": False}}
SHIELD: dict[str, Any] = {"id": "a3", "name": "shop", "space": {"id": "s2", "name": "acme-hipaa", "shield": True}}


@pytest.mark.parametrize(
    ("app", "size"),
    [
        (COMMON_RUNTIME, "standard-1X"),
        (COMMON_RUNTIME, "eco"),
        (COMMON_RUNTIME, "performance-L-RAM"),
        ({"id": "a4", "name": "old"}, "basic"),  # an answer without `space`: made before spaces existed
        (PRIVATE, "private-M"),
        (SHIELD, "shield-L"),
        (SHIELD, "private-L"),  # the CLI shows a Shield Space's Private-L as Shield-L
    ],
)
def test_a_size_the_app_can_run_passes(app: dict[str, Any], size: str) -> None:
    assert app_size_refusals("shop", app, [("nightly", size)]) == []


@pytest.mark.parametrize(
    ("app", "size", "line"),
    [
        (
            COMMON_RUNTIME,
            "private-M",
            "picletter:jobs[1].size: private-M (job nightly) runs only in a Private or Shield Space and app shop "
            "is in none (Heroku's Common Runtime): use performance-M",
        ),
        (COMMON_RUNTIME, "shield-S", "use standard-2X"),
        (
            PRIVATE,
            "standard-1X",
            "picletter:jobs[1].size: standard-1X (job nightly) is a Common Runtime size and app shop runs in "
            "Private Space acme-eu, which has its own sizes: use private-S",
        ),
        (SHIELD, "performance-L", "runs in Shield Space acme-hipaa, which has its own sizes: use shield-L"),
        (
            PRIVATE,
            "shield-XL",
            "runs only in a Shield Space and app shop runs in Private Space acme-eu: use private-XL",
        ),
    ],
)
def test_a_size_the_app_cannot_run_is_one_line_naming_the_setting_and_the_fix(
    app: dict[str, Any], size: str, line: str
) -> None:
    refusals = app_size_refusals(
        "shop", app, [("daily", "standard-1X" if app is COMMON_RUNTIME else "private-S"), ("nightly", size)]
    )
    (refusal,) = refusals
    assert line in refusal and "\n" not in refusal
