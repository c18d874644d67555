"""A local fake of the Heroku Platform API on 127.0.0.1, built from Heroku's schema.

Every request is matched to a link of the schema and its body validated against it (a violation is
answered 422 and recorded in `violations`, which tests assert empty). Faults can be queued to answer
the next matching requests: a status (429 with Retry-After, 5xx, 401, 404, 409), a delay, or a
connection reset; with `applied`, the request takes effect first and only its answer is lost.

Config var changes make releases, each keeping the app's config vars (`releases`), and an app can be
renamed (`rename_app`, or PATCH /apps/{app} with a name), after which its old name answers 404.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
import socket
import struct
import tarfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.fakes.heroku_schema import SchemaViolation, validate_request
from tests.fakes.serving import FakeHandler, serving

__all__ = [
    "EXISTING_APP",
    "EXISTING_PROCFILE",
    "FakeApp",
    "FakeHeroku",
    "Fault",
    "RecordedRequest",
    "running_fake_heroku",
]

TOKEN = "fake-heroku-token-0123456789"
# The token's account (GET /account), and a person who changes config by hand or an add-on's
# provider: each release names the user that made it (the schema's release `user`).
ACCOUNT = {"id": "5d0d7f0e-0000-4000-8000-00000000b07", "email": "deploy-bot@example.com"}
SOMEONE = {"id": "5d0d7f0e-0000-4000-8000-0000000000a1", "email": "someone@example.com"}
Answer = tuple[int, dict[str, str], Any]


class _Reset:
    """Answer by resetting the connection."""


RESET = _Reset()


@dataclass
class Fault:
    """Answer the next `times` requests matching METHOD and PATH regex with this instead."""

    method: str
    path: str
    status: int = 503
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    reset: bool = False
    error_id: str = "unavailable"
    # The request is carried out, then answered with the fault: a write that took effect whose answer
    # was lost (a proxy's 503 or a reset after Heroku acted), which a client cannot tell from one
    # that did not. The Platform API reference promises nothing either way for a failed answer.
    applied: bool = False


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    body: Any
    headers: dict[str, str]


@dataclass
class LogEntry:
    visible_at: float  # time.monotonic() from which a session shows it
    text: str  # `<RFC 3339 µs time> <source>[<dyno>]: <message>`


@dataclass
class LogSession:
    app: str
    dyno_name: str | None
    tail: bool
    lines: int
    created: float


@dataclass
class FakeApp:
    name: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    config_vars: dict[str, str] = field(default_factory=dict)
    dynos: dict[str, dict[str, Any]] = field(default_factory=dict)
    log: list[LogEntry] = field(default_factory=list)
    exits: dict[str, float] = field(default_factory=dict)  # dyno name -> when it ends (monotonic)
    # Releases, oldest first. Dev Center "Release Phase" (devcenter.heroku.com/articles/release-phase):
    # "All of the following events create a release: ... A change to the value of a config var ...
    # Provisioning a new add-on"; the schema's config-var "Info for App Release" link
    # (GET /apps/{app}/releases/{release identity}/config-vars) returns each release's config vars.
    releases: list[dict[str, Any]] = field(default_factory=list)

    # The Procfile of the code it runs, for tests of process types (its slug's process_types).
    procfile: str = ""
    # The platform generation and stack it runs on. The schema's app Info answers both as objects
    # (app.generation: {id, name}, name e.g. "cedar"; the generation resource's example name is
    # "fir"; app.stack: {id, name}, e.g. "heroku-24"). A Fir app's stack is "cnb": the Heroku CLI
    # prepends `launcher` exactly then (heroku/cli src/lib/run/helpers.ts, shouldPrependLauncher).
    generation: str = "cedar"
    stack: str = "heroku-24"
    # The Private or Shield Space it runs in: the schema's app.space is null (the Common Runtime) or
    # {id, name, shield} (shared/reference/heroku-platform-api-schema.json, app.properties.space).
    space: dict[str, Any] | None = None

    def info(self) -> dict[str, Any]:
        """The app as `GET /apps/{app}` answers it (the fields the schema defines that tests need)."""
        return {
            "id": self.id,
            "name": self.name,
            "generation": {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, self.generation)), "name": self.generation},
            "stack": {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, self.stack)), "name": self.stack},
            "space": dict(self.space) if self.space else None,
        }

    def release(
        self, description: str, user: dict[str, str] | None = None, *, slug: str | None = "same"
    ) -> dict[str, Any]:
        """A new release by USER holding the config vars as they are now; versions count up from 1.
        SLUG "same" keeps the code of the release before: the schema's release.slug is the "slug
        running in this release", and config var or add-on changes deploy no code; None runs none."""
        if slug == "same":
            slug = (self.releases[-1].get("slug") or {}).get("id") if self.releases else None
        release = {
            "user": dict(user or SOMEONE),
            "id": str(uuid.uuid4()),
            "version": len(self.releases) + 1,
            "description": description,
            "status": "succeeded",
            "current": True,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "app": {"id": self.id, "name": self.name},
            "config_vars": dict(self.config_vars),
            "slug": {"id": slug} if slug else None,
            "artifacts": [{"type": "slug", "id": slug}] if slug else [],
        }
        for earlier in self.releases:
            earlier["current"] = False
        self.releases.append(release)
        return release


