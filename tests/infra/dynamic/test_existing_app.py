"""A stack of an existing app's own jobs, applied to that app: its code and releases stay as they were.

The program runs under Pulumi's mocks with Pulumi.existing-app.example.yaml; every Heroku resource it
registers is then checked and created by its own provider against the fake, which holds a Rails app
deployed by git push (web: bundle exec puma, worker: bundle exec sidekiq) with five releases. The
same stack asked to ship code is refused in check, before anything changes. Azure's side is not
applied (no Azure here)."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import Config, ConfigureRequest

from infra.dynamic.heroku_build import HerokuBuildProvider
from infra.dynamic.heroku_config_vars import HerokuConfigVarsProvider
from infra.dynamic.heroku_provider import HerokuProvider
from infra.synth.mock_run import ProgramRun, reveal_secrets, run_program
from infra.synth.stack_file import load_stack_file
from tests.fakes.heroku_api import EXISTING_APP, FakeHeroku
from tests.helpers import BUILD_TYPE, CONFIG_VARS_TYPE, REPO, TOKEN

PROVIDERS: dict[str, type[HerokuProvider]] = {
    BUILD_TYPE: HerokuBuildProvider,
    CONFIG_VARS_TYPE: HerokuConfigVarsProvider,
}


def program(**overrides: Any) -> ProgramRun:
    stack = load_stack_file(REPO / "Pulumi.existing-app.example.yaml")
    config = {**stack.config, **{f"picletter:{k}": v for k, v in overrides.items()}}
    return run_program(config, secret_keys=stack.secret_keys, env={"HEROKU_API_URL": "", "HEROKU_API_KEY": ""})


def apply_heroku_side(run: ProgramRun, fake: FakeHeroku) -> list[str]:
    """Check, then create, each Heroku resource in registration order, as a first `pulumi up` does;
    stops at the first refusal and returns the failures."""
    for resource in run.resources:
        if resource.type not in PROVIDERS:
            continue
        provider = PROVIDERS[resource.type]()
        provider.configure(ConfigureRequest(Config({"picletter:herokuDeployToken": TOKEN}, "picletter")))
        provider.transport = fake.mock_transport()
        checked = provider.check({}, reveal_secrets(resource.inputs))
        if checked.failures:
            return [f"{f.property}: {f.reason}" for f in checked.failures]
        provider.create(checked.inputs)
    return []


def test_up_on_the_apps_own_jobs_leaves_its_code_config_and_releases_alone() -> None:
    fake = FakeHeroku()
    fake.url = "https://fake-heroku.test"
    app = fake.add_existing_app()
    before = ([dict(r) for r in app.releases], dict(app.config_vars))
    run = program()
    assert [r.type for r in run.resources if r.type in PROVIDERS] == [CONFIG_VARS_TYPE]
    assert apply_heroku_side(run, fake) == []
    assert ([dict(r) for r in app.releases], dict(app.config_vars)) == before
    assert fake.writes() == [] and fake.violations == []


def test_the_same_stack_asked_to_ship_code_is_refused_naming_the_release() -> None:
    fake = FakeHeroku()
    fake.url = "https://fake-heroku.test"
    app = fake.add_existing_app()
    before = [dict(r) for r in app.releases]
    (failure,) = apply_heroku_side(program(deployCode="true"), fake)
    assert f"app {EXISTING_APP} runs code this stack did not ship" in failure
    assert 'current release is v5 "Set RAILS_ENV config vars"' in failure and "replaceRelease v5" in failure
    assert app.releases == before and fake.writes() == [] and fake.blobs == {}
