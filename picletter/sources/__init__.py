"""Picture sources: each returns a Picture (image bytes, MIME type, title, credit, license text).

Each lives in its own module and is imported only when configured (picletter.plugins).
"""

from picletter.sources.base import SourceError
from picletter.sources.registry import fetch_first

__all__ = ["SourceError", "fetch_first"]
