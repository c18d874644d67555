"""NASA's Astronomy Picture of the Day; days whose entry is a video fall back to earlier days."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from picletter.context import RunContext
from picletter.http import DownloadError, download_image
from picletter.picture import Picture
from picletter.sources.base import SourceError

__all__ = ["LOOKBACK_DAYS", "fetch_apod"]

LOOKBACK_DAYS = 7
FIRST_APOD = date(1995, 6, 16)


def _entry(day: date, ctx: RunContext) -> dict[str, Any]:
    params = {"api_key": ctx.settings.nasa_api_key, "date": day.isoformat(), "thumbs": "false"}
    try:
        response = ctx.client.get(f"{ctx.settings.nasa_api_url}/planetary/apod", params=params)
    except httpx.HTTPError as exc:
        raise SourceError(f"apod unreachable: {type(exc).__name__}") from None
    if response.status_code == 403:
        raise SourceError("apod refused the key (403); check NASA_API_KEY")
    if response.status_code != 200:
        raise SourceError(f"apod answered {response.status_code}")
    return response.json()  # type: ignore[no-any-return]


def fetch_apod(day: date, ctx: RunContext) -> Picture:
    for back in range(LOOKBACK_DAYS):
        current = day - timedelta(days=back)
        if current < FIRST_APOD:
            break
        entry = _entry(current, ctx)
        if entry.get("media_type") != "image" or not entry.get("url"):
            ctx.log.info("source.skip", source="apod", date=current.isoformat(), media_type=entry.get("media_type"))
            continue
        try:
            data, mime = download_image(ctx.client, entry["url"], ctx.settings.max_image_bytes)
        except DownloadError as exc:
            raise SourceError(f"apod picture: {exc}") from None
        owner = (entry.get("copyright") or "").strip().replace("\n", " ")
        return Picture(
            image=data,
            mime=mime,
            title=entry.get("title") or "Astronomy Picture of the Day",
            credit=owner or "NASA",
            license=f"© {owner}; shown by NASA's APOD" if owner else "Public domain (NASA)",
            license_url=None if owner else "https://www.nasa.gov/nasa-brand-center/images-and-media/",
            page_url=f"https://apod.nasa.gov/apod/ap{current:%y%m%d}.html",
            description=entry.get("explanation") or "",
            source="apod",
            provider_name="NASA Astronomy Picture of the Day",
            provider_url="https://apod.nasa.gov/",
        )
    raise SourceError(f"apod has no picture (only videos) in the {LOOKBACK_DAYS} days up to {day}")
