"""A local fake of the Heroku Platform API on 127.0.0.1, built from Heroku's schema.

Every request is matched to a link of the schema and its body validated against it (a violation is
answered 422 and recorded in `violations`, which tests assert empty). Faults can be queued to answer
the next matching requests: a status (429 with Retry-After, 5xx, 401, 404, 409), a delay, or a
connection reset.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import struct
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx

from tests.fakes.heroku_schema import SchemaViolation, validate_request
from tests.fakes.serving import FakeServer, serving

__all__ = ["FakeHeroku", "Fault", "RecordedRequest", "running_fake_heroku"]

TOKEN = "fake-heroku-token-0123456789"
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


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    body: Any
    headers: dict[str, str]


@dataclass
class FakeApp:
    name: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    config_vars: dict[str, str] = field(default_factory=dict)
    dynos: dict[str, dict[str, Any]] = field(default_factory=dict)
    run_counter: int = 0


class FakeHeroku:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.apps: dict[str, FakeApp] = {}
        self.requests: list[RecordedRequest] = []
        self.violations: list[str] = []
        self.faults: list[Fault] = []
        self.log_lines: dict[str, list[str]] = {}
        self.blobs: dict[str, bytes] = {}
        self.builds: dict[str, dict[str, Any]] = {}
        self.build_output: dict[str, list[str]] = {}
        # What the next builds do: "succeeded", "failed" or "stuck" (pending for ever).
        self.build_outcome = "succeeded"
        # How one-off dynos end in their logs: an exit status, or None for a dyno that never exits.
        self.dyno_exit_status: int | None = 0
        self.url = ""
        # Heroku's request budget (4,500 an hour), counted down per request and sent back as
        # RateLimit-Remaining, as the Platform API reference describes.
        self.rate_limit_remaining = 4500
        # A Warning-Message header to send with every answer (the Heroku CLI shows it), if set.
        self.warning: str | None = None
        self._lock = threading.Lock()

    # -- test-facing -----------------------------------------------------------------------------

    def add_app(self, name: str, config_vars: dict[str, str] | None = None) -> FakeApp:
        app = FakeApp(name=name, config_vars=dict(config_vars or {}))
        self.apps[name] = app
        return app

    def fail(self, method: str, path: str, status: int = 503, **kwargs: Any) -> Fault:
        fault = Fault(method=method, path=path, status=status, **kwargs)
        self.faults.append(fault)
        return fault

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
        if self.build_outcome == "failed":
            lines += [
                "ERROR: No matching distribution found for jinja3",
                " !     Push rejected, failed to compile Python app.",
            ]
            build["status"] = "failed"
        elif self.build_outcome == "succeeded":
            lines += [
                "-----> Installing dependencies using 'uv sync --locked --no-default-groups'",
                "-----> Launching...",
                "       Released v7",
            ]
            build["status"] = "succeeded"
            build["release"] = {"id": str(uuid.uuid4()), "version": 7}
            build["slug"] = {"id": str(uuid.uuid4())}
        self.build_output[build["id"]] = lines
        return 201, {}, build

    def _serve_storage(self, method: str, path: str, raw: bytes) -> Answer | None:
        """Pre-signed blob and build-output URLs: not the Platform API, so no token and no schema."""
        blob = re.fullmatch(r"/blobs/([^/]+)", path)
        if blob and method == "PUT":
            self.blobs[blob.group(1)] = raw
            return 200, {}, None
        logs = re.fullmatch(r"/logs/([^/]+/[^/]*)", path)
        if logs and method == "GET":
            return (
                200,
                {"Content-Type": "text/plain"},
                "".join(f"{line}\n" for line in self.log_lines.get(logs.group(1), [])),
            )
        output = re.fullmatch(r"/build-output/([^/]+)", path)
        if output and method == "GET":
            return 200, {"Content-Type": "text/plain"}, "\n".join(self.build_output.get(output.group(1), [])) + "\n"
        return None

    def mock_transport(self) -> httpx.MockTransport:
        """The same fake without a socket, for provider methods under httpx.MockTransport."""

        def handler(request: httpx.Request) -> httpx.Response:
            answer = self.respond(request.method, request.url.raw_path.decode(), dict(request.headers), request.content)
            if isinstance(answer, _Reset):
                raise httpx.ReadError("connection reset by peer", request=request)
            status, headers, payload = answer
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
        storage = self._serve_storage(method, path, raw)
        if storage is not None:
            self.requests.append(RecordedRequest(method, path, None, headers))
            return storage
        body = json.loads(raw) if raw else None
        self.requests.append(RecordedRequest(method, path, body, headers))

        fault = self._take_fault(method, path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.reset:
                return RESET
            if fault.status:
                return fault.status, fault.headers, {"id": fault.error_id, "message": "fault injected"}

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
            app = self.apps.get(app_match.group(1))
            if app is None:
                return 404, {}, {"id": "not_found", "message": "Couldn't find that app."}
            return self._handle_app(method, app, app_match.group(2) or "", body)
        return 404, {}, {"id": "not_found", "message": "Not found."}

    def _handle_app(self, method: str, app: FakeApp, rest: str, body: Any) -> tuple[int, dict[str, str], Any]:
        if rest == "" and method == "GET":
            return 200, {}, {"id": app.id, "name": app.name}
        if rest == "" and method == "DELETE":
            del self.apps[app.name]
            return 200, {}, {"id": app.id, "name": app.name}
        if rest == "/config-vars":
            if method == "PATCH":
                for key, value in body.items():
                    if value is None:
                        app.config_vars.pop(key, None)
                    else:
                        app.config_vars[key] = value
            return 200, {}, dict(app.config_vars)
        if rest == "/dynos" and method == "POST":
            app.run_counter += 1
            name = f"run.{app.run_counter}"
            dyno = {
                "id": str(uuid.uuid4()),
                "name": name,
                "command": body["command"],
                "size": body.get("size", "standard-1X"),
                "type": body.get("type", "run"),
                "state": "starting",
                "attach_url": None,
                "app": {"id": app.id, "name": app.name},
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "env": body.get("env", {}),
                "time_to_live": body.get("time_to_live"),
            }
            app.dynos[name] = dyno
            stamp = "2026-11-22T07:00:0{}.000000+00:00"
            lines = [
                f"{stamp.format(1)} heroku[{name}]: Starting process with command `{body['command']}`",
                f"{stamp.format(2)} heroku[{name}]: State changed from starting to up",
                f"{stamp.format(3)} app[{name}]: at=info step=done result=sent",
            ]
            if self.dyno_exit_status is not None:
                lines.append(f"{stamp.format(4)} heroku[{name}]: Process exited with status {self.dyno_exit_status}")
            self.log_lines[f"{app.name}/{name}"] = lines
            return 201, {}, {k: v for k, v in dyno.items() if k not in ("env", "time_to_live")}
        if rest == "/dynos" and method == "GET":
            return (
                200,
                {},
                [{k: v for k, v in d.items() if k not in ("env", "time_to_live")} for d in app.dynos.values()],
            )
        dyno_match = re.fullmatch(r"/dynos/([^/]+)(/actions/stop)?", rest)
        if dyno_match:
            dyno = app.dynos.get(dyno_match.group(1))
            if dyno is None:
                return 404, {}, {"id": "not_found", "message": "Couldn't find that process."}
            if dyno_match.group(2):
                app.dynos.pop(dyno["name"])
                return 202, {}, {}
            return 200, {}, {k: v for k, v in dyno.items() if k not in ("env", "time_to_live")}
        if rest == "/builds" and method == "POST":
            return self._create_build(app, body)
        build_match = re.fullmatch(r"/builds/([^/]+)", rest)
        if build_match and method == "GET":
            build = self.builds.get(build_match.group(1))
            if build is None or build["app"]["name"] != app.name:
                return 404, {}, {"id": "not_found", "message": "Couldn't find that build."}
            return 200, {}, build
        if rest == "/log-sessions" and method == "POST":
            session = str(uuid.uuid4())
            dyno_name = body.get("dyno_name") if isinstance(body, dict) else None
            return 201, {}, {"id": session, "logplex_url": f"{self.url}/logs/{app.name}/{dyno_name or ''}"}
        return 404, {}, {"id": "not_found", "message": f"no fake for {method} /apps/{{app}}{rest}"}


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


class _Handler(BaseHTTPRequestHandler):
    server: FakeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        answer = self.server.fake.respond(self.command, self.path, dict(self.headers.items()), raw)
        if answer is RESET:
            # RST instead of FIN: the client sees "connection reset by peer".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        assert not isinstance(answer, _Reset)
        self._reply(*answer)

    def _reply(self, status: int, headers: dict[str, str], payload: Any) -> None:
        data = (
            payload.encode() if isinstance(payload, str) else b"" if payload is None else json.dumps(payload).encode()
        )
        self.send_response(status)
        if not isinstance(payload, str):
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        fake = self.server.fake
        with fake._lock:
            fake.rate_limit_remaining = max(0, fake.rate_limit_remaining - 1)
            remaining = fake.rate_limit_remaining
        self.send_header("RateLimit-Remaining", str(remaining))
        # Every Platform API answer carries a Request-Id (Platform API reference, "Request-Id").
        self.send_header("Request-Id", str(uuid.uuid4()))
        if fake.warning:
            self.send_header("Warning-Message", fake.warning)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve


def _paginate(range_header: str | None, items: list[Any]) -> tuple[int, dict[str, str], list[Any]]:
    """Heroku's Range pagination over `id`: `id ..; max=N`, then `id ]LAST..; max=N`."""
    match = re.fullmatch(r"id (\]?)([^.]*)\.\.(?:; max=(\d+))?", range_header or "id ..")
    if not match:
        return 200, {}, items
    items = sorted(items, key=lambda item: str(item.get("id", "")))
    start = match.group(2)
    size = int(match.group(3) or 200)
    remaining = [i for i in items if not start or str(i["id"]) > start]
    page = remaining[:size]
    if len(remaining) > size:
        return 206, {"Next-Range": f"id ]{page[-1]['id']}..; max={size}"}, page
    return 200, {}, page


@contextmanager
def running_fake_heroku(fake: FakeHeroku | None = None) -> Iterator[FakeHeroku]:
    fake = fake or FakeHeroku()
    with serving(fake, _Handler) as url:
        fake.url = url
        yield fake
