"""Whose code an app runs, and whether shipping the job's code may replace it (docs/adr/0005). Pure.

The rule: the stack ships code only where it replaces nothing it did not ship. Allowed when the
app's current release runs no code (a new app: Heroku's first releases carry no slug), when its
slug was built by this stack (a build of the app whose source checksum is one the stack shipped),
or when `picletter:replaceRelease` names that very release's version. Anything else (a git push,
a pipeline promotion, a container release, a rollback to code of unknown origin) is refused.

Which stack started a build: the stack's builds carry `picletter stack <project>/<stack>` in
`source_blob.version_description` (the schema's "Version description of the gzipped tarball", free
text the build keeps). A rollback to the stack's own earlier build (`heroku releases:rollback`) is
still refused, but named as what it is, with the release to name in `picletter:replaceRelease`:
the rollback is someone's choice of release, which ADR 0005 keeps out of the stack's reach.

Facts used, from Heroku's Platform API schema (shared/reference/heroku-platform-api-schema.json):
a release has `version`, `description`, `created_at`, `current` ("indicates this release as being
the current one for the app"), `slug` ("slug running in this release", null when none) and
`artifacts` (a slug or an OCI image); a build has `slug` and `source_blob.checksum`. Heroku makes
a release for every code deploy, config var change and add-on change (Dev Center, "Releases"), so
config var releases keep the slug of the code they run: the slug, not the release, identifies code.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from infra.heroku.payloads import Build, Release

__all__ = [
    "DEPLOY_SETTING",
    "REPLACE_SETTING",
    "CodeOnApp",
    "build_already_started",
    "code_on_app",
    "current_release",
    "describe_release",
    "release_code",
    "stack_marker",
]

DEPLOY_SETTING = "picletter:deployCode"
REPLACE_SETTING = "picletter:replaceRelease"
MARKER_PREFIX = "picletter stack "


def stack_marker(stack: str) -> str:
    """The `source_blob.version_description` of the builds STACK (`project/stack`) starts."""
    return f"{MARKER_PREFIX}{stack}"


def _checksum(build: Build) -> str:
    return (build.get("source_blob") or {}).get("checksum") or ""


def _marker(build: Build) -> str:
    return (build.get("source_blob") or {}).get("version_description") or ""


def _picletter_tarball(build: Build) -> bool:
    """Whether BUILD was asked for as picletter asks: a SHA256 checksum, its first 12 digits the version."""
    checksum = _checksum(build)
    return checksum.startswith("SHA256:") and (build.get("source_blob") or {}).get("version") == checksum[7:19]


def current_release(releases: Sequence[Release]) -> Release | None:
    """The release the app runs: the one Heroku marks `current`, else the newest that succeeded
    (RELEASES newest first). A failed or pending newest release does not run."""
    marked = [release for release in releases if release.get("current")]
    if marked:
        return marked[0]
    return next((release for release in releases if release.get("status", "succeeded") == "succeeded"), None)


def release_code(release: Release) -> str | None:
    """What code RELEASE runs: its slug's id, an artifact's `type:id` (an OCI image), or None."""
    slug = release.get("slug")
    if slug and slug.get("id"):
        return str(slug["id"])
    for artifact in release.get("artifacts") or []:
        if artifact.get("id"):
            return f"{artifact.get('type', 'artifact')}:{artifact['id']}"
    return None


def describe_release(release: Release) -> str:
    """`v42 "Deploy 3f2a1b0" of 2026-11-20T10:00:00Z by dev@example.com`, as `heroku releases` shows it."""
    text = f'v{release.get("version")} "{release.get("description", "")}" of {release.get("created_at", "?")}'
    email = (release.get("user") or {}).get("email")
    return f"{text} by {email}" if email else text


@dataclass(frozen=True)
class CodeOnApp:
    """What a deploy of the job's code would replace on an app."""

    release: Release | None  # the app's current release, None for an app without one
    code: str | None  # the code that release runs (release_code), None for none
    shipped_by_stack: bool  # built from the code the stack shipped last or ships now
    # The succeeded build that made that code, when it is among the builds read.
    build: Build | None = None
    marker: str | None = None  # stack_marker of the stack asking

    @property
    def earlier_build_of_stack(self) -> bool:
        """An older build this stack started (its marker), which the app runs again (a rollback)."""
        return self.build is not None and self.marker is not None and _marker(self.build) == self.marker

    @property
    def picletter_build(self) -> bool:
        """The code is a build picletter asked for (this stack's earlier one, or one it cannot tell it
        started): only the stack's record of what it shipped last says whether it is its own."""
        return self.build is not None and (self.earlier_build_of_stack or _picletter_tarball(self.build))

    @property
    def owner(self) -> str:
        if self.shipped_by_stack:
            return "this stack's build"
        if self.earlier_build_of_stack:
            return "an earlier build of this stack"
        if self.build is not None and _picletter_tarball(self.build):
            return "a picletter build this stack cannot tell it shipped"
        return "code this stack did not ship"

    @property
    def replaces(self) -> str:
        """For the preview: the release whose code a deploy replaces, or "" when it replaces none."""
        if self.release is None or self.code is None:
            return ""
        return f"{describe_release(self.release)} ({self.owner})"

    def refusal(self, app: str, allowed_version: int | None) -> str | None:
        """Why shipping would replace code the stack did not ship last, or None when it may ship."""
        if self.release is None or self.code is None or self.shipped_by_stack:
            return None
        version = self.release.get("version")
        if allowed_version is not None and allowed_version == version:
            return None
        replace = f"to replace it, run `pulumi config set {REPLACE_SETTING} v{version}`"
        if self.build is not None and self.picletter_build:
            whose = (
                "an earlier build of this stack"
                if self.earlier_build_of_stack
                else "a build of picletter's code that this stack cannot tell it started (an earlier build of "
                "this stack from before builds were marked, or another stack's)"
            )
            return (
                f"{DEPLOY_SETTING}: app {app} runs {whose}, build {self.build.get('id')} of "
                f"{self.build.get('created_at', '?')}, not the code this stack shipped last; its current release "
                f"is {describe_release(self.release)}, as after `heroku releases:rollback`. To keep it, deploy the "
                f"commit that built it (its source checksum is {_checksum(self.build)}); {replace}"
            )
        return (
            f"{DEPLOY_SETTING}: app {app} runs code this stack did not ship, and deploying the picletter job's "
            f"code would replace it: its current release is {describe_release(self.release)}. To keep the app's "
            f"code, set {DEPLOY_SETTING} false and schedule its own commands (docs/how-to/existing-app.md); "
            f"{replace}"
        )


