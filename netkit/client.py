"""An httpx client with the retries of netkit.retries: how the job's client (picletter.http) and
infra's API clients (Heroku Platform API, Azure Resource Manager) are built, each naming itself in
User-Agent and choosing its own timeout, POST statuses and redirects."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

import httpx

from netkit.retries import RetrySettings, retrying_transport

__all__ = ["CONNECT_TIMEOUT", "retrying_client"]

# A host that has not accepted the connection in 10 s is down or unreachable: give up on that try (and
# let the retries try again) rather than wait the whole read timeout.
CONNECT_TIMEOUT = 10.0


def retrying_client(
    *,
    user_agent: str,
    timeout: float,
    transport: httpx.BaseTransport | None = None,
    retry: RetrySettings = RetrySettings(),
    post_statuses: Iterable[int] = (429,),
    headers: Mapping[str, str] | None = None,
    base_url: httpx.URL | str = "",
    follow_redirects: bool = False,
    tls: bool = True,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[httpx.Request, str, int, float], None] | None = None,
) -> httpx.Client:
    """A client of TRANSPORT (the network by default) with retries (POST_STATUSES for POST, see
    netkit.retries), CONNECT_TIMEOUT to connect and TIMEOUT for the rest, and USER_AGENT beside
    HEADERS. TLS, SLEEP and ON_RETRY go to retrying_transport."""
    return httpx.Client(
        base_url=base_url,
        transport=retrying_transport(transport, retry, post_statuses, tls=tls, sleep=sleep, on_retry=on_retry),
        timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT),
        headers={"User-Agent": user_agent, **(headers or {})},
        follow_redirects=follow_redirects,
    )
