"""Log sessions: the SSE stream and log lines as Heroku writes them, and following a dyno across
sessions that expire, drop, go idle and replay lines of an earlier dyno with the same name."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from infra.heroku.client import HerokuClient
from infra.heroku.errors import HerokuLogStreamError, HerokuNotFound
from infra.heroku.follow import LAST_LOOKS, NOT_YET_READS, Followed, follow_dyno
from infra.heroku.logs import SseEvent, exit_status, parse_log_line, sse_events, sse_lines
from tests.fakes.heroku_api import FakeHeroku
from tests.helpers import FAST_RETRY, TOKEN

APP = "picletter-test"


def test_sse_events_with_ids_multi_line_data_and_keep_alive_comments() -> None:
    body = [": keep-alive", "", "id: 7", "data: one", "data: two", "", ": keep-alive", "", "data:three", ""]
    assert list(sse_events(body)) == [SseEvent("7", "one\ntwo"), SseEvent("7", "three")]


def test_sse_lines_end_only_at_cr_lf_or_crlf_even_across_chunks() -> None:
    chunks = ["data: a\x0cb\u2028c\r", "\ndata: d\re", "f\n\n"]
    assert list(sse_lines(chunks)) == ["data: a\x0cb\u2028c", "data: d", "ef", ""]


def test_log_lines_as_heroku_writes_them() -> None:
    line = parse_log_line("2026-03-01T07:00:03.120000+00:00 heroku[run.4821]: Process exited with status 1")
    assert (line.source, line.dyno, line.message) == ("heroku", "run.4821", "Process exited with status 1")
    assert line.time == datetime.fromisoformat("2026-03-01T07:00:03.120000+00:00")
    assert exit_status(line, "run.4821") == 1
    assert exit_status(line, "run.4822") is None
    app_says = parse_log_line("2026-03-01T07:00:03.120000+00:00 app[run.4821]: Process exited with status 5")
    assert exit_status(app_says, "run.4821") is None, "only Heroku's own source reports the exit"
    echoed = parse_log_line("2026-03-01T07:00:03+00:00 heroku[run.4821]: echo Process exited with status 5")
    assert exit_status(echoed, "run.4821") is None, "the exact text, not a line containing it"


def client(fake: FakeHeroku) -> HerokuClient:
    return HerokuClient(TOKEN, base_url=fake.url, retry=FAST_RETRY, timeout=2.0)


def run_dyno(fake: FakeHeroku, heroku: HerokuClient) -> tuple[str, str, datetime]:
    """A one-off dyno started as `infra run` starts it: its name, id and start."""
    dyno = heroku.create_dyno(APP, "picletter")
    return dyno["name"], dyno["id"], datetime.fromisoformat(dyno["created_at"])


def follow(fake: FakeHeroku, max_seconds: float = 5.0, idle: float = 2.0) -> tuple[int | None, list[str]]:
    followed, shown = follow_run(fake, max_seconds, idle)
    return followed.exit_status, shown


def follow_run(fake: FakeHeroku, max_seconds: float = 5.0, idle: float = 2.0) -> tuple[Followed, list[str]]:
    """A dyno started and followed as `infra run --tail` does: how it ended, and the lines shown."""
    shown: list[str] = []
    with client(fake) as heroku:
        name, dyno_id, started = run_dyno(fake, heroku)
        status = follow_dyno(
            heroku,
            APP,
            name,
            dyno_id=dyno_id,
            started=started,
            max_seconds=max_seconds,
            emit=shown.append,
            idle_seconds=idle,
            sleep=lambda _: None,
            just_created=True,
        )
    return status, shown


def test_the_fake_streams_sse_with_ids_and_keep_alives_and_answers_404_once_expired(fake_heroku: FakeHeroku) -> None:
    fake_heroku.dyno_exit_status = None
    with client(fake_heroku) as heroku:
        name, _, _ = run_dyno(fake_heroku, heroku)
        url = heroku.create_log_session(APP, dyno_name=name, tail=True)
        import httpx

        with httpx.stream("GET", url, headers={"Accept": "text/event-stream"}, timeout=5) as response:
            assert response.headers["content-type"] == "text/event-stream"
            raw = list(response.iter_lines())
        assert raw[0].startswith("id: ") and raw[1].startswith("data: ") and ": keep-alive" in raw
        fake_heroku.log_session_ttl = 0.0
        with pytest.raises(HerokuLogStreamError, match="expired or not found"):
            list(heroku.log_events(url, idle_seconds=1, max_seconds=1))


def test_follow_prints_messages_once_and_returns_the_exit_status(fake_heroku: FakeHeroku) -> None:
    fake_heroku.dyno_exit_status = 1
    fake_heroku.dyno_runtime = 0.3
    fake_heroku.stream_open_seconds = 0.1  # the stream ends before the exit: a new session is needed
    status, shown = follow(fake_heroku)
    assert status == 1
    assert not [line for line in shown if line.startswith(("id:", "data:", ":"))]
    assert len(shown) == len(set(shown)), "lines replayed by a new session are not shown twice"
    assert shown[-1].endswith("Process exited with status 1")


def test_a_reused_dyno_name_does_not_pick_up_the_earlier_dynos_exit(fake_heroku: FakeHeroku) -> None:
    # run.4821 ran an hour ago and failed; the new run.4821 succeeds a moment later.
    fake_heroku.log(APP, "heroku", "run.4821", "Process exited with status 9", age=3600)
    fake_heroku.next_run_numbers = [4821]
    fake_heroku.dyno_exit_status = 0
    fake_heroku.dyno_runtime = 0.2
    status, shown = follow(fake_heroku)
    assert status == 0
    assert not [line for line in shown if "status 9" in line]


def test_a_stream_that_drops_mid_way_is_resumed_without_repeats(fake_heroku: FakeHeroku) -> None:
    fake_heroku.drop_next_streams = 2  # two streams in a row close after their first event
    fake_heroku.dyno_runtime = 0.2
    status, shown = follow(fake_heroku)
    assert status == 0 and len(shown) == len(set(shown)) == 4


def test_an_idle_stream_is_replaced(fake_heroku: FakeHeroku) -> None:
    fake_heroku.silent_streams = True
    fake_heroku.stream_open_seconds = 5.0
    fake_heroku.dyno_runtime = 0.3
    status, _ = follow(fake_heroku, idle=0.2)
    assert status == 0


def test_a_dyno_gone_without_an_exit_line_is_unknown_not_a_hang(fake_heroku: FakeHeroku) -> None:
    fake_heroku.dyno_exit_status = None
    fake_heroku.stream_open_seconds = 0.1
    status, shown = follow(fake_heroku, max_seconds=0.6)
    assert status is None and shown  # the deadline passed; the lines it had were shown


def test_a_last_look_whose_stream_drops_is_taken_again(fake_heroku: FakeHeroku) -> None:
    # The dyno is gone before the first session ends, so the next session is the last look; Heroku's
    # streams can drop at any time (the drop_next_streams fault), that one too.
    fake_heroku.drop_next_streams = 2
    fake_heroku.dyno_runtime = 0.0
    fake_heroku.dyno_exit_status = 3
    status, shown = follow(fake_heroku)
    assert status == 3 and len(shown) == len(set(shown))


def test_a_dyno_gone_while_its_stream_stays_open_is_noticed_while_the_stream_is_open(
    fake_heroku: FakeHeroku,
) -> None:
    # The dyno disappears without an exit line (stopped, or its host lost) while the session keeps
    # sending keep-alives; without a look at the dyno, the follow would wait for MAX_SECONDS.
    fake_heroku.dyno_exit_status = None
    fake_heroku.stream_open_seconds = 30.0
    with client(fake_heroku) as heroku:
        name, dyno_id, started = run_dyno(fake_heroku, heroku)
        timer = threading.Timer(0.3, lambda: fake_heroku.apps[APP].dynos.pop(name))
        timer.start()
        status = follow_dyno(
            heroku,
            APP,
            name,
            dyno_id=dyno_id,
            started=started,
            max_seconds=30.0,
            emit=lambda _: None,
            dyno_check_seconds=0.1,
        )
        timer.join()
    assert status.exit_status is None and "gone" in status.reason
    sessions = [r for r in fake_heroku.requests if r.path.endswith("/log-sessions")]
    assert [s.body["tail"] for s in sessions] == [True] + [False] * LAST_LOOKS, "one tailing session, then last looks"


def test_a_dyno_gone_while_its_streams_go_idle_is_noticed_between_sessions(fake_heroku: FakeHeroku) -> None:
    # Without keep-alives, every tailing session ends by going idle (an error), never by ending: the
    # dyno must be looked at after those too, or a gone dyno is followed until MAX_SECONDS.
    fake_heroku.dyno_exit_status = None
    fake_heroku.silent_streams = True
    fake_heroku.stream_open_seconds = 30.0
    with client(fake_heroku) as heroku:
        name, dyno_id, started = run_dyno(fake_heroku, heroku)
        fake_heroku.apps[APP].dynos.pop(name)
        status = follow_dyno(
            heroku, APP, name, dyno_id=dyno_id, started=started, max_seconds=5.0, emit=lambda _: None, idle_seconds=0.2
        )
    assert status.exit_status is None and "gone" in status.reason, status.reason


def test_a_log_line_with_other_unicode_line_breaks_arrives_whole(fake_heroku: FakeHeroku) -> None:
    # SSE ends lines only at CR, LF or CRLF (WHATWG HTML, event stream interpretation); a form feed or
    # U+2028 inside an app's message is part of its data line, not the start of a new field.
    fake_heroku.dyno_exit_status = None
    message = "page one\x0cpage two\u2028and more"
    with client(fake_heroku) as heroku:
        name, _, _ = run_dyno(fake_heroku, heroku)
        fake_heroku.log(APP, "app", name, message)
        url = heroku.create_log_session(APP, dyno_name=name, tail=False)
        data = [event.data for event in heroku.log_events(url, idle_seconds=2, max_seconds=5)]
    messages = [parse_log_line(line).message for line in data]
    assert message in messages and "page one" not in messages


def _lose_and_reuse_its_name(fake: FakeHeroku, name: str, exit_status: int | None) -> None:
    """NAME's host is lost (it leaves the API without an exit line); the next one-off dyno gets the
    same name (the fake's next_run_numbers) and ends with EXIT_STATUS, or runs on (None)."""
    fake.apps[APP].dynos.pop(name)
    fake.next_run_numbers = [int(name.split(".")[1])]
    fake.dyno_exit_status = exit_status
    with client(fake) as other:
        assert other.create_dyno(APP, "picletter")["name"] == name


def _follow_through_a_namesake(fake: FakeHeroku, exit_status: int | None) -> tuple[Followed, list[str], bool]:
    """How following a dyno ended whose name a later dyno took, what it showed, and whether the dyno
    was looked at by its id."""
    fake.dyno_exit_status = None
    fake.stream_open_seconds = 30.0
    shown: list[str] = []
    with client(fake) as heroku:
        name, dyno_id, started = run_dyno(fake, heroku)
        timer = threading.Timer(0.3, _lose_and_reuse_its_name, (fake, name, exit_status))
        timer.start()
        followed = follow_dyno(
            heroku,
            APP,
            name,
            dyno_id=dyno_id,
            started=started,
            max_seconds=5.0,
            emit=shown.append,
            dyno_check_seconds=0.1,
        )
        timer.join()
    looked_at = {r.path.rsplit("/", 1)[1] for r in fake.requests if r.method == "GET" and "/dynos/" in r.path}
    return followed, shown, dyno_id in looked_at


def test_a_gone_dyno_is_not_mistaken_for_a_later_dyno_given_its_name(fake_heroku: FakeHeroku) -> None:
    # By name, the later run.N answers "still there" and is followed until --max-seconds.
    followed, _, by_id = _follow_through_a_namesake(fake_heroku, exit_status=None)
    assert followed.exit_status is None and "gone" in followed.reason, followed.reason
    assert by_id


def test_the_exit_line_of_a_later_dyno_given_its_name_is_not_taken(fake_heroku: FakeHeroku) -> None:
    # The later run.N exits 7 and is still listed when its exit line is read (a dyno listed a moment
    # after its exit line: the order the fake's other tests do not take).
    fake_heroku.dyno_listed_after_exit = 2.0
    fake_heroku.dyno_runtime = 0.2
    followed, shown, by_id = _follow_through_a_namesake(fake_heroku, exit_status=7)
    assert followed.exit_status is None and "gone" in followed.reason, followed.reason
    assert not [line for line in shown if "status 7" in line] and by_id


def test_the_fake_answers_a_new_dynos_info_404_for_the_first_reads(fake_heroku: FakeHeroku) -> None:
    fake_heroku.dyno_info_missing_reads = 2
    fake_heroku.dyno_exit_status = None  # still running
    with client(fake_heroku) as heroku:
        name, dyno_id, _ = run_dyno(fake_heroku, heroku)
        for _ in range(2):
            with pytest.raises(HerokuNotFound):
                heroku.dyno(APP, dyno_id)
        assert heroku.dyno(APP, dyno_id)["name"] == name


def _first_session_ends_while_the_new_dyno_still_answers_404(fake: FakeHeroku, reads: int, runtime: float) -> None:
    # The job runs on after the first tailing session ended; Heroku still answers its info 404.
    fake.dyno_info_missing_reads = reads
    fake.dyno_runtime = runtime
    fake.stream_open_seconds = 0.1


def test_a_new_dyno_whose_info_answers_404_at_first_is_not_taken_for_gone(fake_heroku: FakeHeroku) -> None:
    _first_session_ends_while_the_new_dyno_still_answers_404(fake_heroku, reads=NOT_YET_READS, runtime=0.5)
    followed, shown = follow_run(fake_heroku)
    assert followed == Followed(0), followed.reason
    assert any("Process exited with status 0" in line for line in shown)


def test_a_new_dyno_answering_404_beyond_the_clis_grace_is_gone(fake_heroku: FakeHeroku) -> None:
    # After as many 404s as the Heroku CLI allows a new dyno, a 404 means gone again, as for any dyno.
    _first_session_ends_while_the_new_dyno_still_answers_404(fake_heroku, reads=NOT_YET_READS + 1, runtime=3.0)
    followed, _ = follow_run(fake_heroku)
    assert followed.exit_status is None and "gone" in followed.reason, followed.reason
    infos = [r for r in fake_heroku.requests if r.method == "GET" and "/dynos/" in r.path]
    assert len(infos) <= NOT_YET_READS + 1 + 2 * LAST_LOOKS, "the grace is bounded"
