"""Which generation of Heroku's platform an app runs on, and the one line that refuses Fir apps.
Pure: a function of the app as `GET /apps/{app}` answers it.

picletter runs jobs on Cedar apps. On a Fir app (Cloud Native Buildpacks) the Heroku CLI starts a
one-off dyno's command through the CNB `launcher` (heroku/cli src/lib/run/helpers.ts,
shouldPrependLauncher: `app.stack.name === 'cnb'`, the app read with `Accept:
application/vnd.heroku+json; version=3.sdk`), names dynos like `web-848cd4f64d-pvpr2`
(src/lib/apps/generation.ts; src/commands/run/inside.ts) and streams logs another way
(src/lib/run/log-displayer.ts). How the launcher runs picletter's reporter (`exec sh -c ...`), how
Fir names one-off dynos and whether its logs carry Heroku's "Process exited with status N" line are
in none of these sources and cannot be tried here, so Fir apps are refused, not guessed at
(docs/adr/0010-fir-apps-refused.md).

Sources disagree on the answer's shape, so both are read: the Platform API schema
(shared/reference/heroku-platform-api-schema.json, app.generation) gives `generation` as an object
`{"id", "name"}` (name e.g. "cedar"; the generation resource's example name is "fir"), the CLI's
types for the 3.sdk variant (src/lib/types/fir.d.ts, App.generation, example "fir") as a string, and
the CLI's own launcher rule looks only at `stack.name == "cnb"`. Any of them marks an app as Fir.
"""

from __future__ import annotations

from typing import Any

from infra.heroku.payloads import App

__all__ = ["CEDAR", "CNB_STACK", "FIR", "app_generation", "fir_app_refusal", "fir_dyno_refusal"]

CEDAR = "cedar"
FIR = "fir"
# The stack of Fir apps, on which the Heroku CLI prepends `launcher` (helpers.ts).
CNB_STACK = "cnb"
# Why, in every refusal; each caller names what to do.
_WHY = "picletter runs jobs on Cedar apps; Fir apps are not supported yet"


def _name(value: Any) -> str:
    """A generation or stack as either source gives it: a string, or an object with a name."""
    if isinstance(value, dict):
        value = value.get("name")
    return value.lower() if isinstance(value, str) else ""


def app_generation(app: App) -> str:
    """APP's generation: "fir" when its generation says so or its stack is "cnb" (the CLI's rule),
    else its generation's name ("cedar"), or "cedar" when the answer names none (apps made before
    Fir existed are Cedar apps)."""
    generation, stack = _name(app.get("generation")), _name(app.get("stack"))
    if generation == FIR or stack == CNB_STACK:
        return FIR
    return generation or CEDAR


def fir_app_refusal(setting: str, name: str, app: App, fix: str) -> str | None:
    """None for a Cedar app, else one line naming SETTING, the app, its generation and FIX."""
    if app_generation(app) != FIR:
        return None
    stack = _name(app.get("stack")) or "unknown"
    return f"{setting}: app {name} is a Fir-generation app (stack {stack}); {_WHY}: {fix}"


def fir_dyno_refusal(option: str, dyno: str, fix: str) -> str:
    """The line for a dyno name shaped as Fir names dynos (infra.names.FIR_DYNO_NAME)."""
    return f"{option}: {dyno} is the name of a Fir-generation dyno; {_WHY}: {fix}"
