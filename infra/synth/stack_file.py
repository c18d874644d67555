"""Pulumi stack files (Pulumi.<stack>.yaml) read for an offline run: secure values become placeholders."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from infra.errors import UserError
from infra.settings import SECRET_PLACEHOLDER_PREFIX
from infra.tree import DESCEND, rewrite

__all__ = ["StackFile", "load_stack_file", "placeholder"]


class _StackLoader(yaml.SafeLoader):  # type: ignore[misc]
    """YAML as the Pulumi CLI reads a stack file: gopkg.in/yaml.v3, where `on`, `off`, `yes` and `no`
    are strings unless decoded into a bool ("YAML 1.1 bools (yes/no, on/off) are supported as long
    as they are being decoded into a typed bool value. Otherwise they behave as a string", yaml.v3
    README). PyYAML's SafeLoader reads them as booleans, which would turn picletter:notify's `on:`
    key into True."""


_StackLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StackLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def placeholder(key: str) -> str:
    return f"{SECRET_PLACEHOLDER_PREFIX}{key.replace(':', '-').replace('.', '-')}"


@dataclass(frozen=True)
class StackFile:
    stack: str
    config: dict[str, Any]  # `ns:key` -> value, secure values replaced
    secret_keys: list[str]


def _replace_secure(value: Any, key: str, found: list[str]) -> Any:
    """VALUE with each `{secure: ciphertext}` replaced by a placeholder named after its path."""

    def rule(node: Any, path: str) -> Any:
        if isinstance(node, dict) and set(node) == {"secure"}:
            found.append(path)
            return placeholder(path)
        return DESCEND

    return rewrite(value, rule, key)


# Keys of a project file (Pulumi.yaml) that a stack file never has (Pulumi's project schema).
_PROJECT_KEYS = {"name", "runtime", "main", "backend"}


def _stack_files_in(folder: Path) -> str:
    found = sorted(p.name for p in folder.glob("Pulumi.*.yaml"))
    return f" ({', '.join(found)} there)" if found else ""


def _document(path: Path) -> dict[str, Any]:
    """The stack file's YAML map; UserError saying what the file is when it is not a stack file."""
    if path.is_dir():
        raise UserError(
            f"stack file {path} is a folder; pass the stack's file, --stack {path}/Pulumi.<stack>.yaml"
            f"{_stack_files_in(path)}"
        )
    if not path.is_file():
        raise UserError(f"stack file {path} does not exist; pass --stack Pulumi.<stack>.yaml")
    try:
        document = yaml.load(path.read_text(), Loader=_StackLoader) or {}
    except yaml.YAMLError as exc:
        raise UserError(f"stack file {path} is not valid YAML: {' '.join(str(exc).split())}") from None
    except UnicodeDecodeError:
        raise UserError(f"stack file {path} is not text; pass --stack Pulumi.<stack>.yaml") from None
    except ValueError as exc:  # YAML reads 2026-02-30 as a date, and a date that does not exist fails
        raise UserError(
            f"stack file {path} holds a date that does not exist ({exc}); correct it, or quote it if it is text"
        ) from None
    if not isinstance(document, dict):
        raise UserError(f"stack file {path} must be a map with a `config:` map, not a {type(document).__name__}")
    project_keys = sorted(_PROJECT_KEYS & set(document))
    if (project_keys and "config" not in document) or {"name", "runtime"} <= set(document):
        raise UserError(
            f"{path} is a project file (it has {', '.join(project_keys)}), not a stack's; pass --stack "
            f"Pulumi.<stack>.yaml{_stack_files_in(path.parent)}"
        )
    outside = sorted(key for key in document if isinstance(key, str) and ":" in key)
    if outside:
        raise UserError(
            f"stack file {path}: {', '.join(outside)} {'is' if len(outside) == 1 else 'are'} outside `config:`; "
            "indent every namespace:key under a top-level `config:` map"
        )
    if document.get("environment") and not document.get("config"):
        raise UserError(
            f"stack file {path} takes its configuration from the Pulumi ESC environment "
            f"{document['environment']!r}, which synth cannot open offline; render a stack file that lists "
            "the keys under `config:` (e.g. a copy of Pulumi.example.yaml with the environment's values), or "
            "run `pulumi preview` against the real stack"
        )
    return document


def load_stack_file(path: Path) -> StackFile:
    document = _document(path)
    raw_config = document.get("config") or {}
    if not isinstance(raw_config, dict):
        raise UserError(f"stack file {path}: `config` must be a map of namespace:key to value")
    config: dict[str, Any] = {}
    secret_keys: list[str] = []
    for key, value in raw_config.items():
        if not isinstance(key, str):
            raise UserError(f"stack file {path}: config key {key!r} must be a string like picletter:herokuApp")
        if ":" not in key:
            raise UserError(f"stack file {path}: config key {key!r} needs a namespace, e.g. picletter:{key}")
        found: list[str] = []
        config[key] = _replace_secure(value, key, found)
        if found:
            secret_keys.append(key)
    name = path.name
    stack = name[len("Pulumi.") : -len(".yaml")] if name.startswith("Pulumi.") and name.endswith(".yaml") else "dev"
    return StackFile(stack=stack, config=config, secret_keys=secret_keys)
