"""Run the real Pulumi program offline under the SDK's mocks and record what it registers.

Used by the tests and by `python -m infra synth`: every resource with its type, name, parent and
inputs (secrets kept as `Secret` wrappers), and the stack outputs. No cloud is called; dynamic
providers are not invoked (the engine would call them after registration).
"""

from __future__ import annotations

import asyncio
import json
import os
import runpy
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pulumi
from pulumi.runtime import mocks, rpc, settings
from pulumi_azure_native import logic, resources

from infra.components.failure_alerts import ACTION_GROUP_TYPE
from infra.dynamic.catch_up_start import CatchUpStart, start_ahead
from infra.dynamic.heroku_app import HerokuApp
from infra.dynamic.heroku_build import HerokuBuild
from infra.dynamic.heroku_config_vars import HerokuConfigVars
from infra.errors import PicletterError
from infra.tree import DESCEND, rewrite
from infra.type_tokens import type_token

__all__ = [
    "PROGRAM",
    "ProgramFailed",
    "ProgramRun",
    "RecordedResource",
    "Secret",
    "mask_secrets",
    "reveal_secrets",
    "run_program",
]

PROGRAM = Path(__file__).resolve().parents[2] / "__main__.py"


@dataclass(frozen=True)
class Secret:
    """A value the program marked secret; the engine would encrypt it in state."""

    value: Any

    def __repr__(self) -> str:
        return "Secret([masked])"


def _wrap_rule(value: Any, _path: str) -> Any:
    if rpc.is_rpc_secret(value):
        return Secret(_wrap_secrets(rpc.unwrap_rpc_secret(value)))
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf Structs carry every number as a double
    return DESCEND


def _wrap_secrets(value: Any) -> Any:
    return rewrite(value, _wrap_rule)


def _replace_secrets(value: Any, replace: Callable[[Secret], Any]) -> Any:
    return rewrite(value, lambda node, _path: replace(node) if isinstance(node, Secret) else DESCEND)


def mask_secrets(value: Any, mask: str = "[secret]") -> Any:
    """VALUE with every Secret replaced by MASK (what a preview or a review file may show)."""
    return _replace_secrets(value, lambda _: mask)


def reveal_secrets(value: Any) -> Any:
    """VALUE with every Secret unwrapped (what a deploy sends to the provider)."""
    return _replace_secrets(value, lambda secret: reveal_secrets(secret.value))


@dataclass
class RecordedResource:
    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    additional_secret_outputs: list[str]
    dependencies: list[str] = field(default_factory=list)
    retain_on_delete: bool = False
    outputs: dict[str, Any] = field(default_factory=dict)


@dataclass
class ProgramRun:
    resources: list[RecordedResource]
    outputs: dict[str, Any]

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]

    def by_urn(self, urn: str) -> RecordedResource | None:
        return next((r for r in self.resources if r.urn == urn), None)


class ProgramFailed(PicletterError):
    """The program raised; `run` holds what it had registered by then, `__cause__` the error."""

    def __init__(self, message: str, run: ProgramRun) -> None:
        super().__init__(message)
        self.run = run


