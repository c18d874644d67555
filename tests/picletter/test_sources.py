from __future__ import annotations

import io
import struct
import zlib
from datetime import date

import httpx
import pytest

from picletter.context import RunContext
from picletter.http import DownloadError, download_image, http_client
from picletter.logfmt import Log
from picletter.settings import load_settings
from picletter.sources import SourceError, fetch_first
from picletter.sources.apod import fetch_apod
from picletter.sources.sample import sample_png
from tests import FAST_RETRY
from tests.fakes.web import FakeWeb, Reply
from tests.picletter.helpers import DAY, JPEG, PNG, wikimedia_feed


def context(env: dict[str, str], transport: httpx.BaseTransport | None = None) -> tuple[RunContext, io.StringIO]:
    stream = io.StringIO()
    client = http_client(user_agent="picletter-test (test@example.com)", transport=transport, retry=FAST_RETRY)
    return RunContext(client=client, settings=load_settings(env), log=Log(stream=stream)), stream


def test_wikimedia_featured_picture_with_credit_and_license(web: FakeWeb, env: dict[str, str]) -> None:
    wikimedia_feed(web)
    ctx, _ = context(env)
    picture = fetch_first(DAY, ctx)
    assert (picture.title, picture.mime, picture.image) == ("Lighthouse at dusk", "image/jpeg", JPEG)
    assert picture.credit == "Jane <Doe>" and picture.license == "CC BY-SA 4.0"
    assert picture.page_url == "https://commons.wikimedia.org/wiki/File:Lighthouse_at_dusk.jpg"
    (feed,) = web.called("GET", "/wikimedia/feed/featured/2026/03/14")
    assert "test@example.com" in feed.headers["User-Agent"], "Wikimedia wants a contactable User-Agent"


def apod_entry(web: FakeWeb, media_type: str, **extra: str) -> Reply:
    return Reply(
        200,
        {
            "media_type": media_type,
            "title": "M31",
            "url": f"{web.url}/apod/m31.jpg",
            "explanation": "A galaxy.",
            **extra,
        },
    )


def test_apod_skips_video_days_and_takes_the_latest_picture(web: FakeWeb, env: dict[str, str]) -> None:
    answers = {
        "2026-03-14": apod_entry(web, "video"),
        "2026-03-13": apod_entry(web, "image", copyright="\nA. Stargazer\n"),
    }
    web.on("GET", "/nasa/planetary/apod", lambda request: answers[request.query["date"][0]])
    web.on("GET", "/apod/m31.jpg", Reply(200, JPEG, {"Content-Type": "image/jpeg"}))
    ctx, log = context({**env, "PICLETTER_SOURCE": "apod", "NASA_API_KEY": "nasa-canary-key"})
    picture = fetch_first(DAY, ctx)
    assert picture.title == "M31" and picture.credit == "A. Stargazer"
    assert picture.license == "© A. Stargazer; shown by NASA's APOD"
    assert picture.page_url == "https://apod.nasa.gov/apod/ap260313.html"
    assert [r.query["api_key"] for r in web.called("GET", "/nasa/planetary/apod")] == [["nasa-canary-key"]] * 2
    assert "media_type=video" in log.getvalue()


def test_apod_only_videos_for_a_week_is_a_source_error(web: FakeWeb, env: dict[str, str]) -> None:
    web.on("GET", "/nasa/planetary/apod", apod_entry(web, "video"))
    ctx, _ = context({**env, "PICLETTER_SOURCE": "apod"})
    with pytest.raises(SourceError, match="only videos"):
        fetch_apod(DAY, ctx)
    assert len(web.called("GET", "/nasa/planetary/apod")) == 7


def test_failed_source_falls_back_to_the_next_configured_one(web: FakeWeb, env: dict[str, str]) -> None:
    web.on("GET", "/nasa/planetary/apod", Reply(403, {"error": {"code": "API_KEY_INVALID"}}))
    wikimedia_feed(web)
    ctx, log = context({**env, "PICLETTER_SOURCE": "apod,wikimedia"})
    assert fetch_first(DAY, ctx).source == "wikimedia"
    assert "source=apod result=failed" in log.getvalue() and "NASA_API_KEY" in log.getvalue()


def test_all_sources_failing_lists_each_reason(web: FakeWeb, env: dict[str, str]) -> None:
    web.on("GET", "/wikimedia/feed/featured/2026/03/14", Reply(503, "down"))
    ctx, _ = context({**env, "PICLETTER_SOURCE": f"wikimedia,{web.url}/nothing.png"})
    with pytest.raises(SourceError) as raised:
        fetch_first(DAY, ctx)
    assert "wikimedia: wikimedia feed answered 503" in str(raised.value) and "url:" in str(raised.value)
    assert len(web.called("GET", "/wikimedia/feed/featured/2026/03/14")) == FAST_RETRY.attempts, "5xx is retried"


