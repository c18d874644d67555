"""Heroku's side: its facts (facts.py), the environment that points at it (environment.py), the
Platform API client and the dynamic providers built on it (config vars, job code, app).

May import infra.errors, infra.tree and the job's picletter.http and picletter.render (to build and
ship it); never the settings, components, synth or command line.
"""

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
