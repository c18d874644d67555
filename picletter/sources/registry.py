"""Sources by name, and the fallback from one configured source to the next."""

from __future__ import annotations

import time
from datetime import date

from picletter.sources.apod import fetch_apod
from picletter.sources.base import Picture, Source, SourceContext, SourceError
from picletter.sources.sample import fetch_sample
from picletter.sources.unsplash import fetch_unsplash
from picletter.sources.url import url_source
from picletter.sources.wikimedia import fetch_wikimedia

__all__ = ["SOURCES", "fetch_first"]

SOURCES: dict[str, Source] = {
    "wikimedia": fetch_wikimedia,
    "apod": fetch_apod,
    "unsplash": fetch_unsplash,
    "sample": fetch_sample,
}


def _fetcher(name: str) -> Source:
    return SOURCES.get(name) or url_source(name)


def fetch_first(day: date, ctx: SourceContext) -> Picture:
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
