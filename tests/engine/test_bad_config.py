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
        pytest.param(
            ["config", "set", "picletter:job", "picletter"],
            "picletter:job",
            marks=pytest.mark.xfail(strict=True, reason="the program's ConfigError reaches the CLI as a traceback"),
        ),
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
        assert "Traceback" not in output
        errors = [line.strip() for line in output.splitlines() if line.strip().startswith("error:") and names in line]
        assert len(errors) >= 1, output
    assert engine.heroku.writes() == []
    assert engine.azure.writes() == []
    assert engine.resources_in_state() == []
