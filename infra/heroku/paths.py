"""Path segments built from user input (app and dyno names): checked, then URL-encoded, so that
`--app "myapp/config-vars?"` is refused instead of reaching another endpoint. Light: no httpx."""

from __future__ import annotations

from urllib.parse import quote

from infra.heroku.errors import HerokuRequestError
from infra.names import APP_NAME, DYNO_NAME

__all__ = ["app_segment", "dyno_segment"]


def app_segment(app: str) -> str:
    """APP as a path segment: a Heroku app name or id, URL-encoded; anything else is not sent."""
    if refusal := APP_NAME.refusal(app):
        raise HerokuRequestError(refusal)
    return quote(app, safe="")


def dyno_segment(dyno: str) -> str:
    """DYNO as a path segment: a dyno name like run.4821 or a dyno id, URL-encoded."""
    if refusal := DYNO_NAME.refusal(dyno):
        raise HerokuRequestError(refusal)
    return quote(dyno, safe="")
