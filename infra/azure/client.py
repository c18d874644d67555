"""The one client of Azure Resource Manager's Logic Apps API (api-version 2019-05-01): tokens,
retries, paging, typed errors.

- Tokens come from a credential (azure-identity's, in infra.azure.credential) for the scope
  `https://management.azure.com/.default`, and go only to the management endpoint: https, or http on
  this machine for tests. A `nextLink` elsewhere is refused, redirects are not followed.
- Throttling (Microsoft, "Understand how Azure Resource Manager throttles requests"): a 429 carries
  Retry-After, honoured before the retry. Reads are also retried on 5xx and dropped connections. A
  POST (run a trigger, cancel a run) only on 429 and failed connects: ARM did not act on those, while
  a 5xx may come after the trigger fired, and a retry would start the job twice.
- Paging (the spec's `x-ms-pageable`, nextLinkName `nextLink`): lists follow `nextLink` to the end.
- Content links (an action's `inputsLink`/`outputsLink`) are signed URLs: a bearer secret of their
  own. They are read without the ARM token, and never printed: errors name the action, not the URL.

Its constructor takes the keywords HerokuClient's does (base_url, transport, retry, timeout, sleep),
so tests inject both alike; what the two build is netkit.client's, and all else (auth, paging,
errors) is each service's own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, Protocol, cast
from urllib.parse import quote

import httpx

from infra.azure.errors import (
    AzureApiError,
    AzureConnectionError,
    AzureLoginError,
    AzureSettingsError,
    error_for_status,
)
from infra.azure.workflow_ref import WorkflowRef
from infra.user_agent import USER_AGENT
from netkit.client import retrying_client
from netkit.loopback import https_or_loopback
from netkit.retries import RetrySettings

__all__ = [
    "API_VERSION",
    "ARM_RETRY",
    "MANAGEMENT_URL",
    "SCOPE",
    "AccessTokenLike",
    "LogicAppsClient",
    "TokenCredentialLike",
    "check_endpoint",
]

MANAGEMENT_URL = "https://management.azure.com"
SCOPE = f"{MANAGEMENT_URL}/.default"
API_VERSION = "2019-05-01"
# ARM asks for waits of seconds to a minute (Retry-After); a command gives up after three minutes.
ARM_RETRY = RetrySettings(attempts=6, backoff_factor=1.0, max_backoff_wait=60.0, total_sleep=180.0)
# A token is asked for again this long before it expires (a long --tail outlives one).
TOKEN_MARGIN_SECONDS = 300


class AccessTokenLike(Protocol):
    @property
    def token(self) -> str: ...
    @property
    def expires_on(self) -> int: ...


class TokenCredentialLike(Protocol):
    """What azure-identity's credentials offer (azure.core.credentials.TokenCredential)."""

    def get_token(self, *scopes: str) -> AccessTokenLike: ...


def check_endpoint(url: str, what: str) -> None:
    """Refuse URL unless it is https, or http on this machine: a token or signed URL would travel in
    clear text."""
    if not https_or_loopback(url):
        raise AzureSettingsError(f"{what} is neither https:// nor http:// on this machine; refusing to send to it")


