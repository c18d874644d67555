"""Scenarios 1, 2, 5 and 8 of issue 18: the real CLI configures, previews and deploys the program."""

from __future__ import annotations

import json

from tests.engine.harness import CANARIES, SENDGRID_CANARY, Engine
from tests.fakes.azure_native import SUBSCRIPTION, reveal
from tests.fakes.heroku_api import TOKEN

WORKFLOW = "azure-native:logic:Workflow"
GROUP = "azure-native:resources:ResourceGroup"


def test_configured_as_the_readme_shows_preview_then_up_deploys_everything(engine: Engine) -> None:
    engine.configure_like_the_readme()
    preview = engine.pulumi("preview", "--diff")
    assert "+ 7 to create" in preview.stdout  # the build's check before the config vars too
    assert SENDGRID_CANARY not in preview.stdout + preview.stderr
    assert engine.heroku.writes() == [] and engine.azure.writes() == [], "a preview changed something"

    engine.pulumi("up", "--yes")

    app = engine.heroku.apps["picletter-test"]
    assert app.config_vars == {
        "DATABASE_URL": "postgres://unmanaged",  # not the stack's: untouched
        "PICLETTER_FROM": "Picletter <pics@example.com>",
        "PICLETTER_TO": "me@example.com",
        "SENDGRID_API_KEY": SENDGRID_CANARY,
    }
    (build,) = engine.heroku.builds.values()
    assert build["status"] == "succeeded"
    outputs = engine.outputs()
    assert outputs["herokuApp"] == "picletter-test"
    assert outputs["configVarKeys"] == ["PICLETTER_FROM", "PICLETTER_TO", "SENDGRID_API_KEY"]
    assert outputs["release"]["releaseId"] == build["release"]["id"]
    (group_id,) = engine.azure.of_type(GROUP)
    assert group_id == f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{outputs['resourceGroup']}"
    ((workflow_id, workflow),) = engine.azure.of_type(WORKFLOW).items()
    job = outputs["jobs"]["picletter"]
    assert job["workflowId"] == workflow_id == f"{group_id}/providers/Microsoft.Logic/workflows/{job['workflowName']}"
    inputs = reveal(workflow["inputs"])
    # The stand-in accepted the workflow only after validating it against the ARM schema.
    assert inputs["location"] == "westeurope" and inputs["state"] == "Enabled"
    assert inputs["parameters"]["herokuRunToken"] == {"type": "SecureString", "value": TOKEN}
    assert engine.heroku.url in json.dumps(inputs["definition"])
    assert job["recurrence"]["frequency"] == "Day"


def test_a_second_up_changes_nothing_anywhere(engine: Engine) -> None:
    engine.configure_like_the_readme()
    engine.up()
    heroku_writes, azure_writes = len(engine.heroku.writes()), len(engine.azure.writes())

    engine.pulumi("preview", "--expect-no-changes", "--diff")
    second = engine.up()

    assert "7 unchanged" in second.stdout
    assert engine.heroku.writes()[heroku_writes:] == []
    assert engine.azure.writes()[azure_writes:] == []


def test_no_secret_reaches_the_state_in_plaintext(engine: Engine) -> None:
    # A secret config var adopted from the app: its earlier value is kept in the state to give back.
    engine.heroku.apps["picletter-test"].config_vars["SENDGRID_API_KEY"] = CANARIES[2]
    engine.configure_like_the_readme()
    engine.pulumi("config", "set", "--path", "picletter:adoptConfigVars[0]", "SENDGRID_API_KEY")
    engine.up()

    exported = json.dumps(engine.export())
    stack_file = (engine.project / "Pulumi.test.yaml").read_text()
    found = [canary for canary in CANARIES if canary in exported or canary in stack_file]
    assert found == [], "secrets in plaintext in the state or the stack file"
    for name in engine.azure.of_type(WORKFLOW):
        assert engine.azure.resources[name]["inputs"]["parameters"]["herokuRunToken"]["value"] == {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            "value": TOKEN,
        }, "the engine sent the token to azure-native as a plain value"


def test_created_app_whose_name_is_unknown_in_preview(engine: Engine) -> None:
    engine.configure_like_the_readme(app="picletter-created")
    engine.config("picletter:createApp", "true")

    preview = engine.pulumi("preview", "--diff")
    assert "+ 8 to create" in preview.stdout
    engine.up()

    assert "picletter-created" in engine.heroku.apps
    assert engine.heroku.apps["picletter-created"].config_vars["PICLETTER_TO"] == "me@example.com"
    assert engine.outputs()["herokuApp"] == "picletter-created"
    engine.pulumi("preview", "--expect-no-changes")
