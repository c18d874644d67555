"""Picletter: a picture of the day, emailed. Runs as a one-off Heroku dyno; needs only httpx and jinja2.

Owns the job: settings from the environment, picture sources, rendering, mailers. Imports nothing
of infra's: the job's tarball holds picletter/ and netkit/ (which it stands on) alone. Sources and
mailers are loaded by name through plugins.py. Layers, highest first, each importing only those
below it (`|`: siblings that never import each other), checked with infra's by pyproject.toml's
[tool.importlinter] contracts:

    __main__
    job
    mailers | sources
    context | message
    settings | render | http
    logfmt | plugins | picture
"""

__version__ = "0.1.0"
