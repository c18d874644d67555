"""Text written into a workflow definition, where the Workflow Definition Language reads `@`."""

from __future__ import annotations

__all__ = ["literal", "quoted"]


def literal(text: str) -> str:
    """TEXT as a literal string in a workflow definition, where `@` starts an expression.

    The Workflow Definition Language returns a string that starts with `@@` verbatim after its first
    `@`, so a value that starts with `@` needs one more `@` and nothing else; in any other string only
    `@{` starts an interpolation, and `@@{` is its escape.
    """
    return "@" + text if text.startswith("@") else text.replace("@{", "@@{")


def quoted(text: str) -> str:
    """TEXT as a string literal inside an expression: single quotes, a quote doubled."""
    return "'" + text.replace("'", "''") + "'"
