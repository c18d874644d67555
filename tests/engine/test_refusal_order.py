"""A Heroku provider's refusal comes before anything changes in a cloud, under the real engine.

The engine runs the steps of resources that do not depend on each other at once, and a failed check
or create cancels only the steps not yet started (github:pulumi/pulumi pkg/resource/deploy,
step_executor.go executeChain and cancelDueToError). With `pulumi up --skip-preview` there is no
preview to stop first: only the program's dependencies keep Azure unchanged while a Heroku provider
refuses. Each case is one of those refusals, all in a check: the config vars' (a Fir app, a key
that holds another value) and the build's (code the stack did not ship). A refusal raised from a
create instead reaches the CLI inside the provider host's traceback (pulumi/dynamic/__main__.py,
_abort_with_traceback puts traceback.format_exc() in the gRPC error), and a preview never shows it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.engine.harness import Engine, engine_world
from tests.fakes.heroku_api import EXISTING_APP, FakeHeroku

FIR_APP = "picletter-fir"
FIR_REFUSAL = f"app {FIR_APP} is a Fir-generation app (stack cnb)"


def _fir_app(heroku: FakeHeroku) -> tuple[str, str]:
    heroku.add_app(FIR_APP, generation="fir")
    return FIR_APP, FIR_REFUSAL


def _app_running_code_from_elsewhere(heroku: FakeHeroku) -> tuple[str, str]:
    heroku.add_existing_app()
    return EXISTING_APP, f"app {EXISTING_APP} runs code this stack did not ship"


def _app_holding_another_value(heroku: FakeHeroku) -> tuple[str, str]:
    heroku.add_app("picletter-test", {"PICLETTER_TO": "someone-else@example.com"})
    return "picletter-test", "config var(s) PICLETTER_TO already exist on app picletter-test with another value"


Scenario = Callable[[FakeHeroku], tuple[str, str]]
SCENARIOS: dict[str, tuple[Scenario, str]] = {
    "fir-app-deploy-code": (_fir_app, "true"),
    "fir-app-no-code": (_fir_app, "false"),
    "code-from-elsewhere": (_app_running_code_from_elsewhere, "true"),
    "config-var-conflict": (_app_holding_another_value, "false"),
}


@pytest.fixture
def refused(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Engine, str]]:
    scenario, deploy_code = SCENARIOS[request.param]
    with engine_world(tmp_path, apps={}) as world:
        app, refusal = scenario(world.heroku)
        world.configure_like_the_readme(app=app)
        world.config("picletter:deployCode", deploy_code)
        yield world, refusal


def _refused_once(done: subprocess.CompletedProcess[str], refusal: str) -> None:
    """The command failed with the refusal as one diagnostic (the CLI also echoes it in the progress
    lines above its "Diagnostics:" summary), and no other error but the SDK's own line for the
    registrations the engine no longer takes once it stopped (pulumi/runtime/settings.py,
    grpc_error_to_exception: "Resource monitor has terminated")."""
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "Traceback" not in output, output
    diagnostics = output.split("Diagnostics:", 1)[-1]
    assert diagnostics.count(refusal) == 1, output
    others = [line for line in diagnostics.splitlines() if "error:" in line and refusal not in line]
    assert all("Resource monitor has terminated" in line for line in others), output


@pytest.mark.parametrize("refused", ["fir-app-deploy-code", "fir-app-no-code"], indirect=True)
def test_up_without_preview_refuses_a_fir_app_before_any_change(refused: tuple[Engine, str]) -> None:
    engine, refusal = refused

    _refused_once(engine.pulumi("up", "--yes", "--skip-preview", check=False), refusal)

    assert engine.azure.writes() == [], "an Azure resource was made before the Heroku refusal"
    assert engine.heroku.writes() == []


@pytest.mark.parametrize("refused", ["code-from-elsewhere"], indirect=True)
def test_up_without_preview_refuses_code_from_elsewhere_before_any_change(refused: tuple[Engine, str]) -> None:
    engine, refusal = refused

    _refused_once(engine.pulumi("up", "--yes", "--skip-preview", check=False), refusal)

    assert engine.azure.writes() == [], "an Azure resource was made before the Heroku refusal"
    assert engine.heroku.writes() == [], "the config vars were written before the build's refusal"


@pytest.mark.parametrize("refused", ["config-var-conflict"], indirect=True)
def test_up_without_preview_refuses_a_config_var_conflict_in_one_line_before_any_change(
    refused: tuple[Engine, str],
) -> None:
    engine, refusal = refused

    _refused_once(engine.pulumi("up", "--yes", "--skip-preview", check=False), refusal)

    assert engine.azure.writes() == [], "an Azure resource was made before the Heroku refusal"
    assert engine.heroku.writes() == []


@pytest.mark.parametrize(
    "refused", ["fir-app-deploy-code", "config-var-conflict", "code-from-elsewhere"], indirect=True
)
def test_preview_and_up_with_preview_show_the_refusal_once(refused: tuple[Engine, str]) -> None:
    engine, refusal = refused

    _refused_once(engine.pulumi("preview", check=False), refusal)
    _refused_once(engine.pulumi("up", "--yes", check=False), refusal)

    assert engine.azure.writes() == [] and engine.heroku.writes() == []
