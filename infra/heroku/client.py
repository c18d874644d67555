"""The one Heroku Platform API client: headers, timeouts, retries, pagination, typed errors.

With no request budget left (RateLimit-Remaining: 0) the client pauses before its next request.
Retries follow what is safe per method (netkit.retries): reads and PATCH/PUT/DELETE are retried on
429, 5xx and network errors; POST (creates) only where Heroku did not act on it: 409 (dyno create
races), 429, and connections that never reached the server. Each retry is one line on stderr, so
nothing waits silently.

Answers are converted here, once: an error status, no answer, or an answer that is not JSON (a
proxy's HTML page, an empty or cut-off body) becomes a HerokuApiError that names the host and, for
a request that may have acted before the answer went wrong (a dyno create or stop, a write), what
to check before trying again.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, cast
from urllib.parse import quote

import httpx

from infra.heroku.environment import DEFAULT_ATTEMPTS, DEFAULT_BACKOFF, HerokuEnvironment
from infra.heroku.errors import (
    HerokuApiError,
    HerokuConnectionError,
    HerokuLogStreamError,
    HerokuRequestError,
    HerokuUnexpectedAnswer,
    error_for_status,
)
from infra.heroku.facts import ACCEPT, DEFAULT_API_URL, PAGE_SIZE
from infra.heroku.logs import SseEvent, sse_events, sse_lines
from infra.heroku.paths import app_segment, dyno_segment
from infra.heroku.payloads import App, Build, Dyno, Release
from infra.user_agent import USER_AGENT
from netkit.client import retrying_client
from netkit.retries import RetrySettings, retrying_transport

__all__ = ["EMPTY_COMMAND", "HerokuClient", "RetrySettings", "retry_settings"]

# Headers Heroku uses to warn a client (deprecations, limits); the Heroku CLI shows both
# (heroku-cli-util's apiMiddleware: x-heroku-warning, else warning-message).
WARNING_HEADERS = ("Warning-Message", "X-Heroku-Warning")
# Heroku refills its request budget at about 75 tokens a minute; with none left, pause before asking.
RATE_LIMIT_PAUSE = 2.0
# A build's output URL may answer 404 until the stream exists: the Heroku CLI's streamer asks again
# up to 30 times, a second apart (heroku/cli src/lib/container/streamer.ts: maxRetries = 30, 1000 ms).
OUTPUT_MISSING_TRIES = 30
OUTPUT_MISSING_PAUSE = 1.0
EMPTY_COMMAND = "the command is empty; name a Procfile process type or a shell command"
HEROKU_RETRY = RetrySettings(attempts=DEFAULT_ATTEMPTS, backoff_factor=DEFAULT_BACKOFF)


def retry_settings(environment: HerokuEnvironment) -> RetrySettings:
    """The client's retries as HEROKU_API_ATTEMPTS and HEROKU_API_BACKOFF tune them."""
    return RetrySettings(attempts=environment.attempts, backoff_factor=environment.backoff)