# The app an existing-app test points a stack at: a Rails app deployed by git push, with its own
# Procfile (issue 19), config vars and release history, none of it the stack's.
EXISTING_APP = "rails-shop"
EXISTING_PROCFILE = "web: bundle exec puma\nworker: bundle exec sidekiq\n"
DEVELOPER = {"id": "5d0d7f0e-0000-4000-8000-0000000000d3", "email": "dev@example.com"}


class StreamedBody:
    """A streamed answer (text/event-stream, or text that drops): chunks written as they come."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self.chunks = chunks


class FakeHeroku:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.apps: dict[str, FakeApp] = {}
        self.requests: list[RecordedRequest] = []
        self.violations: list[str] = []
        self.faults: list[Fault] = []
        self.log_sessions: dict[str, LogSession] = {}
        self.blobs: dict[str, bytes] = {}
        self.builds: dict[str, dict[str, Any]] = {}
        self.build_output: dict[str, list[str]] = {}
        # What the next builds do: "succeeded", "failed" or "stuck" (pending for ever). Like Heroku's,
        # a build answers `pending` first and finishes build_seconds later.
        self.build_outcome = "succeeded"
        self.build_seconds = 0.05
        self._build_finish: dict[str, tuple[float, dict[str, Any]]] = {}
        # Build output streams (text/plain) may disconnect; clients resume with Range (the schema's
        # output_stream_url). The next drop_build_output_streams streams stop after that many bytes.
        self.drop_build_output_streams = 0
        self.drop_build_output_after_bytes = 40
        # The next that many reads of a build's output answer 404: the stream does not exist yet. The
        # Heroku CLI's streamer retries a 404 up to 30 times, a second apart
        # (heroku/cli src/lib/container/streamer.ts), because output URLs answer 404 at first.
        self.build_output_missing = 0
        # The next dynos created answer that many reads of their info (GET /apps/{app}/dynos/{id or
        # name}) with 404 before they answer 200: the Heroku CLI, after creating a dyno, reads its
        # info again on a 404 ("the API sometimes responds with a 404 when the dyno is not yet ready",
        # heroku/cli src/lib/run/dyno.ts, _ssh(retries = 20)).
        self.dyno_info_missing_reads = 0
        self._info_misses: dict[str, int] = {}  # dyno id -> 404s it still answers
        # How one-off dynos end in their logs: an exit status, or None for a dyno that never exits.
        self.dyno_exit_status: int | None = 0
        # How long a one-off dyno runs before Heroku logs its exit and forgets it.
        self.dyno_runtime = 0.05
        # How long after its exit line a dyno is still listed. No source says which comes first
        # (infra/heroku/follow.py allows for the line coming after the dyno left the API): both are tested.
        self.dyno_listed_after_exit = 0.0
        # One-off dyno names are `run.` and a number (Dev Center, "Working with One-Off Dynos": `up,
        # run.4520`; the schema's dyno name example: `run.1`), and numbers are reused: no source
        # says so or how they are picked; inferred, as four digits give an app at most 9000 names
        # while its jobs run all day. Tests can name the next ones, a name of a dyno that is gone
        # included. Seeded: the suite stays deterministic.
        self.next_run_numbers: list[int] = []
        self._names = random.Random(4821)
        # Log sessions (Heroku Dev Center, "Logging"): a logplex URL lives about an hour after it is
        # made, then answers 404; a tailing stream sends keep-alive comments, and streams drop.
        self.log_session_ttl = 3600.0
        self.keep_alive_seconds = 0.05
        self.stream_open_seconds = 0.5  # then the stream ends, as dropped streams do
        self.drop_next_streams = 0  # that many next streams close after drop_after_events events
        self.drop_after_events = 1
        self.silent_streams = False  # no keep-alives: an idle stream
        # Sources disagree on how a log session is limited to one dyno: the Platform API schema's
        # log-session Create takes `dyno_name` ("dyno name to limit results to"), which the client
        # sends; the Heroku CLI sends `dyno` (heroku/cli src/lib/run/log-displayer.ts,
        # buildRequestBodyParameters). True: Heroku ignores `dyno_name`, streaming every dyno's lines.
        self.log_sessions_ignore_dyno_name = False
        self.url = ""
        self.account_forbidden = False
        # Heroku's request budget (4,500 an hour), counted down per request and sent back as
        # RateLimit-Remaining, as the Platform API reference describes.
        self.rate_limit_remaining = 4500
        # A Warning-Message header to send with every answer (the Heroku CLI shows it), if set.
        self.warning: str | None = None
        self.slugs: dict[str, dict[str, Any]] = {}
        self._procfiles: dict[str, str] = {}  # build id -> its tarball's Procfile
        self._lock = threading.Lock()

    # -- test-facing -----------------------------------------------------------------------------

    def add_app(
        self,
        name: str,
        config_vars: dict[str, str] | None = None,
        *,
        generation: str = "cedar",
        space: dict[str, Any] | None = None,
    ) -> FakeApp:
        """An app as `heroku create` leaves it (v1 "Initial release", running no code: the schema's
        release.slug is null), then one release setting CONFIG_VARS (an add-on's or a hand-set
        value), if any. GENERATION "fir" makes a Fir app, on the "cnb" stack (FakeApp.stack); SPACE
        puts it in a Private or Shield Space (FakeApp.space)."""
        app = FakeApp(
            name=name, generation=generation, stack="cnb" if generation == "fir" else "heroku-24", space=space
        )
        app.release("Initial release")
        if config_vars:
            app.config_vars.update(config_vars)
            app.release(f"Set {', '.join(sorted(config_vars))} config vars")
        self.apps[name] = app
        return app

    def set_config_vars(self, app: str, changes: dict[str, str | None], user: dict[str, str] = SOMEONE) -> None:
        """A change made outside the stack (`heroku config:set`, an add-on), by USER: one release."""
        self._patch_config_vars(self.apps[app], changes, user)

    def rename_app(self, old: str, new: str) -> None:
        """`heroku apps:rename` (the schema's app "Update" link, PATCH /apps/{app} with a name): the app
        keeps its id, and a name identifies one app at a time (the schema's app identity is an id or a
        name), so the old name answers 404 until another app takes it."""
        app = self.apps.pop(old)
        app.name = new
        self.apps[new] = app

    @staticmethod
    def _patch_config_vars(app: FakeApp, changes: dict[str, str | None], user: dict[str, str]) -> None:
        before = dict(app.config_vars)
        for key, value in changes.items():
            if value is None:
                app.config_vars.pop(key, None)
            else:
                app.config_vars[key] = value
        # A changed value makes a release (see FakeApp.releases), described as Heroku's API logs it
        # (`heroku[api]: Set A, B config vars by ...`); an unchanged one makes none, as far as the
        # Release Phase page's "a change to the value" goes.
        if app.config_vars != before:
            app.release(f"Set {', '.join(sorted(changes))} config vars", user)

    def add_existing_app(self, name: str = EXISTING_APP, procfile: str = EXISTING_PROCFILE) -> FakeApp:
        """An app with code and history of its own: deployed by `git push` (a build with no source
        checksum of the stack's, whose slug carries the Procfile's process types), config vars set
        by hand before and after."""
        app = self.add_app(name)
        app.procfile = procfile
        app.release("Enable Logplex", DEVELOPER)
        self.set_config_vars(name, {"DATABASE_URL": "postgres://shop"}, DEVELOPER)
        slug = self.add_slug(procfile, commit="9f2c1e7")
        build = {
            **_build_record(self, app, {"url": "https://git.heroku.com/rails-shop.git", "checksum": None}),
            "status": "succeeded",
            "slug": {"id": slug},
        }
        build["source_blob"]["version"] = "9f2c1e7"
        self.builds[build["id"]] = build
        app.release("Deploy 9f2c1e7", DEVELOPER, slug=slug)
        self.set_config_vars(name, {"RAILS_ENV": "production"}, DEVELOPER)
        return app

    def add_slug(self, procfile: str, commit: str | None = None) -> str:
        """A slug (the schema's slug object) whose process_types are PROCFILE's."""
        slug_id = str(uuid.uuid4())
        types = dict(line.split(":", 1) for line in procfile.splitlines() if ":" in line)
        self.slugs[slug_id] = {
            "id": slug_id,
            "commit": commit,
            "process_types": {name.strip(): command.strip() for name, command in types.items()},
            "created_at": _stamp(0.0),
        }
        return slug_id

    def fail(self, method: str, path: str, status: int = 503, **kwargs: Any) -> Fault:
        fault = Fault(method=method, path=path, status=status, **kwargs)
        self.faults.append(fault)
        return fault

    def log(self, app: str, source: str, dyno: str, message: str, *, after: float = 0.0, age: float = 0.0) -> None:
        """Add a line to APP's log, visible AFTER seconds from now, stamped AGE seconds in the past."""
        entry = LogEntry(time.monotonic() + after, f"{_stamp(after - age)} {source}[{dyno}]: {message}")
        self.apps[app].log.append(entry)

    def _events(self, session: LogSession) -> Iterator[str]:
        """The session as Heroku streams it: `id:`/`data:` events, keep-alive comments while tailing,
        until the stream ends (non-tail: after the backlog; tail: after stream_open_seconds)."""
        app = self.apps[session.app]
        started = time.monotonic()

        def visible() -> list[tuple[int, str]]:
            now = time.monotonic()
            return [
                (index, entry.text)
                for index, entry in enumerate(app.log)
                if entry.visible_at <= now
                and (
                    not session.dyno_name
                    or self.log_sessions_ignore_dyno_name
                    or f"[{session.dyno_name}]:" in entry.text
                )
            ]

        shown = visible()[-session.lines :] if session.lines else []
        sent = 0
        drops = self.drop_next_streams > 0
        if drops:
            self.drop_next_streams -= 1
        last = shown[-1][0] if shown else max((i for i, _ in visible()), default=-1)
        for index, text in shown:
            yield f"id: {index}\ndata: {text}\n\n"
            sent += 1
            if drops and sent >= self.drop_after_events:
                return
        while session.tail and time.monotonic() - started < self.stream_open_seconds:
            time.sleep(self.keep_alive_seconds)
            fresh = [(i, t) for i, t in visible() if i > last]
            for index, text in fresh:
                yield f"id: {index}\ndata: {text}\n\n"
                last, sent = index, sent + 1
                if drops and sent >= self.drop_after_events:
                    return
            if not fresh and not self.silent_streams:
                yield ": keep-alive\n\n"

    def _purge_exited(self, app: FakeApp) -> None:
        """A one-off dyno is gone from the API once its process exited."""
        now = time.monotonic()
        for name, ends in list(app.exits.items()):
            if ends <= now:
                app.dynos.pop(name, None)
                del app.exits[name]

    def writes(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method != "GET"]

    def _create_build(self, app: FakeApp, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        source = body["source_blob"]
        blob_id = re.sub(r".*/blobs/([^?]+).*", r"\1", source["url"])
        data = self.blobs.get(blob_id)
        if data is None:
            return 422, {}, {"id": "invalid_params", "message": "source_blob.url could not be downloaded"}
        if source.get("checksum") != "SHA256:" + hashlib.sha256(data).hexdigest():
            return 422, {}, {"id": "invalid_params", "message": "checksum does not match the tarball"}
        build = _build_record(self, app, source)
        self.builds[build["id"]] = build
        lines = ["-----> Building on the Heroku-24 stack", "-----> Python app detected"]
        finished: dict[str, Any] = {}
        if self.build_outcome == "failed":
            lines += [
                "ERROR: No matching distribution found for jinja3",
                " !     Push rejected, failed to compile Python app.",
            ]
            finished = {"status": "failed"}
        elif self.build_outcome == "succeeded":
            lines += [
                "-----> Installing dependencies using 'uv sync --locked --no-default-groups'",
                "-----> Launching...",
                "       Released v7",
            ]
            finished = {"status": "succeeded"}
            # The slug's process types are the tarball's Procfile, as the build reads it.
            self._procfiles[build["id"]] = _procfile_in(data)
        if finished:
            self._build_finish[build["id"]] = (time.monotonic() + self.build_seconds, finished)
        self.build_output[build["id"]] = lines
        return 201, {}, dict(build)

    def _build_now(self, build: dict[str, Any]) -> dict[str, Any]:
        """BUILD as it stands now: pending until its time has come. A build that succeeds makes a
        slug and releases it (the schema's build.slug and build.release)."""
        due = self._build_finish.get(build["id"])
        if due and due[0] <= time.monotonic():
            build.update(due[1])
            del self._build_finish[build["id"]]
            app = next((a for a in self.apps.values() if a.id == build["app"]["id"]), None)
            if build["status"] == "succeeded" and app is not None:
                procfile = self._procfiles.pop(build["id"], "")
                slug = self.add_slug(procfile, build["source_blob"].get("version"))
                # Made with the token, so by its account, as the PATCH of config vars is.
                release = app.release(f"Deploy {build['source_blob'].get('version')}", ACCOUNT, slug=slug)
                build.update({"slug": {"id": slug}, "release": {"id": release["id"]}})
        return build

    def _build_output(self, build_id: str, headers: dict[str, str]) -> Answer:
        if self.build_output_missing > 0:
            self.build_output_missing -= 1
            return 404, {"Content-Type": "text/plain"}, "Not found"
        data = ("\n".join(self.build_output.get(build_id, [])) + "\n").encode()
        start = 0
        if match := re.fullmatch(r"bytes=(\d+)-", headers.get("Range", "")):
            start = int(match.group(1))
            if start >= len(data):
                return 416, {"Content-Range": f"bytes */{len(data)}"}, ""
        rest = data[start:]
        status = 206 if start else 200
        reply = {"Content-Type": "text/plain", "Content-Length": str(len(rest))}
        if start:
            reply["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        if self.drop_build_output_streams > 0:
            self.drop_build_output_streams -= 1
            cut = rest[: self.drop_build_output_after_bytes].decode(errors="ignore")
            return status, reply, StreamedBody(iter([cut]))  # Content-Length promises more: a drop
        return status, reply, StreamedBody(iter([rest.decode()]))

    def _serve_storage(self, method: str, path: str, raw: bytes, headers: dict[str, str]) -> Answer | None:
        """Pre-signed blob and build-output URLs: not the Platform API, so no token and no schema."""
        blob = re.fullmatch(r"/blobs/([^/]+)", path)
        if blob and method == "PUT":
            self.blobs[blob.group(1)] = raw
            return 200, {}, None
        logs = re.fullmatch(r"/logs/([^/]+)", path)
        if logs and method == "GET":
            session = self.log_sessions.get(logs.group(1))
            if session is None or time.monotonic() - session.created > self.log_session_ttl:
                return 404, {"Content-Type": "text/plain"}, "Not found"
            return 200, {"Content-Type": "text/event-stream"}, StreamedBody(self._events(session))
        output = re.fullmatch(r"/build-output/([^/]+)", path)
        if output and method == "GET":
            return self._build_output(output.group(1), headers)
        return None

    def mock_transport(self) -> httpx.MockTransport:
        """The same fake without a socket, for provider methods under httpx.MockTransport."""

        def handler(request: httpx.Request) -> httpx.Response:
            answer = self.respond(request.method, request.url.raw_path.decode(), dict(request.headers), request.content)
            if isinstance(answer, _Reset):
                raise httpx.ReadError("connection reset by peer", request=request)
            status, headers, payload = answer
            if isinstance(payload, StreamedBody):
                return httpx.Response(status, headers=headers, content=(c.encode() for c in payload.chunks))
            if isinstance(payload, str):
                return httpx.Response(status, headers=headers, text=payload)
            return (
                httpx.Response(status, headers=headers, json=payload) if payload is not None else httpx.Response(status)
            )

        return httpx.MockTransport(handler)

    # -- request handling ------------------------------------------------------------------------

    def respond(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> Answer | _Reset:
        """Faults first, then auth, the schema check, and the endpoint itself."""
        headers = {k.title(): v for k, v in headers.items()}
        path = target.split("?", 1)[0]
        storage = self._serve_storage(method, path, raw, headers)
        if storage is not None:
            self.requests.append(RecordedRequest(method, path, None, headers))
            return storage
        body = json.loads(raw) if raw else None
        self.requests.append(RecordedRequest(method, path, body, headers))

        fault = self._take_fault(method, path)
        if fault is not None and fault.applied:
            self._answer(method, path, headers, body)  # carried out; the answer below replaces its own
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.reset:
                return RESET
            if fault.status:
                return fault.status, fault.headers, {"id": fault.error_id, "message": "fault injected"}
        return self._answer(method, path, headers, body)

    def _answer(self, method: str, path: str, headers: dict[str, str], body: Any) -> Answer:
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {}, {"id": "unauthorized", "message": "Invalid credentials provided."}
        if headers.get("Accept") != "application/vnd.heroku+json; version=3":
            return 400, {}, {"id": "bad_request", "message": "Accept header must name version 3"}
        try:
            validate_request(method, path, body)
        except SchemaViolation as exc:
            self.violations.append(str(exc))
            return 422, {}, {"id": "invalid_params", "message": str(exc)}
        with self._lock:
            status, reply_headers, payload = self.handle(method, path, body)
        if isinstance(payload, list):
            return _paginate(headers.get("Range"), payload)
        return status, reply_headers, payload

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and re.fullmatch(fault.path, path):
                    fault.times -= 1
                    return fault
        return None

    def handle(self, method: str, path: str, body: Any) -> tuple[int, dict[str, str], Any]:
        if path == "/account" and method == "GET":
            # The schema's account "Info". Whether a token scoped to config vars alone may read it is
            # not checked here (Dev Center "Heroku OAuth" lists an `identity` scope for account
            # information): `account_forbidden` makes it answer 403, and the provider copes with both.
            if self.account_forbidden:
                return 403, {}, {"id": "forbidden", "message": "This OAuth authorization lacks the identity scope."}
            return 200, {}, dict(ACCOUNT)
        if path == "/sources" and method == "POST":
            blob = str(uuid.uuid4())
            return (
                201,
                {},
                {
                    "source_blob": {
                        "get_url": f"{self.url}/blobs/{blob}?sig=get",
                        "put_url": f"{self.url}/blobs/{blob}?sig=put",
                    }
                },
            )
        if path == "/apps" and method == "POST":
            if body["name"] in self.apps:
                return 422, {}, {"id": "invalid_params", "message": "Name is already taken"}
            app = self.add_app(body["name"])
            return 201, {}, {"id": app.id, "name": app.name, "web_url": f"https://{app.name}.herokuapp.com/"}
        app_match = re.fullmatch(r"/apps/([^/]+)(/.*)?", path)
        if app_match:
            # An app identity is its name or its id (the schema's app/definitions/identity).
            identity = app_match.group(1)
            app = self.apps.get(identity) or next((a for a in self.apps.values() if a.id == identity), None)
            if app is None:
                return 404, {}, {"id": "not_found", "message": "Couldn't find that app."}
            return self._handle_app(method, app, app_match.group(2) or "", body)
        return 404, {}, {"id": "not_found", "message": "Not found."}

    def _handle_app(self, method: str, app: FakeApp, rest: str, body: Any) -> tuple[int, dict[str, str], Any]:
        if rest == "" and method == "GET":
            return 200, {}, app.info()
        if rest == "" and method == "PATCH" and "name" in body:
            if body["name"] in self.apps:
                return 422, {}, {"id": "invalid_params", "message": "Name is already taken"}
            self.rename_app(app.name, body["name"])
            return 200, {}, {"id": app.id, "name": app.name}
        if rest == "" and method == "DELETE":
            del self.apps[app.name]
            return 200, {}, {"id": app.id, "name": app.name}
        if rest == "/config-vars":
            if method == "PATCH":
                self._patch_config_vars(app, body, ACCOUNT)  # made with the token: its account
            return 200, {}, dict(app.config_vars)
        if rest == "/releases" and method == "GET":
            # The Heroku CLI lists releases newest first with `Range: version ..; max=N, order=desc`
            # (heroku/cli src/commands/releases/index.ts); _paginate answers that form.
            for build in list(self.builds.values()):
                self._build_now(build)  # a build that finished has released
            return 200, {}, [{k: v for k, v in r.items() if k != "config_vars"} for r in app.releases]
        release_match = re.fullmatch(r"/releases/([^/]+)/config-vars", rest)
        if release_match and method == "GET":
            found = _release(app, release_match.group(1))
            if found is None:
                return 404, {}, {"id": "not_found", "message": "Couldn't find that release."}
            return 200, {}, dict(found["config_vars"])
        release_info = re.fullmatch(r"/releases/([^/]+)", rest)
        if release_info and method == "GET":
            found = _release(app, release_info.group(1))
            if found is None:
                return 404, {}, {"id": "not_found", "message": "Couldn't find that release."}
            return 200, {}, {k: v for k, v in found.items() if k != "config_vars"}
        if rest == "/dynos" and method == "POST":
            number = self.next_run_numbers.pop(0) if self.next_run_numbers else self._names.randint(1000, 9999)
            name = f"run.{number}"
            now = time.monotonic()
            dyno = {
                "id": str(uuid.uuid4()),
                "name": name,
                "command": body["command"],
                "size": body.get("size", "standard-1X"),
                "type": body.get("type", "run"),
                "state": "starting",
                "attach_url": None,
                "app": {"id": app.id, "name": app.name},
                "created_at": _stamp(0.0),
                "env": body.get("env", {}),
                "time_to_live": body.get("time_to_live"),
            }
            app.dynos[name] = dyno
            if self.dyno_info_missing_reads:
                self._info_misses[dyno["id"]] = self.dyno_info_missing_reads
            self.log(app.name, "heroku", name, f"Starting process with command `{body['command']}`")
            self.log(app.name, "heroku", name, "State changed from starting to up", after=0.01)
            self.log(app.name, "app", name, "at=info step=done result=sent", after=0.02)
            if self.dyno_exit_status is not None:
                status = self.dyno_exit_status
                self.log(app.name, "heroku", name, f"Process exited with status {status}", after=self.dyno_runtime)
                app.exits[name] = now + self.dyno_runtime + self.dyno_listed_after_exit
            return 201, {}, {k: v for k, v in dyno.items() if k not in ("env", "time_to_live")}
        self._purge_exited(app)
        if rest == "/dynos" and method == "GET":
            return (
                200,
                {},
                [{k: v for k, v in d.items() if k not in ("env", "time_to_live")} for d in app.dynos.values()],
            )
        dyno_match = re.fullmatch(r"/dynos/([^/]+)(/actions/stop)?", rest)
        if dyno_match:
            # The schema's dyno identity is anyOf its id ("unique identifier of this dyno") or its
            # name: Info and Stop answer either.
            identity = dyno_match.group(1)
            dyno = app.dynos.get(identity) or next((d for d in app.dynos.values() if d["id"] == identity), None)
            not_yet = dyno is not None and not dyno_match.group(2) and self._info_misses.get(dyno["id"], 0) > 0
            if not_yet:
                self._info_misses[dyno["id"]] -= 1  # not yet ready: answered as a dyno that is not there
            if dyno is None or not_yet:
                return 404, {}, {"id": "not_found", "message": "Couldn't find that process."}
            if dyno_match.group(2):
                app.dynos.pop(dyno["name"])
                return 202, {}, {}
            return 200, {}, {k: v for k, v in dyno.items() if k not in ("env", "time_to_live")}
        if rest == "/builds" and method == "POST":
            return self._create_build(app, body)
        if rest == "/builds" and method == "GET":
            # A build names its app by id and name (the schema's build.app); a renamed app keeps its id
            # (the app "Update" link), and so its builds.
            mine = [self._build_now(b) for b in list(self.builds.values()) if b["app"]["id"] == app.id]
            return 200, {}, [dict(b) for b in mine]
        slug_match = re.fullmatch(r"/slugs/([^/]+)", rest)
        if slug_match and method == "GET":
            slug = self.slugs.get(slug_match.group(1))
            if slug is None:
                return 404, {}, {"id": "not_found", "message": "Couldn't find that slug."}
            return 200, {}, dict(slug)
        build_match = re.fullmatch(r"/builds/([^/]+)", rest)
        if build_match and method == "GET":
            build = self.builds.get(build_match.group(1))
            if build is None or build["app"]["id"] != app.id:
                return 404, {}, {"id": "not_found", "message": "Couldn't find that build."}
            return 200, {}, dict(self._build_now(build))
        if rest == "/log-sessions" and method == "POST":
            session = str(uuid.uuid4())
            self.log_sessions[session] = LogSession(
                app=app.name,
                dyno_name=body.get("dyno_name"),
                tail=bool(body.get("tail", False)),
                lines=int(body.get("lines", 100)),  # Heroku replays up to 100 lines by default
                created=time.monotonic(),
            )
            return 201, {}, {"id": session, "logplex_url": f"{self.url}/logs/{session}"}
        return 404, {}, {"id": "not_found", "message": f"no fake for {method} /apps/{{app}}{rest}"}


def _release(app: FakeApp, identity: str) -> dict[str, Any] | None:
    """APP's release by IDENTITY: its id or its version (the schema's release/definitions/identity)."""
    return next((r for r in app.releases if identity in (r["id"], str(r["version"]))), None)


def _stamp(offset: float) -> str:
    """Now plus OFFSET seconds, as Heroku stamps log lines and dynos: RFC 3339 with µs, +00:00."""
    return (datetime.now(UTC) + timedelta(seconds=offset)).isoformat(timespec="microseconds")


def _procfile_in(tarball: bytes) -> str:
    """The Procfile at the top of TARBALL; "" when there is none (or the bytes are no tarball)."""
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball)) as tar:
            member = tar.extractfile("Procfile")
            return member.read().decode() if member else ""
    except (tarfile.TarError, KeyError):
        return ""


def _build_record(fake: FakeHeroku, app: FakeApp, source_blob: dict[str, Any]) -> dict[str, Any]:
    build_id = str(uuid.uuid4())
    return {
        "id": build_id,
        "app": {"id": app.id, "name": app.name},
        "status": "pending",
        "source_blob": source_blob,
        "output_stream_url": f"{fake.url}/build-output/{build_id}",
        "release": None,
        "slug": None,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


class _Handler(FakeHandler):
    def _serve(self) -> None:
        answer = self.server.fake.respond(self.command, self.path, dict(self.headers.items()), self.read_body())
        if answer is RESET:
            # RST instead of FIN: the client sees "connection reset by peer".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        assert not isinstance(answer, _Reset)
        self._reply(*answer)

    def _stream(self, status: int, headers: dict[str, str], stream: StreamedBody) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for chunk in stream.chunks:
                self.wfile.write(chunk.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reader went away

    def _reply(self, status: int, headers: dict[str, str], payload: Any) -> None:
        if isinstance(payload, StreamedBody):
            self._stream(status, headers, payload)
            return
        data = (
            payload.encode() if isinstance(payload, str) else b"" if payload is None else json.dumps(payload).encode()
        )
        fake = self.server.fake
        with fake._lock:
            fake.rate_limit_remaining = max(0, fake.rate_limit_remaining - 1)
            remaining = fake.rate_limit_remaining
        sent = {} if isinstance(payload, str) else {"Content-Type": "application/json"}
        sent["RateLimit-Remaining"] = str(remaining)
        # A Request-Id on every answer: what the issue describes and API clients commonly log; no Heroku
        # document read here says so, so the client is tested with and without one.
        sent["Request-Id"] = str(uuid.uuid4())
        if fake.warning:
            sent["Warning-Message"] = fake.warning
        self.send_answer(status, {**sent, **headers}, data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve


def _paginate(range_header: str | None, items: list[Any]) -> tuple[int, dict[str, str], list[Any]]:
    """Heroku's Range pagination (Platform API reference, "Ranges"): `FIELD ..; max=N, order=asc|desc`,
    then `FIELD ]LAST..` from Next-Range; the default is `id ..` ascending, 200 at most. Builds are
    ranged by `started_at` (the schema's build list ranges), which the fake takes as created_at."""
    pattern = r"(\w+) (\]?)([^.]*)\.\.(?:; max=(\d+))?(?:, order=(asc|desc))?"
    match = re.fullmatch(pattern, range_header or "id ..")
    if not match:
        return 200, {}, items
    name, _, start, max_items, order = match.groups()
    order = order or "asc"
    field_name = "created_at" if name == "started_at" else name

    def key(item: Any) -> Any:
        value = item.get(field_name)
        return value if isinstance(value, int) else str(value or "")

    items = sorted(items, key=key, reverse=order == "desc")
    size = int(max_items or 200)
    after = _typed(start)
    remaining = [i for i in items if not start or (key(i) < after if order == "desc" else key(i) > after)]
    page = remaining[:size]
    if len(remaining) > size:
        return 206, {"Next-Range": f"{name} ]{key(page[-1])}..; max={size}, order={order}"}, page
    return 200, {}, page


def _typed(value: str) -> Any:
    return int(value) if value.isdigit() else value


@contextmanager
def running_fake_heroku(fake: FakeHeroku | None = None) -> Iterator[FakeHeroku]:
    fake = fake or FakeHeroku()
    with serving(fake, _Handler) as url:
        fake.url = url
        yield fake
