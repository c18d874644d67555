"""The names a person types, one rule each, checked the same way wherever a name enters: the stack
file, the command line, the Heroku client's paths. Pure: imports nothing of the project's.

Every pattern is matched whole with `full_match`: a pattern anchored with `^...$` also accepts the
text with a newline after it (Python's `$` matches before a final newline), so `"app\\n"` passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "APP_NAME",
    "DYNO_NAME",
    "FIR_DYNO_NAME",
    "JOB_NAME",
    "JOB_NAME_MAX_LENGTH",
    "RESERVED_PREFIXES",
    "RESOURCE_GROUP",
    "VARIABLES_MAX_BYTES",
    "VARIABLE_NAME",
    "NameRule",
    "full_match",
    "variable_name_refusal",
    "variables_size_refusal",
]

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def full_match(pattern: re.Pattern[str], text: object) -> bool:
    """Whether TEXT is a string that PATTERN matches from its first character to its last."""
    return isinstance(text, str) and pattern.fullmatch(text) is not None


@dataclass(frozen=True)
class NameRule:
    """A kind of name: what it is called in messages, its pattern, and its shape in words."""

    kind: str
    pattern: re.Pattern[str]
    shape: str

    def accepts(self, text: object) -> bool:
        return full_match(self.pattern, text)

    def refusal(self, text: object) -> str | None:
        """None when TEXT is such a name, else what is wrong and the shape to use, in one line."""
        if self.accepts(text):
            return None
        return f"{text!r} is not {self.kind}: use {self.shape}"


# An app's name (3-30: lower-case letter first, then letters, digits, dashes) or its id (a UUID):
# Heroku's Platform API schema, app.name pattern `^[a-z][a-z0-9-]{1,28}[a-z0-9]$`.
APP_NAME = NameRule(
    "a Heroku app name or id",
    re.compile(rf"[a-z][a-z0-9-]{{1,28}}[a-z0-9]|{_UUID}"),
    "3-30 lower-case letters, digits and dashes, starting with a letter (the name `heroku apps` shows)",
)
# A dyno's name: its process type, a dot and a number (`run.4821`, `web.1`), or its id. Heroku's
# schema gives no pattern (only the example `run.1`); process types are Procfile names: letters,
# digits, dashes and underscores.
DYNO_NAME = NameRule(
    "a dyno name",
    re.compile(rf"[A-Za-z0-9_-]{{1,63}}\.[0-9]{{1,10}}|{_UUID}"),
    "a name like run.4821 or web.1, as `infra ps` lists them",
)
# A Fir-generation dyno's name: process type, a hash and 5 characters, as Kubernetes names pods
# (heroku/cli src/lib/apps/generation.ts: `^web-[0-9a-z]+-[0-9a-z]{5}$`, "web-1234abcde-123ab"; the
# CLI matches `web` only, any process type is taken here). Recognized to refuse it by name, as
# picletter does not run on Fir apps (infra.heroku.generation).
FIR_DYNO_NAME = NameRule(
    "a Fir dyno name",
    re.compile(r"[A-Za-z0-9_-]{1,63}-[0-9a-z]+-[0-9a-z]{5}"),
    "a name like web-848cd4f64d-pvpr2",
)
# Ours: a job names its Logic App (`<stack>-<job>`, Azure allows 1-80 characters) and the dyno's
# command (infra.job_command), so it stays short and lower-case. Importers shorten names to fit.
JOB_NAME_MAX_LENGTH = 40
JOB_NAME = NameRule(
    "a job name",
    re.compile(rf"[a-z0-9](?:[a-z0-9-]{{0,{JOB_NAME_MAX_LENGTH - 2}}}[a-z0-9])?"),
    f"1-{JOB_NAME_MAX_LENGTH} lower-case letters, digits and dashes, not starting or ending with a dash",
)
# Azure's resource group names (Microsoft.Resources naming rules): 1-90 letters, digits,
# underscores, periods, parentheses and hyphens, not ending with a period.
RESOURCE_GROUP = NameRule(
    "a resource group name",
    re.compile(r"[-\w.()]{0,89}[-\w()]"),
    "1-90 letters, digits, - _ . ( ), not ending with a period",
)
# Config var and dyno env names, by Heroku's config var policies (Dev Center, "Configuration and
# config vars"): letters, digits and underscores, not starting with a digit, so every language and
# shell can read them. Keys beginning with __ or HEROKU_ (the platform's own) are reserved, and an
# app's config vars, keys and values together, cannot exceed 64 KB.
VARIABLE_NAME = NameRule(
    "a valid variable name",
    re.compile(r"[A-Za-z_][A-Za-z0-9_]*"),
    "letters, digits and underscores, not starting with a digit (Heroku's config var policy)",
)
RESERVED_PREFIXES = ("__", "HEROKU_")
VARIABLES_MAX_BYTES = 64 * 1024


def variable_name_refusal(name: object) -> str | None:
    """None for a name a config var or a dyno's env may have, else what is wrong and what to use."""
    if refusal := VARIABLE_NAME.refusal(name):
        return refusal
    if str(name).upper().startswith(RESERVED_PREFIXES):
        return f"{name} is reserved: Heroku keeps names beginning with __ or HEROKU_ for the platform; choose another"
    return None


def variables_size_refusal(variables: dict[str, str], what: str) -> str | None:
    """None when VARIABLES (names and values, UTF-8) fit Heroku's 64 KB, else how far over."""
    size = sum(len(name.encode()) + len(value.encode()) for name, value in variables.items())
    if size <= VARIABLES_MAX_BYTES:
        return None
    return (
        f"{what} hold {size} bytes; Heroku allows {VARIABLES_MAX_BYTES // 1024} KB of config vars per app, "
        "keys and values together"
    )
