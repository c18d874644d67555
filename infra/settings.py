"""The stack's configuration, validated in one pass before any resource is registered.

Pure: takes the raw `picletter:*` values and the environment, returns typed settings or raises
ConfigError listing every problem, each naming the key and the fix.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from infra.errors import ConfigError
from infra.heroku.facts import (
    APP_NAME,
    CONFIG_VARS_MAX_BYTES,
    DYNO_SIZES,
    MAX_TIME_TO_LIVE,
    RESERVED_PREFIXES,
    VARIABLE_NAME,
    canonical_dyno_size,
)
from infra.job_command import CALLBACK_ENV
from infra.run_rules import OVERLAPS, Overlap, catch_up_refusal, overlap_refusal
from infra.schedule import Recurrence, ScheduleError, compile_schedule, windows_zone

__all__ = [
    "DEFAULT_JOB",
    "OBJECT_KEYS",
    "SCALAR_KEYS",
    "SECRET_ONLY_KEYS",
    "ConfigError",
    "JobSettings",
    "StackSettings",
    "settings_from_config",
]

# The stack's `picletter:*` keys: scalars (strings or booleans), and objects the CLI stores as JSON.
SCALAR_KEYS = (
    "herokuApp",
    "herokuApiToken",
    "herokuRunToken",
    "herokuDeployToken",
    "resourceGroup",
    "deployCode",
    "replaceRelease",
    "createApp",
    "deleteAppOnDestroy",
    "herokuRegion",
    "alertEmail",
)
OBJECT_KEYS = ("configVars", "adoptConfigVars", "jobs")
# Tokens that may only be stored as secrets (docs/how-to/tokens.md). herokuApiToken, the fallback
# for both, predates the rule and is still read as it is.
SECRET_ONLY_KEYS = ("herokuRunToken", "herokuDeployToken")
DEFAULT_JOB: dict[str, Any] = {"name": "picletter", "command": "picletter", "schedule": "daily at 07:00"}
JOB_KEYS = (
    "name",
    "command",
    "schedule",
    "timeZone",
    "size",
    "timeToLive",
    "env",
    "enabled",
    "overlap",
    "reportExit",
    "catchUp",
    "retries",
)
# Attempts after the first a run may make (job field `retries`); Cron To Go allows 20, but ten
# back-offs capped at 30 minutes already keep a run waiting three hours (infra/workflow/start.py).
MAX_RETRIES = 10
# Keys of earlier versions, refused with what replaced them.
RETIRED_JOB_KEYS = {
    "waitForCompletion": "remove it: a run now lasts as long as its job and records the exit status (reportExit, "
    "on by default), without polling",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_JOB_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")


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
    # The dyno reports its exit status to the run, which ends Succeeded only on 0 (bin/picletter-run).
    report_exit: bool = True
    # The dyno's command goes through bin/picletter-run, which names the job in it (infra.job_command).
    named: bool = True
    # Missed recurrences run when Logic Apps is back or the workflow is enabled again (Sliding Window).
    catch_up: bool = False
    # Further attempts, each on a new dyno, after the job exits non-zero or sends no report.
    retries: int = 0


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
    # Ship the sample job's code: by default only to an app the stack creates (docs/adr/0005).
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

    @property
    def one_token(self) -> bool:
        """Whether the Logic Apps hold the same token as the deploy (no narrower run token)."""
        return self.heroku_run_token == self.heroku_deploy_token


class _Problems(list[str]):
    def add(self, key: str, problem: str, fix: str) -> None:
        self.append(f"{key}: {problem}; {fix}")

    def boolean(self, key: str, value: Any, default: bool) -> bool:
        """Stack config gives booleans as true/false or as the strings "true"/"false"."""
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        self.add(key, f"{value!r} is not true or false", "write true or false")
        return default

    def variables(self, key: str, value: Any, example: str) -> dict[str, str]:
        """A map of environment variable names to string values (config vars, a job's env).

        `pulumi config set --path 'ns:key.NAME' 5` stores the number 5 (and `true` a boolean): those
        are taken as the strings Heroku stores, "5" and "true".
        """
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.add(key, "must be a map of NAME: value", example)
            return {}
        values: dict[str, str] = {}
        for name, item in value.items():
            if not VARIABLE_NAME.match(str(name)):
                self.add(
                    f"{key}.{name}",
                    "is not a valid variable name",
                    "use letters, digits and underscores, not starting with a digit (Heroku's config var policy)",
                )
            if isinstance(item, bool):
                values[str(name)] = "true" if item else "false"
            elif isinstance(item, int | float | str):
                values[str(name)] = str(item)
            else:
                kind = "null" if item is None else type(item).__name__
                self.add(f"{key}.{name}", f"is a {kind}, not a value", "give it a string, number or boolean")
        return values


def _job(raw: Any, index: int, problems: _Problems, deploy_code: bool) -> JobSettings | None:
    where = f"picletter:jobs[{index}]"
    if not isinstance(raw, Mapping):
        problems.add(where, "must be an object", 'write e.g. {"name": "daily", "command": "picletter", ...}')
        return None
    before = len(problems)
    for key in sorted(set(raw) & set(RETIRED_JOB_KEYS)):
        problems.add(f"{where}.{key}", "is no longer a job setting", RETIRED_JOB_KEYS[key])
    for key in sorted(set(raw) - set(JOB_KEYS) - set(RETIRED_JOB_KEYS)):
        close = difflib.get_close_matches(key, JOB_KEYS, n=1)
        problems.add(
            f"{where}.{key}",
            "is not a job setting",
            f"did you mean {close[0]}?" if close else f"use {', '.join(JOB_KEYS)}",
        )

    name = raw.get("name")
    if not isinstance(name, str) or not _JOB_NAME.match(name):
        problems.add(f"{where}.name", f"{name!r} is not a job name", "use 1-40 lower-case letters, digits and dashes")
    command = raw.get("command")
    if not isinstance(command, str) or not command.strip():
        problems.add(
            f"{where}.command", "is required", "name a Procfile process type (e.g. picletter) or a shell command"
        )

    # None when unset: a recurrence object may then carry its own timeZone; anything else runs in UTC.
    time_zone = raw.get("timeZone")
    schedule_raw = raw.get("schedule")
    recurrence = None
    schedule_example = 'write cron like "0 7 * * *", words like "daily at 07:00", or a recurrence object'
    if schedule_raw is None:
        problems.add(f"{where}.schedule", "is required", schedule_example)
    elif not isinstance(schedule_raw, str | Mapping):
        problems.add(f"{where}.schedule", f"is the {type(schedule_raw).__name__} {schedule_raw!r}", schedule_example)
    elif time_zone is not None and not isinstance(time_zone, str):
        problems.add(f"{where}.timeZone", "must be a string", "use an IANA name such as Europe/Berlin")
    else:
        try:
            if time_zone is not None:
                windows_zone(time_zone)
        except ScheduleError as exc:
            problems.add(f"{where}.timeZone", str(exc), "see docs/reference/schedules.md")
        else:
            try:
                recurrence = compile_schedule(schedule_raw, time_zone)
            except ScheduleError as exc:
                problems.add(f"{where}.schedule", str(exc), "see docs/reference/schedules.md")

    size = raw.get("size", "standard-1X")
    if not isinstance(size, str) or canonical_dyno_size(size) is None:
        close = difflib.get_close_matches(str(size), DYNO_SIZES, n=2, cutoff=0.5)
        problems.add(
            f"{where}.size",
            f"{size!r} is not a Heroku dyno size",
            f"use {' or '.join(close) if close else 'standard-1X'}",
        )
    else:
        size = canonical_dyno_size(size)

    ttl = raw.get("timeToLive", 1800)
    if isinstance(ttl, str):
        problems.add(f"{where}.timeToLive", f"is the string {ttl!r}", "write a number of seconds without quotes")
    elif not isinstance(ttl, int) or isinstance(ttl, bool) or not 1 <= ttl <= MAX_TIME_TO_LIVE:
        problems.add(
            f"{where}.timeToLive",
            f"{ttl!r} is not 1 to {MAX_TIME_TO_LIVE} seconds",
            "Heroku kills one-off dynos after at most 24 hours",
        )

    env = problems.variables(f"{where}.env", raw.get("env"), 'write e.g. {"PICLETTER_SOURCE": "apod"}')
    if CALLBACK_ENV in env:
        problems.add(
            f"{where}.env.{CALLBACK_ENV}",
            "is reserved: each run sets it to the run's callback URL for bin/picletter-run",
            "choose another name",
        )

    enabled = problems.boolean(f"{where}.enabled", raw.get("enabled"), True)
    # The wrapper that reports the exit status ships with the job's code; an app deployed otherwise
    # reports only if its own code carries bin/picletter-run (docs/explanation/how-it-works.md).
    report_exit = problems.boolean(f"{where}.reportExit", raw.get("reportExit"), deploy_code)
    catch_up = problems.boolean(f"{where}.catchUp", raw.get("catchUp"), False)
    overlap = raw.get("overlap", "skip")
    if overlap not in OVERLAPS:
        problems.add(
            f"{where}.overlap",
            f"{overlap!r} is not {', '.join(OVERLAPS[:-1])} or {OVERLAPS[-1]}",
            "skip (default) cancels a run while the job's dyno is up, queue waits for it, allow runs anyway",
        )
    elif reason := overlap_refusal(cast(Overlap, overlap), report_exit, catch_up):
        problems.add(f"{where}.overlap", f"{overlap} cannot be used here: {reason}", "use skip or allow")
    if catch_up and recurrence is not None and (reason := catch_up_refusal(recurrence)):
        problems.add(
            f"{where}.catchUp",
            reason,
            'give the schedule as an interval ("every 6 hours", or a recurrence object such as {"frequency": '
            '"Day", "interval": 1, "startTime": "2026-01-01T07:00:00"}), or remove catchUp',
        )

    retries = raw.get("retries", 0)
    if not isinstance(retries, int) or isinstance(retries, bool) or not 0 <= retries <= MAX_RETRIES:
        problems.add(
            f"{where}.retries",
            f"{retries!r} is not a whole number from 0 to {MAX_RETRIES}",
            "write e.g. retries: 2 (without quotes), or remove it for no retries",
        )
    elif retries and not report_exit:
        problems.add(
            f"{where}.retries",
            "needs reportExit: without the dyno's exit report a run cannot tell that the job failed",
            "set reportExit: true (bin/picletter-run must be in the app's code), or remove retries",
        )

    if len(problems) > before or recurrence is None:
        return None
    return JobSettings(
        name=str(name),
        command=str(command).strip(),
        schedule=recurrence,
        schedule_source=schedule_raw if isinstance(schedule_raw, str) else "recurrence object",
        time_zone=recurrence.iana_zone,
        size=str(size),
        time_to_live=int(ttl),
        env=env,
        enabled=enabled,
        overlap=cast(Overlap, overlap),
        report_exit=report_exit,
        named=deploy_code or report_exit,
        catch_up=catch_up,
        retries=int(retries),
    )


def _tokens(raw: Mapping[str, Any], env: Mapping[str, str], problems: _Problems) -> tuple[str, str]:
    """The run token (Logic Apps) and the deploy token, each falling back to herokuApiToken, then to
    HEROKU_API_KEY (docs/how-to/tokens.md)."""
    fallback = str(raw.get("herokuApiToken") or env.get("HEROKU_API_KEY") or "")
    run_token = str(raw.get("herokuRunToken") or fallback)
    deploy_token = str(raw.get("herokuDeployToken") or fallback)
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


def _deploy_code(raw: Mapping[str, Any], create_app: bool, problems: _Problems) -> bool:
    """Whether to ship the sample job's code (docs/adr/0005). By default only where the stack needs it
    and owns the app's code: an app the stack creates, or a stack that schedules the sample job (it
    cannot run without its code). A stack that lists its own jobs never ships code unless asked, and
    whatever the default, the build refuses to replace code the stack did not ship
    (infra.heroku.current_code)."""
    return problems.boolean("picletter:deployCode", raw.get("deployCode"), create_app or raw.get("jobs") is None)


def _replace_release(value: Any, deploy_code: bool, problems: _Problems) -> int | None:
    """picletter:replaceRelease: `v42` or `42`, the release a deploy may replace."""
    if value is None:
        return None
    match = re.fullmatch(r"v?([1-9][0-9]{0,9})", str(value).strip()) if not isinstance(value, bool) else None
    if match is None:
        problems.add(
            "picletter:replaceRelease",
            f"{value!r} is not a release version",
            "write the version the refusal named, e.g. v42 (`heroku releases` lists them)",
        )
        return None
    if not deploy_code:
        problems.add(
            "picletter:replaceRelease", "only applies when picletter:deployCode is true", "remove it, or deploy code"
        )
    return int(match.group(1))


def _parse_settings(raw: Mapping[str, Any], env: Mapping[str, str]) -> StackSettings:
    """RAW holds the values of picletter:* keys (without the namespace) and `azure-native:location`."""
    problems = _Problems()

    app = raw.get("herokuApp")
    if not app:
        problems.add("picletter:herokuApp", "is required", "run `pulumi config set picletter:herokuApp <app-name>`")
    elif not isinstance(app, str) or not APP_NAME.match(app):
        problems.add("picletter:herokuApp", f"{app!r} is not a Heroku app name", "use the name shown by `heroku apps`")

    run_token, deploy_token = _tokens(raw, env, problems)

    config_vars = problems.variables(
        "picletter:configVars",
        raw.get("configVars"),
        "set keys with `pulumi config set --path 'configVars.NAME' value`",
    )
    for name in config_vars:
        if name.upper().startswith(RESERVED_PREFIXES):
            problems.add(
                f"picletter:configVars.{name}",
                "is reserved: Heroku keeps keys beginning with __ or HEROKU_ for the platform",
                "choose another name",
            )
    size = sum(len(name.encode()) + len(value.encode()) for name, value in config_vars.items())
    if size > CONFIG_VARS_MAX_BYTES:
        problems.add(
            "picletter:configVars",
            f"holds {size} bytes; Heroku allows 64 KB of config vars per app, keys and values together",
            "keep large data out of config vars",
        )

    adopt_raw = raw.get("adoptConfigVars") or []
    adopt: tuple[str, ...] = ()
    if not isinstance(adopt_raw, list) or not all(isinstance(key, str) for key in adopt_raw):
        problems.add("picletter:adoptConfigVars", "must be a list of config var names", 'write e.g. ["DATABASE_URL"]')
    else:
        adopt = tuple(adopt_raw)
        for key in adopt:
            if key not in config_vars:
                problems.add(
                    "picletter:adoptConfigVars",
                    f"{key} is not in picletter:configVars, so there is nothing to adopt",
                    "add it to configVars with the value the stack should set, or remove it here",
                )

    create_app = problems.boolean("picletter:createApp", raw.get("createApp"), False)
    deploy_code = _deploy_code(raw, create_app, problems)
    replace_release = _replace_release(raw.get("replaceRelease"), deploy_code, problems)
    jobs_raw = raw.get("jobs")
    if jobs_raw is None:
        jobs_raw = [DEFAULT_JOB]
    jobs: list[JobSettings] = []
    if not isinstance(jobs_raw, list) or not jobs_raw:
        problems.add("picletter:jobs", "must be a non-empty list of jobs", "leave it unset for the default daily job")
    else:
        for index, job_raw in enumerate(jobs_raw):
            job = _job(job_raw, index, problems, deploy_code)
            if job:
                jobs.append(job)
        names = [job.get("name") for job in jobs_raw if isinstance(job, Mapping)]
        for duplicate in sorted({n for n in names if names.count(n) > 1 and isinstance(n, str)}):
            problems.add("picletter:jobs", f"job name {duplicate!r} is used twice", "give every job its own name")

    resource_group = raw.get("resourceGroup")
    if resource_group is not None and (
        not isinstance(resource_group, str) or not re.match(r"^[-\w.()]{1,90}$", resource_group)
    ):
        problems.add(
            "picletter:resourceGroup",
            f"{resource_group!r} is not a resource group name",
            "use 1-90 letters, digits, - _ . ( )",
        )

    location = raw.get("location")
    if location is None and resource_group is None:
        problems.add(
            "azure-native:location",
            "is required to create the resource group",
            "run `pulumi config set azure-native:location westeurope`",
        )

    delete_app = problems.boolean("picletter:deleteAppOnDestroy", raw.get("deleteAppOnDestroy"), False)
    if delete_app and not create_app:
        problems.add(
            "picletter:deleteAppOnDestroy",
            "only applies to an app the stack creates",
            "set picletter:createApp true, or remove it",
        )
    region = raw.get("herokuRegion")
    if region is not None and region not in ("us", "eu"):
        problems.add("picletter:herokuRegion", f"{region!r} is not a Common Runtime region", "use us or eu")
    alerts_raw = raw.get("alertEmail") or ""
    alert_emails = tuple(a.strip() for a in str(alerts_raw).split(",") if a.strip())
    for address in alert_emails:
        if not _EMAIL.match(address):
            problems.add(
                "picletter:alertEmail", f"{address!r} is not an email address", "use a@example.com, b@example.com"
            )

    if problems:
        raise ConfigError(list(problems))
    return StackSettings(
        deploy_code=deploy_code,
        replace_release=replace_release,
        create_app=create_app,
        delete_app_on_destroy=delete_app,
        heroku_region=region,
        alert_emails=alert_emails,
        heroku_app=str(app),
        heroku_run_token=run_token,
        heroku_deploy_token=deploy_token,
        config_vars=config_vars,
        adopt_config_vars=adopt,
        jobs=tuple(jobs),
        resource_group=resource_group,
        location=location,
    )


def settings_from_config(
    config: Mapping[str, Any], env: Mapping[str, str], secret_keys: Collection[str] = ()
) -> StackSettings:
    """From namespaced stack config (`picletter:KEY`, `azure-native:location`), as Pulumi or a stack
    file holds it; SECRET_KEYS are the keys the CLI marks secret (an object with a secure value
    anywhere inside is secret as a whole). Optional keys are declared in Pulumi.yaml with "" as
    their default: "" means unset."""
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
    if "picletter:jobs" in secret_keys:
        problems.add(
            "picletter:jobs",
            "holds a value set with --secret, but a job's command and env are written into its workflow "
            "definition and shown in run history, where they cannot stay secret",
            "put the secret in picletter:configVars (`pulumi config set --secret --path "
            "'picletter:configVars.NAME' VALUE`): every dyno of the app sees it, encrypted by Heroku",
        )
    raw = {
        key.split(":", 1)[1]: (None if value == "" else value)
        for key, value in config.items()
        if key.startswith("picletter:")
    }
    raw["location"] = config.get("azure-native:location") or None
    try:
        settings = _parse_settings(raw, env)
    except ConfigError as error:
        raise ConfigError([*problems, *error.problems]) from None
    if problems:
        raise ConfigError(list(problems))
    return settings
