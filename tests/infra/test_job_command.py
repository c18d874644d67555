from __future__ import annotations

import shlex

import pytest

from infra.job_command import job_of, job_prefix, wrapped_command


@pytest.mark.parametrize("command", ["picletter", "picletter --dry-run", "python -c 'print(1)'", 'a "b" $C; d'])
def test_a_wrapped_command_names_its_job_and_keeps_the_command_as_one_word(command: str) -> None:
    wrapped = wrapped_command("nightly", command)
    assert wrapped.startswith(job_prefix("nightly"))
    assert shlex.split(wrapped) == ["bin/picletter-run", "nightly", command]
    assert job_of(wrapped) == "nightly"


@pytest.mark.parametrize("command", ["picletter", "bash", "bin/picletter-run", "bin/picletter-run 'unclosed", ""])
def test_other_commands_belong_to_no_job(command: str) -> None:
    assert job_of(command) is None


def test_one_jobs_prefix_never_matches_another_job_that_starts_the_same() -> None:
    assert not wrapped_command("daily-2", "picletter").startswith(job_prefix("daily"))
