"""The picletter Pulumi program's library: Heroku config vars and job code, Azure Logic Apps that
start dynos, and the operator tools. Layers, lowest first, each importing only those below it:
errors, tree, names, azure_regions and job_command (pure helpers) -> schedule, heroku.facts,
run_rules (pure rules) -> settings (which also asks the job's own picletter.settings), workflow
(pure) -> heroku (the HTTP client and dynamic providers), azure (the operator's Logic Apps API client
and run history) -> components (Pulumi) -> synth -> cli.
tests/test_layers.py checks it."""
