"""Heroku's Platform API facts that the config validator, the providers, the workflow builder and
the command line all rely on: one home for each. Pure: imports nothing of the project's."""

from __future__ import annotations

import re

__all__ = [
    "ACCEPT",
    "APP_NAME",
    "CONFIG_VARS_MAX_BYTES",
    "DEFAULT_API_URL",
    "DYNO_NAME",
    "DYNO_SIZES",
    "MAX_TIME_TO_LIVE",
    "RESERVED_PREFIXES",
    "VARIABLE_NAME",
    "canonical_dyno_size",
]

DEFAULT_API_URL = "https://api.heroku.com"
# Platform API v3, which every request must ask for (devcenter: platform-api-reference, "Clients").
ACCEPT = "application/vnd.heroku+json; version=3"
# Heroku's dyno sizes (Cedar and Fir generations); the API matches them case-insensitively.
DYNO_SIZES = (
    "eco", "basic", "standard-1X", "standard-2X", "performance-M", "performance-L", "performance-L-RAM",
    "performance-XL", "performance-2XL", "private-S", "private-M", "private-L", "private-L-RAM", "private-XL",
    "private-2XL", "shield-S", "shield-M", "shield-L", "shield-L-RAM", "shield-XL", "shield-2XL",
    "1X-Classic", "2X-Classic", "L-Classic", "XL-Classic", "2XL-Classic", "M-Compute", "L-Compute",
    "XL-Compute", "2XL-Compute", "3XL-Compute", "4XL-Compute", "M-Memory", "L-Memory", "XL-Memory",
    "2XL-Memory", "3XL-Memory", "4XL-Memory", "M-General", "L-General", "XL-General", "2XL-General",
    "3XL-General", "4XL-General",
)  # fmt: skip
# A one-off dyno's time_to_live, in seconds: Heroku kills it after at most 24 hours.
MAX_TIME_TO_LIVE = 86_400
# Config var and dyno env names, by Heroku's config var policies (Dev Center, "Configuration and
# config vars"): letters, digits and underscores, not starting with a digit, so every language and
# shell can read them. Keys beginning with __ or HEROKU_ (the platform's own) are reserved, and an
# app's config vars, keys and values together, cannot exceed 64 KB.
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RESERVED_PREFIXES = ("__", "HEROKU_")
CONFIG_VARS_MAX_BYTES = 64 * 1024
# An app's name (3-30: lower-case letter first, then letters, digits, dashes) or its id (a UUID).
APP_NAME = re.compile(r"^[a-z][a-z0-9-]{1,28}[a-z0-9]$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# A dyno's name: its process type, a dot and a number (`run.4821`, `web.1`), or its id. Heroku's
# schema gives no pattern (only the example `run.1`); process types are Procfile names: letters,
# digits, dashes and underscores.
DYNO_NAME = re.compile(
    r"^[A-Za-z0-9_-]{1,63}\.[0-9]{1,10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)

_SIZES_BY_LOWER = {size.lower(): size for size in DYNO_SIZES}


def canonical_dyno_size(size: str) -> str | None:
    """SIZE as Heroku spells it (the API matches sizes case-insensitively), or None if unknown."""
    return _SIZES_BY_LOWER.get(size.lower())
