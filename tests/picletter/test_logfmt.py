from __future__ import annotations

import io

from picletter.logfmt import Log, format_line, redact


def test_logfmt_quotes_what_needs_quoting() -> None:
    assert (
        format_line({"at": "info", "title": 'A "big" day', "n": 3, "skip": None})
        == 'at=info title="A \\"big\\" day" n=3'
    )


def test_secrets_are_redacted_even_inside_other_text() -> None:
    stream = io.StringIO()
    log = Log(secrets=["s3cr3t-key"], stream=stream)
    log.error("fetch", url="https://api.example.com/?api_key=s3cr3t-key")
    assert "s3cr3t-key" not in stream.getvalue() and "[redacted]" in stream.getvalue()
    assert redact("abc", ["", "ab"]) == "abc", "too short to redact safely"
