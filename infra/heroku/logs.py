"""Heroku log sessions as they really are: a Server-Sent Events stream of log lines. Pure.

The `logplex_url` of a log session (POST /apps/{app}/log-sessions) is read as an EventSource, as
the Heroku CLI does (heroku/cli, packages/cli/src/lib/run/log-displayer.ts): events of `id: <n>`
and `data: <lines>` separated by blank lines, and `:` comment lines as keep-alives. Each data line
is a log line, `<RFC 3339 time with µs> <source>[<dyno>]: <message>`, e.g.
`2026-03-01T07:00:03.120000+00:00 heroku[run.4821]: Process exited with status 1`.

Why not the httpx-sse package: its decoder (0.4.3, _decoders.py) reads these streams as well (ids,
multi-line data, the retry field, lines split only at CR and LF), but its EventSource.iter_sse
yields events only. The keep-alive comments would be invisible, and the follower asks at each line,
keep-alives included, whether the dyno still runs (HerokuClient.log_events). The retry field is not
needed: the follower reconnects with a new log session, not the same URL. So these lines stay.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["REPLAY_SLACK", "LogLine", "SseEvent", "exit_status", "parse_log_line", "sse_events", "sse_lines"]

# SSE ends a line at CRLF, CR or LF only; str.splitlines (and so httpx's iter_lines) also splits at
# form feeds, U+2028 and others, which would cut an app's log message in two.
_SSE_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"(?P<time>\S+) (?P<source>[\w-]+)\[(?P<dyno>[^\]]+)\]: (?P<message>.*)", re.DOTALL)
_EXITED = re.compile(r"Process exited with status (?P<status>\d+)")
# A session replays up to 100 earlier lines, and one-off dyno names (run.NNNN) are reused: a line
# older than the dyno itself, by more than this clock slack, belongs to an earlier dyno of that name.
REPLAY_SLACK = timedelta(seconds=2)


@dataclass(frozen=True)
class SseEvent:
    id: str
    data: str


def sse_lines(chunks: Iterable[str]) -> Iterator[str]:
    """The lines of a text/event-stream body given as decoded text CHUNKS, split where SSE splits them."""
    pending = ""
    for chunk in chunks:
        pending += chunk
        # A CR at the end may be the first half of a CRLF in the next chunk.
        parts = _SSE_LINE_END.split(pending[:-1] if pending.endswith("\r") else pending)
        pending = parts.pop() + ("\r" if pending.endswith("\r") else "")
        yield from parts
    if pending:
        yield pending.removesuffix("\r")


def sse_events(lines: Iterable[str]) -> Iterator[SseEvent]:
    """The events in a text/event-stream body given line by line (WHATWG HTML, server-sent events)."""
    event_id, data = "", list[str]()
    for line in lines:
        if not line:
            if data:
                yield SseEvent(event_id, "\n".join(data))
            data = []
            continue
        if line.startswith(":"):
            continue  # a comment: the keep-alive
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "data":
            data.append(value)
        elif field == "id":
            event_id = value
    if data:
        yield SseEvent(event_id, "\n".join(data))


@dataclass(frozen=True)
class LogLine:
    text: str
    time: datetime | None
    source: str
    dyno: str
    message: str


def parse_log_line(text: str) -> LogLine:
    """TEXT as a Heroku log line; a line not in that form keeps its text, with no time or source."""
    match = _LINE.fullmatch(text)
    if not match:
        return LogLine(text, None, "", "", text)
    try:
        time: datetime | None = datetime.fromisoformat(match["time"])
    except ValueError:
        time = None
    return LogLine(text, time, match["source"], match["dyno"], match["message"])


def exit_status(line: LogLine, dyno: str) -> int | None:
    """The exit status this line reports for DYNO: only Heroku's own `heroku[<dyno>]` source with the
    exact text; an app line that prints the same words does not count."""
    if line.source != "heroku" or line.dyno != dyno:
        return None
    match = _EXITED.fullmatch(line.message.strip())
    return int(match["status"]) if match else None


def from_before(line: LogLine, started: datetime | None) -> bool:
    """Whether LINE was logged before a dyno STARTED (so by an earlier dyno of the same name)."""
    return started is not None and line.time is not None and line.time < started - REPLAY_SLACK
