"""The picture of the day and the image types the job accepts: the job's domain, imported by all."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["IMAGE_TYPES", "ImageType", "Picture"]


@dataclass(frozen=True)
class ImageType:
    extension: str
    magic: tuple[bytes, ...]  # what the file's bytes start with


# The accepted MIME types: downloads are checked against them, attachments named from them.
IMAGE_TYPES = {
    "image/jpeg": ImageType("jpg", (b"\xff\xd8\xff",)),
    "image/png": ImageType("png", (b"\x89PNG\r\n\x1a\n",)),
    "image/gif": ImageType("gif", (b"GIF87a", b"GIF89a")),
    "image/webp": ImageType("webp", (b"RIFF",)),
}


@dataclass(frozen=True)
class Picture:
    image: bytes
    mime: str  # one of IMAGE_TYPES
    title: str
    credit: str  # plain text: who made it
    license: str  # plain text, e.g. "CC BY-SA 4.0"
    source: str  # which source found it
    license_url: str | None = None
    credit_url: str | None = None
    page_url: str | None = None  # where to see it in full
    description: str = ""
    provider_name: str = ""
    provider_url: str | None = None

    @property
    def filename(self) -> str:
        return f"picture-of-the-day.{IMAGE_TYPES[self.mime].extension}"
