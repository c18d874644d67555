"""What every Heroku dynamic provider shares: credentials read in `configure`, a client per call.

The provider object is pickled into the state by the Pulumi SDK, so it must hold no client and no
token at registration time; the provider host calls `configure` with the stack config first.
"""

from __future__ import annotations

import os

import httpx
from pulumi.dynamic import ConfigureRequest, ResourceProvider

from infra.heroku.client import HerokuClient, api_url_from_env, retry_settings_from_env

__all__ = ["TOKEN_CONFIG_KEY", "HerokuProvider", "MissingTokenError"]

TOKEN_CONFIG_KEY = "picletter:herokuApiToken"


class MissingTokenError(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            f"{TOKEN_CONFIG_KEY} is not set: run `pulumi config set --secret {TOKEN_CONFIG_KEY} <token>` "
            "or export HEROKU_API_KEY"
        )


class HerokuProvider(ResourceProvider):
    # Tests put an httpx.MockTransport here; real runs use the network.
    transport: httpx.BaseTransport | None = None
    _token: str | None = None
    _api_url: str | None = None

    def configure(self, req: ConfigureRequest) -> None:
        self._token = req.config.get(TOKEN_CONFIG_KEY) or os.environ.get("HEROKU_API_KEY")
        self._api_url = api_url_from_env()

    def client(self) -> HerokuClient:
        if not self._token:
            raise MissingTokenError()
        return HerokuClient(
            self._token, base_url=self._api_url, transport=self.transport, retry=retry_settings_from_env()
        )
