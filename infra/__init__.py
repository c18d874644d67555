"""The picletter Pulumi program's library: Heroku config vars and job code, Azure Logic Apps that
start dynos, and the operator tools.

Layers, highest first; each imports only the layers below it (`|`: siblings that never import each
other), and no package's modules import each other in a cycle:

    __main__
    cli
    synth
    components | imports | azure         azure: the operator's Logic Apps API client and run history
    dynamic                              the Pulumi dynamic resources and their providers
    heroku | workflow | stack_config     heroku: the Platform API client and its pure rules
    settings
    run_rules
    schedule
    errors | tree | names | azure_regions | job_command | gc_tuning | type_tokens | user_agent
    heroku.facts                         pure; every layer may import it

infra may import the job package (picletter; settings asks the job's own picletter.settings to
judge the job settings a stack sets); picletter never imports infra. pyproject.toml's
[tool.importlinter] contracts say the same, and `./dev test` checks them with lint-imports. The
one exception: infra.heroku.{app,build,config_vars} and infra.components.catch_up_start are
aliases of infra.dynamic for states that pickled the providers by those paths (docs/adr/0011).
"""
