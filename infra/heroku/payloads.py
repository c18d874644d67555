"""The Platform API answers infra reads, as TypedDicts: only the fields the code uses, named as
Heroku's schema (shared/reference/heroku-platform-api-schema.json) names them. Pure."""

from __future__ import annotations

from typing import TypedDict

__all__ = [
    "App",
    "AppSpace",
    "Build",
    "BuildRelease",
    "BuildSlug",
    "Dyno",
    "NamedRef",
    "Release",
    "ReleaseArtifact",
    "SourceBlob",
]


class NamedRef(TypedDict, total=False):
    id: str
    name: str


class AppSpace(TypedDict, total=False):
    """The schema's app.space: the Private or Shield Space an app runs in (null in the Common Runtime)."""

    id: str
    name: str
    shield: bool


class App(TypedDict, total=False):
    id: str
    name: str
    region: NamedRef
    web_url: str | None
    # An object in the schema (app.generation), a string in the CLI's 3.sdk types: infra.heroku.generation.
    generation: NamedRef | str
    stack: NamedRef  # "cnb" on Fir apps
    space: AppSpace | None  # infra.heroku.dyno_sizes


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


class BuildSlug(TypedDict, total=False):
    id: str


class SourceBlob(TypedDict, total=False):
    checksum: str | None  # "SHA256:<hex>" of the tarball, as the build was asked to check it
    url: str
    version: str | None
    version_description: str | None  # free text the build keeps: picletter's marker of the stack


class Build(TypedDict, total=False):
    id: str
    app: NamedRef  # the app the build is of, by id and name
    status: str  # pending, succeeded, failed
    output_stream_url: str | None
    release: BuildRelease | None
    slug: BuildSlug | None
    source_blob: SourceBlob
    created_at: str


class ReleaseArtifact(TypedDict, total=False):
    type: str  # "slug", or an OCI image's type for a container release
    id: str


class ReleaseUser(TypedDict, total=False):
    id: str
    email: str


class Release(TypedDict, total=False):
    id: str
    version: int
    description: str
    status: str  # failed, pending, succeeded, expired
    current: bool
    created_at: str
    slug: BuildSlug | None  # the slug the release runs; null for a container (OCI image) release
    artifacts: list[ReleaseArtifact]
    user: ReleaseUser
