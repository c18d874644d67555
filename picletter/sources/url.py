"""A plain image URL: the same picture every day (or whatever the URL serves today)."""

from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from picletter.context import RunContext
from picletter.http import DownloadError, download_image
from picletter.picture import Picture
from picletter.sources.base import Source, SourceError

__all__ = ["url_source"]


def url_source(url: str) -> Source:
    def fetch_url(day: date, ctx: RunContext) -> Picture:
        try:
            data, mime = download_image(ctx.client, url, ctx.settings.max_image_bytes)
        except DownloadError as exc:
            raise SourceError(f"{urlsplit(url).hostname}: {exc}") from None
        parts = urlsplit(url)
        stem = PurePosixPath(unquote(parts.path)).stem.replace("_", " ").replace("-", " ").strip()
        return Picture(
            image=data,
            mime=mime,
            title=stem or "Picture of the day",
            credit=parts.hostname or "",
            license="as stated by the source",
            page_url=url,
            source="url",
            provider_name=parts.hostname or "",
            provider_url=f"{parts.scheme}://{parts.netloc}/",
        )

    return fetch_url
