"""infra/workflow/reading.py: reading a definition back, at every depth."""

from __future__ import annotations

from dataclasses import replace

from infra.workflow import START_ACTION, all_actions, build_definition, request_of
from tests.helpers import WORKFLOW_JOB as JOB


def test_all_actions_reaches_the_actions_inside_branches() -> None:
    actions = {
        "Top": {"type": "If", "actions": {"Yes": {"type": "Compose"}}, "else": {"actions": {"No": {"type": "Compose"}}}}
    }
    assert [name for name, _ in all_actions(actions)] == ["Top", "Yes", "No"]


def test_the_start_sends_the_dyno_create_whether_webhook_or_plain() -> None:
    for report_exit in (True, False):
        built = build_definition(replace(JOB, report_exit=report_exit), "app-name", "https://api.heroku.com")
        (start,) = [action for name, action in all_actions(built["actions"]) if name == START_ACTION]
        request = request_of(start)
        assert request["method"] == "POST" and request["uri"].endswith("/apps/app-name/dynos")
