"""`HerokuBuild`: ships the job's code to the app (source tarball -> build -> release).

A build runs only when the tarball's checksum changes (the program computes it; the provider packs
the same files again and refuses to ship anything else). The build's output is followed while it
runs; a failed build fails the update with the end of its log. Nothing is deleted on destroy:
Heroku keeps releases, and rolling back is `heroku releases:rollback`.

Code deployment never replaces code the stack did not ship (infra.heroku.current_code, docs/adr/0005):
before a build, `check` reads the app's current release and refuses, before anything changes, when
it runs code from elsewhere, naming that release and `picletter:replaceRelease`. What a build
replaces is an input (`replaces`), so `pulumi preview` shows it; the build itself starts only if the
app still runs the code `check` saw (a push in between is refused, not overwritten). Each build
carries the stack's marker (infra.heroku.current_code.stack_marker), so that a rollback to the
stack's own earlier build is named as such.

A build request whose answer was lost (a timeout or a dropped connection after Heroku started the
build) is not made twice: right after the failed request, and before any later upload, the app's
newest builds are read; this stack's pending build of the same tarball is followed instead, and a
succeeded one whose slug the app runs is taken as it is. Where the stack cannot tell a pending build
of that tarball is its own, it says so and builds nothing.

The app is read by its id once known (`appId`): a renamed app keeps its builds. A refresh forgets
the build only when Heroku says it is gone: the build is not found on the app, or the app is not
found by its id (ids are never reused). Not found by name alone (a state from before `appId`, the
app renamed or deleted) is an error that says what to do, not a silent loss of the build.
"""

from __future__ import annotations

import collections
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from infra.dynamic.heroku_provider import HerokuProvider, known_app
from infra.heroku.current_code import (
    CodeOnApp,
    build_already_started,
    code_on_app,
    current_release,
    describe_release,
    release_code,
    stack_marker,
)
from infra.heroku.errors import HerokuApiError, HerokuBuildFailed, HerokuConnectionError, HerokuNotFound
from infra.heroku.payloads import Build
from infra.heroku.source_bundle import make_bundle

if TYPE_CHECKING:  # the HTTP stack loads in the provider host only, not at program start
    from infra.heroku.client import HerokuClient

__all__ = ["HerokuBuild", "HerokuBuildArgs", "HerokuBuildProvider", "HerokuCodeCheck", "HerokuCodeCheckProvider"]

LOG_TAIL_LINES = 30
# How far back to look: the current release is among the newest few (a failed or pending newest
# release does not run), and the build that made its slug among the newest builds.
RELEASES_READ = 10
BUILDS_READ = 100


