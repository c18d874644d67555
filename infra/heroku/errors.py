"""Typed Heroku API errors: status, Heroku's error id and message, and what to do; never the token."""

from __future__ import annotations

from infra.errors import PicletterError

__all__ = [
    "HerokuApiError",
    "HerokuAuthError",
    "HerokuBuildFailed",
    "HerokuConfigVarConflict",
    "HerokuConnectionError",
    "HerokuError",
    "HerokuLogStreamError",
    "HerokuMissingToken",
    "HerokuNotFound",
    "HerokuRateLimited",
    "HerokuRequestError",
    "HerokuSettingsError",
    "HerokuUnexpectedAnswer",
    "error_for_status",
]

_HINTS = {
    401: "check the token: picletter:herokuDeployToken or herokuRunToken, else picletter:herokuApiToken or "
    "HEROKU_API_KEY (docs/how-to/tokens.md: `heroku authorizations:create`)",
    403: "the token's account lacks access to this app; add it as a collaborator or use another token",
    404: "check the app name in picletter:herokuApp (or --app) and that the token's account can see it",
    429: "Heroku's rate limit (4500 requests/hour) was hit; wait and run again",
}


class HerokuError(PicletterError):
    """The Heroku side (infra.errors draws the hierarchy)."""


class HerokuMissingToken(HerokuError):
    """No Heroku API token: neither the stack's secret CONFIG_KEY nor a token it falls back on."""

    def __init__(self, config_key: str) -> None:
        super().__init__(
            f"{config_key} is not set: run `pulumi config set --secret {config_key} <token>` "
            "(docs/how-to/tokens.md), or set picletter:herokuApiToken or HEROKU_API_KEY"
        )


class HerokuBuildFailed(HerokuError):
    """A build of the job's code failed, timed out or was overtaken; the message says which and what to do."""


class HerokuSettingsError(HerokuError):
    """HEROKU_API_URL, HEROKU_API_ATTEMPTS or HEROKU_API_BACKOFF cannot be used."""


class HerokuConfigVarConflict(HerokuError):
    """Config vars the stack would overwrite or delete though it does not own their current value."""


class HerokuLogStreamError(HerokuError):
    """A log session's stream is gone: expired, not found, dropped or idle past its limit."""


class HerokuRequestError(HerokuError):
    """A request that is not sent: a path segment (app or dyno name) Heroku would not accept."""


class HerokuApiError(HerokuError):
    """Heroku answered METHOD PATH with an error status; REQUEST_ID is Heroku's, for its support.
    EFFECT says, for a request that may have acted before the answer went wrong, what to check."""

    def __init__(
        self,
        method: str,
        path: str,
        status: int,
        error_id: str,
        message: str,
        request_id: str = "",
        effect: str = "",
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.error_id = error_id
        self.message = message
        self.request_id = request_id
        hint = _HINTS.get(status, "")
        # No status: no answer came (HerokuConnectionError), and the message says so.
        text = (
            f"Heroku API {method} {path} failed: {status} {error_id}: {message}"
            if status
            else f"Heroku API {method} {path}: {message}"
        )
        text = f"{text} ({hint})" if hint else text
        text = f"{text}; {effect}" if effect else text
        super().__init__(f"{text} [Request-Id {request_id}]" if request_id else text)


class HerokuAuthError(HerokuApiError):
    """401 or 403: the token is missing, wrong, expired or lacks access."""


class HerokuNotFound(HerokuApiError):
    """404: the app (or dyno, build, ...) does not exist or is not visible to the token."""


class HerokuRateLimited(HerokuApiError):
    """429 after every retry."""


class HerokuConnectionError(HerokuApiError):
    """No HTTP answer at all (refused, reset, timed out) after every retry: names the host, the
    variable that chose it, the attempts made, and for a request that may have acted, what to check."""

    def __init__(
        self, method: str, path: str, cause: Exception, *, host: str = "", attempts: int = 1, effect: str = ""
    ) -> None:
        where = f"{host} (HEROKU_API_URL)" if host else "Heroku"
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        message = (
            f"no answer from {where} after {tries}: {type(cause).__name__}: {cause or 'timed out'}; check the "
            "network, a proxy (HTTPS_PROXY), and that HEROKU_API_URL names the Platform API"
        )
        super().__init__(method, path, 0, "connection_error", message, effect=effect)


class HerokuUnexpectedAnswer(HerokuApiError):
    """An answer that is not what the Platform API sends (not JSON where JSON is due): a proxy, a
    captive portal or another service at HEROKU_API_URL, or a cut-off body."""


def error_for_status(
    method: str, path: str, status: int, error_id: str, message: str, request_id: str = "", effect: str = ""
) -> HerokuApiError:
    cls: type[HerokuApiError] = HerokuApiError
    if status in (401, 403):
        cls = HerokuAuthError
    elif status == 404:
        cls = HerokuNotFound
    elif status == 429:
        cls = HerokuRateLimited
    return cls(method, path, status, error_id, message, request_id, effect)
