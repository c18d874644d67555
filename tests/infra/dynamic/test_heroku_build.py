"""HerokuBuild: the tarball, the provider against the fake API, and the provider host end to end."""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
import tarfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from jinja2 import FileSystemLoader, ModuleLoader
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.runtime.proto import provider_pb2
from pulumi.runtime.rpc import UNKNOWN

from infra.dynamic.heroku_build import HerokuBuildProvider, HerokuCodeCheckProvider
from infra.heroku.client import HerokuClient
from infra.heroku.current_code import stack_marker
from infra.heroku.errors import HerokuBuildFailed, HerokuNotFound
from infra.heroku.source_bundle import BUNDLED_PACKAGES, BUNDLED_ROOT_FILES, FIXED_MTIME, make_bundle
from picletter.picture import Picture
from picletter.render import TEMPLATES, template_environment
from tests import REPO
from tests.fakes.heroku_api import EXISTING_APP, FakeApp, FakeHeroku
from tests.fakes.provider_host import running_provider_host
from tests.helpers import BUILD_TYPE, TOKEN

APP = "picletter-test"
STACK = "picletter/test"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what the build packs, so tests can change the job's code."""
    root = tmp_path / "project"
    root.mkdir()
    for name in BUNDLED_ROOT_FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, root / name)
    for package in BUNDLED_PACKAGES:
        shutil.copytree(REPO / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_tarball_holds_only_the_job_and_is_deterministic(project: Path) -> None:
    (project / "picletter" / "__pycache__").mkdir(exist_ok=True)
    (project / "picletter" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"junk")
    first, second = make_bundle(project), make_bundle(project)
    assert first.data == second.data and first.sha256 == hashlib.sha256(first.data).hexdigest()
    with tarfile.open(fileobj=io.BytesIO(first.data)) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names)
    assert {
        "Procfile",
        "pyproject.toml",
        "uv.lock",
        ".python-version",
        "picletter/__main__.py",
        "picletter/templates/email.html",
        "netkit/retries.py",  # the job's HTTP retries
    } <= set(names)
    assert not [n for n in names if n.startswith(("infra", "tests")) or n.endswith(".pyc") or "Pulumi" in n]
    # Heroku's buildpack refuses an app with a second package manager's files beside uv.lock.
    assert not {"requirements.txt", "Pipfile", "Pipfile.lock", "poetry.lock"} & set(names)
    assert {(m.mtime, m.uid, m.gid, m.uname) for m in members} == {(FIXED_MTIME, 0, 0, "")}
    # Everything read-only but the exit-reporting wrapper, which the dyno runs.
    assert {m.name: m.mode for m in members if m.mode != 0o644} == {"bin/picletter-run": 0o755}
    assert gzip.decompress(first.data)  # a valid gzip stream


def test_tarball_changes_only_when_the_job_changes(project: Path) -> None:
    before = make_bundle(project).sha256
    (project / "unrelated.txt").write_text("not shipped")
    assert make_bundle(project).sha256 == before
    (project / "picletter" / "templates" / "email.txt").write_text("changed")
    assert make_bundle(project).sha256 != before


def provider_for(fake: FakeHeroku) -> HerokuBuildProvider:
    provider = HerokuBuildProvider()
    provider.configure(ConfigureRequest(Config({"picletter:herokuApiToken": TOKEN}, "picletter")))
    provider.transport = fake.mock_transport()
    provider.poll_interval = 0.0
    return provider


@pytest.fixture
def fake() -> FakeHeroku:
    fake = FakeHeroku()
    fake.url = "https://fake-heroku.test"
    fake.add_app(APP)
    return fake


def props(project: Path) -> dict[str, object]:
    return {"app": APP, "sourceDir": str(project), "checksum": make_bundle(project).sha256}


