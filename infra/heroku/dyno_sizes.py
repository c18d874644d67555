"""Which of a stack's job sizes an app can run, and the one line for each it cannot. Pure: a
function of the app as `GET /apps/{app}` answers it, read by the config vars provider's check (the
read that refuses Fir apps), so a size the app cannot use is refused at preview, not at the job's
first scheduled run.

- The schema (shared/reference/heroku-platform-api-schema.json) gives `app.space` as null or
  `{id, name, shield}`, and marks a dyno size `private_space_only`.
- Dev Center "Dyno Types": "Heroku Private and Shield dynos are only available with Private Spaces
  and Shield Spaces"; apps in a space "have different sets of available dyno types" (the Common
  Runtime's eco, basic, standard and performance are not among them).
- In a Shield Space the Heroku CLI shows a formation's `Private-M` as `Shield-M` (heroku/cli
  src/commands/ps/type.ts, `d.size.replace('Private-', 'Shield-')` when `app.space.shield`), so the
  API may name a Shield Space's sizes either way: both are taken there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from infra.heroku.facts import COMMON_RUNTIME_DYNO_SIZES, common_runtime_size
from infra.heroku.payloads import App, AppSpace

__all__ = ["app_size_refusals"]

_COMMON = {size.lower() for size in COMMON_RUNTIME_DYNO_SIZES}


def _tier(size: str) -> str:
    """SIZE's tier: private, shield, or common (every size the settings accept that is neither)."""
    prefix = size.lower().split("-", 1)[0]
    return prefix if prefix in ("private", "shield") else "common"


def _in_space(size: str, tier: str) -> str:
    """The size of TIER ("private" or "shield") nearest SIZE: performance-L -> private-L."""
    suffix = size.split("-", 1)[1] if "-" in size else ""
    if suffix.upper() not in ("S", "M", "L", "L-RAM", "XL", "2XL"):
        suffix = "S"  # eco, basic, standard-1X/2X: the space's smallest size
    return f"{tier}-{suffix}"


def _size_refusal(index: int, job: str, size: str, app: str, space: AppSpace | None) -> str | None:
    """The line refusing job JOB (`picletter:jobs[INDEX]`) its SIZE on APP (how to name the app in
    the line) in SPACE (the app's `space`, None for the Common Runtime), or None if the app can run it."""
    setting, tier = f"picletter:jobs[{index}].size", _tier(size)
    if space is None:
        if tier == "common":
            return None
        return (
            f"{setting}: {size} (job {job}) runs only in a Private or Shield Space and {app} is in none "
            f"(Heroku's Common Runtime): use {common_runtime_size(size)}"
        )
    kind = "shield" if space.get("shield") is True else "private"
    where = f"{'Shield' if kind == 'shield' else 'Private'} Space {space.get('name') or space.get('id')}"
    if size.lower() in _COMMON:
        return (
            f"{setting}: {size} (job {job}) is a Common Runtime size and {app} runs in {where}, which has its "
            f"own sizes: use {_in_space(size, kind)}"
        )
    if tier == "shield" and kind == "private":
        return (
            f"{setting}: {size} (job {job}) runs only in a Shield Space and {app} runs in {where}: "
            f"use {_in_space(size, 'private')}"
        )
    return None


def app_size_refusals(name: str, app: App, jobs: Sequence[Sequence[Any]]) -> list[str]:
    """One line per job of JOBS ((job name, size) pairs, in `picletter:jobs` order) whose size app
    NAME, as `GET /apps/{app}` answered (APP), cannot run."""
    space = app.get("space")
    found = [
        _size_refusal(index, str(job), str(size), f"app {name}", space if isinstance(space, dict) else None)
        for index, (job, size) in enumerate(jobs)
    ]
    return [line for line in found if line]
