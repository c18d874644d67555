"""The type token Pulumi registers a resource class under: one lookup for the program's dynamic
resources and the providers' generated classes alike. Pure: imports nothing of the project's."""

from __future__ import annotations

__all__ = ["type_token"]


def type_token(resource_class: type) -> str:
    """RESOURCE_CLASS's type token: a generated class's (`azure-native:logic:Workflow`), which its
    @pulumi.type_token decorator sets as `pulumi_type`, or a dynamic resource's
    (`pulumi-python:dynamic/heroku:App`), as pulumi.dynamic.Resource derives it from the class's
    `module` and `name` (pulumi/dynamic/dynamic.py, Resource.__init_subclass__)."""
    generated = getattr(resource_class, "pulumi_type", None)
    if isinstance(generated, str):
        return generated
    dynamic = getattr(resource_class, "_resource_type_name", None)
    if not isinstance(dynamic, str):
        raise TypeError(f"{resource_class.__qualname__} is not a Pulumi resource class with a type token")
    return f"pulumi-python:{dynamic}"