def test_create_uploads_builds_and_outputs_the_release(fake: FakeHeroku, project: Path) -> None:
    result = provider_for(fake).create(props(project))
    assert result.outs is not None
    assert result.outs["status"] == "succeeded" and result.outs["releaseId"]
    assert result.outs["tarballBytes"] == make_bundle(project).size
    (blob,) = fake.blobs.values()
    assert blob == make_bundle(project).data
    put = next(r for r in fake.requests if r.method == "PUT")
    assert "Authorization" not in put.headers, "the Heroku token must not go to the storage URL"
    build = next(r for r in fake.requests if r.path.endswith("/builds") and r.method == "POST")
    assert build.body["source_blob"]["checksum"] == f"SHA256:{make_bundle(project).sha256}"
    assert fake.violations == []


def test_failed_build_fails_with_the_end_of_its_log(fake: FakeHeroku, project: Path) -> None:
    fake.build_outcome = "failed"
    with pytest.raises(HerokuBuildFailed) as raised:
        provider_for(fake).create(props(project))
    assert "failed" in str(raised.value) and "No matching distribution found for jinja3" in str(raised.value)


def test_stuck_build_times_out_with_advice(fake: FakeHeroku, project: Path) -> None:
    fake.build_outcome = "stuck"
    provider = provider_for(fake)
    provider.build_timeout = 0.05
    provider.poll_interval = 0.01
    with pytest.raises(HerokuBuildFailed, match=r"still pending.*heroku builds:info"):
        provider.create(props(project))


def test_changed_files_after_planning_are_refused(fake: FakeHeroku, project: Path) -> None:
    planned = props(project)
    (project / "picletter" / "job.py").write_text("# edited mid-deploy\n")
    with pytest.raises(HerokuBuildFailed, match="changed since this update was planned"):
        provider_for(fake).create(planned)
    assert fake.blobs == {}


def test_missing_app_fails_before_uploading(fake: FakeHeroku, project: Path) -> None:
    with pytest.raises(HerokuNotFound):
        provider_for(fake).create({**props(project), "app": "nope"})
    assert fake.blobs == {}


def test_diff_builds_only_when_the_checksum_changes(fake: FakeHeroku, project: Path) -> None:
    provider = provider_for(fake)
    olds = props(project)
    assert provider.diff("b", olds, dict(olds)).changes is False
    assert provider.diff("b", olds, {**olds, "checksum": "other"}).changes is True
    assert provider.diff("b", olds, {**olds, "app": "other"}).replaces == ["app"]


def test_engine_first_up_noop_and_code_change(fake_heroku: FakeHeroku, project: Path) -> None:
    provider = HerokuBuildProvider()
    provider.poll_interval = 0.01
    with running_provider_host(
        provider,
        BUILD_TYPE,
        {"HEROKU_API_URL": fake_heroku.url, "HEROKU_API_BACKOFF": "0.01"},
    ) as (host, _):
        host.configure({"picletter:herokuApiToken": TOKEN})
        news = props(project)
        inputs, failures = host.check("job-code", {}, news)
        assert failures == []
        build_id, outs = host.create("job-code", inputs)
        assert outs["status"] == "succeeded" and build_id == outs["buildId"]
        assert host.diff("job-code", build_id, outs, news).changes == provider_pb2.DiffResponse.DIFF_NONE
        (project / "picletter" / "templates" / "email.txt").write_text("new text")
        changed = props(project)
        assert host.diff("job-code", build_id, outs, changed).changes == provider_pb2.DiffResponse.DIFF_SOME
        outs = host.update("job-code", build_id, outs, changed)
        assert outs["checksum"] == changed["checksum"]
        assert len(fake_heroku.builds) == 2


