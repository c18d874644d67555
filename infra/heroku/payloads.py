"""The Platform API answers infra reads, as TypedDicts: only the fields the code uses, named as
Heroku's schema (shared/reference/heroku-platform-api-schema.json) names them. Pure."""

from __future__ import annotations

from typing import TypedDict

__all__ = ["App", "Build", "BuildRelease", "Dyno", "NamedRef"]


class NamedRef(TypedDict, total=False):
    id: str
    name: str


class App(TypedDict, total=False):
    id: str
    name: str
    region: NamedRef
    web_url: str | None


class Dyno(TypedDict, total=False):
    id: str
    name: str  # run.NNNN for one-off dynos
    command: str
    type: str
    size: str
    state: str  # starting, up, crashed, idle, down
    created_at: str
    attach_url: str | None


class BuildRelease(TypedDict, total=False):
    id: str


class Build(TypedDict, total=False):
    id: str
    status: str  # pending, succeeded, failed
    output_stream_url: str | None
    release: BuildRelease | None
