"""Reads the stack's `picletter:*` and `azure-native:location` config from Pulumi."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.runtime.config import CONFIG, get_config_env, is_config_secret

from infra.settings import OBJECT_KEYS, SCALAR_KEYS, StackSettings, settings_from_config

__all__ = ["read_stack_settings"]


def read_stack_settings(heroku_api_key: str) -> StackSettings:
    """The stack's settings; HEROKU_API_KEY is what infra.heroku.environment read ("" for none), the
    tokens' last fallback."""
    config = pulumi.Config("picletter")
    # Every key the engine passed, so that a mistyped one (picletter:job) is refused, not ignored.
    values: dict[str, Any] = {
        key: value for key, value in {**get_config_env(), **CONFIG.get()}.items() if key.startswith("picletter:")
    }
    values.update({f"picletter:{key}": config.get(key) for key in SCALAR_KEYS})
    for key in OBJECT_KEYS:
        try:
            values[f"picletter:{key}"] = config.get_object(key)
        except pulumi.ConfigTypeError:
            values[f"picletter:{key}"] = config.get(key)  # not JSON: the settings say what it should be
    values["azure-native:location"] = pulumi.Config("azure-native").get("location")
    secret_keys = [key for key in values if is_config_secret(key)]
    return settings_from_config(values, heroku_api_key, secret_keys)
