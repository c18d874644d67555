"""picletter: scheduled one-off Heroku dynos started by Azure Logic Apps.

Reads and validates the stack config (nothing is registered if it is wrong), then wires the Heroku
app (when created), its config vars and the job's code (only where it replaces no code the stack
did not ship: docs/adr/0005), then, once the Heroku side has passed its checks, the resource
group, optional failure alerts and one ScheduledDynoJob per job, and exports what an operator needs.
"""

from pathlib import Path

import pulumi
from pulumi_azure_native import resources

from infra.components.failure_alerts import FailureAlerts, FailureAlertsArgs
from infra.components.scheduled_dyno_job import ScheduledDynoJob, ScheduledDynoJobArgs
from infra.dynamic.heroku_app import HerokuApp, HerokuAppArgs
from infra.dynamic.heroku_build import HerokuBuild, HerokuBuildArgs, HerokuCodeCheck
from infra.dynamic.heroku_config_vars import HerokuConfigVars, HerokuConfigVarsArgs
from infra.errors import ConfigError, PicletterError
from infra.gc_tuning import tune_for_program_evaluation
from infra.heroku.environment import heroku_environment
from infra.stack_config import read_stack_settings
from infra.workflow import oversized

tune_for_program_evaluation()  # flat cost per job however many jobs there are
try:
    # HEROKU_* are read once, there; the settings take the token's last fallback from it.
    environment = heroku_environment()
    settings = read_stack_settings(environment.api_key)
    # Before anything is registered: a workflow Logic Apps would refuse (retries and receivers multiply
    # its actions; without receivers every job fits).
    if settings.notify and (too_big := [p for job in settings.jobs if (p := oversized(job, settings.notify))]):
        raise ConfigError(too_big)
    api_url = environment.api_url
except PicletterError as error:
    # The language host shows a RunError as its message alone and any other exception as a
    # traceback (pulumi-language-python-exec, sdk/python/cmd): a person gets the fix, not a stack.
    raise pulumi.RunError(str(error)) from error
for warning in settings.warnings:
    pulumi.log.warn(warning)
# The Logic Apps hold only the run token (lists and creates dynos); the providers read the deploy
# token from the stack config themselves (docs/how-to/tokens.md).
run_token = pulumi.Output.secret(settings.heroku_run_token)
if settings.one_token:
    pulumi.log.warn(
        "one Heroku token serves the Logic Apps and the deploy, so Azure holds a token that can also change "
        "config vars and code; set picletter:herokuRunToken to one that only lists and creates dynos "
        "(docs/how-to/tokens.md)"
    )
tags = {"project": pulumi.get_project(), "stack": pulumi.get_stack()}

app: pulumi.Input[str] = settings.heroku_app
if settings.create_app:
    created = HerokuApp(
        "heroku-app",
        HerokuAppArgs(name=settings.heroku_app, region=settings.heroku_region),
        # Destroying the stack keeps the app and its data unless deleteAppOnDestroy says otherwise.
        pulumi.ResourceOptions(retain_on_delete=not settings.delete_app_on_destroy),
    )
    app = created.name

build_args = HerokuBuildArgs(
    app=app,
    source_dir=str(Path(__file__).resolve().parent),
    replace_release=settings.replace_release,
    stack=f"{pulumi.get_project()}/{pulumi.get_stack()}",
)
# The build's refusal of code the stack did not ship, made before the config vars are written: the
# build itself waits for them (new config first, then the code that reads it).
code_check = HerokuCodeCheck("job-code-check", build_args) if settings.deploy_code else None
config_vars = HerokuConfigVars(
    "config-vars",
    HerokuConfigVarsArgs(
        app=app,
        vars=settings.config_vars,
        adopt=settings.adopt_config_vars,
        job_sizes=[(job.name, job.size) for job in settings.jobs],
    ),
    pulumi.ResourceOptions(depends_on=[code_check] if code_check else []),
)
build = (
    HerokuBuild("job-code", build_args, pulumi.ResourceOptions(depends_on=[config_vars]))
    if settings.deploy_code
    else None
)

# Every Azure resource waits for the Heroku side: its providers refuse in check, create or update
# (a Fir app, a config var the stack would overwrite, code it would replace), and with `pulumi up
# --skip-preview` the engine runs steps that do not depend on each other at once and stops only the
# ones not yet started. Only a dependency keeps Azure unchanged until Heroku said yes.
after_heroku = pulumi.ResourceOptions(depends_on=[config_vars, *([build] if build else [])])

resource_group_name: pulumi.Input[str]
if settings.resource_group:
    resource_group_name = settings.resource_group
else:
    resource_group_name = resources.ResourceGroup(
        "resource-group", location=settings.location, tags=tags, opts=after_heroku
    ).name

alerts = (
    FailureAlerts("failure-alerts", FailureAlertsArgs(settings.alert_emails, resource_group_name, tags), after_heroku)
    if settings.alert_emails
    else None
)

jobs = {
    job.name: ScheduledDynoJob(
        job.name,
        ScheduledDynoJobArgs(
            job=job,
            heroku_app=app,
            heroku_api_url=api_url,
            heroku_run_token=run_token,
            resource_group_name=resource_group_name,
            location=settings.location,
            tags=tags,
            alert_action_group_id=alerts.action_group_id if alerts else None,
            notify=settings.notify,
        ),
        after_heroku,
    )
    for job in settings.jobs
}

pulumi.export("herokuApp", app)
pulumi.export("configVarKeys", config_vars.keys)
if build:
    pulumi.export(
        "release",
        {
            "releaseId": build.releaseId,
            "checksum": build.checksum,
            "tarballBytes": build.tarballBytes,
            # The release whose code the last build replaced ("" for none), also shown by a preview.
            "replaced": build.replaces,
        },
    )
pulumi.export("resourceGroup", resource_group_name)
pulumi.export(
    "jobs",
    {
        name: {
            "workflowName": job.workflow.name,
            "workflowId": job.workflow.id,
            "recurrence": job.recurrence,
            "herokuApp": app,
        }
        for name, job in jobs.items()
    },
)
