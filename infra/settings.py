"""The stack's configuration, validated in one pass before any resource is registered.

Pure: takes the raw `picletter:*` values and the HEROKU_API_KEY that infra.heroku.environment read
(the one reader of HEROKU_* variables), returns typed settings or raises ConfigError listing every
problem, each naming the key and the fix.

Each key has one parser in a table (STACK_FIELDS, JOB_FIELDS): it takes the value as given and
returns it typed, or records a problem and returns INVALID. Rules that join fields (a schedule and
its zone, overlap with reportExit and catchUp) run after every field has been read, on what parsed.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeGuard, cast

from infra.azure_regions import location_problem
from infra.errors import ConfigError
from infra.heroku.facts import (
    DEFAULT_DYNO_SIZE,
    DEFAULT_TIME_TO_LIVE,
    DYNO_SIZES,
    MAX_TIME_TO_LIVE,
    PRIVATE_SPACE_DYNO_SIZES,
    canonical_dyno_size,
    common_runtime_size,
    fir_size_fix,
)
from infra.job_command import REPORTER_ENV, REPORTER_KEYS, reporter_script
from infra.names import (
    APP_NAME,
    JOB_NAME,
    RESOURCE_GROUP,
    full_match,
    variable_name_refusal,
    variables_size_refusal,
)
from infra.run_rules import OVERLAPS, Overlap, catch_up_refusal, overlap_refusal
from infra.schedule import Recurrence, ScheduleError, compile_schedule, fixed_offset_warning, windows_zone
from picletter.settings import settings_problems

__all__ = [
    "DEFAULT_JOB",
    "JOB_FIELDS",
    "OBJECT_KEYS",
    "SCALAR_KEYS",
    "SECRET_ONLY_KEYS",
    "SECRET_PLACEHOLDER_PREFIX",
    "STACK_FIELDS",
    "ConfigError",
    "JobSettings",
    "NotifyReceiver",
    "StackSettings",
    "settings_from_config",
    "token_for_use",
]

DEFAULT_JOB: dict[str, Any] = {"name": "picletter", "command": "picletter", "schedule": "daily at 07:00"}
# Keys of earlier versions, refused with what replaced them.
RETIRED_JOB_KEYS = {
    "waitForCompletion": "remove it: a run now lasts as long as its job and records the exit status (reportExit, "
    "on by default), without polling",
}
# picletter:notify: where a run's failure and the first success after one are posted
# (infra/workflow/notify.py writes each type's payload).
NOTIFY_TYPES = ("slack", "teams", "webhook")
NOTIFY_EVENTS = ("failure", "recovery")
NOTIFY_KEYS = ("type", "url", "on")
NOTIFY_FIX_SECRET = "pulumi config set --secret --path 'picletter:notify[{index}].url' URL"
_EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")
_SCHEDULE_EXAMPLE = 'write cron like "0 7 * * *", words like "daily at 07:00", or a recurrence object'


class _Invalid:
    """What a parser returns after recording a problem: the field has no usable value."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = _Invalid()


@dataclass(frozen=True)
class JobSettings:
    name: str
    command: str
    schedule: Recurrence
    schedule_source: str  # what the user wrote, for outputs and review
    time_zone: str
    size: str
    time_to_live: int
    env: dict[str, str] = field(default_factory=dict)
    enabled: bool = True
    overlap: Overlap = "skip"
    # The dyno reports its exit status to the run, which ends Succeeded only on 0 (bin/picletter-run,
    # carried by every job's dyno on any app: infra.job_command).
    report_exit: bool = True
    # Missed recurrences run when Logic Apps is back or the workflow is enabled again (Sliding Window).
    catch_up: bool = False
    # Further attempts, each on a new dyno, after the job exits non-zero or sends no report.
    retries: int = 0


@dataclass(frozen=True)
class NotifyReceiver:
    """One receiver of run notifications: its URL is a bearer secret (anyone holding a Slack or
    Teams incoming-webhook URL can post to the channel), so it is never shown."""

    type: str
    url: str = field(repr=False)
    on: frozenset[str] = frozenset(NOTIFY_EVENTS)


@dataclass(frozen=True)
class StackSettings:
    heroku_app: str
    # The Logic Apps' token (lists and creates dynos) and the deploy's (config vars, builds); one
    # token serves both when only picletter:herokuApiToken or HEROKU_API_KEY is set.
    heroku_run_token: str = field(repr=False)
    heroku_deploy_token: str = field(repr=False)
    config_vars: dict[str, str] = field(repr=False)
    jobs: tuple[JobSettings, ...]
    resource_group: str | None
    location: str | None
    deploy_code: bool = False
    # The version of a release from elsewhere that a deploy may replace (picletter:replaceRelease).
    replace_release: int | None = None
    create_app: bool = False
    delete_app_on_destroy: bool = False
    heroku_region: str | None = None
    alert_emails: tuple[str, ...] = ()
    # Keys of config_vars that already exist on the app and that the stack may take over: their
    # earlier values are kept and put back when the stack lets go of them.
    adopt_config_vars: tuple[str, ...] = ()
    # Receivers of failed runs and recoveries (picletter:notify).
    notify: tuple[NotifyReceiver, ...] = ()
    # Accepted, but likely not what was meant (a plaintext token, EST for New York): shown at preview.
    warnings: tuple[str, ...] = ()

    @property
    def one_token(self) -> bool:
        """Whether the Logic Apps hold the same token as the deploy (no narrower run token)."""
        return self.heroku_run_token == self.heroku_deploy_token