def _fake_outputs(args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
    """Outputs a real deploy would have, shaped like Azure's and the providers'."""
    outputs = dict(args.inputs)
    if args.typ == type_token(resources.ResourceGroup):
        name = f"{args.name}-rg0000"
        outputs["name"] = name
        return f"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/{name}", outputs
    if args.typ == type_token(logic.Workflow):
        name = f"{args.name}0000"
        group = outputs.get("resourceGroupName", "rg")
        outputs["name"] = name
        resource_id = (
            f"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/{group}"
            f"/providers/Microsoft.Logic/workflows/{name}"
        )
        return resource_id, outputs
    if args.typ == ACTION_GROUP_TYPE:
        return f"/subscriptions/00000000-0000-0000-0000-000000000000/actionGroups/{args.name}", outputs
    if args.typ == type_token(HerokuApp):
        return "00000000-app", outputs
    if args.typ == type_token(HerokuBuild):
        outputs.update(buildId="00000000-build", releaseId="00000000-release", status="succeeded")
        return "00000000-build", outputs
    if args.typ == type_token(CatchUpStart):
        outputs["windowStart"] = start_ahead(outputs, datetime.now(UTC))
        return f"{args.name}-id", outputs
    if args.typ == type_token(HerokuConfigVars):
        values = rpc.unwrap_rpc_secret(outputs.get("vars")) or {}
        outputs["keys"] = sorted(values)
        return f"{outputs.get('app')}/config-vars", outputs
    return f"{args.name}-id", outputs


class _RecordingMonitor(mocks.MockMonitor):
    def __init__(self, recorder: _Recorder) -> None:
        super().__init__(recorder)
        self.recorder = recorder

    def RegisterResource(self, request: Any) -> Any:
        # Registrations run on several threads; new_resource runs on the caller's.
        pending = self.recorder.pending
        pending.urn = self.make_urn(request.parent, request.type, request.name)
        pending.parent = request.parent
        pending.secret_outputs = list(request.additionalSecretOutputs)
        pending.dependencies = list(request.dependencies)
        pending.retain_on_delete = bool(request.retainOnDelete)
        return super().RegisterResource(request)  # type: ignore[no-untyped-call]

    def RegisterResourceOutputs(self, request: Any) -> Any:
        # The stack's own registration comes before the program runs; its exports are read at the end.
        if (resource := self.recorder.by_urn.get(request.urn)) is not None:
            resource.outputs = _wrap_secrets(rpc.deserialize_properties(request.outputs))
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


class _Recorder(pulumi.runtime.Mocks):
    def __init__(self, project: str, stack: str) -> None:
        self.project, self.stack = project, stack
        self.resources: list[RecordedResource] = []
        self.by_urn: dict[str, RecordedResource] = {}
        self.stack_outputs: dict[str, Any] = {}
        self.pending = threading.local()
        self.lock = threading.Lock()

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        urn, parent = self.pending.urn, self.pending.parent
        resource = RecordedResource(
            type=args.typ,
            name=args.name,
            urn=urn,
            parent=parent,
            custom=bool(args.custom),
            inputs=_wrap_secrets(args.inputs),
            additional_secret_outputs=self.pending.secret_outputs,
            dependencies=self.pending.dependencies,
            retain_on_delete=self.pending.retain_on_delete,
        )
        with self.lock:
            self.resources.append(resource)
            self.by_urn[urn] = resource
        return _fake_outputs(args)

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def run_program(
    config: Mapping[str, Any],
    *,
    secret_keys: list[str] | None = None,
    project: str = "picletter",
    stack: str = "dev",
    env: Mapping[str, str] | None = None,
    program: Path = PROGRAM,
    preview: bool = False,
) -> ProgramRun:
    """Run PROGRAM with CONFIG (`ns:key` -> value; objects are JSON-encoded) and return what it did."""
    recorder = _Recorder(project, stack)
    # A fresh event loop and root stack per run, so runs in one process do not see each other.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    settings.ROOT.set(None)
    pulumi.runtime.set_mocks(
        recorder, project=project, stack=stack, preview=preview, monitor=_RecordingMonitor(recorder)
    )
    encoded = {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
    pulumi.runtime.set_all_config(encoded, secret_keys or [])

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def evaluate() -> pulumi.Output[None]:
        runpy.run_path(str(program), run_name="__main__")
        root = settings.get_root_resource()
        exports = dict(getattr(root, "outputs", {}))

        async def capture() -> None:
            # Through the wire format, so secret exports stay marked as secrets.
            struct = await rpc.serialize_properties(exports, {})
            recorder.stack_outputs.update(_wrap_secrets(rpc.deserialize_properties(struct)))

        return pulumi.Output.from_input(asyncio.ensure_future(capture()))

    run = ProgramRun(resources=recorder.resources, outputs=recorder.stack_outputs)
    with patch.dict(os.environ, env or {}):
        try:
            evaluate()
        except Exception as exc:
            raise ProgramFailed(str(exc), run) from exc
        finally:
            loop.close()
            asyncio.set_event_loop(None)
    return run
