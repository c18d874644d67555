"""SendGrid v3 `POST /v3/mail/send` (202 = accepted), the picture as an inline attachment.

One personalization per recipient: SendGrid sends each personalization as its own email, so every
recipient sees only their own address ("Personalizations", docs.sendgrid.com: "the fields defined
within personalizations apply to each email, not the recipient"); one personalization with every
address in `to` would show each recipient all the others. picletter.settings caps recipients at
SendGrid's 1000 personalizations per request.
"""

from __future__ import annotations

import base64
from email.utils import parseaddr
from typing import Any

import httpx

from picletter.context import RunContext
from picletter.mailers.base import MailError
from picletter.message import Letter
from picletter.render import CID

__all__ = ["send_sendgrid", "sendgrid_payload"]


def _address(text: str) -> dict[str, str]:
    name, email = parseaddr(text)
    return {"email": email, "name": name} if name else {"email": email}


def sendgrid_payload(letter: Letter) -> dict[str, Any]:
    picture = letter.picture
    return {
        "personalizations": [{"to": [_address(r)]} for r in letter.recipients],
        "from": _address(letter.sender),
        "subject": letter.email.subject,
        "content": [
            {"type": "text/plain", "value": letter.email.text},
            {"type": "text/html", "value": letter.email.html},
        ],
        "attachments": [
            {
                "content": base64.b64encode(picture.image).decode(),
                "type": picture.mime,
                "filename": picture.filename,
                "disposition": "inline",
                "content_id": CID,
            }
        ],
    }


def send_sendgrid(letter: Letter, ctx: RunContext) -> str:
    url = f"{ctx.settings.sendgrid_api_url}/v3/mail/send"
    headers = {"Authorization": f"Bearer {ctx.settings.sendgrid_api_key}"}
    try:
        response = ctx.client.post(url, json=sendgrid_payload(letter), headers=headers)
    except httpx.HTTPError as exc:
        raise MailError(f"sendgrid unreachable: {type(exc).__name__}") from None
    if response.status_code != 202:
        try:
            errors = "; ".join(e.get("message", "") for e in response.json().get("errors", []))
        except ValueError:
            errors = ""
        hint = " (check SENDGRID_API_KEY)" if response.status_code in (401, 403) else ""
        raise MailError(f"sendgrid answered {response.status_code}{hint}: {errors or response.reason_phrase}")
    return str(response.headers.get("X-Message-Id", "accepted"))
