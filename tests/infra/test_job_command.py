from __future__ import annotations

import shlex

import pytest

from infra.job_command import (
    REPORTER_ENV,
    WRAPPER,
    dyno_command,
    job_and_command,
    job_prefix,
    reporter_script,
)
from tests.helpers import REPO


@pytest.mark.parametrize("command", ["picletter", "picletter --dry-run", "python -c 'print(1)'", 'a "b" $C; d'])
def test_a_dyno_command_names_its_job_and_keeps_the_command_as_one_word(command: str) -> None:
    started = dyno_command("nightly", command)
    assert started.startswith(job_prefix("nightly"))
    # The dyno's shell replaces itself with the reporter, which gets JOB and COMMAND as its $1, $2.
    assert shlex.split(started) == ["exec", "sh", "-c", f"${REPORTER_ENV}", "picletter-run", "nightly", command]
    assert job_and_command(started) == ("nightly", command)


@pytest.mark.parametrize(
    "command",
    [
        "picletter",
        "bash",
        "bin/picletter-run nightly picletter",  # the earlier shape: no dyno of a run starts so any more
        'exec sh -c "$PICLETTER_REPORTER" picletter-run',
        'exec sh -c "$PICLETTER_REPORTER" picletter-run nightly \'unclosed',
        "",
    ],
)
def test_other_commands_belong_to_no_job(command: str) -> None:
    assert job_and_command(command) is None


def test_one_jobs_prefix_never_matches_another_job_that_starts_the_same() -> None:
    assert not dyno_command("daily-2", "picletter").startswith(job_prefix("daily"))


def test_the_dyno_carries_the_shipped_reporter_without_its_comments() -> None:
    # One implementation: the text the dyno runs is bin/picletter-run's, less its comments and blanks.
    shipped = (REPO / WRAPPER).read_text().splitlines()
    code = [line for line in shipped if line.strip() and not line.lstrip().startswith("#")]
    assert reporter_script().splitlines() == code
    assert reporter_script().startswith("trap ")
