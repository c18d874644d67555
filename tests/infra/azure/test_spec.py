"""The fake's judge: Microsoft's Logic Apps REST spec as a validator, shown to accept Microsoft's own
examples and to reject what the spec does not allow."""

from __future__ import annotations

import json

import pytest

from tests.fakes.logic_rest_spec import SPEC_DIR, check_request, check_response, find_operation, spec_available

pytestmark = pytest.mark.skipif(not spec_available(), reason=f"{SPEC_DIR} is not there")
RUNS = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Logic/workflows/w/runs"


@pytest.mark.parametrize(
    ("example", "method", "path"),
    [
        ("WorkflowRuns_Get", "GET", f"{RUNS}/r"),
        ("WorkflowTriggerHistories_List", "GET", RUNS.replace("/runs", "/triggers/t/histories")),
        ("Workflows_Get", "GET", RUNS.removesuffix("/runs")),
        ("WorkflowTriggers_Run", "POST", RUNS.replace("/runs", "/triggers/t/run")),
        ("WorkflowRuns_Cancel", "POST", f"{RUNS}/r/cancel"),
    ],
)
def test_microsofts_examples_pass(example: str, method: str, path: str) -> None:
    data = json.loads((SPEC_DIR / "examples" / f"{example}.json").read_text())
    operation, problems = check_request(method, path, {"api-version": [data["parameters"]["api-version"]]}, b"")
    assert operation is not None and operation.operation_id == example and problems == []
    for status, answer in data["responses"].items():
        assert check_response(operation, int(status), answer.get("body")) == []


def test_what_the_spec_does_not_allow_is_caught() -> None:
    operation, problems = check_request(
        "GET", RUNS, {"api-version": ["2016-06-01"], "$top": ["ten"], "$orderby": ["x"]}, b""
    )
    assert operation is not None
    assert len(problems) == 3, problems
    assert check_request("GET", RUNS, {}, b"")[1] == ["WorkflowRuns_List: required query parameter api-version missing"]
    assert check_request("POST", f"{RUNS}/r/cancel", {"api-version": ["2019-05-01"]}, b"{}")[1] != []
    assert find_operation("GET", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Logic/workflows/w/jobs") is None
    run = {"name": "r", "properties": {"status": "Finished", "exitStatus": 0}}
    assert len(check_response(operation, 200, {"value": [run]})) == 2
    assert check_response(operation, 418, None) != []
    assert check_response(operation, 404, {"error": {"code": "NotFound", "message": "x"}}) == []
