"""Scenario 9 of issue 18: bad config through the real CLI gets one clear line and changes nothing."""

from __future__ import annotations

import pytest

from tests.engine.harness import Engine


@pytest.mark.parametrize(
    ("break_it", "names"),
    [
        # Pulumi.yaml declares herokuApp without a default: the CLI itself requires it.
        (["config", "rm", "picletter:herokuApp"], "picletter:herokuApp"),
        # A declared boolean given a word: the CLI checks the declared type.
        (["config", "set", "picletter:createApp", "sometimes"], "picletter:createApp"),
        # Not a key of the program: it refuses it with a did-you-mean instead of ignoring it.
        (["config", "set", "picletter:job", "picletter"], "picletter:job"),
    ],
    ids=["required-missing", "wrong-type", "unknown-key"],
)
def test_bad_config_gets_one_clear_line_and_nothing_is_created(engine: Engine, break_it: list[str], names: str) -> None:
    engine.configure_like_the_readme()
    engine.pulumi(*break_it)

    for command in (["preview"], ["up", "--yes"]):
        done = engine.pulumi(*command, check=False)
        output = done.stdout + done.stderr
        assert done.returncode != 0
        # The problem named with its key, as a message: never the program's stack trace.
        assert "Traceback" not in output and "unhandled exception" not in output, output
        assert any(names in line for line in output.splitlines() if "error" in line or "  - " in line), output
    assert engine.heroku.writes() == []
    assert engine.azure.writes() == []
    assert engine.resources_in_state() == []
