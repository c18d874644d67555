"""Following a dyno's logs to its exit status, across as many log sessions as that takes.

A log session lasts about an hour, and its stream may drop or go idle; each new session replays up
to 100 earlier lines. So: read a session, print each line once (lines already shown are skipped,
lines from before the dyno started belong to an earlier dyno of the same name), and when the stream
ends without the dyno's exit line, start a new session while the dyno is still there. Once it is
gone (looked at between sessions and, while a stream stays open, every DYNO_CHECK_SECONDS), one last
session without `tail` reads what was logged after the stream ended. A Heroku error while following
is retried until the deadline, then reported as an unknown status, never as the job's. The exit status
comes only from Heroku's own `Process exited with status N` line for that dyno (infra.heroku.logs).

Heroku reuses one-off dyno names (run.NNNN), so the dyno is looked at by its id (the answer of
`POST /apps/{app}/dynos`; the schema's dyno identity is its id or its name): by name, a later dyno
of the same name would answer for one that is gone, and be followed to its own exit. Log sessions
and log lines know a dyno only by its name (the schema's `dyno_name`), so once a later dyno of the
same name is known (asked for by name when the dyno is gone, and before an exit line is taken),
lines logged from its start on are not this dyno's. A later dyno that came and went unseen cannot be
told apart: its lines carry the same name.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from infra.heroku.client import HerokuClient
from infra.heroku.errors import HerokuApiError, HerokuAuthError, HerokuLogStreamError, HerokuNotFound
from infra.heroku.logs import LogLine, exit_status, from_before, parse_log_line

__all__ = [
    "DYNO_CHECK_SECONDS",
    "IDLE_SECONDS",
    "LAST_LOOKS",
    "NOT_YET_READS",
    "Followed",
    "follow_app",
    "follow_dyno",
]

# Heroku's log streams send keep-alive comments; this long without even one, the stream is dead.
IDLE_SECONDS = 90.0
RECONNECT_PAUSE = 1.0
# While a stream stays open (keep-alives, no lines), the dyno is looked at this often: one that is
# gone without an exit line (stopped, its host lost) would otherwise keep the follow until its end.
DYNO_CHECK_SECONDS = 30.0
# Sessions without tail read after the dyno is gone: one that drops cannot be told from one that ended.
LAST_LOOKS = 3
# Just after POST /apps/{app}/dynos, Heroku may answer the new dyno's info 404: the Heroku CLI reads
# it again on a 404, at once, up to 20 times ("the API sometimes responds with a 404 when the dyno is
# not yet ready", heroku/cli src/lib/run/dyno.ts, _ssh(retries = 20)). A dyno just created and not
# yet seen gets as many before a 404 means gone; once it answered, a 404 means gone at once.
NOT_YET_READS = 20


@dataclass(frozen=True)
class Followed:
    """How following a dyno ended: its exit status, or None with the REASON it is not known."""

    exit_status: int | None
    reason: str = ""


def follow_dyno(
    heroku: HerokuClient,
    app: str,
    dyno: str,
    *,
    dyno_id: str | None,
    started: datetime | None,
    max_seconds: float,
    emit: Callable[[str], None],
    idle_seconds: float = IDLE_SECONDS,
    dyno_check_seconds: float = DYNO_CHECK_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    just_created: bool = False,
) -> Followed:
    """The exit status of the dyno named DYNO (its id DYNO_ID, None when not known: then it is looked
    at by name), printing its log lines through EMIT; unknown (with the reason) when the dyno is gone
    without an exit line, MAX_SECONDS passed, or Heroku kept failing: a Heroku error is retried until
    MAX_SECONDS, never taken for the job's own status. JUST_CREATED: the dyno is the answer of a
    create just made, so a 404 on it is first taken for "not yet" (NOT_YET_READS)."""
    deadline = time.monotonic() + max_seconds
    seen: set[str] = set()
    last_looks = 0
    reason = f"no exit line within {max_seconds:g} s"
    namesake_started: datetime | None = None  # when a later dyno of the same name started

    looks = _Looks(heroku, app, dyno_id or dyno, not_yet_reads=NOT_YET_READS if just_created else 0)

    def still_there() -> bool:
        return not looks.gone()

    while (remaining := deadline - time.monotonic()) > 0:
        try:
            url = heroku.create_log_session(app, dyno_name=dyno, tail=not last_looks)
            events = _unseen(
                heroku,
                url,
                seen,
                idle_seconds=idle_seconds,
                max_seconds=remaining,
                check=None if last_looks else (dyno_check_seconds, still_there),
            )
            try:
                for text in events:
                    line = parse_log_line(text)
                    if from_before(line, started) or not _of_dyno(line, dyno) or _since(line, namesake_started):
                        continue
                    status = exit_status(line, dyno)
                    if status is not None and dyno_id and namesake_started is None:
                        namesake_started = _namesake_started(heroku, app, dyno, dyno_id)
                        if _since(line, namesake_started):
                            continue
                    emit(text)
                    if status is not None:
                        return Followed(status)
            except HerokuLogStreamError:
                if last_looks:
                    raise
                # Expired, dropped or idle (a stream without keep-alives only ever ends so): the
                # dyno is looked at all the same, or a gone one is followed until the deadline.
            if not last_looks and looks.gone():
                last_looks = 1
                if dyno_id and namesake_started is None:
                    namesake_started = _namesake_started(heroku, app, dyno, dyno_id)
                continue
        except HerokuLogStreamError:
            pass  # expired, dropped or idle: a new session, or another last look
        except (HerokuAuthError, HerokuNotFound) as exc:
            # The token will not heal by itself, nor a deleted app come back (only the app's own
            # endpoints are asked here; a gone dyno answers 404 in _Looks, not here).
            return Followed(None, f"Heroku refused to go on: {exc}")
        except HerokuApiError as exc:
            # 5xx, 429 or no answer after the client's own retries: asked again until the deadline.
            reason = f"Heroku kept failing: {exc}"
        if last_looks:
            # A stream without tail that ends early (dropped) looks like one that ended: look again.
            last_looks += 1
            if last_looks > LAST_LOOKS:
                return Followed(None, "the dyno is gone and Heroku logged no exit line for it")
            continue
        sleep(RECONNECT_PAUSE)
    return Followed(None, reason)


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
                if dyno is None or _of_dyno(parse_log_line(text), dyno):
                    emit(text)
        except HerokuLogStreamError:
            if not tail:
                raise
        if not tail:
            return
        sleep(RECONNECT_PAUSE)


def _unseen(
    heroku: HerokuClient,
    url: str,
    seen: set[str],
    *,
    idle_seconds: float,
    max_seconds: float,
    check: tuple[float, Callable[[], bool]] | None = None,
) -> Iterator[str]:
    """The log lines of the session at URL not in SEEN (a new session replays earlier ones), each
    added to SEEN as it is given. With CHECK (seconds, still_wanted), the stream ends as soon as
    still_wanted() says no, asked that often while lines or keep-alives arrive."""
    events = heroku.log_events(url, idle_seconds=idle_seconds, max_seconds=max_seconds, check=check)
    for event in events:
        for text in event.data.splitlines():
            if text not in seen:
                seen.add(text)
                yield text


def _of_dyno(line: LogLine, dyno: str) -> bool:
    """Whether LINE is DYNO's (a process type such as `web` takes its dynos): the session is asked
    for that dyno by the schema's `dyno_name`, while the Heroku CLI sends `dyno` (heroku/cli
    src/lib/run/log-displayer.ts), so a session that streams every dyno's lines is filtered here.
    A line not in Heroku's form is kept."""
    return not line.dyno or line.dyno == dyno or line.dyno.startswith(f"{dyno}.")


