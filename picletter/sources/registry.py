"""Sources by name, and the fallback from one configured source to the next."""

from __future__ import annotations

import time
from datetime import date

from picletter.context import RunContext
from picletter.picture import Picture
from picletter.plugins import SOURCES, load
from picletter.sources.base import Source, SourceError

__all__ = ["fetch_first"]


def _fetcher(name: str) -> Source:
    if name in SOURCES:
        source: Source = load(SOURCES[name])
        return source
    from picletter.sources.url import url_source

    return url_source(name)


def fetch_first(day: date, ctx: RunContext) -> Picture:
    """The first configured source that yields a picture; SourceError listing every failure otherwise."""
    failures = []
    for name in ctx.settings.sources:
        label = name if name in SOURCES else "url"
        started = time.monotonic()
        try:
            picture = _fetcher(name)(day, ctx)
        except SourceError as exc:
            ctx.log.warn("source", source=label, result="failed", reason=str(exc))
            failures.append(f"{label}: {exc}")
            continue
        except (ValueError, KeyError, TypeError) as exc:  # a reply not shaped as documented
            ctx.log.warn("source", source=label, result="failed", reason=f"unexpected reply: {type(exc).__name__}")
            failures.append(f"{label}: unexpected reply")
            continue
        ctx.log.info(
            "source",
            source=label,
            result="ok",
            title=picture.title,
            mime=picture.mime,
            bytes=len(picture.image),
            ms=int((time.monotonic() - started) * 1000),
        )
        return picture
    raise SourceError("no source had a picture: " + "; ".join(failures))
