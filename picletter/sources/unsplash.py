"""A random landscape photo from the Unsplash API, credited as Unsplash's guidelines ask.

Attribution names the photographer and Unsplash with UTM-tagged links, and the download is reported
to the photo's `download_location` endpoint.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import httpx

from picletter.context import RunContext
from picletter.http import DownloadError, download_image
from picletter.picture import Picture
from picletter.sources.base import SourceError

__all__ = ["UTM", "fetch_unsplash"]

UTM = urlencode({"utm_source": "picletter", "utm_medium": "referral"})


def fetch_unsplash(day: date, ctx: RunContext) -> Picture:
    headers = {"Authorization": f"Client-ID {ctx.settings.unsplash_access_key}", "Accept-Version": "v1"}
    api = ctx.settings.unsplash_api_url
    try:
        response = ctx.client.get(
            f"{api}/photos/random", params={"orientation": "landscape", "content_filter": "high"}, headers=headers
        )
    except httpx.HTTPError as exc:
        raise SourceError(f"unsplash unreachable: {type(exc).__name__}") from None
    if response.status_code in (401, 403):
        raise SourceError(f"unsplash refused the key ({response.status_code}); check UNSPLASH_ACCESS_KEY")
    if response.status_code != 200:
        raise SourceError(f"unsplash answered {response.status_code}")
    photo = response.json()
    try:
        data, mime = download_image(ctx.client, photo["urls"]["regular"], ctx.settings.max_image_bytes)
    except (DownloadError, KeyError) as exc:
        raise SourceError(f"unsplash picture: {exc}") from None
    # Required by the API guidelines whenever a photo is used.
    tracking = photo.get("links", {}).get("download_location")
    if tracking:
        try:
            ctx.client.get(tracking, headers=headers)
        except httpx.HTTPError:
            ctx.log.warn("source.track", source="unsplash", result="failed")
    user = photo.get("user") or {}
    name = user.get("name") or "an Unsplash photographer"
    return Picture(
        image=data,
        mime=mime,
        title=photo.get("description") or photo.get("alt_description") or f"Photo by {name}",
        credit=name,
        credit_url=f"{user['links']['html']}?{UTM}" if user.get("links", {}).get("html") else None,
        license="Unsplash License",
        license_url="https://unsplash.com/license",
        page_url=f"{photo['links']['html']}?{UTM}" if photo.get("links", {}).get("html") else None,
        description=photo.get("alt_description") or "",
        source="unsplash",
        provider_name="Unsplash",
        provider_url=f"https://unsplash.com/?{UTM}",
    )
