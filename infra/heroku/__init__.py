"""Heroku's side: its facts (facts.py), the environment that points at it (environment.py), the
Platform API client, and the pure rules the dynamic providers (infra.dynamic) follow: whose code an
app runs (current_code.py), the job's tarball (source_bundle.py), the app's generation.

May import the layers below it (infra/__init__.py draws them), netkit (retries, loopback hosts) and
the job's picletter.render (to build and ship its templates); never the dynamic providers, settings,
components, synth or command line. app.py, build.py and config_vars.py are aliases of the providers
that moved to infra.dynamic, kept for old states (docs/adr/0011); nothing imports them.
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
