"""What the job's tests share: a day, sample images, fast retries, a job run, a fake Wikimedia feed."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from picletter.job import run_job
from picletter.logfmt import Log
from picletter.sources.sample import sample_png
from tests import FAST_RETRY
from tests.fakes.web import FakeWeb, Reply

__all__ = ["DAY", "JPEG", "PNG", "JobRun", "run", "wikimedia_feed"]

DAY = date(2026, 3, 14)
PNG = sample_png(DAY, 40, 20)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 600


@dataclass
class JobRun:
    code: int
    log: str


def run(env: dict[str, str], day: date = DAY, dry_run: bool = False) -> JobRun:
    stream = io.StringIO()
    code = run_job(env, day, dry_run=dry_run, log=Log(stream=stream), retry=FAST_RETRY)
    return JobRun(code, stream.getvalue())


def wikimedia_feed(web: FakeWeb, day: date = DAY, image: bytes = JPEG, mime: str = "image/jpeg") -> None:
    web.on(
        "GET",
        f"/wikimedia/feed/featured/{day:%Y/%m/%d}",
        Reply(
            200,
            {
                "image": {
                    "title": "File:Lighthouse_at_dusk.jpg",
                    "thumbnail": {"source": f"{web.url}/upload/lighthouse.jpg", "width": 640, "height": 427},
                    "image": {"source": f"{web.url}/upload/original.jpg", "width": 6000, "height": 4000},
                    "file_page": "https://commons.wikimedia.org/wiki/File:Lighthouse_at_dusk.jpg",
                    "artist": {"text": "Jane <Doe>", "html": "<a>Jane</a>"},
                    "credit": {"text": "Own work"},
                    "license": {"type": "CC BY-SA 4.0", "url": "https://creativecommons.org/licenses/by-sa/4.0"},
                    "description": {"text": "A lighthouse & the sea at dusk.", "lang": "en"},
                }
            },
        ),
    )
    web.on("GET", "/upload/lighthouse.jpg", Reply(200, image, {"Content-Type": mime}))
