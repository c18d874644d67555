"""HerokuConfigVars end to end: the SDK's provider host over gRPC against the fake Heroku API."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from infra.dynamic.heroku_config_vars import HerokuConfigVarsProvider
from tests.fakes.heroku_api import FakeHeroku
from tests.fakes.provider_host import ProviderHost, running_provider_host
from tests.helpers import CONFIG_VARS_TYPE, TOKEN

APP = "picletter-test"
CANARY = "canary-secret-7f3a9c"
NAME = "jobs-config"


@pytest.fixture
def host(fake_heroku: FakeHeroku) -> Iterator[ProviderHost]:
    with running_provider_host(
        HerokuConfigVarsProvider(),
        CONFIG_VARS_TYPE,
        {"HEROKU_API_URL": fake_heroku.url, "HEROKU_API_BACKOFF": "0.01"},
    ) as (host, process):
        host.configure({"picletter:herokuApiToken": TOKEN})
        yield host
        process.terminate()
        assert process.stderr is not None
        stderr = process.stderr.read().decode()
        assert CANARY not in stderr and TOKEN not in stderr


def test_lifecycle_create_noop_update_refresh_delete(host: ProviderHost, fake_heroku: FakeHeroku) -> None:
    # A value with bytes that survive only if nobody rewrites it.
    fake_heroku.apps[APP].config_vars["BINARYISH"] = 'line1\nline2\t\u00e9\u2603 "quoted" '
    unmanaged_before = dict(fake_heroku.apps[APP].config_vars)

    def unmanaged_unchanged() -> None:
        live = fake_heroku.apps[APP].config_vars
        assert {k: live.get(k) for k in unmanaged_before} == unmanaged_before

    news = {"app": APP, "vars": {"PICLETTER_TO": "ops@example.com", "SENDGRID_API_KEY": CANARY}}

    inputs, failures = host.check(NAME, {}, news)
    assert failures == []
    id_, outs = host.create(NAME, inputs)
    assert outs["keys"] == ["PICLETTER_TO", "SENDGRID_API_KEY"]
    assert fake_heroku.apps[APP].config_vars["SENDGRID_API_KEY"] == CANARY
    unmanaged_unchanged()

    # A no-op `up`: Check + Diff only, and no write reaches Heroku.
    writes_before = len(fake_heroku.writes())
    inputs, _ = host.check(NAME, news, news)
    assert host.diff(NAME, id_, outs, inputs).changes == provider_pb2.DiffResponse.DIFF_NONE
    assert len(fake_heroku.writes()) == writes_before

    changed = {"app": APP, "vars": {"PICLETTER_TO": "team@example.com"}}
    assert host.diff(NAME, id_, outs, changed).changes == provider_pb2.DiffResponse.DIFF_SOME
    outs = host.update(NAME, id_, outs, changed)
    assert "SENDGRID_API_KEY" not in fake_heroku.apps[APP].config_vars
    unmanaged_unchanged()

    fake_heroku.apps[APP].config_vars["PICLETTER_TO"] = "drifted@example.com"
    _, refreshed = host.read(NAME, id_, outs)
    assert refreshed["vars"] == {"PICLETTER_TO": "drifted@example.com"}
    unmanaged_unchanged()

    host.delete(NAME, id_, refreshed)
    assert fake_heroku.apps[APP].config_vars == unmanaged_before
    # No write ever named a key the stack does not own.
    written = {key for request in fake_heroku.writes() if request.body for key in request.body}
    assert written.isdisjoint(unmanaged_before)


def test_check_failure_names_the_key(host: ProviderHost) -> None:
    _, failures = host.check(NAME, {}, {"app": APP, "vars": {"not-a-key": "x"}})
    assert failures and "not-a-key" in failures[0] and "letters, digits and underscores" in failures[0]


def test_heroku_outage_mid_create_is_an_error_and_the_retry_converges(
    host: ProviderHost, fake_heroku: FakeHeroku
) -> None:
    fake_heroku.fail("PATCH", r"/apps/[^/]+/config-vars", 503, times=50)
    with pytest.raises(grpc.RpcError) as raised:
        host.create(NAME, {"app": APP, "vars": {"A": CANARY}})
    details = raised.value.details() or ""
    assert "503" in details and CANARY not in details and TOKEN not in details
    fake_heroku.faults.clear()
    # The engine keeps no state for a failed create; the next `up` simply creates again.
    _, outs = host.create(NAME, {"app": APP, "vars": {"A": CANARY}})
    assert outs["keys"] == ["A"] and fake_heroku.apps[APP].config_vars["A"] == CANARY


def test_wrong_token_is_a_clear_auth_error(fake_heroku: FakeHeroku) -> None:
    with running_provider_host(
        HerokuConfigVarsProvider(),
        CONFIG_VARS_TYPE,
        {"HEROKU_API_URL": fake_heroku.url, "HEROKU_API_BACKOFF": "0.01"},
    ) as (host, _):
        host.configure({"picletter:herokuApiToken": "not-the-token"})
        with pytest.raises(grpc.RpcError) as raised:
            host.create(NAME, {"app": APP, "vars": {"A": "1"}})
    details = raised.value.details() or ""
    assert "401" in details and "picletter:herokuApiToken" in details and "not-the-token" not in details


def test_a_patch_applied_whose_answer_is_lost_keeps_the_adopted_keys_earlier_value(
    host: ProviderHost, fake_heroku: FakeHeroku
) -> None:
    # Heroku applies the PATCH and the connection is reset before its answer arrives, on every retry.
    fake_heroku.set_config_vars(APP, {"DATABASE_URL": "postgres://addon"})
    news = {"app": APP, "vars": {"DATABASE_URL": CANARY}, "adopt": ["DATABASE_URL"]}
    fake_heroku.fail("PATCH", r"/apps/[^/]+/config-vars", reset=True, times=50, applied=True)
    with pytest.raises(grpc.RpcError):
        host.create(NAME, news)
    assert fake_heroku.apps[APP].config_vars["DATABASE_URL"] == CANARY
    fake_heroku.faults.clear()
    id_, outs = host.create(NAME, news)  # the next `pulumi up`: the engine saved nothing
    assert outs["previous"] == {"DATABASE_URL": "postgres://addon"}
    host.delete(NAME, id_, outs)
    assert fake_heroku.apps[APP].config_vars["DATABASE_URL"] == "postgres://addon"
    assert fake_heroku.violations == []


def test_a_hand_edit_shows_in_preview_and_a_rename_is_followed(host: ProviderHost, fake_heroku: FakeHeroku) -> None:
    news = {"app": APP, "vars": {"A": "1", "SECRET": CANARY}}
    id_, outs = host.create(NAME, news)
    fake_heroku.set_config_vars(APP, {"A": "rotated by hand"})
    inputs, _ = host.check(NAME, news, news)
    assert host.diff(NAME, id_, outs, inputs).changes == provider_pb2.DiffResponse.DIFF_SOME
    with pytest.raises(grpc.RpcError) as raised:
        host.update(NAME, id_, outs, inputs)
    details = raised.value.details() or ""
    assert "A" in details and "pulumi refresh" in details and CANARY not in details
    fake_heroku.rename_app(APP, "picletter-renamed")
    _, refreshed = host.read(NAME, id_, outs)
    assert refreshed["vars"]["A"] == "rotated by hand", "read by the app's id after the rename"
    host.delete(NAME, id_, refreshed)
    assert "SECRET" not in fake_heroku.apps["picletter-renamed"].config_vars


def test_a_fir_app_is_refused_by_check_through_the_provider_host(host: ProviderHost, fake_heroku: FakeHeroku) -> None:
    fake_heroku.add_app("shop-fir", generation="fir")  # the CLI's launcher rule: stack "cnb"
    _, failures = host.check(NAME, {}, {"app": "shop-fir", "vars": {"PICLETTER_TO": "ops@example.com"}})
    assert failures == [
        "app: picletter:herokuApp: app shop-fir is a Fir-generation app (stack cnb); picletter runs jobs on Cedar "
        "apps; Fir apps are not supported yet: point picletter:herokuApp at a Cedar app (a new name with "
        "picletter:createApp true makes one)"
    ]
    assert fake_heroku.writes() == []
