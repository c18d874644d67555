"""Cron To Go manifests (heroku-cli-plugin-cron's export format) become picletter jobs."""

from __future__ import annotations

from typing import Any

import pytest

from infra.errors import UserError
from infra.imports import convert
from infra.imports.model import ImportedJob
from infra.names import JOB_NAME, JOB_NAME_MAX_LENGTH


def only_job(manifest_job: dict[str, Any]) -> ImportedJob:
    result = convert({"jobs": [manifest_job]})
    assert not result.refused, result.refused
    (job,) = result.jobs
    return job


def test_a_cron_job_keeps_its_schedule_zone_size_and_timeout() -> None:
    job = only_job(
        {
            "nickname": "Nightly reports",
            "schedule": "30 2 * * 1-5",
            "timezone": "America/New_York",
            "command": "bundle exec rake reports:nightly",
            "dyno": "Standard-2X",
            "timeout": 3600,
            "state": "enabled",
        }
    )
    assert job.fields == {
        "name": "nightly-reports",
        "command": "bundle exec rake reports:nightly",
        "schedule": "30 2 * * 1-5",
        "timeZone": "America/New_York",
        "size": "standard-2X",
        "timeToLive": 3600,
    }
    assert job.notes == ()


def test_the_plugins_defaults_apply_to_what_a_manifest_leaves_out() -> None:
    # import.ts: timezone UTC, dyno Basic and state enabled when absent.
    job = only_job({"schedule": "0 * * * *", "command": "bin/sweep"})
    assert job.fields == {
        "name": "bin-sweep",
        "command": "bin/sweep",
        "schedule": "0 * * * *",
        "timeZone": "UTC",
        "size": "basic",
    }


def test_a_paused_job_is_imported_disabled() -> None:
    assert only_job({"schedule": "0 9 * * *", "command": "x", "state": "paused"}).fields["enabled"] is False


@pytest.mark.parametrize(
    ("rate", "words"),
    [
        ("1 minute", "every minute"),
        ("15 minutes", "every 15 minutes"),
        ("1 hour", "every hour"),
        ("3 hours", "every 3 hours"),
        ("1 day", "every day at 00:00"),
        ("2 days", "every 2 days at 00:00"),
    ],
)
def test_rate_expressions_become_words(rate: str, words: str) -> None:
    assert only_job({"schedule": rate, "command": "x"}).fields["schedule"] == words


@pytest.mark.parametrize("rate", ["3 hours", "2 days"])
def test_a_rate_that_cron_to_go_counted_from_creation_says_where_it_now_starts(rate: str) -> None:
    (note,) = only_job({"schedule": rate, "command": "x"}).notes
    assert "from the job's creation" in note and "00:00" in note


def test_what_picletter_cannot_express_is_a_note_on_the_job_never_dropped() -> None:
    job = only_job({"schedule": "0 9 * * *", "command": "x", "jitter": 5, "start_date": "2026-01-01"})
    assert len(job.notes) == 2
    assert any(note.startswith("jitter: 5 not converted") for note in job.notes)
    assert any(note.startswith("start_date:") for note in job.notes)


@pytest.mark.parametrize(("given", "kept"), [(1, 1), (3, 3), (10, 10), (11, 10), (20, 10)])
def test_retries_carry_over_up_to_ten_with_the_exit_report_they_need(given: int, kept: int) -> None:
    job = only_job({"schedule": "0 9 * * *", "command": "x", "retries": given})
    assert (job.fields["retries"], job.fields["reportExit"]) == (kept, True)
    assert any("bin/picletter-run" in note for note in job.notes)
    assert any(f"retries: {given} became 10" in note for note in job.notes) == (given > 10)


def test_no_retries_add_nothing() -> None:
    job = only_job({"schedule": "0 9 * * *", "command": "x", "retries": 0})
    assert "retries" not in job.fields and "reportExit" not in job.fields and job.notes == ()


@pytest.mark.parametrize("retries", [21, -1, "3", True])
def test_retries_cron_to_go_would_refuse_are_refused(retries: Any) -> None:
    result = convert({"jobs": [{"nickname": "n", "schedule": "0 9 * * *", "command": "x", "retries": retries}]})
    (refused,) = result.refused
    assert "retries" in refused.reason and "0 to 20" in refused.reason


def test_a_retired_dyno_size_becomes_its_successor_with_a_note() -> None:
    job = only_job({"schedule": "0 9 * * *", "command": "x", "dyno": "Hobby"})
    assert job.fields["size"] == "basic"
    assert job.notes == ("dyno size Hobby is no longer sold by Heroku; basic took its place",)