class _Looks:
    """Looks at DYNO (an id, or a name when the id is not known) on APP: whether it is gone. A dyno
    not seen yet answers up to NOT_YET_READS 404s, in all, that mean "not yet"; read again at once."""

    def __init__(self, heroku: HerokuClient, app: str, dyno: str, *, not_yet_reads: int) -> None:
        self._heroku, self._app, self._dyno = heroku, app, dyno
        self._not_yet_reads = not_yet_reads

    def gone(self) -> bool:
        """Whether the dyno is no longer on the app."""
        while True:
            try:
                self._heroku.dyno(self._app, self._dyno)
            except HerokuNotFound:
                if self._not_yet_reads <= 0:
                    return True
                self._not_yet_reads -= 1
                continue
            self._not_yet_reads = 0  # seen: from now on a 404 means gone
            return False


def _namesake_started(heroku: HerokuClient, app: str, name: str, dyno_id: str) -> datetime | None:
    """When the dyno now named NAME started, if it is another dyno than DYNO_ID; None when there is
    none, or when it cannot be told (a Heroku error: the lines are then taken as the dyno's)."""
    try:
        now = heroku.dyno(app, name)
    except HerokuApiError:
        return None
    if now.get("id") == dyno_id:
        return None
    try:
        return datetime.fromisoformat(now.get("created_at", "").replace("Z", "+00:00"))
    except ValueError:
        return None


def _since(line: LogLine, moment: datetime | None) -> bool:
    """Whether LINE was logged at or after MOMENT (a line without a time never is)."""
    return moment is not None and line.time is not None and line.time >= moment