class HerokuClient:
    """Platform API v3. Use as a context manager; open one inside each provider method."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_API_URL,
        transport: httpx.BaseTransport | None = None,
        retry: RetrySettings = HEROKU_RETRY,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        self._sleep = sleep
        self._on_warning = on_warning or _warn_on_stderr
        self._budget_exhausted = False
        self._transport, self._retry, self._timeout = transport, retry, timeout
        self._host = httpx.URL(base_url).host
        self._retries = 0
        self._http = retrying_client(
            user_agent=USER_AGENT,
            timeout=timeout,
            transport=transport,
            retry=retry,
            # POST creates are retried only where Heroku did not act: 409 (dyno create races) and 429.
            post_statuses=(409, 429),
            headers={"Accept": ACCEPT, "Authorization": f"Bearer {token}"},
            base_url=base_url,
            on_retry=self._retrying,
        )

    def __enter__(self) -> HerokuClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- transport-level -------------------------------------------------------------------------

    def send(
        self, method: str, path: str, *, json: Any = None, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        if self._budget_exhausted:
            self._sleep(RATE_LIMIT_PAUSE)
        self._retries = 0
        try:
            response = self._http.request(method, path, json=json, headers=headers)
        except httpx.TransportError as exc:
            # A connect error never reached Heroku; anything later may have, for a write.
            reached = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
            effect = effect_of(method, path) if reached else ""
            attempts = self._retries + 1
            raise HerokuConnectionError(method, path, exc, host=self._host, attempts=attempts, effect=effect) from None
        self._budget_exhausted = response.headers.get("RateLimit-Remaining") == "0"
        for header in WARNING_HEADERS:
            if warning := response.headers.get(header):
                self._on_warning(warning)
        if response.status_code >= 400:
            raise _error_from(method, path, response)
        return response

    def _retrying(self, request: httpx.Request, reason: str, attempt: int, wait: float) -> None:
        self._retries = attempt
        print(
            f"Heroku API {request.method} {request.url.path} on {self._host}: {reason}; retry {attempt} of "
            f"{self._retry.attempts - 1} in {wait:.1f} s (HEROKU_API_ATTEMPTS, HEROKU_API_BACKOFF)",
            file=sys.stderr,
            flush=True,
        )

    def _json(self, method: str, path: str, response: httpx.Response) -> Any:
        """The answer's JSON; HerokuUnexpectedAnswer, saying what came back, when it is not JSON."""
        try:
            return response.json()
        except ValueError:
            raise _unexpected(method, path, response, self._host) from None

    def request(self, method: str, path: str, *, json: Any = None, fields: tuple[str, ...] = ()) -> Any:
        """The answer's JSON; with FIELDS, an object that has them (the ones the caller reads)."""
        response = self.send(method, path, json=json)
        if not response.content and response.status_code == 204:
            return None
        payload = self._json(method, path, response)
        if fields and not (isinstance(payload, dict) and all(name in payload for name in fields)):
            what = f"not the object Heroku sends (no {', '.join(fields)})"
            raise _unexpected(method, path, response, self._host, what)
        return payload

    def list_all(self, path: str) -> list[dict[str, Any]]:
        """Every item of a list endpoint, following Range pagination (206 + Next-Range)."""
        items: list[dict[str, Any]] = []
        range_header = f"id ..; max={PAGE_SIZE}"
        while True:
            response = self.send("GET", path, headers={"Range": range_header})
            page = self._json("GET", path, response)
            if not isinstance(page, list) or not all(isinstance(item, dict) for item in page):
                raise _unexpected("GET", path, response, self._host, "not the list Heroku sends")
            items.extend(page)
            next_range = response.headers.get("Next-Range")
            if response.status_code != 206 or not next_range:
                return items
            range_header = next_range

    # -- endpoints -------------------------------------------------------------------------------

    def app(self, app: str) -> App:
        return cast(App, self.request("GET", f"/apps/{app_segment(app)}", fields=("id",)))

    def create_app(self, name: str, *, region: str | None = None) -> App:
        """A new app named NAME, in REGION (Heroku's default, us, when None)."""
        body = {"name": name, **({"region": region} if region else {})}
        return cast(App, self.request("POST", "/apps", json=body))

    def delete_app(self, app: str) -> None:
        self.request("DELETE", f"/apps/{app_segment(app)}")

    def config_vars(self, app: str) -> dict[str, str]:
        return cast(dict[str, str], self.request("GET", f"/apps/{app_segment(app)}/config-vars"))

    def update_config_vars(self, app: str, changes: Mapping[str, str | None]) -> dict[str, str]:
        """One PATCH: a value sets the key, None removes it; keys not named are left alone."""
        return cast(dict[str, str], self.request("PATCH", f"/apps/{app_segment(app)}/config-vars", json=dict(changes)))

    def latest_release_version(self, app: str) -> int:
        """The version of APP's newest release, asked as the Heroku CLI lists releases
        (heroku/cli src/commands/releases/index.ts: `Range: version ..; max=N, order=desc`)."""
        response = self.send(
            "GET", f"/apps/{app_segment(app)}/releases", headers={"Range": "version ..; max=1, order=desc"}
        )
        releases = response.json()
        if not releases:
            raise HerokuApiError("GET", f"/apps/{app}/releases", response.status_code, "no_releases", "no release")
        return int(max(releases, key=lambda release: int(release["version"]))["version"])

    def release_config_vars(self, app: str, version: int) -> dict[str, str]:
        """APP's config vars as release VERSION left them (the schema's config-var "Info for App
        Release"; a release identity is its id or its version)."""
        return cast(dict[str, str], self.request("GET", f"/apps/{app_segment(app)}/releases/{version:d}/config-vars"))

    def release_user_id(self, app: str, version: int) -> str:
        """The id of the user who made APP's release VERSION (the schema's release `user`)."""
        release = self.request("GET", f"/apps/{app_segment(app)}/releases/{version:d}")
        return str((release.get("user") or {}).get("id", ""))

    def account_id(self) -> str:
        """The id of the token's account (GET /account; needs the `identity` or `global` scope)."""
        return str(self.request("GET", "/account")["id"])

    def create_dyno(
        self,
        app: str,
        command: str,
        *,
        size: str | None = None,
        time_to_live: int | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Dyno:
        """A one-off, detached dyno (what `heroku run:detached` does)."""
        if not command.strip():
            raise HerokuRequestError(EMPTY_COMMAND)
        # attach false, as `heroku run:detached` sends it: no rendezvous session is opened.
        body: dict[str, Any] = {"attach": False, "command": command, "type": "run"}
        if size:
            body["size"] = size
        if time_to_live:
            body["time_to_live"] = time_to_live
        if env:
            body["env"] = dict(env)
        return cast(Dyno, self.request("POST", f"/apps/{app_segment(app)}/dynos", json=body, fields=("name",)))

    def dynos(self, app: str) -> list[Dyno]:
        return cast(list[Dyno], self.list_all(f"/apps/{app_segment(app)}/dynos"))

    def dyno(self, app: str, dyno: str) -> Dyno:
        path = f"/apps/{app_segment(app)}/dynos/{dyno_segment(dyno)}"
        return cast(Dyno, self.request("GET", path, fields=("name",)))

    def stop_dyno(self, app: str, dyno: str) -> None:
        self.request("POST", f"/apps/{app_segment(app)}/dynos/{dyno_segment(dyno)}/actions/stop")

    def create_source(self) -> tuple[str, str]:
        """A place to upload a source tarball: (get_url, put_url)."""
        blob = self.request("POST", "/sources", fields=("source_blob",))["source_blob"]
        return str(blob["get_url"]), str(blob["put_url"])

    def upload_blob(self, put_url: str, data: bytes) -> None:
        """PUT to the pre-signed URL, without Heroku's headers (the token must not leave for storage)."""
        with httpx.Client(transport=retrying_transport(self._transport, self._retry), timeout=self._timeout) as plain:
            try:
                response = plain.put(put_url, content=data)
            except httpx.TransportError as exc:
                raise HerokuConnectionError("PUT", "<source upload URL>", exc) from None
        if response.status_code >= 300:
            raise HerokuApiError(
                "PUT", "<source upload URL>", response.status_code, "upload_failed", response.reason_phrase
            )

    def create_build(
        self, app: str, source_url: str, checksum: str, version: str, description: str | None = None
    ) -> Build:
        """Start a build of the tarball at SOURCE_URL. DESCRIPTION goes to the schema's
        `source_blob.version_description`, which the build keeps and the build list shows."""
        source: dict[str, str] = {"url": source_url, "checksum": checksum, "version": version}
        if description is not None:
            source["version_description"] = description
        body = {"source_blob": source}
        return cast(Build, self.request("POST", f"/apps/{app_segment(app)}/builds", json=body))

    def releases(self, app: str, *, newest: int) -> list[Release]:
        """The app's NEWEST releases, newest first, in one request: the Range the Heroku CLI's `releases`
        command sends (heroku/cli src/commands/releases/index.ts: `version ..; max=N, order=desc`)."""
        headers = {"Range": f"version ..; max={newest}, order=desc"}
        return cast(list[Release], self.send("GET", f"/apps/{app_segment(app)}/releases", headers=headers).json())

    def builds(self, app: str, *, newest: int) -> list[Build]:
        """The app's NEWEST builds, newest first, in one request (the schema's build list accepts
        ranges over `id` and `started_at`)."""
        headers = {"Range": f"started_at ..; max={newest}, order=desc"}
        return cast(list[Build], self.send("GET", f"/apps/{app_segment(app)}/builds", headers=headers).json())

    def build(self, app: str, build_id: str) -> Build:
        return cast(Build, self.request("GET", f"/apps/{app_segment(app)}/builds/{quote(build_id, safe='')}"))

    def build_output(self, url: str, *, max_seconds: float, resumes: int = 5) -> list[str]:
        """A build's output lines, read as text/plain and resumed with `Range: bytes=N-` after a
        disconnect, as the schema's output_stream_url asks of clients; what was read is kept. The
        output is a courtesy: a stream that keeps failing ends it quietly, and the build's status
        decides success."""
        deadline = time.monotonic() + max_seconds
        received = b""
        missing = 0
        with self._unauthenticated(read_timeout=max_seconds) as plain:
            reads = 0
            while reads <= resumes:
                headers = {"Range": f"bytes={len(received)}-"} if received else {}
                try:
                    with plain.stream("GET", url, headers=headers) as response:
                        if response.status_code == 404 and not received and missing < OUTPUT_MISSING_TRIES:
                            # Not there yet: asked again a second later, as the Heroku CLI's
                            # streamer does (heroku/cli src/lib/container/streamer.ts).
                            missing += 1
                            if time.monotonic() + OUTPUT_MISSING_PAUSE > deadline:
                                break
                            self._sleep(OUTPUT_MISSING_PAUSE)
                            continue
                        reads += 1
                        if response.status_code == 200:
                            received = b""  # a whole answer: the server did not honour Range
                        elif response.status_code != 206:
                            break  # 416: nothing after what we have; anything else: no output
                        for chunk in response.iter_bytes():
                            received += chunk
                            if time.monotonic() > deadline:
                                break
                    break
                except httpx.HTTPError:
                    reads += 1
                    if time.monotonic() > deadline:
                        break
        return received.decode(errors="replace").splitlines()

    def log_events(
        self,
        url: str,
        *,
        idle_seconds: float,
        max_seconds: float,
        check: tuple[float, Callable[[], bool]] | None = None,
    ) -> Iterator[SseEvent]:
        """The events of a log session's stream (infra.heroku.logs) until it ends or MAX_SECONDS pass,
        or, with CHECK (seconds, still_wanted), until still_wanted() says no: asked that often as
        lines and keep-alives arrive, so a stream kept open by keep-alives alone is not waited out.

        HerokuLogStreamError when the session answers other than 200 (the Heroku CLI: 404 or 403
        while tailing means the stream timed out), when the stream drops, or when nothing, not even
        a keep-alive, arrives for IDLE_SECONDS."""
        deadline = time.monotonic() + max_seconds
        every, still_wanted = check or (max_seconds, lambda: True)
        next_check = time.monotonic() + every
        headers = {"Accept": "text/event-stream", "User-Agent": USER_AGENT}
        try:
            with (
                self._unauthenticated(read_timeout=idle_seconds) as plain,
                plain.stream("GET", url, headers=headers) as response,
            ):
                if response.status_code != 200:
                    raise HerokuLogStreamError(f"log session expired or not found ({response.status_code})")

                def until_deadline() -> Iterator[str]:
                    nonlocal next_check
                    for line in sse_lines(response.iter_text()):
                        yield line
                        now = time.monotonic()
                        if now > deadline:
                            return
                        if now >= next_check:
                            if not still_wanted():
                                return
                            next_check = time.monotonic() + every

                yield from sse_events(until_deadline())
        except httpx.HTTPError as exc:
            raise HerokuLogStreamError(f"log stream dropped ({type(exc).__name__})") from None

    def _unauthenticated(self, *, read_timeout: float) -> httpx.Client:
        """A client for pre-signed URLs (build output, log streams): no token, no retries of its own."""
        return httpx.Client(
            transport=self._transport or httpx.HTTPTransport(),
            timeout=httpx.Timeout(self._timeout, read=read_timeout),
        )

    def create_log_session(self, app: str, *, dyno_name: str | None = None, tail: bool = True) -> str:
        body: dict[str, Any] = {"tail": tail}
        if dyno_name:
            body["dyno_name"] = dyno_name
        session = self.request("POST", f"/apps/{app_segment(app)}/log-sessions", json=body, fields=("logplex_url",))
        return str(session["logplex_url"])


# Requests that change something, and what to check when their answer went wrong after they were sent.
_EFFECTS = (
    (
        "POST",
        re.compile(r"/apps/[^/]+/dynos"),
        "the dyno may have started: check `infra ps` before starting it again",
    ),
    (
        "POST",
        re.compile(r"/apps/[^/]+/dynos/[^/]+/actions/stop"),
        "the dyno may be stopping: check `infra ps` before stopping it again",
    ),
)
_WRITES = ("POST", "PATCH", "PUT", "DELETE")
# Writes whose effect needs no check: a log session is only a URL to read, made anew each time.
_HARMLESS = re.compile(r"/apps/[^/]+/log-sessions|/sources")


def effect_of(method: str, path: str) -> str:
    """For a request that may have acted although its answer went wrong: what may have happened."""
    for effect_method, pattern, effect in _EFFECTS:
        if method == effect_method and pattern.fullmatch(path):
            return effect
    if method in _WRITES and not _HARMLESS.fullmatch(path):
        return "the change may have been made: look before running it again (a preview reads the current state)"
    return ""


def _unexpected(
    method: str, path: str, response: httpx.Response, host: str, what: str = "not JSON"
) -> HerokuUnexpectedAnswer:
    kind = response.headers.get("Content-Type", "").split(";")[0].strip() or "no content type"
    text = " ".join(response.text.split())
    shown = "an empty body" if not text else f"{kind} starting {text[:60]!r}"
    message = (
        f"the answer is {what} ({shown}): {host} may not be the Platform API (a proxy or another service); "
        "check HEROKU_API_URL"
    )
    effect = effect_of(method, path) if response.status_code < 300 else ""
    request_id = response.headers.get("Request-Id", "")
    return HerokuUnexpectedAnswer(method, path, response.status_code, "not_json", message, request_id, effect)


def _error_from(method: str, path: str, response: httpx.Response) -> HerokuApiError:
    error_id, message = "unknown", response.reason_phrase
    try:
        payload = response.json()
        error_id = str(payload.get("id", error_id))
        message = str(payload.get("message", message))
    except (ValueError, AttributeError):
        pass
    request_id = response.headers.get("Request-Id", "")
    # A server error after a write may come after the write took effect.
    effect = effect_of(method, path) if response.status_code >= 500 else ""
    return error_for_status(method, path, response.status_code, error_id, message, request_id, effect)


def _warn_on_stderr(warning: str) -> None:
    print(f"Heroku warning: {warning}", file=sys.stderr)
