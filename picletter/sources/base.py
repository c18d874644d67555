"""What every picture source is: a function of the day and the run, or SourceError."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from picletter.context import RunContext
from picletter.picture import Picture

__all__ = ["Source", "SourceError"]


class SourceError(Exception):
    """This source has no usable picture now; the job tries the next one."""


class Source(Protocol):
    def __call__(self, day: date, ctx: RunContext) -> Picture: ...
