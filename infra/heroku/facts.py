"""Heroku's Platform API facts that the config validator, the providers, the workflow builder and
the command line all rely on: one home for each (names: infra.names). Pure: imports nothing of
the project's."""

from __future__ import annotations

__all__ = [
    "ACCEPT",
    "COMMON_RUNTIME_DYNO_SIZES",
    "DEFAULT_API_URL",
    "DEFAULT_DYNO_SIZE",
    "DEFAULT_TIME_TO_LIVE",
    "DYNO_SIZES",
    "FIRST_PAGE",
    "FIR_DYNO_SIZES",
    "MAX_TIME_TO_LIVE",
    "PAGE_SIZE",
    "PRIVATE_SPACE_DYNO_SIZES",
    "canonical_dyno_size",
    "common_runtime_size",
    "fir_size_fix",
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
# Heroku's dyno sizes, by where they run; the API matches them case-insensitively. Dev Center "Dyno
# Tiers": Eco, Basic, Standard and Performance in the Common Runtime, Private and Shield in Private
# and Shield Spaces, and Fir; "Dyno Types": "Heroku Private and Shield dynos are only available with
# Private Spaces and Shield Spaces" (the schema's dyno-size.private_space_only).
COMMON_RUNTIME_DYNO_SIZES = (
    "eco", "basic", "standard-1X", "standard-2X", "performance-M", "performance-L", "performance-L-RAM",
    "performance-XL", "performance-2XL",
)  # fmt: skip
PRIVATE_SPACE_DYNO_SIZES = (
    "private-S", "private-M", "private-L", "private-L-RAM", "private-XL", "private-2XL",
    "shield-S", "shield-M", "shield-L", "shield-L-RAM", "shield-XL", "shield-2XL",
)  # fmt: skip
# Fir-generation sizes, which no job can use: Fir apps are refused (docs/adr/0010-fir-apps-refused.md).
# The heroku/cli names them by cores and memory too (src/commands/ps/type.ts, COST_MONTHLY).
FIR_DYNO_SIZES = (
    "1X-Classic", "2X-Classic", "L-Classic", "XL-Classic", "2XL-Classic", "M-Compute", "L-Compute",
    "XL-Compute", "2XL-Compute", "3XL-Compute", "4XL-Compute", "M-Memory", "L-Memory", "XL-Memory",
    "2XL-Memory", "3XL-Memory", "4XL-Memory", "M-General", "L-General", "XL-General", "2XL-General",
    "3XL-General", "4XL-General", "dyno-1c-0.5gb", "dyno-1c-4gb", "dyno-1c-8gb", "dyno-2c-1gb",
    "dyno-2c-4gb", "dyno-2c-8gb", "dyno-2c-16gb", "dyno-4c-8gb", "dyno-4c-16gb", "dyno-4c-32gb",
    "dyno-8c-16gb", "dyno-8c-32gb", "dyno-8c-64gb", "dyno-16c-32gb", "dyno-16c-64gb", "dyno-16c-128gb",
    "dyno-32c-64gb",
)  # fmt: skip
DYNO_SIZES = COMMON_RUNTIME_DYNO_SIZES + PRIVATE_SPACE_DYNO_SIZES + FIR_DYNO_SIZES
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


_FIR_KINDS = {"classic": "standard-2X", "compute": "performance-M", "memory": "performance-L-RAM"}


def fir_size_fix(size: str) -> str | None:
    """For a Fir-generation SIZE, the Cedar size to use instead (by the kind of dyno, not exactly the
    same memory), else None."""
    if size.lower() not in {fir.lower() for fir in FIR_DYNO_SIZES}:
        return None
    if size.lower() == "1x-classic":
        return DEFAULT_DYNO_SIZE
    return next((cedar for kind, cedar in _FIR_KINDS.items() if kind in size.lower()), "performance-M")


def common_runtime_size(size: str) -> str:
    """The Common Runtime size nearest a Private or Shield SIZE: private-L -> performance-L, and
    private-S (1 GB) -> standard-2X."""
    suffix = size.split("-", 1)[1]
    return "standard-2X" if suffix.upper() == "S" else f"performance-{suffix}"
