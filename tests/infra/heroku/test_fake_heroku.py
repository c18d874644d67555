"""The fake Heroku API's own claims, each checked here so that tests built on it mean something."""

from __future__ import annotations

import json

import httpx
import jsonschema
import pytest

from tests.fakes.heroku_api import FakeHeroku
from tests.fakes.heroku_schema import SchemaViolation, validate_request
from tests.helpers import TOKEN
from tests.reference import reference

APP = "picletter-test"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/vnd.heroku+json; version=3"}


def client(fake: FakeHeroku) -> httpx.Client:
    return httpx.Client(base_url="https://api.heroku.test", transport=fake.mock_transport(), headers=HEADERS)


def test_request_properties_the_schema_does_not_define_are_refused() -> None:
    with pytest.raises(SchemaViolation, match="tail_lines"):
        validate_request("POST", f"/apps/{APP}/log-sessions", {"tail": True, "tail_lines": 5})
    with pytest.raises(SchemaViolation, match="attached"):
        validate_request("POST", f"/apps/{APP}/dynos", {"command": "picletter", "attached": False})
    validate_request("POST", f"/apps/{APP}/dynos", {"command": "picletter", "attach": False})


def test_each_config_change_is_a_release_that_keeps_the_config_vars() -> None:
    fake = FakeHeroku()
    fake.add_app(APP, {"DATABASE_URL": "postgres://addon"})
    with client(fake) as http:
        http.patch(f"/apps/{APP}/config-vars", json={"A": "1"}).raise_for_status()
        http.patch(f"/apps/{APP}/config-vars", json={"A": "1"}).raise_for_status()  # no change: no release
        newest = http.get(f"/apps/{APP}/releases", headers={"Range": "version ..; max=1, order=desc"}).json()
        assert [release["version"] for release in newest] == [3]
        assert http.get(f"/apps/{APP}/releases/2/config-vars").json() == {"DATABASE_URL": "postgres://addon"}
        by_id = http.get(f"/apps/{APP}/releases/{newest[0]['id']}/config-vars").json()
        assert by_id == {"DATABASE_URL": "postgres://addon", "A": "1"}
    assert fake.violations == []


def test_a_renamed_app_keeps_its_id_and_its_old_name_answers_404() -> None:
    fake = FakeHeroku()
    app_id = fake.add_app(APP).id
    with client(fake) as http:
        http.patch(f"/apps/{APP}", json={"name": "picletter-renamed"}).raise_for_status()
        assert http.get(f"/apps/{APP}/config-vars").status_code == 404
        assert http.get(f"/apps/{app_id}").json()["name"] == "picletter-renamed"


def test_an_applied_fault_carries_out_the_write_and_loses_the_answer() -> None:
    fake = FakeHeroku()
    fake.add_app(APP)
    fake.fail("PATCH", f"/apps/{APP}/config-vars", status=503, applied=True)
    with client(fake) as http:
        assert http.patch(f"/apps/{APP}/config-vars", json={"A": "1"}).status_code == 503
    assert fake.apps[APP].config_vars == {"A": "1"}


def test_an_apps_info_names_its_generation_stack_and_space_as_the_schema_defines_them() -> None:
    definitions = json.loads(reference("heroku-platform-api-schema.json").read_text())["definitions"]
    app_properties = definitions["app"]["properties"]
    fields = ("id", "name", "generation", "stack", "space")
    answer_schema = {
        "definitions": definitions,
        "type": "object",
        "properties": {key: app_properties[key] for key in fields},
        "required": list(fields),
        "additionalProperties": False,
    }
    fake = FakeHeroku()
    fake.add_app(APP)
    fake.add_app("shop-fir", generation="fir")
    fake.add_app("shop-eu", space={"id": "0fe0b5b4-0000-4000-8000-00000000000e", "name": "acme-eu", "shield": True})
    with client(fake) as http:
        cedar, fir = http.get(f"/apps/{APP}").json(), http.get("/apps/shop-fir").json()
        spaced = http.get("/apps/shop-eu").json()
    for answer in (cedar, fir, spaced):
        jsonschema.Draft4Validator(answer_schema).validate(answer)
    assert cedar["space"] is None and spaced["space"]["shield"] is True
    assert (cedar["generation"]["name"], cedar["stack"]["name"]) == ("cedar", "heroku-24")
    # Fir apps run on the "cnb" stack: the Heroku CLI's launcher rule (src/lib/run/helpers.ts).
    assert (fir["generation"]["name"], fir["stack"]["name"]) == ("fir", "cnb")