@pytest.mark.parametrize(
    ("manifest_job", "reason"),
    [
        ({"nickname": "n", "schedule": "0 9 * * *"}, "has no command"),
        ({"nickname": "n", "command": "x"}, "has no schedule"),
        ({"nickname": "n", "command": "x", "schedule": "0 9 8-14 * 5"}, "Logic Apps cannot combine"),
        # A Month recurrence may run at its start time alone (infra.schedule.plan.one_time_a_month_day).
        (
            {"nickname": "n", "command": "x", "schedule": "0 7,19 1 * *"},
            "schedule '0 7,19 1 * *' in UTC: a monthly schedule here runs 2 times a day",
        ),
        ({"nickname": "n", "command": "x", "schedule": "0 9 * * *", "timezone": "Mars/Olympus"}, "time zone"),
        ({"nickname": "n", "command": "x", "schedule": "0 9 * * *", "dyno": "Giant-9X"}, "not a Heroku dyno size"),
        ({"nickname": "n", "command": "x", "schedule": "0 9 * * *", "timeout": 90_000}, "timeToLive"),
        ({"nickname": "n", "command": "x", "schedule": "0 9 * * *", "state": "sleeping"}, "not enabled or paused"),
        ({"nickname": "n", "command": "x", "schedule": "every tuesday"}, "schedule"),
        # validation-service.ts refuses a rate of 0 ("the value is a positive number"): never every minute.
        ({"nickname": "n", "command": "x", "schedule": "0 minutes"}, "schedule"),
    ],
)
def test_a_job_picletter_cannot_run_is_refused_with_its_reason(manifest_job: dict[str, Any], reason: str) -> None:
    result = convert({"jobs": [manifest_job]})
    assert result.jobs == ()
    (refused,) = result.refused
    assert refused.source == "n"
    assert reason in refused.reason


def test_names_are_unique_and_within_picletters_limit() -> None:
    long = "A very long nickname that goes well past the forty characters a job name may have"
    result = convert({"jobs": [{"nickname": long, "schedule": "0 9 * * *", "command": "x"}] * 3})
    names = [job.fields["name"] for job in result.jobs]
    assert names == [
        "a-very-long-nickname-that-goes-well-past",
        "a-very-long-nickname-that-goes-well-pa-2",
        "a-very-long-nickname-that-goes-well-pa-3",
    ]
    # Shortened to the limit the settings parser's rule holds, not one of its own.
    assert all(JOB_NAME.accepts(name) and len(name) == JOB_NAME_MAX_LENGTH for name in names)
    assert not JOB_NAME.accepts(names[0] + "x")


def test_an_empty_jobs_key_imports_nothing() -> None:
    # The plugin's test.import.null-jobs manifest: `jobs:` with nothing under it.
    result = convert({"jobs": None})
    assert result.jobs == () and result.refused == ()


def test_jobs_that_are_not_a_list_are_one_clear_error() -> None:
    with pytest.raises(UserError, match="lists them"):
        convert({"jobs": {"nickname": "x"}})


def test_a_job_as_cron_jobs_export_writes_it_has_no_unknown_field_notes() -> None:
    # export.ts writes every job with `start_date` (null when the job has none) and, with --with-id,
    # its `id`; import.ts reads both back. Neither is "not a Cron To Go manifest field".
    job = only_job(
        {
            "id": "12345678-1234-5678-1234-567812345678",
            "nickname": "Sweep",
            "schedule": "0 * * * *",
            "start_date": None,
            "timezone": "UTC",
            "dyno": "Basic",
            "command": "bin/sweep",
            "timeout": 1800,
            "retries": 0,
            "jitter": 0,
            "state": "enabled",
        }
    )
    assert job.notes == ()


def test_a_start_date_is_named_as_cron_to_gos_own_field() -> None:
    job = only_job({"schedule": "3 hours", "command": "x", "start_date": "2021-01-01T00:00:00.000Z"})
    assert not any("not a Cron To Go manifest field" in note for note in job.notes)
    assert any("2021-01-01T00:00:00.000Z" in note for note in job.notes)


def test_a_job_without_dyno_keeps_the_size_cron_to_go_gives_it() -> None:
    # import.ts's job payload defaults Target.Size to DynoSize.BASIC when the manifest names none.
    assert only_job({"schedule": "0 * * * *", "command": "bin/sweep"}).fields["size"] == "basic"
