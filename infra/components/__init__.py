"""Pulumi components: each an Args dataclass and a ComponentResource, in its own module, exporting
its type token and its children's names. May import the dynamic resources (infra.dynamic),
settings, workflow, schedule and heroku; never synth or the command line. catch_up_start.py is an
alias of the provider that moved to infra.dynamic, kept for old states (docs/adr/0011)."""
