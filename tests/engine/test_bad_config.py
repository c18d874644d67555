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


def test_a_job_size_the_app_cannot_run_is_refused_at_preview_in_one_line(engine: Engine) -> None:
    """A Private Space size on a Common Runtime app (the fake's app has `space: null`, as the schema's
    app.space allows) is refused by the config vars provider's check, before anything changes."""
    engine.configure_like_the_readme()
    engine.set_jobs([{"name": "nightly", "command": "bin/rake nightly", "schedule": "0 3 * * *", "size": "private-M"}])
    done = engine.pulumi("preview", check=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    lines = [line for line in output.splitlines() if "picletter:jobs[0].size" in line]
    assert lines and all("use performance-M" in line for line in lines), output
    assert "Traceback" not in output, output
    assert engine.heroku.writes() == []
    assert engine.azure.writes() == []
