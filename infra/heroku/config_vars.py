"""`HerokuConfigVars`: the config vars a stack owns on a Heroku app, and only those.

Create and update send one PATCH with the owned keys (null for keys that left the config); keys the
stack does not own are never sent. Refresh reads the owned keys back, so drift shows in the next
preview; delete removes only owned keys. Values live in state as secrets.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from infra.heroku.errors import HerokuNotFound
from infra.heroku.facts import VARIABLE_NAME
from infra.heroku.provider_base import HerokuProvider

__all__ = ["HerokuConfigVars", "HerokuConfigVarsArgs", "HerokuConfigVarsProvider"]


def _owned(props: Mapping[str, Any]) -> dict[str, str]:
    return dict(props.get("vars") or {})


def _owned_keys(props: Mapping[str, Any]) -> set[str]:
    return set(props.get("keys") or []) | set(_owned(props))


def _outputs(app: str, values: Mapping[str, str], keys: set[str] | None = None) -> dict[str, Any]:
    """`keys` are the names the stack owns; `vars` their values (live ones after a refresh)."""
    return {"app": app, "vars": dict(values), "keys": sorted(values if keys is None else keys)}


class HerokuConfigVarsProvider(HerokuProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        if not isinstance(news.get("app"), str) or not news["app"]:
            failures.append(CheckFailure("app", "the Heroku app name is required (picletter:herokuApp)"))
        values = news.get("vars") or {}
        if not isinstance(values, dict):
            failures.append(CheckFailure("vars", "config vars must be a map of KEY: value"))
            values = {}
        for key, value in values.items():
            if not VARIABLE_NAME.match(key):
                failures.append(CheckFailure("vars", f"config var name {key!r}: use letters, digits and _"))
            if not isinstance(value, str):
                failures.append(CheckFailure("vars", f"config var {key} must be a string, quote it"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if olds.get("app") != news.get("app"):
            return DiffResult(changes=True, replaces=["app"], delete_before_replace=False)
        return DiffResult(changes=_owned(olds) != _owned(news))

    def create(self, props: dict[str, Any]) -> CreateResult:
        app, values = props["app"], _owned(props)
        with self.client() as heroku:
            heroku.app(app)  # a clear 404 before any write
            if values:
                heroku.update_config_vars(app, values)
        return CreateResult(f"{app}/config-vars", _outputs(app, values))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        app = props.get("app") or id_.split("/", 1)[0]
        with self.client() as heroku:
            try:
                live = heroku.config_vars(app)
            except HerokuNotFound:
                return ReadResult(None, {})
        owned = _owned_keys(props)
        return ReadResult(id_, _outputs(app, {key: live[key] for key in owned if key in live}, owned))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        app, values = news["app"], _owned(news)
        gone = _owned_keys(olds) - set(values)
        changes: dict[str, str | None] = {**dict.fromkeys(sorted(gone)), **values}
        if changes:
            with self.client() as heroku:
                heroku.update_config_vars(app, changes)
        return UpdateResult(_outputs(app, values))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        owned = _owned_keys(props)
        if not owned:
            return
        # A 404 means the app is gone, and its config vars with it.
        with self.client() as heroku, contextlib.suppress(HerokuNotFound):
            heroku.update_config_vars(props["app"], dict.fromkeys(sorted(owned)))


@dataclass(frozen=True)
class HerokuConfigVarsArgs:
    app: pulumi.Input[str]
    vars: pulumi.Input[Mapping[str, pulumi.Input[str]]]


class HerokuConfigVars(Resource, module="heroku", name="ConfigVars"):
    app: pulumi.Output[str]
    keys: pulumi.Output[list[str]]
    vars: pulumi.Output[dict[str, str]]

    def __init__(self, name: str, args: HerokuConfigVarsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=["vars"])
        super().__init__(
            HerokuConfigVarsProvider(),
            name,
            {"app": args.app, "vars": pulumi.Output.secret(args.vars), "keys": None},
            pulumi.ResourceOptions.merge(opts, secret_opts),
        )
