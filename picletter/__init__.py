"""Picletter: a picture of the day, emailed. Runs as a one-off Heroku dyno; needs only httpx and jinja2.

Owns the job: settings from the environment, picture sources, rendering, mailers. Imports nothing
of infra's (the job's tarball holds picletter/ alone); picture.py and plugins.py at the bottom,
sources and mailers loaded by name through plugins.py.
"""

__version__ = "0.1.0"