class HerokuBuildProvider(HerokuProvider):
    poll_interval: float = 3.0
    build_timeout: float = 30 * 60

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        if not news.get("app"):
            failures.append(CheckFailure("app", "the Heroku app name is required (picletter:herokuApp)"))
        source = news.get("sourceDir")
        if not source or not (Path(source) / "Procfile").is_file():
            failures.append(CheckFailure("sourceDir", f"{source!r} is not the project folder (no Procfile there)"))
        if not isinstance(news.get("checksum"), str):
            failures.append(CheckFailure("checksum", "the tarball checksum is missing"))
        news = {**news, "replaces": None, "replacesCode": None}
        if failures or not _ships(olds, news) or not known_app(news["app"]):
            return CheckResult(news, failures)
        try:
            code = self._code_on_app(news["app"], olds, news)
        except HerokuApiError as exc:
            reason = (
                f"could not read the releases of app {news['app']} to make sure the deploy replaces no code it did "
                f"not ship ({exc}); fix the token or the app name, or set picletter:deployCode false"
            )
            return CheckResult(news, [CheckFailure("app", reason)])
        if code is None:  # no such app (yet): nothing to replace; the update reports a wrong name
            return CheckResult(news, failures)
        if refusal := self._refusal(code, olds, news):
            failures.append(CheckFailure("app", refusal))
        return CheckResult({**news, "replaces": code.replaces, "replacesCode": code.code}, failures)

    def _refusal(self, code: CodeOnApp, _olds: dict[str, Any], news: dict[str, Any]) -> str | None:
        return code.refusal(news["app"], news.get("replaceRelease"))

    def _code_on_app(self, app: str, olds: dict[str, Any], news: dict[str, Any]) -> CodeOnApp | None:
        with self.client() as heroku:
            try:
                releases = heroku.releases(app, newest=RELEASES_READ)
            except HerokuNotFound:
                return None
            release = current_release(releases)
            builds = heroku.builds(app, newest=BUILDS_READ) if release and release_code(release) else []
        shipped = [checksum for checksum in (olds.get("checksum"), news.get("checksum")) if isinstance(checksum, str)]
        return code_on_app(releases, builds, shipped, _marker(news))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if olds.get("app") != news.get("app"):
            return DiffResult(changes=True, replaces=["app"], delete_before_replace=False)
        return DiffResult(changes=_ships(olds, news))

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._ship(props)
        return CreateResult(outs["buildId"], outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._ship(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        app_ref, build_id = props.get("appId") or props["app"], props.get("buildId") or id_
        with self.client() as heroku:
            try:
                build = heroku.build(app_ref, build_id)
            except HerokuNotFound as exc:
                _check_gone(heroku, props, build_id, exc)
                return ReadResult(None, {})  # gone from Heroku: the next update builds again
        app_id = props.get("appId") or (build.get("app") or {}).get("id")
        return ReadResult(id_, {**props, "appId": app_id, "status": build["status"]})

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Builds and releases stay on Heroku; the app keeps running its last release."""

    def _ship(self, props: dict[str, Any]) -> dict[str, Any]:
        app = props["app"]
        bundle = make_bundle(Path(props["sourceDir"]))
        if bundle.sha256 != props["checksum"]:
            raise HerokuBuildFailed("the job's files changed since this update was planned; run `pulumi up` again")
        marker = _marker(props)
        with self.client() as heroku:
            heroku.app(app)
            running = self._still_runs_what_check_saw(heroku, app, props)
            build = self._started_before(heroku, app, bundle.sha256, marker, running)
            if build is None:
                get_url, put_url = heroku.create_source()
                heroku.upload_blob(put_url, bundle.data)
                build = self._create_build(heroku, app, get_url, bundle.sha256, marker, running)
            tail = collections.deque(self._follow(heroku, build), maxlen=LOG_TAIL_LINES)
            build = self._wait(heroku, app, build)
        if build["status"] != "succeeded":
            log = "\n".join(tail) or "(no build output)"
            raise HerokuBuildFailed(
                f"Heroku build {build['id']} for {app} {build['status']}; last build output:\n{log}"
            )
        release = build.get("release") or {}
        return {
            "app": app,
            "sourceDir": props["sourceDir"],
            "checksum": bundle.sha256,
            "replaceRelease": props.get("replaceRelease"),
            "replaces": props.get("replaces"),
            "replacesCode": props.get("replacesCode"),
            "stack": props.get("stack"),
            "appId": (build.get("app") or {}).get("id"),
            "buildId": build["id"],
            "releaseId": release.get("id"),
            "status": build["status"],
            "tarballBytes": bundle.size,
            "files": list(bundle.files),
        }

    def _still_runs_what_check_saw(self, heroku: HerokuClient, app: str, props: dict[str, Any]) -> str | None:
        """The code the app runs now; refuse to build when it changed since `check` (a push between
        preview and up): config var releases keep the slug, so only other code counts."""
        release = current_release(heroku.releases(app, newest=RELEASES_READ))
        now = release_code(release) if release else None
        if "replacesCode" in props and now != (props["replacesCode"] or None):
            assert release is not None  # the code changed, so some release runs it
            raise HerokuBuildFailed(
                f"app {app} now runs other code than when this update was planned (its current release is "
                f"{describe_release(release)}); nothing was built. Run `pulumi preview` to see what a deploy "
                "would replace"
            )
        return now

    def _started_before(
        self, heroku: HerokuClient, app: str, checksum: str, marker: str | None, running: str | None
    ) -> Build | None:
        """The build of this tarball a lost answer left behind, to follow instead of building again."""
        found, doubt = build_already_started(heroku.builds(app, newest=BUILDS_READ), checksum, marker, running)
        if doubt:
            raise HerokuBuildFailed(f"app {app}: {doubt}")
        return found

    def _create_build(
        self, heroku: HerokuClient, app: str, get_url: str, checksum: str, marker: str | None, running: str | None
    ) -> Build:
        """POST the build; when its answer is lost (it may have been started), look for it at once."""
        try:
            return heroku.create_build(app, get_url, f"SHA256:{checksum}", checksum[:12], marker)
        except HerokuApiError as exc:
            # No answer (HerokuConnectionError, status 0), a server error, or a 2xx cut short: the build
            # may have started. A 4xx refused it: nothing was started.
            if 400 <= exc.status < 500:
                raise
            try:
                found, _ = build_already_started(heroku.builds(app, newest=BUILDS_READ), checksum, marker, running)
            except (HerokuConnectionError, HerokuApiError):
                found = None
            if found is None:
                raise HerokuBuildFailed(
                    f"starting the build on app {app} got no answer ({exc}), and no build of this code is listed "
                    "on the app yet; run `pulumi up` again: it looks for the build before starting another"
                ) from None
            return found

    def _follow(self, heroku: HerokuClient, build: Build) -> list[str]:
        url = build.get("output_stream_url")
        return heroku.build_output(url, max_seconds=self.build_timeout) if url else []

    def _wait(self, heroku: HerokuClient, app: str, build: Build) -> Build:
        deadline = time.monotonic() + self.build_timeout
        while build["status"] == "pending":
            if time.monotonic() > deadline:
                raise HerokuBuildFailed(
                    f"Heroku build {build['id']} for {app} still pending after {int(self.build_timeout)} s; "
                    "see `heroku builds:info` and run `pulumi up` again"
                )
            time.sleep(self.poll_interval)
            build = heroku.build(app, build["id"])
        return build


def _marker(props: dict[str, Any]) -> str | None:
    """The marker of the stack's builds, from the `stack` input (None in a state that predates it)."""
    stack = props.get("stack")
    return stack_marker(stack) if isinstance(stack, str) and stack else None


def _check_gone(heroku: HerokuClient, props: dict[str, Any], build_id: str, exc: HerokuNotFound) -> None:
    """Return when BUILD_ID is really gone from Heroku (a 404 for it); raise when the 404 may mean
    something else. The schema's app identity is an id or a name, and a name moves with a rename."""
    try:
        heroku.app(props.get("appId") or props["app"])
    except HerokuNotFound:
        if props.get("appId"):
            return  # not found by its id: the app was deleted, and its builds with it
        raise HerokuNotFound(
            exc.method,
            exc.path,
            exc.status,
            exc.error_id,
            f"app {props['app']} is not found while reading build {build_id}, and the state does not hold the "
            f"app's id, so it may have been renamed. If it was, set picletter:herokuApp to its new name and run "
            f"`pulumi refresh` again; if it was deleted, remove the job-code resource with `pulumi state delete`",
            exc.request_id,
        ) from None
    # The app is there and the build is not on it: gone.


def _ships(olds: dict[str, Any], news: dict[str, Any]) -> bool:
    """Whether the update builds: a first deploy, another app, or other code."""
    return not olds or olds.get("app") != news.get("app") or olds.get("checksum") != news.get("checksum")


@dataclass(frozen=True)
class HerokuBuildArgs:
    app: pulumi.Input[str]
    source_dir: str
    # The version of a release from elsewhere the user agreed to replace (picletter:replaceRelease).
    replace_release: int | None = None
    # `project/stack`, marked on each build so that a later run knows the stack's own builds.
    stack: str | None = None


class HerokuBuild(Resource, module="heroku", name="Build"):
    # Dynamic resources expose outputs under their property names.
    releaseId: pulumi.Output[str]
    buildId: pulumi.Output[str]
    checksum: pulumi.Output[str]
    tarballBytes: pulumi.Output[int]
    replaces: pulumi.Output[str]

    def __init__(self, name: str, args: HerokuBuildArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(HerokuBuildProvider(), name, _build_props(args), opts)


def _build_props(args: HerokuBuildArgs) -> dict[str, Any]:
    bundle = make_bundle(Path(args.source_dir))
    return {
        "app": args.app,
        "sourceDir": args.source_dir,
        "checksum": bundle.sha256,
        "tarballBytes": bundle.size,
        "replaceRelease": args.replace_release,
        "stack": args.stack,
        # Set by check: the release the build replaces (shown by `pulumi preview`) and its code.
        "replaces": None,
        "replacesCode": None,
        "appId": None,
        "buildId": None,
        "releaseId": None,
        "status": None,
        "files": list(bundle.files),
    }


class HerokuCodeCheckProvider(HerokuBuildProvider):
    """The build's `check` alone, for a resource the config vars wait for: the build itself waits for
    the config vars (new config first, then the code that reads it), so its own check runs only after
    they were written. This one refuses code the stack did not ship before any Heroku write. It
    writes nothing: create and update keep the checked inputs, delete and read keep nothing else."""

    def _refusal(self, code: CodeOnApp, olds: dict[str, Any], news: dict[str, Any]) -> str | None:
        # Without a state of its own (a new stack, or one from before this check), it does not know
        # what the stack shipped last: a picletter build may be the stack's own, which only the
        # build's check (after the config vars) can tell; code from elsewhere is refused here.
        if not olds and code.picletter_build:
            return None
        return super()._refusal(code, olds, news)

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"{props['app']}/code-check", props)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(news)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)


class HerokuCodeCheck(Resource, module="heroku", name="CodeCheck"):
    """Refuses, before anything changes on Heroku, a deploy that would replace code the stack did not
    ship (the same check as HerokuBuild's, with the same inputs)."""

    replaces: pulumi.Output[str]

    def __init__(self, name: str, args: HerokuBuildArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(HerokuCodeCheckProvider(), name, _build_props(args), opts)
