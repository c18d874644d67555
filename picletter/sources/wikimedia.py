"""Wikimedia's featured picture of the day (Wikipedia's REST feed API; no key, a contactable User-Agent)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import httpx

from picletter.context import RunContext
from picletter.http import DownloadError, download_image
from picletter.picture import Picture
from picletter.sources.base import SourceError

__all__ = ["fetch_wikimedia"]


def _title(raw: str) -> str:
    name = re.sub(r"^File:", "", raw)
    return re.sub(r"\.(jpe?g|png|gif|webp|tiff?|svg)$", "", name, flags=re.IGNORECASE).replace("_", " ")


def fetch_wikimedia(day: date, ctx: RunContext) -> Picture:
    url = f"{ctx.settings.wikimedia_api_url}/feed/featured/{day:%Y/%m/%d}"
    try:
        response = ctx.client.get(url)
    except httpx.HTTPError as exc:
        raise SourceError(f"wikimedia feed unreachable: {type(exc).__name__}") from None
    if response.status_code != 200:
        raise SourceError(f"wikimedia feed answered {response.status_code}")
    image: dict[str, Any] = (response.json() or {}).get("image") or {}
    picture_url = (image.get("thumbnail") or {}).get("source") or (image.get("image") or {}).get("source")
    if not picture_url:
        raise SourceError(f"wikimedia has no featured picture for {day}")
    try:
        data, mime = download_image(ctx.client, picture_url, ctx.settings.max_image_bytes)
    except DownloadError as exc:
        raise SourceError(f"wikimedia picture: {exc}") from None
    license_info = image.get("license") or {}
    artist = (image.get("artist") or {}).get("text") or ""
    credit = (image.get("credit") or {}).get("text") or ""
    return Picture(
        image=data,
        mime=mime,
        title=_title(image.get("title") or "Picture of the day"),
        credit=artist or credit or "Wikimedia Commons",
        license=license_info.get("type") or "see the file page",
        license_url=license_info.get("url"),
        page_url=image.get("file_page"),
        description=(image.get("description") or {}).get("text") or "",
        source="wikimedia",
        provider_name="Wikimedia Commons",
        provider_url="https://commons.wikimedia.org/wiki/Commons:Picture_of_the_day",
    )
