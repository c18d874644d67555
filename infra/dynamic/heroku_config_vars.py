"""`HerokuConfigVars`: the config vars a stack owns on a Heroku app, and only those. Nothing is lost
(docs/explanation/config-vars.md says why each rule is there):

- Create and update send one PATCH with the keys whose desired value changed (null for keys the
  stack lets go of); keys the stack does not own are never sent. Values live in state as secrets.
- Taking a key the app already has with another value (an add-on's DATABASE_URL, a hand-set key)
  is refused, naming the key, unless the stack adopts it (picletter:adoptConfigVars). `check`
  refuses it (read-only, so `pulumi preview` shows it as one line); create and update refuse it
  again right before they write, should the app change in between, but an error raised there
  reaches the CLI inside the provider host's traceback (pulumi/dynamic/__main__.py,
  _abort_with_traceback): that is only the last guard. An adopted key's
  earlier value is kept in state (`previous`, secret) and put back when the stack lets go of the
  key, by removing it from the config or by destroy.
- A key that already holds the stack's value is looked up in Heroku's release history (each
  release keeps the app's config vars): if the release that gave it that value was made by the
  token's account and made exactly this write's changes, it is this stack's own interrupted write,
  and the value before it is the earlier value; otherwise someone else set it (by hand, an add-on,
  another stack), and the stack leaves it as it was when it lets go. History that does not reach
  back far enough is refused, not guessed.
- A live value that differs from the state (a hand edit) is drift: the preview shows the resource
  changing, and an update or a release that would overwrite or delete the edit is refused, naming
  the key and what to do.
- The app is addressed by its id once created, so an app renamed on Heroku is still found; a 404 by
  id never drops or ends a state that holds earlier values.
- `app` may change between the app's name and its id: the same app (by id) is no replace. Another
  app is a replace that sets the keys there first, then lets go of them on the old app.
- Every stack has this resource, so its check is where a Fir-generation app is refused, before
  anything changes (infra.heroku.generation), and the jobs' dyno sizes the app cannot run
  (infra.heroku.dyno_sizes): one `GET /apps/{app}` per check of a known app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult
from pulumi.runtime.rpc import UNKNOWN

from infra.dynamic.heroku_provider import HerokuProvider, known_app
from infra.heroku.dyno_sizes import app_size_refusals
from infra.heroku.errors import (
    HerokuApiError,
    HerokuAuthError,
    HerokuConfigVarConflict,
    HerokuMissingToken,
    HerokuNotFound,
)
from infra.heroku.generation import fir_app_refusal
from infra.names import variable_name_refusal

if TYPE_CHECKING:  # httpx loads in the provider host only (infra.dynamic.heroku_provider)
    from infra.heroku.client import HerokuClient

__all__ = ["HISTORY_DEPTH", "HerokuConfigVars", "HerokuConfigVarsArgs", "HerokuConfigVarsProvider"]

# How many releases back the history is read to find where a key got the stack's value. An
# interrupted write is retried by the next `pulumi up`, normally a few releases later.
HISTORY_DEPTH = 50

Changes = dict[str, str | None]


def _owned(props: Mapping[str, Any]) -> dict[str, str]:
    return dict(props.get("vars") or {})


def _owned_keys(props: Mapping[str, Any]) -> set[str]:
    return set(props.get("keys") or []) | set(_owned(props))


def _app_ref(props: Mapping[str, Any]) -> str:
    """The app as the API is asked for it: by its id once known (it survives a rename), else by name."""
    return str(props.get("appId") or props["app"])


def _names(keys: Iterable[str]) -> str:
    return ", ".join(sorted(keys))


def _outputs(
    props: Mapping[str, Any],
    app_id: str,
    values: Mapping[str, str],
    previous: Mapping[str, str],
    keys: set[str] | None = None,
) -> dict[str, Any]:
    """`keys` are the names the stack owns; `vars` their values (live ones after a refresh);
    `previous` the values to put back when the stack lets go (for a key someone else set to the
    stack's value, that same value: it is left as it was)."""
    return {
        "app": props["app"],
        "appId": app_id,
        "adopt": list(props.get("adopt") or []),
        "vars": dict(values),
        "previous": dict(previous),
        "keys": sorted(values if keys is None else keys),
    }


def _changes(before: Mapping[str, str], after: Mapping[str, str]) -> Changes:
    return {key: after.get(key) for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


@dataclass(frozen=True)
class _Origin:
    earlier: str | None  # the key's value before the release that gave it its current one
    by_this_write: bool  # that release made exactly the changes this write makes
    version: int = 0  # that release


def _made_by_this_token(heroku: HerokuClient, app_ref: str, versions: set[int]) -> set[int]:
    """Of release VERSIONS, those made by the token's own account: a release by anyone else (a person's
    `heroku config:set`, an add-on) is not this stack's write, whatever it changed. When the token may
    not read its account, every one is taken as possibly the token's (the change sets decide)."""
    try:
        account = heroku.account_id()
    except HerokuAuthError:
        return versions
    return {version for version in versions if heroku.release_user_id(app_ref, version) == account}


def _origins(heroku: HerokuClient, app: str, app_ref: str, keys: set[str], write: Changes) -> dict[str, _Origin]:
    """Where each of KEYS, which hold the value WRITE gives them, got that value: Heroku's release
    history read back from the newest release (each keeps the app's config vars; the schema's
    config-var "Info for App Release") to the release that changed the key."""
    found: dict[str, _Origin] = {}
    version = heroku.latest_release_version(app_ref)
    newer = heroku.release_config_vars(app_ref, version)
    oldest = max(1, version - HISTORY_DEPTH)
    while keys - found.keys() and version > oldest:
        older = heroku.release_config_vars(app_ref, version - 1)
        changes = _changes(older, newer)
        effect = {key: value for key, value in write.items() if older.get(key) != value}
        for key in (keys - found.keys()) & changes.keys():
            found[key] = _Origin(older.get(key), changes == effect, version)
        newer, version = older, version - 1
    unknown = keys - found.keys()
    if unknown and version > 1:
        raise HerokuConfigVarConflict(
            f"config var(s) {_names(unknown)} on app {app} already hold the value this stack would set, and "
            f"the last {HISTORY_DEPTH} releases do not show who set it, so the stack cannot know what to put "
            f"back when it lets go. Remove them from picletter:configVars, or unset them by hand "
            f"(`heroku config:unset {min(unknown)} -a {app}`) if nothing else uses them, and run again"
        )
    # Unchanged since the app's first release: set by someone else, left as it is.
    return found | {key: _Origin(newer.get(key), False) for key in unknown}


def _take(
    heroku: HerokuClient,
    app: str,
    app_ref: str,
    wanted: Mapping[str, str],
    live: Mapping[str, str],
    adopt: set[str],
    owned_before: set[str],
    write: Changes,
) -> dict[str, str]:
    """The values to put back for the keys the stack takes over now; HerokuConfigVarConflict for a
    key whose earlier value differs and that is not adopted."""
    new = {key for key in wanted if key not in owned_before}
    earlier = _held_with_another_value(wanted, live, owned_before)
    kept: dict[str, str] = {}
    holding = {key for key in new if live.get(key) == wanted[key]}
    if holding:
        origins = _origins(heroku, app, app_ref, holding, write)
        candidates = {origin.version for origin in origins.values() if origin.by_this_write}
        ours = _made_by_this_token(heroku, app_ref, candidates) if candidates else set()
        for key, origin in origins.items():
            if not origin.by_this_write or origin.version not in ours:
                kept[key] = wanted[key]  # someone else's, with the same value: left as it was
            elif origin.earlier is not None:
                earlier[key] = origin.earlier  # this stack's interrupted write replaced it
    if refusal := _conflict_refusal(app, set(earlier) - adopt):
        raise HerokuConfigVarConflict(refusal)
    return {**earlier, **kept}


def _held_with_another_value(
    wanted: Mapping[str, str], live: Mapping[str, str], owned_before: set[str]
) -> dict[str, str]:
    """The keys the stack takes over now that the app holds with another value, with that value."""
    return {
        key: live[key]
        for key, value in wanted.items()
        if key not in owned_before and key in live and live[key] != value
    }


def _conflict_refusal(app: str, refused: set[str]) -> str | None:
    """The line refusing to overwrite REFUSED (keys held with another value, not adopted), or None."""
    if not refused:
        return None
    return (
        f"config var(s) {_names(refused)} already exist on app {app} with another value (set by hand or "
        f"by an add-on); this stack would overwrite them. To let the stack own them, add them to "
        f"picletter:adoptConfigVars (their values are kept and put back when the stack lets go); "
        f"otherwise remove them from picletter:configVars"
    )


def _release(
    app: str, keys: set[str], stated: Mapping[str, str], previous: Mapping[str, str], live: Mapping[str, str]
) -> Changes:
    """What letting go of KEYS sets them to: earlier values put back, others removed; refused for a
    key edited by hand since the last update (unless it already is as the release leaves it)."""
    edited = sorted(
        key for key in keys if key in live and live[key] != stated.get(key) and live[key] != previous.get(key)
    )
    if edited:
        raise HerokuConfigVarConflict(
            f"config var(s) {', '.join(edited)} on app {app} were changed by hand since the last update, and the "
            f"stack would now remove or reset them. Run `pulumi refresh` to accept the hand edit first, or "
            f"`heroku config:unset {edited[0]} -a {app}` if it should go"
        )
    return {key: previous.get(key) for key in sorted(keys)}


def _drifted(owned: set[str], stated: Mapping[str, str], live: Mapping[str, str]) -> set[str]:
    """The owned keys whose live value is not the one in state: edited by hand (or by another tool)."""
    return {key for key in owned if live.get(key) != stated.get(key)}


def _patch(heroku: HerokuClient, app_ref: str, write: Changes, live: Mapping[str, str]) -> None:
    """One PATCH with what WRITE changes on the live config; none when it changes nothing."""
    body = {key: value for key, value in write.items() if live.get(key) != value}
    if body:
        heroku.update_config_vars(app_ref, body)


class HerokuConfigVarsProvider(HerokuProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        if not isinstance(news.get("app"), str) or not news["app"]:
            failures.append(CheckFailure("app", "the Heroku app name is required (picletter:herokuApp)"))
        values = news.get("vars") or {}
        if not isinstance(values, dict):
            failures.append(CheckFailure("vars", "config vars must be a map of KEY: value"))
            values = {}
        for key, value in values.items():
            if refusal := variable_name_refusal(key):
                failures.append(CheckFailure("vars", f"config var name {refusal}"))
            if not isinstance(value, str):
                failures.append(CheckFailure("vars", f"config var {key} must be a string, quote it"))
        if known_app(news.get("app")):
            # The config vars are read for conflicts only when they are well formed.
            refusals = self._app_refusals(olds, news, news.get("jobSizes") or [], read_vars=not failures)
            failures += [CheckFailure(prop, refusal) for prop, refusal in refusals]
        return CheckResult(news, failures)

    def _app_refusals(
        self, olds: Mapping[str, Any], news: Mapping[str, Any], job_sizes: list[list[str]], read_vars: bool
    ) -> list[tuple[str, str]]:
        """(property, line) refusing the app before anything changes: a Fir-generation app (or one
        that cannot be read to know), else the job sizes it cannot run (infra.heroku.dyno_sizes) and
        the keys the stack would take that hold another value (read-only, so that `pulumi preview`
        shows them; create and update check again right before they write, as the app may change in
        between). An app not found is left to create and update, which name it before any write."""
        app = news["app"]
        live: dict[str, str] | None = None
        try:
            with self.client() as heroku:
                found = heroku.app(app)
                fix = "point picletter:herokuApp at a Cedar app (a new name with picletter:createApp true makes one)"
                if refusal := fir_app_refusal("picletter:herokuApp", app, found, fix):
                    return [("app", refusal)]
                owned_before = _owned_keys(olds) if olds else set()
                wanted = {key: value for key, value in _owned(news).items() if value != UNKNOWN} if read_vars else {}
                # Read only when the stack takes a key (a no-op up stays at one read), and not for another
                # app: a replace, whose create checks right before it writes.
                if set(wanted) - owned_before and olds.get("app") in (None, app):
                    live = heroku.config_vars(app)
        except HerokuNotFound:
            return []
        except (HerokuApiError, HerokuMissingToken) as exc:
            return [
                (
                    "app",
                    f"picletter:herokuApp: could not read app {app} to check its generation and config vars "
                    f"({exc}); fix the token or the app name and run again",
                )
            ]
        refusals = [("app", refusal) for refusal in app_size_refusals(app, found, job_sizes)]
        if live is not None:
            taken = _held_with_another_value(wanted, live, owned_before)
            if refusal := _conflict_refusal(app, set(taken) - set(news.get("adopt") or [])):
                refusals.append(("vars", refusal))
        return refusals

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if olds.get("app") != news.get("app") and not self._same_app(olds, news["app"]):
            # Another app: set the keys there first, then let go of them on the old one.
            return DiffResult(changes=True, replaces=["app"], delete_before_replace=False)
        changed = olds.get("app") != news.get("app") or _owned(olds) != _owned(news)
        changed = changed or sorted(olds.get("adopt") or []) != sorted(news.get("adopt") or [])
        # A hand edit since the last update shows as a change; the update then names it.
        return DiffResult(changes=changed or self._has_drift(olds))

    def _has_drift(self, olds: Mapping[str, Any]) -> bool:
        owned = _owned_keys(olds)
        if not owned or not olds.get("appId"):
            return False
        with self.client() as heroku:
            try:
                live = heroku.config_vars(_app_ref(olds))
            except HerokuNotFound:
                return False  # refresh and update say what is wrong
        return bool(_drifted(owned, _owned(olds), live))

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
            previous: dict[str, str] = {}
            if values:
                write: Changes = dict(values)
                live = heroku.config_vars(app_id)
                previous = _take(heroku, app, app_id, values, live, set(props.get("adopt") or []), set(), write)
                _patch(heroku, app_id, write, live)
        return CreateResult(f"{app}/config-vars", _outputs(props, app_id, values, previous))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        props = {"app": id_.split("/", 1)[0], **props}
        with self.client() as heroku:
            try:
                live = heroku.config_vars(_app_ref(props))
            except HerokuNotFound as exc:
                _refuse_to_forget(exc, props)
                return ReadResult(None, {})  # the app is gone, and its config vars with it
            app_id = props.get("appId") or _app_id(heroku, props)
        owned = _owned_keys(props)
        current = {key: live[key] for key in owned if key in live}
        return ReadResult(id_, _outputs(props, app_id, current, props.get("previous") or {}, owned))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        app, values, stated = news["app"], _owned(news), _owned(olds)
        app_ref = _app_ref({**news, "appId": olds.get("appId")})
        owned_before = _owned_keys(olds)
        gone = owned_before - set(values)
        earlier = dict(olds.get("previous") or {})
        with self.client() as heroku:
            live = heroku.config_vars(app_ref)
            # A kept key edited by hand (and not to the value this update sets) is drift: refused, as
            # releasing a hand-edited key is, rather than overwritten by an unrelated change.
            drifted = sorted(
                key for key in _drifted(owned_before & set(values), stated, live) if live.get(key) != values[key]
            )
            if drifted:
                raise HerokuConfigVarConflict(
                    f"config var(s) {', '.join(drifted)} on app {app} were changed by hand since the last update; "
                    f"this update would not see it. Run `pulumi refresh` to take the hand edit into the state "
                    f"(the next preview then shows the change back to picletter:configVars), or set "
                    f"picletter:configVars to the new value"
                )
            # A key the stack found holding its value, set by someone else, is theirs to keep: changing
            # it overwrites their value, which needs adoption as taking any other key does.
            theirs = sorted(
                key
                for key in owned_before & set(values)
                if key in earlier
                and earlier[key] == stated.get(key) != values[key]
                and key not in set(news.get("adopt") or [])
            )
            if theirs:
                raise HerokuConfigVarConflict(
                    f"config var(s) {', '.join(theirs)} on app {app} held this stack's value when it took them, "
                    f"set by someone else (by hand, an add-on or another stack); changing them would overwrite "
                    f"that. Add them to picletter:adoptConfigVars (their values are put back when the stack "
                    f"lets go), or leave their value as it is"
                )
            write: Changes = {
                **(_release(app, gone, stated, earlier, live) if gone else {}),
                **{key: value for key, value in values.items() if key not in owned_before or stated.get(key) != value},
            }
            taken = _take(heroku, app, app_ref, values, live, set(news.get("adopt") or []), owned_before, write)
            _patch(heroku, app_ref, write, live)
            app_id = olds.get("appId") or _app_id(heroku, {**news, "appId": None})
        previous = {key: value for key, value in {**earlier, **taken}.items() if key in values}
        return UpdateResult(_outputs(news, app_id, values, previous))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        owned = _owned_keys(props)
        if not owned:
            return
        with self.client() as heroku:
            try:
                live = heroku.config_vars(_app_ref(props))
            except HerokuNotFound as exc:
                _refuse_to_forget(exc, props)
                return  # the app is gone, and its config vars with it
            release = _release(props["app"], owned, _owned(props), props.get("previous") or {}, live)
            _patch(heroku, _app_ref(props), release, live)


def _app_id(heroku: HerokuClient, props: Mapping[str, Any]) -> str:
    """The app's id, for a state that holds none (written before it was recorded, or imported):
    kept from now on, so that drift shows in preview and a rename is followed."""
    return str(heroku.app(_app_ref(props)).get("id", ""))


def _refuse_to_forget(exc: HerokuNotFound, props: Mapping[str, Any]) -> None:
    """Raise when the app is not found while the state holds earlier values to put back: a lost
    access or a wrong id must not drop them. A state without any has nothing to lose."""
    previous = props.get("previous") or {}
    if not previous:
        return
    raise HerokuNotFound(
        exc.method,
        exc.path,
        exc.status,
        exc.error_id,
        f"app {props['app']} (id {props.get('appId') or 'unknown'}) is not found, and the stack holds the earlier "
        f"values of config var(s) {_names(previous)} to put back. If the token lost access to the app, restore "
        f"it; if the app was deleted, those values went with it: remove this resource from the state with "
        f"`pulumi state delete`",
        exc.request_id,
    )


@dataclass(frozen=True)
class HerokuConfigVarsArgs:
    app: pulumi.Input[str]
    vars: pulumi.Input[Mapping[str, pulumi.Input[str]]]
    adopt: Sequence[str] = ()
    # (job name, dyno size) of each job, in picletter:jobs order: check refuses sizes the app cannot run.
    job_sizes: Sequence[tuple[str, str]] = ()


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
                "jobSizes": [list(pair) for pair in args.job_sizes],
                "keys": None,
                "previous": None,
                "appId": None,
            },
            pulumi.ResourceOptions.merge(opts, secret_opts),
        )
