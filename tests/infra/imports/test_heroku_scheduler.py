"""Heroku Scheduler job lists (the add-on's jobs API; herokux Terraform resources) become picletter jobs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from infra.imports import convert
from infra.schedule import compile_schedule, next_runs


def api_job(every: int, at: int, command: str = "rake sweep", size: str | None = "Standard-1X") -> dict[str, Any]:
    attributes: dict[str, Any] = {"every": every, "at": at, "command": command}
    if size is not None:
        attributes["dyno-size"] = size
    return {"type": "jobs", "id": "01234567-89ab-cdef-0123-456789abcdef", "attributes": attributes}


@pytest.mark.parametrize(
    ("every", "at", "schedule", "first_runs"),
    [
        (10, 0, "every 10 minutes", ["00:00", "00:10", "00:20"]),
        (60, 30, "hourly at :30", ["00:30", "01:30", "02:30"]),
        (60, 0, "hourly at :00", ["00:00", "01:00", "02:00"]),
        (1440, 1050, "daily at 17:30", ["17:30", "17:30", "17:30"]),
        (1440, 0, "daily at 00:00", ["00:00", "00:00", "00:00"]),
    ],
)
def test_every_and_at_become_the_same_runs_in_utc(every: int, at: int, schedule: str, first_runs: list[str]) -> None:
    (job,) = convert({"data": [api_job(every, at)]}).jobs
    assert job.fields["schedule"] == schedule and job.fields["timeZone"] == "UTC"
    runs = next_runs(compile_schedule(schedule, "UTC"), datetime(2026, 2, 28, 23, 59, tzinfo=UTC), 3)
    assert [run.strftime("%H:%M") for run in runs] == first_runs


@pytest.mark.parametrize(("every", "at"), [(30, 0), (60, 75), (1440, 1440), (60, "5")])
def test_a_frequency_the_scheduler_does_not_have_is_refused(every: int, at: Any) -> None:
    result = convert({"data": [api_job(every, at)]})
    assert result.jobs == ()
    assert "is not a Scheduler frequency" in result.refused[0].reason


def test_the_file_says_what_the_scheduler_lacked() -> None:
    result = convert({"data": [api_job(10, 0)]})
    assert any("UTC" in note for note in result.notes)
    assert any("no timeout" in note for note in result.notes)
    assert any("remove the jobs from Heroku Scheduler" in note for note in result.notes)


def test_names_come_from_commands() -> None:
    result = convert({"data": [api_job(10, 0, "bundle exec rake sweep"), api_job(60, 0, "bundle exec rake sweep")]})
    assert [job.fields["name"] for job in result.jobs] == ["bundle-exec-rake-sweep", "bundle-exec-rake-sweep-2"]


def test_a_job_without_attributes_is_refused() -> None:
    result = convert({"data": [{"type": "jobs", "id": "x"}]})
    assert result.refused[0].source == "data[0]"


def test_a_bare_list_of_api_jobs_is_read_too() -> None:
    (job,) = convert([api_job(60, 10, size="Hobby")]).jobs
    assert job.fields["size"] == "basic" and job.notes


def terraform_show(*values: dict[str, Any]) -> dict[str, Any]:
    resources = [{"type": "herokux_scheduler_job", "name": f"job{i}", "values": v} for i, v in enumerate(values)]
    child = {"resources": resources[1:], "address": "module.jobs"}
    return {
        "format_version": "1.0",
        "values": {"root_module": {"resources": resources[:1], "child_modules": [child]}},
    }


def test_terraform_show_json_is_read_in_every_module() -> None:
    document = terraform_show(
        {"command": "rake a", "dyno_size": "Standard-1X", "frequency": "every_ten_minutes"},
        {"command": "rake b", "dyno_size": "Performance-M", "frequency": "every_hour_at_20"},
        {"command": "rake c", "dyno_size": "Standard-2X", "frequency": "every_day_at_9:30"},
    )
    result = convert(document)
    assert [(j.fields["schedule"], j.fields["size"]) for j in result.jobs] == [
        ("every 10 minutes", "standard-1X"),
        ("hourly at :20", "performance-M"),
        ("daily at 09:30", "standard-2X"),
    ]


def test_a_plain_list_of_herokux_jobs_is_read_too() -> None:
    result = convert([{"command": "rake a", "dyno_size": "Free", "frequency": "every_day_at_17:00"}])
    assert result.jobs[0].fields["schedule"] == "daily at 17:00"
    assert result.jobs[0].fields["size"] == "eco"


def test_an_unknown_herokux_frequency_is_refused() -> None:
    result = convert([{"command": "rake a", "dyno_size": "Standard-1X", "frequency": "every_week"}])
    assert "every_week" in result.refused[0].reason
