"""Heroku's side: its facts (facts.py), the environment that points at it (environment.py), the
Platform API client and the dynamic providers built on it (config vars, job code, app).

May import the layers below it (infra/__init__.py draws them), netkit (retries, loopback hosts) and
the job's picletter.render (to build and ship its templates); never the settings, components, synth
or command line.
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
