"""Pulumi components: each an Args dataclass and a ComponentResource, in its own module, exporting
its type token and its children's names. May import settings, workflow, schedule and heroku; never
synth or the command line."""
