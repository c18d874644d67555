"""Scenarios 3 and 4 of issue 18: what the engine plans for a change, and how refresh meets drift."""

from __future__ import annotations

from tests.engine.harness import Engine
from tests.fakes.azure_native import reveal

JOB = "picletter:azure:ScheduledDynoJob"
WORKFLOW = f"{JOB}$azure-native:logic:Workflow"
CONFIG_VARS = "pulumi-python:dynamic/heroku:ConfigVars::config-vars"


def job(name: str, schedule: str) -> dict[str, str]:
    return {"name": name, "command": "picletter", "schedule": schedule}


def test_a_change_plans_exactly_its_steps_and_up_makes_only_those(engine: Engine) -> None:
    engine.configure_like_the_readme()
    engine.set_jobs([job("morning", "daily at 07:00"), job("evening", "daily at 19:00")])
    engine.up()
    azure_before, heroku_before = len(engine.azure.writes()), len(engine.heroku.writes())
    vars_before = dict(engine.heroku.apps["picletter-test"].config_vars)

    engine.config("--path", "picletter:configVars.PICLETTER_TO", "you@example.com")
    engine.set_jobs([job("morning", "daily at 08:30"), job("weekly", "0 9 * * mon")])

    assert engine.preview_steps() == sorted(
        [
            ("update", CONFIG_VARS),
            ("update", f"{WORKFLOW}::morning-workflow"),
            ("create", f"{JOB}::weekly"),
            ("create", f"{WORKFLOW}::weekly-workflow"),
            ("delete", f"{JOB}::evening"),
            ("delete", f"{WORKFLOW}::evening-workflow"),
        ]
    )
    engine.up()
    assert sorted((c.method, c.name) for c in engine.azure.writes()[azure_before:]) == [
        ("Create", "weekly-workflow"),
        ("Delete", "evening-workflow"),
        ("Update", "morning-workflow"),
    ]
    # One PATCH of the config vars (the provider sends every var it owns), changing only the one.
    ((method, path, body),) = [(r.method, r.path, r.body) for r in engine.heroku.writes()[heroku_before:]]
    app = engine.heroku.apps["picletter-test"]
    assert (method, path) in {("PATCH", f"/apps/{app.name}/config-vars"), ("PATCH", f"/apps/{app.id}/config-vars")}
    assert {key: value for key, value in body.items() if vars_before.get(key) != value} == {
        "PICLETTER_TO": "you@example.com"
    }
    engine.pulumi("preview", "--expect-no-changes")


def test_refresh_sees_drift_on_both_sides_and_up_repairs_it(engine: Engine) -> None:
    engine.configure_like_the_readme()
    engine.up()
    app = engine.heroku.apps["picletter-test"]
    # Someone edits the app's config vars and disables the Logic App in the portal.
    app.config_vars["PICLETTER_TO"] = "someone-else@example.com"
    del app.config_vars["PICLETTER_FROM"]
    ((workflow_id, _),) = engine.azure.of_type("azure-native:logic:Workflow").items()
    engine.azure.drift(workflow_id, state="Disabled")

    engine.pulumi("refresh", "--yes")
    assert ("update", CONFIG_VARS) in engine.preview_steps()
    assert ("update", f"{WORKFLOW}::picletter-workflow") in engine.preview_steps()
    engine.up()

    assert app.config_vars["PICLETTER_TO"] == "me@example.com"
    assert app.config_vars["PICLETTER_FROM"] == "Picletter <pics@example.com>"
    assert reveal(engine.azure.resources[workflow_id]["inputs"])["state"] == "Enabled"
    engine.pulumi("refresh", "--yes", "--expect-no-changes")
    engine.pulumi("preview", "--expect-no-changes")
