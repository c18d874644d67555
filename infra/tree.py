"""One walk over JSON-shaped values (dicts, lists, leaves), for every rewrite infra does of them:
secrets wrapped or masked, ARM expressions escaped, secure stack-file values replaced."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

__all__ = ["DESCEND", "rewrite"]

DESCEND: Final = object()  # a rule's answer for "not this node: walk into it"


def rewrite(value: Any, rule: Callable[[Any, str], Any], path: str = "") -> Any:
    """VALUE rebuilt top-down: RULE(node, path) gives each node's replacement, or DESCEND to keep
    the node's shape and rewrite what is inside it. Paths read like `key.inner[0]`."""
    replaced = rule(value, path)
    if replaced is not DESCEND:
        return replaced
    if isinstance(value, dict):
        return {key: rewrite(item, rule, f"{path}.{key}" if path else str(key)) for key, item in value.items()}
    if isinstance(value, list):
        return [rewrite(item, rule, f"{path}[{index}]") for index, item in enumerate(value)]
    return value
