"""The MIME message: text and HTML alternatives, the picture inline (Content-ID) beside the HTML."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from picletter.picture import Picture
from picletter.render import CID, RenderedEmail

__all__ = ["UNDISCLOSED", "Letter", "build_message"]


# With several recipients the To header names none of them (RFC 5322 3.6.3 allows an empty group),
# and the envelope carries each, as Bcc would: no recipient sees the others' addresses.
UNDISCLOSED = "undisclosed-recipients:;"


def build_message(sender: str, recipients: tuple[str, ...], email: RenderedEmail, picture: Picture) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipients[0] if len(recipients) == 1 else UNDISCLOSED
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="picletter")
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    html_part = message.get_body(preferencelist=("html",))
    assert isinstance(html_part, EmailMessage)
    maintype, subtype = picture.mime.split("/")
    html_part.add_related(
        picture.image,
        maintype=maintype,
        subtype=subtype,
        cid=f"<{CID}>",
        filename=picture.filename,
        disposition="inline",
    )
    return message


@dataclass(frozen=True)
class Letter:
    """What every mailer sends: SMTP and the outbox as MIME, SendGrid as its JSON."""

    sender: str
    recipients: tuple[str, ...]
    email: RenderedEmail
    picture: Picture

    def mime(self) -> EmailMessage:
        return build_message(self.sender, self.recipients, self.email, self.picture)