def test_the_tarball_carries_the_email_templates_compiled_and_they_render_as_the_sources_do(
    project: Path, tmp_path: Path
) -> None:
    with tarfile.open(fileobj=io.BytesIO(make_bundle(project).data)) as tar:
        compiled = [m for m in tar.getmembers() if m.name.startswith("picletter/templates_compiled/")]
        assert len(compiled) == len(list(TEMPLATES.iterdir()))
        tar.extractall(tmp_path, members=compiled, filter="data")
    picture = Picture(image=b"", mime="image/png", title="T <&>", credit="C", license="L", source="sample")
    context = {"picture": picture, "date": date(2026, 3, 1), "cid": "cid"}
    ahead = template_environment(ModuleLoader(str(tmp_path / "picletter" / "templates_compiled")))
    source = template_environment(FileSystemLoader(str(TEMPLATES)))
    for name in ("email.html", "email.txt"):
        assert ahead.get_template(name).render(context) == source.get_template(name).render(context)
    assert "T &lt;&amp;&gt;" in ahead.get_template("email.html").render(context)  # still autoescaped


def test_a_build_answers_pending_first_and_the_provider_polls_until_it_succeeds(
    fake: FakeHeroku, project: Path
) -> None:
    fake.build_seconds = 0.05
    result = provider_for(fake).create(props(project))
    assert result.outs is not None and result.outs["status"] == "succeeded" and result.outs["releaseId"]
    polls = [r for r in fake.requests if r.method == "GET" and "/builds/" in r.path]
    assert polls, "the create answered pending, so the provider must have asked again"


