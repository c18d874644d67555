"""`HerokuConfigVars`: the config vars a stack owns on a Heroku app, and only those. Nothing is lost:

- Create and update send one PATCH with the owned keys (null for keys that left the config); keys
  the stack does not own are never sent. Values live in state as secrets.
- Taking a key the app already has with another value (an add-on's DATABASE_URL, a hand-set key)
  is refused, naming the key, unless the stack adopts it (picletter:adoptConfigVars): then its
  earlier value is kept in state (`previous`, secret) and put back when the stack lets go of the
  key, by removing it from the config or by destroy. A key that already has exactly the stack's
  value is taken as the stack's own (an interrupted first deploy leaves that).
- Letting go of a key that was edited by hand since the last update (its live value is not the one
  in state) is refused, naming the key and what to do: the hand edit is never deleted silently.
- Refresh reads the owned keys back, so drift shows in the next preview.
- `app` may change between the app's name and its id: the same app (by id) is no replace. Another
  app is a replace that sets the keys there first, then lets go of them on the old app.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from infra.heroku.errors import HerokuConfigVarConflict, HerokuNotFound
from infra.heroku.facts import VARIABLE_NAME
from infra.heroku.provider_base import HerokuProvider

__all__ = ["HerokuConfigVars", "HerokuConfigVarsArgs", "HerokuConfigVarsProvider"]


def _owned(props: Mapping[str, Any]) -> dict[str, str]:
    return dict(props.get("vars") or {})


def _owned_keys(props: Mapping[str, Any]) -> set[str]:
    return set(props.get("keys") or []) | set(_owned(props))


def _outputs(
    props: Mapping[str, Any],
    app_id: str,
    values: Mapping[str, str],
    previous: Mapping[str, str],
    keys: set[str] | None = None,
) -> dict[str, Any]:
    """`keys` are the names the stack owns; `vars` their values (live ones after a refresh);
    `previous` the earlier values of adopted keys, to put back."""
    return {
        "app": props["app"],
        "appId": app_id,
        "adopt": list(props.get("adopt") or []),
        "vars": dict(values),
        "previous": dict(previous),
        "keys": sorted(values if keys is None else keys),
    }


def _take(
    app: str, wanted: Mapping[str, str], live: Mapping[str, str], adopt: set[str], owned_before: set[str]
) -> dict[str, str]:
    """The earlier values of the keys the stack now takes over; HerokuConfigVarConflict for a key that
    exists with another value and is not adopted."""
    taken = {key: live[key] for key in wanted if key not in owned_before and key in live and live[key] != wanted[key]}
    refused = sorted(set(taken) - adopt)
    if refused:
        names = ", ".join(refused)
        raise HerokuConfigVarConflict(
            f"config var(s) {names} already exist on app {app} with another value (set by hand or by an "
            f"add-on); this stack would overwrite them. To let the stack own them, add them to "
            f"picletter:adoptConfigVars (their values are kept and put back when the stack lets go); "
            f"otherwise remove them from picletter:configVars"
        )
    return {key: value for key, value in live.items() if key in adopt and key in wanted and key not in owned_before}


def _release(
    app: str, keys: set[str], stated: Mapping[str, str], previous: Mapping[str, str], live: Mapping[str, str]
) -> dict[str, str | None]:
    """The PATCH that lets go of KEYS: earlier values put back, others removed; refused for a key edited
    by hand since the last update."""
    edited = sorted(key for key in keys if key in live and key in stated and live[key] != stated[key])
    if edited:
        names = ", ".join(edited)
        raise HerokuConfigVarConflict(
            f"config var(s) {names} on app {app} were changed by hand since the last update, and the stack "
            f"would now remove or reset them. Run `pulumi refresh` to accept the hand edit first, or "
            f"`heroku config:unset {edited[0]} -a {app}` if it should go"
        )
    return {key: previous.get(key) for key in sorted(keys)}


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
        if olds.get("app") != news.get("app") and not self._same_app(olds, news["app"]):
            # Another app: set the keys there first, then let go of them on the old one.
            return DiffResult(changes=True, replaces=["app"], delete_before_replace=False)
        changed = olds.get("app") != news.get("app") or _owned(olds) != _owned(news)
        return DiffResult(changes=changed or sorted(olds.get("adopt") or []) != sorted(news.get("adopt") or []))

    def _same_app(self, olds: Mapping[str, Any], app: str) -> bool:
        """Whether APP (a name or an id) is the app the keys were set on."""
        if not olds.get("appId"):
            return False
        if app == olds["appId"]:
            return True
        with self.client() as heroku:
            try:
                return bool(heroku.app(app).get("id") == olds["appId"])
            except HerokuNotFound:
                return False

    def create(self, props: dict[str, Any]) -> CreateResult:
        app, values = props["app"], _owned(props)
        with self.client() as heroku:
            app_id = heroku.app(app).get("id", "")  # a clear 404 before any write
            live = heroku.config_vars(app) if values else {}
            previous = _take(app, values, live, set(props.get("adopt") or []), set())
            if values:
                heroku.update_config_vars(app, values)
        return CreateResult(f"{app}/config-vars", _outputs(props, app_id, values, previous))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        app = props.get("app") or id_.split("/", 1)[0]
        with self.client() as heroku:
            try:
                live = heroku.config_vars(app)
            except HerokuNotFound:
                return ReadResult(None, {})
        owned = _owned_keys(props)
        current = {key: live[key] for key in owned if key in live}
        props = {"app": app, **props}
        return ReadResult(id_, _outputs(props, props.get("appId", ""), current, props.get("previous") or {}, owned))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        app, values = news["app"], _owned(news)
        owned_before = _owned_keys(olds)
        gone = owned_before - set(values)
        with self.client() as heroku:
            live = heroku.config_vars(app)
            earlier = dict(olds.get("previous") or {})
            taken = _take(app, values, live, set(news.get("adopt") or []), owned_before)
            released = _release(app, gone, _owned(olds), earlier, live) if gone else {}
            changes: dict[str, str | None] = {**released, **values}
            if changes:
                heroku.update_config_vars(app, changes)
        previous = {key: value for key, value in {**earlier, **taken}.items() if key in values}
        return UpdateResult(_outputs(news, olds.get("appId", ""), values, previous))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        owned = _owned_keys(props)
        if not owned:
            return
        # A 404 means the app is gone, and its config vars with it.
        with self.client() as heroku, contextlib.suppress(HerokuNotFound):
            live = heroku.config_vars(props["app"])
            release = _release(props["app"], owned, _owned(props), props.get("previous") or {}, live)
            heroku.update_config_vars(props["app"], release)


@dataclass(frozen=True)
class HerokuConfigVarsArgs:
    app: pulumi.Input[str]
    vars: pulumi.Input[Mapping[str, pulumi.Input[str]]]
    adopt: Sequence[str] = ()


class HerokuConfigVars(Resource, module="heroku", name="ConfigVars"):
    app: pulumi.Output[str]
    keys: pulumi.Output[list[str]]
    vars: pulumi.Output[dict[str, str]]
    previous: pulumi.Output[dict[str, str]]

    def __init__(self, name: str, args: HerokuConfigVarsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=["vars", "previous"])
        super().__init__(
            HerokuConfigVarsProvider(),
            name,
            {
                "app": args.app,
                "vars": pulumi.Output.secret(args.vars),
                "adopt": list(args.adopt),
                "keys": None,
                "previous": None,
                "appId": None,
            },
            pulumi.ResourceOptions.merge(opts, secret_opts),
        )
