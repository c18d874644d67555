"""The email's subject, HTML and plain-text bodies from jinja2 templates: pure functions of the picture.

The job's tarball carries the body templates compiled to Python (picletter/templates_compiled,
written by infra.heroku.source_bundle with `template_environment`), so a dyno skips jinja2's
lexer, parser and code generator; a source checkout has none and compiles them on first use.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import (
    BaseLoader,
    Environment,
    FileSystemLoader,
    ModuleLoader,
    StrictUndefined,
    Template,
    TemplateError,
    select_autoescape,
)
from jinja2.sandbox import SandboxedEnvironment

from picletter.picture import Picture

__all__ = [
    "CID",
    "COMPILED_TEMPLATES",
    "TEMPLATES",
    "RenderedEmail",
    "render_email",
    "subject_problem",
    "template_environment",
]

CID = "picture-of-the-day@picletter"
TEMPLATES = Path(__file__).with_name("templates")
COMPILED_TEMPLATES = Path(__file__).with_name("templates_compiled")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    html: str
    text: str


def template_environment(loader: BaseLoader) -> Environment:
    """The body templates' environment: the same for compiling them ahead and for rendering."""
    return Environment(
        loader=loader,
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


@functools.cache
def _templates() -> Environment:
    if COMPILED_TEMPLATES.is_dir():
        return template_environment(ModuleLoader(str(COMPILED_TEMPLATES)))
    return template_environment(FileSystemLoader(str(TEMPLATES)))


@functools.cache
def _compiled_subject(subject_template: str) -> Template:
    # User config: sandboxed. Compiled once per run, for the start-up check and the email alike.
    return SandboxedEnvironment(undefined=StrictUndefined).from_string(subject_template)


def _subject(subject_template: str, picture: Picture, day: date) -> str:
    subject = _compiled_subject(subject_template).render({"picture": picture, "date": day, "cid": CID})
    return " ".join(subject.split())  # one line


# Every field set, so a template that renders with this one renders with any picture a source finds.
_STAND_IN = Picture(
    image=b"",
    mime="image/png",
    title="title",
    credit="credit",
    license="license",
    source="source",
    license_url="https://example.com/license",
    credit_url="https://example.com/credit",
    page_url="https://example.com/page",
    description="description",
    provider_name="provider",
    provider_url="https://example.com/provider",
)


def subject_problem(subject_template: str, day: date) -> str | None:
    """Why SUBJECT_TEMPLATE cannot render (e.g. `picture.nope`), found before anything is fetched."""
    try:
        _subject(subject_template, _STAND_IN, day)
    except TemplateError as exc:
        fields = "title, credit, license, description, page_url, provider_name"
        return f"PICLETTER_SUBJECT cannot render: {exc.message}; use date and picture.{{{fields}}}"
    return None


def render_email(picture: Picture, day: date, subject_template: str) -> RenderedEmail:
    context = {"picture": picture, "date": day, "cid": CID}
    return RenderedEmail(
        subject=_subject(subject_template, picture, day),
        html=_templates().get_template("email.html").render(context),
        text=_templates().get_template("email.txt").render(context),
    )