class _Problems(list[str]):
    """The problems found, one line each; beside them, warnings: accepted, but likely not meant."""

    def __init__(self) -> None:
        super().__init__()
        self.warnings: list[str] = []

    def add(self, key: str, problem: str, fix: str) -> None:
        self.append(f"{key}: {problem}; {fix}")

    def warn(self, key: str, warning: str) -> None:
        self.warnings.append(f"{key}: {warning}")

    def refuse(self, key: str, refusal: str) -> None:
        """A refusal that already says what is wrong and what to do (infra.names)."""
        self.append(f"{key}: {refusal}")


Parser = Callable[[Any, str, _Problems], Any]


@dataclass(frozen=True)
class Field:
    """One key: PARSE takes its value (DEFAULT when unset) and the key's full name for messages."""

    parse: Parser
    default: Any = None


# -- parsers shared by stack keys and job fields ---------------------------------------------------


def _boolean(value: Any, key: str, problems: _Problems) -> bool | _Invalid | None:
    """Stack config gives booleans as true/false or as the strings "true"/"false"; None is unset."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    problems.add(key, f"{value!r} is not true or false", "write true or false")
    return INVALID


def _variables(value: Any, key: str, problems: _Problems, example: str) -> dict[str, str] | _Invalid:
    """A map of environment variable names to string values (config vars, a job's env).

    `pulumi config set --path 'ns:key.NAME' 5` stores the number 5 (and `true` a boolean): those
    are taken as the strings Heroku stores, "5" and "true".
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.add(key, "must be a map of NAME: value", example)
        return INVALID
    before = len(problems)
    values: dict[str, str] = {}
    for name, item in value.items():
        if refusal := variable_name_refusal(name):
            problems.refuse(f"{key}.{name}", refusal)
        if isinstance(item, bool):
            values[str(name)] = "true" if item else "false"
        elif isinstance(item, int | float | str):
            values[str(name)] = str(item)
        else:
            kind = "null" if item is None else type(item).__name__
            problems.add(f"{key}.{name}", f"is a {kind}, not a value", "give it a string, number or boolean")
    return values if len(problems) == before else INVALID


# -- job fields ----------------------------------------------------------------------------------


def _job_name(value: Any, key: str, problems: _Problems) -> str | _Invalid:
    if refusal := JOB_NAME.refusal(value):
        problems.refuse(key, refusal)
        return INVALID
    return cast(str, value)


def _command(value: Any, key: str, problems: _Problems) -> str | _Invalid:
    if isinstance(value, str) and value.strip():
        return value.strip()
    problems.add(key, "is required", "name a Procfile process type (e.g. picletter) or a shell command")
    return INVALID


def _schedule(value: Any, key: str, problems: _Problems) -> str | Mapping[str, Any] | _Invalid:
    """Its type only: compiling needs the zone (_job_schedule)."""
    if value is None:
        problems.add(key, "is required", _SCHEDULE_EXAMPLE)
        return INVALID
    if not isinstance(value, str | Mapping):
        problems.add(key, f"is the {type(value).__name__} {value!r}", _SCHEDULE_EXAMPLE)
        return INVALID
    return value


def _time_zone(value: Any, key: str, problems: _Problems) -> str | _Invalid | None:
    """None when unset: a recurrence object may then carry its own timeZone; anything else runs in UTC."""
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(key, "must be a string", "use an IANA name such as Europe/Berlin")
        return INVALID
    try:
        windows_zone(value)
    except ScheduleError as exc:
        problems.add(key, str(exc), "see docs/reference/schedules.md")
        return INVALID
    if warning := fixed_offset_warning(value):
        problems.warn(key, warning)
    return value


def _size(value: Any, key: str, problems: _Problems) -> str | _Invalid:
    size = canonical_dyno_size(value) if isinstance(value, str) else None
    if size is None:
        close = difflib.get_close_matches(str(value), DYNO_SIZES, n=2, cutoff=0.5)
        problems.add(
            key, f"{value!r} is not a Heroku dyno size", f"use {' or '.join(close) if close else DEFAULT_DYNO_SIZE}"
        )
        return INVALID
    if fix := fir_size_fix(size):
        problems.add(key, f"{size} is a Fir-generation dyno size and picletter runs jobs on Cedar apps", f"use {fix}")
        return INVALID
    return size


def _whole_number_in(value: Any, low: int, high: int) -> TypeGuard[int]:
    """Whether VALUE is a whole number from LOW to HIGH; YAML's true and false are ints to Python, not numbers here."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _time_to_live(value: Any, key: str, problems: _Problems) -> int | _Invalid:
    if isinstance(value, str):
        problems.add(key, f"is the string {value!r}", "write a number of seconds without quotes")
        return INVALID
    if not _whole_number_in(value, 1, MAX_TIME_TO_LIVE):
        problems.add(
            key,
            f"{value!r} is not 1 to {MAX_TIME_TO_LIVE} seconds",
            "Heroku kills one-off dynos after at most 24 hours",
        )
        return INVALID
    return value


def _job_env(value: Any, key: str, problems: _Problems) -> dict[str, str] | _Invalid:
    env = _variables(value, key, problems, 'write e.g. {"PICLETTER_SOURCE": "apod"}')
    if isinstance(env, _Invalid):
        return INVALID
    reserved = sorted(set(env) & set(REPORTER_KEYS))
    for name in reserved:
        problems.add(
            f"{key}.{name}",
            "is reserved: each run sets it for the dyno's exit reporter (bin/picletter-run)",
            "choose another name",
        )
    if reserved:
        return INVALID
    if refusal := variables_size_refusal(env, "they"):
        problems.add(key, refusal, "a job's env is written into its workflow definition: keep large data out of it")
        return INVALID
    for name in sorted(env):
        if looks_secret(name, env[name]):
            problems.warn(
                f"{key}.{name}",
                "looks like a secret, but a job's env is written in plaintext into its workflow definition and "
                "run history; move it to configVars with `pulumi config set --secret --path "
                f"'picletter:configVars.{name}' <value>`",
            )
    return env


# Attempts after the first a run may make (job field `retries`); Cron To Go allows 20, but ten
# back-offs capped at 30 minutes already keep a run waiting three hours (infra/workflow/start.py).
MAX_RETRIES = 10


def _retries(value: Any, key: str, problems: _Problems) -> int | _Invalid:
    if not _whole_number_in(value, 0, MAX_RETRIES):
        problems.add(
            key,
            f"{value!r} is not a whole number from 0 to {MAX_RETRIES}",
            "write e.g. retries: 2 (without quotes), or remove it for no retries",
        )
        return INVALID
    return value


def _overlap(value: Any, key: str, problems: _Problems) -> Overlap | _Invalid:
    if value in OVERLAPS:
        return cast(Overlap, value)
    problems.add(
        key,
        f"{value!r} is not {', '.join(OVERLAPS[:-1])} or {OVERLAPS[-1]}",
        "skip (default) cancels a run while the job's dyno is up, queue waits for it, allow runs anyway",
    )
    return INVALID


JOB_FIELDS: dict[str, Field] = {
    "name": Field(_job_name),
    "command": Field(_command),
    "schedule": Field(_schedule),
    "timeZone": Field(_time_zone),
    "size": Field(_size, DEFAULT_DYNO_SIZE),
    "timeToLive": Field(_time_to_live, DEFAULT_TIME_TO_LIVE),
    "env": Field(_job_env),
    "enabled": Field(_boolean, True),
    "overlap": Field(_overlap, "skip"),
    # Unset: on when the stack ships the code, whose bin/picletter-run reports (_job).
    "reportExit": Field(_boolean),
    "catchUp": Field(_boolean, False),
    "retries": Field(_retries, 0),
}
JOB_KEYS = tuple(JOB_FIELDS)


def _parse_fields(
    fields: Mapping[str, Field], raw: Mapping[str, Any], key_of: Callable[[str], str], problems: _Problems
) -> dict[str, Any]:
    """Each field of RAW through its parser (INVALID where it recorded a problem)."""
    parsed = {}
    for name, spec in fields.items():
        value = raw.get(name)
        parsed[name] = spec.parse(spec.default if value is None else value, key_of(name), problems)
    return parsed


def _unknown_job_keys(raw: Mapping[str, Any], where: str, problems: _Problems) -> None:
    for key in sorted(set(raw) & set(RETIRED_JOB_KEYS)):
        problems.add(f"{where}.{key}", "is no longer a job setting", RETIRED_JOB_KEYS[key])
    for key in sorted(set(raw) - set(JOB_KEYS) - set(RETIRED_JOB_KEYS)):
        close = difflib.get_close_matches(key, JOB_KEYS, n=1)
        problems.add(
            f"{where}.{key}",
            "is not a job setting",
            f"did you mean {close[0]}?" if close else f"use {', '.join(JOB_KEYS)}",
        )


def _job_schedule(schedule: Any, time_zone: Any, where: str, problems: _Problems) -> Recurrence | _Invalid:
    if isinstance(schedule, _Invalid) or isinstance(time_zone, _Invalid):
        return INVALID
    try:
        return compile_schedule(schedule, time_zone)
    except ScheduleError as exc:
        problems.add(f"{where}.schedule", str(exc), "see docs/reference/schedules.md")
        return INVALID


def _job(raw: Any, index: int, problems: _Problems) -> JobSettings | None:
    where = f"picletter:jobs[{index}]"
    if not isinstance(raw, Mapping):
        problems.add(where, "must be an object", 'write e.g. {"name": "daily", "command": "picletter", ...}')
        return None
    before = len(problems)
    _unknown_job_keys(raw, where, problems)
    job = _parse_fields(JOB_FIELDS, raw, lambda name: f"{where}.{name}", problems)
    recurrence = _job_schedule(job["schedule"], job["timeZone"], where, problems)
    # Every dyno carries its reporter (infra.job_command, docs/explanation/exit-reports.md): on by
    # default on every app.
    report_exit = True if job["reportExit"] is None else job["reportExit"]
    overlap, catch_up = job["overlap"], job["catchUp"]
    known = not any(isinstance(v, _Invalid) for v in (overlap, report_exit, catch_up))
    if known and (reason := overlap_refusal(overlap, report_exit, catch_up)):
        problems.add(f"{where}.overlap", f"{overlap} cannot be used here: {reason}", "use skip or allow")
    if catch_up is True and isinstance(recurrence, Recurrence) and (reason := catch_up_refusal(recurrence)):
        problems.add(
            f"{where}.catchUp",
            reason,
            'give the schedule as an interval ("every 6 hours", or a recurrence object such as {"frequency": '
            '"Day", "interval": 1, "startTime": "2026-01-01T07:00:00"}), or remove catchUp',
        )
    if isinstance(job["retries"], int) and job["retries"] and report_exit is False:
        problems.add(
            f"{where}.retries",
            "needs reportExit: without the dyno's exit report a run cannot tell that the job failed",
            "set reportExit: true (the default), or remove retries",
        )
    if len(problems) > before or not isinstance(recurrence, Recurrence):
        return None
    schedule = job["schedule"]
    return JobSettings(
        name=job["name"],
        command=job["command"],
        schedule=recurrence,
        schedule_source=schedule if isinstance(schedule, str) else "recurrence object",
        time_zone=recurrence.iana_zone,
        size=job["size"],
        time_to_live=job["timeToLive"],
        env=job["env"],
        enabled=job["enabled"],
        overlap=overlap,
        report_exit=report_exit,
        catch_up=catch_up,
        retries=job["retries"],
    )


# -- stack keys ----------------------------------------------------------------------------------


def _heroku_app(value: Any, key: str, problems: _Problems) -> str | _Invalid:
    if not value:
        problems.add(key, "is required", "run `pulumi config set picletter:herokuApp <app-name>`")
        return INVALID
    if refusal := APP_NAME.refusal(value):
        problems.refuse(key, refusal)
        return INVALID
    return cast(str, value)


def _token(value: Any, key: str, problems: _Problems) -> str | None:
    """A token as given; which one serves where, and whether any is set, is _tokens'."""
    return str(value) if value else None


def token_for_use(own: Any, shared: Any, heroku_api_key: str) -> str:
    """The token for one use (picletter:herokuRunToken for the Logic Apps, picletter:herokuDeployToken
    for the providers): its own setting, else picletter:herokuApiToken, else HEROKU_API_KEY, else ""
    (docs/how-to/tokens.md). The program and the providers' `configure` both ask here."""
    return str(own or shared or heroku_api_key or "")


def _tokens(stack: Mapping[str, Any], heroku_api_key: str, problems: _Problems) -> tuple[str, str]:
    """The run token (Logic Apps) and the deploy token (token_for_use), or the problem of a missing one."""
    run_token = token_for_use(stack["herokuRunToken"], stack["herokuApiToken"], heroku_api_key)
    deploy_token = token_for_use(stack["herokuDeployToken"], stack["herokuApiToken"], heroku_api_key)
    create = "(from `heroku authorizations:create`, docs/how-to/tokens.md)"
    if not run_token and not deploy_token:
        problems.add(
            "picletter:herokuApiToken",
            "is not set and HEROKU_API_KEY is empty",
            f"run `pulumi config set --secret picletter:herokuApiToken <token>` {create}",
        )
        return run_token, deploy_token
    for key, token in (("herokuRunToken", run_token), ("herokuDeployToken", deploy_token)):
        if not token:
            problems.add(
                f"picletter:{key}",
                "is not set, nor picletter:herokuApiToken or HEROKU_API_KEY to fall back on",
                f"run `pulumi config set --secret picletter:{key} <token>` {create}",
            )
    return run_token, deploy_token


def _release(value: Any, key: str, problems: _Problems) -> int | _Invalid | None:
    """picletter:replaceRelease: `v42` or `42`, the release a deploy may replace."""
    if value is None:
        return None
    match = re.fullmatch(r"v?([1-9][0-9]{0,9})", str(value).strip()) if not isinstance(value, bool) else None
    if match is None:
        problems.add(
            key,
            f"{value!r} is not a release version",
            "write the version the refusal named, e.g. v42 (`heroku releases` lists them)",
        )
        return INVALID
    return int(match.group(1))


def _config_vars(value: Any, key: str, problems: _Problems) -> dict[str, str] | _Invalid:
    config_vars = _variables(value, key, problems, "set keys with `pulumi config set --path 'configVars.NAME' value`")
    if isinstance(config_vars, _Invalid):
        return INVALID
    if refusal := variables_size_refusal(config_vars, "they"):
        problems.add(key, refusal, "keep large data out of config vars")
        return INVALID
    return config_vars


def _adopt(value: Any, key: str, problems: _Problems) -> tuple[str, ...] | _Invalid:
    if not value:
        return ()
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        problems.add(key, "must be a list of config var names", 'write e.g. ["DATABASE_URL"]')
        return INVALID
    return tuple(value)


def _jobs(value: Any, key: str, problems: _Problems) -> list[Any] | _Invalid:
    """The list only: each job is read with the stack's deployCode (_job)."""
    if not isinstance(value, list) or not value:
        problems.add(key, "must be a non-empty list of jobs", "leave it unset for the default daily job")
        return INVALID
    return value


def _resource_group(value: Any, key: str, problems: _Problems) -> str | _Invalid | None:
    if value is None:
        return None
    if refusal := RESOURCE_GROUP.refusal(value):
        problems.refuse(key, refusal)
        return INVALID
    return cast(str, value)


def _location(value: Any, key: str, problems: _Problems) -> str | _Invalid | None:
    """A region's name; required only without a resource group (_parse_settings)."""
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(key, f"is the {type(value).__name__} {value!r}", "write a region's name such as westeurope")
        return INVALID
    if found := location_problem(value):
        problem, surely_wrong = found
        if surely_wrong:
            problems.refuse(key, problem)
            return INVALID
        problems.warn(key, problem)
    return value


def _region(value: Any, key: str, problems: _Problems) -> str | _Invalid | None:
    if value is None or value in ("us", "eu"):
        return cast(str | None, value)
    problems.add(key, f"{value!r} is not a Common Runtime region", "use us or eu")
    return INVALID


def _alert_emails(value: Any, key: str, problems: _Problems) -> tuple[str, ...] | _Invalid:
    """Addresses separated by commas or semicolons, or a list of them (a YAML list in the stack file
    reaches the program as its JSON text)."""
    if isinstance(value, str) and value.lstrip().startswith("["):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    if isinstance(value, list):
        if not all(isinstance(item, str) for item in value):
            problems.add(key, "must list addresses as text", 'write e.g. ["a@example.com", "b@example.com"]')
            return INVALID
        value = ",".join(value)
    addresses = tuple(a.strip() for a in re.split(r"[,;]", str(value or "")) if a.strip())
    before = len(problems)
    for address in addresses:
        if not full_match(_EMAIL, address):
            problems.add(key, f"{address!r} is not an email address", "use a@example.com, b@example.com")
    return addresses if len(problems) == before else INVALID


def _notify(value: Any, key: str, problems: _Problems) -> tuple[NotifyReceiver, ...] | _Invalid:
    """picletter:notify: a list of `{type, url, on}`. Whether the urls are secret is a joined rule
    (_notify_is_secret). A url is never echoed: it may be the secret itself."""
    if value is None:
        return ()
    if isinstance(value, str) and value.lstrip().startswith("["):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    example = "write e.g. [{type: slack, url: ..., on: [failure, recovery]}] (docs/reference/configuration.md)"
    if not isinstance(value, list):
        problems.add(key, "must be a list of receivers", example)
        return INVALID
    before = len(problems)
    receivers: list[NotifyReceiver] = []
    for index, item in enumerate(value):
        where = f"{key}[{index}]"
        if not isinstance(item, Mapping):
            problems.add(where, "must be a map {type, url, on}", example)
            continue
        for unknown in sorted(set(map(str, item)) - set(NOTIFY_KEYS)):
            problems.add(f"{where}.{unknown}", "is not a receiver field", f"use only {', '.join(NOTIFY_KEYS)}")
        kind = item.get("type")
        if kind not in NOTIFY_TYPES:
            problems.add(f"{where}.type", f"{kind!r} is not a receiver type", f"use one of {', '.join(NOTIFY_TYPES)}")
        url = item.get("url")
        # An offline render cannot decrypt the url: its placeholder stands for a secret (infra.synth).
        if not isinstance(url, str) or not url.startswith(("https://", SECRET_PLACEHOLDER_PREFIX)):
            problems.add(f"{where}.url", "must be an https:// URL", f"run `{NOTIFY_FIX_SECRET.format(index=index)}`")
        on = item.get("on", list(NOTIFY_EVENTS))
        if not isinstance(on, list) or not on or not all(event in NOTIFY_EVENTS for event in on):
            problems.add(f"{where}.on", f"{on!r} is not a list of events", "use [failure], [recovery] or both")
        elif kind in NOTIFY_TYPES and isinstance(url, str):
            receivers.append(NotifyReceiver(str(kind), url, frozenset(on)))
    return tuple(receivers) if len(problems) == before else INVALID


def _notify_is_secret(notify: Any, secret_keys: Collection[str], problems: _Problems) -> None:
    """`--secret --path 'picletter:notify[0].url'` marks the whole key secret (Pulumi keeps one
    secure flag per top-level key), so a list of receivers that is not secret holds plaintext urls."""
    if isinstance(notify, _Invalid) or not notify or "notify" in secret_keys:
        return
    for index in range(len(notify)):
        problems.add(
            f"picletter:notify[{index}].url",
            "is stored in plaintext, so the stack file and `pulumi config` show it, and anyone holding it "
            "can post to the channel",
            f"run `{NOTIFY_FIX_SECRET.format(index=index)}`",
        )


# The stack's `picletter:*` keys, each with its parser; `location` is azure-native:location.
STACK_FIELDS: dict[str, Field] = {
    "herokuApp": Field(_heroku_app),
    "herokuApiToken": Field(_token),
    "herokuRunToken": Field(_token),
    "herokuDeployToken": Field(_token),
    "resourceGroup": Field(_resource_group),
    # Unset: ship the sample job's code only where the stack needs and owns it (_deploy_code).
    "deployCode": Field(_boolean),
    "replaceRelease": Field(_release),
    "createApp": Field(_boolean, False),
    "deleteAppOnDestroy": Field(_boolean, False),
    "herokuRegion": Field(_region),
    "alertEmail": Field(_alert_emails),
    "configVars": Field(_config_vars),
    "adoptConfigVars": Field(_adopt),
    "jobs": Field(_jobs, [DEFAULT_JOB]),
    "notify": Field(_notify),
    "location": Field(_location),
}
# Scalars (strings or booleans), and objects the CLI stores as JSON.
OBJECT_KEYS = ("configVars", "adoptConfigVars", "jobs", "notify")
SCALAR_KEYS = tuple(key for key in STACK_FIELDS if key not in (*OBJECT_KEYS, "location"))
# Tokens that may only be stored as secrets (docs/how-to/tokens.md). herokuApiToken, the fallback
# for both, predates the rule and is still read as it is.
SECRET_ONLY_KEYS = ("herokuRunToken", "herokuDeployToken")


def _deploy_code(stack: Mapping[str, Any], *, jobs_given: bool) -> bool:
    """Whether to ship the sample job's code. By default only where the stack needs it and owns the
    app's code: an app the stack creates, or a stack that schedules the sample job (it cannot run
    without its code). A stack that lists its own jobs never ships code unless asked, and whatever
    the default, the build refuses to replace code the stack did not ship (infra.heroku.current_code).
    A wrong value is reported by its parser; jobs are then read as if it were unset."""
    if isinstance(stack["deployCode"], bool):
        return stack["deployCode"]
    return stack["createApp"] is True or not jobs_given


# How an offline render (infra.synth) writes a value set with --secret, which it cannot decrypt: such
# a value is not judged as a job setting (it is known only to Pulumi).
SECRET_PLACEHOLDER_PREFIX = "synth-placeholder-"

# The job's own settings (picletter.settings) that the stack may set: checked at preview with the
# job's parser, so that a typo fails the deploy instead of every run.
_JOB_SETTING_PREFIX = "PICLETTER_"


def _job_settings_problems(
    config_vars: Mapping[str, str], where: str, env: Mapping[str, str], problems: _Problems
) -> None:
    """Problems of the job's settings given here (PICLETTER_*, TZ) as the job would see them: the
    app's config vars with ENV over them. Only variables given here are judged (others may be set
    on the app outside the stack); with ENV, only those ENV gives (config vars are judged alone)."""
    given = env or config_vars
    judged = {
        name
        for name, value in given.items()
        if (name.startswith(_JOB_SETTING_PREFIX) or name == "TZ") and not value.startswith(SECRET_PLACEHOLDER_PREFIX)
    }
    if not judged:
        return
    for variable, problem in settings_problems({**config_vars, **env}):
        if variable in judged:
            problems.add(f"{where}.{variable}", problem, "the job would refuse to run (python -m picletter --help)")


# Names and values that are usually secrets: they belong in an encrypted config value.
_SECRET_NAME = re.compile(r"(?:^|_)(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|CREDENTIALS?|PRIVATE)(?:_|$)")
_URL_WITH_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^/@\s:]*:[^/@\s]+@.*", re.DOTALL)


