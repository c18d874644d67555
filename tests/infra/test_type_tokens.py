"""One lookup gives the type token Pulumi registers each kind of resource class under."""

from __future__ import annotations

import pytest
from pulumi_azure_native import logic

from infra.dynamic.heroku_app import HerokuApp
from infra.type_tokens import type_token


def test_a_generated_class_gives_the_token_its_decorator_set() -> None:
    assert type_token(logic.Workflow) == "azure-native:logic:Workflow"


def test_a_dynamic_resource_gives_the_token_the_sdk_registers() -> None:
    # pulumi.dynamic.Resource.__init__ registers f"pulumi-python:{cls._resource_type_name}".
    assert type_token(HerokuApp) == "pulumi-python:dynamic/heroku:App"


def test_a_class_that_is_no_resource_is_refused() -> None:
    with pytest.raises(TypeError, match="not a Pulumi resource class"):
        type_token(dict)
