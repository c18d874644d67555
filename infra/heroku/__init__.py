"""Heroku Platform API: one client, and the dynamic providers built on it."""

from infra.heroku.client import DEFAULT_API_URL, HerokuClient, api_url_from_env
from infra.heroku.errors import (
    HerokuApiError,
    HerokuAuthError,
    HerokuConnectionError,
    HerokuNotFound,
    HerokuRateLimited,
)

__all__ = [
    "DEFAULT_API_URL",
    "HerokuApiError",
    "HerokuAuthError",
    "HerokuClient",
    "HerokuConnectionError",
    "HerokuNotFound",
    "HerokuRateLimited",
    "api_url_from_env",
]