def looks_secret(name: str, value: str) -> bool:
    """Whether NAME=VALUE is likely a secret: a key/token/password name, or a URL with a password."""
    if value in ("", "DEMO_KEY"):  # NASA's public demo key is no secret
        return False
    return bool(_SECRET_NAME.search(name.upper())) or full_match(_URL_WITH_PASSWORD, value)


def _dyno_environment_fits(config_vars: Any, job: JobSettings, index: int, problems: _Problems) -> None:
    """A job's dyno sees the app's config vars and its env, which also carries the exit reporter:
    together within Heroku's 64 KB."""
    if isinstance(config_vars, _Invalid) or not job.env:
        return
    dyno_env = {**config_vars, **job.env, REPORTER_ENV: reporter_script()}
    if refusal := variables_size_refusal(dyno_env, "with picletter:configVars and the exit reporter, they"):
        problems.add(f"picletter:jobs[{index}].env", refusal, "keep large data out of config vars and env")


def _stack_key(name: str) -> str:
    return "azure-native:location" if name == "location" else f"picletter:{name}"


def _plaintext_warnings(
    raw: Mapping[str, Any], config_vars: Any, secret_keys: Collection[str], problems: _Problems
) -> None:
    """Secrets the stack file holds in plaintext: accepted, with the command that encrypts them."""
    if raw.get("herokuApiToken") and "herokuApiToken" not in secret_keys:
        problems.warn(
            "picletter:herokuApiToken",
            "is stored in plaintext in the stack file; set it with `pulumi config set --secret "
            "picletter:herokuApiToken <token>` (and revoke this one if the file was shared)",
        )
    if isinstance(config_vars, _Invalid) or "configVars" in secret_keys:
        return
    for name in sorted(config_vars):
        if looks_secret(name, config_vars[name]):
            problems.warn(
                f"picletter:configVars.{name}",
                "looks like a secret but is stored in plaintext; set it with `pulumi config set --secret "
                f"--path 'picletter:configVars.{name}' <value>`",
            )


