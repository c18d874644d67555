"""`HerokuApp`: an app the stack creates (`picletter:createApp`).

The program registers it with `retain_on_delete` unless `picletter:deleteAppOnDestroy` is true, so
`pulumi destroy` never deletes an app, its add-ons or data unless asked to. Pulumi reads that option
from the state, so a changed `deleteAppOnDestroy` takes effect after an `up`, not in the `destroy`
itself.

Heroku cannot move an app to another region: a changed region would replace the app, and with the
old one retained, the new create fails on the taken name. `check` refuses it before anything changes.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, Resource

from infra.dynamic.heroku_provider import HerokuProvider
from infra.heroku.errors import HerokuApiError, HerokuNotFound
from infra.heroku.payloads import App

__all__ = ["HerokuApp", "HerokuAppArgs", "HerokuAppProvider"]


def _outputs(app: App, props: dict[str, Any]) -> dict[str, Any]:
    return {"name": app["name"], "region": props.get("region"), "appId": app["id"], "webUrl": app.get("web_url")}


# Where Heroku puts an app created without a region.
DEFAULT_REGION = "us"


class HerokuAppProvider(HerokuProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        was, wants = olds.get("region") or DEFAULT_REGION, news.get("region") or DEFAULT_REGION
        if olds.get("name") and olds.get("name") == news.get("name") and was != wants:
            reason = (
                f"picletter:herokuRegion: the app {news['name']} was created in {was}, and Heroku cannot move an "
                f"app to {wants}; set herokuRegion back to {was}, or create another app under a new herokuApp name"
            )
            return CheckResult(news, [CheckFailure("region", reason)])
        return CheckResult(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in ("name", "region") if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=True)

    def create(self, props: dict[str, Any]) -> CreateResult:
        with self.client() as heroku:
            try:
                app = heroku.create_app(props["name"], region=props.get("region"))
            except HerokuApiError as exc:
                if exc.status == 422:
                    raise HerokuApiError(
                        exc.method,
                        exc.path,
                        exc.status,
                        exc.error_id,
                        f"{exc.message}; to use an app that already exists, set picletter:createApp to false",
                    ) from None
                raise
        return CreateResult(app["id"], _outputs(app, props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client() as heroku:
            try:
                app = heroku.app(props.get("name") or id_)
            except HerokuNotFound:
                return ReadResult(None, {})
        return ReadResult(id_, _outputs(app, props))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        with self.client() as heroku, contextlib.suppress(HerokuNotFound):  # already gone
            heroku.delete_app(props["name"])


@dataclass(frozen=True)
class HerokuAppArgs:
    name: str
    region: str | None = None


class HerokuApp(Resource, module="heroku", name="App"):
    # Dynamic resources expose outputs under their property names.
    name: pulumi.Output[str]
    appId: pulumi.Output[str]

    def __init__(self, name: str, args: HerokuAppArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props = {"name": args.name, "region": args.region, "appId": None, "webUrl": None}
        super().__init__(HerokuAppProvider(), name, props, opts)
