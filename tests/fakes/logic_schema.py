"""Validators from Microsoft's ARM schema of Microsoft.Logic/workflows (2019-05-01), read by tests/reference.py."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

import jsonschema
from referencing import Registry, Resource

from infra.workflow import TOKEN_PARAMETER
from tests.reference import reference

__all__ = ["logic_validator", "workflow_resource_errors"]

_COMMON = "https://schema.management.azure.com/schemas/common/definitions.json"
_BASE = "https://schema.management.azure.com/schemas/2019-05-01/Microsoft.Logic.json"


@functools.cache
def _registry() -> tuple[dict[str, Any], Registry]:
    schema = json.loads(reference("Microsoft.Logic.json").read_text())
    # The common ARM definitions are not in the reference; an ARM expression is a "[...]" string.
    common = {"definitions": {"expression": {"type": "string", "pattern": r"^\[.*\]$"}}}
    registry = Registry().with_resources(
        [
            (_BASE, Resource.from_contents(schema, default_specification=_draft4())),
            (_COMMON, Resource.from_contents(common, default_specification=_draft4())),
        ]
    )
    return schema, registry


def _draft4() -> Any:
    from referencing.jsonschema import DRAFT4

    return DRAFT4


def logic_validator(pointer: str) -> jsonschema.Draft4Validator:
    """A validator for one part of the schema, e.g. `definitions/WorkflowTriggerRecurrence`."""
    _, registry = _registry()
    return jsonschema.Draft4Validator({"$ref": f"{_BASE}#/{pointer}"}, registry=registry)


def workflow_resource_errors(definition: Mapping[str, Any]) -> list[str]:
    """What the ARM schema refuses in a Microsoft.Logic/workflows resource holding DEFINITION,
    with the secure token parameter the program passes."""
    resource = {
        "name": "wf",
        "type": "Microsoft.Logic/workflows",
        "apiVersion": "2019-05-01",
        "location": "westeurope",
        "properties": {"definition": definition, "parameters": {TOKEN_PARAMETER: {"value": "token"}}},
    }
    return [error.message for error in logic_validator("resourceDefinitions/workflows").iter_errors(resource)]
