"""Scenarios 6 and 7 of issue 18: `pulumi destroy`, also after the program changed since the `up`."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from tests.engine.harness import Engine, engine_world, export_commit

WORKFLOW = "azure-native:logic:Workflow"
GROUP = "azure-native:resources:ResourceGroup"
# The program just before the run-outcome rework (3965ed7 replaced the polling definition by the
# HttpWebhook one): its state holds another workflow definition and earlier provider code.
EARLIER_COMMIT = "d3e3405"
# The last program whose dynamic resources lived in infra.heroku.{app,build,config_vars} and
# infra.components.catch_up_start: its state pickles each provider by those module paths, which
# every later program must still import (docs/adr/0011-dynamic-resources-package.md).
BEFORE_THE_DYNAMIC_PACKAGE = "7ddd538"


def test_destroy_gives_back_config_vars_and_deletes_azure_children_first(engine: Engine) -> None:
    app = engine.heroku.apps["picletter-test"]
    app.config_vars["PICLETTER_TO"] = "set-by-hand@example.com"
    engine.configure_like_the_readme()
    engine.pulumi("config", "set", "--path", "picletter:adoptConfigVars[0]", "PICLETTER_TO")
    engine.up()
    assert app.config_vars["PICLETTER_TO"] == "me@example.com"
    before = len(engine.azure.calls)

    engine.pulumi("destroy", "--yes")

    # Owned vars released, the adopted one given back its earlier value, the others untouched.
    assert app.config_vars == {"DATABASE_URL": "postgres://unmanaged", "PICLETTER_TO": "set-by-hand@example.com"}
    deletes = [c.type for c in engine.azure.calls[before:] if c.method == "Delete"]
    assert deletes == [WORKFLOW, GROUP], "the engine deletes dependents first"
    assert engine.azure.resources == {}
    assert engine.resources_in_state() == []


@pytest.mark.parametrize("delete_app", [False, True])
def test_destroy_retains_a_created_app_unless_told_otherwise(engine: Engine, delete_app: bool) -> None:
    engine.configure_like_the_readme(app="picletter-created")
    engine.config("picletter:createApp", "true")
    engine.config("picletter:deleteAppOnDestroy", str(delete_app).lower())
    engine.up()

    engine.pulumi("destroy", "--yes")

    assert ("picletter-created" in engine.heroku.apps) is not delete_app
    if not delete_app:
        assert "PICLETTER_TO" not in engine.heroku.apps["picletter-created"].config_vars
    assert engine.azure.resources == {}


def test_refresh_and_destroy_after_the_code_changed_since_the_up(tmp_path: Path) -> None:
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    export_commit(EARLIER_COMMIT, earlier)
    with engine_world(tmp_path / "world", root=earlier, apps={"picletter-test": {}}) as engine:
        engine.configure_like_the_readme()
        engine.up()
        engine.replace_program()

        engine.pulumi("refresh", "--yes")
        engine.pulumi("destroy", "--yes")

        assert engine.heroku.apps["picletter-test"].config_vars == {}
        assert engine.azure.resources == {}
        assert engine.resources_in_state() == []


def _pickled_modules(engine: Engine) -> dict[str, set[str]]:
    """Per dynamic resource type, the project modules its pickled provider (`__provider`) names."""
    # The SDK stores the pickle as a secret (it may capture secrets): read it decrypted.
    deployment = json.loads(engine.pulumi("stack", "export", "--show-secrets").stdout)["deployment"]
    found: dict[str, set[str]] = {}
    for resource in deployment.get("resources", []):
        pickled = resource.get("inputs", {}).get("__provider")
        if isinstance(pickled, dict):  # {"<secret sig>": ..., "plaintext": "\"<base64>\""}
            pickled = json.loads(pickled["plaintext"])
        if pickled:
            names = re.findall(rb"infra\.[a-z_.]+", base64.b64decode(pickled))
            found[resource["type"]] = {name.decode() for name in names}
    return found


def test_a_stack_made_before_the_dynamic_package_refreshes_updates_and_destroys(tmp_path: Path) -> None:
    """Every dynamic resource of that program (a created app, its code, config vars, a catch-up
    start), so refresh loads each provider as the old state pickled it; one `up` pickles them anew."""
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    export_commit(BEFORE_THE_DYNAMIC_PACKAGE, earlier)
    with engine_world(tmp_path / "world", root=earlier, apps={}) as engine:
        engine.configure_like_the_readme(app="picletter-created")
        engine.config("picletter:createApp", "true")
        engine.config("picletter:deleteAppOnDestroy", "true")
        engine.set_jobs([{"name": "sixhourly", "command": "picletter", "schedule": "every 6 hours", "catchUp": "true"}])
        engine.up()
        assert _pickled_modules(engine) == {
            "pulumi-python:dynamic/heroku:App": {"infra.heroku.app"},
            "pulumi-python:dynamic/heroku:Build": {"infra.heroku.build"},
            "pulumi-python:dynamic/heroku:ConfigVars": {"infra.heroku.config_vars"},
            "pulumi-python:dynamic/picletter:CatchUpStart": {"infra.components.catch_up_start"},
        }
        engine.replace_program()

        engine.pulumi("refresh", "--yes")
        # Same type tokens: nothing is replaced, created or deleted (the job's code may have changed),
        # but for the build's check made before the config vars, new since (it writes nothing).
        steps = engine.preview_steps()
        assert ("create", "pulumi-python:dynamic/heroku:CodeCheck::job-code-check") in steps
        assert {op for op, name in steps if not name.endswith("::job-code-check")} <= {"update"}
        engine.up()
        # Pickled anew under the package's paths: after one such `up`, the old paths are not needed.
        assert _pickled_modules(engine) == {
            "pulumi-python:dynamic/heroku:App": {"infra.dynamic.heroku_app"},
            "pulumi-python:dynamic/heroku:Build": {"infra.dynamic.heroku_build"},
            "pulumi-python:dynamic/heroku:CodeCheck": {"infra.dynamic.heroku_build"},
            "pulumi-python:dynamic/heroku:ConfigVars": {"infra.dynamic.heroku_config_vars"},
            "pulumi-python:dynamic/picletter:CatchUpStart": {"infra.dynamic.catch_up_start"},
        }
        engine.pulumi("destroy", "--yes")

        assert "picletter-created" not in engine.heroku.apps
        assert engine.azure.resources == {}
        assert engine.resources_in_state() == []
