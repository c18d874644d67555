"""A tiny programmable HTTP server on 127.0.0.1 for the job's tests: picture APIs, images, SendGrid.

Its routes and answers are each test's, checked against no reference, unlike the Heroku and Logic
Apps fakes' (their services' schemas and error bodies): only the HTTP under them is shared
(tests/fakes/serving.py's FakeHandler).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.serving import FakeHandler, serving

__all__ = ["FakeWeb", "Reply", "Request", "running_fake_web"]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b""
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if isinstance(self.body, (dict, list)):
            headers.setdefault("Content-Type", "application/json")
            return json.dumps(self.body).encode(), headers
        return (self.body.encode() if isinstance(self.body, str) else self.body), headers


Route = Reply | Callable[[Request], Reply]


class FakeWeb:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Route]] = {}
        self.requests: list[Request] = []
        self.url = ""

    def on(self, method: str, path: str, *replies: Route) -> None:
        """Answer METHOD PATH with REPLIES in turn; the last one repeats."""
        self.routes[(method, path)] = list(replies)

    def called(self, method: str, path: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def _answer(self, request: Request) -> Reply:
        replies = self.routes.get((request.method, request.path))
        if not replies:
            return Reply(404, {"error": f"no fake for {request.method} {request.path}"})
        route = replies.pop(0) if len(replies) > 1 else replies[0]
        return route(request) if callable(route) else route


class _Handler(FakeHandler):
    def _serve(self) -> None:
        parts = urlsplit(self.path)
        request = Request(self.command, parts.path, parse_qs(parts.query), dict(self.headers.items()), self.read_body())
        fake = self.server.fake
        fake.requests.append(request)
        reply = fake._answer(request)
        body, headers = reply.encoded()
        self.send_answer(reply.status, headers, body)

    do_GET = do_POST = _serve


@contextmanager
def running_fake_web() -> Iterator[FakeWeb]:
    fake = FakeWeb()
    with serving(fake, _Handler) as url:
        fake.url = url
        yield fake
