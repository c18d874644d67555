"""Pulumi.yaml declares the stack config the program reads, and the example stack file fits it."""

from __future__ import annotations

import yaml

from infra.settings import OBJECT_KEYS, SCALAR_KEYS, settings_from_config
from infra.synth.stack_file import load_stack_file
from tests import REPO


def test_project_runs_python_through_uv() -> None:
    project = yaml.safe_load((REPO / "Pulumi.yaml").read_text())
    assert project["name"] == "picletter"
    # No virtualenv option: Pulumi's uv toolchain then puts .venv beside uv.lock, where ./dev builds it.
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "uv"}}


# Pulumi's project config schema: declarations type string, boolean, integer or array (of those).
PULUMI_CONFIG_TYPES = {"string", "boolean", "integer", "array"}


def test_scalar_keys_are_declared_with_types_pulumi_accepts_and_structured_keys_are_documented() -> None:
    text = (REPO / "Pulumi.yaml").read_text()
    declared = yaml.safe_load(text)["config"]
    # Tokens (secrets) and deployCode (unset differs from false) are documented, not declared: a
    # declared default would always be set.
    documented = {"herokuApiToken", "herokuRunToken", "herokuDeployToken", "deployCode", *OBJECT_KEYS}
    assert set(declared) == {f"picletter:{k}" for k in SCALAR_KEYS if k not in documented}
    for key, declaration in declared.items():
        assert declaration["type"] in PULUMI_CONFIG_TYPES, key
        assert set(declaration) <= {"type", "description", "default", "items"}, key
        if "default" in declaration:
            assert isinstance(declaration["default"], bool) == (declaration["type"] == "boolean"), key
    # Only the app is required; Pulumi treats a declared key without a default as required.
    assert [key for key, declaration in declared.items() if "default" not in declaration] == ["picletter:herokuApp"]
    for key in documented:
        assert f"#   picletter:{key}" in text, f"{key} is not documented in Pulumi.yaml"


def test_example_stack_uses_declared_keys_and_is_valid() -> None:
    known = {f"picletter:{k}" for k in (*SCALAR_KEYS, *OBJECT_KEYS)}
    stack = load_stack_file(REPO / "Pulumi.example.yaml")
    assert {k for k in stack.config if k.startswith("picletter:")} <= known
    settings = settings_from_config(stack.config, "", stack.secret_keys)
    assert [job.name for job in settings.jobs] == ["picletter", "weekend-apod"]
    assert settings.create_app and settings.deploy_code and not settings.one_token


def test_the_existing_app_example_schedules_the_apps_own_commands_and_ships_no_code() -> None:
    stack = load_stack_file(REPO / "Pulumi.existing-app.example.yaml")
    settings = settings_from_config(stack.config, "", stack.secret_keys)
    assert not settings.deploy_code and not settings.create_app and settings.config_vars == {}
    rake, procfile_type = settings.jobs
    assert (rake.command, rake.time_to_live, rake.env) == (
        "bundle exec rake reports:nightly",
        3600,
        {"REPORTS_SCOPE": "all", "RAILS_LOG_LEVEL": "info"},
    )
    assert procfile_type.command == "sync --full"
    assert not settings.one_token
