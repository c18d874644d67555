"""Heroku Platform API: one client, and the dynamic providers built on it."""

from infra.heroku.errors import (
    HerokuApiError,
    HerokuAuthError,
    HerokuConnectionError,
    HerokuNotFound,
    HerokuRateLimited,
)

__all__ = [
    "HerokuApiError",
    "HerokuAuthError",
    "HerokuConnectionError",
    "HerokuNotFound",
    "HerokuRateLimited",
]