def _adopted_are_owned(config_vars: Any, adopt: Any, problems: _Problems) -> None:
    if isinstance(config_vars, _Invalid) or isinstance(adopt, _Invalid):
        return
    for name in adopt:
        if name not in config_vars:
            problems.add(
                "picletter:adoptConfigVars",
                f"{name} is not in picletter:configVars, so there is nothing to adopt",
                "add it to configVars with the value the stack should set, or remove it here",
            )


def _jobs_of(stack: Mapping[str, Any], problems: _Problems) -> list[JobSettings]:
    """Each job, then the rules between a job and the stack."""
    jobs: list[JobSettings] = []
    if isinstance(stack["jobs"], _Invalid):
        return jobs
    config_vars = stack["configVars"]
    for index, job_raw in enumerate(stack["jobs"]):
        if job := _job(job_raw, index, problems):
            jobs.append(job)
            _dyno_environment_fits(config_vars, job, index, problems)
            # The app picletter:createApp makes is in no space: POST /apps names none (HerokuApp).
            if stack["createApp"] is True and job.size in PRIVATE_SPACE_DYNO_SIZES:
                problems.add(
                    f"picletter:jobs[{index}].size",
                    f"{job.size} runs only in a Private or Shield Space, and the app picletter:createApp makes "
                    "is in none",
                    f"use {common_runtime_size(job.size)}",
                )
            if job.env and not isinstance(config_vars, _Invalid):
                _job_settings_problems(config_vars, f"picletter:jobs[{index}].env", job.env, problems)
    names = [job.get("name") for job in stack["jobs"] if isinstance(job, Mapping)]
    for duplicate in sorted({n for n in names if names.count(n) > 1 and isinstance(n, str)}):
        problems.add("picletter:jobs", f"job name {duplicate!r} is used twice", "give every job its own name")
    return jobs


