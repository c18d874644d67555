from __future__ import annotations

import pytest

from picletter.settings import DEFAULT_SUBJECT, SettingsError, load_settings


def test_local_defaults_need_no_settings() -> None:
    settings = load_settings({})
    assert settings.mailer == "outbox" and settings.sources == ("wikimedia",)
    assert settings.subject_template == DEFAULT_SUBJECT and settings.nasa_api_key == "DEMO_KEY"


@pytest.mark.parametrize(
    ("env", "mailer"),
    [({"SENDGRID_API_KEY": "k"}, "sendgrid"), ({"SMTP_URL": "smtps://u:p@mail.example.com"}, "smtp"), ({}, "outbox")],
)
def test_mailer_follows_the_configured_credentials(env: dict[str, str], mailer: str) -> None:
    base = {"PICLETTER_FROM": "a@example.com", "PICLETTER_TO": "b@example.com"}
    assert load_settings({**base, **env}).mailer == mailer


def test_every_problem_is_listed_at_once_without_values() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(
            {
                "PICLETTER_MAILER": "sendgrid",
                "PICLETTER_TO": "not-an-address",
                "PICLETTER_SOURCE": "unsplash,ftp://x,flickr",
                "PICLETTER_SUBJECT": "{{ picture.title",
                "SENDGRID_API_URL": "http://api.sendgrid.com",
                "PICLETTER_MAX_IMAGE_BYTES": "lots",
                "SMTP_URL": "smtp://user:secret-pass@host",
            }
        )
    problems = raised.value.problems
    for name in (
        "PICLETTER_FROM",
        "PICLETTER_TO",
        "'ftp://x'",
        "'flickr'",
        "UNSPLASH_ACCESS_KEY",
        "PICLETTER_SUBJECT",
        "SENDGRID_API_KEY",
        "SENDGRID_API_URL",
        "PICLETTER_MAX_IMAGE_BYTES",
    ):
        assert any(name in p for p in problems), name
    assert "secret-pass" not in str(raised.value)


def test_smtp_needs_a_url_of_the_right_shape() -> None:
    with pytest.raises(SettingsError, match="SMTP_URL is required"):
        load_settings({"PICLETTER_MAILER": "smtp", "PICLETTER_FROM": "a@example.com", "PICLETTER_TO": "b@example.com"})


def test_sources_list_keeps_order_and_accepts_image_urls() -> None:
    settings = load_settings({"PICLETTER_SOURCE": "APOD, https://example.com/a.jpg ,wikimedia"})
    assert settings.sources == ("apod", "https://example.com/a.jpg", "wikimedia")


def test_secrets_include_keys_and_the_smtp_password() -> None:
    settings = load_settings(
        {
            "PICLETTER_MAILER": "smtp",
            "PICLETTER_FROM": "a@example.com",
            "PICLETTER_TO": "b@example.com",
            "SMTP_URL": "smtp://u:pa55word@mail.example.com:587",
            "NASA_API_KEY": "nasa-k",
            "SENDGRID_API_KEY": "sg-key",
        }
    )
    assert {"pa55word", "nasa-k", "sg-key"} <= set(settings.secrets)
    assert "pa55word" not in repr(settings)


BASE = {"PICLETTER_FROM": "a@example.com", "PICLETTER_MAILER": "outbox"}


@pytest.mark.parametrize(
    ("to", "problem"),
    [
        ("me@, you@example.com", "PICLETTER_TO has 'me@', which is not an email address"),
        ("me@", "PICLETTER_TO has 'me@', which is not an email address"),
        ("you@example.com, @example.com", "PICLETTER_TO has '@example.com'"),
        (",", "PICLETTER_TO is required"),
    ],
)
def test_every_bad_recipient_is_named_and_none_is_never_sent(to: str, problem: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({**BASE, "PICLETTER_TO": to})
    assert [p for p in raised.value.problems if p.startswith(problem)], raised.value.problems


def test_recipients_keep_quoted_names_with_commas() -> None:
    settings = load_settings({**BASE, "PICLETTER_TO": '"Doe, Jane" <jane@example.com>, bob@example.com,'})
    assert settings.recipients == ("jane@example.com", "bob@example.com")


@pytest.mark.parametrize("url", ["smtp://u:p@host:99999", "smtp://u:p@host:port"])
def test_an_smtp_port_out_of_range_is_a_settings_problem_not_a_traceback(url: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({**BASE, "PICLETTER_TO": "b@example.com", "PICLETTER_MAILER": "smtp", "SMTP_URL": url})
    assert any("SMTP_URL has a port that is not 1 to 65535" in p for p in raised.value.problems)


@pytest.mark.parametrize(
    ("env", "needs_tls"),
    [
        ({"PICLETTER_SOURCE": "sample"}, False),
        ({"PICLETTER_SOURCE": "sample,http://127.0.0.1:8080/pic.png"}, False),
        ({"PICLETTER_SOURCE": "sample", "PICLETTER_MAILER": "smtp", "SMTP_URL": "smtps://u:p@mail.example.com"}, False),
        ({"PICLETTER_SOURCE": "sample", "SENDGRID_API_KEY": "k", "SENDGRID_API_URL": "http://127.0.0.1:9"}, False),
        ({"PICLETTER_SOURCE": "sample", "SENDGRID_API_KEY": "k"}, True),
        ({"PICLETTER_SOURCE": "wikimedia"}, True),
        ({"PICLETTER_SOURCE": "sample,https://example.com/pic.png"}, True),
    ],
)
def test_tls_is_set_up_exactly_when_the_run_may_call_https(env: dict[str, str], needs_tls: bool) -> None:
    settings = load_settings({"PICLETTER_FROM": "a@example.com", "PICLETTER_TO": "b@example.com", **env})
    assert settings.needs_tls is needs_tls
