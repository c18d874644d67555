"""The email's subject, HTML and plain-text bodies from jinja2 templates: pure functions of the picture."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from picletter.sources.base import Picture

__all__ = ["CID", "RenderedEmail", "render_email"]

CID = "picture-of-the-day@picletter"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    html: str
    text: str


@functools.cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("picletter", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_email(picture: Picture, day: date, subject_template: str) -> RenderedEmail:
    context = {"picture": picture, "date": day, "cid": CID}
    # The subject template is user config: sandboxed, and one line.
    subject = SandboxedEnvironment(undefined=StrictUndefined).from_string(subject_template).render(context)
    return RenderedEmail(
        subject=" ".join(subject.split()),
        html=_templates().get_template("email.html").render(context),
        text=_templates().get_template("email.txt").render(context),
    )
