"""Following a dyno's logs to its exit status, across as many log sessions as that takes.

A log session lasts about an hour, and its stream may drop or go idle; each new session replays up
to 100 earlier lines. So: read a session, print each line once (lines already shown are skipped,
lines from before the dyno started belong to an earlier dyno of the same name), and when the stream
ends without the dyno's exit line, start a new session while the dyno is still there. Once it is
gone, sessions without `tail` (up to LAST_LOOKS) read what was logged after the stream ended. The exit status
comes only from Heroku's own `Process exited with status N` line for that dyno (infra.heroku.logs).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime

from infra.heroku.client import HerokuClient
from infra.heroku.errors import HerokuLogStreamError, HerokuNotFound
from infra.heroku.logs import exit_status, from_before, parse_log_line

__all__ = ["IDLE_SECONDS", "follow_app", "follow_dyno"]

# Heroku's log streams send keep-alive comments; this long without even one, the stream is dead.
IDLE_SECONDS = 90.0
RECONNECT_PAUSE = 1.0
# Sessions read after the dyno is gone before its status counts as unknown: a stream can close
# before its backlog is out (a drop looks like an end), and the exit line can reach the log a moment
# after the dyno has left the API.
LAST_LOOKS = 3


def follow_dyno(
    heroku: HerokuClient,
    app: str,
    dyno: str,
    *,
    started: datetime | None,
    max_seconds: float,
    emit: Callable[[str], None],
    idle_seconds: float = IDLE_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> int | None:
    """DYNO's exit status, printing its log lines through EMIT; None when it cannot be known (the dyno
    is gone without an exit line, or MAX_SECONDS passed)."""
    deadline = time.monotonic() + max_seconds
    seen: set[str] = set()
    last_looks = 0  # sessions read since the dyno was gone
    while (remaining := deadline - time.monotonic()) > 0:
        last_look = last_looks > 0
        try:
            url = heroku.create_log_session(app, dyno_name=dyno, tail=not last_look)
            for text in _unseen(heroku, url, seen, idle_seconds=idle_seconds, max_seconds=remaining):
                line = parse_log_line(text)
                if from_before(line, started):
                    continue
                emit(text)
                status = exit_status(line, dyno)
                if status is not None:
                    return status
        except HerokuLogStreamError:
            pass  # expired, dropped or idle: a new session below, if the dyno is still there
        if last_looks >= LAST_LOOKS:
            return None
        if last_look or _gone(heroku, app, dyno):
            last_looks += 1
        if last_looks != 1:
            sleep(RECONNECT_PAUSE)
    return None


def follow_app(
    heroku: HerokuClient,
    app: str,
    *,
    tail: bool,
    max_seconds: float,
    emit: Callable[[str], None],
    dyno: str | None = None,
    idle_seconds: float = IDLE_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """The app's log lines (or one DYNO's) through EMIT: the recent ones, and with TAIL new ones until
    MAX_SECONDS, across new sessions when one expires or drops."""
    deadline = time.monotonic() + max_seconds
    seen: set[str] = set()
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            url = heroku.create_log_session(app, dyno_name=dyno, tail=tail)
            for text in _unseen(heroku, url, seen, idle_seconds=idle_seconds, max_seconds=remaining):
                emit(text)
        except HerokuLogStreamError:
            if not tail:
                raise
        if not tail:
            return
        sleep(RECONNECT_PAUSE)


def _unseen(
    heroku: HerokuClient, url: str, seen: set[str], *, idle_seconds: float, max_seconds: float
) -> Iterator[str]:
    """The log lines of the session at URL not in SEEN (a new session replays earlier ones), each
    added to SEEN as it is given."""
    for event in heroku.log_events(url, idle_seconds=idle_seconds, max_seconds=max_seconds):
        for text in event.data.splitlines():
            if text not in seen:
                seen.add(text)
                yield text


def _gone(heroku: HerokuClient, app: str, dyno: str) -> bool:
    try:
        heroku.dyno(app, dyno)
    except HerokuNotFound:
        return True
    return False
