from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

import pytest
from jinja2.exceptions import SecurityError

from picletter.message import Letter
from picletter.picture import Picture
from picletter.render import CID, render_email
from picletter.settings import DEFAULT_SUBJECT
from tests.picletter.helpers import DAY, PNG

PICTURE = Picture(
    image=PNG,
    mime="image/png",
    title="Dawn <script>alert(1)</script>",
    credit="Jane & Co",
    credit_url="https://example.com/jane?a=1&b=2",
    license="CC BY 4.0",
    license_url="https://creativecommons.org/licenses/by/4.0/",
    page_url="https://example.com/dawn",
    description="Light over water.",
    source="test",
    provider_name="Example Commons",
)


def test_html_is_autoescaped_and_references_the_inline_image() -> None:
    rendered = render_email(PICTURE, DAY, DEFAULT_SUBJECT)
    assert "<script>" not in rendered.html and "Dawn &lt;script&gt;" in rendered.html
    assert f'src="cid:{CID}"' in rendered.html
    assert 'href="https://example.com/jane?a=1&amp;b=2"' in rendered.html
    assert "CC BY 4.0" in rendered.html and "Example Commons" in rendered.html


def test_plain_text_body_carries_title_credit_and_license() -> None:
    text = render_email(PICTURE, DAY, DEFAULT_SUBJECT).text
    assert text.startswith("Dawn <script>alert(1)</script>\nSaturday 14 March 2026")
    assert "Credit: Jane & Co <https://example.com/jane?a=1&b=2>" in text
    assert "License: CC BY 4.0 <https://creativecommons.org/licenses/by/4.0/>" in text


def test_subject_template_is_rendered_on_one_line_in_a_sandbox() -> None:
    assert (
        render_email(PICTURE, DAY, "{{ picture.source | upper }}\n{{ date.isoformat() }}").subject == "TEST 2026-03-14"
    )
    with pytest.raises(SecurityError):
        render_email(PICTURE, DAY, "{{ picture.__class__.__mro__ }}")


def test_mime_message_has_text_html_and_the_picture_inline_by_content_id() -> None:
    rendered = render_email(PICTURE, DAY, DEFAULT_SUBJECT)
    letter = Letter("Picletter <p@example.com>", ("a@example.com", "b@example.com"), rendered, PICTURE)
    parsed = email.message_from_bytes(letter.mime().as_bytes(policy=policy.SMTP), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    # Several recipients: the To header names none of them, so no one sees the others' addresses.
    assert parsed["To"] == "undisclosed-recipients:;"
    assert parsed.get_content_type() == "multipart/alternative"
    plain = parsed.get_body(("plain",))
    html = parsed.get_body(("html",))
    assert plain is not None and "Credit: Jane & Co" in plain.get_content()
    assert html is not None and f"cid:{CID}" in html.get_content()
    (image,) = [part for part in parsed.walk() if part.get_content_maintype() == "image"]
    assert image["Content-ID"] == f"<{CID}>"
    assert image.get_content_disposition() == "inline"
    assert image.get_payload(decode=True) == PNG
