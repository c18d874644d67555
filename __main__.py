"""picletter: scheduled one-off Heroku dynos started by Azure Logic Apps.

Reads and validates the stack config (nothing is registered if it is wrong), then wires the
Heroku config vars, the resource group and one ScheduledDynoJob per job, and exports what an
operator needs.
"""

import pulumi
from pulumi_azure_native import resources

from infra.components.scheduled_dyno_job import ScheduledDynoJob, ScheduledDynoJobArgs
from infra.heroku.client import api_url_from_env
from infra.heroku.config_vars import HerokuConfigVars, HerokuConfigVarsArgs
from infra.stack_config import read_stack_settings

settings = read_stack_settings()
api_url = api_url_from_env()
token = pulumi.Output.secret(settings.heroku_api_token)
tags = {"project": pulumi.get_project(), "stack": pulumi.get_stack()}

config_vars = HerokuConfigVars("config-vars", HerokuConfigVarsArgs(app=settings.heroku_app, vars=settings.config_vars))

resource_group_name: pulumi.Input[str]
if settings.resource_group:
    resource_group_name = settings.resource_group
else:
    resource_group_name = resources.ResourceGroup("resource-group", location=settings.location, tags=tags).name

jobs = {
    job.name: ScheduledDynoJob(
        job.name,
        ScheduledDynoJobArgs(
            job=job,
            heroku_app=settings.heroku_app,
            heroku_api_url=api_url,
            heroku_api_token=token,
            resource_group_name=resource_group_name,
            location=settings.location,
            tags=tags,
        ),
    )
    for job in settings.jobs
}

pulumi.export("herokuApp", settings.heroku_app)
pulumi.export("configVarKeys", config_vars.keys)
pulumi.export("resourceGroup", resource_group_name)
pulumi.export(
    "jobs",
    {
        name: {
            "workflowName": job.workflow.name,
            "workflowId": job.workflow.id,
            "recurrence": job.recurrence,
            "nextRuns": job.next_runs,
            "herokuApp": settings.heroku_app,
        }
        for name, job in jobs.items()
    },
)
