"""Serve a fake's request handler on 127.0.0.1 in a background thread, for one `with` block, and the
HTTP every fake's handler speaks (FakeHandler): what each answers, and how it checks a request,
is the fake's own (its service's routes, error bodies and reference documents).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeHandler", "FakeServer", "serving"]


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: Any  # the fake whose state the handler reads and changes

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-stream (a dropped or abandoned log stream) is normal here.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive, as the services and httpx speak it, and quiet: a test's output is its own."""

    server: FakeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def read_body(self) -> bytes:
        """The request's body, as long as its Content-Length says (empty without one)."""
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_answer(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        """STATUS, HEADERS in their order and, unless HEADERS give one, the body's Content-Length; then BODY."""
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if not any(key.lower() == "content-length" for key in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serving(fake: Any, handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Yields the base URL; FAKE is reachable from the handler as `self.server.fake`."""
    server = FakeServer(("127.0.0.1", 0), handler)
    server.fake = fake
    # shutdown() waits for serve_forever to notice, up to one poll interval: a short one keeps
    # every test that uses a fake fast (0.05 s cost 7 s over the suite; 0.01 s costs little CPU).
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
