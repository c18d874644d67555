"""infra/workflow/expressions.py: text written into a definition stays text."""

from __future__ import annotations

import pytest

from infra.workflow import literal


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("plain", "plain"),
        ("@now", "@@now"),
        ("a @{x} b", "a @@{x} b"),
        ("@{x}", "@@{x}"),
        ("mail@example.com", "mail@example.com"),
        # WDL returns a string starting with `@@` verbatim after the first `@`: nothing else to escape.
        ("@a@{b}", "@@a@{b}"),
        ("@@{x}", "@@@{x}"),
        ("@{x}@{y}", "@@{x}@{y}"),
        ("a@{x}@{y}", "a@@{x}@@{y}"),
    ],
)
def test_literals_never_become_expressions(text: str, written: str) -> None:
    assert literal(text) == written
