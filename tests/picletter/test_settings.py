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
