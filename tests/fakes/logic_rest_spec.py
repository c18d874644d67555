"""Microsoft's REST specification of the Logic Apps API (2019-05-01), read from shared/reference at
test time (never copied into the project), as a validator of requests and responses.

- A request must match one of the spec's paths and methods; its query may hold only the parameters
  that operation declares (plus `$skiptoken`, which ARM's nextLinks carry: Azure's RPC guidelines,
  "Collection paging"), with the required ones present and integers as integers; `api-version`
  must be the spec's version. Operations without a body parameter take no body.
- A response must be one the operation declares (its status, or `default` for errors), its body
  valid against the declared schema (JSON Schema draft 4, as Swagger 2.0 uses it), and, stricter
  than the schema, with no property the schema does not name: a fake that invents fields would
  otherwise pass.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

__all__ = [
    "SPEC_DIR",
    "Operation",
    "SpecViolation",
    "check_request",
    "check_response",
    "find_operation",
    "spec_available",
]

SPEC_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "logic-apps-rest-2019-05-01"
_BASE = "https://spec.local/logic.json"
PAGING_PARAMETERS = {"$skiptoken"}


class SpecViolation(AssertionError):
    pass


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    template: str
    pattern: re.Pattern[str]
    parameters: tuple[dict[str, Any], ...]
    responses: Mapping[str, Any]


def spec_available() -> bool:
    return (SPEC_DIR / "logic.json").is_file()


@functools.cache
def spec() -> dict[str, Any]:
    return json.loads((SPEC_DIR / "logic.json").read_text())  # type: ignore[no-any-return]


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource(_BASE, Resource.from_contents(spec(), default_specification=DRAFT4))


def _resolve_parameter(parameter: Mapping[str, Any]) -> dict[str, Any]:
    if "$ref" in parameter:
        return dict(spec()["parameters"][parameter["$ref"].rsplit("/", 1)[1]])
    return dict(parameter)


@functools.cache
def operations() -> tuple[Operation, ...]:
    found = []
    for template, methods in spec()["paths"].items():
        parts = re.split(r"\{[^}]+\}", template)
        pattern = re.compile("^" + "([^/]+)".join(re.escape(p) for p in parts) + "$")
        for method, operation in methods.items():
            if method == "parameters":
                continue
            found.append(
                Operation(
                    operation["operationId"],
                    method.upper(),
                    template,
                    pattern,
                    tuple(_resolve_parameter(p) for p in operation.get("parameters", [])),
                    operation["responses"],
                )
            )
    return tuple(found)


def find_operation(method: str, path: str) -> Operation | None:
    return next((o for o in operations() if o.method == method and o.pattern.match(path)), None)


def check_request(
    method: str, path: str, query: Mapping[str, list[str]], body: bytes
) -> tuple[Operation | None, list[str]]:
    operation = find_operation(method, path)
    if operation is None:
        return None, [f"{method} {path}: no such operation in logic.json"]
    problems = []
    declared = {p["name"]: p for p in operation.parameters if p.get("in") == "query"}
    for name, values in query.items():
        if name in PAGING_PARAMETERS:
            continue
        parameter = declared.get(name)
        if parameter is None:
            problems.append(f"{operation.operation_id}: undeclared query parameter {name}")
            continue
        if len(values) != 1:
            problems.append(f"{operation.operation_id}: {name} given {len(values)} times")
        if parameter.get("type") == "integer" and not all(re.fullmatch(r"-?\d+", v) for v in values):
            problems.append(f"{operation.operation_id}: {name}={values} is not an integer")
    for name, parameter in declared.items():
        if parameter.get("required") and name not in query:
            problems.append(f"{operation.operation_id}: required query parameter {name} missing")
    if query.get("api-version", [spec()["info"]["version"]]) != [spec()["info"]["version"]]:
        problems.append(f"{operation.operation_id}: api-version {query.get('api-version')} is not the spec's")
    if body and not any(p.get("in") == "body" for p in operation.parameters):
        problems.append(f"{operation.operation_id}: takes no body, got {len(body)} bytes")
    return operation, problems


def check_response(operation: Operation, status: int, body: Any) -> list[str]:
    declared = operation.responses.get(str(status))
    if declared is None:
        if status < 400 or "default" not in operation.responses:
            return [f"{operation.operation_id}: status {status} is not declared"]
        declared = operation.responses["default"]
    schema = declared.get("schema")
    if schema is None:
        return [] if body in (None, b"", "") else [f"{operation.operation_id} {status}: declares no body, got one"]
    validator = jsonschema.Draft4Validator({"$ref": _BASE + schema["$ref"]}, registry=_registry())
    problems = [f"{operation.operation_id} {status}: {e.json_path}: {e.message}" for e in validator.iter_errors(body)]
    problems += [
        f"{operation.operation_id} {status}: {where}: not in the spec" for where in _undeclared(schema, body, "$")
    ]
    return problems


def _definition(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in schema:
        schema = spec()["definitions"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _properties(schema: Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
    """Every property a schema names (through allOf), and its additionalProperties."""
    schema = _definition(schema)
    properties = dict(schema.get("properties", {}))
    additional = schema.get("additionalProperties")
    for part in schema.get("allOf", []):
        more, extra = _properties(part)
        properties.update(more)
        additional = additional or extra
    return properties, additional


def _undeclared(schema: Mapping[str, Any], value: Any, where: str) -> Iterator[str]:
    schema = _definition(schema)
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            yield from _undeclared(schema["items"], item, f"{where}[{index}]")
        return
    if not isinstance(value, dict):
        return
    properties, additional = _properties(schema)
    if not properties and not additional:
        return  # a free-form Object (the spec's `Object`: inputs, outputs, error)
    for key, item in value.items():
        if key in properties:
            yield from _undeclared(properties[key], item, f"{where}.{key}")
        elif isinstance(additional, Mapping):
            yield from _undeclared(additional, item, f"{where}.{key}")
        elif not additional:
            yield f"{where}.{key}"
