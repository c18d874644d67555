from __future__ import annotations

from infra.errors import PicletterError

__all__ = ["ScheduleError"]


class ScheduleError(PicletterError, ValueError):
    """A schedule or time zone that cannot be used; the message says why and what to write instead."""
