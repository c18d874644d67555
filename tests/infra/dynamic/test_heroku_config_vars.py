"""HerokuConfigVarsProvider's methods against the fake API through httpx.MockTransport."""

from __future__ import annotations

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.runtime.rpc import UNKNOWN

from infra.dynamic.heroku_config_vars import HerokuConfigVarsProvider
from infra.heroku.errors import HerokuApiError, HerokuConfigVarConflict, HerokuMissingToken, HerokuNotFound
from tests.fakes.heroku_api import FakeHeroku
from tests.helpers import TOKEN

APP = "picletter-test"
UNMANAGED = {"DATABASE_URL": "postgres://unmanaged", "LEGACY": "keep me"}


@pytest.fixture
def fake() -> FakeHeroku:
    fake = FakeHeroku()
    fake.add_app(APP, UNMANAGED)
    return fake


def provider_for(fake: FakeHeroku, token: str | None = TOKEN) -> HerokuConfigVarsProvider:
    provider = HerokuConfigVarsProvider()
    config = {"picletter:herokuApiToken": token} if token else {}
    provider.configure(ConfigureRequest(Config(config, "picletter")))
    provider.transport = fake.mock_transport()
    return provider


def live(fake: FakeHeroku) -> dict[str, str]:
    return fake.apps[APP].config_vars


def test_create_sets_owned_keys_in_one_patch_and_leaves_others(fake: FakeHeroku) -> None:
    result = provider_for(fake).create({"app": APP, "vars": {"PICLETTER_TO": "a@example.com", "SECRET": "s3"}})
    assert result.id == f"{APP}/config-vars"
    assert result.outs == {
        "app": APP,
        "appId": fake.apps[APP].id,
        "adopt": [],
        "keys": ["PICLETTER_TO", "SECRET"],
        "vars": {"PICLETTER_TO": "a@example.com", "SECRET": "s3"},
        "previous": {},
    }
    assert live(fake) == {**UNMANAGED, "PICLETTER_TO": "a@example.com", "SECRET": "s3"}
    patches = [r for r in fake.requests if r.method == "PATCH"]
    assert [p.body for p in patches] == [{"PICLETTER_TO": "a@example.com", "SECRET": "s3"}]
    assert fake.violations == []


def test_create_on_missing_app_fails_before_any_write(fake: FakeHeroku) -> None:
    with pytest.raises(HerokuNotFound, match="picletter:herokuApp"):
        provider_for(fake).create({"app": "typo-app", "vars": {"A": "1"}})
    assert fake.writes() == []


