"""The picletter Pulumi program's library: Heroku config vars and job code, Azure Logic Apps that
start dynos, and the operator tools.

Layers, highest first; each imports only the layers below it (`|`: siblings that never import each
other), and no package's modules import each other in a cycle:

    __main__
    cli
    synth
    components | imports | heroku | azure   heroku: the HTTP client and the dynamic providers;
                                            azure: the operator's Logic Apps API client and run history
    workflow | stack_config
    settings
    run_rules
    schedule
    errors | tree | names | azure_regions | job_command | gc_tuning | type_tokens | user_agent
    heroku.facts                         pure; every layer may import it

infra may import the job package (picletter; settings asks the job's own picletter.settings to
judge the job settings a stack sets); picletter never imports infra. pyproject.toml's
[tool.importlinter] contracts say the same, and `./dev test` checks them with lint-imports.
"""
