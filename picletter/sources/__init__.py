"""Picture sources: each returns image bytes, MIME type, title, credit and license text."""

from picletter.sources.base import Picture, SourceContext, SourceError
from picletter.sources.registry import fetch_first

__all__ = ["Picture", "SourceContext", "SourceError", "fetch_first"]
