"""Reads the stack's `picletter:*` and `azure-native:location` config from Pulumi."""

from __future__ import annotations

import os
from typing import Any

import pulumi

from infra.settings import StackSettings, settings_from_config

__all__ = ["read_stack_settings"]

_STRING_KEYS = (
    "herokuApp",
    "herokuApiToken",
    "resourceGroup",
    "deployCode",
    "createApp",
    "deleteAppOnDestroy",
    "herokuRegion",
    "alertEmail",
)
_OBJECT_KEYS = ("configVars", "jobs")


def read_stack_settings() -> StackSettings:
    config = pulumi.Config("picletter")
    values: dict[str, Any] = {f"picletter:{key}": config.get(key) for key in _STRING_KEYS}
    for key in _OBJECT_KEYS:
        try:
            values[f"picletter:{key}"] = config.get_object(key)
        except pulumi.ConfigTypeError:
            values[f"picletter:{key}"] = config.get(key)  # not JSON: the settings say what it should be
    values["azure-native:location"] = pulumi.Config("azure-native").get("location")
    return settings_from_config(values, os.environ)
