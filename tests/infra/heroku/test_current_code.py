"""Whose code an app runs, and when shipping the job's code may replace it (docs/adr/0005)."""

from __future__ import annotations

from typing import Any

from infra.heroku.current_code import code_on_app, current_release, describe_release
from infra.heroku.payloads import Build, Release

OURS = "a" * 64
THEIRS_SLUG = "slug-from-git-push"
OUR_SLUG = "slug-from-our-build"


def release(version: int, description: str, slug: str | None = None, **extra: Any) -> Release:
    item: dict[str, Any] = {
        "id": f"r{version}",
        "version": version,
        "description": description,
        "status": "succeeded",
        "current": False,
        "created_at": f"2026-11-{version:02d}T10:00:00Z",
        "slug": {"id": slug} if slug else None,
        "artifacts": [{"type": "slug", "id": slug}] if slug else [],
        "user": {"email": "dev@example.com"},
        **extra,
    }
    return item  # type: ignore[return-value]


def build(slug: str, checksum: str | None, status: str = "succeeded") -> Build:
    return {"id": f"b-{slug}", "status": status, "slug": {"id": slug}, "source_blob": {"checksum": checksum}}


def newest_first(*releases: Release) -> list[Release]:
    *earlier, last = releases
    last["current"] = True
    return list(reversed([*earlier, last]))


def test_a_new_app_runs_no_code_so_nothing_is_replaced() -> None:
    code = code_on_app(newest_first(release(1, "Initial release"), release(2, "Enable Logplex")), [], [OURS])
    assert code.code is None and code.replaces == "" and code.refusal("shop", None) is None


def test_code_from_a_git_push_is_refused_naming_the_release_and_the_setting() -> None:
    releases = newest_first(
        release(1, "Initial release"),
        release(4, "Deploy 9f2c1e7", THEIRS_SLUG),
        release(5, "Set RAILS_ENV config vars", THEIRS_SLUG),  # a config var release keeps the slug
    )
    code = code_on_app(releases, [build(THEIRS_SLUG, None)], [OURS])
    refusal = code.refusal("shop", None)
    assert refusal is not None
    assert 'its current release is v5 "Set RAILS_ENV config vars" of 2026-11-05T10:00:00Z by dev@example.com' in refusal
    assert "`pulumi config set picletter:replaceRelease v5`" in refusal
    assert "set picletter:deployCode false" in refusal and refusal.startswith("picletter:deployCode: app shop")
    # Only that very release may be replaced: a setting naming an older one does not apply.
    assert code.refusal("shop", 4) is not None
    assert code.refusal("shop", 5) is None
    assert code.replaces.endswith("(code this stack did not ship)")


def test_code_this_stack_built_may_be_replaced_without_asking() -> None:
    releases = newest_first(
        release(6, "Deploy aaaaaaaaaaaa", OUR_SLUG), release(7, "Set PICLETTER_TO config vars", OUR_SLUG)
    )
    builds = [build(THEIRS_SLUG, None), build(OUR_SLUG, f"SHA256:{OURS}")]
    code = code_on_app(releases, builds, [OURS])
    assert code.shipped_by_stack and code.refusal("shop", None) is None
    assert code.replaces == f"{describe_release(releases[0])} (this stack's build)"
    # The same slug built from a tarball the stack did not ship is not the stack's.
    assert code_on_app(releases, builds, ["b" * 64]).refusal("shop", None) is not None
    # Nor is a build that failed, whatever its checksum.
    assert code_on_app(releases, [build(OUR_SLUG, f"SHA256:{OURS}", "failed")], [OURS]).refusal("shop", None)


def test_a_pipeline_promotion_runs_a_slug_no_build_of_this_app_made_and_is_refused() -> None:
    promoted = release(3, "Promote rails-shop-staging v41 (1a2b3c4)", "slug-from-staging")
    code = code_on_app(
        newest_first(release(2, "Deploy x", OUR_SLUG), promoted), [build(OUR_SLUG, f"SHA256:{OURS}")], [OURS]
    )
    assert code.refusal("shop", None) is not None and "v3" in str(code.refusal("shop", None))


def test_a_container_release_runs_code_without_a_slug_and_is_refused() -> None:
    image = release(9, "Deployed web (3f2a1b0c)", None, artifacts=[{"type": "oci-image", "id": "img-1"}])
    ours = [build(OUR_SLUG, f"SHA256:{OURS}")]
    code = code_on_app(newest_first(release(8, "Deploy x", OUR_SLUG), image), ours, [OURS])
    assert code.code == "oci-image:img-1"
    assert code.refusal("shop", None) is not None and "v9" in str(code.refusal("shop", None))


def test_the_current_release_is_the_one_heroku_marks_else_the_newest_that_succeeded() -> None:
    failed = release(3, "Deploy broken", "s3", status="failed")
    running = release(2, "Deploy good", "s2")
    assert current_release([failed, {**running, "current": True}]) == {**running, "current": True}  # type: ignore[comparison-overlap]
    assert current_release([failed, running]) == running
    assert current_release([]) is None