def _azure_and_app_rules(stack: Mapping[str, Any], problems: _Problems) -> None:
    if stack["location"] is None and stack["resourceGroup"] is None:
        problems.add(
            "azure-native:location",
            "is required to create the resource group",
            "run `pulumi config set azure-native:location westeurope`",
        )
    for only_for_created in ("deleteAppOnDestroy", "herokuRegion"):
        if stack[only_for_created] not in (None, False) and stack["createApp"] is not True:
            problems.add(
                f"picletter:{only_for_created}",
                "only applies to an app the stack creates (an existing app keeps its own region and life)",
                "set picletter:createApp true, or remove it",
            )


def _parse_settings(raw: Mapping[str, Any], heroku_api_key: str, secret_keys: Collection[str]) -> StackSettings:
    """RAW holds the values of picletter:* keys (without the namespace) and `azure-native:location`;
    SECRET_KEYS the names among them the CLI keeps encrypted."""
    problems = _Problems()
    stack = _parse_fields(STACK_FIELDS, raw, _stack_key, problems)
    run_token, deploy_token = _tokens(stack, heroku_api_key, problems)
    deploy_code = _deploy_code(stack, jobs_given=raw.get("jobs") is not None)
    if isinstance(stack["replaceRelease"], int) and not deploy_code:
        problems.add(
            "picletter:replaceRelease", "only applies when picletter:deployCode is true", "remove it, or deploy code"
        )
    _plaintext_warnings(raw, stack["configVars"], secret_keys, problems)
    if not isinstance(stack["configVars"], _Invalid):
        _job_settings_problems(stack["configVars"], "picletter:configVars", {}, problems)
    _adopted_are_owned(stack["configVars"], stack["adoptConfigVars"], problems)
    jobs = _jobs_of(stack, problems)
    _azure_and_app_rules(stack, problems)
    _notify_is_secret(stack["notify"], secret_keys, problems)
    if problems:
        raise ConfigError(list(problems))
    return StackSettings(
        warnings=tuple(problems.warnings),
        deploy_code=deploy_code,
        replace_release=stack["replaceRelease"],
        create_app=stack["createApp"],
        delete_app_on_destroy=stack["deleteAppOnDestroy"],
        heroku_region=stack["herokuRegion"],
        alert_emails=stack["alertEmail"],
        heroku_app=stack["herokuApp"],
        heroku_run_token=run_token,
        heroku_deploy_token=deploy_token,
        config_vars=stack["configVars"],
        adopt_config_vars=stack["adoptConfigVars"],
        notify=stack["notify"],
        jobs=tuple(jobs),
        resource_group=stack["resourceGroup"],
        location=stack["location"],
    )


