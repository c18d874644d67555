from __future__ import annotations

__all__ = ["ScheduleError"]


class ScheduleError(ValueError):
    """A schedule or time zone that cannot be used; the message says why and what to write instead."""
