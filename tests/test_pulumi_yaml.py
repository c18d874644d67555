"""Pulumi.yaml declares the stack config the program reads, and the example stack file fits it."""

from __future__ import annotations

from pathlib import Path

import yaml

from infra.settings import parse_settings
from infra.stack_config import _OBJECT_KEYS, _STRING_KEYS
from infra.synth.stack_file import load_stack_file

REPO = Path(__file__).resolve().parents[1]


def test_project_runs_python_in_the_virtualenv() -> None:
    project = yaml.safe_load((REPO / "Pulumi.yaml").read_text())
    assert project["name"] == "picletter"
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}


def test_every_key_the_program_reads_is_declared_with_its_type() -> None:
    declared = yaml.safe_load((REPO / "Pulumi.yaml").read_text())["config"]
    assert set(declared) == {f"picletter:{k}" for k in (*_STRING_KEYS, *_OBJECT_KEYS)}
    assert declared["picletter:herokuApiToken"]["secret"] is True
    assert declared["picletter:jobs"]["type"] == "array"
    assert declared["picletter:configVars"]["type"] == "object"


def test_example_stack_uses_declared_keys_and_is_valid() -> None:
    declared = set(yaml.safe_load((REPO / "Pulumi.yaml").read_text())["config"])
    config = load_stack_file(REPO / "Pulumi.example.yaml").config
    assert {k for k in config if k.startswith("picletter:")} <= declared
    raw = {k.split(":", 1)[1]: v for k, v in config.items() if k.startswith("picletter:")}
    raw["location"] = config["azure-native:location"]
    settings = parse_settings(raw, {})
    assert [job.name for job in settings.jobs] == ["picletter", "weekend-apod"]
