"""A built-in picture drawn on the spot: no network, for trying mail delivery and for demos."""

from __future__ import annotations

import math
import struct
import zlib
from datetime import date

from picletter.context import RunContext
from picletter.picture import Picture

__all__ = ["fetch_sample", "sample_png"]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def sample_png(day: date, width: int = 480, height: int = 270) -> bytes:
    """A sky-to-sea gradient whose colours shift with the day of the year."""
    shift = day.timetuple().tm_yday % 64  # the sky warms a little over the year
    sun_x, sun_y, radius = width * 2 // 3, height // 3, max(4, height // 10)
    sun = b"\xff\xc8\x5a"
    rows = []
    for y in range(height):  # whole rows at a time: a pixel loop cost 20 ms of every sample run
        t = y / (height - 1)
        sky = bytes((min(255, 30 + shift + int(90 * t)), 90 + int(100 * t), 200 - int(120 * t)))
        reach = radius**2 - (y - sun_y) ** 2  # the sun's half-width squared on this row
        if reach < 0:
            rows.append(b"\x00" + sky * width)  # PNG filter type none, then the pixels
            continue
        half = math.isqrt(reach)
        left, right = max(0, sun_x - half), min(width, sun_x + half + 1)
        rows.append(b"\x00" + sky * left + sun * (right - left) + sky * (width - right))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def fetch_sample(day: date, ctx: RunContext) -> Picture:
    return Picture(
        image=sample_png(day),
        mime="image/png",
        title=f"Sample sunrise for {day:%d %B %Y}",
        credit="picletter",
        license="CC0 1.0 (public domain dedication)",
        license_url="https://creativecommons.org/publicdomain/zero/1.0/",
        description="A picture drawn by picletter itself, for trying out delivery without any picture service.",
        source="sample",
        provider_name="picletter",
    )
