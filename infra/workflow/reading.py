"""Reading a workflow definition back: its actions at every depth, and what a start action sends."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["all_actions", "request_of"]


def all_actions(actions: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every (name, action) in ACTIONS, those inside conditions' branches and loops included."""
    for name, action in actions.items():
        yield name, action
        yield from all_actions(action.get("actions", {}))
        yield from all_actions(action.get("else", {}).get("actions", {}))


def request_of(action: Mapping[str, Any]) -> Mapping[str, Any]:
    """The HTTP request an action sends: an HttpWebhook's subscribe call, or an Http action's inputs."""
    inputs: Mapping[str, Any] = action["inputs"]
    request: Mapping[str, Any] = inputs.get("subscribe", inputs)
    return request
