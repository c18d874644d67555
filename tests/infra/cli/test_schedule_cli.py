from __future__ import annotations

import json

import pytest

from infra.cli import main


def test_prints_recurrence_and_next_runs_in_local_time_and_utc(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["schedule", "0 7 * * 1-5", "--time-zone", "Europe/Berlin", "--after", "2026-03-27T12:00", "--count", "2"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert '"weekDays": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]' in out
    assert "Mon 2026-03-30 07:00 CEST  |  2026-03-30 05:00 UTC" in out
    assert "Fri 2026-03-27" not in out


def test_json_output_and_raw_recurrence(capsys: pytest.CaptureFixture[str]) -> None:
    raw = json.dumps({"frequency": "Hour", "interval": 6})
    assert main(["schedule", raw, "--after", "2026-01-01T01:00:00Z", "--count", "3", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["recurrence"]["frequency"] == "Hour"
    assert [r["utc"] for r in payload["nextRuns"]] == [
        "2026-01-01T06:00:00+00:00",
        "2026-01-01T12:00:00+00:00",
        "2026-01-01T18:00:00+00:00",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["schedule", "0 7 1 1,2 *"], "picks months"),
        (["schedule", "@daily", "--time-zone", "Europe/Berln"], "did you mean Europe/Berlin"),
        (["schedule", "@daily", "--after", "soon"], "--after 'soon'"),
        (["schedule", "{bad json"], "not valid JSON"),
        (["schedule", "@daily", "--count", "0"], "--count"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_a_reader_that_goes_away_ends_the_command_quietly() -> None:
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        f"{sys.executable} -m infra schedule @hourly --count 1000 --json | head -n 1",
        shell=True,
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.startswith("{")
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr


@pytest.mark.parametrize("expression", ["every 15 minutes", "every 2 hours", '{"frequency": "Day"}'])
def test_runs_counted_from_the_last_run_say_they_may_come_later(
    expression: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schedule", expression, "--count", "2"]) == 0
    out = capsys.readouterr().out
    assert "note: Logic Apps counts each run of a recurrence without hours or days from the last run" in out
    assert main(["schedule", expression, "--count", "2", "--json"]) == 0
    assert "from the last run" in json.loads(capsys.readouterr().out)["note"]


@pytest.mark.parametrize("expression", ["*/15 * * * *", "hourly at :15", "monthly on day 1 at 06:00"])
def test_wall_clock_schedules_carry_no_drift_note(expression: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", expression, "--count", "2"]) == 0
    assert "note:" not in capsys.readouterr().out
    assert main(["schedule", expression, "--count", "2", "--json"]) == 0
    assert "note" not in json.loads(capsys.readouterr().out)
