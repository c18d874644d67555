"""One logfmt line per step on stdout (what Heroku's log router expects), with secrets redacted."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any, TextIO

__all__ = ["Log", "format_line", "redact"]

REDACTED = "[redacted]"


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def _value(value: Any) -> str:
    text = str(value)
    if text == "" or any(c in text for c in ' ="\\\n\t'):
        text = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    return text


def format_line(fields: dict[str, Any]) -> str:
    return " ".join(f"{key}={_value(value)}" for key, value in fields.items() if value is not None)


class Log:
    """`log.info("fetch", source="apod", bytes=123)` -> `at=info step=fetch source=apod bytes=123`."""

    def __init__(self, secrets: Iterable[str] = (), stream: TextIO | None = None) -> None:
        self.secrets = [s for s in secrets if s]
        self.stream = stream or sys.stdout

    def add_secret(self, value: str | None) -> None:
        if value:
            self.secrets.append(value)

    def _write(self, level: str, step: str, fields: dict[str, Any]) -> None:
        line = format_line({"at": level, "step": step, **fields})
        print(redact(line, self.secrets), file=self.stream, flush=True)

    def info(self, step: str, **fields: Any) -> None:
        self._write("info", step, fields)

    def warn(self, step: str, **fields: Any) -> None:
        self._write("warn", step, fields)

    def error(self, step: str, **fields: Any) -> None:
        self._write("error", step, fields)