def test_update_changes_values_and_removes_only_keys_that_left(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    olds = provider.create({"app": APP, "vars": {"A": "1", "B": "2"}}).outs
    assert olds is not None
    result = provider.update(f"{APP}/config-vars", olds, {"app": APP, "vars": {"A": "10", "C": "3"}})
    assert live(fake) == {**UNMANAGED, "A": "10", "C": "3"}
    assert result.outs is not None and result.outs["keys"] == ["A", "C"]
    assert fake.requests[-1].body == {"A": "10", "B": None, "C": "3"}


def test_diff_reports_no_change_for_equal_vars_and_replace_for_other_app(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    olds = {"app": APP, "vars": {"A": "1"}, "keys": ["A"]}
    assert provider.diff("id", olds, {"app": APP, "vars": {"A": "1"}}).changes is False
    assert provider.diff("id", olds, {"app": APP, "vars": {"A": "2"}}).changes is True
    assert provider.diff("id", olds, {"app": "other", "vars": {"A": "1"}}).replaces == ["app"]
    assert fake.requests == [], "diff is pure"


def test_read_reports_drift_on_owned_keys_only(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    outs = provider.create({"app": APP, "vars": {"A": "1", "B": "2"}}).outs
    assert outs is not None
    live(fake)["A"] = "changed by hand"
    del live(fake)["B"]
    live(fake)["UNRELATED"] = "x"
    result = provider.read(f"{APP}/config-vars", outs)
    assert result.outs == {
        "app": APP,
        "appId": fake.apps[APP].id,
        "adopt": [],
        "vars": {"A": "changed by hand"},
        "previous": {},
        "keys": ["A", "B"],
    }
    # The next up sees the drift and repairs it with one PATCH.
    assert result.outs is not None
    assert provider.diff("id", result.outs, {"app": APP, "vars": {"A": "1", "B": "2"}}).changes is True
    provider.update("id", result.outs, {"app": APP, "vars": {"A": "1", "B": "2"}})
    assert live(fake) == {**UNMANAGED, "A": "1", "B": "2", "UNRELATED": "x"}


def test_read_of_deleted_app_drops_the_resource(fake: FakeHeroku) -> None:
    result = provider_for(fake).read("gone/config-vars", {"app": "gone", "vars": {"A": "1"}, "keys": ["A"]})
    assert result.id is None


def test_delete_removes_only_owned_keys(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    outs = provider.create({"app": APP, "vars": {"A": "1"}}).outs
    assert outs is not None
    provider.delete(f"{APP}/config-vars", outs)
    assert live(fake) == UNMANAGED
    assert fake.requests[-1].body == {"A": None}


def test_delete_when_app_is_gone_succeeds(fake: FakeHeroku) -> None:
    fake.requests.clear()
    provider_for(fake).delete("gone/config-vars", {"app": "gone", "vars": {"A": "1"}, "keys": ["A"]})
    # It looked, found the app gone (404) and wrote nothing, here or to any other app.
    assert [(r.method, r.path) for r in fake.requests] == [("GET", "/apps/gone/config-vars")]
    assert live(fake) == UNMANAGED


def test_check_names_bad_keys_and_values(fake: FakeHeroku) -> None:
    result = provider_for(fake).check({}, {"app": "", "vars": {"BAD-KEY": "x", "N": 5}})
    reasons = [(f.property, f.reason) for f in result.failures]
    assert ("app", "the Heroku app name is required (picletter:herokuApp)") in reasons
    assert any("BAD-KEY" in reason for _, reason in reasons)
    assert any("N must be a string" in reason for _, reason in reasons)


def test_token_falls_back_to_heroku_api_key(fake: FakeHeroku, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEROKU_API_KEY", TOKEN)
    provider_for(fake, token=None).create({"app": APP, "vars": {"A": "1"}})
    assert live(fake)["A"] == "1"


def test_missing_token_names_both_settings(fake: FakeHeroku, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEROKU_API_KEY", raising=False)
    with pytest.raises(HerokuMissingToken, match=r"picletter:herokuApiToken.*HEROKU_API_KEY"):
        provider_for(fake, token=None).create({"app": APP, "vars": {"A": "1"}})
    assert fake.requests == []


def test_provider_pickles_without_a_client_or_token() -> None:
    from pulumi.dynamic.dynamic import serialize_provider

    provider = HerokuConfigVarsProvider()
    serialized = serialize_provider(provider)
    assert TOKEN not in serialized and len(serialized) < 10_000


def test_taking_over_an_existing_key_with_another_value_is_refused_unless_adopted(fake: FakeHeroku) -> None:
    with pytest.raises(HerokuConfigVarConflict) as raised:
        provider_for(fake).create({"app": APP, "vars": {"DATABASE_URL": "postgres://mine", "NEW": "1"}})
    assert "DATABASE_URL" in str(raised.value) and "picletter:adoptConfigVars" in str(raised.value)
    assert live(fake) == UNMANAGED, "nothing is written"
    assert "postgres://unmanaged" not in str(raised.value), "values never appear in errors"


def test_an_adopted_key_keeps_its_earlier_value_and_gets_it_back_on_destroy(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    props = {"app": APP, "vars": {"DATABASE_URL": "postgres://mine"}, "adopt": ["DATABASE_URL"]}
    outs = provider.create(props).outs
    assert outs is not None and outs["previous"] == {"DATABASE_URL": "postgres://unmanaged"}
    assert live(fake)["DATABASE_URL"] == "postgres://mine"
    provider.delete("id", outs)
    assert live(fake) == UNMANAGED


def test_an_adopted_key_removed_from_the_config_gets_its_earlier_value_back(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    olds = provider.create({"app": APP, "vars": {"LEGACY": "new", "A": "1"}, "adopt": ["LEGACY"]}).outs
    assert olds is not None
    outs = provider.update("id", olds, {"app": APP, "vars": {"A": "1"}, "adopt": []}).outs
    assert live(fake) == {**UNMANAGED, "A": "1"}
    assert outs is not None and outs["previous"] == {}


@pytest.mark.parametrize("how", ["removed from the config", "destroy"])
def test_letting_go_of_a_key_edited_by_hand_is_refused_naming_it(fake: FakeHeroku, how: str) -> None:
    provider = provider_for(fake)
    olds = provider.create({"app": APP, "vars": {"A": "1", "B": "2"}}).outs
    assert olds is not None
    live(fake)["B"] = "edited by hand"
    with pytest.raises(HerokuConfigVarConflict) as raised:
        if how == "destroy":
            provider.delete("id", olds)
        else:
            provider.update("id", olds, {"app": APP, "vars": {"A": "1"}})
    assert "B" in str(raised.value) and "pulumi refresh" in str(raised.value)
    assert live(fake)["B"] == "edited by hand", "the hand edit is not deleted"


def test_switching_the_app_between_its_name_and_its_id_is_not_a_replace(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    olds = provider.create({"app": APP, "vars": {"A": "1"}}).outs
    assert olds is not None
    by_id = {"app": fake.apps[APP].id, "vars": {"A": "1"}}
    diff = provider.diff("id", olds, by_id)
    assert not diff.replaces
    provider.update("id", olds, by_id)
    assert live(fake) == {**UNMANAGED, "A": "1"}


def test_another_app_is_a_replace_that_creates_before_it_deletes(fake: FakeHeroku) -> None:
    fake.add_app("picletter-other", {})
    provider = provider_for(fake)
    olds = provider.create({"app": APP, "vars": {"A": "1"}}).outs
    assert olds is not None
    diff = provider.diff("id", olds, {"app": "picletter-other", "vars": {"A": "1"}})
    assert diff.replaces == ["app"] and diff.delete_before_replace is False


# -- nothing lost: interrupted writes, renamed apps, keys that already hold the stack's value, drift ---


def lose_patch_answers(fake: FakeHeroku) -> None:
    """Every PATCH of config vars takes effect, and every answer is lost (after the client's retries)."""
    fake.fail("PATCH", r"/apps/[^/]+/config-vars", status=503, times=100, applied=True)


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEROKU_API_ATTEMPTS", "2")
    monkeypatch.setenv("HEROKU_API_BACKOFF", "0.001")


@pytest.mark.usefixtures("quick_retries")
def test_an_adopted_keys_earlier_value_survives_a_create_whose_answer_was_lost(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    props = {"app": APP, "vars": {"DATABASE_URL": "postgres://mine", "A": "1"}, "adopt": ["DATABASE_URL"]}
    lose_patch_answers(fake)
    with pytest.raises(HerokuApiError):
        provider.create(props)
    assert live(fake)["DATABASE_URL"] == "postgres://mine", "Heroku applied it"
    fake.faults.clear()
    outs = provider.create(props).outs  # the next `pulumi up`: no state was saved
    assert outs is not None and outs["previous"] == {"DATABASE_URL": "postgres://unmanaged"}
    provider.delete("id", outs)
    assert live(fake) == UNMANAGED, "the add-on's value is back and A, the stack's own, is gone"
    assert fake.violations == []


@pytest.mark.usefixtures("quick_retries")
def test_an_adopted_keys_earlier_value_survives_an_update_whose_answer_was_lost(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    olds = provider.create({"app": APP, "vars": {"A": "1"}}).outs
    assert olds is not None
    news = {"app": APP, "vars": {"A": "1", "LEGACY": "new"}, "adopt": ["LEGACY"]}
    lose_patch_answers(fake)
    with pytest.raises(HerokuApiError):
        provider.update("id", olds, news)
    fake.faults.clear()
    outs = provider.update("id", olds, news).outs  # the state still holds OLDS
    assert outs is not None and outs["previous"] == {"LEGACY": "keep me"}
    provider.delete("id", outs)
    assert live(fake) == UNMANAGED


@pytest.mark.usefixtures("quick_retries")
def test_an_interrupted_first_deploy_is_finished_and_its_new_keys_stay_the_stacks(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    lose_patch_answers(fake)
    with pytest.raises(HerokuApiError):
        provider.create({"app": APP, "vars": {"A": "1"}})
    fake.faults.clear()
    outs = provider.create({"app": APP, "vars": {"A": "1"}}).outs
    assert outs is not None and outs["previous"] == {}
    provider.delete("id", outs)
    assert live(fake) == UNMANAGED


def test_a_key_set_by_hand_to_the_stacks_value_is_left_as_it_was_on_destroy(fake: FakeHeroku) -> None:
    fake.set_config_vars(APP, {"A": "1"})
    provider = provider_for(fake)
    outs = provider.create({"app": APP, "vars": {"A": "1", "B": "2"}}).outs
    assert outs is not None
    provider.delete("id", outs)
    assert live(fake) == {**UNMANAGED, "A": "1"}


def test_a_key_another_stack_owns_with_the_same_value_stays_with_it(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    first = provider.create({"app": APP, "vars": {"PICLETTER_TO": "ops@example.com"}}).outs
    second = provider.create({"app": APP, "vars": {"PICLETTER_TO": "ops@example.com", "OWN": "y"}}).outs
    assert first is not None and second is not None
    provider.delete("id", second)
    assert live(fake) == {**UNMANAGED, "PICLETTER_TO": "ops@example.com"}, "the first stack's key stays"
    provider.delete("id", first)
    assert live(fake) == UNMANAGED


def test_a_renamed_app_is_found_by_its_id_for_refresh_update_and_destroy(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    props = {"app": APP, "vars": {"DATABASE_URL": "postgres://mine"}, "adopt": ["DATABASE_URL"]}
    outs = provider.create(props).outs
    assert outs is not None
    fake.rename_app(APP, "picletter-renamed")
    renamed = fake.apps["picletter-renamed"].config_vars
    read = provider.read(f"{APP}/config-vars", outs)
    assert read.id == f"{APP}/config-vars" and read.outs is not None
    assert read.outs["previous"] == {"DATABASE_URL": "postgres://unmanaged"}
    updated = provider.update("id", read.outs, {**props, "vars": {"DATABASE_URL": "postgres://mine", "A": "1"}}).outs
    assert updated is not None and renamed["A"] == "1"
    provider.delete("id", updated)
    assert renamed == UNMANAGED, "the earlier value is back on the renamed app"


def test_a_404_never_drops_or_ends_a_state_that_holds_earlier_values(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    outs = provider.create({"app": APP, "vars": {"LEGACY": "new"}, "adopt": ["LEGACY"]}).outs
    assert outs is not None
    gone = {**outs, "appId": "01234567-89ab-cdef-0123-456789abcdef"}  # an app this token cannot see
    with pytest.raises(HerokuNotFound, match="LEGACY"):
        provider.read("id", gone)
    with pytest.raises(HerokuNotFound, match="LEGACY"):
        provider.delete("id", gone)


def test_an_update_writes_only_the_keys_whose_desired_value_changed(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    olds = provider.create({"app": APP, "vars": {"A": "1", "B": "2"}}).outs
    assert olds is not None
    provider.update("id", olds, {"app": APP, "vars": {"A": "10", "B": "2"}})
    assert fake.requests[-1].method == "PATCH" and fake.requests[-1].body == {"A": "10"}


def test_a_hand_edit_is_drift_shown_in_preview_and_refused_by_an_unrelated_update(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    olds = provider.create({"app": APP, "vars": {"A": "1", "B": "2"}}).outs
    assert olds is not None
    live(fake)["B"] = "rotated by hand"
    news = {"app": APP, "vars": {"A": "10", "B": "2"}}
    assert provider.diff("id", olds, {"app": APP, "vars": {"A": "1", "B": "2"}}).changes is True, "drift shows"
    with pytest.raises(HerokuConfigVarConflict) as raised:
        provider.update("id", olds, news)
    assert "B" in str(raised.value) and "pulumi refresh" in str(raised.value)
    assert "rotated by hand" not in str(raised.value)
    assert live(fake)["B"] == "rotated by hand" and live(fake)["A"] == "1", "nothing written"


@pytest.mark.usefixtures("quick_retries")
def test_an_interrupted_update_that_changes_and_releases_keys_is_finished_by_the_next(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    olds = provider.create({"app": APP, "vars": {"A": "1", "LEGACY": "new"}, "adopt": ["LEGACY"]}).outs
    assert olds is not None
    news = {"app": APP, "vars": {"A": "2", "B": "3"}}
    lose_patch_answers(fake)
    with pytest.raises(HerokuApiError):
        provider.update("id", olds, news)
    fake.faults.clear()
    outs = provider.update("id", olds, news).outs
    assert outs is not None and outs["previous"] == {}
    assert live(fake) == {**UNMANAGED, "A": "2", "B": "3"}
    provider.delete("id", outs)
    assert live(fake) == UNMANAGED


@pytest.mark.usefixtures("quick_retries")
def test_an_interrupted_destroy_is_finished_by_the_next(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    outs = provider.create({"app": APP, "vars": {"A": "1", "LEGACY": "new"}, "adopt": ["LEGACY"]}).outs
    assert outs is not None
    lose_patch_answers(fake)
    with pytest.raises(HerokuApiError):
        provider.delete("id", outs)
    fake.faults.clear()
    provider.delete("id", outs)  # the state still holds the resource
    assert live(fake) == UNMANAGED


def test_changing_a_value_someone_else_set_needs_adoption_like_any_other(fake: FakeHeroku) -> None:
    fake.set_config_vars(APP, {"SHARED": "x"})
    provider = provider_for(fake)
    olds = provider.create({"app": APP, "vars": {"SHARED": "x"}}).outs
    assert olds is not None and olds["previous"] == {"SHARED": "x"}, "left as it was when the stack lets go"
    with pytest.raises(HerokuConfigVarConflict, match="picletter:adoptConfigVars"):
        provider.update("id", olds, {"app": APP, "vars": {"SHARED": "y"}})
    assert live(fake)["SHARED"] == "x"
    outs = provider.update("id", olds, {"app": APP, "vars": {"SHARED": "y"}, "adopt": ["SHARED"]}).outs
    assert outs is not None and live(fake)["SHARED"] == "y"
    provider.delete("id", outs)
    assert live(fake)["SHARED"] == "x", "its value is put back"


def test_history_too_short_to_tell_who_set_a_key_is_refused(fake: FakeHeroku, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("infra.dynamic.heroku_config_vars.HISTORY_DEPTH", 2)
    fake.set_config_vars(APP, {"A": "1"})
    for n in range(3):
        fake.set_config_vars(APP, {"OTHER": str(n)})
    with pytest.raises(HerokuConfigVarConflict, match="releases do not show who set it"):
        provider_for(fake).create({"app": APP, "vars": {"A": "1"}})
    assert "OTHER" not in {r.body and next(iter(r.body)) for r in fake.writes()}


@pytest.mark.usefixtures("quick_retries")
def test_a_token_that_may_not_read_its_account_still_finishes_an_interrupted_write(fake: FakeHeroku) -> None:
    fake.account_forbidden = True
    provider = provider_for(fake)
    props = {"app": APP, "vars": {"DATABASE_URL": "postgres://mine"}, "adopt": ["DATABASE_URL"]}
    lose_patch_answers(fake)
    with pytest.raises(HerokuApiError):
        provider.create(props)
    fake.faults.clear()
    outs = provider.create(props).outs
    assert outs is not None and outs["previous"] == {"DATABASE_URL": "postgres://unmanaged"}


def test_a_hand_set_of_exactly_the_stacks_one_key_is_not_taken_for_its_own_write(fake: FakeHeroku) -> None:
    fake.set_config_vars(APP, {"A": "1"})  # a person's release, with exactly the stack's change set
    provider = provider_for(fake)
    outs = provider.create({"app": APP, "vars": {"A": "1"}}).outs
    assert outs is not None and outs["previous"] == {"A": "1"}
    provider.delete("id", outs)
    assert live(fake)["A"] == "1", "left as it was"


def test_a_state_written_before_the_app_id_was_kept_gets_it_at_refresh_and_update(fake: FakeHeroku) -> None:
    # A state written before the id was recorded (3dfff06), or read by `pulumi import`, holds no
    # appId: without one, preview sees no drift and a renamed app is not found. Refresh and update
    # record it, so the next runs have what those rules need.
    provider = provider_for(fake)
    outs = provider.create({"app": APP, "vars": {"A": "1"}}).outs
    assert outs is not None
    old_state = {key: value for key, value in outs.items() if key != "appId"}
    read = provider.read(f"{APP}/config-vars", dict(old_state)).outs
    assert read is not None and read["appId"] == fake.apps[APP].id
    updated = provider.update("id", dict(old_state), {"app": APP, "vars": {"A": "2"}}).outs
    assert updated is not None and updated["appId"] == fake.apps[APP].id
    live(fake)["A"] = "rotated by hand"
    assert provider.diff("id", updated, {"app": APP, "vars": {"A": "2"}}).changes is True, "drift shows"


# -- Fir-generation apps (infra.heroku.generation) --------------------------------------------------


def test_check_refuses_a_fir_app_before_anything_changes(fake: FakeHeroku) -> None:
    fake.add_app("shop-fir", generation="fir")
    (failure,) = provider_for(fake).check({}, {"app": "shop-fir", "vars": {"PICLETTER_TO": "a@example.com"}}).failures
    assert failure.property == "app"
    assert failure.reason.startswith("picletter:herokuApp: app shop-fir is a Fir-generation app (stack cnb)")
    assert "picletter:createApp" in failure.reason
    assert fake.writes() == []


def test_check_reads_a_cedar_app_once_and_passes(fake: FakeHeroku) -> None:
    assert provider_for(fake).check({}, {"app": APP, "vars": {}}).failures == []
    assert [(r.method, r.path) for r in fake.requests] == [("GET", f"/apps/{APP}")]


def test_check_leaves_an_app_not_created_yet_to_the_update(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    assert provider.check({}, {"app": UNKNOWN, "vars": {}}).failures == []  # a preview of createApp
    assert fake.requests == []
    assert provider.check({}, {"app": "no-such-app", "vars": {}}).failures == []  # create names the 404


def test_check_says_when_the_app_cannot_be_read(fake: FakeHeroku) -> None:
    fake.fail("GET", f"/apps/{APP}", 401, error_id="unauthorized")
    (failure,) = provider_for(fake).check({}, {"app": APP, "vars": {}}).failures
    assert failure.reason.startswith(f"picletter:herokuApp: could not read app {APP} to check its generation")
    assert "401" in failure.reason and TOKEN not in failure.reason
    (failure,) = provider_for(fake, token=None).check({}, {"app": APP, "vars": {}}).failures
    assert "herokuDeployToken is not set" in failure.reason


# -- Job sizes the app cannot run (infra.heroku.dyno_sizes) ------------------------------------------


def test_check_refuses_a_job_size_the_app_cannot_run_from_the_same_read(fake: FakeHeroku) -> None:
    fake.add_app("shop-eu", space={"id": "s1", "name": "acme-eu", "shield": False})
    jobs = [["nightly", "private-M"], ["reports", "performance-L"]]
    (failure,) = provider_for(fake).check({}, {"app": "shop-eu", "vars": {}, "jobSizes": jobs}).failures
    assert failure.reason == (
        "picletter:jobs[1].size: performance-L (job reports) is a Common Runtime size and app shop-eu runs in "
        "Private Space acme-eu, which has its own sizes: use private-L"
    )
    assert [(r.method, r.path) for r in fake.requests] == [("GET", "/apps/shop-eu")]
    assert fake.writes() == []


def test_check_refuses_a_private_space_size_on_a_common_runtime_app(fake: FakeHeroku) -> None:
    (failure,) = provider_for(fake).check({}, {"app": APP, "vars": {}, "jobSizes": [["nightly", "shield-M"]]}).failures
    assert failure.reason.startswith("picletter:jobs[0].size: shield-M (job nightly) runs only in a Private or Shield")
    assert failure.reason.endswith("use performance-M")
    assert provider_for(fake).check({}, {"app": APP, "vars": {}, "jobSizes": [["a", "standard-2X"]]}).failures == []


# -- Conflicts refused in check, so that `pulumi preview` shows them (docs/adr/0004) ---------------


def test_check_refuses_taking_a_key_that_holds_another_value_before_any_write(fake: FakeHeroku) -> None:
    news = {"app": APP, "vars": {"DATABASE_URL": "postgres://mine", "PICLETTER_TO": "a@example.com"}}
    (failure,) = provider_for(fake).check({}, news).failures
    assert failure.property == "vars"
    assert failure.reason.startswith(f"config var(s) DATABASE_URL already exist on app {APP} with another value")
    assert "postgres://" not in failure.reason, "a value is never shown"
    assert fake.writes() == []


def test_check_passes_an_adopted_key_a_key_already_owned_and_the_same_value(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    adopted = {"app": APP, "vars": {"DATABASE_URL": "postgres://mine"}, "adopt": ["DATABASE_URL"]}
    assert provider.check({}, adopted).failures == []
    owned = {"app": APP, "vars": {"LEGACY": "new value"}}
    assert provider.check({"app": APP, "vars": {"LEGACY": "keep me"}}, owned).failures == []
    assert provider.check({}, {"app": APP, "vars": {"LEGACY": "keep me"}}).failures == []
    assert fake.writes() == []


def test_create_still_refuses_a_conflict_that_appeared_after_check(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    news = {"app": APP, "vars": {"PICLETTER_TO": "a@example.com"}}
    assert provider.check({}, news).failures == []
    live(fake)["PICLETTER_TO"] = "set by hand between preview and up"
    with pytest.raises(HerokuConfigVarConflict, match="PICLETTER_TO already exist"):
        provider.create(news)
    assert fake.writes() == []


def test_check_reads_the_config_vars_only_when_the_stack_takes_a_key(fake: FakeHeroku) -> None:
    provider = provider_for(fake)
    olds = {"app": APP, "vars": {"A": "1"}}
    assert provider.check(olds, {"app": APP, "vars": {"A": "2"}}).failures == []
    assert [(r.method, r.path) for r in fake.requests] == [("GET", f"/apps/{APP}")]
    assert provider.check(olds, {"app": APP, "vars": {"A": "2", "LEGACY": "mine"}}).failures[0].property == "vars"