# Keys that hold names the program must read, and that are shown in previews and outputs anyway.
NAME_KEYS = (
    "picletter:herokuApp",
    "picletter:resourceGroup",
    "picletter:herokuRegion",
    "picletter:adoptConfigVars",
    "azure-native:location",
)


def _key_problems(config: Mapping[str, Any], secret_keys: Collection[str]) -> _Problems:
    """Keys that would be ignored (a typo in the namespace), and keys that must not be secret."""
    problems = _Problems()
    known = {key.lower(): key for key in (*SCALAR_KEYS, *OBJECT_KEYS)}
    for key in sorted(config):
        namespace, _, name = key.partition(":")
        if namespace != "picletter" or name in SCALAR_KEYS or name in OBJECT_KEYS:
            continue
        close = known.get(name.lower()) or next(iter(difflib.get_close_matches(name, list(known.values()), 1)), None)
        problems.add(
            key,
            "is not a picletter setting, so it would be ignored",
            f"did you mean picletter:{close}?" if close else "see docs/reference/configuration.md",
        )
    for name in SECRET_ONLY_KEYS:
        key = f"picletter:{name}"
        if config.get(key) not in (None, "") and key not in secret_keys:
            problems.add(
                key,
                "is stored in plaintext, so the stack file and `pulumi config` show the token",
                f"run `pulumi config set --secret {key} <token>` (docs/how-to/tokens.md)",
            )
    for name in (name for name in NAME_KEYS if name in secret_keys):
        problems.add(
            name,
            "is set with --secret, but it is a name, not a secret, and the program needs to read it",
            f"set it in plaintext: `pulumi config set {name} <value>` (without --secret)",
        )
    if "picletter:jobs" in secret_keys:
        problems.add(
            "picletter:jobs",
            "holds a value set with --secret, but a job's command and env are written into its workflow "
            "definition and shown in run history, where they cannot stay secret",
            "put the secret in picletter:configVars (`pulumi config set --secret --path "
            "'picletter:configVars.NAME' VALUE`): every dyno of the app sees it, encrypted by Heroku",
        )
    return problems