def test_a_dropped_build_output_stream_is_resumed_with_range_and_kept(
    fake_heroku: FakeHeroku, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEROKU_API_URL", fake_heroku.url)
    fake_heroku.drop_build_output_streams = 2  # two disconnects in a row
    provider = HerokuBuildProvider()
    provider.configure(ConfigureRequest(Config({"picletter:herokuApiToken": TOKEN}, "picletter")))
    provider.poll_interval = 0.01
    result = provider.create(props(project))
    assert result.outs is not None and result.outs["status"] == "succeeded"
    reads = [r for r in fake_heroku.requests if r.path.startswith("/build-output/")]
    assert [r.headers.get("Range") for r in reads] == [None, "bytes=40-", "bytes=80-"]
    with HerokuClient(TOKEN, base_url=fake_heroku.url) as heroku:
        fake_heroku.drop_build_output_streams = 1
        lines = heroku.build_output(f"{fake_heroku.url}{reads[0].path}", max_seconds=5)
    assert lines == fake_heroku.build_output[reads[0].path.rsplit("/", 1)[1]], "every line, once, in order"


def test_the_fake_build_output_honours_range(fake_heroku: FakeHeroku, project: Path) -> None:
    fake_heroku.build_output["b1"] = ["first line", "second line"]
    url = f"{fake_heroku.url}/build-output/b1"
    whole = httpx.get(url)
    assert whole.status_code == 200 and whole.text == "first line\nsecond line\n"
    part = httpx.get(url, headers={"Range": "bytes=11-"})
    assert part.status_code == 206 and part.text == "second line\n"
    assert part.headers["Content-Range"] == "bytes 11-22/23"
    assert httpx.get(url, headers={"Range": "bytes=23-"}).status_code == 416


def test_build_output_that_answers_404_at_first_is_asked_again(fake_heroku: FakeHeroku) -> None:
    fake_heroku.build_output["b1"] = ["-----> Building on the Heroku-24 stack", "       Released v7"]
    fake_heroku.build_output_missing = 3
    pauses: list[float] = []
    with HerokuClient(TOKEN, base_url=fake_heroku.url, sleep=pauses.append) as heroku:
        lines = heroku.build_output(f"{fake_heroku.url}/build-output/b1", max_seconds=60)
    assert lines == fake_heroku.build_output["b1"]
    assert pauses == [1.0, 1.0, 1.0], "a second apart, as the Heroku CLI's streamer asks again"


def test_build_output_that_never_appears_is_given_up_after_30_tries(fake_heroku: FakeHeroku) -> None:
    fake_heroku.build_output["b1"] = ["never shown"]
    fake_heroku.build_output_missing = 1000
    with HerokuClient(TOKEN, base_url=fake_heroku.url, sleep=lambda _: None) as heroku:
        assert heroku.build_output(f"{fake_heroku.url}/build-output/b1", max_seconds=60) == []
    reads = [r for r in fake_heroku.requests if r.path == "/build-output/b1"]
    assert len(reads) == 31, "the first read and 30 more, as the Heroku CLI's streamer"


# -- code deployment never replaces code the stack did not ship (docs/adr/0005) -------------------


def existing(fake: FakeHeroku) -> FakeApp:
    return fake.add_existing_app()


def shipping_to(app: str, project: Path, **extra: object) -> dict[str, object]:
    return {**props(project), "app": app, "replaceRelease": None, **extra}


def test_check_refuses_to_replace_an_apps_own_code_before_anything_changes(fake: FakeHeroku, project: Path) -> None:
    app = existing(fake)
    releases_before = [dict(r) for r in app.releases]
    result = provider_for(fake).check({}, shipping_to(EXISTING_APP, project))
    inputs, failures = result.inputs, result.failures
    (failure,) = failures
    current = app.releases[-1]
    assert current["version"] == 5 and current["description"] == "Set RAILS_ENV config vars"
    assert failure.property == "app"
    assert f'current release is v5 "Set RAILS_ENV config vars" of {current["created_at"]} by dev@example.com' in (
        failure.reason
    )
    assert "`pulumi config set picletter:replaceRelease v5`" in failure.reason
    assert fake.writes() == [] and app.releases == releases_before, "nothing changed on Heroku"
    # It asked as the Heroku CLI's `releases` command does: newest first, by version.
    asked = next(r for r in fake.requests if r.path.endswith("/releases"))
    assert asked.headers["Range"] == "version ..; max=10, order=desc"
    assert inputs["replaces"].startswith("v5 ") and inputs["replaces"].endswith("(code this stack did not ship)")


def test_replacing_the_release_named_ships_and_shows_what_it_replaces(fake: FakeHeroku, project: Path) -> None:
    app = existing(fake)
    provider = provider_for(fake)
    result = provider.check({}, shipping_to(EXISTING_APP, project, replaceRelease=5))
    assert result.failures == []
    assert result.inputs["replaces"].startswith('v5 "Set RAILS_ENV config vars"')
    assert result.inputs["replaces"].endswith("(code this stack did not ship)")
    outs = provider.create(result.inputs).outs
    assert outs is not None and outs["replaces"] == result.inputs["replaces"]
    assert app.releases[-1]["version"] == 6 and app.releases[-1]["description"].startswith("Deploy ")
    # The next code change replaces the stack's own build: no setting needed, and the preview says so.
    (project / "picletter" / "templates" / "email.txt").write_text("new text")
    again = provider.check(result.inputs, shipping_to(EXISTING_APP, project))
    assert again.failures == [] and again.inputs["replaces"].endswith("(this stack's build)")
    # A config var release keeps the stack's slug: still the stack's code.
    app.release("Set PICLETTER_TO config vars")
    assert provider.check(result.inputs, shipping_to(EXISTING_APP, project)).failures == []


def test_a_push_after_the_stacks_deploy_is_refused_again_even_with_the_old_setting(
    fake: FakeHeroku, project: Path
) -> None:
    app = existing(fake)
    provider = provider_for(fake)
    first = provider.check({}, shipping_to(EXISTING_APP, project, replaceRelease=5)).inputs
    provider.create(first)
    app.release("Deploy 0c0ffee", slug=fake.add_slug("web: bundle exec puma\n"))
    (project / "picletter" / "templates" / "email.txt").write_text("new text")
    (failure,) = provider.check(first, shipping_to(EXISTING_APP, project, replaceRelease=5)).failures
    assert 'v7 "Deploy 0c0ffee"' in failure.reason and "replaceRelease v7" in failure.reason


def test_a_push_between_preview_and_up_is_not_overwritten(fake: FakeHeroku, project: Path) -> None:
    app = existing(fake)
    provider = provider_for(fake)
    planned = provider.check({}, shipping_to(EXISTING_APP, project, replaceRelease=5)).inputs
    app.release("Set DATABASE_URL config vars")  # the stack's own config vars: same code, fine
    app.release("Deploy 0c0ffee", slug=fake.add_slug("web: bundle exec puma\n"))  # someone pushed
    with pytest.raises(HerokuBuildFailed, match=r'now runs other code .* v7 "Deploy 0c0ffee"'):
        provider.create(planned)
    assert fake.blobs == {} and not [r for r in fake.writes() if r.path.endswith("/builds")]


def test_changing_heroku_app_follows_the_same_rule(fake: FakeHeroku, project: Path) -> None:
    existing(fake)
    provider = provider_for(fake)
    shipped = provider.create(provider.check({}, props(project)).inputs).outs
    assert shipped is not None
    moved = shipping_to(EXISTING_APP, project)
    assert provider.diff("b", shipped, moved).replaces == ["app"]
    (failure,) = provider.check(shipped, moved).failures
    assert "app rails-shop runs code this stack did not ship" in failure.reason


def test_an_app_the_stack_creates_needs_no_question_and_no_request_in_preview(fake: FakeHeroku, project: Path) -> None:
    provider = provider_for(fake)
    preview = provider.check({}, {**props(project), "app": UNKNOWN})  # its name is not known yet
    assert preview.failures == [] and fake.requests == []
    # In the update the app exists, new: its first release runs no code, so nothing is replaced.
    fake.add_app("picletter-new")
    update = provider.check({}, {**props(project), "app": "picletter-new"})
    assert update.failures == [] and update.inputs["replaces"] == ""


def test_without_a_build_to_make_nothing_is_asked_or_refused(fake: FakeHeroku, project: Path) -> None:
    existing(fake)
    same = shipping_to(EXISTING_APP, project)
    assert provider_for(fake).check(same, same).failures == []
    assert fake.requests == [], "an update that builds nothing reads no releases"


def test_releases_that_cannot_be_read_fail_the_check_in_one_line(fake: FakeHeroku, project: Path) -> None:
    existing(fake)
    fake.fail("GET", rf"/apps/{EXISTING_APP}/releases", status=403, times=5)
    (failure,) = provider_for(fake).check({}, shipping_to(EXISTING_APP, project)).failures
    assert "could not read the releases of app rails-shop" in failure.reason and "\n" not in failure.reason


def test_the_engine_sees_the_refusal_through_the_provider_host(fake_heroku: FakeHeroku, project: Path) -> None:
    app = fake_heroku.add_existing_app()
    with running_provider_host(
        HerokuBuildProvider(), BUILD_TYPE, {"HEROKU_API_URL": fake_heroku.url, "HEROKU_API_BACKOFF": "0.01"}
    ) as (host, _):
        host.configure({"picletter:herokuDeployToken": TOKEN})
        _, failures = host.check("job-code", {}, shipping_to(EXISTING_APP, project))
    (failure,) = failures
    assert failure.startswith("app: picletter:deployCode: app rails-shop runs code this stack did not ship")
    assert [r["version"] for r in app.releases] == [1, 2, 3, 4, 5] and fake_heroku.writes() == []


def test_the_fake_lists_releases_newest_first_and_builds_by_started_at(fake_heroku: FakeHeroku) -> None:
    fake_heroku.add_existing_app()
    with HerokuClient(TOKEN, base_url=fake_heroku.url) as heroku:
        assert [r["version"] for r in heroku.releases(EXISTING_APP, newest=2)] == [5, 4]
        (git_push,) = heroku.builds(EXISTING_APP, newest=5)
    assert git_push["source_blob"]["checksum"] is None
    assert git_push["slug"] == fake_heroku.apps[EXISTING_APP].releases[-1]["slug"]
    slug = fake_heroku.slugs[git_push["slug"]["id"]]
    assert slug["process_types"] == {"web": "bundle exec puma", "worker": "bundle exec sidekiq"}


# -- a refresh forgets a build only when Heroku says it is gone ---------------------------------------


def shipped(fake: FakeHeroku, project: Path) -> dict[str, Any]:
    provider = provider_for(fake)
    outs = provider.create(provider.check({}, {**props(project), "stack": STACK}).inputs).outs
    assert outs is not None
    return outs


def test_a_refresh_after_the_app_was_renamed_keeps_the_build(fake: FakeHeroku, project: Path) -> None:
    outs = shipped(fake, project)
    fake.rename_app(APP, "picletter-renamed")  # `heroku apps:rename`: same id, old name answers 404

    read = provider_for(fake).read(outs["buildId"], outs)

    assert read.id == outs["buildId"] and read.outs is not None and read.outs["status"] == "succeeded"
    assert read.outs["appId"] == fake.apps["picletter-renamed"].id


def test_a_refresh_forgets_a_build_whose_app_was_deleted(fake: FakeHeroku, project: Path) -> None:
    outs = shipped(fake, project)
    del fake.apps[APP]
    assert provider_for(fake).read(outs["buildId"], outs).id is None


def test_a_refresh_forgets_a_build_the_app_no_longer_has(fake: FakeHeroku, project: Path) -> None:
    outs = shipped(fake, project)
    del fake.builds[outs["buildId"]]
    assert provider_for(fake).read(outs["buildId"], outs).id is None


def test_a_state_without_the_app_id_is_not_forgotten_when_the_name_is_not_found(
    fake: FakeHeroku, project: Path
) -> None:
    """States written before `appId` address the app by name: renamed or deleted, Heroku answers the
    same 404, so the read says what to do instead of dropping the build."""
    outs = {key: value for key, value in shipped(fake, project).items() if key != "appId"}
    fake.rename_app(APP, "picletter-renamed")
    with pytest.raises(HerokuNotFound, match=r"may have been renamed.*set picletter:herokuApp to its new name"):
        provider_for(fake).read(outs["buildId"], outs)


def test_a_state_without_the_app_id_learns_it_on_refresh(fake: FakeHeroku, project: Path) -> None:
    outs = {key: value for key, value in shipped(fake, project).items() if key != "appId"}
    read = provider_for(fake).read(outs["buildId"], outs)
    assert read.outs is not None and read.outs["appId"] == fake.apps[APP].id


# -- the stack's own earlier build ----------------------------------------------------------------------


def test_an_up_from_an_older_commit_ships_its_code_again(fake: FakeHeroku, project: Path) -> None:
    provider = provider_for(fake)
    first = shipped(fake, project)
    (project / "picletter" / "templates" / "email.txt").write_text("newer text")
    second = provider.update("b", first, provider.check(first, {**props(project), "stack": STACK}).inputs).outs
    assert second is not None
    (project / "picletter" / "templates" / "email.txt").write_text((REPO / "picletter/templates/email.txt").read_text())

    again = provider.check(second, {**props(project), "stack": STACK})

    assert again.failures == [] and again.inputs["replaces"].endswith("(this stack's build)")


def test_a_rollback_to_the_stacks_earlier_build_is_refused_as_what_it_is(fake: FakeHeroku, project: Path) -> None:
    provider = provider_for(fake)
    first = shipped(fake, project)
    (project / "picletter" / "templates" / "email.txt").write_text("newer text")
    second = provider.update("b", first, provider.check(first, {**props(project), "stack": STACK}).inputs).outs
    assert second is not None
    app = fake.apps[APP]
    old_slug = fake.builds[first["buildId"]]["slug"]["id"]
    app.release(f"Rollback to v{app.releases[-2]['version']}", slug=old_slug)  # `heroku releases:rollback`
    (project / "picletter" / "templates" / "email.txt").write_text("newest text")

    (failure,) = provider.check(second, {**props(project), "stack": STACK}).failures

    version = app.releases[-1]["version"]
    assert "runs code this stack did not ship" not in failure.reason
    assert f"app {APP} runs an earlier build of this stack, build {first['buildId']}" in failure.reason
    assert f'not the code this stack shipped last; its current release is v{version} "Rollback' in failure.reason
    assert f"SHA256:{first['checksum']}" in failure.reason
    assert f"`pulumi config set picletter:replaceRelease v{version}`" in failure.reason
    allowed = provider.check(second, {**props(project), "stack": STACK, "replaceRelease": version})
    assert allowed.failures == [] and allowed.inputs["replaces"].endswith("(an earlier build of this stack)")


def test_a_rollback_to_an_unmarked_picletter_build_says_it_cannot_tell(fake: FakeHeroku, project: Path) -> None:
    """Builds from before the marker, or another stack's: picletter's shape, no marker of this stack."""
    provider = provider_for(fake)
    first = shipped(fake, project)
    fake.builds[first["buildId"]]["source_blob"].pop("version_description")
    (project / "picletter" / "templates" / "email.txt").write_text("newer text")
    second = provider.update("b", first, provider.check(first, {**props(project), "stack": STACK}).inputs).outs
    assert second is not None
    app = fake.apps[APP]
    app.release("Rollback to v3", slug=fake.builds[first["buildId"]]["slug"]["id"])
    (project / "picletter" / "templates" / "email.txt").write_text("newest text")

    (failure,) = provider.check(second, {**props(project), "stack": STACK}).failures

    assert "a build of picletter's code that this stack cannot tell it started" in failure.reason


# -- a build request whose answer was lost -----------------------------------------------------------------


@pytest.mark.parametrize("lost", ["reset", "503"])
def test_a_build_started_by_a_request_whose_answer_was_lost_is_followed_not_repeated(
    fake: FakeHeroku, project: Path, lost: str
) -> None:
    fault = {"reset": True} if lost == "reset" else {"status": 503}
    fake.fail("POST", rf"/apps/{APP}/builds", applied=True, **fault)
    provider = provider_for(fake)

    outs = provider.create(provider.check({}, {**props(project), "stack": STACK}).inputs).outs

    assert outs is not None and outs["status"] == "succeeded"
    assert len(fake.builds) == 1 and outs["buildId"] in fake.builds


def start_build_and_lose_the_answer(fake: FakeHeroku, project: Path, stack: str = STACK) -> str:
    """A run whose POST /builds took effect, then ended before it heard back (killed, timed out)."""
    bundle = make_bundle(project)
    with HerokuClient(TOKEN, transport=fake.mock_transport()) as heroku:
        get_url, put_url = heroku.create_source()
        heroku.upload_blob(put_url, bundle.data)
        build = heroku.create_build(APP, get_url, f"SHA256:{bundle.sha256}", bundle.sha256[:12], stack_marker(stack))
    return build["id"]


def test_the_next_run_follows_the_build_a_lost_answer_left_pending(fake: FakeHeroku, project: Path) -> None:
    fake.build_seconds = 0.3  # still building when the next run looks
    started = start_build_and_lose_the_answer(fake, project)
    provider = provider_for(fake)

    outs = provider.create(provider.check({}, {**props(project), "stack": STACK}).inputs).outs

    assert outs is not None and outs["buildId"] == started and outs["status"] == "succeeded"
    assert list(fake.builds) == [started], "no second build"
    assert len([r for r in fake.requests if r.method == "PUT"]) == 1, "nothing uploaded again"


def test_the_next_run_takes_a_finished_build_the_app_runs_as_it_is(fake: FakeHeroku, project: Path) -> None:
    started = start_build_and_lose_the_answer(fake, project)
    time.sleep(fake.build_seconds)  # it finished and released meanwhile
    provider = provider_for(fake)

    outs = provider.create(provider.check({}, {**props(project), "stack": STACK}).inputs).outs

    assert outs is not None and outs["buildId"] == started and outs["status"] == "succeeded"
    assert list(fake.builds) == [started]


def test_a_build_request_that_never_arrived_says_so_and_the_next_run_builds(fake: FakeHeroku, project: Path) -> None:
    fake.fail("POST", rf"/apps/{APP}/builds", reset=True)  # not applied: Heroku never saw it
    provider = provider_for(fake)
    planned = provider.check({}, {**props(project), "stack": STACK}).inputs
    with pytest.raises(HerokuBuildFailed, match=r"no build of this code is listed.*it looks for the build"):
        provider.create(planned)
    assert fake.builds == {}
    outs = provider.create(planned).outs
    assert outs is not None and outs["status"] == "succeeded" and len(fake.builds) == 1


def test_a_pending_build_of_the_same_code_not_marked_by_the_stack_is_named_not_built_over(
    fake: FakeHeroku, project: Path
) -> None:
    fake.build_seconds = 3600.0
    pending = start_build_and_lose_the_answer(fake, project, stack="picletter/another-stack")

    provider = provider_for(fake)
    provider.build_timeout = 1.0  # a second build would be stuck too: not waited for here
    with pytest.raises(HerokuBuildFailed, match=rf"build {pending} of this very code .* cannot tell"):
        provider.create(provider.check({}, {**props(project), "stack": STACK}).inputs)
    assert len(fake.builds) == 1


def test_a_failed_build_of_the_same_code_is_built_again(fake: FakeHeroku, project: Path) -> None:
    fake.build_outcome = "failed"
    provider = provider_for(fake)
    with pytest.raises(HerokuBuildFailed):
        provider.create(provider.check({}, {**props(project), "stack": STACK}).inputs)
    fake.build_outcome = "succeeded"
    outs = provider.create(provider.check({}, {**props(project), "stack": STACK}).inputs).outs
    assert outs is not None and outs["status"] == "succeeded" and len(fake.builds) == 2


# -- the build's check made before the config vars are written (HerokuCodeCheck) ---------------------------


def code_check_for(fake: FakeHeroku) -> HerokuCodeCheckProvider:
    provider = HerokuCodeCheckProvider()
    provider.configure(ConfigureRequest(Config({"picletter:herokuApiToken": TOKEN}, "picletter")))
    provider.transport = fake.mock_transport()
    return provider


def test_the_code_check_refuses_code_from_elsewhere_and_writes_nothing(fake: FakeHeroku, project: Path) -> None:
    existing(fake)
    provider = code_check_for(fake)
    news = shipping_to(EXISTING_APP, project)
    (failure,) = provider.check({}, news).failures
    assert failure.reason.startswith(f"picletter:deployCode: app {EXISTING_APP} runs code this stack did not ship")
    allowed = provider.check({}, {**news, "replaceRelease": 5})
    assert allowed.failures == []
    assert provider.create(allowed.inputs).outs == allowed.inputs
    assert provider.update("id", allowed.inputs, allowed.inputs).outs == allowed.inputs
    assert fake.writes() == []


def test_the_code_check_without_a_state_leaves_a_picletter_build_to_the_builds_check(
    fake: FakeHeroku, project: Path
) -> None:
    """A stack from before this check has a build in its state that only the build's own check sees:
    an unmarked picletter build may be its own. With a state of its own, the check is the build's."""
    first = shipped(fake, project)
    fake.builds[first["buildId"]]["source_blob"].pop("version_description")
    (project / "picletter" / "templates" / "email.txt").write_text("newer text")
    news = {**props(project), "stack": STACK}

    assert code_check_for(fake).check({}, news).failures == []
    (failure,) = provider_for(fake).check({}, news).failures
    assert "a build of picletter's code that this stack cannot tell it started" in failure.reason
    (failure,) = code_check_for(fake).check({**first, "checksum": "0" * 64}, news).failures
    assert "a build of picletter's code that this stack cannot tell it started" in failure.reason
