"""`HerokuBuild`: ships the job's code to the app (source tarball -> build -> release).

A build runs only when the tarball's checksum changes (the program computes it; the provider packs
the same files again and refuses to ship anything else). The build's output is followed while it
runs; a failed build fails the update with the end of its log. Nothing is deleted on destroy:
Heroku keeps releases, and rolling back is `heroku releases:rollback`.
"""

from __future__ import annotations

import collections
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from infra.heroku.errors import HerokuNotFound
from infra.heroku.payloads import Build
from infra.heroku.provider_base import HerokuProvider
from infra.heroku.source_bundle import make_bundle

if TYPE_CHECKING:  # the HTTP stack loads in the provider host only, not at program start
    from infra.heroku.client import HerokuClient

__all__ = ["BuildFailed", "HerokuBuild", "HerokuBuildArgs", "HerokuBuildProvider"]

LOG_TAIL_LINES = 30


class BuildFailed(RuntimeError):
    pass


class HerokuBuildProvider(HerokuProvider):
    poll_interval: float = 3.0
    build_timeout: float = 30 * 60

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        if not news.get("app"):
            failures.append(CheckFailure("app", "the Heroku app name is required (picletter:herokuApp)"))
        source = news.get("sourceDir")
        if not source or not (Path(source) / "Procfile").is_file():
            failures.append(CheckFailure("sourceDir", f"{source!r} is not the project folder (no Procfile there)"))
        if not isinstance(news.get("checksum"), str):
            failures.append(CheckFailure("checksum", "the tarball checksum is missing"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if olds.get("app") != news.get("app"):
            return DiffResult(changes=True, replaces=["app"], delete_before_replace=False)
        return DiffResult(changes=olds.get("checksum") != news.get("checksum"))

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._ship(props)
        return CreateResult(outs["buildId"], outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._ship(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client() as heroku:
            try:
                build = heroku.build(props["app"], props.get("buildId") or id_)
            except HerokuNotFound:
                return ReadResult(None, {})
        return ReadResult(id_, {**props, "status": build["status"]})

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Builds and releases stay on Heroku; the app keeps running its last release."""

    def _ship(self, props: dict[str, Any]) -> dict[str, Any]:
        app = props["app"]
        bundle = make_bundle(Path(props["sourceDir"]))
        if bundle.sha256 != props["checksum"]:
            raise BuildFailed("the job's files changed since this update was planned; run `pulumi up` again")
        with self.client() as heroku:
            heroku.app(app)
            get_url, put_url = heroku.create_source()
            heroku.upload_blob(put_url, bundle.data)
            build = heroku.create_build(app, get_url, f"SHA256:{bundle.sha256}", bundle.sha256[:12])
            tail = collections.deque(self._follow(heroku, build), maxlen=LOG_TAIL_LINES)
            build = self._wait(heroku, app, build)
        if build["status"] != "succeeded":
            log = "\n".join(tail) or "(no build output)"
            raise BuildFailed(f"Heroku build {build['id']} for {app} {build['status']}; last build output:\n{log}")
        release = build.get("release") or {}
        return {
            "app": app,
            "sourceDir": props["sourceDir"],
            "checksum": bundle.sha256,
            "buildId": build["id"],
            "releaseId": release.get("id"),
            "status": build["status"],
            "tarballBytes": bundle.size,
            "files": list(bundle.files),
        }

    def _follow(self, heroku: HerokuClient, build: Build) -> list[str]:
        url = build.get("output_stream_url")
        return heroku.build_output(url, max_seconds=self.build_timeout) if url else []

    def _wait(self, heroku: HerokuClient, app: str, build: Build) -> Build:
        deadline = time.monotonic() + self.build_timeout
        while build["status"] == "pending":
            if time.monotonic() > deadline:
                raise BuildFailed(
                    f"Heroku build {build['id']} for {app} still pending after {int(self.build_timeout)} s; "
                    "see `heroku builds:info` and run `pulumi up` again"
                )
            time.sleep(self.poll_interval)
            build = heroku.build(app, build["id"])
        return build


@dataclass(frozen=True)
class HerokuBuildArgs:
    app: pulumi.Input[str]
    source_dir: str


class HerokuBuild(Resource, module="heroku", name="Build"):
    # Dynamic resources expose outputs under their property names.
    releaseId: pulumi.Output[str]
    buildId: pulumi.Output[str]
    checksum: pulumi.Output[str]
    tarballBytes: pulumi.Output[int]

    def __init__(self, name: str, args: HerokuBuildArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        bundle = make_bundle(Path(args.source_dir))
        super().__init__(
            HerokuBuildProvider(),
            name,
            {
                "app": args.app,
                "sourceDir": args.source_dir,
                "checksum": bundle.sha256,
                "tarballBytes": bundle.size,
                "buildId": None,
                "releaseId": None,
                "status": None,
                "files": list(bundle.files),
            },
            opts,
        )
