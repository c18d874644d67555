"""The program's Pulumi dynamic resources, each with its provider: what runs inside Pulumi's
provider host (pulumi.dynamic). Heroku's: the app (heroku_app), the job's code (heroku_build), the
config vars the stack owns (heroku_config_vars), and what their providers share (heroku_provider:
credentials at `configure`, a client per call); the catch-up window's start (catch_up_start).

May import the Heroku client and its pure rules (infra.heroku), the schedule and the layers below
(infra/__init__.py draws them); never the components, synth or command line, which declare these
resources.

The SDK pickles each provider object into the state (dill, by reference to its module path), and
`pulumi refresh` and `pulumi destroy` load the pickle an earlier program wrote. A provider class
therefore keeps its module path, or leaves an alias at the old one: infra.heroku.app, .build,
.config_vars and infra.components.catch_up_start are such aliases (docs/adr/0011).
"""
