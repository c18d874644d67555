"""Picletter: a picture of the day, emailed. Runs as a one-off Heroku dyno; needs only httpx and jinja2."""

__version__ = "0.1.0"
