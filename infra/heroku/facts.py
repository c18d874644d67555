"""Heroku's Platform API facts that the config validator, the providers, the workflow builder and
the command line all rely on: one home for each (names: infra.names). Pure: imports nothing of
the project's."""

from __future__ import annotations

__all__ = [
    "ACCEPT",
    "DEFAULT_API_URL",
    "DEFAULT_DYNO_SIZE",
    "DEFAULT_TIME_TO_LIVE",
    "DYNO_SIZES",
    "FIRST_PAGE",
    "MAX_TIME_TO_LIVE",
    "PAGE_SIZE",
    "canonical_dyno_size",
]

DEFAULT_API_URL = "https://api.heroku.com"
# Platform API v3, which every request must ask for (devcenter: platform-api-reference, "Clients").
ACCEPT = "application/vnd.heroku+json; version=3"
# List endpoints answer at most 200 items unless a Range asks for more, and 206 Partial Content with
# a Next-Range while more follow (devcenter: platform-api-reference, "Ranges": "The default page size
# is 200 and maximum page size is 1000"). The schema names no ranges for the dyno list; `id` is the
# one every list takes.
PAGE_SIZE = 1000
FIRST_PAGE = f"id ..; max={PAGE_SIZE}"
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
# picletter's defaults for a job's dyno and for `python -m infra run`: Heroku's smallest size that
# any paid team can use, and half an hour before Heroku kills the dyno.
DEFAULT_DYNO_SIZE = "standard-1X"
DEFAULT_TIME_TO_LIVE = 1800

_SIZES_BY_LOWER = {size.lower(): size for size in DYNO_SIZES}


def canonical_dyno_size(size: str) -> str | None:
    """SIZE as Heroku spells it (the API matches sizes case-insensitively), or None if unknown."""
    return _SIZES_BY_LOWER.get(size.lower())
