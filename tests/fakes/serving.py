"""Serve a fake's request handler on 127.0.0.1 in a background thread, for one `with` block."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeServer", "serving"]


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: Any  # the fake whose state the handler reads and changes

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-stream (a dropped or abandoned log stream) is normal here.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


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
