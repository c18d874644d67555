"""What every Heroku dynamic provider shares: credentials read in `configure`, a client per call.

The provider object is pickled into the state by the Pulumi SDK, so it must hold no client and no
token at registration time; the provider host calls `configure` with the stack config first. The
HTTP client (and httpx) is imported only inside the provider host, never at program start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.runtime.rpc import UNKNOWN

from infra.heroku.environment import HerokuEnvironment, heroku_environment
from infra.heroku.errors import HerokuMissingToken
from infra.names import APP_NAME
from infra.settings import token_for_use

if TYPE_CHECKING:
    import httpx

    from infra.heroku.client import HerokuClient

__all__ = ["DEPLOY_TOKEN_CONFIG_KEY", "TOKEN_CONFIG_KEY", "HerokuProvider", "known_app"]

# The providers deploy (config vars, builds, an app): the deploy token, else the token both share.
DEPLOY_TOKEN_CONFIG_KEY = "picletter:herokuDeployToken"
TOKEN_CONFIG_KEY = "picletter:herokuApiToken"


def known_app(app: Any) -> bool:
    """Whether APP is an app name or id to ask Heroku about: during a preview an app the stack
    creates has no name yet (Pulumi's unknown value, itself shaped as a UUID)."""
    return isinstance(app, str) and app != UNKNOWN and APP_NAME.accepts(app)


class HerokuProvider(ResourceProvider):
    # Tests put an httpx.MockTransport here; real runs use the network.
    transport: httpx.BaseTransport | None = None
    _token: str | None = None
    _environment: HerokuEnvironment | None = None

    def configure(self, req: ConfigureRequest) -> None:
        self._environment = heroku_environment()
        self._token = token_for_use(
            req.config.get(DEPLOY_TOKEN_CONFIG_KEY), req.config.get(TOKEN_CONFIG_KEY), self._environment.api_key
        )

    def client(self) -> HerokuClient:
        from infra.heroku.client import HerokuClient, retry_settings

        if not self._token:
            raise HerokuMissingToken(DEPLOY_TOKEN_CONFIG_KEY)
        environment = self._environment or heroku_environment()
        return HerokuClient(
            self._token, base_url=environment.api_url, transport=self.transport, retry=retry_settings(environment)
        )
