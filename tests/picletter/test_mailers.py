from __future__ import annotations

import base64
import email
import io
import socket
import ssl
from collections.abc import Iterator
from email import policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from picletter.context import RunContext
from picletter.http import http_client
from picletter.logfmt import Log
from picletter.mailers import MailError, send
from picletter.message import Letter
from picletter.render import CID, render_email
from picletter.settings import DEFAULT_SUBJECT, load_settings
from picletter.sources.sample import fetch_sample
from tests import FAST_RETRY
from tests.fakes.web import FakeWeb, Reply
from tests.picletter.helpers import DAY


def letter() -> Letter:
    picture = fetch_sample(DAY, None)  # type: ignore[arg-type]
    return Letter(
        "Picletter <p@example.com>",
        ("a@example.com", "B <b@example.com>"),
        render_email(picture, DAY, DEFAULT_SUBJECT),
        picture,
    )


def context(env: dict[str, str]) -> RunContext:
    return RunContext(
        settings=load_settings(env), log=Log(stream=io.StringIO()), client=http_client(user_agent="t", retry=FAST_RETRY)
    )


SENDGRID = {"PICLETTER_FROM": "p@example.com", "PICLETTER_TO": "a@example.com", "SENDGRID_API_KEY": "SG.canary"}


def test_sendgrid_payload_and_202(web: FakeWeb) -> None:
    web.on("POST", "/v3/mail/send", Reply(202, b"", {"X-Message-Id": "msg-1"}))
    receipt = send(letter(), context({**SENDGRID, "SENDGRID_API_URL": web.url}))
    assert receipt == "msg-1"
    (request,) = web.called("POST", "/v3/mail/send")
    assert request.headers["Authorization"] == "Bearer SG.canary"
    body = request.json()
    # One personalization each: SendGrid sends each as its own email, so no one sees the others.
    assert body["personalizations"] == [
        {"to": [{"email": "a@example.com"}]},
        {"to": [{"email": "b@example.com", "name": "B"}]},
    ]
    assert body["from"] == {"email": "p@example.com", "name": "Picletter"}
    assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]
    (attachment,) = body["attachments"]
    assert attachment["disposition"] == "inline" and attachment["content_id"] == CID
    assert base64.b64decode(attachment["content"]).startswith(b"\x89PNG")


def test_sendgrid_eu_region_is_just_the_base_url(web: FakeWeb) -> None:
    web.on("POST", "/eu/v3/mail/send", Reply(202))
    send(letter(), context({**SENDGRID, "SENDGRID_API_URL": f"{web.url}/eu"}))
    assert len(web.called("POST", "/eu/v3/mail/send")) == 1


def test_sendgrid_429_is_retried_but_500_is_not(web: FakeWeb) -> None:
    web.on("POST", "/v3/mail/send", Reply(429, b"", {"Retry-After": "0"}), Reply(202))
    send(letter(), context({**SENDGRID, "SENDGRID_API_URL": web.url}))
    web.on("POST", "/v3/mail/send", Reply(500, {"errors": [{"message": "boom"}]}))
    with pytest.raises(MailError, match="500: boom"):
        send(letter(), context({**SENDGRID, "SENDGRID_API_URL": web.url}))
    assert len(web.called("POST", "/v3/mail/send")) == 3


def test_sendgrid_401_says_which_setting(web: FakeWeb) -> None:
    web.on(
        "POST", "/v3/mail/send", Reply(401, {"errors": [{"message": "The provided authorization grant is invalid"}]})
    )
    with pytest.raises(MailError, match="check SENDGRID_API_KEY") as raised:
        send(letter(), context({**SENDGRID, "SENDGRID_API_URL": web.url}))
    assert "SG.canary" not in str(raised.value)


def test_outbox_writes_an_eml_a_mail_client_opens(tmp_path: Path) -> None:
    path = Path(send(letter(), context({"PICLETTER_OUTBOX": str(tmp_path / "box")})))
    assert path.parent == tmp_path / "box" and path.suffix == ".eml"
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"].startswith("Sample sunrise")
    assert [p.get_content_type() for p in parsed.walk()] == [
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
    ]
    assert list((tmp_path / "box").glob("*.part")) == []