def settings_from_config(
    config: Mapping[str, Any], heroku_api_key: str, secret_keys: Collection[str] = ()
) -> StackSettings:
    """From namespaced stack config (`picletter:KEY`, `azure-native:location`), as Pulumi or a stack
    file holds it; HEROKU_API_KEY is the token the caller read with infra.heroku.environment ("" for
    none), the tokens' last fallback; SECRET_KEYS are the keys the CLI marks secret (an object with
    a secure value anywhere inside is secret as a whole). Optional keys are declared in Pulumi.yaml
    with "" as their default: "" means unset."""
    problems = _key_problems(config, secret_keys)
    secret_name_keys = [name for name in NAME_KEYS if name in secret_keys]
    raw = {
        key.split(":", 1)[1]: (None if value == "" else value)
        for key, value in config.items()
        if key.startswith("picletter:")
    }
    raw["location"] = config.get("azure-native:location") or None
    secret_names = {key.split(":", 1)[1] for key in secret_keys if key.startswith("picletter:")}
    try:
        settings = _parse_settings(raw, heroku_api_key, secret_names)
    except ConfigError as error:
        # A name set with --secret is judged once: what its ciphertext placeholder looks like is no news.
        others = [p for p in error.problems if not p.startswith(tuple(f"{key}:" for key in secret_name_keys))]
        if problems or others:
            raise ConfigError([*problems, *others]) from None
        raise
    if problems:
        raise ConfigError(list(problems))
    return settings
