"""Jobs of other Heroku schedulers as `picletter:jobs`: Cron To Go manifests, Heroku Scheduler job
lists (the add-on's jobs API, herokux Terraform resources). `python -m infra import FILE` prints them
as a stack-file fragment.

Layers: model (what an import is, and its YAML) <- fields (what every source shares, checked by
infra.settings and infra.schedule) <- crontogo, heroku_scheduler (one source each) <- convert here.
Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.errors import UserError
from infra.imports.crontogo import from_crontogo
from infra.imports.heroku_scheduler import from_scheduler_api, from_terraform
from infra.imports.model import Import, ImportedJob, Refused, render

__all__ = ["FORMATS", "Import", "ImportedJob", "Refused", "convert", "render"]

FORMATS = ("crontogo", "heroku-scheduler", "herokux")


def convert(document: Any, format: str | None = None) -> Import:
    """DOCUMENT (parsed YAML or JSON) converted from FORMAT, or from the format its shape shows."""
    format = format or _detect(document)
    if format == "crontogo":
        if not isinstance(document, Mapping):
            raise UserError("a Cron To Go manifest is a mapping with `jobs:` (from `heroku cron:jobs:export FILE`)")
        return from_crontogo(document)
    if format == "heroku-scheduler":
        items = document.get("data") if isinstance(document, Mapping) else document
        if not isinstance(items, list):
            raise UserError('a Heroku Scheduler job list is JSON:API: {"data": [{"type": "jobs", "attributes": ...}]}')
        return from_scheduler_api(items)
    if format == "herokux":
        return from_terraform(document)
    raise UserError(f"--format {format!r} is not one of {', '.join(FORMATS)}")


def _detect(document: Any) -> str:
    if isinstance(document, Mapping):
        if "jobs" in document:
            return "crontogo"
        if isinstance(document.get("data"), list):
            return "heroku-scheduler"
        if "values" in document and "format_version" in document:  # `terraform show -json`
            return "herokux"
    if isinstance(document, list) and document and all(isinstance(item, Mapping) for item in document):
        if all("attributes" in item for item in document):
            return "heroku-scheduler"
        if all("frequency" in item for item in document):
            return "herokux"
    raise UserError(
        "the file is not a Cron To Go manifest (`jobs:`), a Heroku Scheduler job list (JSON:API `data`) or "
        "herokux_scheduler_job resources (`terraform show -json`); see docs/how-to/import.md"
    )
