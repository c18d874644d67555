"""A job's Logic App workflow definition: a pure function of its settings.

Trigger (Recurrence, or Sliding Window for catch-up) -> [overlap guard: list dynos, cancel if the
job's dyno is starting or up] -> start the dyno (an HttpWebhook that waits for its exit report, or a
plain HTTP call) -> the run's status from the exit status. The Heroku token is a SecureString
workflow parameter used only in the HTTP actions' authentication, and those actions mark their
inputs secure, so neither the definition nor run history shows it.
"""

from infra.workflow.definition import (
    QUEUE_CONDITION,
    SCHEMA,
    SKIP_CONDITION,
    TRIGGER_NAMES,
    build_definition,
    oversized,
    replacement_key,
)
from infra.workflow.expressions import literal, quoted
from infra.workflow.notify import needs_run_history, url_parameter
from infra.workflow.reading import all_actions, request_of
from infra.workflow.start import (
    EXIT_CONDITION,
    REPORT_MARGIN_SECONDS,
    START_ACTION,
    TOKEN_PARAMETER,
    report_deadline,
)

__all__ = [
    "EXIT_CONDITION",
    "QUEUE_CONDITION",
    "REPORT_MARGIN_SECONDS",
    "SCHEMA",
    "SKIP_CONDITION",
    "START_ACTION",
    "TOKEN_PARAMETER",
    "TRIGGER_NAMES",
    "all_actions",
    "build_definition",
    "literal",
    "needs_run_history",
    "oversized",
    "quoted",
    "replacement_key",
    "report_deadline",
    "request_of",
    "url_parameter",
]