def test_outbox_that_cannot_be_written_names_the_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(MailError, match="PICLETTER_OUTBOX"):
        send(letter(), context({"PICLETTER_OUTBOX": str(blocker / "box")}))


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.logins: list[tuple[str, str]] = []
        self.fail_next: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fail_next:
            self.fail_next -= 1
            return "451 try again later"
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"mailer", b"p@ss word")
        if ok:
            inbox.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=ok, handled=False)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_require_tls=False,
        auth_exclude_mechanism=["CRAM-MD5"],
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def smtp_env(port: int, user: str = "mailer", password: str = "p%40ss%20word") -> dict[str, str]:
    return {
        "PICLETTER_FROM": "p@example.com",
        "PICLETTER_TO": "a@example.com, b@example.com",
        "SMTP_URL": f"smtp://{user}:{password}@127.0.0.1:{port}",
    }


def test_smtp_logs_in_and_delivers_to_every_recipient(smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    receipt = send(letter(), context(smtp_env(port)))
    assert inbox.logins == [("mailer", "p@ss word")], "credentials are percent-decoded from SMTP_URL"
    ((sender, recipients, content),) = inbox.messages
    assert sender == "p@example.com" and recipients == ["a@example.com", "b@example.com"]
    assert receipt in content.decode()


def test_smtp_temporary_failure_is_retried(smtp_server: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, port = smtp_server
    inbox.fail_next = 1
    monkeypatch.setattr("picletter.mailers.smtp.time.sleep", lambda seconds: None)
    send(letter(), context(smtp_env(port)))
    assert len(inbox.messages) == 1


def test_smtp_wrong_password_is_a_clear_error(smtp_server: tuple[Inbox, int]) -> None:
    _, port = smtp_server
    with pytest.raises(MailError, match="check the user and password in SMTP_URL") as raised:
        send(letter(), context(smtp_env(port, password="wrong-canary")))
    assert "wrong-canary" not in str(raised.value)


def test_smtp_without_starttls_off_loopback_refuses_to_send_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    import smtplib

    class NoTls:
        def __init__(self, host: str, port: int, timeout: float) -> None:
            self.host = host

        def __enter__(self) -> NoTls:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def ehlo(self) -> None:
            pass

        def has_extn(self, name: str) -> bool:
            return False

        def login(self, user: str, password: str) -> None:
            raise AssertionError("sent the password in clear")

    monkeypatch.setattr(smtplib, "SMTP", NoTls)
    env = {
        "PICLETTER_FROM": "p@example.com",
        "PICLETTER_TO": "a@example.com",
        "SMTP_URL": "smtp://u:pw@mail.example.com:587",
    }
    with pytest.raises(MailError, match="offers no STARTTLS"):
        send(letter(), context(env))


def test_smtp_nobody_listening(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("picletter.mailers.smtp.time.sleep", lambda seconds: None)
    with pytest.raises(MailError, match=r"connection to 127\.0\.0\.1 failed"):
        send(
            letter(),
            context(
                {"PICLETTER_FROM": "p@example.com", "PICLETTER_TO": "a@example.com", "SMTP_URL": "smtp://127.0.0.1:9"}
            ),
        )


def test_smtps_uses_tls_from_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    import smtplib

    seen: dict[str, Any] = {}

    class FakeSsl(smtplib.SMTP_SSL):
        def __init__(self, host: str, port: int, timeout: float, context: ssl.SSLContext) -> None:
            seen.update(host=host, port=port, verify=context.verify_mode)
            raise ConnectionRefusedError

    monkeypatch.setattr(smtplib, "SMTP_SSL", FakeSsl)
    monkeypatch.setattr("picletter.mailers.smtp.time.sleep", lambda seconds: None)
    env = {
        "PICLETTER_FROM": "p@example.com",
        "PICLETTER_TO": "a@example.com",
        "SMTP_URL": "smtps://u:pw@mail.example.com",
    }
    with pytest.raises(MailError):
        send(letter(), context(env))
    assert seen == {"host": "mail.example.com", "port": 465, "verify": ssl.CERT_REQUIRED}
