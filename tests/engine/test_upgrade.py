"""An `up` of the current program on a stack an earlier release deployed: what the engine plans and
what the Logic Apps hold after it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra.workflow import build_definition
from tests.engine.harness import engine_world, export_commit
from tests.fakes.azure_native import FakeAzure, _Provider, reveal
from tests.fakes.heroku_api import TOKEN
from tests.fakes.wdl import Context, run
from tests.helpers import stack_settings

WORKFLOW_TYPE = "azure-native:logic:Workflow"
WORKFLOW = f"picletter:azure:ScheduledDynoJob${WORKFLOW_TYPE}::picletter-workflow"
# The last program whose workflows held the run token in a parameter named herokuApiToken.
BEFORE_RENAME = "7ddd538"


def test_renaming_the_token_parameter_updates_each_workflow_in_place_and_runs_keep_working(tmp_path: Path) -> None:
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    export_commit(BEFORE_RENAME, earlier)
    with engine_world(tmp_path / "world", root=earlier, apps={"picletter-test": {}}) as engine:
        engine.configure_like_the_readme()
        engine.up()
        ((workflow_id, before),) = engine.azure.of_type(WORKFLOW_TYPE).items()
        assert set(reveal(before["inputs"])["parameters"]) == {"herokuApiToken"}
        engine.replace_program()

        # An update, not a replace: the Logic App keeps its id, its run history and its trigger state.
        steps = engine.preview_steps()
        assert ("update", WORKFLOW) in steps
        assert [step for step in steps if step[1] == WORKFLOW] == [("update", WORKFLOW)], steps
        writes = len(engine.azure.writes())
        engine.up()
        changed = [(c.method, c.name, c.id) for c in engine.azure.writes()[writes:]]
        assert changed == [("Update", "picletter-workflow", workflow_id)]
        (diff,) = [c for c in engine.azure.calls if c.method == "Diff" and c.name == "picletter-workflow"][-1:]
        assert {"definition", "parameters"} <= set(diff.detail["changed"])

        # One PUT carried both (the stand-in refuses a definition naming an undeclared parameter and a
        # value for one the definition does not declare), and a run reads the token from the new name.
        after = reveal(engine.azure.resources[workflow_id]["inputs"])
        assert after["parameters"] == {"herokuRunToken": {"type": "SecureString", "value": TOKEN}}
        parameters = {name: parameter["value"] for name, parameter in after["parameters"].items()}
        ran = run(
            after["definition"],
            {
                "List_dynos": {"outputs": {"body": []}},
                "Start_dyno": {"outputs": {"body": {"exitStatus": 0, "dyno": "run.1", "job": "picletter"}}},
            },
            Context(parameters=parameters),
        )
        assert ran.status == "Succeeded", ran.results
        for action in ("List_dynos", "Start_dyno"):
            assert ran.results[action]["inputs"]["authentication"]["value"] == f"Bearer {TOKEN}"
        engine.pulumi("preview", "--expect-no-changes")


class _Refused(Exception):
    pass


class _Call:
    """The gRPC context: abort ends the call with an error, as grpc's does."""

    def abort(self, code: Any, details: str) -> None:
        raise _Refused(details)


@pytest.mark.parametrize(
    ("given", "refused"),
    [
        ({"herokuRunToken": {"type": "SecureString", "value": "t"}}, None),
        # The old name's value beside a definition that declares the new one.
        ({"herokuApiToken": {"type": "SecureString", "value": "t"}}, "The workflow parameters 'herokuApiToken'"),
    ],
)
def test_the_stand_in_refuses_a_value_for_a_parameter_the_definition_does_not_declare(
    given: dict[str, Any], refused: str | None
) -> None:
    job = stack_settings(herokuApp="app-name", herokuApiToken="t", location="x").jobs[0]
    definition = build_definition(job, "app-name", "https://api.heroku.com")
    workflow = {"workflowName": "wf", "location": "westeurope", "definition": definition, "parameters": given}
    if refused is None:
        _Provider(FakeAzure())._validate_workflow(workflow, _Call())
    else:
        with pytest.raises(_Refused, match=refused):
            _Provider(FakeAzure())._validate_workflow(workflow, _Call())
