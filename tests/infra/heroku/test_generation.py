"""Fir-generation apps are recognized from either shape of the app's answer, and refused in one line."""

from __future__ import annotations

import pytest

from infra.heroku.generation import app_generation, fir_app_refusal, fir_dyno_refusal
from infra.heroku.payloads import App
from infra.names import DYNO_NAME, FIR_DYNO_NAME

FIX = "point picletter:herokuApp at a Cedar app"


@pytest.mark.parametrize(
    ("app", "generation"),
    [
        # The Platform API schema: app.generation and app.stack are objects.
        ({"generation": {"id": "g", "name": "cedar"}, "stack": {"id": "s", "name": "heroku-24"}}, "cedar"),
        ({"generation": {"id": "g", "name": "fir"}, "stack": {"id": "s", "name": "cnb"}}, "fir"),
        # The Heroku CLI's 3.sdk types (src/lib/types/fir.d.ts): generation is a string.
        ({"generation": "fir", "stack": {"id": "s", "name": "cnb"}}, "fir"),
        ({"generation": "cedar", "stack": {"name": "heroku-22"}}, "cedar"),
        # The CLI's launcher rule (src/lib/run/helpers.ts) reads the stack alone.
        ({"stack": {"name": "cnb"}}, "fir"),
        ({"generation": {"name": "cedar"}, "stack": {"name": "cnb"}}, "fir"),
        # An answer naming neither (older apps, a trimmed answer): Cedar, as every app was before Fir.
        ({"id": "x", "name": "old-app"}, "cedar"),
        ({"generation": None, "stack": None}, "cedar"),
    ],
)
def test_the_generation_comes_from_either_shape_or_the_stack(app: App, generation: str) -> None:
    assert app_generation(app) == generation


def test_a_fir_app_is_refused_in_one_line_naming_the_setting_app_generation_and_fix() -> None:
    app: App = {"name": "shop-fir", "generation": {"name": "fir"}, "stack": {"name": "cnb"}}
    refusal = fir_app_refusal("picletter:herokuApp", "shop-fir", app, FIX)
    assert refusal is not None and "\n" not in refusal
    assert refusal.startswith("picletter:herokuApp: app shop-fir is a Fir-generation app (stack cnb)")
    assert "Fir apps are not supported yet" in refusal and refusal.endswith(FIX)
    assert fir_app_refusal("picletter:herokuApp", "shop", {"generation": {"name": "cedar"}}, FIX) is None


@pytest.mark.parametrize("name", ["web-848cd4f64d-pvpr2", "web-1234abcde-123ab", "worker-5d8f7c9b4-x2k9q"])
def test_fir_dyno_names_are_told_apart_from_mistyped_ones(name: str) -> None:
    assert DYNO_NAME.refusal(name) is not None and FIR_DYNO_NAME.accepts(name)
    assert "Fir-generation dyno" in fir_dyno_refusal("DYNO", name, "use `heroku ps:stop`")


@pytest.mark.parametrize("name", ["run.4821", "web.1", "run-1", "run.1/../x", "0b5a8c3e-1f2d-4e6a-9b7c-1234567890ab"])
def test_cedar_names_ids_and_junk_are_not_fir_dyno_names(name: str) -> None:
    assert not FIR_DYNO_NAME.accepts(name)
