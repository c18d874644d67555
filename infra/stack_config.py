"""Reads the stack's `picletter:*` and `azure-native:location` config for `parse_settings`."""

from __future__ import annotations

import os
from typing import Any

import pulumi

from infra.settings import StackSettings, parse_settings

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
    # Optional keys are declared with "" as their default in Pulumi.yaml: "" means unset.
    raw: dict[str, Any] = {key: config.get(key) or None for key in _STRING_KEYS}
    for key in _OBJECT_KEYS:
        try:
            raw[key] = config.get_object(key)
        except pulumi.ConfigTypeError:
            raw[key] = config.get(key)  # not JSON: parse_settings says what it should be
    raw["location"] = pulumi.Config("azure-native").get("location")
    return parse_settings(raw, os.environ)