def test_unsplash_credits_the_photographer_with_utm_links_and_tracks_the_download(
    web: FakeWeb, env: dict[str, str]
) -> None:
    photo = {
        "urls": {"regular": f"{web.url}/unsplash-img/photo.jpg"},
        "links": {
            "html": "https://unsplash.com/photos/abc",
            "download_location": f"{web.url}/unsplash/photos/abc/download",
        },
        "user": {"name": "Ana Lens", "links": {"html": "https://unsplash.com/@ana"}},
        "alt_description": "fog over hills",
    }
    web.on("GET", "/unsplash/photos/random", Reply(200, photo))
    web.on("GET", "/unsplash-img/photo.jpg", Reply(200, JPEG, {"Content-Type": "image/jpeg"}))
    web.on("GET", "/unsplash/photos/abc/download", Reply(200, {"url": "x"}))
    ctx, _ = context({**env, "PICLETTER_SOURCE": "unsplash", "UNSPLASH_ACCESS_KEY": "unsplash-key"})
    picture = fetch_first(DAY, ctx)
    assert picture.credit == "Ana Lens"
    assert picture.credit_url == "https://unsplash.com/@ana?utm_source=picletter&utm_medium=referral"
    assert picture.provider_url == "https://unsplash.com/?utm_source=picletter&utm_medium=referral"
    assert picture.license == "Unsplash License"
    (tracked,) = web.called("GET", "/unsplash/photos/abc/download")
    assert tracked.headers["Authorization"] == "Client-ID unsplash-key"
    assert web.called("GET", "/unsplash/photos/random")[0].headers["Accept-Version"] == "v1"


def test_plain_image_url(web: FakeWeb, env: dict[str, str]) -> None:
    web.on("GET", "/pics/Morning_view.png", Reply(200, PNG, {"Content-Type": "image/png"}))
    ctx, _ = context({**env, "PICLETTER_SOURCE": f"{web.url}/pics/Morning_view.png"})
    picture = fetch_first(DAY, ctx)
    assert (picture.title, picture.mime, picture.credit) == ("Morning view", "image/png", "127.0.0.1")


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(200, "<html>", {"Content-Type": "text/html"}), "not an image"),
        (Reply(200, b"GIF89a" + b"\x00" * 10, {"Content-Type": "image/jpeg"}), "does not look like image/jpeg"),
        (Reply(200, JPEG * 4, {"Content-Type": "image/jpeg"}), "over the 1024 byte cap"),
        (Reply(404, "gone"), "answered 404"),
    ],
)
def test_downloads_check_type_content_and_size(web: FakeWeb, reply: Reply, message: str) -> None:
    web.on("GET", "/img", reply)
    with http_client(user_agent="t", retry=FAST_RETRY) as client, pytest.raises(DownloadError, match=message):
        download_image(client, f"{web.url}/img", max_bytes=1024)


def test_download_cap_holds_without_a_content_length() -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "image/png"}, stream=httpx.ByteStream(PNG + b"\x00" * 5000))

    client = http_client(user_agent="t", transport=httpx.MockTransport(endless))
    with client, pytest.raises(DownloadError, match="over the 2048 byte cap"):
        download_image(client, "https://img.example/x.png", max_bytes=2048)


def test_sample_picture_is_a_valid_png_that_changes_with_the_day() -> None:
    first, second = sample_png(date(2026, 1, 1)), sample_png(date(2026, 6, 1))
    assert first.startswith(b"\x89PNG\r\n\x1a\n") and first.endswith(b"IEND\xaeB`\x82")
    assert first != second


def test_the_sample_picture_is_every_pixel_of_its_definition() -> None:
    """Drawn a row at a time; checked here pixel by pixel against the sky, gradient and sun it describes."""
    for day, width, height in ((date(2026, 3, 1), 480, 270), (date(2026, 11, 23), 97, 41)):
        png = sample_png(day, width, height)
        idat = png.index(b"IDAT")
        (length,) = struct.unpack(">I", png[idat - 4 : idat])
        raw = zlib.decompress(png[idat + 4 : idat + 4 + length])
        shift = day.timetuple().tm_yday % 64
        sun_x, sun_y, radius = width * 2 // 3, height // 3, max(4, height // 10)
        for y in range(height):
            row = raw[y * (3 * width + 1) : (y + 1) * (3 * width + 1)]
            assert row[0] == 0
            t = y / (height - 1)
            sky = bytes((min(255, 30 + shift + int(90 * t)), 90 + int(100 * t), 200 - int(120 * t)))
            for x in range(width):
                inside = (x - sun_x) ** 2 + (y - sun_y) ** 2 <= radius**2
                assert row[1 + 3 * x : 4 + 3 * x] == (b"\xff\xc8\x5a" if inside else sky), (x, y)