class LogicAppsClient:
    """Use as a context manager."""

    def __init__(
        self,
        credential: TokenCredentialLike,
        *,
        base_url: str = MANAGEMENT_URL,
        transport: httpx.BaseTransport | None = None,
        retry: RetrySettings = ARM_RETRY,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        timeout: float = 30.0,
    ) -> None:
        check_endpoint(base_url, f"the management endpoint {base_url!r}")
        self._credential, self._clock = credential, clock
        self._base = httpx.URL(base_url.rstrip("/"))
        # A sovereign cloud's endpoint (e.g. https://management.chinacloudapi.cn) is its own token
        # audience; the local fake of the tests takes the public cloud's.
        self._scope = f"{base_url.rstrip('/')}/.default" if self._base.scheme == "https" else SCOPE
        self._token: tuple[str, float] | None = None
        # One network (one connection pool) under both clients, with the same retries.
        network = transport or httpx.HTTPTransport()
        self._arm = retrying_client(
            user_agent=USER_AGENT,
            timeout=timeout,
            transport=network,
            retry=retry,
            post_statuses=(429,),
            headers={"Accept": "application/json"},
            base_url=self._base,
            sleep=sleep,
        )
        # Content links: no token, and no base URL (they live on the Logic Apps runtime's host).
        self._links = retrying_client(
            user_agent=USER_AGENT, timeout=timeout, transport=network, retry=retry, sleep=sleep
        )

    def __enter__(self) -> LogicAppsClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._arm.close()
        self._links.close()

    # -- transport-level -------------------------------------------------------------------------

    def _bearer(self) -> str:
        now = self._clock()
        if self._token is None or self._token[1] - TOKEN_MARGIN_SECONDS <= now:
            # Loaded here: only commands that reach Azure pay for azure-core's import.
            from azure.core.exceptions import ClientAuthenticationError

            try:
                access = self._credential.get_token(self._scope)
            except ClientAuthenticationError as exc:  # CredentialUnavailableError included
                raise AzureLoginError(_first_line(exc)) from None
            self._token = (access.token, float(access.expires_on))
        return self._token[0]

    def _url(self, path_or_link: str) -> httpx.URL:
        """A path under the endpoint, or a nextLink ARM gave, which must point back to it."""
        if "://" not in path_or_link:
            return self._base.join(self._base.path.rstrip("/") + path_or_link)
        url = httpx.URL(path_or_link)
        if (url.scheme, url.host, url.port) != (self._base.scheme, self._base.host, self._base.port):
            raise AzureSettingsError(
                f"Azure answered with a next page on another host ({url.host}); the token goes only to "
                f"{self._base.host}, so the list stops here"
            )
        return url

    def send(
        self,
        method: str,
        path_or_link: str,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        url = self._url(path_or_link)
        if "://" not in path_or_link:
            params = {"api-version": API_VERSION, **(params or {})}
        what = url.path
        try:
            response = self._arm.request(
                method, url, params=params, headers={**(headers or {}), "Authorization": f"Bearer {self._bearer()}"}
            )
        except httpx.TransportError as exc:
            raise AzureConnectionError(method, what, exc) from None
        if response.status_code >= 400:
            code, message = _arm_error(response)
            raise error_for_status(method, what, response.status_code, code, message)
        return response

    def get(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        return cast(dict[str, Any], self.send("GET", path, params).json())

    def pages(self, path: str, params: Mapping[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a list, page after page as `nextLink` leads."""
        page = self.get(path, params)
        while True:
            yield from page.get("value", [])
            link = page.get("nextLink")
            if not link:
                return
            page = cast(dict[str, Any], self.send("GET", link).json())

    def content(self, link: Mapping[str, Any], what: str) -> Any:
        """The JSON (or text) behind a content link; WHAT names it in errors (the URL never)."""
        uri = str(link.get("uri", ""))
        check_endpoint(uri, f"the content link of {what}")
        try:
            response = self._links.get(uri)
        except httpx.TransportError as exc:
            raise AzureConnectionError("GET", f"the content link of {what}", exc) from None
        if response.status_code >= 400:
            # Expired links answer 4xx; the URL's signature is not repeated.
            raise AzureApiError(
                "GET", f"the content link of {what}", response.status_code, "ContentLink", "not readable"
            )
        try:
            return response.json()
        except ValueError:
            return response.text

    # -- endpoints (logic.json, 2019-05-01) ------------------------------------------------------

    def workflow(self, ref: WorkflowRef) -> dict[str, Any]:
        """Workflows_Get."""
        return self.get(ref.path)

    def triggers(self, ref: WorkflowRef) -> list[dict[str, Any]]:
        """WorkflowTriggers_List."""
        return list(self.pages(f"{ref.path}/triggers"))

    def runs(self, ref: WorkflowRef, *, top: int | None = None, filter: str | None = None) -> Iterator[dict[str, Any]]:
        """WorkflowRuns_List, newest first (as the portal's run history lists them)."""
        return self.pages(f"{ref.path}/runs", _list_query(top, filter))

    def run(self, ref: WorkflowRef, run: str) -> dict[str, Any]:
        """WorkflowRuns_Get."""
        return self.get(f"{ref.path}/runs/{quote(run, safe='')}")

    def run_actions(self, ref: WorkflowRef, run: str) -> list[dict[str, Any]]:
        """WorkflowRunActions_List: every action of the run, nested ones included."""
        return list(self.pages(f"{ref.path}/runs/{quote(run, safe='')}/actions"))

    def trigger_histories(
        self, ref: WorkflowRef, trigger: str, *, top: int | None = None, filter: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """WorkflowTriggerHistories_List, newest first."""
        return self.pages(f"{ref.path}/triggers/{quote(trigger, safe='')}/histories", _list_query(top, filter))

    def run_trigger(self, ref: WorkflowRef, trigger: str, headers: Mapping[str, str] | None = None) -> None:
        """WorkflowTriggers_Run: 200 or 202, no body, no run id (infra.azure.trigger finds the run)."""
        self.send("POST", f"{ref.path}/triggers/{quote(trigger, safe='')}/run", headers=headers)

    def cancel_run(self, ref: WorkflowRef, run: str) -> None:
        """WorkflowRuns_Cancel."""
        self.send("POST", f"{ref.path}/runs/{quote(run, safe='')}/cancel")


def _list_query(top: int | None, filter: str | None) -> dict[str, str]:
    """The spec's `$top` and `$filter` query parameters of a list operation, those given."""
    params = {}
    if top is not None:
        params["$top"] = str(top)
    if filter:
        params["$filter"] = filter
    return params


def _arm_error(response: httpx.Response) -> tuple[str, str]:
    """ARM's error body (the spec's ErrorResponse: {"error": {"code", "message"}})."""
    try:
        error = response.json().get("error") or {}
        return str(error.get("code") or "unknown"), str(error.get("message") or response.reason_phrase)
    except (ValueError, AttributeError):
        return "unknown", response.reason_phrase


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