def code_on_app(
    releases: Sequence[Release],
    builds: Sequence[Build],
    shipped_checksums: Collection[str],
    marker: str | None = None,
) -> CodeOnApp:
    """RELEASES and BUILDS newest first; SHIPPED_CHECKSUMS the sha256 (hex) of the tarballs the stack
    shipped last or is about to ship; MARKER the stack's stack_marker."""
    release = current_release(releases)
    code = release_code(release) if release else None
    own = {f"SHA256:{checksum}" for checksum in shipped_checksums}
    made = [
        build
        for build in builds
        if code is not None and (build.get("slug") or {}).get("id") == code and build.get("status") == "succeeded"
    ]
    shipped = any(_checksum(build) in own for build in made)
    return CodeOnApp(release, code, shipped, made[0] if made else None, marker)


def build_already_started(
    builds: Sequence[Build], checksum: str, marker: str | None, running_code: str | None
) -> tuple[Build | None, str | None]:
    """Before starting a build of the tarball CHECKSUM (sha256 hex): a build among BUILDS (newest
    first) that makes it redundant, and else why one might be (a doubt to say, not to build over).

    Redundant: this stack's own build of that tarball still pending (a POST whose answer was lost),
    or any succeeded build of it whose slug the app runs now (RUNNING_CODE). A pending build of it
    that this stack did not mark may be its own from before builds were marked, or another's: the
    doubt. A failed build, or one whose slug the app no longer runs, is no reason not to build."""
    wanted = f"SHA256:{checksum}"
    for build in builds:
        if _checksum(build) != wanted:
            continue
        status = build.get("status")
        if status == "succeeded" and running_code is not None and (build.get("slug") or {}).get("id") == running_code:
            return build, None
        if status == "pending" and marker is not None and _marker(build) == marker:
            return build, None
        if status == "pending":
            return None, (
                f"build {build.get('id')} of this very code (source checksum {wanted}) is running on the app, "
                "and this stack cannot tell whether it started it; nothing was built. Wait for it to finish "
                "(`heroku builds:info " + str(build.get("id")) + "`) and run `pulumi up` again"
            )
    return None, None
