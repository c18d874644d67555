"""Heroku's own Platform API hyper-schema, as a request validator.

Every request the project sends to Heroku (through the fake API or a MockTransport) is matched to a
link of the schema by method and path and its JSON body validated against that link's schema.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import jsonschema

from tests.reference import reference

__all__ = ["Link", "SchemaViolation", "find_link", "validate_request"]


class SchemaViolation(AssertionError):
    """A request that Heroku's schema does not allow."""


@dataclass(frozen=True)
class Link:
    resource: str
    title: str
    method: str
    href: str
    pattern: re.Pattern[str]
    body_schema: dict[str, Any] | None


@functools.cache
def _schema() -> dict[str, Any]:
    return json.loads(reference("heroku-platform-api-schema.json").read_text())  # type: ignore[no-any-return]


def _href_pattern(href: str) -> re.Pattern[str]:
    # "{(%23%2Fdefinitions%2Fapp%2Fdefinitions%2Fidentity)}" stands for one path segment.
    parts = re.split(r"\{\([^)]*\)\}", href)
    return re.compile("^" + "([^/]+)".join(re.escape(p) for p in parts) + "$")


@functools.cache
def _links() -> tuple[Link, ...]:
    links = []
    for resource, definition in _schema()["definitions"].items():
        for link in definition.get("links", []):
            links.append(
                Link(
                    resource=resource,
                    title=link.get("title", ""),
                    method=link["method"].upper(),
                    href=link["href"],
                    pattern=_href_pattern(link["href"]),
                    body_schema=link.get("schema"),
                )
            )
    return tuple(links)


def find_link(method: str, path: str) -> Link:
    """The schema link for METHOD PATH; literal segments win over placeholders (/apps/x/dynos vs /apps/x)."""
    path = unquote(path.split("?", 1)[0])
    matches = [link for link in _links() if link.method == method.upper() and link.pattern.match(path)]
    if not matches:
        raise SchemaViolation(f"{method} {path} is not an endpoint of the Heroku Platform API schema")
    return min(matches, key=lambda link: link.href.count("{"))


@functools.cache
def _validator(resource: str, method: str, href: str) -> jsonschema.Draft4Validator:
    link = next(link for link in _links() if (link.resource, link.method, link.href) == (resource, method, href))
    schema = _closed(link.body_schema or {})
    schema["definitions"] = _schema()["definitions"]
    return jsonschema.Draft4Validator(schema)


def _closed(schema: Any) -> Any:
    """SCHEMA with every object that lists its `properties` closed to others (additionalProperties
    false), where the schema says nothing. Heroku's schema leaves most request bodies open and no
    Heroku document says whether the API ignores or refuses a property it does not define; the fake
    refuses, so the project never sends one and never relies on one being ignored."""
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {key: _closed(value) for key, value in schema.items()}
    if "properties" in schema and "additionalProperties" not in schema and "patternProperties" not in schema:
        closed["additionalProperties"] = False
    return closed


def validate_request(method: str, path: str, body: Any) -> Link:
    """Raise SchemaViolation unless BODY is what the schema allows for METHOD PATH."""
    link = find_link(method, path)
    if link.body_schema is None:
        if body not in (None, {}, b""):
            raise SchemaViolation(f"{method} {path} ({link.title}) takes no body, got {body!r}")
        return link
    errors = sorted(_validator(link.resource, link.method, link.href).iter_errors(body), key=str)
    if errors:
        details = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '<body>'}: {e.message}" for e in errors)
        raise SchemaViolation(f"{method} {path} ({link.resource} {link.title}): {details}")
    return link
